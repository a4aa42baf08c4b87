"""`workbench check`: a foreign key from a service database's table to a table that database does
not hold is a finding (LAYER_CROSS_SERVICE_FOREIGN_KEY), located at the statement that adds it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli.main import main


def findings(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    code = main(["--root", str(root), "check", "--json", "--no-db"])
    report = json.loads(capsys.readouterr().out)
    return code, [f for f in report["findings"] if f["rule"] == "LAYER_CROSS_SERVICE_FOREIGN_KEY"]


def next_migration(root: Path, name: str, up: str, down: str) -> Path:
    version = max(int(p.name[:3]) for p in (root / "sql").glob("[0-9][0-9][0-9]_*.sql")) + 1
    path = root / "sql" / f"{version:03d}_{name}.sql"
    path.write_text(f"-- {name}\n-- migrate:up\n{up}\n\n-- migrate:down\n{down}\n")
    return path


def test_the_repository_keeps_its_service_boundaries(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert findings(repo_root, capsys)[1] == []


def test_a_foreign_key_from_notifications_to_users_crosses_a_boundary(
        repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = next_migration(
        repo_copy, "notifications_recipient_fkey",
        "-- workbench:allow MIGRATION_CONSTRAINT_NOT_VALID test\n"
        "ALTER TABLE notifications ADD CONSTRAINT notifications_recipient_user_id_fkey"
        " FOREIGN KEY (recipient_user_id) REFERENCES users (id);",
        "ALTER TABLE notifications DROP CONSTRAINT notifications_recipient_user_id_fkey;")
    code, found = findings(repo_copy, capsys)
    assert code == 1
    assert [(f["file"], f["line"], f["entity"]) for f in found] == [(f"sql/{path.name}", 4, "Notification")]
    assert "notifications" in found[0]["message"] and "users" in found[0]["message"]


def test_a_catalog_table_referencing_an_orders_table_crosses_a_boundary(
        repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    next_migration(repo_copy, "products_last_order",
                   "ALTER TABLE products ADD COLUMN last_order_id bigint REFERENCES orders (id);",
                   "ALTER TABLE products DROP COLUMN last_order_id;")
    found = findings(repo_copy, capsys)[1]
    assert [f["message"].split(" references ")[0] for f in found] == ["products.last_order_id"]
    # the same reference in a database that owns every migration is fine: dev holds both tables
    toml = repo_copy / "workbench.toml"
    toml.write_text(toml.read_text().replace('migrations = ["002", "007", "008", "009", "014", "016", "018"]\n', ""))
    assert findings(repo_copy, capsys)[1] == []
