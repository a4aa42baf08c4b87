"""Drift: the live schema against the schema its applied migrations produce.

The applied migrations (their text as the tracker kept it) run on a scratch database, both
schemas are read from the catalogs with the same query, and every difference in tables,
columns, constraints and indexes becomes a finding. Hand-made changes on a server show up here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from workbench.dburl import scrub
from workbench.errors import WorkbenchError
from workbench.findings import Finding, Severity
from workbench.migrate import tracker
from workbench.migrations import Migration, parse_migration

if TYPE_CHECKING:
    import psycopg

    from workbench.migrate.targets import Target

_SYSTEM = "('pg_catalog', 'information_schema', 'pg_toast')"
_QUERIES = {
    "table": f"""
        SELECT n.nspname || '.' || c.relname, c.relkind::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN {_SYSTEM} AND n.nspname !~ '^pg_temp'""",
    "column": f"""
        SELECT n.nspname || '.' || c.relname || '.' || a.attname,
               format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
               || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
               || CASE WHEN a.attidentity <> '' THEN ' IDENTITY' ELSE '' END
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
          AND n.nspname NOT IN {_SYSTEM} AND n.nspname !~ '^pg_temp'""",
    "constraint": f"""
        SELECT n.nspname || '.' || c.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN {_SYSTEM} AND n.nspname !~ '^pg_temp' AND k.contype <> 'n'""",
    "index": f"""
        SELECT schemaname || '.' || indexname, indexdef FROM pg_indexes
        WHERE schemaname NOT IN {_SYSTEM} AND schemaname !~ '^pg_temp'""",
}

Snapshot = dict[str, dict[str, str]]  # kind -> name -> definition


@dataclass
class DriftReport:
    name: str
    url: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "url": self.url, "error": self.error,
                "findings": [f.to_json() for f in self.findings]}


def snapshot(conn: psycopg.Connection[Any]) -> Snapshot:
    return {kind: {name: definition for name, definition in conn.execute(q).fetchall()}
            for kind, q in _QUERIES.items()}


def compare(expected: Snapshot, live: Snapshot, database: str) -> list[Finding]:
    out: list[Finding] = []
    for kind in _QUERIES:
        want, have = expected.get(kind, {}), live.get(kind, {})
        for name in sorted(want.keys() - have.keys()):
            out.append(Finding(Severity.ERROR, "MIGRATION_DRIFT_MISSING", "", 0,
                               f"{database}: {kind} {name} is missing (its migrations create it)"))
        for name in sorted(have.keys() - want.keys()):
            out.append(Finding(Severity.ERROR, "MIGRATION_DRIFT_EXTRA", "", 0,
                               f"{database}: {kind} {name} exists but no applied migration creates it"))
        for name in sorted(want.keys() & have.keys()):
            if want[name] != have[name]:
                out.append(Finding(Severity.ERROR, "MIGRATION_DRIFT_DIFFERENT", "", 0,
                                   f"{database}: {kind} {name} is '{have[name]}', migrations say '{want[name]}'"))
    return out


def applied_sources(rows: dict[int, tracker.Row], files: list[Migration]) -> list[Migration]:
    """What ran on the database, oldest first: the tracker's text, files up to a baseline."""
    by_number = {mg.number: mg for mg in files}
    baseline = max((n for n, r in rows.items() if r.kind == "baseline"), default=None)
    out: list[Migration] = []
    if baseline is not None:
        out += [mg for mg in files if mg.number <= baseline and mg.number not in rows]
    for number in sorted(rows):
        row = rows[number]
        if row.kind == "baseline" and number in by_number:
            out.append(by_number[number])
        elif row.kind == "migration" and row.success:
            rel = f"sql/{row.version}_{row.name}.sql"
            mg, _ = parse_migration(row.script, PurePosixPath(rel).name, rel)
            if mg is not None:
                out.append(mg)
    return sorted(out, key=lambda m: m.number)


def replay(conn: psycopg.Connection[Any], migrations: list[Migration]) -> None:
    """Run the up parts statement by statement in autocommit (CONCURRENTLY needs it)."""
    from workbench.sqltext import split_statements

    for mg in migrations:
        for st in split_statements(mg.up, mg.up_line):
            conn.execute(st.text)


def drift_report(root: Path, target: Target, files: list[Migration], *, timeout: float,
                 scratch_admin: str | None = None) -> DriftReport:
    from workbench.migrate.targets import open_connection
    from workbench.testing import create_database, drop_database

    report = DriftReport(target.name, target.display_url(root))
    url = ""
    try:
        url = target.resolve(root)
        with open_connection(url, timeout=timeout, application="workbench migrate drift") as conn:
            rows = tracker.read_rows(conn)
            if rows is None:
                report.error = "no workbench.schema_migrations here: nothing applied to compare with"
                return report
            live = snapshot(conn)
        if scratch_admin is None:
            from workbench.embedded import server_for

            scratch_admin = server_for(root).ensure_running()
        name, scratch_url = create_database(scratch_admin, prefix=f"wb_drift_{uuid.uuid4().hex[:4]}")
        try:
            with open_connection(scratch_url, timeout=timeout, application="workbench migrate drift") as sc:
                replay(sc, applied_sources(rows, files))
                expected = snapshot(sc)
        finally:
            drop_database(scratch_admin, name)
        report.findings = compare(expected, live, target.name)
    except WorkbenchError as exc:
        report.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - replay or catalog errors: one line, masked
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        report.error = scrub(text, url) if url else text
    return report
