"""The embedded server: starts, is reused, recovers from a killed server, and stops."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from workbench.database.embedded import EmbeddedServer
from workbench.database.urls import connect


def test_start_reuse_kill_recover_stop(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "pg", fast=True)
    try:
        url = server.ensure_running()
        pid = server.running_pid()
        assert pid
        assert server.ensure_running() == url and server.running_pid() == pid  # reused, not restarted
        with connect(url) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
        # A killed run leaves postmaster.pid and the socket behind: the next start recovers.
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while server.running_pid() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.running_pid() is None, "the killed server is still seen as running"
        assert (server.data / "postmaster.pid").exists()
        url = server.ensure_running()
        with connect(url) as conn:
            assert conn.execute("select 2").fetchone() == (2,)
    finally:
        stopped = server.stop()
    assert stopped is True  # it was running (restarted above), and stop() says it stopped it
    assert server.running_pid() is None
    assert server.stop() is False  # nothing left to stop


def test_shared_use_last_one_stops(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "pg", fast=True)
    with server.shared_use():
        assert server.running_pid()
    assert server.running_pid() is None


def test_killed_session_leaves_server_that_next_session_stops(tmp_path: Path) -> None:
    """A test run killed mid-way leaves its server up; the next run reuses it and stops it."""
    import subprocess
    import sys

    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from workbench.database.embedded import EmbeddedServer\n"
        f"s = EmbeddedServer(Path({str(tmp_path / 'pg')!r}), fast=True)\n"
        "with s.shared_use():\n"
        "    print('up', flush=True)\n"
        "    time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "up"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    server = EmbeddedServer(tmp_path / "pg", fast=True)
    left = server.running_pid()
    assert left, "the killed session's server is still running"
    with server.shared_use() as url:
        assert server.running_pid() == left  # reused, not a second server
        with connect(url) as conn:
            assert conn.execute("select 3").fetchone() == (3,)
    assert server.running_pid() is None
