"""Status of every migration in every database, as rich as Flyway's `info`.

`migration_states` is a pure function of the files and the tracker rows (tests and the TUI use
it directly); `database_status` reads one database; `status_all` reads many concurrently, each
bounded by the connect timeout, so an unreachable database never holds the others back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.database.urls import scrub
from workbench.errors import WorkbenchError, first_line
from workbench.migrate import guard, tracker
from workbench.migrate.tracker import Row

if TYPE_CHECKING:
    from workbench.contracts.migration_files import Migration
    from workbench.migrate.activity import Activity
    from workbench.migrate.indexes import InvalidIndex
    from workbench.migrate.lock import LockHolder
    from workbench.migrate.targets import Target


class State(StrEnum):
    APPLIED = "applied"
    PENDING = "pending"
    CHECKSUM_MISMATCH = "checksum_mismatch"  # edited after it was applied
    MISSING = "missing"  # applied, file gone
    FUTURE = "future"  # applied, newer than any file
    OUT_OF_ORDER = "out_of_order"  # pending, older than an applied version
    FAILED = "failed"  # failed, nothing it did remains (rolled back, or stopped at its first statement)
    PARTIAL = "partial"  # non-transactional, stopped after some statements
    PARTIALLY_ROLLED_BACK = "partially_rolled_back"  # its transaction:false down part stopped half-way
    BASELINE = "baseline"
    BELOW_BASELINE = "below_baseline"


# States that leave a database "up to date and consistent" (exit 0).
SETTLED = frozenset({State.APPLIED, State.BASELINE, State.BELOW_BASELINE})
GRACE = 0.4  # seconds after the connect timeout for a reachable database's queries
# States `up` runs (again).
RUNNABLE = frozenset({State.PENDING, State.OUT_OF_ORDER, State.FAILED, State.PARTIAL})


@dataclass(frozen=True)
class MigrationStatus:
    version: str
    name: str
    state: State
    migration: Migration | None = None
    row: Row | None = None

    @property
    def number(self) -> int:
        return int(self.version)

    @property
    def applied_at(self) -> datetime | None:
        return self.row.applied_at if self.row else None

    @property
    def checksum_ok(self) -> bool | None:
        if self.row is None or self.migration is None or self.row.kind == "baseline":
            return None
        return self.row.checksum == self.migration.checksum

    def diff(self) -> str:
        """What changed in the file since it was applied (the tracker keeps the applied text)."""
        if self.row is None or self.migration is None or self.checksum_ok is not False:
            return ""
        import difflib

        rel = self.migration.rel
        return "".join(difflib.unified_diff(
            self.row.script.splitlines(keepends=True), self.migration.text.splitlines(keepends=True),
            fromfile=f"{rel} (applied {self.row.applied_at:%Y-%m-%d %H:%M})" if self.row.applied_at else rel,
            tofile=f"{rel} (file)"))

    def to_json(self) -> dict[str, object]:
        return {"version": self.version, "name": self.name, "state": str(self.state),
                "applied_at": self.applied_at.isoformat() if self.applied_at else None,
                "checksum_ok": self.checksum_ok}


def migration_states(files: list[Migration] | None, rows: dict[int, Row] | None,
                     owned: set[str] | None = None) -> list[MigrationStatus]:
    """One status per file and per tracker row, ordered by version.

    `owned`: the versions this database owns (None: all); a file it does not own shows only
    when the database has a row for it anyway. `files` None: no repository at hand (an on-call
    host): the tracker's rows alone, which cannot say what is pending or edited.
    """
    rows = rows or {}
    if files is None:
        return _tracker_states(rows)
    baseline = max((n for n, r in rows.items() if r.kind == "baseline"), default=None)
    applied = [n for n, r in rows.items() if r.kind == "migration" and r.success]
    newest_applied = max(applied, default=None)
    newest_file = max((m.number for m in files), default=-1)
    out: list[MigrationStatus] = []
    seen: set[int] = set()
    for mg in files:
        seen.add(mg.number)
        row = rows.get(mg.number)
        if row is None and owned is not None and mg.version not in owned:
            continue
        if row is None:
            if baseline is not None and mg.number < baseline:
                state = State.BELOW_BASELINE
            elif newest_applied is not None and mg.number < newest_applied:
                state = State.OUT_OF_ORDER
            else:
                state = State.PENDING
        elif row.kind == "baseline":
            state = State.BASELINE
        elif row.rollback is not None:
            state = State.PARTIALLY_ROLLED_BACK
        elif not row.success:
            state = _failed_state(row, transactional=mg.transactional)
        elif row.checksum != mg.checksum:
            state = State.CHECKSUM_MISMATCH
        else:
            state = State.APPLIED
        out.append(MigrationStatus(mg.version, mg.name, state, mg, row))
    for number, row in rows.items():
        if number in seen:
            continue
        if row.kind == "baseline":
            state = State.BASELINE
        elif row.rollback is not None:
            state = State.PARTIALLY_ROLLED_BACK
        else:
            state = State.FUTURE if number > newest_file else State.MISSING
        out.append(MigrationStatus(row.version, row.name, state, None, row))
    out.sort(key=lambda s: s.number)
    return out


def _tracker_states(rows: dict[int, Row]) -> list[MigrationStatus]:
    """States from the tracker alone: it keeps each migration's text, so a failed one can still
    be told apart as failed (rolled back) or partial (no transaction, stopped half-way)."""
    from workbench.contracts.migration_files import parse_migration

    out: list[MigrationStatus] = []
    for number in sorted(rows):
        row = rows[number]
        if row.kind == "baseline":
            state = State.BASELINE
        elif row.rollback is not None:
            state = State.PARTIALLY_ROLLED_BACK
        elif row.success:
            state = State.APPLIED
        else:
            applied, _ = parse_migration(row.script, f"{row.version}_{row.name}.sql", f"{row.version}_{row.name}.sql")
            state = _failed_state(row, transactional=applied is None or applied.transactional)
        out.append(MigrationStatus(row.version, row.name, state, None, row))
    return out


def _failed_state(row: Row, *, transactional: bool) -> State:
    """Nothing remains of a transactional failure, nor of a `transaction:false` one that failed
    at its first statement; one with statements done, or killed (no error was recorded), may
    have left some."""
    return State.FAILED if transactional or (row.statements_done == 0 and row.error) else State.PARTIAL


@dataclass
class DatabaseStatus:
    target: Target
    url: str  # masked
    reachable: bool = False
    error: str | None = None
    migrations: list[MigrationStatus] = field(default_factory=list)
    protected: bool = False  # in the config or marked inside the database
    read_only: bool = False  # likewise
    guarded_by: tuple[str, ...] = ()  # where the guards come from ("production in workbench.toml", ...)
    server_version: str = ""
    lock_holder: LockHolder | None = None  # a runner at work right now
    activity: Activity | None = None  # what that runner is doing, and its lock graph
    invalid_indexes: list[InvalidIndex] = field(default_factory=list)  # left by an interrupted CONCURRENTLY
    seconds: float = 0.0

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def up_to_date(self) -> bool:
        return (self.reachable and self.error is None and not self.invalid_indexes
                and all(m.state in SETTLED for m in self.migrations))

    @property
    def stuck(self) -> bool:
        """A migration is running and has waited on another session's lock past the threshold."""
        return self.activity is not None and self.activity.stuck

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for m in self.migrations:
            out[str(m.state)] = out.get(str(m.state), 0) + 1
        return out

    def to_json(self) -> dict[str, object]:
        from workbench.migrate.activity import Activity

        return {"name": self.name, "url": self.url, "reachable": self.reachable, "error": self.error,
                "protected": self.protected, "read_only": self.read_only,
                "migrations": [m.to_json() for m in self.migrations],
                "activity": (self.activity or Activity()).to_json(),
                "invalid_indexes": [ix.to_json() for ix in self.invalid_indexes]}


