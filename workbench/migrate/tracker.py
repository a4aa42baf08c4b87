"""The tracker table `workbench.schema_migrations` and the settings table `workbench.settings`.

Both are created by the repository's own migration `000_migration_tracker.sql`; this module
only reads and writes rows. Every write is a parametrised statement on the caller's connection,
so it joins the caller's transaction when there is one (a transactional migration records
itself atomically with its statements).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import psycopg

    from workbench.contracts.migration_files import Migration

SCHEMA = "workbench"
TABLE = "schema_migrations"
SETTINGS = "settings"
QUALIFIED = f"{SCHEMA}.{TABLE}"

_COLUMNS = ("version, name, checksum, script, applied_at, execution_ms, applied_by, success, error, "
            "failed_statement, statements_done, kind")
# A rollback of a `transaction:false` down part in progress (or stopped half-way) is kept in
# workbench.settings under this prefix + version: the tracker table's own columns describe the
# up part, and its shape is fixed by 000_migration_tracker.sql (changing it would make every
# existing database's 000 an edited migration).
ROLLBACK_PREFIX = "rollback:"
_VERSION = re.compile(r"[0-9]+")


class TrackerError(WorkbenchError):
    """The tracker holds something the runner cannot trust (a row edited by hand): exit code 1."""

    exit_code = 1


@dataclass(frozen=True)
class Rollback:
    """How far a `transaction:false` down part got: statements done, why it stopped, what ran."""

    statements_done: int
    error: str | None = None
    failed_statement: str | None = None
    down: str = ""  # the text of the down part that ran (a resume checks its done statements are unchanged)

    def to_setting(self) -> str:
        return json.dumps({"statements_done": self.statements_done, "error": self.error,
                           "failed_statement": self.failed_statement, "down": self.down})

    @classmethod
    def from_setting(cls, value: str) -> Rollback:
        try:
            data = json.loads(value)
        except ValueError:
            data = None
        data = data if isinstance(data, dict) else {}
        done = data.get("statements_done")
        if not isinstance(done, int) or isinstance(done, bool) or done < 0:
            # Unreadable (edited by hand): still a rollback that did not finish; a resume starts
            # at the first statement, whose failure (already dropped) is located and recorded.
            return cls(0, "the rollback record in workbench.settings is unreadable")

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        return cls(done, text("error"), text("failed_statement"), text("down") or "")


@dataclass(frozen=True)
class Row:
    version: str
    name: str
    checksum: str
    script: str
    applied_at: datetime | None
    execution_ms: int | None
    applied_by: str
    success: bool
    error: str | None
    failed_statement: str | None
    statements_done: int
    kind: str  # "migration" | "baseline"
    rollback: Rollback | None = None  # its down part was started outside a transaction, not finished

    @property
    def number(self) -> int:
        return int(self.version)


def who() -> str:
    """The person and machine running the command (the database user alone says little)."""
    import getpass
    import socket

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def exists(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [QUALIFIED]).fetchone()
    return bool(row and row[0])


def read_rows(conn: psycopg.Connection[Any], *, known_to_exist: bool = False,
              settings: bool | None = None) -> dict[int, Row] | None:
    """Tracker rows keyed by version number; None when the tracker does not exist yet.

    `settings`: whether workbench.settings exists (None: look it up). Raises TrackerError for a
    row the runner cannot interpret (a version that is not a number), naming it.
    """
    if not known_to_exist and not exists(conn):
        return None
    cur = conn.execute(f"SELECT {_COLUMNS} FROM workbench.schema_migrations")
    raw = cur.fetchall()
    bad = [r[0] for r in raw if not _VERSION.fullmatch(r[0])]
    if bad:
        raise TrackerError(f"{QUALIFIED} has a row whose version is not a number: {bad[0]!r}"
                           + (f" (and {len(bad) - 1} more)" if len(bad) > 1 else "")
                           + "; it was not written by workbench: fix or delete it by hand")
    rollbacks = read_rollbacks(conn, settings=settings)
    rows: dict[int, Row] = {}
    for r in raw:
        number = int(r[0])
        if number in rows:
            raise TrackerError(f"{QUALIFIED} has two rows for version {number}: {rows[number].version!r} and "
                               f"{r[0]!r}; it was not written by workbench: delete one by hand")
        row = Row(*r)
        rows[number] = replace(row, rollback=rollbacks[row.version]) if row.version in rollbacks else row
    return rows


def read_rollbacks(conn: psycopg.Connection[Any], *, settings: bool | None = None) -> dict[str, Rollback]:
    """Rollbacks in progress (or stopped half-way), keyed by version text."""
    if settings is None:
        settings = _settings_exist(conn)
    if not settings:
        return {}
    cur = conn.execute("SELECT key, value FROM workbench.settings WHERE starts_with(key, %s)", [ROLLBACK_PREFIX])
    return {key[len(ROLLBACK_PREFIX):]: Rollback.from_setting(value) for key, value in cur.fetchall()}


def record_rollback(conn: psycopg.Connection[Any], version: str, progress: Rollback) -> None:
    """Record how far a `transaction:false` down part got (before its first statement: 0)."""
    if not set_setting(conn, ROLLBACK_PREFIX + version, progress.to_setting()):
        raise TrackerError(f"workbench.settings is missing: cannot record the rollback of {version}")


def finish_rollback(conn: psycopg.Connection[Any], version: str) -> None:
    """The down part is done (or abandoned): no tracker row, no rollback record, atomically."""
    with conn.transaction():
        delete_row(conn, version)
        clear_rollback(conn, version)


def clear_rollback(conn: psycopg.Connection[Any], version: str) -> None:
    set_setting(conn, ROLLBACK_PREFIX + version, None)


def record_applied(conn: psycopg.Connection[Any], mg: Migration, execution_ms: int, statements: int) -> None:
    conn.execute(
        "INSERT INTO workbench.schema_migrations (version, name, checksum, script, execution_ms, applied_by,"
        " success, error, failed_statement, statements_done, kind) VALUES (%s, %s, %s, %s, %s, %s, true,"
        " NULL, NULL, %s, 'migration') ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name,"
        " checksum = EXCLUDED.checksum, script = EXCLUDED.script, applied_at = now(),"
        " execution_ms = EXCLUDED.execution_ms, applied_by = EXCLUDED.applied_by, success = true,"
        " error = NULL, failed_statement = NULL, statements_done = EXCLUDED.statements_done,"
        " kind = 'migration'",
        [mg.version, mg.name, mg.checksum, mg.text, execution_ms, who(), statements],
    )


def record_started(conn: psycopg.Connection[Any], mg: Migration) -> None:
    """A non-transactional migration starts: a row that says so survives a kill."""
    conn.execute(
        "INSERT INTO workbench.schema_migrations (version, name, checksum, script, applied_by, success,"
        " statements_done, kind) VALUES (%s, %s, %s, %s, %s, false, 0, 'migration')"
        " ON CONFLICT (version) DO UPDATE SET checksum = EXCLUDED.checksum, script = EXCLUDED.script,"
        " applied_by = EXCLUDED.applied_by, applied_at = now(), error = NULL, failed_statement = NULL",
        [mg.version, mg.name, mg.checksum, mg.text, who()],
    )


def record_progress(conn: psycopg.Connection[Any], version: str, statements_done: int) -> None:
    conn.execute("UPDATE workbench.schema_migrations SET statements_done = %s WHERE version = %s",
                 [statements_done, version])


def record_failure(conn: psycopg.Connection[Any], mg: Migration, *, error: str, statement: str,
                   statements_done: int, execution_ms: int) -> None:
    conn.execute(
        "INSERT INTO workbench.schema_migrations (version, name, checksum, script, execution_ms, applied_by,"
        " success, error, failed_statement, statements_done, kind) VALUES (%s, %s, %s, %s, %s, %s, false,"
        " %s, %s, %s, 'migration') ON CONFLICT (version) DO UPDATE SET checksum = EXCLUDED.checksum,"
        " script = EXCLUDED.script, applied_at = now(), execution_ms = EXCLUDED.execution_ms,"
        " applied_by = EXCLUDED.applied_by, success = false, error = EXCLUDED.error,"
        " failed_statement = EXCLUDED.failed_statement, statements_done = EXCLUDED.statements_done",
        [mg.version, mg.name, mg.checksum, mg.text, execution_ms, who(), error, statement, statements_done],
    )


def record_baseline(conn: psycopg.Connection[Any], version: str, name: str, checksum: str, script: str) -> None:
    conn.execute(
        "INSERT INTO workbench.schema_migrations (version, name, checksum, script, execution_ms, applied_by,"
        " success, statements_done, kind) VALUES (%s, %s, %s, %s, 0, %s, true, 0, 'baseline')",
        [version, name, checksum, script, who()],
    )


def mark_resolved(conn: psycopg.Connection[Any], mg: Migration, statements: int) -> None:
    """A person fixed a failed migration by hand: record it as applied with the current file."""
    conn.execute(
        "UPDATE workbench.schema_migrations SET success = true, error = NULL, failed_statement = NULL,"
        " checksum = %s, script = %s, statements_done = %s, applied_by = %s WHERE version = %s",
        [mg.checksum, mg.text, statements, f"{who()} (resolved)", mg.version],
    )


def delete_row(conn: psycopg.Connection[Any], version: str) -> None:
    conn.execute("DELETE FROM workbench.schema_migrations WHERE version = %s", [version])


def get_setting(conn: psycopg.Connection[Any], key: str, *, known_to_exist: bool = False) -> str | None:
    if not known_to_exist and not _settings_exist(conn):
        return None
    row = conn.execute("SELECT value FROM workbench.settings WHERE key = %s", [key]).fetchone()
    return row[0] if row else None


def set_setting(conn: psycopg.Connection[Any], key: str, value: str | None) -> bool:
    """Write (or with None delete) a setting; False when the settings table does not exist."""
    if not _settings_exist(conn):
        return False
    if value is None:
        conn.execute("DELETE FROM workbench.settings WHERE key = %s", [key])
    else:
        conn.execute("INSERT INTO workbench.settings (key, value) VALUES (%s, %s)"
                     " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [key, value])
    return True


def _settings_exist(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{SCHEMA}.{SETTINGS}"]).fetchone()
    return bool(row and row[0])
