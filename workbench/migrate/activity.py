"""What is happening on a database right now: the migration at work and its lock graph.

Answers an on-call engineer's questions during a stuck deploy, from the server's own views:
- which runner holds the workbench lock (its backend, who started it, from where, since when),
  which migration it is running (the runner names it in `application_name`) and which statement;
- whether that statement waits on a lock, held by which sessions doing what (`pg_blocking_pids`,
  their query, state and transaction start: typically a long or idle-in-transaction session in
  front of an ACCESS EXCLUSIVE);
- which sessions queue behind the runner in turn (everything it blocks, transitively).

Reads only `pg_locks`, `pg_stat_activity` and `pg_blocking_pids()`, in autocommit, so it never
holds a lock or a transaction itself. Any role may read them; without `pg_read_all_stats` (or
being the same role) the server hides other users' query texts, shown as "<insufficient
privilege>", and the rest (pids, lock modes, times) stays visible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

# How the runner names itself in application_name while it runs a migration (see runner.py).
APPLICATION_PREFIX = "workbench migrate"
_RUNNING = re.compile(r"^workbench migrate (?P<action>\w+)(?: (?P<version>\d+)(?: (?P<name>\S+))?)?")
# A migration waiting on a lock longer than this is "stuck": status exits 1 naming the blocker.
STUCK_AFTER_SECONDS = 30.0

_SESSION_COLUMNS = (
    "a.pid, coalesce(a.usename::text, ''), coalesce(a.application_name, ''), coalesce(host(a.client_addr), ''),"
    " coalesce(a.state, ''), coalesce(a.query, ''), a.backend_start, a.xact_start, a.query_start, a.state_change,"
    " coalesce(a.wait_event_type, ''), coalesce(a.wait_event, ''), now()")


@dataclass(frozen=True)
class Session:
    """One backend as pg_stat_activity shows it (texts may be hidden for other roles)."""

    pid: int
    user: str
    application: str
    client: str
    state: str  # active, idle, idle in transaction, ...
    query: str  # the running statement, or the last one when idle
    backend_start: datetime | None
    xact_start: datetime | None
    query_start: datetime | None
    state_change: datetime | None
    wait_event_type: str
    wait_event: str
    now: datetime | None

    @property
    def query_seconds(self) -> float | None:
        return _seconds(self.query_start, self.now)

    @property
    def xact_seconds(self) -> float | None:
        return _seconds(self.xact_start, self.now)

    def to_json(self) -> dict[str, object]:
        return {"pid": self.pid, "user": self.user, "application": self.application, "client": self.client,
                "state": self.state, "query": self.query.strip(),
                "xact_start": _iso(self.xact_start), "query_start": _iso(self.query_start),
                "xact_seconds": _round(self.xact_seconds), "query_seconds": _round(self.query_seconds),
                "wait_event_type": self.wait_event_type or None, "wait_event": self.wait_event or None}


@dataclass(frozen=True)
class Waiting:
    """The lock the runner's statement waits for, and since when."""

    locktype: str
    mode: str
    relation: str  # the table or index, when the lock is on one
    since: datetime | None

    def to_json(self, now: datetime | None) -> dict[str, object]:
        return {"locktype": self.locktype, "mode": self.mode, "relation": self.relation or None,
                "since": _iso(self.since), "seconds": _round(_seconds(self.since, now))}


@dataclass(frozen=True)
class Running:
    """The runner holding the workbench lock, and what it is doing."""

    session: Session
    action: str  # up, down, reset, seed, ... ("" when the holder did not name itself)
    version: str  # the migration it is running ("" between migrations, or not a migration)
    name: str
    lock: Waiting | None  # the lock its statement waits on, if any

    def to_json(self) -> dict[str, object]:
        return {**self.session.to_json(), "action": self.action or None, "version": self.version or None,
                "name": self.name or None, "statement": self.session.query.strip(),
                "statement_seconds": _round(self.session.query_seconds),
                "waiting_for": self.lock.to_json(self.session.now) if self.lock else None}


