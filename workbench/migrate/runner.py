"""Applying and reverting migrations on one database: up, down, reset, baseline, resolve.

`execute()` is the one entry point the CLI and the TUI share: it refuses writes to read-only
databases, connects, asks for confirmation where data can be lost (typed for protected ones),
takes the advisory lock, and only then reads the tracker, so a runner that waited for another
one finds the work done.

Transactions: each transactional migration runs in its own transaction with `lock_timeout`
and records itself in the tracker inside it, so a failure or a kill leaves nothing behind. A
file marked `-- migrate:up transaction:false` runs statement by statement, in both directions,
and records each one as it completes (the up part in its tracker row, the down part in a
rollback record); after a failure the next `up` (or `down`) resumes at the failed statement,
first dropping an INVALID index an interrupted `CREATE INDEX CONCURRENTLY` left behind.
Nothing is recorded before the first statement can run: the options are checked with the
server first.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from workbench.contracts.migration_files import Migration, parse_migration
from workbench.contracts.sql_statements import SqlSyntaxError, line_col
from workbench.database.urls import scrub
from workbench.errors import UsageError, WorkbenchError, first_line
from workbench.migrate import events, guard, indexes, lock, tracker
from workbench.migrate.events import OnMigrateEvent
from workbench.migrate.status import RUNNABLE, State, migration_states, owned_versions, tracker_version
from workbench.migrate.targets import Target
from workbench.readonly import refuse_writes

if TYPE_CHECKING:
    import psycopg

    from workbench.migrate.statements import Analysed

WRITES = ("up", "down", "reset", "baseline", "resolve", "protect", "unprotect")
DESTRUCTIVE = ("down", "reset", "resolve", "unprotect")
EVERYTHING = "-1"  # `down(to=EVERYTHING)`: what reset rolls back (no version is applied as -1)
MIGRATES = ("up", "down", "reset", "baseline")  # run migrations' statements under lock_timeout


@dataclass(frozen=True)
class Options:
    lock_timeout: str = "5s"  # PostgreSQL lock_timeout for each migration's statements
    lock_wait: float = 60.0  # seconds to wait for another runner's advisory lock
    connect_timeout: float = 3.0
    yes: bool = False
    confirm: str | None = None  # the database name typed back (`--confirm NAME`)
    out_of_order: bool = False
    read_only: bool = False  # `protect --read-only`: store the read-only mark as well


@dataclass(frozen=True)
class Failure:
    version: str
    file: str
    line: int
    column: int
    message: str
    statement: str = ""
    part: str = "up"  # "up" or "down": which part of the migration failed

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")

    def to_json(self) -> dict[str, object]:
        return {"version": self.version, "file": self.file, "line": self.line, "column": self.column,
                "message": self.message, "statement": self.statement, "part": self.part}


@dataclass(frozen=True)
class Step:
    version: str
    name: str
    ms: int

    def to_json(self) -> dict[str, object]:
        return {"version": self.version, "name": self.name, "execution_ms": self.ms}


@dataclass
class RunResult:
    database: str
    url: str  # masked
    action: str
    applied: list[Step] = field(default_factory=list)
    reverted: list[Step] = field(default_factory=list)
    failure: Failure | None = None  # a statement failed
    error: str | None = None  # refused or could not run
    exit_code: int = 0
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.failure is None and self.error is None

    def to_json(self) -> dict[str, object]:
        return {"name": self.database, "url": self.url, "action": self.action, "ok": self.ok,
                "error": self.error, "failure": self.failure.to_json() if self.failure else None,
                "applied": [s.to_json() for s in self.applied],
                "reverted": [s.to_json() for s in self.reverted], "note": self.note}


class Refusal(Exception):
    """Nothing ran because the files or the tracker say it would be wrong (exit code 1)."""


def execute(root: Path, target: Target, files: list[Migration], action: str, *, options: Options,
            on_event: OnMigrateEvent, ask: Callable[[str], str] | None = None, to: str | None = None,
            steps: int | None = None, version: str | None = None, applied: bool = True) -> RunResult:
    """Run `action` on `target`; never raises for per-database problems (they are in the result)."""
    import psycopg

    result = RunResult(target.name, target.display_url(root), action)
    url = ""
    if steps is not None and steps < 1:
        raise UsageError(f"steps must be a positive number, not {steps}")  # the CLI refuses it first
    request = guard.Request(action, writes=action in WRITES, confirm=action in DESTRUCTIVE,
                            verb=_verb(action, version), guard_admin=action in ("protect", "unprotect"),
                            yes=options.yes, typed=options.confirm, ask=ask)
    try:
        if action in WRITES:
            refuse_writes(f"migrate {action}")
        guard.refuse_before_resolving(target, request)
        url = target.resolve(root)
        with guard.guarded_connection(root, target, url, request, timeout=options.connect_timeout,
                                      application=f"workbench migrate {action}") as (conn, guards):
            if conn.info.server_version >= 140000:
                # A killed runner's backend would otherwise finish its statement (and keep the
                # lock) before noticing; with this it aborts within a second.
                conn.execute("SELECT set_config('client_connection_check_interval', '1000', false)")

            def waiting(holder: lock.LockHolder | None) -> None:
                who = holder.describe() if holder else "another session"
                on_event(events.LockWaiting(target.name, who))

            if action in MIGRATES:
                check_lock_timeout(conn, options.lock_timeout)
            with lock.advisory_lock(conn, timeout=options.lock_wait, on_wait=waiting):
                runner = Runner(conn, files, target=target, options=options, on_event=on_event, result=result)
                if action == "up":
                    runner.up(to)
                elif action == "down":
                    runner.down(steps=steps, to=to)
                elif action == "reset":
                    runner.down(to=EVERYTHING)
                    if result.ok:
                        runner.up(None)
                elif action == "baseline":
                    runner.baseline(version or "")
                elif action == "resolve":
                    runner.resolve(version or "", applied=applied)
                elif action in ("protect", "unprotect"):
                    runner.protect(action == "protect", guards)
                else:
                    raise ValueError(action)
                if result.ok and action in ("up", "baseline", "reset"):
                    # Carry the protection into the database so a bare --url is guarded too.
                    guard.keep_marks(conn, guards)
    except Refusal as exc:
        result.error = str(exc)
        result.exit_code = 1
    except WorkbenchError as exc:
        result.error = str(exc)
        result.exit_code = exc.exit_code
    except (psycopg.Error, OSError) as exc:  # the database went away mid-run: one line, masked
        text = first_line(exc)
        result.error = scrub(text, url) if url else text
        result.exit_code = 1
    if result.failure is not None and result.exit_code == 0:
        result.exit_code = 1
    return result


def _is_applied(rows: dict[int, tracker.Row], number: int) -> bool:
    """An applied migration, or one a baseline counts as applied."""
    baseline = max((n for n, r in rows.items() if r.kind == "baseline"), default=None)
    row = rows.get(number)
    return (row is not None and row.success) or (baseline is not None and number <= baseline)
def check_lock_timeout(conn: psycopg.Connection[Any], value: str) -> None:
    """Refuse a lock_timeout the server rejects, before anything is run or recorded (exit 2)."""
    import psycopg

    try:
        with conn.transaction():
            conn.execute("SELECT set_config('lock_timeout', %s, true)", [value])
    except psycopg.Error as exc:
        diag = getattr(exc, "diag", None)
        why = (diag.message_primary if diag and diag.message_primary else str(exc).strip()) or type(exc).__name__
        raise UsageError(f"--lock-timeout {value!r} refused by the server: {why}") from None


def _verb(action: str, version: str | None) -> str:
    return {"down": "roll back migrations", "reset": "reset (revert every migration, then apply all)",
            "resolve": f"resolve migration {version}", "unprotect": "remove the protection"}.get(action, action)


class Runner:
    def __init__(self, conn: psycopg.Connection[Any], files: list[Migration], *, target: Target,
                 options: Options, on_event: OnMigrateEvent, result: RunResult) -> None:
        self.conn = conn
        self.files = files
        self.by_number = {mg.number: mg for mg in files}
        self.owned = owned_versions(target, files)
        self.target = target
        self.options = options
        self.log = on_event  # typed events (workbench.migrate.events): the CLI prints them, the TUI renders them
        self.result = result
        self.server_version = conn.info.server_version

    # -- up -------------------------------------------------------------------------------------
    def up(self, to: str | None) -> None:
        rows = tracker.read_rows(self.conn)
        self._refuse_half_rolled_back(rows or {})
        states = migration_states(self.files, rows, self.owned)
        edited = [s for s in states if s.state is State.CHECKSUM_MISMATCH]
        if edited:
            names = ", ".join(s.migration.rel for s in edited if s.migration)
            raise Refusal(f"edited after being applied: {names}; restore the applied text (see "
                          "`workbench migrate status` for the diff) or add a new migration")
        limit = int(to) if to is not None else None
        todo = [s for s in states if s.state in RUNNABLE and (limit is None or s.number <= limit)]
        late = [s for s in todo if s.state is State.OUT_OF_ORDER]
        if late and not self.options.out_of_order:
            raise Refusal(f"{', '.join(s.version for s in late)} older than applied migrations but not applied "
                          "(merged from another branch?); apply them anyway with --out-of-order")
        if not todo:
            self.result.note = "nothing to do: up to date"
            self.log(events.NothingToDo(self.target.name, "up"))
            return
        if rows is None and todo[0].version != tracker_version(self.files):
            raise Refusal("this database has no workbench.schema_migrations and no pending migration creates "
                          "it: add sql/000_migration_tracker.sql")
        # Refuse before anything runs: every pending file must parse and be runnable as marked.
        plans = {s.version: self._plan(s.migration, "up") for s in todo if s.migration}
        for st in todo:
            mg = st.migration
            assert mg is not None
            self.log(events.MigrationStarted(self.target.name, "up", mg.version, mg.name, mg.transactional))
            self._announce("up", mg)
            started = time.perf_counter()
            if mg.transactional:
                self._run_in_transaction(mg, plans[mg.version], st.row)
            else:
                self._run_outside(mg, plans[mg.version], st.row)
            if self.result.failure:
                return  # reported once, by the caller, with the statement
            ms = int((time.perf_counter() - started) * 1000)
            self.result.applied.append(Step(mg.version, mg.name, ms))
            self.log(events.MigrationDone(self.target.name, "up", mg.version, mg.name, ms))

    def _announce(self, action: str, mg: Migration) -> None:
        """Name the migration at work in the session's application_name (outside any transaction,
        so a rollback does not undo it): another session's `migrate status` reads it from
        pg_stat_activity to say which version is running (workbench/migrate/activity.py)."""
        from workbench.migrate.activity import APPLICATION_PREFIX

        label = f"{APPLICATION_PREFIX} {action} {mg.version} {mg.name}"[:63]  # NAMEDATALEN - 1
        self.conn.execute("SELECT set_config('application_name', %s, false)", [label])

    def _plan(self, mg: Migration, part: str) -> list[Analysed]:
        from workbench.migrate.statements import analyse

        sql, base = (mg.up, mg.up_line) if part == "up" else (mg.down, mg.down_line)
        try:
            stmts = analyse(sql, base, server_version=self.server_version)
        except SqlSyntaxError as exc:
            raise Refusal(f"{mg.rel}:{exc.line}:{exc.column}: {exc.message}") from None
        problems = unrunnable(mg, stmts, part)
        if problems:
            raise Refusal(str(problems[0]))
        return stmts

    def _run_in_transaction(self, mg: Migration, stmts: list[Analysed], row: tracker.Row | None) -> None:
        import psycopg

        started = time.perf_counter()
        current: Analysed | None = None
        try:
            with self.conn.transaction():
                self.conn.execute("SELECT set_config('lock_timeout', %s, true)", [self.options.lock_timeout])
                if row is not None:  # an earlier attempt failed and was rolled back: try again
                    tracker.delete_row(self.conn, mg.version)
                for a in stmts:
                    current = a
                    self.conn.execute(a.statement.text)
                current = None
                tracker.record_applied(self.conn, mg, int((time.perf_counter() - started) * 1000), len(stmts))
        except psycopg.Error as exc:
            failure = self._failure(mg, current, exc)
            self.result.failure = failure
            if tracker.exists(self.conn):
                tracker.record_failure(self.conn, mg, error=failure.message, statement=failure.statement,
                                       statements_done=0,
                                       execution_ms=int((time.perf_counter() - started) * 1000))

    def _run_outside(self, mg: Migration, stmts: list[Analysed], row: tracker.Row | None) -> None:
        import psycopg

        start = 0
        if row is not None and not row.success and row.statements_done:
            start = row.statements_done
            edited = already_ran_edited(mg, row, stmts)
            if edited:
                self.result.failure = Failure(mg.version, mg.rel, mg.up_line, 0, edited)
                return
            self.log(events.MigrationResumed(self.target.name, "up", mg.version, start + 1, len(stmts)))
        started = time.perf_counter()
        self.conn.execute("SELECT set_config('lock_timeout', %s, false)", [self.options.lock_timeout])
        try:
            tracker.record_started(self.conn, mg)  # a kill from here on leaves a row that says so
            for i in range(start, len(stmts)):
                a = stmts[i]
                try:
                    self._run_statement(a)
                except psycopg.Error as exc:
                    failure = self._failure(mg, a, exc)
                    self.result.failure = failure
                    tracker.record_failure(self.conn, mg, error=failure.message, statement=failure.statement,
                                           statements_done=i,
                                           execution_ms=int((time.perf_counter() - started) * 1000))
                    return
                tracker.record_progress(self.conn, mg.version, i + 1)
            tracker.record_applied(self.conn, mg, int((time.perf_counter() - started) * 1000), len(stmts))
        finally:
            if not self.conn.broken:
                self.conn.execute("SELECT set_config('lock_timeout', '0', false)")

    def _run_statement(self, a: Analysed) -> None:
        """One statement in autocommit; first drop what an interrupted run of it left behind."""
        for leftover in indexes.leftovers_of(self.conn, a.node):
            # `IF NOT EXISTS` (or REINDEX) would skip it and leave it unusable: rebuild it instead.
            self.log(events.InvalidIndexDropped(self.target.name, leftover.qualified, leftover.table))
            indexes.drop(self.conn, leftover)
        self.conn.execute(a.statement.text)

    def _failure(self, mg: Migration, a: Analysed | None, exc: Exception, part: str = "up") -> Failure:
        diag = getattr(exc, "diag", None)
        message = (diag.message_primary if diag and diag.message_primary else str(exc).strip()) or type(exc).__name__
        if diag and diag.message_detail:
            message += f" ({diag.message_detail})"
        sqlstate = getattr(exc, "sqlstate", None)
        if sqlstate:
            message += f" [SQLSTATE {sqlstate}]"
        if a is None:
            return Failure(mg.version, mg.rel, mg.up_line if part == "up" else mg.down_line, 0, message, part=part)
        line, column = a.statement.line, a.statement.column
        pos = diag.statement_position if diag else None
        if pos and pos.isdigit():
            offset = int(pos) - 1
            line, col_in = line_col(a.statement.text, offset, a.statement.line)
            column = col_in + (a.statement.column - 1 if line == a.statement.line else 0)
        if sqlstate == "55P03":  # lock_not_available: say who held what, not just "timeout"
            message = self._lock_timeout_message(a) or message
        return Failure(mg.version, mg.rel, line, column, message, a.statement.text, part)

    def _lock_timeout_message(self, a: Analysed) -> str:
        from workbench.migrate.statements import relations_in

        names = [n.rsplit(".", 1)[-1] for n in relations_in(a.node)]
        seconds = _seconds(self.options.lock_timeout)
        try:
            rows = self.conn.execute(
                "SELECT DISTINCT c.relname, l.pid, coalesce(a.application_name, ''), l.mode"
                " FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.granted AND l.pid <> pg_backend_pid() AND c.relname = ANY(%s) ORDER BY 1, 2",
                [names],
            ).fetchall()
        except Exception:  # noqa: BLE001 - the explanation is a bonus, the failure is reported anyway
            rows = []
        if not rows:
            on = f" on {', '.join(names)}" if names else ""
            return f"waited {seconds} for a lock{on} (lock_timeout); the holder has gone since"
        rel, pid, app, mode = rows[0]
        app = f", {app}" if app else ""
        more = f" (and {len(rows) - 1} more)" if len(rows) > 1 else ""
        return f"waited {seconds} for a lock on {rel} held by PID {pid} ({mode}{app}){more}"

    # -- down -----------------------------------------------------------------------------------
    def down(self, *, steps: int | None = None, to: str | None = None) -> None:
        rows = tracker.read_rows(self.conn) or {}
        applied = sorted((r for r in rows.values() if r.kind == "migration" and r.success),
                         key=lambda r: r.number, reverse=True)
        # A migration stopped half-way (statements done, not all, or killed inside one) leaves a
        # schema no down part was written for; a failed one that ran nothing is harmless.
        halfway = [r.version for r in rows.values() if not r.success and (r.statements_done > 0 or not r.error)]
        if halfway:
            raise Refusal(f"{', '.join(halfway)} stopped half-way: finish it with `up` or "
                          "`resolve` before rolling back")
        if steps is not None and steps < 1:
            raise UsageError(f"steps must be a positive number, not {steps}")
        if to is not None and to != EVERYTHING and not _is_applied(rows, int(to)):
            raise UsageError(f"--to {to}: that version is not applied here (`workbench migrate status` lists them)")
        # A down part stopped half-way is always the newest applied one (down goes newest
        # first and stops at a failure): it is the first victim, resumed where it stopped.
        half_down = [r for r in applied if r.rollback is not None]
        if half_down and half_down[0] is not applied[0]:
            raise Refusal(f"{half_down[0].version} is partially rolled back but newer migrations are applied: "
                          f"run `resolve {half_down[0].version} --applied` or `--rolled-back` first")
        victims = [r for r in applied if r.number > int(to)] if to is not None else applied[:steps or 1]
        if not victims:
            self.result.note = "nothing to roll back"
            self.log(events.NothingToDo(self.target.name, "down"))
            return
        sources = [self._applied_source(r) for r in victims]
        plans = [self._plan(mg, "down") for mg in sources]
        for row, mg, stmts in zip(victims, sources, plans, strict=True):
            self.log(events.MigrationStarted(self.target.name, "down", mg.version, mg.name, mg.transactional))
            self._announce("down", mg)
            started = time.perf_counter()
            if mg.transactional:
                self._revert_in_transaction(mg, stmts)
            else:
                self._revert_outside(mg, stmts, row.rollback)
            if self.result.failure:
                return
            ms = int((time.perf_counter() - started) * 1000)
            self.result.reverted.append(Step(mg.version, mg.name, ms))
            self.log(events.MigrationDone(self.target.name, "down", mg.version, mg.name, ms))

    def _refuse_half_rolled_back(self, rows: dict[int, tracker.Row]) -> None:
        half = sorted(r.version for r in rows.values() if r.rollback is not None)
        if half:
            raise Refusal(f"{', '.join(half)} partially rolled back: finish with `down` (resumes at the failed "
                          f"statement) or `resolve {half[0]} --applied` / `--rolled-back` before `up`")

    def _applied_source(self, row: tracker.Row) -> Migration:
        """The migration whose down part undoes what was applied.

        The tracker keeps the applied text. The file's down part is used instead when only the
        down part was edited since (a broken down part fixed in the file), never when the up
        part changed: that down would undo something else.
        """
        rel = self.by_number[row.number].rel if row.number in self.by_number else f"sql/{row.version}_{row.name}.sql"
        mg, _ = parse_migration(row.script, PurePosixPath(rel).name, rel)
        if mg is None:
            raise Refusal(f"the applied text of {row.version} in the tracker cannot be parsed")
        now = self.by_number.get(row.number)
        if now is not None and now.down != mg.down and _same_sql(now.up, mg.up) and now.down.strip():
            self.log(events.EditedDownUsed(self.target.name, row.version, rel))
            mg = now
        if not mg.down.strip():
            raise Refusal(f"{rel} has no '-- migrate:down' part: it cannot be rolled back")
        return mg

    def _revert_in_transaction(self, mg: Migration, stmts: list[Analysed]) -> None:
        import psycopg

        current: Analysed | None = None
        try:
            with self.conn.transaction():
                self.conn.execute("SELECT set_config('lock_timeout', %s, true)", [self.options.lock_timeout])
                # Delete the row first: the tracker migration's own down drops the tracker.
                tracker.delete_row(self.conn, mg.version)
                for a in stmts:
                    current = a
                    self.conn.execute(a.statement.text)
        except psycopg.Error as exc:
            self.result.failure = self._failure(mg, current, exc, part="down")

    def _revert_outside(self, mg: Migration, stmts: list[Analysed], progress: tracker.Rollback | None) -> None:
        """Statement by statement, recording progress exactly as `_run_outside` does for an up."""
        import psycopg

        start = progress.statements_done if progress else 0
        if progress is not None and start:
            edited = down_ran_edited(mg, progress, stmts)
            if edited:
                self.result.failure = Failure(mg.version, mg.rel, mg.down_line, 0, edited, part="down")
                return
            self.log(events.MigrationResumed(self.target.name, "down", mg.version, min(start + 1, len(stmts)),
                                             len(stmts)))
        self.conn.execute("SELECT set_config('lock_timeout', %s, false)", [self.options.lock_timeout])
        try:
            tracker.record_rollback(self.conn, mg.version, tracker.Rollback(start, down=mg.down))
            for i in range(start, len(stmts)):
                a = stmts[i]
                try:
                    self._run_statement(a)
                except psycopg.Error as exc:
                    failure = self._failure(mg, a, exc, part="down")
                    self.result.failure = failure
                    if i == 0 and progress is None:
                        # Nothing of the down part ran: the migration is simply still applied. (Not
                        # on a retry after a kill: its first statement may have completed then.)
                        tracker.clear_rollback(self.conn, mg.version)
                    else:
                        tracker.record_rollback(self.conn, mg.version, tracker.Rollback(
                            i, failure.message, failure.statement, mg.down))
                    return
                tracker.record_rollback(self.conn, mg.version, tracker.Rollback(i + 1, down=mg.down))
            if tracker.exists(self.conn):
                tracker.finish_rollback(self.conn, mg.version)
        finally:
            if not self.conn.broken:
                self.conn.execute("SELECT set_config('lock_timeout', '0', false)")

    # -- baseline, resolve, protect ------------------------------------------------------------
    def baseline(self, version: str) -> None:
        if not version.isdigit():
            raise Refusal(f"baseline needs a version number, not {version!r}")
        rows = tracker.read_rows(self.conn)
        tv = tracker_version(self.files)
        if rows is None:
            if tv is None:
                raise Refusal("no migration creates workbench.schema_migrations: add sql/000_migration_tracker.sql")
            self.up(tv)
            if not self.result.ok:
                return
            rows = tracker.read_rows(self.conn) or {}
        others = [r for r in rows.values() if tv is None or r.number != int(tv)]
        if others:
            raise Refusal(f"baseline is for a database with no migrations applied yet; this one has "
                          f"{', '.join(r.version for r in sorted(others, key=lambda r: r.number))}")
        mg = self.by_number.get(int(version))
        from workbench.contracts.migration_files import checksum

        tracker.record_baseline(self.conn, mg.version if mg else version, mg.name if mg else "baseline",
                                mg.checksum if mg else checksum(""), mg.text if mg else "")
        self.result.note = f"baseline {version}: older migrations count as applied"
        self.log(events.TrackerChanged(self.target.name, f"baseline at {version}"))

    def resolve(self, version: str, *, applied: bool) -> None:
        rows = tracker.read_rows(self.conn) or {}
        row = rows.get(int(version)) if version.isdigit() else None
        if row is not None and row.rollback is not None:
            if applied:  # what the rollback undid was restored by hand
                tracker.clear_rollback(self.conn, row.version)
                self.result.note = f"{version} marked applied (its stopped rollback is forgotten)"
            else:  # the rest of the down part was done by hand
                tracker.finish_rollback(self.conn, row.version)
                self.result.note = f"{version} marked rolled back (pending again)"
            self.log(events.TrackerChanged(self.target.name, self.result.note))
            return
        if row is None or row.success:
            raise Refusal(f"{version} has not failed here: nothing to resolve")
        if applied:
            mg = self.by_number.get(row.number)
            if mg is None:
                raise Refusal(f"no file for {version}: cannot record it as applied")
            try:
                count = len(self._plan(mg, "up"))
            except Refusal:
                count = row.statements_done
            tracker.mark_resolved(self.conn, mg, count)
            self.result.note = f"{version} marked applied"
        else:
            tracker.delete_row(self.conn, row.version)
            self.result.note = f"{version} marked rolled back (pending again)"
        self.log(events.TrackerChanged(self.target.name, self.result.note))

    def protect(self, on: bool, guards: guard.Guards) -> None:
        if on:
            marks = {guard.PROTECTED} | ({guard.READ_ONLY} if guards.read_only or self.options.read_only else set())
            guard.write_marks(self.conn, marks)
            self.result.note = "marked " + " and ".join(m.replace("_", "-") for m in sorted(marks))
        else:
            guard.clear_marks(self.conn)
            self.result.note = "protection marks removed"
        self.log(events.TrackerChanged(self.target.name, self.result.note))


@dataclass(frozen=True)
class Problem:
    """Why a file cannot run as written: a rule ID and a location (the lint shows it as a finding)."""

    rule: str
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def unrunnable(mg: Migration, stmts: list[Analysed], part: str = "up") -> list[Problem]:
    """Why this part of the file cannot run as marked ([] when it can)."""
    out = []
    for a in stmts:
        line = a.statement.line
        if a.transaction_control:
            out.append(Problem("MIGRATION_TRANSACTION_MODE", mg.rel, line,
                               f"transaction control ({a.statement.text.split()[0].upper()}) in a migration; "
                               "the runner manages transactions (use `-- migrate:up transaction:false` instead)"))
        elif a.no_transaction and mg.transactional:
            out.append(Problem("MIGRATION_TRANSACTION_MODE", mg.rel, line,
                               f"{a.no_transaction} cannot run inside a transaction; mark the file "
                               "`-- migrate:up transaction:false` (and keep such statements in a file of their own)"))
        elif a.client_copy:
            out.append(Problem("MIGRATION_CLIENT_COPY", mg.rel, line,
                               f"{a.client_copy} in the {part} part needs a client to send or receive the data, "
                               "and a migration has none; load data with INSERT ... SELECT, COPY from a server "
                               "file, or a seed fixture (`workbench seed`)"))
    return out


def already_ran_edited(mg: Migration, row: tracker.Row, stmts: list[Analysed]) -> str:
    """"" when the statements a partial run completed are unchanged in the file, else why not."""
    from workbench.contracts.sql_statements import split_statements

    done = row.statements_done
    old, _ = parse_migration(row.script, PurePosixPath(mg.rel).name, mg.rel)
    try:
        before = [s.text for s in split_statements(old.up, old.up_line)[:done]] if old else None
    except SqlSyntaxError:
        before = None
    now = [a.statement.text for a in stmts[:done]]
    if before == now:
        return ""
    return (f"statements 1-{done} of {mg.version} already ran but were edited since; restore them, or "
            f"finish by hand and run `workbench migrate resolve {mg.version} --applied` (or --rolled-back)")


def down_ran_edited(mg: Migration, progress: tracker.Rollback, stmts: list[Analysed]) -> str:
    """"" when the down statements a stopped rollback completed are unchanged, else why not."""
    from workbench.contracts.sql_statements import split_statements

    done = progress.statements_done
    try:
        before = [s.text for s in split_statements(progress.down)[:done]] if progress.down else None
    except SqlSyntaxError:
        before = None
    if before == [a.statement.text for a in stmts[:done]]:
        return ""
    return (f"statements 1-{done} of the down part of {mg.version} already ran but were edited since; restore "
            f"them, or finish by hand and run `workbench migrate resolve {mg.version} --rolled-back` (or --applied)")


def _same_sql(a: str, b: str) -> bool:
    """Two parts with the same statements (comments and layout aside)."""
    from workbench.contracts.sql_statements import split_statements

    try:
        return [s.text for s in split_statements(a)] == [s.text for s in split_statements(b)]
    except SqlSyntaxError:
        return a.strip() == b.strip()


def _seconds(lock_timeout: str) -> str:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|min)?\s*", lock_timeout)
    if not m:
        return lock_timeout
    value = float(m[1]) * {"ms": 0.001, "s": 1, "min": 60, None: 0.001}[m[2]]
    return f"{value:g} s"
