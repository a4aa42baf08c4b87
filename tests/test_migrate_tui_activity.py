"""On call in the TUI (issue 19): the Migrations screen shows a migration that waits behind an
idle-in-transaction session of another process as running, then stuck (sorted first), with the
blocker named in its details, and follows it live until the blocker commits. Every wait
synchronises on the server's state (pg_locks) or on the screen's content, never on time."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pilot_helpers import until
from test_migrate_activity import idle_in_transaction, waiting_for_lock_on
from test_migrate_support import make_repo, mig, query, spawn, wait_for
from test_migrate_tui import details, listing, open_migrations, plain, select_database
from textual.coordinate import Coordinate

from workbench.testing import create_database, drop_database
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.migrations import MigrationsScreen
from workbench.tui.shots import settle
from workbench.tui.widgets.fleet_table import FleetTable

TOML = """
[databases.other]
url = "${WB_ONCALL_OTHER}"

[databases.local]
url = "${WB_ONCALL_LOCAL}"
"""


@pytest.fixture
def other_db(pg_admin: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name, url = create_database(pg_admin)
    monkeypatch.setenv("WB_ONCALL_OTHER", url)
    yield url
    drop_database(pg_admin, name)


def fleet_rows(screen: MigrationsScreen) -> list[tuple[str, str]]:
    fleet = screen.query_one(FleetTable)
    return [(str(fleet.coordinate_to_cell_key(Coordinate(i, 0)).row_key.value), plain(fleet.get_row_at(i)[1]))
            for i in range(fleet.row_count)]


def state_of(screen: MigrationsScreen, name: str) -> str:
    return dict(fleet_rows(screen)).get(name, "")


async def test_a_blocked_migration_is_shown_running_then_stuck_then_applied(
        tmp_path: Path, fresh_db: str, other_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WB_ONCALL_LOCAL", fresh_db)
    root = make_repo(tmp_path, {"001_t.sql": mig("CREATE TABLE t (id int);"),
                                "002_add_c.sql": mig("ALTER TABLE t ADD COLUMN c int;", "ALTER TABLE t DROP COLUMN c;")},
                     TOML)
    assert spawn(root, "up", "--url", fresh_db, "--to", "001").wait(timeout=60) == 0
    runner: subprocess.Popen[str] | None = None
    with idle_in_transaction(fresh_db, "SELECT * FROM t") as blocker:
        try:
            # Another process (a deploy) runs 002; its ALTER waits behind the forgotten session.
            runner = spawn(root, "up", "--url", fresh_db, "--lock-timeout", "120s")
            assert wait_for(lambda: waiting_for_lock_on(fresh_db, "t"), timeout=60), "the ALTER never waited"
            blocker_pid = blocker.info.backend_pid
            app = WorkbenchApp(root, watch=False)
            async with app.run_test(size=(110, 40)) as pilot:
                screen = await open_migrations(app, pilot, 2)
                await until(pilot, lambda: state_of(screen, "local") == "▶ running 002")
                # Running is not a problem yet: both databases are behind, in configuration order.
                assert [name for name, _ in fleet_rows(screen)] == ["other", "local"]
                select_database(screen, "local")
                await until(pilot, lambda: f"blocked by pid {blocker_pid}" in details(screen))
                text = details(screen)
                assert "RUNNING: migration 002 add_c (up)" in text
                assert "ALTER TABLE t ADD COLUMN c int" in text
                assert "WAITING" in text and "for AccessExclusiveLock on t" in text
                assert "idle in transaction" in text and "SELECT * FROM t" in text and "forgotten-psql" in text
                assert "STUCK" not in text  # 30 s by default

                # Live: the database with a runner at work is read again and again on its own.
                seen = screen.generations.shown("status:local")
                await until(pilot, lambda: screen.generations.shown("status:local") > seen + 1)
                assert screen.at_work() == [t for t in screen.targets if t.name == "local"]

                # Past the threshold it is stuck: a problem, sorted first, the reason in its details.
                screen.stuck_after = 0.001
                await until(pilot, lambda: state_of(screen, "local") == "⏸ stuck 002")
                assert [name for name, _ in fleet_rows(screen)] == ["local", "other"]
                await until(pilot, lambda: "STUCK: migration 002 add_c" in details(screen))
                assert f"on a lock held by pid {blocker_pid} (idle in transaction: SELECT * FROM t)" in details(screen)
                assert "stuck" in plain(screen.query_one("#migrations-summary").content)  # type: ignore[attr-defined]

                # The blocker commits: the runner finishes, and the screen follows without a key.
                blocker.commit()
                assert runner.wait(timeout=60) == 0
                await until(pilot, lambda: state_of(screen, "local") == "✓ up to date")
                await until(pilot, lambda: "a runner is at work" not in details(screen))
                assert "blocked by" not in details(screen) and "STUCK" not in details(screen)
                assert ["002", "✓ applied"] == listing(screen)[2][:2]
                assert screen.at_work() == []
                assert [name for name, _ in fleet_rows(screen)] == ["other", "local"]
        finally:
            blocker.rollback()
            if runner is not None:
                runner.communicate(timeout=60)
    # What the screen said is what the database holds.
    assert query(fresh_db, "SELECT version FROM workbench.schema_migrations WHERE success ORDER BY version") == \
        [("000",), ("001",), ("002",)]
    assert query(fresh_db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 't'"
                           " AND column_name = 'c'") == [(1,)]


def test_fleet_state_of_a_runner_at_work() -> None:
    """The fleet's label and rank come from DatabaseStatus.activity (the core's verdict)."""
    from workbench.tui.widgets.fleet_table import fleet_state

    st = _status_with_activity(waited=5.0)
    assert (fleet_state(st).label, fleet_state(st).rank, fleet_state(st).word) == ("▶ running 002", 2, "running")
    st = _status_with_activity(waited=45.0)
    assert (fleet_state(st).label, fleet_state(st).rank, fleet_state(st).word) == ("⏸ stuck 002", 0, "stuck")


def test_snapshot_of_a_stuck_migration_at_80x24(snap_compare: Callable[..., bool], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The details of a stuck database at 80x24. Pids and times vary from run to run, so the
    screen is given a fixed status (as the core returns it) newer than any read it makes itself."""
    monkeypatch.delenv("WB_ONCALL_UNSET", raising=False)
    root = make_repo(tmp_path, {"001_t.sql": mig("CREATE TABLE t (id int);"),
                                "002_add_c.sql": mig("ALTER TABLE t ADD COLUMN c int;")},
                     '[databases.local]\nurl = "${WB_ONCALL_UNSET}"\n')

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.app.switch_mode("migrations")
        await until(pilot, lambda: isinstance(pilot.app.screen, MigrationsScreen) and bool(pilot.app.screen.statuses))
        screen = pilot.app.screen
        st = _status_with_activity(waited=95.0, files=list(pilot.app.snapshot.model.migrations))
        screen._take(st, 10**9)  # newer than the screen's own reads of this unreachable target
        screen._render_fleet()
        await until(pilot, lambda: "STUCK: migration 002" in details(screen))
        await settle(pilot)

    app = WorkbenchApp(root, watch=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def _status_with_activity(waited: float, files: list[Any] | None = None) -> Any:
    from datetime import UTC, datetime, timedelta

    from workbench.migrate.activity import Activity, Running, Session, Waiting
    from workbench.migrate.lock import LockHolder
    from workbench.migrate.status import DatabaseStatus, migration_states
    from workbench.migrate.targets import Target
    from workbench.migrate.tracker import Row

    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    since = now - timedelta(seconds=waited)
    runner = Session(4242, "deploy", "workbench migrate up 002 add_c", "10.0.0.5", "active",
                     "ALTER TABLE t ADD COLUMN c int", since, since, since, since, "Lock", "relation", now)
    blocker = Session(4100, "alice", "psql", "10.0.0.9", "idle in transaction", "SELECT * FROM t",
                      since, since, since, since, "Client", "ClientRead", now)
    activity = Activity(Running(runner, "up", "002", "add_c", Waiting("relation", "AccessExclusiveLock", "t", since)),
                        waiting_on=[blocker])
    target = Target(name="local", url="postgresql://localhost/x")
    rows = {int(mg.version): Row(mg.version, mg.name, mg.checksum, mg.text, now - timedelta(days=1), 12, "deploy",
                                 True, None, None, 1, "migration") for mg in files or [] if mg.version < "002"}
    return DatabaseStatus(target, "postgresql://deploy@db.example.com/shop", reachable=True,
                          migrations=migration_states(files, rows) if files else [],
                          lock_holder=LockHolder(4242, "workbench migrate up 002 add_c", "deploy", since, "10.0.0.5"),
                          activity=activity)


async def test_an_older_read_never_replaces_a_newer_one() -> None:
    """Generation tags: a slow full read (started first) answering after a live read is dropped."""
    screen = MigrationsScreen()
    newer = _status_with_activity(waited=5.0)
    screen.targets = [newer.target]
    older = _status_with_activity(waited=1.0)
    assert screen._take(newer, 7) and not screen._take(older, 6)
    assert screen.statuses["local"] is newer and screen.at_work() == [newer.target]
    screen.stuck_after = 2.0  # the threshold is applied to what is taken, as `status --stuck-after` does
    assert screen._take(older, 7) and not screen.statuses["local"].stuck
    assert screen._take(newer, 8) and screen.statuses["local"].stuck


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["unreachable", "stuck", "running", "behind", "up to date"]), min_size=1, max_size=8))
def test_stuck_databases_sort_first_and_running_ones_before_settled(kinds: list[str]) -> None:
    from workbench.migrate.status import DatabaseStatus
    from workbench.migrate.targets import Target
    from workbench.tui.widgets.fleet_table import fleet_state, ordered, summary

    targets = [Target(name=f"db{i}", url="postgresql://localhost/x") for i in range(len(kinds))]
    statuses: dict[str, DatabaseStatus] = {}
    for t, kind in zip(targets, kinds, strict=True):
        if kind in ("stuck", "running"):
            s = _status_with_activity(waited=45.0 if kind == "stuck" else 5.0)
            s.target = t
        else:
            s = DatabaseStatus(t, t.url, reachable=kind != "unreachable", error="down" if kind == "unreachable" else None)
            if kind == "behind":
                s.migrations = _status_with_activity(0.0, files=_files()).migrations
        statuses[t.name] = s
    rows = ordered(targets, statuses)
    shown = [fleet_state(statuses[t.name]).word for t in rows]
    assert sorted(shown) == sorted(kinds)
    ranks = [fleet_state(statuses[t.name]).rank for t in rows]
    assert ranks == sorted(ranks)
    last_problem = max((i for i, w in enumerate(shown) if w in ("stuck", "unreachable")), default=-1)
    assert all(w in ("stuck", "unreachable") for w in shown[:last_problem + 1])
    assert ordered(targets, statuses, "problems") == [t for t in rows if fleet_state(statuses[t.name]).word != "up to date"]
    for word in ("stuck", "running"):
        if word in kinds:
            assert f"{kinds.count(word)} {word}" in summary(targets, statuses)


def _files() -> list[Any]:
    from workbench.contracts.migration_files import parse_migration

    out = []
    for i in (1, 2):
        mg, _ = parse_migration(mig(f"CREATE TABLE m{i} (id int);"), f"00{i}_m{i}.sql", f"sql/00{i}_m{i}.sql")
        out.append(mg)
    return out