def tracker_version(files: list[Migration]) -> str | None:
    """Version of the migration that creates the tracker (the runner needs it first)."""
    for mg in files:
        if "workbench.schema_migrations" in mg.up.replace('"', "").lower() and "create table" in mg.up.lower():
            return mg.version
    return None


def owned_files(target: Target, files: list[Migration]) -> list[Migration]:
    tv = tracker_version(files)
    return [mg for mg in files if target.owns(mg, tv)]


def owned_versions(target: Target, files: list[Migration] | None) -> set[str] | None:
    if target.owned is None or files is None:
        return None
    return {mg.version for mg in owned_files(target, files)}


def database_status(root: Path, target: Target, files: list[Migration] | None, *, timeout: float,
                    on_connected: Any = None) -> DatabaseStatus:
    """Status of one database; never raises for database problems (they become `error`)."""
    from workbench.migrate import lock
    from workbench.migrate.indexes import invalid_indexes
    from workbench.migrate.targets import open_connection

    started = time.monotonic()
    status = DatabaseStatus(target, target.display_url(root), protected=target.protected,
                            read_only=target.read_only)
    url = ""
    try:
        url = target.resolve(root)
        with open_connection(url, timeout=timeout, application="workbench migrate status") as conn:
            if on_connected is not None:
                on_connected()
            status.server_version = conn.info.parameter_status("server_version") or ""
            # One round trip for what decides the rest; status stays quick even when a runner
            # holds locks on the tracker (statement_timeout).
            has_tracker, has_settings, _ = conn.execute(
                "SELECT to_regclass('workbench.schema_migrations') IS NOT NULL,"
                " to_regclass('workbench.settings') IS NOT NULL,"
                " set_config('statement_timeout', %s, false)", [f"{int(timeout * 1000)}"]).fetchone() or (0, 0, 0)
            status.reachable = True  # from here on, an error is about what the database holds
            rows = tracker.read_rows(conn, known_to_exist=True, settings=bool(has_settings)) if has_tracker else None
            status.migrations = migration_states(files, rows, owned_versions(target, files))
            # Every guard, from the config, the configured databases this URL reaches and the
            # marks inside the database (the same function that enforces them).
            guards = guard.database_guards(root, target, url, conn)
            status.protected, status.read_only, status.guarded_by = guards.protected, guards.read_only, guards.reasons
            status.lock_holder = lock.lock_holder(conn)
            if status.lock_holder is not None:  # only then: pg_stat_activity costs a fresh session ~1.5 ms
                from workbench.migrate.activity import read_activity

                status.activity = read_activity(conn, status.lock_holder.pid)
            status.invalid_indexes = invalid_indexes(conn)
    except WorkbenchError as exc:
        status.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - psycopg errors after connecting: shown, never a crash
        status.reachable = status.reachable or bool(status.server_version)
        status.error = scrub(first_line(exc), url)
    status.seconds = time.monotonic() - started
    return status


