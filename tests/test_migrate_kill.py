"""SIGKILL a runner inside a migration, on every runner path, then check that `status` tells
the truth and that one plain command recovers.

The kill is synchronised on the database's state (a `pg_sleep` statement, or a concurrent index
build blocked behind a writer, visible in pg_stat_activity), never on wall-clock time. The
sleeps last while `knob.slow` is true, so the recovery after the kill runs quickly. The
transactional `up` path is `test_migrate_concurrency.test_sigkill_during_slow_migration`.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from test_migrate_support import (
    cli,
    make_repo,
    mig,
    query,
    running_query,
    spawn,
    status_json,
    table_exists,
    wait_for,
)

from workbench.database.urls import connect

SLEEP = "SELECT pg_sleep(CASE WHEN (SELECT slow FROM knob) THEN 60 ELSE 0 END);"
KNOB = mig("CREATE TABLE knob (slow boolean);\nINSERT INTO knob VALUES (true);")


def _kill_inside(root: Path, url: str, *args: str, fragment: str = "pg_sleep") -> None:
    """Start `migrate ARGS`, SIGKILL it once its backend runs `fragment`, wait for the backend to end."""
    proc = spawn(root, *args, "--url", url)
    try:
        assert wait_for(lambda: running_query(url, fragment) is not None, timeout=30), \
            f"never reached {fragment}: {proc.stderr.read() if proc.poll() is not None and proc.stderr else ''}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # The server notices the dead client (client_connection_check_interval) and ends the backend.
    assert wait_for(lambda: running_query(url, fragment) is None, timeout=30), "the killed runner's backend lives on"
    query(url, "UPDATE knob SET slow = false")


def _state(capsys: Any, root: Path, url: str, version: str) -> tuple[str, int]:
    data = status_json(capsys, root, url)
    return {m["version"]: m["state"] for m in data["databases"][0]["migrations"]}[version], data["exit"]


def test_kill_during_nontransactional_up(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    slow = mig(f"CREATE TABLE k (id int);\n{SLEEP}\nINSERT INTO k VALUES (1);", "DROP TABLE k;", tx=False)
    root = make_repo(tmp_path, {"001_knob.sql": KNOB, "002_slow.sql": slow})
    _kill_inside(root, fresh_db, "up")
    # Statement 1 ran and was recorded; the sleep was interrupted; statement 3 never ran.
    assert _state(capsys, root, fresh_db, "002") == ("partial", 1)
    assert query(fresh_db, "SELECT statements_done FROM workbench.schema_migrations WHERE version = '002'") == [(1,)]
    assert table_exists(fresh_db, "k") and query(fresh_db, "SELECT count(*) FROM k") == [(0,)]
    code, out, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 0 and "resuming 002 at statement 2 of 3" in out, err
    assert query(fresh_db, "SELECT id FROM k") == [(1,)]
    assert _state(capsys, root, fresh_db, "002") == ("applied", 0)


def test_kill_during_transactional_down(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_knob.sql": KNOB,
                                "002_t.sql": mig("CREATE TABLE t (id int);", f"DROP TABLE t;\n{SLEEP}")})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    _kill_inside(root, fresh_db, "down", "--yes")
    # The transaction died with the runner: the table and the tracker row are both still there.
    assert table_exists(fresh_db, "t")
    assert _state(capsys, root, fresh_db, "002") == ("applied", 0)
    code, out, err = cli(capsys, root, "down", "--url", fresh_db, "--yes")
    assert code == 0 and "rolled back 002" in out, err
    assert not table_exists(fresh_db, "t") and _state(capsys, root, fresh_db, "002") == ("pending", 1)


def test_kill_during_nontransactional_down(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    two = mig("CREATE TABLE a (id int);\nCREATE TABLE b (id int);", f"DROP TABLE b;\n{SLEEP}\nDROP TABLE a;", tx=False)
    root = make_repo(tmp_path, {"001_knob.sql": KNOB, "002_two.sql": two})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    _kill_inside(root, fresh_db, "down", "--yes")
    assert not table_exists(fresh_db, "b") and table_exists(fresh_db, "a")
    assert _state(capsys, root, fresh_db, "002") == ("partially_rolled_back", 1)
    code, out, err = cli(capsys, root, "down", "--url", fresh_db, "--yes")
    assert code == 0 and "resuming the rollback of 002 at statement 2 of 3" in out, err
    assert not table_exists(fresh_db, "a")
    assert query(fresh_db, "SELECT count(*) FROM workbench.settings WHERE key LIKE 'rollback:%'") == [(0,)]
    assert _state(capsys, root, fresh_db, "002") == ("pending", 1)


def test_kill_during_create_index_concurrently(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    cic = mig("CREATE INDEX CONCURRENTLY IF NOT EXISTS big_id ON big (id);",
              "DROP INDEX CONCURRENTLY IF EXISTS big_id;", tx=False)
    root = make_repo(tmp_path, {"001_knob.sql": KNOB,
                                "002_big.sql": mig("CREATE TABLE big AS SELECT g AS id FROM generate_series(1, 1000) g;"),
                                "003_cic.sql": cic})
    assert cli(capsys, root, "up", "--url", fresh_db, "--to", "002")[0] == 0
    # A writer's open transaction holds the build after it has committed the (invalid) index.
    with connect(fresh_db, autocommit=False) as writer:
        writer.execute("INSERT INTO big VALUES (0)")
        _kill_inside(root, fresh_db, "up", fragment="CREATE INDEX CONCURRENTLY")
        writer.rollback()
    assert query(fresh_db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'big_id'::regclass") == [(False,)]
    data = status_json(capsys, root, fresh_db)
    db = data["databases"][0]
    assert data["exit"] == 1 and db["invalid_indexes"] == [{"schema": "public", "index": "big_id", "table": "big"}]
    # Killed in its first statement with no error recorded: it may have left something.
    assert {m["version"]: m["state"] for m in db["migrations"]}["003"] == "partial"
    code, out, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 0 and "dropping INVALID index public.big_id" in out, err
    assert query(fresh_db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'big_id'::regclass") == [(True,)]
    assert _state(capsys, root, fresh_db, "003") == ("applied", 0)


def test_kill_during_reindex_concurrently(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    reindex = mig("REINDEX INDEX CONCURRENTLY big_id;", "", tx=False)
    root = make_repo(tmp_path, {"001_knob.sql": KNOB,
                                "002_big.sql": mig("CREATE TABLE big AS SELECT g AS id FROM generate_series(1, 1000) g;\n"
                                                   "CREATE INDEX big_id ON big (id);"),
                                "003_reindex.sql": reindex})
    assert cli(capsys, root, "up", "--url", fresh_db, "--to", "002")[0] == 0
    with connect(fresh_db, autocommit=False) as writer:
        writer.execute("INSERT INTO big VALUES (0)")
        _kill_inside(root, fresh_db, "up", fragment="REINDEX INDEX CONCURRENTLY")
        writer.rollback()
    invalid = status_json(capsys, root, fresh_db)["databases"][0]["invalid_indexes"]
    assert [ix["index"] for ix in invalid] == ["big_id_ccnew"]
    code, out, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 0 and "dropping INVALID index public.big_id_ccnew" in out, err
    assert query(fresh_db, "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                           " WHERE i.indrelid = 'big'::regclass") == [("big_id", True)]
    assert status_json(capsys, root, fresh_db)["exit"] == 0
