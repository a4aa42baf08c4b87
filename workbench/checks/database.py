"""Database checks on a real PostgreSQL: every migration applies in order on a scratch
database, and each down part reverts its up part (schema after up+down equals the schema
before). The scratch database is created on the embedded server (or the `--url` server) and
dropped afterwards, also when something fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.contracts.migration_files import Migration
from workbench.contracts.model import Model
from workbench.contracts.sql_statements import SqlSyntaxError
from workbench.errors import first_line
from workbench.findings import Finding, Severity


def admin_url_for(root: Path, url: str | None) -> str:
    if url:
        from workbench.migrate.guard import refuse_scratch_server

        refuse_scratch_server(root, url, "--url")
        return url
    from workbench.database.embedded import server_for

    return server_for(root).ensure_running()


def server_version(admin_url: str, *, timeout: float = 3.0) -> str:
    """The server's PostgreSQL version as squawk's --pg-version wants it ("17.2"); DatabaseError when
    unreachable."""
    from workbench.database.urls import connect

    with connect(admin_url, timeout=timeout, application="workbench check") as conn:
        num = conn.info.server_version
    return f"{num // 10000}.{num % 10000}" if num >= 100000 else f"{num // 10000}.{num // 100 % 100}"


def check(model: Model, admin_url: str, *, timeout: float = 3.0, cache: bool = True) -> list[Finding]:
    """Findings of applying and reverting the migrations; DatabaseError when unreachable.

    With `cache`, only what changed since the last verified run on this server is tried
    (`workbench.checks.db_cache`): nothing at all when no migration changed, only the newest
    when only it changed. A finding is only ever reported from a run that started from an
    empty database, never from a kept template.
    """
    from workbench.checks import db_cache
    from workbench.database.urls import connect

    migrations = model.migrations
    current = db_cache.chain(migrations)
    with connect(admin_url, timeout=timeout, application="workbench check") as admin:
        version = admin.info.server_version
        record = db_cache.load(model.root, admin_url) if cache else None
        proven = db_cache.verified_prefix(record, current, version)
        if record is not None and proven == len(current) == len(record.chain):
            return []  # every migration's round trip is proven on this server, as the files are now
        run = _Run(model, admin, admin_url, timeout, record, current, version, cache)
        template, start = "template0", 0
        if record is not None and record.template_prefix and proven >= record.template_prefix and \
                admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [record.template]).fetchone():
            template, start = record.template, record.template_prefix
        if template != "template0" and start == proven == len(migrations) - 1:
            # Only the newest migration changed (the one being written): try it in the template
            # itself; it comes back to the same schema, or the template is dropped.
            if run.in_place(template, migrations[-1]):
                return []
            template, start = "template0", 0
        findings = run.start(template, start, proven)
        if findings and template != "template0":  # confirmed from nothing before it is reported
            findings = run.start("template0", 0, proven)
        return findings


class _Run:
    """One database check over an open admin connection (creating and dropping databases on it)."""

    def __init__(self, model: Model, admin: Any, admin_url: str, timeout: float, record: Any, current: list[str],
                 version: int, cache: bool) -> None:
        self.model, self.admin, self.admin_url, self.timeout = model, admin, admin_url, timeout
        self.record, self.current, self.version, self.cache = record, current, version, cache

    def _connect(self, name: str) -> Any:
        from workbench.database.scratch import database_url
        from workbench.database.urls import connect

        return connect(database_url(self.admin_url, name), timeout=self.timeout, application="workbench check")

    def in_place(self, template: str, mg: Migration) -> bool:
        """`mg`'s round trip inside the template (the state before it); True when it held. Else the
        template is dropped: nothing is reported from here."""
        from workbench.checks import db_cache

        try:
            with self._connect(template) as conn:
                ok = _round_trip(conn, mg) == []
        except Exception:  # noqa: BLE001 - busy, gone, refused: the ordinary way decides
            ok = False
        if ok:
            db_cache.save(self.model.root, self.admin_url, db_cache.Record(
                self.version, tuple(self.current), template, len(self.current) - 1))
        else:
            self._drop(template)
            db_cache.save(self.model.root, self.admin_url, None)
        return ok

    def start(self, template: str, start: int, proven: int) -> list[Finding]:
        """From `template` (the state after `start` migrations): replay the proven ones up to
        `proven`, try the rest, each up then down then up again; keep the database, which then
        holds the state before the newest migration, as the next run's template."""
        import uuid

        from workbench.database.scratch import create_on

        name = f"wb_check_{uuid.uuid4().hex[:10]}"
        try:
            create_on(self.admin, name, template, wal_log=True)
        except Exception as exc:  # noqa: BLE001 - any refusal becomes one clear finding
            if template != "template0":  # the template is busy or gone: start from nothing
                return self.start("template0", 0, proven)
            return [Finding(Severity.ERROR, "DB_SCRATCH", "", 0,
                            f"cannot create a scratch database to try the migrations: {_pg_message(exc)}")]
        kept = ""
        migrations = self.model.migrations
        prefix = 0
        try:
            with self._connect(name) as conn:
                findings, _, _ = apply_ups(conn, migrations[start:proven], [])
                for i in range(proven, len(migrations)):
                    if findings:
                        break
                    findings += _round_trip(conn, migrations[i], again=i < len(migrations) - 1)
            # the newest migration tried ends reverted: the state before it; else all were replayed
            prefix = len(migrations) - 1 if proven < len(migrations) else len(migrations)
            if not findings and self.cache and prefix > 0:
                kept = self._keep(name, prefix)
        finally:
            if not kept:
                self._drop(name)
        self._remember(findings, kept, prefix)
        return findings

    def _keep(self, scratch: str, prefix: int) -> str:
        """The scratch database (the state after `prefix` migrations) renamed into the template (no
        copy); "" when the server refuses."""
        import psycopg
        from psycopg import sql

        from workbench.checks import db_cache

        name = db_cache.template_name(self.current[prefix - 1], self.version, self.model.root)
        try:
            self._drop(name)  # the previous template of the same state, or a killed run's leftover
            self.admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(scratch), sql.Identifier(name)))
        except psycopg.Error:
            return ""
        return name

    def _drop(self, name: str) -> None:
        from workbench.database.scratch import drop_on

        drop_on(self.admin, name)

    def _remember(self, findings: list[Finding], kept: str, prefix: int) -> None:
        from workbench.checks import db_cache

        if findings or not self.cache:
            return
        old = self.record.template if self.record is not None else ""
        db_cache.save(self.model.root, self.admin_url, db_cache.Record(
            self.version, tuple(self.current), kept, prefix if kept else 0))
        if old and old != kept:
            self._drop(old)