def status_all(root: Path, targets: list[Target], files: list[Migration] | None, *, timeout: float,
               on_done: Any = None) -> list[DatabaseStatus]:
    """Every target's status, read concurrently, answered within `timeout` (+ GRACE for queries).

    A database that has not connected when the connect timeout is up is given up on (its
    thread is a daemon: a connection stuck in name resolution must not keep the process alive);
    one that connected in time gets GRACE more seconds for its queries.
    """
    import threading

    if any(t.embedded for t in targets):
        # Starting the embedded server (initdb on a fresh clone) is not a connection: do it
        # before the clock starts, and let its failure show per database as usual.
        from workbench.database.embedded import server_for

        try:
            server_for(root).ensure_running()
        except WorkbenchError:
            pass
    results: list[DatabaseStatus | None] = [None] * len(targets)
    connected = [False] * len(targets)
    changed = threading.Condition()

    def work(i: int, target: Target) -> None:
        def mark() -> None:
            with changed:
                connected[i] = True
                changed.notify_all()

        st = database_status(root, target, files, timeout=timeout, on_connected=mark)
        with changed:
            results[i] = st
            changed.notify_all()
        if on_done is not None:
            on_done(st)

    started = time.monotonic()
    for i, target in enumerate(targets):
        threading.Thread(target=work, args=(i, target), daemon=True, name=f"status-{target.name}").start()

    def wait(until: float, settled: Any) -> None:
        while not all(settled(i) for i in range(len(targets))):
            left = until - time.monotonic()
            if left <= 0:
                return
            changed.wait(left)

    with changed:
        wait(started + timeout, lambda i: results[i] is not None or connected[i])
        wait(time.monotonic() + GRACE, lambda i: results[i] is not None or not connected[i])
        final = list(results)
    out: list[DatabaseStatus] = []
    for target, st in zip(targets, final, strict=True):
        if st is None:
            st = DatabaseStatus(target, target.display_url(root), protected=target.protected,
                                read_only=target.read_only,
                                error=f"no answer within the connect timeout ({timeout:g} s)",
                                seconds=time.monotonic() - started)
        out.append(st)
    return out
