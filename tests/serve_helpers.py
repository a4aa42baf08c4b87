"""Shared by the `workbench serve` tests: start the server, find its app processes in /proc.

`served(root, *args)` starts `workbench --root ROOT serve --port 0 ...` as a real subprocess,
yields the printed URL, then stops it with SIGINT (Ctrl+C) and checks that it exited 0 and left
no app process behind. Processes are found through /proc (their command line and session id),
not through the server's own account of them.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

WORKBENCH = Path(sys.executable).with_name("workbench")
WAIT = 60.0  # generous upper bound for polls on a shared 2-core machine (not a timing assert)


@dataclass
class Served:
    url: str
    process: subprocess.Popen[str]
    root: Path

    @property
    def base(self) -> str:
        return self.url.split("?", 1)[0].rstrip("/")

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]

    @property
    def host_port(self) -> str:
        return self.base.split("//", 1)[1]


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _session(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[3]) if fields[1] != "Z" else None  # a zombie is already gone


def app_pids(root: Path) -> list[int]:
    """Running app processes of `workbench serve` on `root`: `python -m workbench --root ROOT`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        argv = _cmdline(int(entry.name))
        if argv[1:5] == ["-m", "workbench", "--root", str(root)] and _session(int(entry.name)) is not None:
            found.append(int(entry.name))
    return found


def in_sessions(sessions: set[int]) -> list[int]:
    """Live processes whose session is one of `sessions` (an app's children included)."""
    return [int(e.name) for e in Path("/proc").iterdir()
            if e.name.isdigit() and _session(int(e.name)) in sessions]


def wait_until(predicate: Callable[[], object], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for: {what}")
        time.sleep(0.1)


def start(root: Path, *args: str, env: dict[str, str] | None = None,
          stderr: IO[str] | int = subprocess.DEVNULL) -> tuple[subprocess.Popen[str], str]:
    """Start the server and return it with the URL it printed; its stderr goes to `stderr`."""
    process = subprocess.Popen(  # noqa: S603
        [str(WORKBENCH), "--root", str(root), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=stderr, text=True, env={**os.environ, **(env or {})})
    assert process.stdout is not None
    for line in process.stdout:
        match = re.search(r"http://\S+\?token=\S+", line)
        if match:
            # Keep reading, or a chatty server would block on a full pipe.
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return process, match.group(0)
    process.kill()
    raise AssertionError("workbench serve printed no URL")


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError("workbench serve did not stop on Ctrl+C") from None


@contextmanager
def served(root: Path, *args: str, stderr: IO[str] | int = subprocess.DEVNULL,
           env: dict[str, str] | None = None) -> Iterator[Served]:
    process, url = start(root, *args, stderr=stderr, env=env)
    try:
        yield Served(url, process, root)
    finally:
        code = stop(process)
        left = app_pids(root)
        for pid in left:  # never leave one behind, even when the assert below fails
            os.kill(pid, signal.SIGKILL)
        assert left == [], f"app processes left behind after Ctrl+C: {left}"
        assert code == 0, f"workbench serve exited {code}"
