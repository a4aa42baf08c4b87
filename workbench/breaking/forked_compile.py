"""Compile proto trees in forked children: several at once with their memory peaks kept apart, or one
big tree whose compile should not pay for protoc's teardown.

Why not a process pool: protoc's memory peaks at the very end of a compile, when it copies every
file with its source info into the output set (on the 5,000-message benchmark: a steady parse to
~100 MiB, then ~80 MiB more within ~0.2 s), and it keeps that memory while it tears its descriptor
pool down (0.1-0.25 s more), which nothing in a pool worker can cut short. Two such compiles side by
side peak at ~360 MiB together; one after the other they cost 0.4-0.6 s.

So each child writes its descriptor set into a FIFO that this process reads as protoc writes it. The
moment the set is complete (protoc closed the FIFO) the child is killed: its teardown costs neither
time nor memory (what protoc printed, warnings such as unused imports, it printed while parsing, into
a file the parent reads). The next child is forked once the previous one has read HANDOFF_SHARE of its sources
(its `rchar` in /proc/PID/io), so that its own output copy starts after the previous one's ended.
"""

from __future__ import annotations

import os
import select
from collections.abc import Sequence
from pathlib import Path

from workbench.contracts.record import FrozenRecord
from workbench.findings import Finding, Severity

# Share of its .proto bytes a child has read before the next child starts. protoc reads the sources at
# a steady rate while it parses, then spends ~0.3-0.5x of that parse time on its output copy. Measured
# on the 5,000-message benchmark (2 cores; peak PSS of the process tree / median compile time of both
# sides; the pool-based parallel compile: 280-360 MiB / 1.07 s): 0.3 -> 300-327 MiB / 0.98 s,
# 0.5 -> 295-312 MiB / 0.94 s, 0.7 -> 276-280 MiB / 1.08 s, 0.9-1.0 -> 266-270 MiB / 1.16 s. 0.9: the
# bench measured 0.19x buf's memory with it (0.21x at 0.7), for ~7% more compile time.
HANDOFF_SHARE = 0.9
POLL_SECONDS = 0.005
PIPE_BYTES = 1 << 20  # fewer wake-ups than the default 64 KiB while a 7 MB set streams through

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms of a lint run's start-up)
if TYPE_CHECKING:
    from typing import NoReturn

Compiled = tuple[bytes | None, list[Finding]]


class Job(FrozenRecord):
    """One tree to compile in a child."""

    _fields = ("proto_root", "rel_prefix", "source_bytes", "files", "includes", "prefixes", "source_info", "hidden")
    __slots__ = _fields

    def __init__(self, proto_root: Path, rel_prefix: str, source_bytes: int, files: tuple[str, ...] = (),
                 includes: tuple[Path, ...] = (), prefixes: dict[str, str] | None = None,
                 source_info: bool = True, hidden: tuple[Path, ...] = ()) -> None:
        self.proto_root = proto_root
        self.rel_prefix = rel_prefix
        self.source_bytes = source_bytes  # size of its .proto files: how much a child reads before its output phase
        self.files = files  # what to compile (default: every .proto below proto_root)
        self.includes = includes  # more roots (a buf workspace's other modules)
        self.prefixes = prefixes  # file -> its root's prefix in findings
        self.source_info = source_info  # locations and comments in the set
        self.hidden = hidden  # excluded folders no import may find (proto_compile.include_args)


class _Child:
    """A running child: what it compiles, where it writes, what it has written so far."""

    __slots__ = ("job", "pid", "fifo", "result_path", "diagnostics_path", "chunks", "eof", "killed", "status")

    def __init__(self, job: Job, pid: int, fifo: int, result_path: Path, diagnostics_path: Path) -> None:
        self.job = job
        self.pid = pid
        self.fifo = fifo  # read end; protoc opens the FIFO to write the set
        self.result_path = result_path  # where the child leaves (exit code, findings) when protoc returns
        self.diagnostics_path = diagnostics_path  # what protoc printed, as it printed it (read when the child was ended)
        self.chunks: list[bytes] = []
        self.eof = False  # a writer came and went
        self.killed = False  # by us, once protoc had written the whole set
        self.status: int | None = None  # wait status once reaped

    @property
    def done(self) -> bool:
        return self.status is not None


def compile_forked(jobs: Sequence[Job]) -> list[Compiled]:
    """(descriptor set, findings) per job, in order; the set is None when protoc failed."""
    # imported before forking: children then read no bytecode (their rchar counts sources only) and
    # take no import lock another thread of ours might hold. The compiler itself, not grpc_tools.protoc
    # (whose importlib.resources set-up, threading and zipfile were 12 ms of the 5,000-message lint).
    from workbench.contracts.proto_compile import load_compiler

    load_compiler()

    tmp = _scratch_dir()
    children: list[_Child] = []
    try:
        children.append(_start(jobs[0], tmp, 0))
        while len(children) < len(jobs) or not all(c.done for c in children):
            if len(children) < len(jobs) and _handoff_due(children[-1]):
                children.append(_start(jobs[len(children)], tmp, len(children)))
            _pump([c for c in children if not c.done])
        return [_result(c) for c in children]
    finally:
        for child in children:
            _stop(child)
        for name in os.listdir(tmp):
            os.unlink(tmp / name)
        tmp.rmdir()


