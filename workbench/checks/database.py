"""Database checks on a real PostgreSQL: every migration applies in order on a scratch
database, and each down part reverts its up part (schema after up+down equals the schema
before). The scratch database is created on the embedded server (or the `--url` server) and
dropped afterwards, also when something fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.errors import first_line
from workbench.findings import Finding, Severity
from workbench.migrations import Migration
from workbench.model import Model
from workbench.sqltext import SqlSyntaxError


def admin_url_for(root: Path, url: str | None) -> str:
    if url:
        from workbench.migrate.guard import refuse_scratch_server

        refuse_scratch_server(root, url, "--url")
        return url
    from workbench.embedded import server_for

    return server_for(root).ensure_running()


def check(model: Model, admin_url: str, *, timeout: float = 3.0) -> list[Finding]:
    """Findings of applying and reverting every migration; DatabaseError when unreachable."""
    from workbench.dburl import connect
    from workbench.scratch import create_database, drop_database

    try:
        name, url = create_database(admin_url, "wb_check", timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - any refusal becomes one clear finding
        from workbench.errors import DatabaseError

        if isinstance(exc, DatabaseError):
            raise  # unreachable server: the one-line error, exit 2
        return [Finding(Severity.ERROR, "DB_SCRATCH", "", 0,
                        f"cannot create a scratch database to try the migrations: {_pg_message(exc)}")]
    try:
        with connect(url, timeout=timeout, application="workbench check") as conn:
            return apply_and_revert(conn, model.migrations)
    finally:
        drop_database(admin_url, name, timeout=timeout)


def apply_and_revert(conn: Any, migrations: list[Migration]) -> list[Finding]:
    from workbench.pgschema import differences, snapshot

    findings: list[Finding] = []
    before: list[dict[str, dict[str, str]]] = []
    applied: list[Migration] = []
    for mg in migrations:
        state = snapshot(conn)
        failure = run_part(conn, mg, mg.up, mg.up_line)
        if failure:
            findings.append(failure)
            break  # later migrations build on this one
        before.append(state)
        applied.append(mg)
    for mg, state in zip(reversed(applied), reversed(before), strict=True):
        if not mg.down.strip():
            continue  # reported by the loader (MIGRATION_NO_DOWN)
        failure = run_part(conn, mg, mg.down, mg.down_line, part="down")
        if failure:
            findings.append(failure)
            break
        diff = differences(state, snapshot(conn))
        if diff:
            shown = "; ".join(diff[:5]) + (f"; and {len(diff) - 5} more" if len(diff) > 5 else "")
            findings.append(Finding(Severity.ERROR, "MIGRATION_DOWN_MISMATCH", mg.rel, mg.down_line,
                                    f"the down part does not revert the up part: {shown}"))
            break
    return findings


def run_part(conn: Any, mg: Migration, text: str, base_line: int, part: str = "up") -> Finding | None:
    """Run one part statement by statement (so an error has its line); None when it succeeded."""
    import psycopg

    from workbench.migrate.runner import unrunnable
    from workbench.migrate.statements import analyse

    rule = "SQL_SYNTAX"
    try:
        analysed = analyse(text, base_line)
    except SqlSyntaxError as exc:
        return Finding(Severity.ERROR, rule, mg.rel, exc.line, exc.message, exc.column)
    problems = unrunnable(mg, analysed, part)
    if problems:
        # The runner would refuse it (the lint reports the same finding): never send it, a
        # COPY ... FROM STDIN would leave the connection waiting for data.
        p = problems[0]
        return Finding(Severity.ERROR, p.rule, p.file, p.line, p.message)
    statements = [a.statement for a in analysed]
    rule = "MIGRATION_APPLY" if part == "up" else "MIGRATION_DOWN_FAILED"
    current = None
    try:
        if mg.transactional:
            with conn.transaction():
                for current in statements:
                    conn.execute(current.text, prepare=False)
        else:
            for current in statements:
                conn.execute(current.text, prepare=False)
    except psycopg.Error as exc:
        line = current.line if current else base_line
        col = current.column if current else 0
        return Finding(Severity.ERROR, rule, mg.rel, line, f"{part} failed: {_pg_message(exc)}", col)
    return None


def _pg_message(exc: BaseException) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag else None
    return primary or first_line(exc)
