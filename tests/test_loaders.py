"""Loaders on real and bad inputs: findings with locations, never exceptions."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.contracts.config import load_config
from workbench.contracts.fixture_files import parse_fixture
from workbench.contracts.migration_files import checksum, load_migrations, parse_migration
from workbench.contracts.migration_schema import build_schema
from workbench.contracts.proto_compile import compile_protos
from workbench.workspace import load_model

GARBAGE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_repository_model(repo_root: Path) -> None:
    model = load_model(repo_root)
    assert model.findings == []
    assert len(model.entities) == 22
    assert [m.version for m in model.migrations][:4] == ["000", "001", "002", "003"]
    products = model.fixture_for("products")
    assert products is not None and len(products.rows) >= 60 and products.key == ("sku",)
    table = model.schema.table("orders")
    assert table is not None and "customer_id" in table.columns
    # the FK on orders.customer_id is added by a later migration: its origin says so
    fk = next(c for c in table.constraints if c.kind == "foreign key" and c.columns == ("customer_id",))
    assert fk.origin.file == "sql/004_create_customers.sql"


def test_checksum_ignores_bom_and_line_endings() -> None:
    text = "-- x\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n"
    assert checksum(text) == checksum("\ufeff" + text.replace("\n", "\r\n")) == checksum(text.replace("\n", "\r"))
    assert checksum(text) != checksum(text.replace("1", "3"))


def test_migration_format_errors() -> None:
    m, findings = parse_migration("SELECT 1;\n", "001_x.sql", "sql/001_x.sql")
    assert m is None and findings[0].rule == "MIGRATION_FORMAT"
    m, findings = parse_migration("-- migrate:up\nSELECT 1;\n", "1-x.sql", "sql/1-x.sql")
    assert m is None and findings[0].rule == "MIGRATION_NAME"
    m, findings = parse_migration("-- migrate:up\nSELECT 1;\n", "001_x.sql", "sql/001_x.sql")
    assert m is not None and [f.rule for f in findings] == ["MIGRATION_NO_DOWN"]
    m, _ = parse_migration("-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\n"
                           "DROP INDEX CONCURRENTLY i;\n", "002_i.sql", "sql/002_i.sql")
    assert m is not None and not m.transactional and m.up_line == 2 and m.down_line == 4


def test_duplicate_versions(tmp_path: Path) -> None:
    for name in ("004_a.sql", "004_b.sql"):
        (tmp_path / name).write_text("-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n")
    _, findings = load_migrations(tmp_path)
    dup = [f for f in findings if f.rule == "MIGRATION_DUPLICATE_VERSION"]
    assert len(dup) == 1 and dup[0].file == "sql/004_b.sql" and "sql/004_a.sql" in dup[0].message


def test_sql_syntax_error_has_line_and_column() -> None:
    text = "-- x\n-- migrate:up\nCREATE TABLE t (\n  a int,\n  b textt text\n);\n-- migrate:down\nDROP TABLE t;\n"
    m, _ = parse_migration(text, "001_t.sql", "sql/001_t.sql")
    assert m is not None
    _, findings = build_schema([m])
    assert [(f.rule, f.file, f.line) for f in findings] == [("SQL_SYNTAX", "sql/001_t.sql", 5)]
    assert findings[0].column > 0


def test_fixture_rows_keep_their_lines() -> None:
    text = '{\n  "table": "t",\n  "key": ["a"],\n  "rows": [\n    {"a": 1},\n\n    {"a": 2}\n  ]\n}\n'
    fx, findings = parse_fixture(text, "seeders/t.json")
    assert findings == [] and fx is not None
    assert fx.row_lines == [5, 7] and fx.key == ("a",)


def test_fixture_errors_have_locations() -> None:
    _, f = parse_fixture('{\n  "table": "t",\n  "rows": [\n    {"a": 1,}\n  ]\n}', "seeders/t.json")
    assert (f[0].rule, f[0].line) == ("FIXTURE_JSON", 4)
    _, f = parse_fixture('{\n  "table": "t",\n  "rowz": []\n}', "seeders/t.json")
    assert (f[0].rule, f[0].line) == ("FIXTURE_SHAPE", 3) and "rowz" in f[0].message
    _, f = parse_fixture('{"table": "t"}', "seeders/t.json")
    assert f[0].rule == "FIXTURE_SHAPE" and "rows" in f[0].message


def test_config_errors(tmp_path: Path) -> None:
    (tmp_path / "workbench.toml").write_text("[workbench]\nproto = 'proto'\n\n[databases.dev\nurl = 1\n")
    _, findings = load_config(tmp_path)
    assert findings[0].rule == "CONFIG_SYNTAX" and findings[0].line == 4
    (tmp_path / "workbench.toml").write_text("[workbench]\nprotos = 'x'\n[databases.prod]\nurl = '${PROD_URL}'\n"
                                              "protected = true\n")
    config, findings = load_config(tmp_path)
    assert [(f.rule, f.line) for f in findings] == [("CONFIG_UNKNOWN_KEY", 2)]
    prod = config.database("prod")
    assert prod is not None and prod.protected and not prod.embedded


@GARBAGE
@given(st.text(max_size=300))
def test_garbage_into_fixture_loader(text: str) -> None:
    fx, findings = parse_fixture(text, "seeders/g.json")
    assert (fx is None) == bool(findings)
    assert all(f.line >= 0 for f in findings)


@GARBAGE
@given(st.text(max_size=300))
def test_garbage_into_migration_loader(text: str) -> None:
    m, findings = parse_migration("-- migrate:up\n" + text, "001_g.sql", "sql/001_g.sql")
    if m is not None:
        build_schema([m])  # SQL errors become findings, never exceptions


@GARBAGE
@given(st.text(max_size=200))
def test_garbage_into_config_loader(tmp_path: Path, text: str) -> None:
    (tmp_path / "workbench.toml").write_text(text, encoding="utf-8", errors="replace")
    load_config(tmp_path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_garbage_into_protoc(tmp_path: Path, text: str) -> None:
    (tmp_path / "g.proto").write_text('syntax = "proto3";\n' + text, encoding="utf-8", errors="replace")
    result = compile_protos(tmp_path, rel_prefix="proto/")
    if not result.ok:
        assert result.findings and all(f.file.startswith("proto/") for f in result.findings)
