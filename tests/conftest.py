"""Test fixtures shared by every test module.

- `repo_root`: this repository; `repo_copy`: a throwaway copy (proto/, sql/, seeders/, config)
  for tests that edit or break files.
- `pg_admin`: admin URL of a real PostgreSQL for the whole session (embedded, or DATABASE_URL).
- `fresh_db`: a new empty database per test (its URL), dropped afterwards.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.testing import create_database, drop_database, test_server

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Temporary folders of this checkout's own, not the one all sessions share.

    Why: pytest keeps every user's sessions under one /tmp/pytest-of-USER and re-applies mode
    0700 to it at each session start, while the embedded server (run as an unprivileged user when
    the tests run as root) needs to traverse it. Two test sessions on one machine (two checkouts,
    or CI beside a developer) would then lock each other's servers out of their data folders.
    Outside the checkout on purpose: a test's folder must not be inside a contracts repository.
    """
    if not os.environ.get("PYTEST_DEBUG_TEMPROOT") and config.option.basetemp is None:
        checkout = hashlib.sha256(str(REPO).encode()).hexdigest()[:12]
        temproot = Path(tempfile.gettempdir()) / f"workbench-tests-{checkout}"
        temproot.mkdir(parents=True, exist_ok=True)
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(temproot)


COPIED = ("proto", "sql", "seeders", "workbench.toml", "CHANGELOG.md", "CONTRACTS.md", "buf.yaml", ".squawk.toml")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture
def repo_copy(tmp_path: Path) -> Iterator[Path]:
    dest = tmp_path / "repo"
    dest.mkdir()
    for name in COPIED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    yield dest
    stop_embedded_servers_under(dest)


def stop_embedded_servers_under(folder: Path) -> None:
    """Stop every embedded server whose data lives below `folder` (a copy's `.workbench/pg`)."""
    from workbench.database.embedded import EmbeddedServer

    for pid_file in folder.glob("**/.workbench/*/data/postmaster.pid"):
        EmbeddedServer(pid_file.parent.parent).stop()


@pytest.fixture(scope="session", autouse=True)
def no_server_left_behind(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Safety net: a test that made the app start an embedded server in a temporary repository
    (the TUI's Migrations screen does, on embedded databases) must not leave it running."""
    yield
    stop_embedded_servers_under(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[str]:
    with test_server(REPO) as url:
        yield url
        drop_check_templates(url)


def drop_check_templates(admin: str) -> None:
    """`workbench check` keeps a template database per repository it verified (the test copies'
    are gone after the session): drop them, so the test server does not collect them."""
    from workbench.checks.db_cache import TEMPLATE_PREFIX
    from workbench.database.urls import connect

    with connect(admin) as conn:
        names = [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                            [TEMPLATE_PREFIX + "%"]).fetchall()]
    for name in names:
        drop_database(admin, name)


@pytest.fixture
def fresh_db(pg_admin: str) -> Iterator[str]:
    name, url = create_database(pg_admin)
    try:
        yield url
    finally:
        drop_database(pg_admin, name)
