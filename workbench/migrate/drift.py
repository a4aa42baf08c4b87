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

from workbench.contracts.migration_files import Migration, parse_migration
from workbench.database.live_schema import Snapshot
from workbench.database.urls import scrub
from workbench.errors import WorkbenchError, first_line
from workbench.findings import Finding, Severity
from workbench.migrate import tracker

if TYPE_CHECKING:
    import psycopg

    from workbench.migrate.targets import Target

@dataclass
class DriftReport:
    name: str
    url: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "url": self.url, "error": self.error,
                "findings": [f.to_json() for f in self.findings]}


def compare(expected: Snapshot, live: Snapshot, database: str) -> list[Finding]:
    """The live schema against what the migrations produce, one finding per difference."""
    from workbench.database.live_schema import changes

    out: list[Finding] = []
    for c in changes(expected, live):
        if c.change == "missing":
            rule, text = "MIGRATION_DRIFT_MISSING", f"{c.kind} {c.name} is missing (its migrations create it)"
        elif c.change == "extra":
            rule, text = "MIGRATION_DRIFT_EXTRA", f"{c.kind} {c.name} exists but no applied migration creates it"
        else:
            rule, text = "MIGRATION_DRIFT_DIFFERENT", f"{c.kind} {c.name} is '{c.after}', migrations say '{c.before}'"
        out.append(Finding(Severity.ERROR, rule, "", 0, f"{database}: {text}"))
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
    from workbench.contracts.sql_statements import split_statements

    for mg in migrations:
        for st in split_statements(mg.up, mg.up_line):
            conn.execute(st.text)


def drift_report(root: Path, target: Target, files: list[Migration], *, timeout: float,
                 scratch_admin: str | None = None) -> DriftReport:
    from workbench.database.live_schema import snapshot
    from workbench.database.scratch import create_database, drop_database
    from workbench.migrate.indexes import invalid_indexes
    from workbench.migrate.targets import open_connection

    report = DriftReport(target.name, target.display_url(root))
    url = ""
    try:
        if scratch_admin is not None:
            from workbench.migrate.guard import refuse_scratch_server

            refuse_scratch_server(root, scratch_admin, "--scratch-url")
        url = target.resolve(root)
        with open_connection(url, timeout=timeout, application="workbench migrate drift") as conn:
            rows = tracker.read_rows(conn)
            if rows is None:
                report.error = "no workbench.schema_migrations here: nothing applied to compare with"
                return report
            live = snapshot(conn)
            invalid = invalid_indexes(conn)
        if scratch_admin is None:
            from workbench.database.embedded import server_for

            scratch_admin = server_for(root).ensure_running()
        name, scratch_url = create_database(scratch_admin, prefix=f"wb_drift_{uuid.uuid4().hex[:4]}")
        try:
            with open_connection(scratch_url, timeout=timeout, application="workbench migrate drift") as sc:
                replay(sc, applied_sources(rows, files))
                expected = snapshot(sc)
        finally:
            drop_database(scratch_admin, name)
        report.findings = compare(expected, live, target.name) + [
            # Same definition as the migration's, so the catalogs compare equal: say it anyway.
            Finding(Severity.ERROR, "MIGRATION_DRIFT_INVALID_INDEX", "", 0,
                    f"{target.name}: index {ix.qualified} on {ix.table} is INVALID (an interrupted or failed "
                    "CREATE INDEX CONCURRENTLY): queries do not use it")
            for ix in invalid]
    except WorkbenchError as exc:
        report.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - replay or catalog errors: one line, masked
        text = first_line(exc)
        report.error = scrub(text, url) if url else text
    return report
