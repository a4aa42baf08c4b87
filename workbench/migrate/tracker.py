"""The tracker table `workbench.schema_migrations` and the settings table `workbench.settings`.

Both are created by the repository's own migration `000_migration_tracker.sql`; this module
only reads and writes rows. Every write is a parametrised statement on the caller's connection,
so it joins the caller's transaction when there is one (a transactional migration records
itself atomically with its statements).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    from workbench.migrations import Migration

SCHEMA = "workbench"
TABLE = "schema_migrations"
SETTINGS = "settings"
QUALIFIED = f"{SCHEMA}.{TABLE}"

_COLUMNS = ("version, name, checksum, script, applied_at, execution_ms, applied_by, success, error, "
            "failed_statement, statements_done, kind")


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


def read_rows(conn: psycopg.Connection[Any], *, known_to_exist: bool = False) -> dict[int, Row] | None:
    """Tracker rows keyed by version number; None when the tracker does not exist yet."""
    if not known_to_exist and not exists(conn):
        return None
    cur = conn.execute(f"SELECT {_COLUMNS} FROM workbench.schema_migrations")
    return {int(r[0]): Row(*r) for r in cur.fetchall()}


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