def _round_trip(conn: Any, mg: Migration, *, again: bool = False) -> list[Finding]:
    """Up, then down back to the schema before, then (`again`) up once more to go on from there.

    A transactional migration that is not applied again is tried in a transaction rolled back
    whatever happens; only a failure there is tried again for real, so the message is the one
    the runner would give."""
    if mg.transactional and not again:
        import psycopg

        try:
            with conn.transaction(force_rollback=True):
                findings, applied, before = apply_ups(conn, [], [mg])
                if not findings:
                    conn.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would check
                    findings += revert(conn, applied, before)
        except psycopg.Error:
            findings = [Finding(Severity.ERROR, "MIGRATION_APPLY", mg.rel, mg.up_line, "deferred check failed")]
        if not findings:
            return []
    findings, applied, before = apply_ups(conn, [], [mg])
    findings += revert(conn, applied, before)
    if findings or not again:
        return findings
    failure = run_part(conn, mg, mg.up, mg.up_line)
    if failure:
        return [Finding(failure.severity, failure.rule, failure.file, failure.line,
                        failure.message.replace("up failed", "up failed when applied again after its down", 1),
                        failure.column)]
    return []


def apply_and_revert(conn: Any, migrations: list[Migration]) -> list[Finding]:
    findings, applied, before = apply_ups(conn, [], migrations)
    return findings + revert(conn, applied, before)


def apply_ups(conn: Any, replay: list[Migration], to_check: list[Migration]
              ) -> tuple[list[Finding], list[Migration], list[dict[str, dict[str, str]]]]:
    """Apply `replay` (proven already: no snapshots), then `to_check` in order, remembering the
    schema before each; stops at the first failure."""
    from workbench.database.live_schema import snapshot

    for mg in replay:
        failure = run_part(conn, mg, mg.up, mg.up_line)
        if failure:
            return [failure], [], []
    findings: list[Finding] = []
    before: list[dict[str, dict[str, str]]] = []
    applied: list[Migration] = []
    for mg in to_check:
        state = snapshot(conn)
        failure = run_part(conn, mg, mg.up, mg.up_line)
        if failure:
            findings.append(failure)
            break  # later migrations build on this one
        before.append(state)
        applied.append(mg)
    return findings, applied, before


def revert(conn: Any, applied: list[Migration], before: list[dict[str, dict[str, str]]]) -> list[Finding]:
    """Each down part, newest first, must bring the schema back to what it was before its up."""
    from workbench.database.live_schema import differences, snapshot

    findings: list[Finding] = []
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
        from workbench.checks.migration_lint import RUNNER_RULES

        p = problems[0]
        return Finding(Severity.ERROR, RUNNER_RULES.get(p.rule, p.rule), p.file, p.line, p.message)
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
