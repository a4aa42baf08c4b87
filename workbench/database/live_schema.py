"""Snapshots of a live database's schema from the catalogs, for comparisons (down parts,
drift). Everything outside the system schemas: schemas, tables, columns, constraints,
indexes, sequences, enum types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# workbench_guard holds the protection marks (migrate/guard.py): created by `protect`, never by a
# migration, so drift and the down-part checks must not see it.
_SYSTEM = "('pg_catalog', 'information_schema', 'pg_toast', 'workbench_guard')"

QUERIES = {
    "schema": f"""SELECT nspname FROM pg_namespace
        WHERE nspname NOT IN {_SYSTEM} AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'
          AND nspname <> 'public'""",
    "table": f"""SELECT n.nspname || '.' || c.relname, c.relkind::text FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN {_SYSTEM} AND n.nspname !~ '^pg_temp'""",
    "column": f"""SELECT n.nspname || '.' || c.relname || '.' || a.attname,
               format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
               || COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
               || CASE WHEN a.attidentity <> '' THEN ' IDENTITY' ELSE '' END
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND n.nspname NOT IN {_SYSTEM}
          AND n.nspname !~ '^pg_temp'""",
    "constraint": f"""SELECT n.nspname || '.' || c.relname || '.' || con.conname, pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN {_SYSTEM} AND n.nspname !~ '^pg_temp' AND con.contype <> 'n'""",
    "index": f"""SELECT schemaname || '.' || indexname, indexdef FROM pg_indexes
        WHERE schemaname NOT IN {_SYSTEM} AND schemaname !~ '^pg_temp'""",
    "type": f"""SELECT n.nspname || '.' || t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE n.nspname NOT IN {_SYSTEM} GROUP BY 1""",
}

Snapshot = dict[str, dict[str, str]]


def snapshot(conn: Any) -> Snapshot:
    out: Snapshot = {}
    for kind, query in QUERIES.items():
        rows = conn.execute(query).fetchall()
        out[kind] = {str(r[0]): str(r[1]) if len(r) > 1 else "" for r in rows}
    return out


@dataclass(frozen=True)
class Change:
    change: str  # "extra" (only in `after`), "missing" (only in `before`) or "different"
    kind: str  # "table", "column", "constraint", ...
    name: str
    before: str = ""
    after: str = ""


def changes(before: Snapshot, after: Snapshot) -> list[Change]:
    """What `after` has that `before` has not, lacks, or defines otherwise; ordered by kind, name."""
    out: list[Change] = []
    for kind in QUERIES:
        a, b = before.get(kind, {}), after.get(kind, {})
        out += [Change("extra", kind, name, after=b[name]) for name in sorted(b.keys() - a.keys())]
        out += [Change("missing", kind, name, before=a[name]) for name in sorted(a.keys() - b.keys())]
        out += [Change("different", kind, name, a[name], b[name])
                for name in sorted(a.keys() & b.keys()) if a[name] != b[name]]
    return out


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    """Human-readable differences, e.g. 'extra table public.x', 'column public.t.a: int -> bigint'."""
    return [f"{c.change} {c.kind} {c.name}" + (f": {c.before} -> {c.after}" if c.change == "different" else "")
            for c in changes(before, after)]
