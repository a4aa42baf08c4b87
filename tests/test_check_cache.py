"""`workbench check` re-checks only what changed: the template database per migration chain and
PostgreSQL version, and the whole result when no input changed. Every assertion is on the
server's real databases or on what the check finds, never on timings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_migrate_support import make_repo, mig

from workbench.checks import database, db_cache
from workbench.cli.main import main
from workbench.database.scratch import database_url
from workbench.database.urls import connect
from workbench.workspace import load_model


@pytest.fixture
def repo(tmp_path: Path, pg_admin: str) -> Iterator[Path]:
    root = make_repo(tmp_path, {
        "001_create.sql": mig("CREATE TABLE t (id bigint PRIMARY KEY, a text);", "DROP TABLE t;"),
        "002_add.sql": mig("ALTER TABLE t ADD COLUMN b text;", "ALTER TABLE t DROP COLUMN b;"),
    })
    yield root
    with connect(pg_admin) as conn:  # this repository's templates go with it
        where = db_cache.template_name("0" * 16, 0, root).split("_")[2]
        names = [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                            [f"{db_cache.TEMPLATE_PREFIX}%{where}%"]).fetchall()]
    from workbench.database.scratch import drop_database

    for name in names:
        drop_database(pg_admin, name)


def databases(admin: str, like: str) -> dict[str, int]:
    with connect(admin) as conn:
        rows = conn.execute("SELECT datname, oid FROM pg_database WHERE datname LIKE %s", [like]).fetchall()
    return {str(name): int(oid) for name, oid in rows}


def templates(admin: str, root: Path) -> dict[str, int]:
    where = db_cache.template_name("0" * 16, 0, root).split("_")[2]
    return databases(admin, f"{db_cache.TEMPLATE_PREFIX}%{where}%")


def run(root: Path, admin: str) -> list[tuple[str, str]]:
    return [(f.rule, f.file) for f in database.check(load_model(root), admin)]


def test_template_reused_and_an_edit_rechecks_only_from_there(repo: Path, pg_admin: str) -> None:
    assert run(repo, pg_admin) == []
    first = templates(pg_admin, repo)
    assert len(first) == 1
    # nothing changed: the same template, untouched; no scratch database left behind
    assert run(repo, pg_admin) == [] and templates(pg_admin, repo) == first
    # the newest migration edited with a down that no longer reverts: found, so it was tried again
    (repo / "sql" / "002_add.sql").write_text(mig("ALTER TABLE t ADD COLUMN b text;", "SELECT 1;"))
    assert run(repo, pg_admin) == [("MIGRATION_DOWN_MISMATCH", "sql/002_add.sql")]
    # tried in the template, which no longer holds the state before 002: dropped, found from nothing
    assert templates(pg_admin, repo) == {}
    # fixed differently: verified from nothing, and the state before the newest kept again
    (repo / "sql" / "002_add.sql").write_text(mig("ALTER TABLE t ADD COLUMN c text;", "ALTER TABLE t DROP COLUMN c;"))
    assert run(repo, pg_admin) == []
    first = templates(pg_admin, repo)
    assert len(first) == 1
    # edited again and still right: tried in the template, which comes back unchanged
    (repo / "sql" / "002_add.sql").write_text(mig("ALTER TABLE t ADD COLUMN e text;", "ALTER TABLE t DROP COLUMN e;"))
    assert run(repo, pg_admin) == [] and templates(pg_admin, repo) == first
    (repo / "sql" / "002_add.sql").write_text(mig("CREATE INDEX CONCURRENTLY t_a ON t (a);",
                                                  "DROP INDEX CONCURRENTLY t_a;", tx=False))
    assert run(repo, pg_admin) == [] and templates(pg_admin, repo) == first
    # a migration appended: the proven newest is replayed, only the new one is tried
    (repo / "sql" / "003_more.sql").write_text(mig("ALTER TABLE t ADD COLUMN d text;", "SELECT 1;"))
    assert run(repo, pg_admin) == [("MIGRATION_DOWN_MISMATCH", "sql/003_more.sql")]
    (repo / "sql" / "003_more.sql").write_text(mig("ALTER TABLE t ADD COLUMN d text;", "ALTER TABLE t DROP COLUMN d;"))
    assert run(repo, pg_admin) == []
    second = templates(pg_admin, repo)
    assert len(second) == 1 and second.keys() != first.keys()  # moved on: before 003 now, the old one dropped
    (repo / "sql" / "003_more.sql").unlink()
    # an earlier migration edited: the later one, unchanged, is tried again on the new state
    (repo / "sql" / "001_create.sql").write_text(mig("CREATE TABLE t (id bigint PRIMARY KEY, c text);",
                                                     "DROP TABLE t;"))
    assert run(repo, pg_admin) == [("MIGRATION_APPLY", "sql/002_add.sql")]
    assert databases(pg_admin, "wb_check_%") == {}


def test_postgresql_version_change_rebuilds(repo: Path, pg_admin: str) -> None:
    assert run(repo, pg_admin) == []
    before = templates(pg_admin, repo)
    record = db_cache.load(repo, pg_admin)
    assert record is not None and record.server_version > 0
    # the last verified run was on another PostgreSQL version: nothing it proved counts here
    db_cache.save(repo, pg_admin, db_cache.Record(record.server_version - 10000, record.chain, record.template))
    assert db_cache.verified_prefix(db_cache.load(repo, pg_admin), list(record.chain), record.server_version) == 0
    assert run(repo, pg_admin) == []
    after = templates(pg_admin, repo)
    assert after.keys() == before.keys() and after != before  # rebuilt: a new database (new oid)
    # and the record is this version's again: the next run reuses it untouched
    assert run(repo, pg_admin) == [] and templates(pg_admin, repo) == after


def test_template_dropped_behind_its_back(repo: Path, pg_admin: str) -> None:
    from workbench.database.scratch import drop_database

    assert run(repo, pg_admin) == []
    (name,) = templates(pg_admin, repo)
    drop_database(pg_admin, name)
    (repo / "sql" / "002_add.sql").write_text(mig("ALTER TABLE t ADD COLUMN b text;", "SELECT 1;"))
    assert run(repo, pg_admin) == [("MIGRATION_DOWN_MISMATCH", "sql/002_add.sql")]


def test_cli_result_cache_follows_every_input(repo: Path, pg_admin: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    def check(*extra: str) -> tuple[int, set[tuple[str, str]]]:
        code = main(["--root", str(repo), "check", "--json", "--url", pg_admin, *extra])
        report = json.loads(capsys.readouterr().out)
        watched = {"MIGRATION_DOWN_MISMATCH", "MIGRATION_APPLY", "ban-drop-column"}
        return code, {(f["rule"], f["file"]) for f in report["findings"]
                      if f["severity"] != "info" and f["rule"] in watched}

    assert check() == (0, set())
    assert (repo / ".workbench" / "check" / "result.json").is_file()
    # an edit of the same size (no new mtime needed): still seen
    path = repo / "sql" / "002_add.sql"
    text = path.read_text()
    path.write_text(text.replace("DROP COLUMN b", "DROP COLUMN a"))
    code, found = check()
    assert code == 1 and ("MIGRATION_DOWN_MISMATCH", "sql/002_add.sql") in found
    path.write_text(text)
    assert check() == (0, set())
    # squawk's config is an input too
    (repo / "sql" / "003_drop.sql").write_text(mig("ALTER TABLE t DROP COLUMN a;", "ALTER TABLE t ADD COLUMN a text;"))
    assert ("ban-drop-column", "sql/003_drop.sql") in check()[1]
    (repo / ".squawk.toml").write_text('excluded_rules = ["ban-drop-column"]\n')
    assert ("ban-drop-column", "sql/003_drop.sql") not in check()[1]
    # --no-cache: everything again, and still the same answer
    assert ("ban-drop-column", "sql/003_drop.sql") not in check("--no-cache")[1]


def test_result_cache_key_follows_server_version(repo: Path) -> None:
    from workbench.checks import result_cache

    a = result_cache.key(repo, ["sql"], "no_db=False|pg=17.2|server=x")
    assert a == result_cache.key(repo, ["sql"], "no_db=False|pg=17.2|server=x")
    assert a != result_cache.key(repo, ["sql"], "no_db=False|pg=18.1|server=x")


def test_schema_and_lint_caches_agree_with_a_fresh_load(tmp_path: Path) -> None:
    """Whatever was edited (the newest, an earlier one, a new file, a removed one), a load that
    reuses the kept state finds exactly what a load from nothing finds."""
    import shutil

    from workbench.checks import migration_lint
    from workbench.contracts.migration_schema import build_schema

    root = make_repo(tmp_path, {
        "001_create.sql": mig("CREATE TABLE t (id bigint PRIMARY KEY, a text);", "DROP TABLE t;"),
        "002_add.sql": mig("ALTER TABLE t ADD COLUMN b text NOT NULL;", "ALTER TABLE t DROP COLUMN b;"),
    })
    sql = root / "sql"
    steps = [
        lambda: None,
        lambda: (sql / "002_add.sql").write_text(mig("ALTER TABLE t ADD COLUMN c bigint;\nALTER TABLE t DROP COLUMN a;")),
        lambda: (sql / "003_more.sql").write_text(mig("CREATE INDEX t_c ON t (c);\nALTER TABLE t RENAME TO u;")),
        lambda: (sql / "001_create.sql").write_text(mig("CREATE TABLE t (id bigint PRIMARY KEY, a text, z int);")),
        lambda: (sql / "003_more.sql").unlink(),
        lambda: (sql / "002_add.sql").write_text(mig("ALTER TABLE t ADD COLUMN (")),  # a syntax error
    ]
    for step in steps:
        step()
        cached = load_model(root)
        migration_lint._last = None
        linted = sorted(migration_lint.lint(cached).findings, key=repr)
        fresh_schema, fresh_findings = build_schema(cached.migrations)
        assert cached.schema == fresh_schema
        assert set(fresh_findings) <= set(cached.findings)
        shutil.rmtree(root / ".workbench" / "check")
        migration_lint._last = None
        uncached = load_model(root)
        assert uncached.schema == cached.schema and sorted(uncached.findings, key=repr) == \
            sorted(cached.findings, key=repr)
        assert sorted(migration_lint.lint(uncached).findings, key=repr) == linted
        load_model(root)  # fill the caches again for the next step
        migration_lint.lint(load_model(root))


def test_down_that_leaves_something_behind_is_found_when_applied_again(tmp_path: Path, pg_admin: str) -> None:
    """Each migration is applied, reverted and applied again: a down that forgets an object the
    schema comparison does not look at (a function) fails the second up, as a redeploy would."""
    root = make_repo(tmp_path, {
        "001_fn.sql": mig("CREATE TABLE t (id bigint);\n"
                          "CREATE FUNCTION t_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM t';",
                          "DROP FUNCTION t_count();\nDROP TABLE t;"),
        "002_next.sql": mig("ALTER TABLE t ADD COLUMN a text;", "ALTER TABLE t DROP COLUMN a;"),
    })
    assert run(root, pg_admin) == []
    (root / "sql" / "001_fn.sql").write_text(mig(
        "CREATE TABLE t (id bigint);\nCREATE FUNCTION t_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM t';",
        "DROP TABLE t CASCADE;"))
    found = database.check(load_model(root), pg_admin)
    assert [(f.rule, f.file) for f in found] == [("MIGRATION_APPLY", "sql/001_fn.sql")]
    assert "applied again after its down" in found[0].message and "t_count" in found[0].message
    from workbench.database.scratch import drop_database

    for name in templates(pg_admin, root):
        drop_database(pg_admin, name)


def test_newest_file_removed_then_edits(repo: Path, pg_admin: str) -> None:
    """The template always holds the state its record says, whatever the files did."""
    (repo / "sql" / "003_more.sql").write_text(mig("ALTER TABLE t ADD COLUMN d text;", "ALTER TABLE t DROP COLUMN d;"))
    assert run(repo, pg_admin) == []
    (repo / "sql" / "003_more.sql").unlink()  # the newest goes: nothing to try
    assert run(repo, pg_admin) == []
    record = db_cache.load(repo, pg_admin)
    assert record is not None and record.template_prefix == 3 and len(record.chain) == 3
    with connect(database_url(pg_admin, record.template)) as conn:  # the state after 000, 001, 002
        columns = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 't'").fetchall()}
    assert columns == {"id", "a", "b"}
    (repo / "sql" / "002_add.sql").write_text(mig("ALTER TABLE t ADD COLUMN b text;", "SELECT 1;"))
    assert run(repo, pg_admin) == [("MIGRATION_DOWN_MISMATCH", "sql/002_add.sql")]
    (repo / "sql" / "002_add.sql").write_text(mig("ALTER TABLE t ADD COLUMN b2 text;", "ALTER TABLE t DROP COLUMN b2;"))
    assert run(repo, pg_admin) == []
