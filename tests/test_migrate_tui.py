"""The Migrations screen driven as a user would, on real PostgreSQL databases."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pilot_helpers import until
from rich.console import Console
from test_migrate_support import make_repo, mig, query
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Log, Static

from workbench.testing import create_database, drop_database
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.migrations import MigrationsScreen
from workbench.tui.widgets.confirm_run import ConfirmRun
from workbench.tui.widgets.fleet_table import FleetTable

TOML = """
[databases.local]
url = "${WB_TUI_LOCAL}"

[databases.prod]
url = "${WB_TUI_PROD}"
protected = true

[databases.gone]
url = "${WB_TUI_UNSET_VARIABLE}"
"""


@pytest.fixture
def two_dbs(pg_admin: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    made = [create_database(pg_admin) for _ in range(2)]
    monkeypatch.setenv("WB_TUI_LOCAL", made[0][1])
    monkeypatch.setenv("WB_TUI_PROD", made[1][1])
    monkeypatch.delenv("WB_TUI_UNSET_VARIABLE", raising=False)
    yield [url for _, url in made]
    for name, _ in made:
        drop_database(pg_admin, name)


def plain(renderable: object) -> str:
    text = getattr(renderable, "plain", None)
    if isinstance(text, str):
        return text
    console = Console(width=300, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def listing(screen: MigrationsScreen) -> list[list[str]]:
    """The selected database's migrations: [version, state, name] per row."""
    table = screen.query_one("#migrations-list", DataTable)
    return [[plain(c).strip() for c in table.get_row_at(i)] for i in range(table.row_count)]


def details(screen: MigrationsScreen) -> str:
    return plain(screen.query_one("#migrations-cell", Static).content)


def select_database(screen: MigrationsScreen, name: str) -> None:
    fleet = screen.query_one(FleetTable)
    fleet.move_cursor(row=fleet.get_row_index(name))


def dialog_text(app: WorkbenchApp) -> str:
    return "\n".join(plain(w.content) for w in app.screen.query(Static))


async def confirm(pilot: Any) -> None:
    """Enter alone would press Cancel (the default): tab to the run button, then Enter."""
    await pilot.press("tab", "enter")


async def open_migrations(app: WorkbenchApp, pilot: Any, databases: int) -> MigrationsScreen:
    await until(pilot, lambda: app.snapshot is not None)
    app.switch_mode("migrations")
    await until(pilot, lambda: isinstance(app.screen, MigrationsScreen) and len(app.screen.statuses) == databases)
    screen = app.screen
    assert isinstance(screen, MigrationsScreen)
    return screen


async def test_fleet_apply_confirm_protected_and_details(tmp_path: Path, two_dbs: list[str]) -> None:
    local, prod = two_dbs
    root = make_repo(tmp_path, {"001_create_a.sql": mig("CREATE TABLE a (id int);", "DROP TABLE a;"),
                                "002_index_a.sql": mig("CREATE INDEX a_id ON a (id);", "DROP INDEX a_id;")}, TOML)
    app = WorkbenchApp(root, watch=False)
    async with app.run_test(size=(110, 32)) as pilot:
        screen = await open_migrations(app, pilot, 3)
        fleet = screen.query_one(FleetTable)
        # Problems first: the unreachable one on top, then the two behind in configuration order.
        assert [fleet.coordinate_to_cell_key(Coordinate(i, 0)).row_key.value for i in range(3)] == \
            ["gone", "local", "prod"]
        assert "3 databases · 0 up to date · 1 unreachable · 2 behind" in plain(
            screen.query_one("#migrations-summary", Static).content)
        select_database(screen, "local")
        await pilot.pause()
        assert [r[:2] for r in listing(screen)] == [["000", "· pending"], ["001", "· pending"], ["002", "· pending"]]
        # Details of the selected migration: the SQL, the lint finding of 002 and the lock plan.
        screen.query_one("#migrations-list", DataTable).move_cursor(row=2)
        await pilot.pause()
        text = details(screen)
        assert "CREATE INDEX a_id ON a (id)" in text and "require-concurrent-index-creation" in text
        assert "lock: SHARE on a  <- blocks writes" in text and "BEGIN" in text

        # Apply on local: the dialog names every migration and the database; Enter alone cancels.
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        asked = dialog_text(app)
        assert "Apply 3 migration(s) to local?" in asked and "002 index_a" in asked
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmRun))
        assert query(local, "SELECT to_regclass('workbench.schema_migrations')") == [(None,)]
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        await confirm(pilot)
        await until(pilot, lambda: listing(screen)[2][1] == "✓ applied")
        assert any("applied 002 index_a" in line for line in screen.query_one(Log).lines)
        assert query(local, "SELECT count(*) FROM workbench.schema_migrations")[0][0] == 3

        # Roll back: the dialog names the migration and the database.
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        assert "Roll back 002 index_a on local?" in dialog_text(app)
        await confirm(pilot)
        await until(pilot, lambda: listing(screen)[2][1] == "· pending")
        assert any("rolled back 002 index_a" in line for line in screen.query_one(Log).lines)
        assert query(local, "SELECT to_regclass('public.a_id')") == [(None,)]

        # prod is protected: the name must be typed back.
        select_database(screen, "prod")
        await pilot.pause()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        app.screen.query_one(Input).value = "wrong"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmRun)  # still asking
        app.screen.query_one(Input).value = "prod"
        await pilot.press("enter")
        await until(pilot, lambda: screen.selected_status() is not None
                    and screen.selected_status().up_to_date)  # type: ignore[union-attr]
        assert "⚿" in plain(fleet.get_row("prod")[0])

        # The unreachable database says why.
        select_database(screen, "gone")
        await pilot.pause()
        assert "WB_TUI_UNSET_VARIABLE" in details(screen)
        assert query(prod, "SELECT value FROM workbench_guard.marks WHERE key = 'protected'") == [("true",)]


