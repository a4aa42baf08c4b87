"""On call: what is happening on a database right now, asked from another process and from a
folder with no repository (issue 19). Every wait synchronises on the server's own state
(pg_locks, pg_stat_activity), never on time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from test_migrate_support import make_repo, mig, query, spawn, wait_for

from workbench.database.urls import connect


def status_from(folder: Path, url: str, *extra: str) -> tuple[int, str, str]:
    """`workbench migrate status --url` as an on-call engineer runs it: a process in `folder`."""
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "workbench", "migrate", "status", "--url", url, *extra],
        capture_output=True, text=True, cwd=folder, env={**os.environ, "PYTHONUNBUFFERED": "1"}, timeout=60,
        check=False)
    return proc.returncode, proc.stdout, proc.stderr


def waiting_for_lock_on(url: str, relation: str) -> bool:
    rows = query(url, "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = to_regclass(%s)", [relation])
    return bool(rows[0][0])


@contextmanager
def idle_in_transaction(url: str, sql: str) -> Iterator[psycopg.Connection[Any]]:
    """A session that ran `sql` in a transaction and then sits idle in it (the classic blocker)."""
    conn = psycopg.connect(url, autocommit=False, application_name="forgotten-psql")
    try:
        conn.execute(sql)
        yield conn
    finally:
        conn.close()


@pytest.fixture
def empty_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "on-call-host"
    folder.mkdir()
    return folder


@pytest.fixture
def blocked_migration(tmp_path: Path, fresh_db: str) -> Iterator[tuple[subprocess.Popen[str], int, str]]:
    """`migrate up` of 002, whose ALTER TABLE waits behind an idle-in-transaction reader of t.
    Yields (the runner, the blocker's pid, the url); the blocker commits when the test ends."""
    root = make_repo(tmp_path, {"001_t.sql": mig("CREATE TABLE t (id int);"),
                                "002_add_c.sql": mig("ALTER TABLE t ADD COLUMN c int;", "ALTER TABLE t DROP COLUMN c;")})
    assert spawn(root, "up", "--url", fresh_db, "--to", "001").wait(timeout=60) == 0
    with idle_in_transaction(fresh_db, "SELECT * FROM t") as blocker:
        runner = spawn(root, "up", "--url", fresh_db, "--lock-timeout", "120s")
        try:
            assert wait_for(lambda: waiting_for_lock_on(fresh_db, "t"), timeout=60), "the ALTER never waited"
            yield runner, blocker.info.backend_pid, fresh_db
        finally:
            blocker.rollback()
            runner.communicate(timeout=60)


def test_status_outside_a_checkout_names_the_running_migration_and_its_blocker(
        blocked_migration: tuple[subprocess.Popen[str], int, str], empty_folder: Path) -> None:
    runner, blocker_pid, url = blocked_migration
    code, out, err = status_from(empty_folder, url, "--json")
    assert code == 0, err  # waiting, but not for longer than the threshold yet
    db = json.loads(out)["databases"][0]
    running = db["activity"]["running"]
    assert running["pid"] != blocker_pid and running["version"] == "002" and running["name"] == "add_c"
    assert running["action"] == "up" and "ALTER TABLE t ADD COLUMN c int" in running["statement"]
    assert running["waiting_for"]["mode"] == "AccessExclusiveLock" and running["waiting_for"]["relation"] == "t"
    [blocker] = db["activity"]["waiting_on"]
    assert blocker["pid"] == blocker_pid and blocker["state"] == "idle in transaction"
    assert blocker["query"] == "SELECT * FROM t" and blocker["application"] == "forgotten-psql"
    assert blocker["xact_start"] is not None
    # The tracker alone: 000 and 001 applied (no files here to say what is pending).
    assert {m["version"]: m["state"] for m in db["migrations"]} == {"000": "applied", "001": "applied"}
    assert json.loads(out)["repository"] is None


def test_a_session_queued_behind_the_migration_is_listed_and_stuck_exits_1(
        blocked_migration: tuple[subprocess.Popen[str], int, str], empty_folder: Path) -> None:
    runner, blocker_pid, url = blocked_migration
    with connect(url, application="report-query") as reader:
        reader_pid = reader.info.backend_pid
        # A plain read now queues behind the waiting ALTER (lock queue fairness): the outage.
        queued = subprocess.Popen(  # noqa: S603 - our own interpreter, no shell
            [sys.executable, "-c", "import psycopg,sys; psycopg.connect(sys.argv[1], application_name="
             "'report-query').execute('SELECT count(*) FROM t')", url])
        try:
            assert wait_for(lambda: len(query(url, "SELECT pid FROM pg_locks WHERE NOT granted")) >= 2, timeout=60)
            code, out, _ = status_from(empty_folder, url, "--stuck-after", "0.001")
            assert code == 1
            assert "RUNNING: migration 002 add_c (up)" in out
            assert f"blocked by pid {blocker_pid}" in out and "idle in transaction" in out
            assert "queued behind it: pid" in out and "SELECT count(*) FROM t" in out
            assert "STUCK: migration 002 add_c" in out and f"pid {blocker_pid}" in out
            code, out, _ = status_from(empty_folder, url, "--json", "--stuck-after", "0.001")
            activity = json.loads(out)["databases"][0]["activity"]
            assert code == 1 and activity["stuck"] is True
            assert [s["application"] for s in activity["blocking"]] == ["report-query"]
            assert reader_pid not in [s["pid"] for s in activity["blocking"]]
        finally:
            query(url, "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'report-query'"
                       " AND pid <> %s", [reader_pid])
            queued.wait(timeout=60)


def test_watch_shows_the_change_when_the_blocker_commits(tmp_path: Path, fresh_db: str, empty_folder: Path) -> None:
    root = make_repo(tmp_path, {"001_t.sql": mig("CREATE TABLE t (id int);"),
                                "002_add_c.sql": mig("ALTER TABLE t ADD COLUMN c int;")})
    assert spawn(root, "up", "--url", fresh_db, "--to", "001").wait(timeout=60) == 0
    watch = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "workbench", "migrate", "watch", "--url", fresh_db, "--json", "--interval", "0.2",
         "--count", "600"], stdout=subprocess.PIPE, text=True, cwd=empty_folder,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert watch.stdout is not None

    def next_frame() -> dict[str, Any]:
        line = watch.stdout.readline()  # type: ignore[union-attr]
        assert line, "watch ended early"
        frame: dict[str, Any] = json.loads(line)["databases"][0]
        return frame

    try:
        with idle_in_transaction(fresh_db, "SELECT * FROM t") as blocker:
            runner = spawn(root, "up", "--url", fresh_db, "--lock-timeout", "120s")
            frame = next_frame()
            while not (frame["activity"]["running"] and frame["activity"]["waiting_on"]):
                frame = next_frame()
            assert frame["activity"]["running"]["version"] == "002"
            assert frame["activity"]["waiting_on"][0]["pid"] == blocker.info.backend_pid
            blocker.commit()
            assert runner.wait(timeout=60) == 0
        frame = next_frame()
        while frame["activity"]["running"] is not None or len(frame["migrations"]) < 3:
            frame = next_frame()
        assert {m["version"]: m["state"] for m in frame["migrations"]}["002"] == "applied"
        # The watcher itself never held a lock or sat in a transaction.
        assert query(fresh_db, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE"
                               " 'workbench migrate status%%' AND state LIKE 'idle in transaction%%'")[0][0] == 0
    finally:
        watch.terminate()
        watch.wait(timeout=30)


