"""The layer convention and its overrides in workbench.toml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.contracts.layer_mapping import compatible, plural, snake


def test_naming_convention() -> None:
    assert [plural(snake(n)) for n in ("OrderItem", "Category", "AuditLog", "Address", "InventoryItem")] == [
        "order_items", "categories", "audit_logs", "addresses", "inventory_items"]


@pytest.mark.parametrize(("proto", "kind", "repeated", "sql", "ok"), [
    ("int64", "scalar", False, "bigint", True),
    ("int64", "scalar", False, "integer", True),  # lossy: warning, not error
    ("int32", "scalar", False, "bigint", False),
    ("string", "scalar", False, "date", True),
    ("string", "scalar", True, "text[]", True),
    ("string", "scalar", False, "text[]", False),
    ("google.protobuf.Timestamp", "message", False, "timestamptz", True),
    ("x.v1.Status", "enum", False, "text", True),
    ("bool", "scalar", False, "text", False),
])
def test_type_table(proto: str, kind: str, repeated: bool, sql: str, ok: bool) -> None:
    assert compatible(proto, kind, repeated, sql)[0] is ok


def _rename_table(root: Path, old: str, new: str) -> None:
    fixture = root / "seeders" / f"{old}.json"
    if fixture.exists():
        fixture.write_text(fixture.read_text().replace(f'"table": "{old}"', f'"table": "{new}"'))
    for path in (root / "sql").glob("*.sql"):
        text = path.read_text()
        path.write_text(text.replace(f"TABLE {old} ", f"TABLE {new} ").replace(f"TABLE {old}\n", f"TABLE {new}\n")
                        .replace(f"ON {old} ", f"ON {new} ").replace(f"REFERENCES {old} ", f"REFERENCES {new} ")
                        .replace(f"REFERENCES {old}(", f"REFERENCES {new}("))


def test_table_and_column_overrides(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _rename_table(repo_copy, "notifications", "outbox")
    args = ["--root", str(repo_copy), "check", "--json", "--no-db"]
    assert main(args) == 1
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert {"LAYER_ENTITY_NO_TABLE", "LAYER_TABLE_NO_ENTITY"} <= rules
    with (repo_copy / "workbench.toml").open("a") as fh:
        fh.write('\n[mapping.tables]\nNotification = "outbox"\n')
    assert main(args) == 0, capsys.readouterr().out
    capsys.readouterr()


def test_exclusions(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    version = max(int(p.name[:3]) for p in (repo_copy / "sql").glob("[0-9][0-9][0-9]_*.sql")) + 1
    sql = repo_copy / f"sql/{version:03d}_create_feature_flags.sql"
    sql.write_text("-- Flags.\n-- migrate:up\nCREATE TABLE feature_flags (name text PRIMARY KEY);\n"
                   "-- migrate:down\nDROP TABLE feature_flags;\n")
    args = ["--root", str(repo_copy), "check", "--json", "--no-db"]
    assert main(args) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["file"], f["line"]) for f in report["findings"] if f["severity"] != "info"] == [
        ("LAYER_TABLE_NO_ENTITY", f"sql/{version:03d}_create_feature_flags.sql", 3)]
    with (repo_copy / "workbench.toml").open("a") as fh:
        fh.write('\n[mapping]\nexclude_tables = ["feature_flags"]\n')
    assert main(args) == 0
    capsys.readouterr()
