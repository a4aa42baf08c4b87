"""Guards: a database that is protected or read-only stays so however it is reached.

A database's guards come from three places, and every command that writes to a database opens
its connection through `guarded_connection`, which unites them (the TUI and the CLI alike call
the core, so no path can leave one out):

1. `workbench.toml`: the target's own `protected` / `read_only`;
2. every configured database the URL resolves to (`identity.same_database`: host, port and
   name as libpq reads them, before connecting, then again with the connection's own final
   host and port), so `--url "$PRODUCTION_DATABASE_URL"` is production;
3. the marks stored inside the database (`workbench migrate protect`), honoured for any URL.

The marks live in `workbench_guard.marks`, a table no migration creates: the tracker
migration's down part (`DROP SCHEMA workbench CASCADE`) cannot drop them, so they survive
`down` and `reset`. `protect` writes them even on a read-only database (the one write it
exists for, with the name typed back). Marks written by older versions as
`('protected', 'true')` in `workbench.settings` are still honoured.

- read-only: every write is refused outright (status, dry-runs and drift still work);
- protected: destructive commands (down, reset, resolve, unprotect, seeding) need the
  database's name typed back (`--confirm NAME` or on a terminal). `--yes` alone is not enough.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import UsageError

if TYPE_CHECKING:
    import psycopg

    from workbench.contracts.config import Config, DatabaseConfig
    from workbench.migrate.identity import Identity
    from workbench.migrate.targets import Target

PROTECTED = "protected"
READ_ONLY = "read_only"
MARKS_SCHEMA = "workbench_guard"
MARKS_TABLE = f"{MARKS_SCHEMA}.marks"
PROTECTED_KEY = PROTECTED  # the legacy row in workbench.settings


class Refused(UsageError):
    """A guard said no (exit code 2, like any other usage error)."""


@dataclass(frozen=True)
class Guards:
    """What guards one database, and why (for messages and `status`)."""

    name: str  # the name a person types back
    protected: bool = False
    read_only: bool = False
    names: frozenset[str] = frozenset()  # every name accepted when typed back
    reasons: tuple[str, ...] = ()  # e.g. "production in workbench.toml", "mark in the database"
    marks: frozenset[str] = frozenset()  # the marks stored inside the database

    def merged(self, *, protected: bool = False, read_only: bool = False, name: str | None = None,
               reason: str | None = None, marks: frozenset[str] = frozenset()) -> Guards:
        return Guards(self.name, self.protected or protected, self.read_only or read_only,
                      self.names | ({name} if name else set()),
                      self.reasons + ((reason,) if reason and reason not in self.reasons else ()),
                      self.marks | marks)


# -- where the guards come from ----------------------------------------------------------------
def configured_guards(root: Path, config: Config, target: Target, url: str) -> Guards:
    """Guards known before connecting: the target's own flags and the configured databases
    its URL resolves to."""
    from workbench.migrate.identity import identity_of

    guards = Guards(target.name, names=frozenset({target.name}) if target.configured else frozenset())
    if target.configured and (target.protected or target.read_only):
        guards = guards.merged(protected=target.protected, read_only=target.read_only,
                               reason=f"{target.name} in workbench.toml")
    mine = identity_of(url)
    for db, ident in _configured_identities(root, config):
        if db.name == target.name and target.configured:
            continue
        if _same(mine, ident):
            guards = guards.merged(protected=db.protected, read_only=db.read_only, name=db.name,
                                   reason=f"{db.name} in workbench.toml")
    if not target.configured:
        matched = sorted(guards.names)
        guards = Guards(matched[0] if matched else _dbname(url, target.name), guards.protected, guards.read_only,
                        guards.names | {_dbname(url, target.name)}, guards.reasons)
    return guards


def connected_guards(root: Path, config: Config, before: Guards, conn: psycopg.Connection[Any]) -> Guards:
    """`before` plus what the open connection tells: the configured databases it really
    reached (libpq's final host and port: PGHOST and friends applied) and the stored marks."""
    from workbench.migrate.identity import identity_of_connection

    guards = before
    reached = identity_of_connection(conn)
    for db, ident in _configured_identities(root, config):
        if _same(reached, ident):
            guards = guards.merged(protected=db.protected, read_only=db.read_only, name=db.name,
                                   reason=f"{db.name} in workbench.toml")
    marks = read_marks(conn)
    if marks:
        guards = guards.merged(protected=PROTECTED in marks, read_only=READ_ONLY in marks,
                               reason="marked inside the database", marks=frozenset(marks))
    return guards


def refuse_scratch_server(root: Path, url: str, option: str) -> None:
    """A scratch database (`check --url`, `drift --scratch-url`) is created and dropped on a
    server: never on the server of a configured read-only database, whatever its name there."""
    from dataclasses import replace

    from workbench.migrate.identity import identity_of

    mine = identity_of(url)
    if mine is None:
        return
    for db, ident in _configured_identities(root, _config(root)):
        if db.read_only and _same(replace(mine, dbname=ident.dbname), ident):
            raise Refused(f"{option} is the server of {db.name}, read-only in workbench.toml: no scratch "
                          "database is created there (use another server, or the embedded one)")


def _same(a: Identity | None, b: Identity | None) -> bool:
    from workbench.migrate.identity import same_database

    return same_database(a, b)


def _configured_identities(root: Path, config: Config) -> list[tuple[DatabaseConfig, Identity]]:
    from workbench.migrate.identity import identity_of

    out = []
    for db in config.databases:
        if not (db.protected or db.read_only):
            continue  # nothing to pass on to another name of the same database
        url = _configured_url(root, db)
        ident = identity_of(url) if url else None
        if ident is not None:
            out.append((db, ident))
    return out


def _configured_url(root: Path, db: DatabaseConfig) -> str:
    """A configured database's URL without starting anything ("" when its variable is unset)."""
    if db.embedded:
        from workbench.database.embedded import server_for

        return server_for(root).url(db.name)
    try:
        return db.resolved_url()
    except KeyError:
        return ""


def _dbname(url: str, fallback: str) -> str:
    from workbench.migrate.identity import identity_of

    ident = identity_of(url)
    return ident.dbname if ident and ident.dbname else fallback


# -- the marks inside the database ---------------------------------------------------------------
def read_marks(conn: psycopg.Connection[Any]) -> set[str]:
    """The marks stored in the database (and the legacy `workbench.settings` one)."""
    import psycopg

    marks: set[str] = set()
    try:
        new, legacy = conn.execute(
            "SELECT to_regclass(%s) IS NOT NULL, to_regclass('workbench.settings') IS NOT NULL",
            [MARKS_TABLE]).fetchone() or (False, False)
        if new:
            rows = conn.execute(f"SELECT key FROM {MARKS_TABLE} WHERE value = 'true'").fetchall()
            marks |= {str(r[0]) for r in rows}
        if legacy:
            row = conn.execute("SELECT value FROM workbench.settings WHERE key = %s", [PROTECTED_KEY]).fetchone()
            if row and str(row[0]).lower() == "true":
                marks.add(PROTECTED)
    except psycopg.errors.InsufficientPrivilege:
        # Marks this role may not read: assume the database is protected (fail closed).
        marks.add(PROTECTED)
    return marks & {PROTECTED, READ_ONLY}


def write_marks(conn: psycopg.Connection[Any], marks: set[str]) -> None:
    """Store `marks` (creating the marks table on first use); the others stay as they are."""
    from workbench.migrate.tracker import who

    with conn.transaction():
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {MARKS_SCHEMA}")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {MARKS_TABLE} (key text PRIMARY KEY, value text NOT NULL,"
                     " set_at timestamptz NOT NULL DEFAULT now(), set_by text NOT NULL DEFAULT current_user)")
        # Every role that may connect must see the marks (a deploy role that cannot read them
        # would be refused as if protected).
        conn.execute(f"GRANT USAGE ON SCHEMA {MARKS_SCHEMA} TO PUBLIC")
        conn.execute(f"GRANT SELECT ON {MARKS_TABLE} TO PUBLIC")
        for key in sorted(marks):
            conn.execute(f"INSERT INTO {MARKS_TABLE} (key, value, set_by) VALUES (%s, 'true', %s)"
                         " ON CONFLICT (key) DO UPDATE SET value = 'true', set_at = now(), set_by = EXCLUDED.set_by",
                         [key, who()])


