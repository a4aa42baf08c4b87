"""Status states as a pure function of files and tracker rows; the guard's confirmation rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workbench.migrate.guard import Refused, confirm, refuse_read_only
from workbench.migrate.status import State, migration_states
from workbench.migrate.tracker import Row
from workbench.migrations import parse_migration


def mg(version: str, body: str = "SELECT 1;", tx: bool = True):  # type: ignore[no-untyped-def]
    marker = "-- migrate:up" if tx else "-- migrate:up transaction:false"
    m, _ = parse_migration(f"{marker}\n{body}\n-- migrate:down\n", f"{version}_m{version}.sql", f"sql/{version}_m.sql")
    assert m is not None
    return m


def row(version: str, checksum: str, *, success: bool = True, kind: str = "migration", done: int = 0) -> Row:
    return Row(version, f"m{version}", checksum, "", datetime(2026, 1, 1, tzinfo=UTC), 5, "me@host", success,
               None if success else "boom", None, done, kind)


def test_every_state() -> None:
    files = [mg("001"), mg("002"), mg("003"), mg("004", tx=False), mg("005"), mg("007"), mg("008")]
    rows = {
        2: row("002", "0" * 64, kind="baseline"),
        3: row("003", files[2].checksum, success=False),
        4: row("004", files[3].checksum, success=False, done=2),
        5: row("005", "f" * 64),
        6: row("006", "e" * 64),
        8: row("008", files[6].checksum),
        9: row("009", "d" * 64),
    }
    got = {s.version: s.state for s in migration_states(files, rows)}
    assert got == {"001": State.BELOW_BASELINE, "002": State.BASELINE, "003": State.FAILED,
                   "004": State.PARTIAL, "005": State.CHECKSUM_MISMATCH, "006": State.MISSING,
                   "007": State.OUT_OF_ORDER, "008": State.APPLIED, "009": State.FUTURE}
    owned = {s.version for s in migration_states(files, {8: rows[8]}, owned={"001"})}
    assert owned == {"001", "008"}  # unowned files show only when the database ran them anyway


def test_confirmation_rules() -> None:
    confirm("dev", action="down", protected=False, yes=True, typed=None, ask=None)
    with pytest.raises(Refused, match="--yes"):
        confirm("dev", action="down", protected=False, yes=False, typed=None, ask=None)
    confirm("dev", action="down", protected=False, yes=False, typed=None, ask=lambda _p: "y")
    with pytest.raises(Refused, match="--yes alone is not enough"):
        confirm("prod", action="reset", protected=True, yes=True, typed=None, ask=None)
    with pytest.raises(Refused, match="does not match"):
        confirm("prod", action="reset", protected=True, yes=True, typed="dev", ask=None)
    confirm("prod", action="reset", protected=True, yes=False, typed="prod", ask=None)
    confirm("prod", action="reset", protected=True, yes=False, typed=None, ask=lambda _p: "prod")
    with pytest.raises(Refused):
        confirm("prod", action="reset", protected=True, yes=False, typed=None, ask=lambda _p: "y")
    with pytest.raises(Refused, match="read-only"):
        refuse_read_only("prod", True, "up")
