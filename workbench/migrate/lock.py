"""The per-database advisory lock that serialises migrations and seeding.

Why session level and polled (`pg_try_advisory_lock` in autocommit), never
`pg_advisory_xact_lock` inside the migration's transaction: a runner waiting inside an open
transaction holds a snapshot, and `CREATE INDEX CONCURRENTLY` in the holder waits for every
older transaction to end: both would wait forever (Flyway's failure mode). A killed runner's
lock goes with its session, so no "repair the lock" command is ever needed.

    from workbench.migrate.lock import advisory_lock

    with advisory_lock(conn, timeout=60, on_wait=lambda holder: print(holder.describe())):
        ...  # up, down, seeding: one runner per database at a time
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import psycopg

# Two-int advisory key: the class says "workbench" (ASCII "WBNC"), the object the resource.
LOCK_CLASS = 0x57424E43
MIGRATIONS = 1  # migrations and seeding share it: seeding needs a schema nobody is changing


@dataclass(frozen=True)
class LockHolder:
    pid: int
    application: str
    user: str
    since: datetime | None  # when the holder's session started (it locks right after connecting)
    client: str

    def describe(self) -> str:
        since = f", since {self.since:%Y-%m-%d %H:%M:%S %Z}".rstrip() if self.since else ""
        app = self.application or "no application name"
        where = f" from {self.client}" if self.client else ""
        return f"pid {self.pid} ({app}, user {self.user}{where}{since})"


class LockTimeout(WorkbenchError):
    def __init__(self, message: str, holder: LockHolder | None) -> None:
        super().__init__(message)
        self.holder = holder


def lock_holder(conn: psycopg.Connection[Any], key: int = MIGRATIONS) -> LockHolder | None:
    """Who holds the lock on this database now (None: nobody, or not visible to this role)."""
    # Two steps: pg_locks alone first. Any query naming pg_stat_activity costs a fresh session
    # ~1.5 ms of catalog loading, and `migrate status` asks on a fresh session where the lock is
    # almost always free (issue 4: status within 1.2x of Python + psycopg).
    pids = conn.execute(
        "SELECT l.pid FROM pg_locks l"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s AND l.objsubid = 2"
        " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        [LOCK_CLASS, key],
    ).fetchall()
    if not pids:
        return None
    row = conn.execute(
        "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), a.backend_start,"
        " coalesce(host(a.client_addr), '')"
        " FROM pg_stat_activity a WHERE a.pid = ANY(%s)",
        [[p for (p,) in pids]],
    ).fetchone()
    return LockHolder(*row) if row else None


def try_lock(conn: psycopg.Connection[Any], key: int = MIGRATIONS) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, key]).fetchone()
    return bool(row and row[0])


def unlock(conn: psycopg.Connection[Any], key: int = MIGRATIONS) -> None:
    if conn.closed or conn.broken:
        return  # the lock went with the session
    try:
        conn.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, key])
    except Exception:  # noqa: BLE001 - a dead connection released the lock already
        pass


@contextmanager
def advisory_lock(conn: psycopg.Connection[Any], *, timeout: float, key: int = MIGRATIONS,
                  on_wait: Callable[[LockHolder | None], None] | None = None,
                  poll: float = 0.1) -> Iterator[None]:
    """Hold the database's workbench lock for the block; raises LockTimeout naming the holder.

    `conn` must be in autocommit mode and outside a transaction (see the module docstring);
    `on_wait` is called once when the lock is busy and again whenever the holder changes.
    """
    from psycopg import pq

    if not conn.autocommit or conn.info.transaction_status != pq.TransactionStatus.IDLE:
        raise ValueError("advisory_lock needs an autocommit connection outside a transaction")
    deadline = time.monotonic() + timeout
    told: int | None = -1
    holder: LockHolder | None = None
    while not try_lock(conn, key):
        holder = lock_holder(conn, key)
        pid = holder.pid if holder else None
        if on_wait is not None and pid != told:
            on_wait(holder)
            told = pid
        if time.monotonic() >= deadline:
            who = holder.describe() if holder else "another session"
            raise LockTimeout(f"gave up after {timeout:g} s waiting for the workbench lock held by {who}", holder)
        time.sleep(poll)
    try:
        yield
    finally:
        unlock(conn, key)
