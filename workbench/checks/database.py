"""Database checks on a real PostgreSQL: every migration applies in order on a scratch
database, and each down part reverts its up part (schema after up+down equals the schema
before). The scratch database is created on the embedded server (or the `--url` server) and
dropped afterwards, also when something fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.findings import Finding, Severity
from workbench.migrations import Migration
from workbench.model import Model
from workbench.sqltext import SqlSyntaxError, split_statements


def admin_url_for(root: Path, url: str | None) -> str:
    if url:
        return url
    from workbench.embedded import server_for

    return server_for(root).ensure_running()


def server_version(admin_url: str, *, timeout: float = 3.0) -> str:
    """The server's PostgreSQL version as squawk's --pg-version wants it ("17.2"); DatabaseError when
    unreachable."""
    from workbench.dburl import connect

    with connect(admin_url, timeout=timeout, application="workbench check") as conn:
        num = conn.info.server_version
    return f"{num // 10000}.{num % 10000}" if num >= 100000 else f"{num // 10000}.{num // 100 % 100}"


def check(model: Model, admin_url: str, *, timeout: float = 3.0, cache: bool = True) -> list[Finding]:
    """Findings of applying and reverting the migrations; DatabaseError when unreachable.

    With `cache`, only what changed since the last verified run on this server is tried
    (`workbench.checks.db_cache`): nothing at all when no migration changed.
    """
    from workbench.checks import db_cache
    from workbench.dburl import connect

    migrations = model.migrations
    current = db_cache.chain(migrations)
    with connect(admin_url, timeout=timeout, application="workbench check") as admin:
        version = admin.info.server_version
        record = db_cache.load(model.root, admin_url) if cache else None
        proven = db_cache.verified_prefix(record, current, version)
        if record is not None and proven == len(current) == len(record.chain):
            return []  # every migration's round trip is proven on this server, as the files are now
        template = "template0"
        start = 0
        if record is not None and record.template_prefix and proven >= record.template_prefix and \
                admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [record.template]).fetchone():
            template, start = record.template, record.template_prefix
        if template != "template0" and start == proven == len(migrations) - 1 and migrations[-1].transactional:
            # Editing the newest migration: try it inside the template itself, in a transaction that
            # is always rolled back (no database to copy or drop). A failure is confirmed the
            # ordinary way below, so a quirk of the single transaction is never reported.
            from workbench.scratch import database_url

            try:
                tried = _try_rolled_back(database_url(admin_url, template), migrations[-1], timeout)
            except Exception:  # noqa: BLE001 - busy, gone, refused: the ordinary way decides
                tried = None
            if tried == []:
                db_cache.save(model.root, admin_url, db_cache.Record(version, tuple(current), template, start))
                return []
        run = _Run(model, admin, admin_url, timeout, record, current, version, cache)
        return run.start(template, start, proven)


def _try_rolled_back(url: str, mg: Migration, timeout: float) -> list[Finding] | None:
    """The up and down of `mg` inside one transaction that is rolled back whatever happens."""
    import psycopg

    from workbench.dburl import connect

    with connect(url, timeout=timeout, application="workbench check") as conn, \
            conn.transaction(force_rollback=True):
        findings, applied, before = apply_ups(conn, [], [mg])
        if not findings:
            try:  # what COMMIT would check after the up: deferred constraints
                conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
            except psycopg.Error:
                return None
        findings += revert(conn, applied, before)
    return findings


class _Run:
    """One database check over an open admin connection (creating and dropping databases on it)."""

    def __init__(self, model: Model, admin: Any, admin_url: str, timeout: float, record: Any, current: list[str],
                 version: int, cache: bool) -> None:
        self.model, self.admin, self.admin_url, self.timeout = model, admin, admin_url, timeout
        self.record, self.current, self.version, self.cache = record, current, version, cache

    def start(self, template: str, start: int, proven: int) -> list[Finding]:
        """From `template` (the state after `start` migrations): replay the proven ones up to
        `proven`, try the rest; keep the state before the newest migration as the next template."""
        import uuid

        from workbench.scratch import create_on

        name = f"wb_check_{uuid.uuid4().hex[:10]}"
        try:
            create_on(self.admin, name, template, wal_log=True)
        except Exception as exc:  # noqa: BLE001 - any refusal becomes one clear finding
            if template != "template0":  # the template is busy or gone: start from nothing
                return self.start("template0", 0, proven)
            return [Finding(Severity.ERROR, "DB_SCRATCH", "", 0,
                            f"cannot create a scratch database to try the migrations: {_pg_message(exc)}")]
        try:
            findings, new_template = self._apply(name, template, start, proven)
        finally:
            self._drop(name)
        self._remember(findings, new_template)
        return findings

    def _apply(self, name: str, template: str, start: int, proven: int) -> tuple[list[Finding], str]:
        from workbench.checks import db_cache
        from workbench.dburl import connect
        from workbench.scratch import database_url

        migrations = self.model.migrations
        url = database_url(self.admin_url, name)
        keep = len(migrations) - 1  # the template to keep: the state before the newest migration
        new_template = template if start == keep and template != "template0" else ""
        cut = keep if self.cache and keep > start and keep > 0 else len(migrations)
        findings: list[Finding] = []
        applied: list[Migration] = []
        before: list[dict[str, dict[str, str]]] = []
        conn = connect(url, timeout=self.timeout, application="workbench check")
        try:
            # up to the template point, then on (a database is copied while nobody is connected to it)
            for lo, hi in ((start, cut), (cut, len(migrations))):
                if findings or lo >= hi:
                    continue
                if conn.closed:
                    conn = connect(url, timeout=self.timeout, application="workbench check")
                more, done, states = apply_ups(conn, migrations[lo:min(hi, proven)] if lo < proven else [],
                                               migrations[max(lo, proven):hi])
                findings += more
                applied += done
                before += states
                if not findings and hi == keep and not new_template:
                    conn.close()
                    new_template = self._copy(name, db_cache.template_name(self.current[keep - 1], self.version,
                                                                           self.model.root))
            if conn.closed:
                conn = connect(url, timeout=self.timeout, application="workbench check")
            findings += revert(conn, applied, before)
        finally:
            conn.close()
        return findings, new_template

    def _copy(self, scratch: str, name: str) -> str:
        """The scratch database (nobody connected) copied to `name`; "" when the server refuses
        (the next run is then just not faster)."""
        import psycopg

        from workbench.scratch import create_on

        try:
            self._drop(name)  # a killed run's leftover
            create_on(self.admin, name, scratch, wal_log=True)
        except psycopg.Error:
            return ""
        return name

    def _drop(self, name: str) -> None:
        from workbench.scratch import drop_on

        drop_on(self.admin, name)

    def _remember(self, findings: list[Finding], new_template: str) -> None:
        from workbench.checks import db_cache

        old = self.record.template if self.record is not None else ""
        if not findings and self.cache:
            keep = len(self.model.migrations) - 1
            db_cache.save(self.model.root, self.admin_url,
                          db_cache.Record(self.version, tuple(self.current), new_template, keep if new_template else 0))
            if old and old != new_template:
                self._drop(old)
        elif new_template and new_template != old:
            self._drop(new_template)


def apply_and_revert(conn: Any, migrations: list[Migration]) -> list[Finding]:
    findings, applied, before = apply_ups(conn, [], migrations)
    return findings + revert(conn, applied, before)


def apply_ups(conn: Any, replay: list[Migration], to_check: list[Migration]
              ) -> tuple[list[Finding], list[Migration], list[dict[str, dict[str, str]]]]:
    """Apply `replay` (proven already: no snapshots), then `to_check` in order, remembering the
    schema before each; stops at the first failure."""
    from workbench.pgschema import snapshot

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
    from workbench.pgschema import differences, snapshot

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

    rule = "SQL_SYNTAX"
    try:
        statements = split_statements(text, base_line)
    except SqlSyntaxError as exc:
        return Finding(Severity.ERROR, rule, mg.rel, exc.line, exc.message, exc.column)
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
    text = primary or str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text
