"""Shared database plumbing for tests and benchmarks: a real PostgreSQL, never a mock.

`DATABASE_URL` set: use that server. Otherwise: the embedded server under
`<repo>/.workbench/test-pg` (separate from the developer's own `.workbench/pg`), shared by
concurrent test sessions and stopped by the last one out.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.database.scratch import create_database, database_url, drop_database

__all__ = ["create_database", "database_url", "drop_database", "test_server"]


@contextmanager
def test_server(repo: Path) -> Iterator[str]:
    """Admin URL of the server the tests use, for the duration of the block."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    from workbench.database.embedded import server_for

    with server_for(repo, fast=True, name="test-pg").shared_use() as admin:
        yield admin
