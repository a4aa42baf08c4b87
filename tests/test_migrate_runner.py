"""`workbench migrate` on a real PostgreSQL: up, down, failures, drift, states, guards, secrets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from test_migrate_support import cli, make_repo, mig, query, states, status_json, table_exists

from workbench.testing import create_database, drop_database

CREATE_A = mig("CREATE TABLE a (id int PRIMARY KEY, note text);", "DROP TABLE a;")
CREATE_B = mig("CREATE TABLE b (id int PRIMARY KEY);\nINSERT INTO b VALUES (1);", "DROP TABLE b;")


def test_up_status_down_and_json_shape(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A, "002_create_b.sql": CREATE_B})
    assert states(capsys, root, fresh_db) == {"000": "pending", "001": "pending", "002": "pending"}
    code, out, _ = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 0 and "applied 002 create_b" in out
    data = status_json(capsys, root, fresh_db)
    assert data["exit"] == 0
    db = data["databases"][0]
    assert set(db) == {"name", "url", "reachable", "error", "protected", "read_only", "migrations", "activity",
                       "invalid_indexes"}
    assert db["reachable"] is True and db["error"] is None
    assert set(db["migrations"][0]) == {"version", "name", "state", "applied_at", "checksum_ok"}
    assert all(m["state"] == "applied" and m["checksum_ok"] is True for m in db["migrations"])
    row = query(fresh_db, "SELECT script, success, applied_by, execution_ms FROM workbench.schema_migrations"
                          " WHERE version = '002'")[0]
    assert "CREATE TABLE b" in row[0] and row[1] is True and "@" in row[2] and row[3] >= 0
    # Second up: nothing to do.
    code, out, _ = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 0 and "nothing to do" in out
    # down needs confirmation (not protected: --yes is enough).
    code, _, err = cli(capsys, root, "down", "--url", fresh_db)
    assert code == 2 and "--yes" in err
    code, out, _ = cli(capsys, root, "down", "--url", fresh_db, "--yes", "--steps", "2")
    assert code == 0 and not table_exists(fresh_db, "a") and not table_exists(fresh_db, "b")
    assert states(capsys, root, fresh_db) == {"000": "applied", "001": "pending", "002": "pending"}
    code, out, _ = cli(capsys, root, "up", "--url", fresh_db, "--to", "001", "--json")
    assert code == 0 and [s["version"] for s in json.loads(out)["databases"][0]["applied"]] == ["001"]


def test_failing_migration_rolls_back_with_file_line(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    bad = mig("CREATE TABLE c (id int);\n\nINSERT INTO no_such_table VALUES (1);", "DROP TABLE c;")
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A, "002_bad.sql": bad,
                                "003_create_b.sql": CREATE_B})
    code, out, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 1
    assert "sql/002_bad.sql:5:13" in err and 'relation "no_such_table" does not exist' in err
    assert table_exists(fresh_db, "a")  # earlier migration stays applied
    assert not table_exists(fresh_db, "c")  # schema unchanged by the failed one
    assert not table_exists(fresh_db, "b")  # later ones not attempted
    st = states(capsys, root, fresh_db)
    assert st == {"000": "applied", "001": "applied", "002": "failed", "003": "pending"}
    code, out, _ = cli(capsys, root, "status", "--url", fresh_db)
    assert code == 1 and "no_such_table" in out and "FAILED" in out
    # Fixed file: the next up retries it (it was rolled back, so that is safe).
    (root / "sql" / "002_bad.sql").write_text(bad.replace("no_such_table", "c"), encoding="utf-8")
    code, _, _ = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 0 and set(states(capsys, root, fresh_db).values()) == {"applied"}


def test_checksum_drift_diff_and_crlf_copy(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A, "002_create_b.sql": CREATE_B})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    # A checkout on Windows (CRLF and a BOM) is not an edit.
    path = root / "sql" / "001_create_a.sql"
    path.write_bytes(b"\xef\xbb\xbf" + CREATE_A.replace("\n", "\r\n").encode())
    assert status_json(capsys, root, fresh_db)["exit"] == 0
    # A real edit is: status shows the diff, up refuses.
    path.write_text(CREATE_A.replace("note text", "note varchar(20)"), encoding="utf-8")
    db = status_json(capsys, root, fresh_db)["databases"][0]
    assert db["migrations"][1]["state"] == "checksum_mismatch" and db["migrations"][1]["checksum_ok"] is False
    code, out, _ = cli(capsys, root, "status", "--url", fresh_db)
    assert code == 1 and "-CREATE TABLE a (id int PRIMARY KEY, note text);" in out
    assert "+CREATE TABLE a (id int PRIMARY KEY, note varchar(20));" in out
    code, _, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 1 and "edited after being applied" in err


def test_missing_future_out_of_order_and_duplicates(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    c = mig("CREATE TABLE c (id int);", "DROP TABLE c;")
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A, "002_create_b.sql": CREATE_B, "004_c.sql": c})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    (root / "sql" / "002_create_b.sql").unlink()
    (root / "sql" / "004_c.sql").unlink()
    (root / "sql" / "003_late.sql").write_text(mig("SELECT 1;"), encoding="utf-8")
    st = states(capsys, root, fresh_db)
    assert st == {"000": "applied", "001": "applied", "002": "missing", "003": "out_of_order", "004": "future"}
    code, _, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 1 and "--out-of-order" in err
    assert cli(capsys, root, "up", "--url", fresh_db, "--out-of-order")[0] == 0
    assert states(capsys, root, fresh_db)["003"] == "applied"
    # Two branches each added 005: an error, nothing runs.
    (root / "sql" / "005_one.sql").write_text(mig("CREATE TABLE one (id int);"), encoding="utf-8")
    (root / "sql" / "005_two.sql").write_text(mig("CREATE TABLE two (id int);"), encoding="utf-8")
    code, _, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 1 and "MIGRATION_DUPLICATE_VERSION" in err
    assert not table_exists(fresh_db, "one") and not table_exists(fresh_db, "two")


def test_transaction_marker_rules(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    mixed = mig("CREATE TABLE m (id int);\nCREATE INDEX CONCURRENTLY m_idx ON m (id);")
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A, "002_mixed.sql": mixed})
    code, _, err = cli(capsys, root, "up", "--url", fresh_db)
    # Refused before anything runs: not even 000 or 001.
    assert code == 1 and "sql/002_mixed.sql:4" in err and "transaction:false" in err
    assert not table_exists(fresh_db, "workbench.schema_migrations")
    (root / "sql" / "002_mixed.sql").write_text(mig("BEGIN;\nCREATE TABLE m (id int);\nCOMMIT;"))
    code, _, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 1 and "transaction control" in err


def test_nontransactional_failure_then_resume(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    text = mig("CREATE TABLE n (id int);\nCREATE INDEX CONCURRENTLY n_idx ON n (id);\n"
               "INSERT INTO n_typo VALUES (1);\nCREATE INDEX CONCURRENTLY n_idx2 ON n (id);",
               "DROP TABLE n;", tx=False)
    root = make_repo(tmp_path, {"001_n.sql": text})
    code, _, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 1 and "sql/001_n.sql:5" in err and "n_typo" in err
    assert states(capsys, root, fresh_db)["001"] == "partial"
    row = query(fresh_db, "SELECT statements_done, error, failed_statement FROM workbench.schema_migrations"
                          " WHERE version = '001'")[0]
    assert row[0] == 2 and "n_typo" in row[1] and row[2].startswith("INSERT INTO n_typo")
    code, out, _ = cli(capsys, root, "status", "--url", fresh_db)
    assert "2 statement(s) done" in out
    # Editing a statement that already ran is refused.
    path = root / "sql" / "001_n.sql"
    path.write_text(text.replace("CREATE TABLE n (id int)", "CREATE TABLE n (id bigint)"), encoding="utf-8")
    code, _, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 1 and "already ran but were edited" in err
    # Fixing the failed statement resumes there (CREATE TABLE n would fail if run again).
    path.write_text(text.replace("n_typo", "n"), encoding="utf-8")
    code, out, _ = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 0 and "resuming 001 at statement 3 of 4" in out
    assert states(capsys, root, fresh_db)["001"] == "applied"
    assert query(fresh_db, "SELECT count(*) FROM n")[0][0] == 1


def test_resolve_and_baseline(tmp_path: Path, fresh_db: str, pg_admin: str, capsys: Any) -> None:
    text = mig("CREATE TABLE r (id int);\nINSERT INTO missing VALUES (1);", "DROP TABLE r;", tx=False)
    root = make_repo(tmp_path, {"001_r.sql": text, "002_create_a.sql": CREATE_A})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 1
    code, _, err = cli(capsys, root, "resolve", "002", "--applied", "--url", fresh_db, "--yes")
    assert code == 1 and "nothing to resolve" in err
    code, out, _ = cli(capsys, root, "resolve", "001", "--applied", "--url", fresh_db, "--yes")
    assert code == 0 and states(capsys, root, fresh_db)["001"] == "applied"
    # Baseline an existing database: older files count as applied, newer ones run.
    name, url = create_database(pg_admin)
    try:
        query(url, "CREATE TABLE r (id int)")
        code, _, _ = cli(capsys, root, "baseline", "001", "--url", url)
        assert code == 0
        assert states(capsys, root, url) == {"000": "applied", "001": "baseline", "002": "pending"}
        code, out, _ = cli(capsys, root, "up", "--url", url)
        assert code == 0 and "applied 002" in out and "applying 001" not in out
        code, _, err = cli(capsys, root, "baseline", "002", "--url", url)
        assert code == 1 and "no migrations applied yet" in err
    finally:
        drop_database(pg_admin, name)


def test_lock_timeout_names_table_and_holder(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A,
                                "002_alter_a.sql": mig("ALTER TABLE a ADD COLUMN extra int;")})
    assert cli(capsys, root, "up", "--url", fresh_db, "--to", "001")[0] == 0
    with psycopg.connect(fresh_db) as holder:
        holder.execute("LOCK TABLE a IN ACCESS SHARE MODE")  # an open read transaction
        pid = holder.info.backend_pid
        code, _, err = cli(capsys, root, "up", "--url", fresh_db, "--lock-timeout", "200ms")
    assert code == 1
    assert f"waited 0.2 s for a lock on a held by PID {pid}" in err and "sql/002_alter_a.sql:3" in err


def test_dry_run_prints_lock_plan_and_changes_nothing(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A,
                                "002_index.sql": mig("CREATE INDEX CONCURRENTLY a_note ON a (note);", tx=False),
                                "003_alter.sql": mig("ALTER TABLE a ADD COLUMN x int;\nUPDATE a SET x = 1;")})
    code, out, _ = cli(capsys, root, "up", "--url", fresh_db, "--dry-run")
    assert code == 0
    assert "BEGIN" in out and "COMMIT" in out and "no transaction" in out
    assert "ACCESS EXCLUSIVE on a  <- blocks reads and writes" in out
    assert "SHARE UPDATE EXCLUSIVE on a" in out and "ROW EXCLUSIVE on a" in out
    code, out, _ = cli(capsys, root, "up", "--url", fresh_db, "--dry-run", "--json")
    plan = json.loads(out)["databases"][0]["migrations"]
    assert [p["version"] for p in plan] == ["000", "001", "002", "003"]
    assert plan[2]["transaction"] is False and plan[2]["statements"][0]["no_transaction"]
    assert plan[3]["statements"][0]["locks"][0] == {"mode": "ACCESS EXCLUSIVE", "relation": "a", "note": ""}
    assert not table_exists(fresh_db, "workbench.schema_migrations")


def test_drift_finds_hand_made_changes(tmp_path: Path, fresh_db: str, pg_admin: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A, "002_create_b.sql": CREATE_B})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    code, out, _ = cli(capsys, root, "drift", "--url", fresh_db, "--scratch-url", pg_admin)
    assert code == 0 and "no drift" in out
    query(fresh_db, "ALTER TABLE a ADD COLUMN hotfix int")
    query(fresh_db, "DROP TABLE b")
    code, out, _ = cli(capsys, root, "drift", "--url", fresh_db, "--scratch-url", pg_admin, "--json")
    rules = {(f["rule"], f["message"].split(" is ")[0].split(" exists")[0])
             for f in json.loads(out)["databases"][0]["findings"]}
    assert code == 1
    assert any(r == "MIGRATION_DRIFT_EXTRA" and "public.a.hotfix" in m for r, m in rules)
    assert any(r == "MIGRATION_DRIFT_MISSING" and "table public.b" in m for r, m in rules)


def test_protected_and_read_only_guards(tmp_path: Path, fresh_db: str, monkeypatch: pytest.MonkeyPatch,
                                        capsys: Any) -> None:
    monkeypatch.setenv("WB_TEST_PROD_URL", fresh_db)
    toml = ('[databases.prod]\nurl = "${WB_TEST_PROD_URL}"\nprotected = true\n\n'
            '[databases.oncall]\nurl = "${WB_TEST_PROD_URL}"\nread_only = true\n')
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A}, toml)
    code, _, err = cli(capsys, root, "up", "--db", "oncall")
    assert code == 2 and "read-only" in err and not table_exists(fresh_db, "workbench.schema_migrations")
    assert cli(capsys, root, "status", "--db", "oncall")[0] == 1  # status is allowed (pending)
    # prod is the same database as oncall: the guard belongs to the database, not to the name.
    code, _, err = cli(capsys, root, "up", "--db", "prod")
    assert code == 2 and "read-only" in err and not table_exists(fresh_db, "workbench.schema_migrations")
    (root / "workbench.toml").write_text('[databases.prod]\nurl = "${WB_TEST_PROD_URL}"\nprotected = true\n')
    assert cli(capsys, root, "up", "--db", "prod")[0] == 0  # up is not destructive; it stores the mark
    assert query(fresh_db, "SELECT value FROM workbench_guard.marks WHERE key = 'protected'") == [("true",)]
    dbname = fresh_db.split("?")[0].rsplit("/", 1)[-1]
    for where in (["--db", "prod"], ["--url", fresh_db]):
        code, _, err = cli(capsys, root, "reset", "--yes", *where)
        assert code == 2 and "protected" in err and "--yes alone is not enough" in err, where
        assert table_exists(fresh_db, "a")
    code, _, err = cli(capsys, root, "down", "--url", fresh_db, "--confirm", "staging")
    assert code == 2 and "does not match" in err
    code, out, _ = cli(capsys, root, "reset", "--url", fresh_db, "--confirm", dbname)
    assert code == 0 and "rolled back 000" in out and "applied 001" in out
    # The reset dropped and recreated the settings table; the mark survived it.
    code, _, err = cli(capsys, root, "down", "--url", fresh_db, "--yes")
    assert code == 2 and "protected" in err


def test_passwords_never_printed(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    secret = "s3cr3t-Pa55"
    # The test server trusts local connections, so a URL with a password still connects.
    url = fresh_db.replace("postgres@", f"postgres:{secret}@")
    bad = "postgresql://someone:" + secret + "@127.0.0.1:1/nowhere"
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A, "002_bad.sql": mig("SELECT * FROM nope;")})
    outputs = [cli(capsys, root, *args) for args in (
        ("up", "--url", url), ("status", "--url", url), ("status", "--url", url, "--json"),
        ("up", "--url", url, "--json"), ("up", "--url", url, "--dry-run"),
        ("status", "--url", bad), ("status", "--url", bad, "--json"), ("up", "--url", bad),
        ("drift", "--url", bad))]
    assert outputs[0][0] == 1 and outputs[5][0] == 2
    for _code, out, err in outputs:
        assert secret not in out and secret not in err
    assert "***" in outputs[1][1] and "***" in outputs[5][1]


def test_multi_database_up_isolates_failures(tmp_path: Path, pg_admin: str, monkeypatch: pytest.MonkeyPatch,
                                             capsys: Any) -> None:
    names = [create_database(pg_admin) for _ in range(2)]
    try:
        (_, good), (_, broken) = names
        query(broken, "CREATE TABLE a (id int)")  # 001 will fail there
        monkeypatch.setenv("WB_T_GOOD", good)
        monkeypatch.setenv("WB_T_BROKEN", broken)
        toml = ('[databases.broken]\nurl = "${WB_T_BROKEN}"\n\n[databases.good]\nurl = "${WB_T_GOOD}"\n\n'
                '[databases.nowhere]\nurl = "${WB_T_UNSET_VARIABLE}"\n\n'
                '[databases.tracker_only]\nurl = "${WB_T_GOOD}"\nmigrations = []\n')
        root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A}, toml)
        code, out, err = cli(capsys, root, "up")
        assert code == 1
        assert "broken           FAILED  sql/001_create_a.sql:3" in out
        assert "good             ok      000, 001" in out
        assert "nowhere          ok      skipped: WB_T_UNSET_VARIABLE is not set" in out
        assert table_exists(good, "a")
        code, out, err = cli(capsys, root, "up", "--db", "nowhere")  # named: its missing URL is an error
        assert code == 2 and "WB_T_UNSET_VARIABLE is not set" in err
        code, out, _ = cli(capsys, root, "status", "--json")
        dbs = {d["name"]: d for d in json.loads(out)["databases"]}
        assert dbs["nowhere"]["reachable"] is False and "WB_T_UNSET_VARIABLE" in dbs["nowhere"]["error"]
        assert [m["version"] for m in dbs["tracker_only"]["migrations"]] == ["000", "001"]  # 001 applied there
        assert code == 1
        # Several databases in text: one grid, then what needs attention.
        code, out, _ = cli(capsys, root, "status")
        lines = out.splitlines()
        assert lines[0].split() == ["migration", "broken", "good", "nowhere", "tracker_only"]
        assert lines[2].split() == ["001", "create_a", "FAILED", "applied", "-", "applied"]
        assert "  001 create_a: FAILED" in out and 'relation "a" already exists' in out
        assert "nowhere: UNREACHABLE" in out and "good: up to date (2 applied)" in out
    finally:
        for name, _ in names:
            drop_database(pg_admin, name)


def test_create_writes_next_file(tmp_path: Path, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A})
    code, out, _ = cli(capsys, root, "create", "add-orders note")
    assert code == 0 and "sql/002_add_orders_note.sql" in out
    text = (root / "sql" / "002_add_orders_note.sql").read_text()
    assert "-- migrate:up" in text and "-- migrate:down" in text
    assert cli(capsys, root, "create", "Bad Name!")[0] == 2


def test_protect_unprotect_and_down_to(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A, "002_create_b.sql": CREATE_B})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    assert cli(capsys, root, "protect", "--url", fresh_db)[0] == 0
    dbname = fresh_db.split("?")[0].rsplit("/", 1)[-1]
    code, _, err = cli(capsys, root, "unprotect", "--url", fresh_db, "--yes")
    assert code == 2 and "protected" in err
    assert cli(capsys, root, "unprotect", "--url", fresh_db, "--confirm", dbname)[0] == 0
    code, out, _ = cli(capsys, root, "down", "--url", fresh_db, "--yes", "--to", "000", "--json")
    assert code == 0 and [s["version"] for s in json.loads(out)["databases"][0]["reverted"]] == ["002", "001"]
    assert states(capsys, root, fresh_db) == {"000": "applied", "001": "pending", "002": "pending"}
