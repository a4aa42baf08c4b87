"""The Migrations screen driven as a user would, on real PostgreSQL databases."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pilot_helpers import until
from rich.console import Console
from test_migrate_support import make_repo, mig, query
from textual.widgets import DataTable, Input, Log, Static

from workbench.testing import create_database, drop_database
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.migrations import MigrationsScreen
from workbench.tui.widgets.confirm_run import ConfirmRun

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


def grid_text(screen: MigrationsScreen) -> list[list[str]]:
    grid = screen.query_one(DataTable)
    return [[plain(c) for c in grid.get_row_at(i)] for i in range(grid.row_count)]



async def test_grid_apply_confirm_protected_and_details(tmp_path: Path, two_dbs: list[str]) -> None:
    local, prod = two_dbs
    root = make_repo(tmp_path, {"001_create_a.sql": mig("CREATE TABLE a (id int);", "DROP TABLE a;"),
                                "002_index_a.sql": mig("CREATE INDEX a_id ON a (id);", "DROP INDEX a_id;")}, TOML)
    app = WorkbenchApp(root, watch=False)
    async with app.run_test(size=(110, 32)) as pilot:
        app.switch_mode("migrations")
        await until(pilot, lambda: isinstance(app.screen, MigrationsScreen) and bool(app.screen.statuses))
        screen = app.screen
        assert isinstance(screen, MigrationsScreen)
        rows = grid_text(screen)
        assert [r[0] for r in rows] == ["000 migration_tracker", "001 create_a", "002 index_a"]
        assert rows[1][1:] == ["· pending", "· pending", "— unreachable"]
        legend = plain(screen.query_one("#migrations-legend", Static).content)
        assert "✓ applied" in legend and "≠ edited" in legend
        # Details of the selected cell: the SQL, and the lint finding of 002 (index on an existing table).
        screen.query_one(DataTable).move_cursor(row=2, column=1)
        await pilot.pause()
        details = plain(screen.query_one("#migrations-cell", Static).content)
        assert "CREATE INDEX a_id ON a (id)" in details and "require-concurrent-index-creation" in details
        assert "lock: SHARE on a  <- blocks writes" in details and "BEGIN" in details  # the lock plan

        # Apply on local: a plain confirmation.
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        await pilot.press("enter")
        await until(pilot, lambda: grid_text(screen)[2][1] == "✓ applied")
        assert any("applied 002 index_a" in line for line in screen.query_one(Log).lines)
        assert query(local, "SELECT count(*) FROM workbench.schema_migrations")[0][0] == 3

        # Roll back the newest migration of local.
        screen.query_one(DataTable).move_cursor(row=2, column=1)
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        await pilot.press("enter")
        await until(pilot, lambda: grid_text(screen)[2][1] == "· pending")
        assert any("rolled back 002 index_a" in line for line in screen.query_one(Log).lines)

        # prod is protected: the name must be typed back.
        screen.query_one(DataTable).move_cursor(row=1, column=2)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        app.screen.query_one(Input).value = "wrong"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmRun)  # still asking
        app.screen.query_one(Input).value = "prod"
        await pilot.press("enter")
        await until(pilot, lambda: grid_text(screen)[2][2] == "✓ applied")
        assert "⚿" in plain(screen.query_one(DataTable).ordered_columns[2].label)

        # The unreachable database says why.
        screen.query_one(DataTable).move_cursor(row=0, column=3)
        await pilot.pause()
        assert "WB_TUI_UNSET_VARIABLE" in plain(screen.query_one("#migrations-cell", Static).content)
        assert query(prod, "SELECT value FROM workbench_guard.marks WHERE key = 'protected'") == [("true",)]
