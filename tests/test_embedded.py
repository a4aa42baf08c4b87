"""The embedded server: starts, is reused, recovers from a killed server, and stops."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from workbench.dburl import connect
from workbench.embedded import EmbeddedServer


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
        deadline = time.monotonic() + 5
        while server.running_pid() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (server.data / "postmaster.pid").exists()
        url = server.ensure_running()
        with connect(url) as conn:
            assert conn.execute("select 2").fetchone() == (2,)
    finally:
        assert server.stop() in (True, False)
    assert server.running_pid() is None


def test_shared_use_last_one_stops(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path / "pg", fast=True)
    with server.shared_use():
        assert server.running_pid()
    assert server.running_pid() is None
