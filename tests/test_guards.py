"""Guards belong to the database however it is reached (issue 11, point 2), on a real PostgreSQL.

Every refusal is checked on the database's real state afterwards (tables, tracker rows, marks),
not only on the message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
from test_migrate_support import cli, make_repo, mig, query, table_exists

from workbench.cli.main import main
from workbench.migrate.identity import identity_of, same_database
from workbench.testing import create_database, drop_database

CREATE_A = mig("CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY, note text);", "DROP TABLE a;")
PRODUCTION = ('[databases.production]\nurl = "${WB_GUARD_PROD_URL}"\nprotected = true\nread_only = true\n\n'
              '[databases.staging]\nurl = "${WB_GUARD_STAGING_URL}"\nprotected = true\n')
FIXTURE = '{"table": "a", "rows": [{"id": 1, "note": "Arnica montana 30C"}]}\n'


def parts(url: str) -> tuple[str, str, str]:
    """(socket dir, port, dbname) of a test server URL (`postgresql://postgres@/db?host=...`)."""
    split = urlsplit(url)
    q = parse_qs(split.query)
    return q["host"][0], q.get("port", ["5432"])[0], split.path.lstrip("/")


def spellings(url: str) -> dict[str, str]:
    """Other ways to write the same database: key=value, port omitted, another user, env-free."""
    host, port, db = parts(url)
    return {
        "key=value": f"host={host} port={port} dbname={db} user=postgres",
        "key=value, quoted": f"dbname='{db}' host='{host}' user = 'postgres'",
        "port omitted": f"postgresql://postgres@/{db}?host={host}",
        "port in the query, short scheme": f"postgres://postgres@/{db}?port={port}&host={host}",
        "another user": f"postgresql://wb_guard_other@/{db}?host={host}&port={port}",
        "percent-encoded socket": f"postgresql://postgres@{host.replace('/', '%2F')}:{port}/{db}",
    }


@pytest.fixture
def prod(pg_admin: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A production-like database with 001 applied, configured as production."""
    name, url = create_database(pg_admin)
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'wb_guard_other'").fetchone() is None:
            try:
                conn.execute("CREATE ROLE wb_guard_other LOGIN")
            except psycopg.errors.UniqueViolation:
                pass  # a concurrent session made it
    monkeypatch.setenv("WB_GUARD_PROD_URL", url)
    monkeypatch.delenv("WB_GUARD_STAGING_URL", raising=False)
    query(url, "CREATE TABLE a (id int PRIMARY KEY, note text)")
    query(url, "INSERT INTO a VALUES (1, 'Nux vomica 200C')")
    try:
        yield url
    finally:
        drop_database(pg_admin, name)


def repo(tmp_path: Path, toml: str = PRODUCTION) -> Path:
    root = make_repo(tmp_path, {"001_create_a.sql": CREATE_A}, toml)
    (root / "seeders").mkdir()
    (root / "seeders" / "a.json").write_text(FIXTURE, encoding="utf-8")
    return root


