"""Fixtures against the schema the migrations define: known table and columns, values that
convert, required columns present, no duplicate keys, references that resolve between fixtures
and none to a table no fixture seeds (what `workbench seed` finds on a fresh database).
Each finding names the fixture file, the row's line and the column.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from workbench.contracts.fixture_column_fit import value_problem
from workbench.contracts.fixture_files import Fixture
from workbench.contracts.migration_schema import Table
from workbench.contracts.model import Model
from workbench.findings import Finding, Severity


def inputs(model: Model) -> tuple[object, ...]:
    return (model.fixtures, model.schema, model.entity_tables())


def check(model: Model) -> list[Finding]:
    findings: list[Finding] = []
    for fixture in model.fixtures:
        table = model.schema.table(fixture.table)
        entity = model.entity_for_table(fixture.table)
        name = entity.name if entity else ""
        if table is None:
            findings.append(Finding(Severity.ERROR, "FIXTURE_UNKNOWN_TABLE", fixture.rel,
                                    _line_of(model.root / fixture.rel, '"table"'),
                                    f"table {fixture.table} is not created by any migration", 0, name))
            continue
        findings.extend(_check_rows(model.root, fixture, table, name))
    findings.extend(_check_references(model))
    return findings


def _check_rows(root: Path, fixture: Fixture, table: Table, entity: str) -> list[Finding]:
    out: list[Finding] = []
    path = root / fixture.rel

    def at(line: int, rule: str, msg: str, column: str = "") -> None:
        out.append(Finding(Severity.ERROR, rule, fixture.rel, line, msg,
                           _column_in_line(path, line, column) if column else 0, entity))

    key = fixture.key or table.primary_key
    for col in fixture.key or ():
        if col not in table.columns:
            at(_line_of(path, '"key"'), "FIXTURE_UNKNOWN_COLUMN", f"key column {col} is not a column of {table.name}")
    required = [c.name for c in table.columns.values() if c.not_null and c.default is None and not c.identity]
    seen: dict[tuple[Any, ...], int] = {}
    for line, row in fixture.rows_with_lines():
        for col, value in row.items():
            column = table.columns.get(col)
            if column is None:
                at(line, "FIXTURE_UNKNOWN_COLUMN", f"{col} is not a column of {table.name}", col)
                continue
            if value is None:
                if column.not_null:
                    at(line, "FIXTURE_NULL", f"{table.name}.{col} is NOT NULL", col)
                continue
            problem = value_problem(value, column.type, column.type_display, table.enum_labels(col))
            if problem:
                at(line, "FIXTURE_TYPE", f"{table.name}.{col}: {problem}", col)
        missing = [c for c in required if c not in row]
        if missing:
            at(line, "FIXTURE_MISSING_COLUMN",
               f"missing {', '.join(missing)}: NOT NULL in {table.name} without a default")
        if key and all(k in row for k in key):
            ident = tuple(_hashable(row[k]) for k in key)
            first = seen.setdefault(ident, line)
            if first != line:
                at(line, "FIXTURE_DUPLICATE_KEY",
                   f"duplicate key ({', '.join(key)}) = {ident if len(ident) > 1 else ident[0]!r}, first at line {first}")
    return out


def _check_references(model: Model) -> list[Finding]:
    out: list[Finding] = []
    for fixture in model.fixtures:
        table = model.schema.table(fixture.table)
        if table is None:
            continue
        for con in table.constraints:
            if con.kind != "foreign key" or len(con.columns) != 1:
                continue
            col = con.columns[0]
            target = model.fixture_for(con.references)
            target_table = model.schema.table(con.references)
            if target_table is None:
                continue
            # the referenced column: named in the constraint (a unique key such as markets.country_code), else the primary key
            pk = con.ref_columns or target_table.primary_key
            path = model.root / fixture.rel
            entity = model.entity_for_table(fixture.table)
            if target is None:
                out.extend(_unseeded_reference(fixture, col, con.references, path, entity.name if entity else ""))
                continue
            if len(pk) != 1:
                continue
            known = {_hashable(r.get(pk[0])) for r in target.rows}
            for line, row in fixture.rows_with_lines():
                value = row.get(col)
                if value is not None and _hashable(value) not in known:
                    out.append(Finding(Severity.ERROR, "FIXTURE_REFERENCE", fixture.rel, line,
                                       f"{fixture.table}.{col} = {value!r} matches no {con.references}.{pk[0]} "
                                       f"in {target.rel}", _column_in_line(path, line, col),
                                       entity.name if entity else ""))
    return out


def _unseeded_reference(fixture: Fixture, col: str, table: str, path: Path, entity: str) -> list[Finding]:
    """Rows referencing a table no fixture seeds: seeding a fresh database fails on each of them
    (`workbench seed` reports SEED_REFERENCE), so `check` says it too, once per column."""
    lines = [line for line, row in fixture.rows_with_lines() if row.get(col) is not None]
    if not lines:
        return []
    return [Finding(Severity.ERROR, "FIXTURE_REFERENCE", fixture.rel, lines[0],
                    f"{fixture.table}.{col}: {len(lines)} row(s) reference {table}, which no fixture seeds "
                    f"(seeding a database without those rows fails; add a fixture for {table})",
                    _column_in_line(path, lines[0], col), entity)]


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else str(value) if isinstance(value, dict) else value


# Bounded: the TUI re-checks on every save, and each (path, mtime) would otherwise stay cached.
@lru_cache(maxsize=32)
def _lines(path: Path, _mtime: float) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _file_lines(path: Path) -> list[str]:
    try:
        return _lines(path, path.stat().st_mtime)
    except OSError:
        return []


def _column_in_line(path: Path, line: int, column: str) -> int:
    lines = _file_lines(path)
    if 0 < line <= len(lines):
        idx = lines[line - 1].find(f'"{column}"')
        if idx >= 0:
            return idx + 1
    return 0


def _line_of(path: Path, needle: str) -> int:
    for i, text in enumerate(_file_lines(path), 1):
        if needle in text:
            return i
    return 1