@dataclass
class Activity:
    running: Running | None = None
    waiting_on: list[Session] = field(default_factory=list)  # who blocks the runner
    blocking: list[Session] = field(default_factory=list)  # who queues behind the runner
    stuck_after: float = STUCK_AFTER_SECONDS

    @property
    def waited_seconds(self) -> float | None:
        if self.running is None or self.running.lock is None:
            return None
        return _seconds(self.running.lock.since, self.running.session.now)

    @property
    def stuck(self) -> bool:
        """Waiting on a lock for longer than the threshold (or blocked with no start time known)."""
        if self.running is None or not self.waiting_on:
            return False
        waited = self.waited_seconds
        return waited is None or waited >= self.stuck_after

    def problem(self) -> str:
        """One line for status: why this database's migration is stuck ("" when it is not)."""
        if not self.stuck or self.running is None:
            return ""
        blockers = ", ".join(f"pid {s.pid} ({s.state or 'unknown state'}: {_short(s.query)})"
                             for s in self.waiting_on)
        what = f"{self.running.version} {self.running.name}".strip() or "a workbench runner"
        waited = self.waited_seconds
        since = f" for {waited:.0f} s" if waited is not None else ""
        return f"migration {what} (pid {self.running.session.pid}) is waiting{since} on a lock held by {blockers}"

    def to_json(self) -> dict[str, object]:
        return {"running": self.running.to_json() if self.running else None,
                "waiting_on": [s.to_json() for s in self.waiting_on],
                "blocking": [s.to_json() for s in self.blocking],
                "stuck": self.stuck}


def read_activity(conn: psycopg.Connection[Any], holder_pid: int | None,
                  stuck_after: float = STUCK_AFTER_SECONDS) -> Activity:
    """The live picture around the workbench lock's holder (an empty Activity when nobody holds it)."""
    activity = Activity(stuck_after=stuck_after)
    if holder_pid is None:
        return activity
    sessions = _sessions(conn, [holder_pid])
    if not sessions:
        return activity  # it finished between the two queries
    session = sessions[0]
    match = _RUNNING.match(session.application)
    action, version, name = (match["action"], match["version"] or "", match["name"] or "") if match else ("", "", "")
    activity.running = Running(session, action, version, name, _awaited_lock(conn, holder_pid))
    blockers = conn.execute("SELECT pg_blocking_pids(%s)", [holder_pid]).fetchone()
    activity.waiting_on = _sessions(conn, list(blockers[0]) if blockers and blockers[0] else [])
    activity.blocking = _queue_behind(conn, holder_pid)
    return activity


def _sessions(conn: psycopg.Connection[Any], pids: list[int]) -> list[Session]:
    if not pids:
        return []
    rows = conn.execute(f"SELECT {_SESSION_COLUMNS} FROM pg_stat_activity a WHERE a.pid = ANY(%s)"
                        " ORDER BY array_position(%s, a.pid)", [pids, pids]).fetchall()
    return [Session(*row) for row in rows]


def _awaited_lock(conn: psycopg.Connection[Any], pid: int) -> Waiting | None:
    # waitstart is PostgreSQL 14+; older servers show no start time (then "stuck" needs a blocker only).
    has_waitstart = conn.info.server_version >= 140000
    row = conn.execute(
        "SELECT l.locktype, l.mode, coalesce(l.relation::regclass::text, ''), "
        + ("l.waitstart" if has_waitstart else "NULL::timestamptz")
        + " FROM pg_locks l WHERE l.pid = %s AND NOT l.granted LIMIT 1", [pid]).fetchone()
    return Waiting(*row) if row else None


def _queue_behind(conn: psycopg.Connection[Any], pid: int) -> list[Session]:
    """Every session waiting (directly or through others) on `pid`, nearest first."""
    seen: list[int] = []
    frontier = [pid]
    while frontier and len(seen) < 1000:
        rows = conn.execute("SELECT a.pid FROM pg_stat_activity a WHERE pg_blocking_pids(a.pid) && %s::int[]"
                            " ORDER BY a.pid", [frontier]).fetchall()
        frontier = [p for (p,) in rows if p not in seen and p != pid]
        seen += frontier
    return _sessions(conn, seen)


def _seconds(start: datetime | None, now: datetime | None) -> float | None:
    if start is None or now is None:
        return None
    return max(0.0, (now - start).total_seconds())


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _short(query: str, width: int = 60) -> str:
    text = " ".join(query.split())
    return text if len(text) <= width else text[: width - 1] + "…"
