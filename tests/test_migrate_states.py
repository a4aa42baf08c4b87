"""Status states as a pure function of files and tracker rows; the guard's confirmation rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workbench.contracts.migration_files import parse_migration
from workbench.migrate.guard import Refused, confirm, refuse_read_only
from workbench.migrate.status import State, migration_states
from workbench.migrate.tracker import Row


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


def test_states_of_stopped_nontransactional_runs() -> None:
    from dataclasses import replace

    from workbench.migrate.tracker import Rollback

    files = [mg("001", tx=False), mg("002", tx=False), mg("003", tx=False), mg("004")]
    rows = {
        1: row("001", files[0].checksum, success=False),  # its first statement failed: nothing remains
        2: replace(row("002", files[1].checksum, success=False), error=None),  # killed: no error recorded
        3: replace(row("003", files[2].checksum), rollback=Rollback(1, "boom", "DROP TABLE x")),
        4: replace(row("004", files[3].checksum), rollback=Rollback(0)),
    }
    got = {s.version: s.state for s in migration_states(files, rows)}
    assert got == {"001": State.FAILED, "002": State.PARTIAL, "003": State.PARTIALLY_ROLLED_BACK,
                   "004": State.PARTIALLY_ROLLED_BACK}


@pytest.mark.parametrize("value", ["", "{", "[]", "null", '{"statements_done": -1}', '{"statements_done": true}',
                                   '{"statements_done": "2"}', '{"statements_done": 2, "error": 5, "down": []}'])
def test_a_rollback_record_edited_by_hand_still_reads_as_a_stopped_rollback(value: str) -> None:
    from workbench.migrate.tracker import Rollback

    got = Rollback.from_setting(value)
    assert got.statements_done >= 0 and isinstance(got.down, str)
    assert got.error is None or isinstance(got.error, str)