def test_a_role_that_can_only_read_sees_the_running_version(
        blocked_migration: tuple[subprocess.Popen[str], int, str], empty_folder: Path) -> None:
    runner, blocker_pid, url = blocked_migration
    role = f"oncall_{uuid.uuid4().hex[:8]}"
    with connect(url) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT USAGE ON SCHEMA workbench TO "{role}"')
        admin.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA workbench TO "{role}"')
    try:
        as_role = psycopg.conninfo.make_conninfo(url, user=role)
        code, out, err = status_from(empty_folder, as_role, "--json")
        assert code == 0, err
        db = json.loads(out)["databases"][0]
        running = db["activity"]["running"]
        # Visible to anyone: who holds the lock, which migration (application_name), the lock graph.
        assert running["version"] == "002" and running["waiting_for"]["mode"] == "AccessExclusiveLock"
        assert [s["pid"] for s in db["activity"]["waiting_on"]] == [blocker_pid]
        # Hidden without pg_read_all_stats: other roles' statements.
        assert running["statement"] == "<insufficient privilege>"
        assert {m["version"] for m in db["migrations"]} == {"000", "001"}
    finally:
        with connect(url) as admin:
            admin.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA workbench FROM "{role}"')
            admin.execute(f'REVOKE ALL ON SCHEMA workbench FROM "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


def test_outside_a_checkout_without_url_is_a_usage_error(empty_folder: Path) -> None:
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "workbench", "migrate", "status"], capture_output=True, text=True,
        cwd=empty_folder, timeout=60, check=False)
    assert proc.returncode == 2 and "--url" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "workbench", "migrate", "up", "--url", "postgresql://nobody@/x"],
        capture_output=True, text=True, cwd=empty_folder, timeout=60, check=False)
    assert proc.returncode == 2 and "not inside a contracts repository" in proc.stderr


def test_status_of_an_idle_database_has_no_activity(fresh_db: str, tmp_path: Path, empty_folder: Path) -> None:
    root = make_repo(tmp_path, {"001_t.sql": mig("CREATE TABLE t (id int);")})
    assert spawn(root, "up", "--url", fresh_db).wait(timeout=60) == 0
    code, out, _ = status_from(empty_folder, fresh_db, "--json")
    db = json.loads(out)["databases"][0]
    assert code == 0 and db["activity"] == {"running": None, "waiting_on": [], "blocking": [], "stuck": False}
    code, out, _ = status_from(empty_folder, fresh_db)
    assert code == 0 and "001 t" in out and "applied" in out and "no contracts repository here" in out