async def test_rollback_of_a_missing_file_says_so_and_needs_its_name(tmp_path: Path, two_dbs: list[str]) -> None:
    local, _ = two_dbs
    root = make_repo(tmp_path, {"001_create_a.sql": mig("CREATE TABLE a (id int);", "DROP TABLE a;")}, TOML)
    app = WorkbenchApp(root, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_migrations(app, pilot, 3)
        select_database(screen, "local")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        await confirm(pilot)
        await until(pilot, lambda: len(listing(screen)) == 2 and listing(screen)[1][1] == "✓ applied")
        (root / "sql" / "001_create_a.sql").unlink()  # renamed away, or deleted
        await pilot.press("ctrl+r")  # reload the model
        # Newest of all now, so "future" (applied, newer than any file) rather than "missing".
        await until(pilot, lambda: len(listing(screen)) == 2 and listing(screen)[1][1] == "» future")
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        asked = dialog_text(app)
        assert "Roll back 001 create_a on local?" in asked and "file is missing" in asked
        await pilot.press("enter")  # an empty name is refused
        await pilot.pause()
        assert isinstance(app.screen, ConfirmRun)
        app.screen.query_one(Input).value = "create_a"
        await pilot.press("enter")
        await until(pilot, lambda: len(listing(screen)) == 1)
        assert query(local, "SELECT to_regclass('public.a')") == [(None,)]


async def test_apply_to_all_runs_every_database_but_protected_ones(tmp_path: Path, two_dbs: list[str],
                                                                   pg_admin: str, monkeypatch: Any) -> None:
    local, prod = two_dbs
    name, third = create_database(pg_admin)
    try:
        monkeypatch.setenv("WB_TUI_THIRD", third)
        toml = TOML + '\n[databases.third]\nurl = "${WB_TUI_THIRD}"\n'
        root = make_repo(tmp_path, {"001_create_a.sql": mig("CREATE TABLE a (id int);", "DROP TABLE a;")}, toml)
        app = WorkbenchApp(root, watch=False)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_migrations(app, pilot, 4)
            await pilot.press("A")
            await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
            asked = dialog_text(app)
            assert "Apply 4 migration(s) to 2 database(s)" in asked
            assert "prod (protected" in asked and "gone (" in asked
            await confirm(pilot)
            await until(pilot, lambda: not screen.running and "2 up to date" in plain(
                screen.query_one("#migrations-summary", Static).content))
        for url in (local, third):
            assert query(url, "SELECT to_regclass('public.a') IS NOT NULL") == [(True,)]
        assert query(prod, "SELECT to_regclass('workbench.schema_migrations')") == [(None,)]
    finally:
        drop_database(pg_admin, name)
