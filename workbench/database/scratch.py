"""Scratch databases: throwaway databases created on a server and dropped afterwards.

`workbench check` tries the migrations on one, drift replays applied migrations on one, and
the tests give each test its own. One place creates and drops them.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from workbench.database.urls import connect


def database_url(admin_url: str, name: str) -> str:
    """`admin_url` pointed at database `name` (works for URL and socket-style URLs)."""
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


def create_database(admin_url: str, prefix: str = "wbtest", *, timeout: float = 3.0,
                    template: str = "template0", name: str = "", wal_log: bool = False) -> tuple[str, str]:
    """A fresh database, a copy of `template` (empty by default); returns (name, url).
    Errors are psycopg's (callers word them)."""
    name = name or f"{prefix}_{uuid.uuid4().hex[:10]}"
    with connect(admin_url, timeout=timeout) as conn:
        create_on(conn, name, template, wal_log=wal_log)
    return name, database_url(admin_url, name)


def create_on(conn: Any, name: str, template: str = "template0", *, wal_log: bool = False) -> None:
    """CREATE DATABASE over an open autocommit connection (several in one session save a connection each)."""
    from psycopg import sql

    # FILE_COPY (PostgreSQL 15+) copies a small template faster than the WAL_LOG default on a
    # server without fsync (the tests'); it checkpoints twice, though, which on a durable server
    # (a user's) costs up to ~1 s under load: `wal_log` for the copies `check` makes on every run.
    strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 and not wal_log else ""
    conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}" + strategy).format(
        sql.Identifier(name), sql.Identifier(template)))


def drop_database(admin_url: str, name: str, *, timeout: float = 3.0) -> None:
    with connect(admin_url, timeout=timeout) as conn:
        drop_on(conn, name)


def drop_on(conn: Any, name: str) -> None:
    from psycopg import sql

    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
