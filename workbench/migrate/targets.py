"""Which databases a command works on: `--url`, `--db NAME`, or every configured database.

With no `[databases.*]` in `workbench.toml`: `DATABASE_URL` when set, else a database named
`workbench` on the embedded server. A configured database with no URL lives on the embedded
server too (created on first use).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.contracts.config import Config, DatabaseConfig
from workbench.database.urls import mask_url, remember
from workbench.errors import DatabaseError, UsageError

if TYPE_CHECKING:
    import psycopg

    from workbench.contracts.migration_files import Migration

DEFAULT_EMBEDDED = "workbench"


@dataclass(frozen=True)
class Target:
    name: str
    url: str = ""  # raw: may hold ${VARS}; "" = a database named `name` on the embedded server
    protected: bool = False
    read_only: bool = False
    owned: tuple[str, ...] | None = None  # versions this database owns; None: all
    configured: bool = True  # False for --url

    @property
    def embedded(self) -> bool:
        return not self.url

    def display_url(self, root: Path) -> str:
        """The URL as shown to people: password masked, variables resolved when set."""
        if self.embedded:
            from workbench.database.embedded import server_for

            return server_for(root).url(self.name)
        try:
            return mask_url(DatabaseConfig(self.name, self.url).resolved_url())
        except KeyError:
            return mask_url(self.url)

    def unset_variable(self) -> str | None:
        """The environment variable the URL needs and this machine lacks (a database not
        reachable from here, such as staging on a laptop), or None."""
        if self.embedded:
            return None
        try:
            DatabaseConfig(self.name, self.url).resolved_url()
        except KeyError as exc:
            return str(exc.args[0])
        return None

    def resolve(self, root: Path) -> str:
        """The URL to connect to; starts the embedded server and creates the database if needed."""
        if self.embedded:
            return embedded_database(root, self.name)
        try:
            url = DatabaseConfig(self.name, self.url).resolved_url()
        except KeyError as exc:
            raise DatabaseError(f"environment variable {exc.args[0]} is not set (url of {self.name})") from None
        if not url.strip():
            raise DatabaseError(f"url of {self.name} is empty")
        remember(url)
        return url

    def owns(self, mg: Migration, tracker_version: str | None) -> bool:
        # The tracker migration belongs to every database: without it nothing can be recorded.
        if self.owned is None or mg.version == tracker_version:
            return True
        # "2" and "002" name the same version (versions compare numerically everywhere).
        return mg.number in {int(v) for v in self.owned if v.strip().isdigit()}


def resolve_targets(config: Config, *, names: list[str] | None = None, url: str | None = None,
                    root: Path | None = None) -> list[Target]:
    """The databases a command works on. A `--url` that reaches a configured database (see
    `workbench.migrate.identity`) is shown under that database's name with its guards; the
    guards are enforced again, from every source, where the connection is opened."""
    if url:
        return [url_target(config, url, root)]
    if names:
        targets = []
        for name in names:
            db = config.database(name)
            if db is None:
                known = ", ".join(d.name for d in config.databases) or "none configured"
                raise UsageError(f"no database {name!r} in workbench.toml (known: {known})")
            targets.append(from_config(db))
        return targets
    if config.databases:
        return [from_config(db) for db in config.databases]
    env = os.environ.get("DATABASE_URL")
    if env:
        return [url_target(config, env, root)]
    return [Target(name=DEFAULT_EMBEDDED)]


def url_target(config: Config, url: str, root: Path | None) -> Target:
    from workbench.database.urls import remember
    from workbench.migrate.guard import configured_guards

    remember(url)
    plain = Target(name=database_name(url), url=url, configured=False)
    if root is None:
        return plain
    guards = configured_guards(root, config, plain, url)
    return Target(name=guards.name, url=url, protected=guards.protected, read_only=guards.read_only,
                  configured=False)


def from_config(db: DatabaseConfig) -> Target:
    return Target(db.name, db.url, db.protected, db.read_only, db.migrations)


def database_name(url: str) -> str:
    """The database a URL points at, as libpq reads it (default: the user's name)."""
    from workbench.migrate.identity import identity_of

    ident = identity_of(url)
    return ident.dbname if ident is not None and ident.dbname else "postgres"


def embedded_database(root: Path, name: str) -> str:
    from psycopg import errors, sql

    from workbench.database.embedded import server_for
    from workbench.database.urls import connect

    server = server_for(root)
    admin = server.ensure_running()
    url = server.url(name)
    with connect(admin, timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except (errors.DuplicateDatabase, errors.UniqueViolation):
                pass  # created by a concurrent command
    return url


def open_connection(url: str, *, timeout: float, application: str) -> psycopg.Connection[Any]:
    """Autocommit connection with no statement preparation (DDL runs once, `%` stays literal)."""
    from workbench.database.urls import connect

    conn = connect(url, timeout=timeout, autocommit=True, application=application)
    conn.prepare_threshold = None
    return conn
