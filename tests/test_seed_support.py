"""Shared helpers for the seed tests: migrated databases, table checksums, fixture files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg

from workbench.contracts.migration_files import load_migrations
from workbench.migrate.runner import Options as MigrateOptions
from workbench.migrate.runner import execute
from workbench.migrate.targets import Target
from workbench.seed.result import SeedResult
from workbench.seed.run import Options, seed


def migrate(root: Path, url: str) -> None:
    migrations, _ = load_migrations(root / "sql", "sql/")
    result = execute(root, Target("t", url, configured=False), migrations, "up", options=MigrateOptions(),
                     on_event=lambda _e: None)
    assert result.ok, result.error or result.failure


def run_seed(root: Path, url: str, names: list[str] | None = None, **kw: Any) -> SeedResult:
    ask = kw.pop("ask", None)
    target = kw.pop("target", None) or Target("t", url, configured=False)
    return seed(root, target, names, Options(**kw), ask=ask)


def checksums(url: str) -> dict[str, str]:
    """md5 of every user table's sorted content, with each row's xmin, plus every sequence's state."""
    out: dict[str, str] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')").fetchall()
        for (t,) in tables:
            row = conn.execute(f"SELECT md5(coalesce(string_agg(x::text || ':' || xmin::text, ',' ORDER BY x::text), ''))"
                               f" FROM {t} AS x").fetchone()
            out[t] = row[0]
        for (s,) in conn.execute("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename)"
                                 " FROM pg_sequences").fetchall():
            row = conn.execute(f"SELECT last_value, is_called FROM {s}").fetchone()
            out[s] = str(row)
    return out


def write_fixture(root: Path, name: str, table: str, rows: list[dict[str, Any]], key: list[str] | None = None) -> Path:
    lines = ["{", f'  "table": "{table}",']
    if key:
        lines.append(f'  "key": {json.dumps(key)},')
    lines.append('  "rows": [')
    lines.append(",\n".join("    " + json.dumps(r) for r in rows))
    lines.append("  ]")
    lines.append("}")
    path = root / "seeders" / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
