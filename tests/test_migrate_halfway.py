"""Half-applied states the runner must show and get out of: a `transaction:false` down part
stopped half-way, an INVALID index left by a failed CREATE INDEX CONCURRENTLY, a refused
lock_timeout, client COPY statements, a tracker row edited by hand. Every assertion that
matters is on the database's real state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_migrate_support import cli, make_repo, mig, query, states, status_json, table_exists

# The case: the second statement of the down part has a typo.
ND = mig("CREATE TABLE nd_a (id int);\nCREATE TABLE nd_b (id int);", "DROP TABLE nd_b;\nDROP TABLE nd_a_typo;", tx=False)


def _rollback_records(url: str) -> list[str]:
    return [r[0] for r in query(url, "SELECT key FROM workbench.settings WHERE key LIKE 'rollback:%'")]


def _tracker_versions(url: str) -> list[str]:
    return [r[0] for r in query(url, "SELECT version FROM workbench.schema_migrations ORDER BY version")]


def test_nontransactional_down_stopped_half_way_is_shown_and_resumed(tmp_path: Path, fresh_db: str,
                                                                     capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_nd.sql": ND})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    code, _, err = cli(capsys, root, "down", "--url", fresh_db, "--yes")
    assert code == 1 and "sql/001_nd.sql:7" in err and "nd_a_typo" in err
    assert "next `up` resumes" not in err and "`down` resumes" in err
    assert not table_exists(fresh_db, "nd_b") and table_exists(fresh_db, "nd_a")
    # status tells the truth, in JSON and in text, with exit 1.
    data = status_json(capsys, root, fresh_db)
    assert data["exit"] == 1
    assert {m["version"]: m["state"] for m in data["databases"][0]["migrations"]}["001"] == "partially_rolled_back"
    code, out, _ = cli(capsys, root, "status", "--url", fresh_db)
    assert code == 1 and "PARTIALLY ROLLED BACK" in out and "after 1 statement(s)" in out and "NOT up to date" in out
    # `up` does not pretend there is nothing to do, and changes nothing.
    code, out, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 1 and "partially rolled back" in err and "nothing to do" not in out
    assert not table_exists(fresh_db, "nd_b")
    # `down` again resumes at the failed statement (DROP TABLE nd_b is not run twice).
    code, _, err = cli(capsys, root, "down", "--url", fresh_db, "--yes")
    assert code == 1 and "nd_a_typo" in err and '"nd_b" does not exist' not in err
    # Fix the file's down part: `down` resumes at statement 2 and finishes.
    (root / "sql" / "001_nd.sql").write_text(ND.replace("nd_a_typo", "nd_a"), encoding="utf-8")
    code, out, err = cli(capsys, root, "down", "--url", fresh_db, "--yes")
    assert code == 0, err
    assert "resuming the rollback of 001 at statement 2 of 2" in out
    assert not table_exists(fresh_db, "nd_a") and not table_exists(fresh_db, "nd_b")
    assert _tracker_versions(fresh_db) == ["000"] and _rollback_records(fresh_db) == []
    assert states(capsys, root, fresh_db)["001"] == "pending"
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    assert table_exists(fresh_db, "nd_a") and table_exists(fresh_db, "nd_b")


def test_resolve_gets_out_of_a_stopped_rollback(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_nd.sql": ND})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    assert cli(capsys, root, "down", "--url", fresh_db, "--yes")[0] == 1
    # Put back what the down part dropped, then say so: the migration is applied again.
    query(fresh_db, "CREATE TABLE nd_b (id int)")
    code, out, _ = cli(capsys, root, "resolve", "001", "--applied", "--url", fresh_db, "--yes")
    assert code == 0 and "marked applied" in out
    assert _rollback_records(fresh_db) == [] and _tracker_versions(fresh_db) == ["000", "001"]
    assert status_json(capsys, root, fresh_db)["exit"] == 0
    # Stopped again; this time finish the rollback and record it as rolled back.
    assert cli(capsys, root, "down", "--url", fresh_db, "--yes", "--json")[0] == 1
    query(fresh_db, "DROP TABLE nd_a")
    code, _, _ = cli(capsys, root, "resolve", "001", "--rolled-back", "--url", fresh_db, "--yes")
    assert code == 0
    assert _rollback_records(fresh_db) == [] and _tracker_versions(fresh_db) == ["000"]
    assert states(capsys, root, fresh_db)["001"] == "pending"


def test_down_failing_at_its_first_statement_leaves_the_migration_applied(tmp_path: Path, fresh_db: str,
                                                                          capsys: Any) -> None:
    text = mig("CREATE TABLE f1 (id int);", "DROP TABLE f1_typo;\nDROP TABLE f1;", tx=False)
    root = make_repo(tmp_path, {"001_f1.sql": text})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    code, out, _ = cli(capsys, root, "down", "--url", fresh_db, "--yes", "--json")
    failure = json.loads(out)["databases"][0]["failure"]
    assert code == 1 and failure["part"] == "down" and failure["line"] == 5
    assert table_exists(fresh_db, "f1") and _rollback_records(fresh_db) == []
    assert status_json(capsys, root, fresh_db)["exit"] == 0


def test_failed_unique_concurrent_index_is_rebuilt_not_skipped(tmp_path: Path, fresh_db: str, pg_admin: str,
                                                               capsys: Any) -> None:
    cic = mig("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS u_email ON u (email);",
              "DROP INDEX CONCURRENTLY IF EXISTS u_email;", tx=False)
    root = make_repo(tmp_path, {"001_u.sql": mig("CREATE TABLE u (email text);"), "002_u_email.sql": cic})
    assert cli(capsys, root, "up", "--url", fresh_db, "--to", "001")[0] == 0
    query(fresh_db, "INSERT INTO u VALUES ('a'), ('a')")  # the application's data has duplicates
    code, _, err = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 1 and "sql/002_u_email.sql:3" in err
    assert query(fresh_db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_email'::regclass") == [(False,)]
    # status and drift both report the invalid index.
    data = status_json(capsys, root, fresh_db)
    db = data["databases"][0]
    assert data["exit"] == 1 and {m["version"]: m["state"] for m in db["migrations"]}["002"] == "failed"
    assert db["invalid_indexes"] == [{"schema": "public", "index": "u_email", "table": "u"}]
    code, out, _ = cli(capsys, root, "status", "--url", fresh_db)
    assert code == 1 and "INVALID index public.u_email on u" in out
    code, out, _ = cli(capsys, root, "drift", "--url", fresh_db, "--scratch-url", pg_admin, "--json")
    rules = [f["rule"] for f in json.loads(out)["databases"][0]["findings"]]
    assert code == 1 and "MIGRATION_DRIFT_INVALID_INDEX" in rules
    # Fix the cause; `up` drops the invalid index and builds it again instead of skipping it.
    query(fresh_db, "DELETE FROM u WHERE ctid = (SELECT max(ctid) FROM u)")
    code, out, _ = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 0 and "dropping INVALID index public.u_email" in out
    assert query(fresh_db, "SELECT indisvalid, indisunique FROM pg_index WHERE indexrelid = 'u_email'::regclass") \
        == [(True, True)]
    assert status_json(capsys, root, fresh_db)["exit"] == 0
    code, out, _ = cli(capsys, root, "drift", "--url", fresh_db, "--scratch-url", pg_admin)
    assert code == 0 and "no drift" in out, out


def test_refused_lock_timeout_records_nothing(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_t.sql": mig("CREATE TABLE t (id int);"),
                                "002_n.sql": mig("CREATE TABLE n (id int);", "DROP TABLE n;", tx=False)})
    assert cli(capsys, root, "up", "--url", fresh_db, "--to", "001")[0] == 0
    for value in ("banana", "-5s", "99999999999999ms"):
        code, _, err = cli(capsys, root, "up", "--url", fresh_db, f"--lock-timeout={value}")
        assert code == 2 and "--lock-timeout" in err and "Traceback" not in err
        assert _tracker_versions(fresh_db) == ["000", "001"] and not table_exists(fresh_db, "n")
        assert states(capsys, root, fresh_db)["002"] == "pending"
        code, _, err = cli(capsys, root, "down", "--url", fresh_db, "--yes", f"--lock-timeout={value}")
        assert code == 2 and _tracker_versions(fresh_db) == ["000", "001"] and table_exists(fresh_db, "t")


def test_client_copy_is_refused_with_its_location(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    for n, statement in enumerate(("COPY c FROM STDIN", "COPY c TO STDOUT", "COPY (SELECT 1) TO STDOUT")):
        root = make_repo(tmp_path / str(n), {"001_c.sql": mig(f"CREATE TABLE c (id int);\n{statement};")})
        code, _, err = cli(capsys, root, "up", "--url", fresh_db)
        assert code == 1 and "sql/001_c.sql:4" in err and "COPY" in err and "another command" not in err
        # Refused before anything ran: not even the tracker.
        assert not table_exists(fresh_db, "workbench.schema_migrations") and not table_exists(fresh_db, "c")
        code, out, _ = cli(capsys, root, "up", "--url", fresh_db, "--dry-run")
        assert code == 1 and "sql/001_c.sql:4" in out


def test_client_copy_in_check(repo_copy: Path, pg_admin: str, capsys: Any) -> None:
    from workbench.cli.main import main

    (repo_copy / "sql" / "008_load.sql").write_text(
        mig("CREATE TABLE load_me (id int);\nCOPY load_me FROM STDIN;", "COPY load_me TO STDOUT;\nDROP TABLE load_me;"),
        encoding="utf-8")
    code = main(["--root", str(repo_copy), "check", "--json", "--url", pg_admin])
    report = json.loads(capsys.readouterr().out)
    copies = sorted((f["file"], f["line"]) for f in report["findings"] if f["rule"] == "workbench-client-copy")
    assert code == 1 and copies == [("sql/008_load.sql", 4), ("sql/008_load.sql", 6)]
    assert not any("another command" in f["message"] for f in report["findings"])


def test_tracker_row_with_a_version_that_is_not_a_number(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_t.sql": mig("CREATE TABLE t (id int);", "DROP TABLE t;")})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    query(fresh_db, "INSERT INTO workbench.schema_migrations (version, name, checksum, script, success)"
                    " VALUES ('abc', 'hand', repeat('0', 64), '', true)")
    for args in (("up",), ("down", "--yes"), ("status",), ("resolve", "001", "--applied", "--yes")):
        code, out, err = cli(capsys, root, *args, "--url", fresh_db)
        assert code == 1, args
        assert "version is not a number: 'abc'" in out + err
    data = status_json(capsys, root, fresh_db)
    assert data["exit"] == 1 and data["databases"][0]["reachable"] is True
    assert "not a number" in data["databases"][0]["error"]
    assert table_exists(fresh_db, "t")  # down refused: nothing was rolled back


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(min_value=1, max_value=4), data=st.data())
def test_any_failure_point_up_or_down_is_shown_and_recovered(tmp_path_factory: pytest.TempPathFactory,
                                                             pg_admin: str, capsys: Any, n: int,
                                                             data: st.DataObject) -> None:
    """A transaction:false file of n statements failing at any point of its up part and of its down
    part: status says how far it got (as the database shows), and fixing the file plus one plain
    `up` / `down` finishes the job."""
    from workbench.testing import create_database, drop_database

    up_fail = data.draw(st.one_of(st.none(), st.integers(0, n)), label="up fails at")
    down_fail = data.draw(st.one_of(st.none(), st.integers(0, n)), label="down fails at")
    ups = [f"CREATE TABLE p_{i} (id int);" for i in range(n)]
    downs = [f"DROP TABLE p_{i};" for i in reversed(range(n))]
    if up_fail is not None:
        ups.insert(up_fail, "SELECT * FROM missing_up;")
    if down_fail is not None:
        downs.insert(down_fail, "SELECT * FROM missing_down;")
    text = mig("\n".join(ups), "\n".join(downs), tx=False)
    fixed = text.replace("missing_up", "(SELECT 1) AS x").replace("missing_down", "(SELECT 1) AS x")
    root = make_repo(tmp_path_factory.mktemp("prop"), {"001_p.sql": text})
    name, url = create_database(pg_admin)

    def tables() -> set[str]:
        return {r[0] for r in query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}

    try:
        code, _, _ = cli(capsys, root, "up", "--url", url)
        if up_fail is not None:
            assert code == 1 and tables() == {f"p_{i}" for i in range(up_fail)}
            state, exit_code = _state_of(capsys, root, url)
            assert state == ("partial" if up_fail else "failed") and exit_code == 1
            # Fix the up part only (a broken down part stays broken until the down needs it).
            (root / "sql" / "001_p.sql").write_text(text.replace("missing_up", "(SELECT 1) AS x"), encoding="utf-8")
            code, _, _ = cli(capsys, root, "up", "--url", url)
        assert code == 0 and tables() == {f"p_{i}" for i in range(n)}
        code, _, _ = cli(capsys, root, "down", "--url", url, "--yes")
        if down_fail is not None:
            dropped = {f"p_{i}" for i in list(reversed(range(n)))[:down_fail]}  # the statements before it
            assert code == 1 and tables() == {f"p_{i}" for i in range(n)} - dropped
            state, exit_code = _state_of(capsys, root, url)
            assert state == ("partially_rolled_back" if down_fail else "applied")
            assert exit_code == (1 if down_fail else 0)
            (root / "sql" / "001_p.sql").write_text(fixed, encoding="utf-8")
            code, _, err = cli(capsys, root, "down", "--url", url, "--yes")
            assert code == 0, err
        assert code == 0 and tables() == set()
        assert _state_of(capsys, root, url)[0] == "pending" and _rollback_records(url) == []
    finally:
        drop_database(pg_admin, name)


def _state_of(capsys: Any, root: Path, url: str) -> tuple[str, int]:
    data = status_json(capsys, root, url)
    return {m["version"]: m["state"] for m in data["databases"][0]["migrations"]}["001"], data["exit"]
