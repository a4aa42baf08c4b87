"""Shared database plumbing for tests and benchmarks: a real PostgreSQL, never a mock.

`DATABASE_URL` set: use that server. Otherwise: the embedded server under
`<repo>/.workbench/test-pg` (separate from the developer's own `.workbench/pg`), shared by
concurrent test sessions and stopped by the last one out.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.dburl import connect


@contextmanager
def test_server(repo: Path) -> Iterator[str]:
    """Admin URL of the server the tests use, for the duration of the block."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    from workbench.embedded import server_for

    with server_for(repo, fast=True, name="test-pg").shared_use() as admin:
        yield admin


def database_url(admin_url: str, name: str) -> str:
    """`admin_url` pointed at database `name` (works for URL and socket-style URLs)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_database(admin_url: str, prefix: str = "wbtest") -> tuple[str, str]:
    """A fresh empty database; returns (name, url)."""
    from psycopg import sql

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with connect(admin_url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 STRATEGY FILE_COPY").format(sql.Identifier(name)))
    return name, database_url(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    from psycopg import sql

    with connect(admin_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