def _scratch_dir() -> Path:
    """A new folder only this user can use, in the temp folder: what tempfile.mkdtemp makes, without
    importing tempfile (with shutil, random, bz2 and lzma: 8 ms, and 1.4 MiB of the process that forks
    protoc, which its child carries through the compile's memory peak). Where that fails, tempfile's."""
    try:
        path = Path(os.environ.get("TMPDIR") or "/tmp", f"wb-compile-{os.getpid()}-{os.urandom(6).hex()}")
        path.mkdir(mode=0o700)
        return path
    except OSError:
        import tempfile

        return Path(tempfile.mkdtemp(prefix="wb-compile-"))


def _start(job: Job, tmp: Path, index: int) -> _Child:
    fifo_path = tmp / f"set-{index}.binpb"
    os.mkfifo(fifo_path, 0o600)
    # Opened before the fork, non-blocking: protoc's open for writing then never waits for a reader.
    fifo = os.open(fifo_path, os.O_RDONLY | os.O_NONBLOCK)
    _widen_pipe(fifo)
    result_path = tmp / f"result-{index}.pickle"
    diagnostics_path = tmp / f"diagnostics-{index}.txt"
    pid = os.fork()
    if pid == 0:
        _child_main(job, str(fifo_path), result_path, diagnostics_path)
    return _Child(job, pid, fifo, result_path, diagnostics_path)


def _child_main(job: Job, fifo_path: str, result_path: Path, diagnostics_path: Path) -> NoReturn:
    """Runs in the fork: compile, leave the outcome for the parent, and never return into its stack."""
    status = 1
    try:
        from workbench.contracts.proto_compile import proto_files, run_protoc

        outcome = run_protoc(job.proto_root, job.files or proto_files(job.proto_root), fifo_path,
                             rel_prefix=job.rel_prefix, includes=job.includes, prefixes=job.prefixes,
                             source_info=job.source_info, diagnostics_path=str(diagnostics_path),
                             hidden=job.hidden)
        # imported here, not by the parent: it reads the result only when the child was not ended early
        import pickle  # noqa: S403

        with open(result_path, "wb") as fh:
            pickle.dump(outcome, fh)
        status = 0
    finally:
        os._exit(status)  # no atexit handlers, no flushing of the parent's buffered output twice


def _widen_pipe(fd: int) -> None:
    import fcntl

    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except OSError:
        pass  # above the system's pipe-max-size: the default size works, with more wake-ups


def _handoff_due(child: _Child) -> bool:
    if child.done or child.chunks:
        return True  # its output phase has begun or it stopped early
    read = _bytes_read(child.pid)
    return read is None or read >= child.job.source_bytes * HANDOFF_SHARE


def _bytes_read(pid: int) -> int | None:
    """Bytes process `pid` has read so far (`rchar`; a forked child starts from 0); None when the
    kernel does not say (no /proc): the next compile then starts at once."""
    try:
        with open(f"/proc/{pid}/io", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _pump(running: list[_Child]) -> None:
    """Read whatever the running children have written; kill a child once its set is complete."""
    readable, _, _ = select.select([c.fifo for c in running if not c.eof], [], [], POLL_SECONDS)
    for child in running:
        if child.fifo in readable:
            _read(child)
            if child.eof and child.chunks:
                # protoc wrote the whole set and closed the file. What is left in the child is its
                # teardown (a compile that wrote its set has warnings at most, printed while it
                # parsed: they are in its diagnostics file already): end it now.
                child.killed = True
                _stop(child)
                continue
        pid, status = os.waitpid(child.pid, os.WNOHANG)
        if pid:
            child.status = status
            _read(child)  # what it wrote before exiting is all there, then EOF


def _read(child: _Child) -> None:
    while True:
        try:
            chunk = os.read(child.fifo, PIPE_BYTES)
        except BlockingIOError:
            return  # the writer is still busy
        if not chunk:
            child.eof = True  # no writer (any more)
            return
        child.chunks.append(chunk)


def _stop(child: _Child) -> None:
    if child.status is None:
        import signal

        try:
            os.kill(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, child.status = os.waitpid(child.pid, 0)
    if child.fifo >= 0:
        os.close(child.fifo)
        child.fifo = -1


def _result(child: _Child) -> Compiled:
    if child.killed:
        return b"".join(child.chunks), _warnings(child)
    import pickle  # noqa: S403 - reads back what our own forked child wrote

    try:
        with open(child.result_path, "rb") as fh:
            code, findings = pickle.load(fh)  # noqa: S301 - written by our own child
    except OSError:
        status = child.status or 0
        why = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"status {status}"
        return None, [Finding(Severity.ERROR, "PROTO_COMPILE", child.job.rel_prefix.rstrip("/"), 0,
                              f"protoc stopped without a result ({why})", 0)]
    return (b"".join(child.chunks) if code == 0 else None), findings


def _warnings(child: _Child) -> list[Finding]:
    """What the child's protoc printed before it was ended (warnings: unused imports, no syntax)."""
    from workbench.contracts.proto_compile import protoc_findings

    try:
        text = child.diagnostics_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    job = child.job
    roots = [job.proto_root.resolve(), *(r.resolve() for r in job.includes)]
    return protoc_findings(text, 0, roots, rel_prefix=job.rel_prefix, prefixes=job.prefixes)
