"""Runners as separate processes: two at once, a SIGKILL mid-migration, CONCURRENTLY with a
waiter, and status over many databases with an unreachable one (bounded time)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from test_migrate_support import (
    cli,
    make_repo,
    mig,
    query,
    running_query,
    spawn,
    states,
    table_exists,
    wait_for,
)

from workbench.database.urls import connect
from workbench.migrate.lock import LockTimeout, advisory_lock, lock_holder
from workbench.testing import create_database, drop_database


def _holder_pid(url: str) -> int | None:
    with connect(url) as conn:
        holder = lock_holder(conn)
    return holder.pid if holder else None


def test_two_concurrent_up_apply_each_migration_once(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    # The first runner's migration waits on a gate the test holds, so the second runner is
    # certain to meet the workbench lock held (no reliance on how fast either process starts).
    slow = mig("CREATE TABLE slow (id int);\nSELECT pg_advisory_xact_lock_shared(4242);\nINSERT INTO slow VALUES (1);")
    root = make_repo(tmp_path, {"001_slow.sql": slow, "002_after.sql": mig("INSERT INTO slow VALUES (2);")})
    with gate(fresh_db):
        first = spawn(root, "up", "--url", fresh_db)
        assert wait_for(lambda: waiting_on_gate(fresh_db), timeout=60), "first runner never reached the gate"
        second = Output(spawn(root, "up", "--url", fresh_db))
        assert second.wait_for("waiting for the workbench lock held by pid"), "second runner never waited"
    out1, err1 = first.communicate(timeout=60)
    out2, err2 = second.finish()
    assert first.returncode == 0 and second.proc.returncode == 0, (err1, err2)
    assert "applied 001 slow" in out1 and "applied 002 after" in out1
    # The second waited, named the holder, then found nothing to do.
    assert "waiting for the workbench lock held by pid" in out2
    assert "workbench migrate up" in out2 and "since" in out2
    assert "nothing to do" in out2 and "applying" not in out2
    assert query(fresh_db, "SELECT id FROM slow ORDER BY id") == [(1,), (2,)]
    assert query(fresh_db, "SELECT count(*) FROM workbench.schema_migrations")[0][0] == 3


@contextmanager
def gate(url: str) -> Iterator[None]:
    """Hold advisory lock 4242 exclusively: a migration statement taking it shared waits here."""
    with connect(url) as conn:
        conn.execute("SELECT pg_advisory_lock(4242)")
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(4242)")


def waiting_on_gate(url: str) -> bool:
    rows = query(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"
                      " AND NOT granted")
    return bool(rows[0][0])


class Output:
    """A spawned runner's stdout, read as it comes (to synchronise on what it says it does)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()

    def wait_for(self, text: str, timeout: float = 60.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: any(text in line for line in self.lines), timeout)

    def finish(self) -> tuple[str, str]:
        assert self.proc.stderr is not None
        err = self.proc.stderr.read()
        self.proc.wait(timeout=60)
        self.reader.join(timeout=60)
        return "".join(self.lines), err


def test_sigkill_during_slow_migration(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    # Slow while knob.slow is true, so the retry after the kill is quick.
    slow = mig("CREATE TABLE killed (id int);\nSELECT pg_sleep(CASE WHEN (SELECT slow FROM knob) THEN 5 ELSE 0 END);",
               "DROP TABLE killed;")
    root = make_repo(tmp_path, {"001_create.sql": mig("CREATE TABLE knob (slow boolean);\nINSERT INTO knob VALUES (true);"),
                                "002_slow.sql": slow})
    proc = spawn(root, "up", "--url", fresh_db)
    assert wait_for(lambda: running_query(fresh_db, "pg_sleep") is not None), "slow statement never started"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=5)
    # No partial migration: 002 is simply pending, its table never appeared.
    assert states(capsys, root, fresh_db) == {"000": "applied", "001": "applied", "002": "pending"}
    assert not table_exists(fresh_db, "killed")
    # The lock went with the session: the backend notices the dead client within about a second
    # (client_connection_check_interval) instead of sleeping on while holding the lock.
    query(fresh_db, "UPDATE knob SET slow = false")
    assert wait_for(lambda: running_query(fresh_db, "pg_sleep") is None, timeout=30), "the killed backend sleeps on"
    assert _holder_pid(fresh_db) is None  # nobody holds the workbench lock any more
    code, out, _ = cli(capsys, root, "up", "--url", fresh_db, "--lock-wait", "0")
    assert code == 0 and "applied 002 slow" in out
    assert set(states(capsys, root, fresh_db).values()) == {"applied"}