def clear_marks(conn: psycopg.Connection[Any]) -> None:
    """Remove every mark (the new table's rows and the legacy settings row)."""
    with conn.transaction():
        if conn.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKS_TABLE]).fetchone() == (True,):
            conn.execute(f"DELETE FROM {MARKS_TABLE}")
        if conn.execute("SELECT to_regclass('workbench.settings') IS NOT NULL").fetchone() == (True,):
            conn.execute("DELETE FROM workbench.settings WHERE key = %s", [PROTECTED_KEY])


def keep_marks(conn: psycopg.Connection[Any], guards: Guards) -> None:
    """After a successful write: store the protection in the database if it is not there yet,
    so a bare --url that matches no configuration is guarded too. Best effort: a role that
    may migrate but not create a schema still gets its migration."""
    import psycopg

    if guards.protected and PROTECTED not in guards.marks:
        try:
            write_marks(conn, {PROTECTED})
        except psycopg.Error:
            pass


# -- refusing and confirming ------------------------------------------------------------------------
def refuse_read_only(name: str, read_only: bool, action: str, why: str = "read_only = true in workbench.toml") -> None:
    if read_only:
        raise Refused(f"database {name} is read-only ({why}): '{action}' refused; only status is allowed")


def confirm(name: str, *, action: str, protected: bool, yes: bool, typed: str | None,
            ask: Callable[[str], str] | None, also: frozenset[str] = frozenset()) -> None:
    """Return when the person confirmed `action` on `name`; raise Refused otherwise.

    `typed` is `--confirm NAME`; `ask` prompts on a terminal (None when there is none);
    `also`: other names of the same database that are accepted when typed back.
    """
    accepted = also | {name}
    if protected:
        if typed in accepted:
            return
        if typed is not None:
            raise Refused(f"--confirm {typed!r} does not match the protected database's name {name!r}")
        if ask is not None and ask(f"{name} is protected. Type its name to {action}: ").strip() in accepted:
            return
        raise Refused(f"database {name} is protected: '{action}' needs its name typed back "
                      f"(--confirm {name}); --yes alone is not enough")
    if yes or typed in accepted:
        return
    if ask is not None and ask(f"{action} on {name}? [y/N] ").strip().lower() in ("y", "yes"):
        return
    raise Refused(f"'{action}' on {name} changes data: confirm with --yes")