def snapshot(url: str) -> tuple[Any, ...]:
    """Everything a refused command must leave alone."""
    schemas = query(url, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'workbench%' ORDER BY 1")
    rows = query(url, "SELECT * FROM a ORDER BY id") if table_exists(url, "a") else None
    return tuple(schemas), rows


def seed(capsys: Any, root: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--root", str(root), "seed", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_url_of_a_configured_read_only_database_is_refused_every_way(tmp_path: Path, prod: str,
                                                                     capsys: Any) -> None:
    root = repo(tmp_path)
    before = snapshot(prod)
    for spelling, url in {"as configured": prod, **spellings(prod)}.items():
        for args in (("up",), ("down", "--yes"), ("reset", "--confirm", "production"), ("baseline", "001"),
                     ("resolve", "001", "--applied", "--confirm", "production")):
            code, _, err = cli(capsys, root, *args, "--url", url)
            assert code == 2 and "read-only" in err and "production in workbench.toml" in err, (spelling, args, err)
        for args in (("--all",), ("--all", "--mode", "replace", "--yes"), ("a", "--confirm", "production")):
            code, _, err = seed(capsys, root, *args, "--url", url)
            assert code == 2 and "read-only" in err, (spelling, args, err)
        assert snapshot(prod) == before, spelling
    # status is allowed, and says what guards the database and why.
    code, out, _ = cli(capsys, root, "status", "--url", spellings(prod)["key=value"])
    assert code == 1 and "protected, read-only" in out and "production in workbench.toml" in out
    assert snapshot(prod) == before


def test_pghost_and_pgport_resolve_like_libpq(tmp_path: Path, prod: str, capsys: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    host, port, db = parts(prod)
    monkeypatch.setenv("PGHOST", host)
    monkeypatch.setenv("PGPORT", port)
    root = repo(tmp_path)
    before = snapshot(prod)
    for url in (f"dbname={db}", f"postgresql:///{db}", f"postgresql://localhost/{db}?host={host}"):
        code, _, err = cli(capsys, root, "up", "--url", url)
        assert code == 2 and "read-only" in err, url
    monkeypatch.setenv("PGDATABASE", db)
    code, _, err = cli(capsys, root, "up", "--url", "postgresql://")  # everything from the environment
    assert code == 2 and "read-only" in err
    assert snapshot(prod) == before


def test_identity_compares_what_libpq_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.delenv("PGPORT", raising=False)
    same = [("postgresql://app@localhost/shop", "postgresql://other@127.0.0.1:5432/shop"),
            ("postgresql://localhost/shop", "host=/var/run/postgresql dbname=shop"),
            ("postgresql://[::1]/shop", "host=localhost port=5432 dbname=shop"),
            ("postgresql://db.example.com/shop", "postgresql://DB.EXAMPLE.COM:5432/shop?sslmode=require"),
            ("postgresql://a.example.com,db.example.com/shop", "host=db.example.com dbname=shop"),
            ("postgresql://app@h/app", "postgresql://app@h"),  # dbname defaults to the user
            ("postgresql://h:6000/shop", "host=h port=6000 dbname=shop")]
    different = [("postgresql://localhost/shop", "postgresql://localhost/shop2"),
                 ("postgresql://localhost:5433/shop", "postgresql://localhost/shop"),
                 ("postgresql://db.example.com/shop", "postgresql://localhost/shop"),
                 ("postgresql://h:6000/shop", "postgresql://h:6001/shop")]
    for a, b in same:
        assert same_database(identity_of(a), identity_of(b)), (a, b)
        assert same_database(identity_of(b), identity_of(a)), (b, a)
    for a, b in different:
        assert not same_database(identity_of(a), identity_of(b)), (a, b)
    assert identity_of("postgresql://h:notaport/x?foo=bar") is None or True  # never raises
    assert identity_of("host='unterminated") is None


def test_protect_marks_a_read_only_database_and_the_mark_guards_any_url(tmp_path: Path, prod: str,
                                                                         capsys: Any) -> None:
    root = repo(tmp_path)
    # The one write protect exists for: refused without the name, stored with it.
    code, _, err = cli(capsys, root, "protect", "--db", "production")
    assert code == 2 and "production" in err and "--confirm production" in err
    assert not table_exists(prod, "workbench_guard.marks")
    code, out, _ = cli(capsys, root, "protect", "--db", "production", "--confirm", "production")
    assert code == 0 and "marked protected and read-only" in out
    assert query(prod, "SELECT key FROM workbench_guard.marks ORDER BY key") == [("protected",), ("read_only",)]
    # With no workbench.toml at all, the database still refuses, under every URL.
    bare = repo(tmp_path / "bare", "# no databases\n")
    before = snapshot(prod)
    for url in (prod, *spellings(prod).values()):
        code, _, err = cli(capsys, bare, "up", "--url", url)
        assert code == 2 and "read-only" in err and "marked inside the database" in err, url
        code, _, err = seed(capsys, bare, "--all", "--url", url, "--confirm", parts(prod)[2])
        assert code == 2 and "read-only" in err, url
    assert snapshot(prod) == before
    code, out, _ = cli(capsys, bare, "status", "--url", prod, "--json")
    db = json.loads(out)["databases"][0]
    assert db["protected"] is True and db["read_only"] is True
    code, out, _ = cli(capsys, bare, "status", "--url", prod)
    assert "protected, read-only" in out and "marked inside the database" in out
    # unprotect takes the name typed back; then the database is writable again.
    dbname = parts(prod)[2]
    assert cli(capsys, bare, "unprotect", "--url", prod, "--yes")[0] == 2
    assert query(prod, "SELECT count(*) FROM workbench_guard.marks") == [(2,)]
    assert cli(capsys, bare, "unprotect", "--url", prod, "--confirm", dbname)[0] == 0
    assert query(prod, "SELECT count(*) FROM workbench_guard.marks") == [(0,)]


def test_mark_survives_down_past_the_tracker_and_reset(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = repo(tmp_path, "# nothing configured\n")
    dbname = parts(fresh_db)[2]
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    assert cli(capsys, root, "protect", "--url", fresh_db)[0] == 0
    code, _, err = cli(capsys, root, "reset", "--url", fresh_db, "--yes")
    assert code == 2 and "--yes alone is not enough" in err and table_exists(fresh_db, "a")
    assert cli(capsys, root, "reset", "--url", fresh_db, "--confirm", dbname)[0] == 0
    assert query(fresh_db, "SELECT key FROM workbench_guard.marks") == [("protected",)]
    # Down past 000: the tracker's own down part drops the workbench schema; the mark stays.
    code, out, _ = cli(capsys, root, "down", "--url", fresh_db, "--steps", "2", "--confirm", dbname)
    assert code == 0 and not table_exists(fresh_db, "workbench.schema_migrations")
    assert query(fresh_db, "SELECT key FROM workbench_guard.marks") == [("protected",)]
    code, out, _ = cli(capsys, root, "status", "--url", fresh_db)
    assert "protected" in out and "marked inside the database" in out
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0  # up is not destructive
    code, _, err = cli(capsys, root, "down", "--url", fresh_db, "--yes")
    assert code == 2 and "protected" in err and table_exists(fresh_db, "a")


def test_staging_migrated_through_its_url_carries_the_mark(tmp_path: Path, fresh_db: str, capsys: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WB_GUARD_STAGING_URL", fresh_db)
    monkeypatch.delenv("WB_GUARD_PROD_URL", raising=False)
    root = repo(tmp_path)
    host, port, db = parts(fresh_db)
    ci_url = f"host={host} port={port} dbname={db} user=postgres"  # how CI spells it
    assert cli(capsys, root, "up", "--url", ci_url)[0] == 0
    assert query(fresh_db, "SELECT key FROM workbench_guard.marks") == [("protected",)]
    code, _, err = cli(capsys, root, "down", "--url", ci_url, "--yes")
    assert code == 2 and "--confirm staging" in err and table_exists(fresh_db, "a")
    code, _, err = seed(capsys, root, "--all", "--url", ci_url)
    assert code == 2 and "(--confirm staging)" in err
    assert query(fresh_db, "SELECT count(*) FROM a") == [(0,)]
    # Seeding a protected database with its name typed back works: the option exists now.
    code, out, err = seed(capsys, root, "--all", "--url", ci_url, "--confirm", "staging")
    assert code == 0, out + err
    assert query(fresh_db, "SELECT id, note FROM a") == [(1, "Arnica montana 30C")]
    code, _, err = seed(capsys, root, "--all", "--mode", "replace", "--yes", "--db", "staging")
    assert code == 2 and "--yes alone is not enough" in err
    assert cli(capsys, root, "down", "--db", "staging", "--confirm", "staging")[0] == 0
    assert not table_exists(fresh_db, "a")


def test_marks_readable_by_another_role_and_unreadable_fails_closed(tmp_path: Path, fresh_db: str,
                                                                    pg_admin: str, capsys: Any) -> None:
    root = repo(tmp_path, "# nothing configured\n")
    assert cli(capsys, root, "protect", "--url", fresh_db)[0] == 0  # needs no tracker
    dbname = parts(fresh_db)[2]
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS wb_guard_reader")
        conn.execute("CREATE ROLE wb_guard_reader LOGIN")
    try:
        query(fresh_db, f'GRANT CREATE ON DATABASE "{dbname}" TO wb_guard_reader')
        query(fresh_db, "GRANT CREATE ON SCHEMA public TO wb_guard_reader")
        reader = fresh_db.replace("postgres@", "wb_guard_reader@")
        code, _, err = cli(capsys, root, "reset", "--url", reader, "--yes")
        assert code == 2 and "protected" in err  # the mark is readable by any role
        query(fresh_db, "REVOKE ALL ON SCHEMA workbench_guard FROM PUBLIC")
        code, _, err = cli(capsys, root, "reset", "--url", reader, "--yes")
        assert code == 2 and "protected" in err, err  # unreadable: treated as protected
    finally:
        query(fresh_db, "REVOKE ALL ON SCHEMA public FROM wb_guard_reader")
        query(fresh_db, f'REVOKE ALL ON DATABASE "{dbname}" FROM wb_guard_reader')
        with psycopg.connect(pg_admin, autocommit=True) as conn:
            conn.execute("DROP ROLE IF EXISTS wb_guard_reader")


def test_core_api_is_guarded_without_the_cli(tmp_path: Path, prod: str) -> None:
    """The TUI calls the core directly: a hand-made target still gets every guard."""
    from workbench.contracts.migration_files import load_migrations
    from workbench.migrate.runner import Options, execute
    from workbench.migrate.targets import Target
    from workbench.seed.run import Options as SeedOptions
    from workbench.seed.run import seed as run_seed

    root = repo(tmp_path)
    files, _ = load_migrations(root / "sql")
    before = snapshot(prod)
    bare = Target(name="anything", url=prod, configured=False)
    for action in ("up", "down", "reset"):
        result = execute(root, bare, files, action, options=Options(yes=True, confirm="production"),
                         on_event=lambda _e: None)
        assert result.exit_code == 2 and "read-only" in (result.error or ""), action
    with pytest.raises(Exception, match="read-only"):
        run_seed(root, bare, None, SeedOptions(yes=True, confirm="production"))
    assert snapshot(prod) == before
    from workbench.errors import UsageError

    with pytest.raises(UsageError, match="positive"):
        execute(root, bare, files, "down", options=Options(yes=True), on_event=lambda _e: None, steps=0)


def test_no_scratch_database_on_a_read_only_server(tmp_path: Path, prod: str, capsys: Any) -> None:
    root = repo(tmp_path)
    host, port, _ = parts(prod)
    server = f"postgresql://postgres@/postgres?host={host}&port={port}"  # same server, another database
    code, _, err = run_cli(capsys, root, "check", "--url", server)
    assert code == 2 and "read-only" in err and "production" in err
    code, out, _ = cli(capsys, root, "drift", "--db", "production", "--scratch-url", server)
    assert code == 2 and "no scratch database is created there" in out


def run_cli(capsys: Any, root: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--root", str(root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_marks_are_not_drift(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = repo(tmp_path, "# nothing configured\n")
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    assert cli(capsys, root, "protect", "--url", fresh_db, "--read-only")[0] == 0
    code, out, _ = cli(capsys, root, "drift", "--url", fresh_db)
    assert code == 0 and "no drift" in out, out
