"""Contracts 2.0 against the 1.0.0 release, as a team upgrading would try it: a database at 1.0.0
with the 1.0.0 fixtures migrates up, keeps its rows, refuses new writes that break the 2.0 rules,
goes back down to 1.0.0; and `workbench breaking` against 1.0.0 lists only accepted and compatible
changes with the MAJOR bump declared.

The 1.0.0 baseline is found from history (the parent of the commit that added the first 2.0
migration), not from a tag, which a CI clone may not carry.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path

import psycopg
import pytest
from contract_rules_support import refused
from test_seed_support import run_seed

from workbench.cli.main import main
from workbench.contracts.migration_files import load_migrations
from workbench.migrate.runner import Options as MigrateOptions
from workbench.migrate.runner import execute
from workbench.migrate.targets import Target

FIRST_2_0_MIGRATION = "sql/008_markets_tax_rates_prices.sql"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def baseline(repo_root: Path) -> str:
    """The 1.0.0 commit: the parent of the commit that added the first 2.0 migration."""
    try:
        added = git(repo_root, "log", "--format=%H", "--diff-filter=A", "--", FIRST_2_0_MIGRATION).splitlines()
        if not added:  # not committed yet: the working tree is 2.0, HEAD is still 1.0.0
            return git(repo_root, "rev-parse", "HEAD")
        return git(repo_root, "rev-parse", "--verify", f"{added[-1]}^")
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        pytest.skip(f"no git history to find the 1.0.0 baseline in (shallow clone or no git): {exc}")


@pytest.fixture(scope="module")
def release_1_0_0(repo_root: Path, baseline: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The contracts of 1.0.0 (sql/, seeders/, proto/, workbench.toml) in a directory of their own."""
    dest = tmp_path_factory.mktemp("contracts-1.0.0")
    archive = subprocess.run(["git", "-C", str(repo_root), "archive", "--format=tar", baseline,
                              "sql", "seeders", "proto", "workbench.toml", "CHANGELOG.md"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    assert "## [1.0.0]" in (dest / "CHANGELOG.md").read_text()
    assert not (dest / "sql" / Path(FIRST_2_0_MIGRATION).name).exists()
    return dest


def migrate(root: Path, url: str, action: str = "up", to: str | None = None) -> None:
    migrations, _ = load_migrations(root / "sql", "sql/")
    result = execute(root, Target("t", url, configured=False), migrations, action,
                     options=MigrateOptions(yes=True), on_event=lambda _e: None, to=to)
    assert result.ok, result.error or result.failure


def query(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def db_at_1_0_0(fresh_db: str, release_1_0_0: Path) -> str:
    migrate(release_1_0_0, fresh_db)
    result = run_seed(release_1_0_0, fresh_db)
    assert result.ok, [f.format() for f in result.findings]
    return fresh_db


def test_a_1_0_0_database_with_its_data_migrates_up(db_at_1_0_0: str, repo_root: Path) -> None:
    before = query(db_at_1_0_0, "SELECT id, order_number, total_minor FROM orders ORDER BY id")
    lines = query(db_at_1_0_0, "SELECT id, line_total_minor, tax_minor FROM order_items ORDER BY id")
    migrate(repo_root, db_at_1_0_0)
    applied = [v for (v,) in query(db_at_1_0_0, "SELECT version FROM workbench.schema_migrations WHERE success ORDER BY version")]
    assert applied == sorted(p.name[:3] for p in (repo_root / "sql").glob("[0-9][0-9][0-9]_*.sql"))
    # the 1.x rows are all there, unchanged (tax still on top: they are corrected by the backfill job)
    assert query(db_at_1_0_0, "SELECT id, order_number, total_minor FROM orders ORDER BY id") == before
    assert query(db_at_1_0_0, "SELECT id, line_total_minor, tax_minor FROM order_items ORDER BY id") == lines
    # the rules that 1.x rows break were added NOT VALID, to be validated in the contract step
    not_valid = {name for (name,) in query(db_at_1_0_0, "SELECT conname FROM pg_constraint WHERE NOT convalidated")}
    assert {"order_items_line_total_minor_tax_inclusive_check", "orders_total_minor_tax_inclusive_check",
            "order_items_order_id_currency_code_fkey", "inventory_items_manufactured_on_check"} <= not_valid
    # ...and new writes obey them: a 1.x style line (tax on top) is refused on the upgraded database
    exc = refused(db_at_1_0_0, ("UPDATE order_items SET quantity = quantity WHERE id = 1", None))
    assert exc.diag.constraint_name in {"order_items_mrp_minor_check", "order_items_tax_rate_basis_points_check",
                                        "order_items_line_number_check",
                                        "order_items_line_total_minor_tax_inclusive_check", "order_items_tax_minor_check"}


def test_the_upgraded_database_goes_back_down_to_1_0_0(db_at_1_0_0: str, repo_root: Path) -> None:
    schema_1_0_0 = query(db_at_1_0_0, "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                                      " FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2")
    migrate(repo_root, db_at_1_0_0)
    migrate(repo_root, db_at_1_0_0, "down", to="007")
    assert query(db_at_1_0_0, "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                              " FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2") == schema_1_0_0
    assert query(db_at_1_0_0, "SELECT to_regclass('markets'), to_regclass('product_markets')") == [(None, None)]


def test_the_upgraded_database_takes_the_2_0_fixtures_in_replace_mode(db_at_1_0_0: str, repo_root: Path) -> None:
    migrate(repo_root, db_at_1_0_0)
    result = run_seed(repo_root, db_at_1_0_0, mode="replace", yes=True)
    assert result.ok, [f.format() for f in result.findings]
    assert query(db_at_1_0_0, "SELECT count(*) FROM orders WHERE warehouse_id IS NULL") == [(0,)]
    assert query(db_at_1_0_0, "SELECT count(*) FROM order_items WHERE line_total_minor <> quantity * unit_price_minor"
                              " - discount_minor") == [(0,)]


def test_breaking_against_1_0_0_lists_the_intended_changes_and_the_major_bump(
        repo_root: Path, baseline: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--root", str(repo_root), "breaking", "--against", baseline, "--against-exact", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert (report["semver"], report["declared"]) == ("major", "major")
    assert [c for c in report["changes"] if c["kind"] == "breaking"] == []
    accepted = {(c["rule"], c["file"]) for c in report["changes"] if c["kind"] == "accepted"}
    assert ("FIELD_SAME_CARDINALITY", "proto/entities.proto") in accepted      # PrescriptionItem.potency
    assert {r for r, _ in accepted} == {"FIELD_SAME_CARDINALITY", "SQL_ADD_CONSTRAINT"}
    added = {c["message"].split('"')[1] for c in report["changes"] if c["rule"] == "MESSAGE_ADDED"}
    assert added == {f"homeopathy.contracts.v1.{m}" for m in ("Market", "TaxRate", "ProductMarket", "ReorderPoint", "InvoiceLine", "Licence")}
    # released migrations are never edited
    assert not [c for c in report["changes"] if c["rule"] in {"MIGRATION_EDITED", "MIGRATION_DELETED"}]
    assert code == 0