@dataclass(frozen=True)
class Request:
    """What a command is about to do, for `guarded_connection`."""

    action: str  # as named to people in refusals ("down", "seed")
    writes: bool  # refused on a read-only database
    confirm: bool  # needs confirming (typed name when protected, --yes otherwise)
    confirm_protected: bool = False  # needs the typed name when protected (seeding), else nothing
    verb: str = ""  # the prompt's wording ("roll back migrations")
    guard_admin: bool = False  # protect/unprotect: allowed on a read-only database, name typed back
    yes: bool = False
    typed: str | None = None
    ask: Callable[[str], str] | None = None


def enforce(guards: Guards, req: Request) -> None:
    """Refuse or confirm `req` on a database with `guards` (raises Refused)."""
    why = "; ".join(guards.reasons) or "read-only"
    if req.guard_admin:
        if guards.read_only or req.confirm:
            confirm(guards.name, action=req.verb or req.action, protected=guards.protected or guards.read_only,
                    yes=req.yes, typed=req.typed, ask=req.ask, also=guards.names)
        return
    if req.writes:
        refuse_read_only(guards.name, guards.read_only, req.action, why)
    if req.confirm or (req.confirm_protected and guards.protected):
        confirm(guards.name, action=req.verb or req.action, protected=guards.protected, yes=req.yes,
                typed=req.typed, ask=req.ask, also=guards.names)


def refuse_before_resolving(target: Target, req: Request) -> None:
    """A target read-only in workbench.toml is refused before its URL is even looked up (its
    variable may be unset here; the refusal is the news)."""
    if target.configured and target.read_only and req.writes and not req.guard_admin:
        refuse_read_only(target.name, True, req.action, f"{target.name} in workbench.toml")


@contextmanager
def guarded_connection(root: Path, target: Target, url: str, req: Request, *, timeout: float,
                       application: str) -> Iterator[tuple[psycopg.Connection[Any], Guards]]:
    """The one way a command that writes opens its database (`url`, resolved from `target`):
    every guard checked first.

    Refuses before connecting when the configuration alone says so, then again with what
    the connection and the database's own marks say.
    """
    from workbench.migrate.targets import open_connection

    config = _config(root)
    before = configured_guards(root, config, target, url)
    if not req.guard_admin:
        enforce(Guards(before.name, False, before.read_only, before.names, before.reasons),
                Request(req.action, req.writes, False))
    with open_connection(url, timeout=timeout, application=application) as conn:
        guards = connected_guards(root, config, before, conn)
        enforce(guards, req)
        yield conn, guards


def database_guards(root: Path, target: Target, url: str, conn: psycopg.Connection[Any]) -> Guards:
    """Every guard of an open database (what `status` shows)."""
    config = _config(root)
    return connected_guards(root, config, configured_guards(root, config, target, url), conn)


_CONFIGS: dict[Path, tuple[tuple[int, int], Config]] = {}


def _config(root: Path) -> Config:
    """workbench.toml, read again only when it changed (status reads it once per database)."""
    from workbench.contracts.config import CONFIG_FILE, Config, load_config

    path = root / CONFIG_FILE
    try:
        st = os.stat(path)
        key = (st.st_mtime_ns, st.st_size)
    except OSError:
        return Config()
    cached = _CONFIGS.get(root)
    if cached and cached[0] == key:
        return cached[1]
    config, _ = load_config(root)
    _CONFIGS[root] = (key, config)
    return config