def test_create_index_concurrently_with_a_runner_waiting(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    # The waiting runner polls outside any transaction, so CONCURRENTLY (which waits for older
    # transactions) completes instead of deadlocking with it.
    cic = mig("SELECT pg_advisory_lock_shared(4242);\nSELECT pg_advisory_unlock_shared(4242);\n"
              "CREATE INDEX CONCURRENTLY big_id ON big (id);\n"
              "CREATE INDEX CONCURRENTLY big_id2 ON big (id);", "DROP INDEX CONCURRENTLY big_id;", tx=False)
    root = make_repo(tmp_path, {"001_big.sql": mig("CREATE TABLE big AS SELECT g AS id FROM generate_series(1, 1000) g;"),
                                "002_cic.sql": cic})
    with gate(fresh_db):
        first = spawn(root, "up", "--url", fresh_db)
        assert wait_for(lambda: waiting_on_gate(fresh_db), timeout=60), "first runner never reached the gate"
        second = Output(spawn(root, "up", "--url", fresh_db))
        assert second.wait_for("waiting for the workbench lock held by pid"), "second runner never waited"
    out1, err1 = first.communicate(timeout=60)
    out2, err2 = second.finish()
    assert first.returncode == 0, err1
    assert second.proc.returncode == 0 and "nothing to do" in out2 and "waiting for the workbench lock" in out2, err2
    indexes = {r[0] for r in query(fresh_db, "SELECT indexname FROM pg_indexes WHERE tablename = 'big'")}
    assert indexes == {"big_id", "big_id2"}
    valid = query(fresh_db, "SELECT bool_and(indisvalid) FROM pg_index WHERE indrelid = 'big'::regclass")
    assert valid == [(True,)]


def test_advisory_lock_api_times_out_naming_the_holder(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {})
    with connect(fresh_db, application="holder-app") as a, connect(fresh_db) as b:
        seen: list[Any] = []
        with advisory_lock(a, timeout=1):
            code, out, _ = cli(capsys, root, "status", "--url", fresh_db)
            assert f"a runner is at work: pid {a.info.backend_pid} (holder-app" in out
            code, _, err = cli(capsys, root, "up", "--url", fresh_db, "--lock-wait", "0.3")
            assert code == 2 and f"held by pid {a.info.backend_pid} (holder-app" in err
            with pytest.raises(LockTimeout) as info:
                with advisory_lock(b, timeout=0.3, on_wait=seen.append):
                    pass
            assert info.value.holder is not None and info.value.holder.pid == a.info.backend_pid
            assert "holder-app" in str(info.value) and seen and seen[0].application == "holder-app"
        with advisory_lock(b, timeout=1):  # released on exit
            assert lock_holder(a) is not None
        with pytest.raises(ValueError):
            b.autocommit = False
            with advisory_lock(b, timeout=1):
                pass


@pytest.fixture
def blackhole() -> Iterator[str]:
    """A TCP port that accepts connections and never answers (an unreachable server's worst case)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    try:
        yield f"postgresql://app:hunter2-secret@127.0.0.1:{sock.getsockname()[1]}/orders"
    finally:
        sock.close()


def test_status_many_databases_one_unreachable_is_bounded(tmp_path: Path, pg_admin: str, blackhole: str,
                                                          monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    dbs = [create_database(pg_admin) for _ in range(4)]
    try:
        # A generous timeout: under load a reachable database must still connect in time; the
        # black hole never does, whatever the timeout.
        toml = '[workbench]\nconnect_timeout = 3\n\n'
        for i, (_, url) in enumerate(dbs):
            monkeypatch.setenv(f"WB_T_DB{i}", url)
            toml += f'[databases.db{i}]\nurl = "${{WB_T_DB{i}}}"\n\n'
        monkeypatch.setenv("WB_T_HOLE", blackhole)
        toml += '[databases.hole]\nurl = "${WB_T_HOLE}"\nprotected = true\n'
        root = make_repo(tmp_path, {"001_a.sql": mig("CREATE TABLE a (id int);")}, toml)
        assert cli(capsys, root, "up", "--db", "db0")[0] == 0
        # How long this takes is measured in bench/bench_migrate.py; here: that it answers for
        # every database, the unreachable one with its connect-timeout error.
        code, out, err = cli(capsys, root, "status", "--json")
        data = {d["name"]: d for d in json.loads(out)["databases"]}
        assert list(data) == ["db0", "db1", "db2", "db3", "hole"]
        assert data["hole"]["reachable"] is False and "timeout" in data["hole"]["error"]
        assert "hunter2" not in out and "hunter2" not in err and "app:***@" in data["hole"]["url"]
        assert {m["state"] for m in data["db0"]["migrations"]} == {"applied"}
        assert {m["state"] for m in data["db1"]["migrations"]} == {"pending"}
        assert code == 1  # db1..db3 are not up to date
        # As a separate process too (what an on-call engineer runs).
        proc = spawn(root, "status", "--json", "--db", "hole", "--db", "db0")
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0  # every reachable database is up to date
        assert [d["reachable"] for d in json.loads(out)["databases"]] == [False, True]
        # A single unreachable database is an environment error, for status and for up.
        code, _, _ = cli(capsys, root, "status", "--db", "hole")
        assert code == 2
        code, _, err = cli(capsys, root, "up", "--url", blackhole, "--connect-timeout", "1")
        assert code == 2 and "cannot connect to postgresql://app:***@127.0.0.1" in err and "hunter2" not in err
        assert "timeout" in err
    finally:
        for name, _ in dbs:
            drop_database(pg_admin, name)
        os.environ.pop("WB_T_HOLE", None)
