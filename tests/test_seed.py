"""Seeding on a real PostgreSQL: idempotence, all-or-nothing, dry-run diff, validation, guards."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from test_seed_support import checksums, count, migrate, run_seed, write_fixture

from workbench.errors import UsageError
from workbench.migrate.targets import Target


@pytest.fixture
def db(fresh_db: str, repo_copy: Path) -> str:
    migrate(repo_copy, fresh_db)
    return fresh_db


def test_seed_twice_changes_nothing_the_second_time(db: str, repo_copy: Path) -> None:
    first = run_seed(repo_copy, db)
    assert first.ok, [f.format() for f in first.findings]
    assert first.written
    assert sum(t.inserted for t in first.tables) > 100
    before = checksums(db)  # includes every row's xmin
    second = run_seed(repo_copy, db)
    assert second.ok
    assert [(t.inserted, t.updated) for t in second.tables] == [(0, 0)] * len(second.tables)
    assert all(t.unchanged > 0 for t in second.tables)
    assert checksums(db) == before  # same contents, same xmin: nothing was rewritten


def test_sequences_move_past_the_seeded_ids(db: str, repo_copy: Path) -> None:
    assert run_seed(repo_copy, db).ok
    with psycopg.connect(db) as conn:
        conn.execute("INSERT INTO brands (name, slug) VALUES ('New brand', 'new-brand')")
        new_id = conn.execute("SELECT id FROM brands WHERE slug = 'new-brand'").fetchone()[0]
        top = conn.execute("SELECT max(id) FROM brands WHERE slug <> 'new-brand'").fetchone()[0]
    assert new_id > top


def test_a_bad_row_in_the_last_fixture_writes_nothing_anywhere(db: str, repo_copy: Path) -> None:
    last = run_seed(repo_copy, db, dry_run=True).tables[-1]
    path = repo_copy / last.fixture
    data = json.loads(path.read_text())
    column = next(c for c, v in data["rows"][-1].items() if isinstance(v, str))
    data["rows"][-1][column] = 42
    write_fixture(repo_copy, path.name, data["table"], data["rows"], data.get("key"))
    before = checksums(db)
    result = run_seed(repo_copy, db)
    assert not result.ok and not result.written
    bad = [f for f in result.findings if f.rule == "SEED_TYPE"]
    assert len(bad) == 1
    assert bad[0].file == last.fixture and bad[0].line == 5 + len(data["rows"]) - 1
    assert bad[0].column > 0 and column in bad[0].message
    assert checksums(db) == before
    assert count(db, "roles") == 0


def test_a_failing_statement_reports_the_row_with_postgresql_message(db: str, repo_copy: Path) -> None:
    # A CHECK constraint only the database knows: found by the apply, located by bisection.
    rows = json.loads((repo_copy / "seeders" / "brands.json").read_text())["rows"]
    rows[4]["slug"] = "Not A Slug"
    path = write_fixture(repo_copy, "brands.json", "brands", rows, ["slug"])
    result = run_seed(repo_copy, db, ["brands"])
    assert not result.ok
    (finding,) = [f for f in result.findings if f.rule == "SEED_APPLY"]
    assert finding.line == 9 and finding.file == "seeders/brands.json"
    assert "brands_slug_check" in finding.message
    assert path.read_text().splitlines()[finding.line - 1].count("Not A Slug") == 1
    assert count(db, "brands") == 0


def test_dry_run_changes_nothing_and_names_the_changed_rows(db: str, repo_copy: Path) -> None:
    assert run_seed(repo_copy, db).ok
    path = repo_copy / "seeders" / "products.json"
    data = json.loads(path.read_text())
    data["rows"][3]["unit_price_minor"] += 100
    old_price = data["rows"][3]["unit_price_minor"] - 100
    sku = data["rows"][3]["sku"]
    data["rows"].append({**data["rows"][0], "id": 9999, "sku": "NEW-SKU-1", "name": "New product"})
    write_fixture(repo_copy, "products.json", "products", data["rows"], data["key"])
    # Rows without an id draw from the identity sequence, which a rollback does not undo.
    write_fixture(repo_copy, "roles.json", "roles", [*json.loads((repo_copy / "seeders/roles.json").read_text())["rows"],
                                                      {"name": "temp_role", "description": "x"}], ["name"])
    before = checksums(db)
    result = run_seed(repo_copy, db, dry_run=True)
    assert result.ok and not result.written
    assert checksums(db) == before  # every table's rows (and xmin) and every sequence
    products = result.table("products")
    assert products is not None
    assert (products.inserted, products.updated) == (1, 1)
    changes = {r["key"]["sku"]: r for r in products.rows}
    assert changes[sku]["change"] == "update"
    assert changes[sku]["columns"] == {"unit_price_minor": [old_price, old_price + 100]}
    assert changes[sku]["line"] == 5 + 3
    assert changes["NEW-SKU-1"]["change"] == "insert"
    assert result.table("roles").inserted == 1  # type: ignore[union-attr]


def test_unknown_column_and_bad_type_have_file_line_and_column(db: str, repo_copy: Path) -> None:
    write_fixture(repo_copy, "roles.json", "roles", [
        {"id": 1, "name": "admin", "colour": "red"},
        {"id": 2, "name": "clerk", "is_system": "yes"},
        {"id": 3, "name": "clerk"},
        {"id": 4, "description": "no name"},
    ], ["name"])
    result = run_seed(repo_copy, db, ["roles"])
    got = {(f.rule, f.line, f.column) for f in result.findings}
    text = (repo_copy / "seeders" / "roles.json").read_text().splitlines()
    assert ("SEED_UNKNOWN_COLUMN", 5, text[4].index('"colour"') + 1) in got
    assert ("SEED_TYPE", 6, text[5].index('"is_system"') + 1) in got
    assert ("SEED_DUPLICATE_KEY", 7, text[6].index('"name"') + 1) in got
    assert any(f.rule == "SEED_MISSING_COLUMN" and f.line == 8 for f in result.findings)
    assert count(db, "roles") == 0


def test_reference_to_a_row_nowhere_is_a_finding(db: str, repo_copy: Path) -> None:
    rows = json.loads((repo_copy / "seeders" / "users.json").read_text())["rows"]
    rows[3]["role_id"] = 777  # a user no other fixture references (audit_logs reference some)
    write_fixture(repo_copy, "users.json", "users", rows, ["email"])
    result = run_seed(repo_copy, db)
    refs = [f for f in result.findings if f.rule == "SEED_REFERENCE"]
    assert [(f.file, f.line) for f in refs] == [("seeders/users.json", 8)]
    assert "777" in refs[0].message and count(db, "users") == 0


def test_reference_satisfied_by_the_database(db: str, repo_copy: Path) -> None:
    assert run_seed(repo_copy, db, ["roles"]).ok
    result = run_seed(repo_copy, db, ["users"])  # roles are not in this run but are in the database
    assert result.ok, [f.format() for f in result.findings]


def test_insert_mode_fails_on_existing_keys(db: str, repo_copy: Path) -> None:
    assert run_seed(repo_copy, db, ["roles"]).ok
    result = run_seed(repo_copy, db, ["roles"], mode="insert")
    assert not result.ok
    assert {f.rule for f in result.findings} == {"SEED_EXISTS"}


def test_replace_deletes_rows_not_in_the_fixture(db: str, repo_copy: Path) -> None:
    assert run_seed(repo_copy, db, ["brands"]).ok
    with psycopg.connect(db) as conn:
        conn.execute("INSERT INTO brands (id, name, slug) VALUES (500, 'Gone', 'gone')")
    result = run_seed(repo_copy, db, ["brands"], mode="replace", yes=True)
    assert result.ok
    t = result.table("brands")
    assert t is not None and (t.deleted, t.inserted, t.updated) == (1, 0, 0)
    assert count(db, "brands") == 9


def test_replace_needs_confirmation(db: str, repo_copy: Path) -> None:
    with pytest.raises(UsageError):
        run_seed(repo_copy, db, ["brands"], mode="replace")


def test_natural_key_with_another_id_is_a_conflict(db: str, repo_copy: Path) -> None:
    with psycopg.connect(db) as conn:
        conn.execute("INSERT INTO roles (id, name) VALUES (50, 'admin')")
    result = run_seed(repo_copy, db, ["roles"])
    assert [f.rule for f in result.findings] == ["SEED_KEY_CONFLICT"]


def test_protected_database_needs_the_typed_name(db: str, repo_copy: Path) -> None:
    target = Target("shop", db, protected=True)
    with pytest.raises(UsageError, match="protected"):
        run_seed(repo_copy, db, ["roles"], target=target, yes=True)  # no terminal: refused
    with pytest.raises(UsageError):
        run_seed(repo_copy, db, ["roles"], target=target, yes=True, ask=lambda _p: "yes")
    assert count(db, "roles") == 0
    assert run_seed(repo_copy, db, ["roles"], target=target, ask=lambda _p: "shop").ok
    assert count(db, "roles") == 9
    # A dry-run changes nothing and asks nothing.
    assert run_seed(repo_copy, db, ["roles"], target=target, dry_run=True).ok


def test_protection_mark_in_the_database_guards_a_bare_url(db: str, repo_copy: Path) -> None:
    with psycopg.connect(db) as conn:
        conn.execute("INSERT INTO workbench.settings (key, value) VALUES ('protected', 'true')")
    with pytest.raises(UsageError, match="protected"):
        run_seed(repo_copy, db, ["roles"])


def test_read_only_database_refuses(db: str, repo_copy: Path) -> None:
    with pytest.raises(UsageError, match="read-only"):
        run_seed(repo_copy, db, ["roles"], target=Target("ro", db, read_only=True))


def test_all_skips_fixtures_whose_table_is_missing(fresh_db: str, repo_copy: Path) -> None:
    with psycopg.connect(fresh_db) as conn:  # a catalog-only service database
        conn.execute("CREATE TABLE brands (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                     " name varchar(120) NOT NULL UNIQUE, slug varchar(120) NOT NULL UNIQUE,"
                     " country_code char(2), website_url text, is_active boolean NOT NULL DEFAULT true)")
    result = run_seed(repo_copy, fresh_db)
    assert result.ok, [f.format() for f in result.findings]
    assert [t.table for t in result.tables] == ["brands"]
    skipped = {s.table for s in result.skipped}
    assert {"roles", "users", "categories", "products", "warehouses", "customers", "orders"} <= skipped
    assert "brands" not in skipped
    named = run_seed(repo_copy, fresh_db, ["roles"])
    assert [f.rule for f in named.findings] == ["SEED_UNKNOWN_TABLE"]


def test_without_merge_the_fallback_statements_agree(db: str, repo_copy: Path) -> None:
    assert run_seed(repo_copy, db, merge=False).ok
    before = checksums(db)
    again = run_seed(repo_copy, db, merge=False)
    assert [(t.inserted, t.updated) for t in again.tables] == [(0, 0)] * len(again.tables)
    assert checksums(db) == before


def test_a_row_leaving_a_column_out_keeps_the_database_value(db: str, repo_copy: Path) -> None:
    write_fixture(repo_copy, "roles.json", "roles", [{"id": 1, "name": "admin", "description": "first"}], ["name"])
    assert run_seed(repo_copy, db, ["roles"]).ok
    write_fixture(repo_copy, "roles.json", "roles", [{"id": 1, "name": "admin"}, {"id": 2, "name": "b",
                                                                                   "description": "x"}], ["name"])
    result = run_seed(repo_copy, db, ["roles"])
    assert result.ok and result.table("roles").updated == 0  # type: ignore[union-attr]
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT description FROM roles WHERE id = 1").fetchone() == ("first",)


def test_seeding_waits_for_the_migrations_lock(db: str, repo_copy: Path) -> None:
    from workbench.migrate.lock import LockTimeout, advisory_lock

    with psycopg.connect(db, autocommit=True) as holder, advisory_lock(holder, timeout=1):
        with pytest.raises(LockTimeout, match="workbench lock"):
            run_seed(repo_copy, db, ["roles"], lock_wait=0.3)
    assert count(db, "roles") == 0
    assert run_seed(repo_copy, db, ["roles"], lock_wait=0.3).ok


def test_check_constraint_labels_are_validated_per_row(db: str, repo_copy: Path) -> None:
    rows = json.loads((repo_copy / "seeders" / "users.json").read_text())["rows"]
    rows[3]["status"] = "sleeping"  # users no other fixture references (audit_logs reference some)
    rows[4]["status"] = "gone"
    write_fixture(repo_copy, "users.json", "users", rows, ["email"])
    result = run_seed(repo_copy, db)
    bad = [(f.rule, f.line) for f in result.findings]
    assert bad == [("SEED_TYPE", 8), ("SEED_TYPE", 9)]
    assert "'sleeping' is not one of invited, active, suspended, disabled" in result.findings[0].message


def test_insert_mode_takes_rows_without_ids(db: str, repo_copy: Path) -> None:
    write_fixture(repo_copy, "brands.json", "brands", [{"name": "Adel", "slug": "adel"},
                                                       {"name": "Hahnemann Labs", "slug": "hahnemann-labs"}])
    assert [f.rule for f in run_seed(repo_copy, db, ["brands"]).findings] == ["SEED_MISSING_KEY"] * 2
    result = run_seed(repo_copy, db, ["brands"], mode="insert")
    assert result.ok, [f.format() for f in result.findings]
    assert count(db, "brands") == 2


def test_replace_dry_run_changes_nothing(db: str, repo_copy: Path) -> None:
    assert run_seed(repo_copy, db, ["roles"]).ok
    with psycopg.connect(db) as conn:
        conn.execute("INSERT INTO roles (name) VALUES ('extra_role')")
    before = checksums(db)
    result = run_seed(repo_copy, db, ["roles"], mode="replace", dry_run=True)
    assert result.ok
    roles = result.table("roles")
    assert roles is not None and (roles.deleted, roles.inserted, roles.updated, roles.unchanged) == (1, 0, 0, 9)
    assert checksums(db) == before


def test_replace_of_a_referenced_table_reports_the_references(db: str, repo_copy: Path) -> None:
    assert run_seed(repo_copy, db, ["roles", "users"]).ok
    result = run_seed(repo_copy, db, ["roles"], mode="replace", yes=True)
    assert [f.rule for f in result.findings] == ["SEED_APPLY"]
    assert "users" in result.findings[0].message and count(db, "roles") == 9


def test_replace_on_a_protected_database_needs_the_typed_name(db: str, repo_copy: Path) -> None:
    target = Target("shop", db, protected=True)
    with pytest.raises(UsageError, match="protected"):
        run_seed(repo_copy, db, ["brands"], target=target, mode="replace", yes=True, ask=lambda _p: "y")
    result = run_seed(repo_copy, db, ["brands"], target=target, mode="replace", ask=lambda _p: "shop")
    assert result.ok and count(db, "brands") == 9


@pytest.mark.parametrize("returning", [True, False], ids=["merge-returning", "diff-then-merge"])
def test_both_report_paths_agree(db: str, repo_copy: Path, returning: bool) -> None:
    # PostgreSQL 18 reports from MERGE ... RETURNING; older servers diff first. Same answers.
    assert run_seed(repo_copy, db, merge_returning=returning).ok
    data = json.loads((repo_copy / "seeders" / "products.json").read_text())
    old_price = data["rows"][3]["unit_price_minor"]
    old_description = data["rows"][5].get("description")
    data["rows"][3]["unit_price_minor"] += 1
    data["rows"][5]["description"] = "Changed."
    data["rows"].append({**data["rows"][0], "id": 5000, "sku": "NEW-1", "name": "New"})
    write_fixture(repo_copy, "products.json", "products", data["rows"], data["key"])
    before = checksums(db)
    result = run_seed(repo_copy, db, ["products"], dry_run=True, merge_returning=returning)
    assert checksums(db) == before
    t = result.table("products")
    assert t is not None and (t.inserted, t.updated, t.unchanged) == (1, 2, len(data["rows"]) - 3)
    assert sorted(r["line"] for r in t.rows) == [8, 10, 5 + len(data["rows"]) - 1]
    changed = {r["key"]["sku"]: r["columns"] for r in t.rows if r["change"] == "update"}
    assert changed[data["rows"][3]["sku"]] == {"unit_price_minor": [old_price, old_price + 1]}
    assert changed[data["rows"][5]["sku"]] == {"description": [old_description, "Changed."]}
    with psycopg.connect(db) as conn:  # nothing references markets.id (tax rates name the country): another id
        conn.execute("UPDATE markets SET id = 77 WHERE country_code = 'DE'")
    conflict = run_seed(repo_copy, db, ["markets"], merge_returning=returning)
    assert [(f.rule, f.line) for f in conflict.findings] == [("SEED_KEY_CONFLICT", 7)] and not conflict.written
    assert "id 77 in the database but 2 in the fixture" in conflict.findings[0].message
