"""Refusals that protect real data: read-only databases and protected ones.

- `read_only = true` in `workbench.toml`: status only; every write is refused outright.
- `protected = true` (or the mark `('protected', 'true')` in `workbench.settings` inside the
  database, so `--url` pointed straight at it is guarded too): destructive commands (down,
  reset, resolve, seeding) need the database's name typed back. `--yes` alone is not enough.

    from workbench.migrate import guard

    guard.refuse_read_only(name, read_only, "seed")
    protected = config_protected or guard.marked_protected(conn)
    guard.confirm(name, action="seed", protected=protected, yes=args.yes, typed=args.confirm, ask=ask)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workbench.errors import UsageError
from workbench.migrate import tracker

if TYPE_CHECKING:
    import psycopg

PROTECTED_KEY = "protected"


class Refused(UsageError):
    """A guard said no (exit code 2, like any other usage error)."""


def marked_protected(conn: psycopg.Connection[Any]) -> bool:
    """True when the database itself says it is protected (survives any config or URL)."""
    return (tracker.get_setting(conn, PROTECTED_KEY) or "").lower() == "true"


def set_protected_mark(conn: psycopg.Connection[Any], protected: bool) -> bool:
    """Store (or remove) the mark; False when the tracker schema does not exist yet."""
    return tracker.set_setting(conn, PROTECTED_KEY, "true" if protected else None)


def refuse_read_only(name: str, read_only: bool, action: str) -> None:
    if read_only:
        raise Refused(f"database {name} is read-only (read_only = true in workbench.toml): "
                      f"'{action}' refused; only status is allowed")


def confirm(name: str, *, action: str, protected: bool, yes: bool, typed: str | None,
            ask: Callable[[str], str] | None) -> None:
    """Return when the person confirmed `action` on `name`; raise Refused otherwise.

    `typed` is `--confirm NAME`; `ask` prompts on a terminal (None when there is none).
    """
    if protected:
        if typed == name:
            return
        if typed is not None:
            raise Refused(f"--confirm {typed!r} does not match the protected database's name {name!r}")
        if ask is not None and ask(f"{name} is protected. Type its name to {action}: ").strip() == name:
            return
        raise Refused(f"database {name} is protected: '{action}' needs its name typed back "
                      f"(--confirm {name}); --yes alone is not enough")
    if yes or typed == name:
        return
    if ask is not None and ask(f"{action} on {name}? [y/N] ").strip().lower() in ("y", "yes"):
        return
    raise Refused(f"'{action}' on {name} changes data: confirm with --yes")
