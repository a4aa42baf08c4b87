"""The Seeds screen driven as a user would, on a real PostgreSQL database."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pilot_helpers import until
from rich.console import Console
from test_seed_support import count, migrate, write_fixture
from textual.widgets import DataTable, Input, Static

from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.seeds import PAGE_SIZE, SeedsScreen
from workbench.tui.widgets.confirm_run import ConfirmRun

TOML = """
[databases.local]
url = "${WB_SEED_TUI_LOCAL}"
"""
TOML_PROTECTED = """
[databases.shop]
url = "${WB_SEED_TUI_LOCAL}"
protected = true
"""


def plain(renderable: object) -> str:
    text = getattr(renderable, "plain", None)
    if isinstance(text, str):
        return text
    console = Console(width=300, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text().rstrip("\n")



@pytest.fixture
def repo(fresh_db: str, repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    migrate(repo_copy, fresh_db)
    monkeypatch.setenv("WB_SEED_TUI_LOCAL", fresh_db)
    (repo_copy / "workbench.toml").write_text(TOML)
    return repo_copy


def diff_text(screen: SeedsScreen) -> str:
    return plain(screen.query_one("#seeds-diff", Static).content)


async def open_seeds(app: WorkbenchApp, pilot: Any) -> SeedsScreen:
    app.switch_mode("seeds")
    await until(pilot, lambda: isinstance(app.screen, SeedsScreen) and bool(app.screen.fixtures)
                and app.screen.selected_target() is not None
                and app.snapshot is not None and app.snapshot.checked)
    assert isinstance(app.screen, SeedsScreen)
    return app.screen


async def test_dry_run_apply_and_an_edited_price(repo: Path, fresh_db: str) -> None:
    app = WorkbenchApp(repo, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_seeds(app, pilot)
        table = screen.query_one("#seeds-fixtures", DataTable)
        rows = {plain(table.get_row_at(i)[0]): [plain(c) for c in table.get_row_at(i)] for i in range(table.row_count)}
        assert rows["products"][1:] == ["74", "✓ valid"]
        assert len(rows) == 22

        await pilot.press("d")
        await until(pilot, lambda: "dry-run on" in diff_text(screen))
        text = diff_text(screen)
        assert "+74 inserted" in text and "nothing written" not in text
        assert count(fresh_db, "products") == 0

        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        await pilot.press("enter")
        await until(pilot, lambda: "seeded" in diff_text(screen))
        assert count(fresh_db, "products") == 74

        path = repo / "seeders" / "products.json"
        data = json.loads(path.read_text())
        data["rows"][0]["unit_price_minor"] = 11111
        write_fixture(repo, "products.json", "products", data["rows"], data["key"])
        await pilot.press("d")
        await until(pilot, lambda: "dry-run on" in diff_text(screen) and "11111" in diff_text(screen))
        text = diff_text(screen)
        assert "~1 updated" in text and "unit_price_minor: 10500 → 11111" in text
        with psycopg.connect(fresh_db) as conn:
            assert conn.execute("SELECT unit_price_minor FROM products WHERE id = 1").fetchone() == (10500,)


async def test_invalid_rows_are_marked_with_their_finding(repo: Path) -> None:
    write_fixture(repo, "roles.json", "roles", [{"id": 1, "name": "admin"}, {"id": 2, "name": "clerk", "colour": 1}],
                  ["name"])
    app = WorkbenchApp(repo, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_seeds(app, pilot)
        table = screen.query_one("#seeds-fixtures", DataTable)
        index = next(i for i in range(table.row_count) if plain(table.get_row_at(i)[0]) == "roles")
        assert plain(table.get_row_at(index)[2]).startswith("✗")
        table.move_cursor(row=index)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        preview = screen.query_one("#seeds-preview", DataTable)
        assert plain(preview.get_row_at(1)[0]) == "✗" and plain(preview.get_row_at(0)[0]) == ""
        assert "colour" in plain(screen.query_one("#seeds-row-finding", Static).content)
        # The live validation names the row too.
        await pilot.press("d")
        await until(pilot, lambda: "invalid: nothing written" in diff_text(screen))
        assert "SEED_UNKNOWN_COLUMN" in diff_text(screen)


async def test_protected_database_needs_the_typed_name(repo: Path, fresh_db: str) -> None:
    (repo / "workbench.toml").write_text(TOML_PROTECTED)
    app = WorkbenchApp(repo, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_seeds(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        app.screen.query_one(Input).value = "wrong"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmRun)
        app.screen.query_one(Input).value = "shop"
        await pilot.press("enter")
        await until(pilot, lambda: "seeded" in diff_text(screen))
        assert count(fresh_db, "roles") == 9


async def test_a_100000_row_fixture_opens_at_once(repo: Path) -> None:
    rows = [{"id": i, "name": f"role_{i}", "description": "generated"} for i in range(1, 100_001)]
    write_fixture(repo, "roles.json", "roles", rows, ["name"])
    app = WorkbenchApp(repo, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_seeds(app, pilot)
        table = screen.query_one("#seeds-fixtures", DataTable)
        index = next(i for i in range(table.row_count) if plain(table.get_row_at(i)[0]) == "roles")
        big = next(f for f in screen.fixtures if f.table == "roles")
        table.move_cursor(row=index)
        await pilot.pause()
        assert screen.selected_rel == big.rel
        # Opening it is one page of work on the UI thread, whatever the fixture's size: the
        # preview table holds one page of rows, never the fixture (timed in bench/bench_tui.py).
        screen._show_preview(big)
        assert screen.query_one("#seeds-preview", DataTable).row_count == PAGE_SIZE
        assert "100,000 rows" in plain(screen.query_one("#seeds-preview-title", Static).content)
        # Wait for the checked snapshot first: its reload must not undo the paging either.
        await until(pilot, lambda: app.snapshot is not None and app.snapshot.checked and not app._pending)
        await pilot.press("n")
        pager = screen.query_one("#seeds-pager", Static)
        await until(pilot, lambda: "page 2/1000" in plain(pager.content))


async def test_saving_a_fixture_revalidates_and_repeats_the_dry_run(repo: Path) -> None:
    from workbench.tui.messages import FilesChanged

    app = WorkbenchApp(repo, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_seeds(app, pilot)
        await pilot.press("d")
        await until(pilot, lambda: "dry-run on" in diff_text(screen) and "+9 inserted" in diff_text(screen))
        write_fixture(repo, "roles.json", "roles", [{"id": 1, "name": "admin", "colour": "red"}], ["name"])
        app.post_message(FilesChanged(frozenset({"seeders/roles.json"})))  # what the file watcher posts
        await until(pilot, lambda: "SEED_UNKNOWN_COLUMN" in diff_text(screen))
        table = screen.query_one("#seeds-fixtures", DataTable)
        states = {plain(table.get_row_at(i)[0]): plain(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert states["roles"].startswith("✗") and states["brands"] == "✓ valid"


async def test_mode_replace_previews_deletions(repo: Path, fresh_db: str) -> None:
    app = WorkbenchApp(repo, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_seeds(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun))
        await pilot.press("enter")
        await until(pilot, lambda: "seeded" in diff_text(screen))
        with psycopg.connect(fresh_db) as conn:
            conn.execute("INSERT INTO payments (order_id, attempt_number, method, amount_minor, currency_code)"
                         " VALUES (1, 2, 'cash', 100, 'INR')")
        await pilot.press("m", "m")
        assert "replace" in plain(screen.query_one("#seeds-mode", Static).content)
        await pilot.press("d")
        await until(pilot, lambda: "dry-run on" in diff_text(screen) and "deleted" in diff_text(screen))
        assert "-1 deleted" in diff_text(screen)
        assert count(fresh_db, "payments") == 12  # the 11 fixture payments and the extra one: a dry-run deletes nothing


async def test_a_reload_keeps_the_preview_page(repo: Path) -> None:
    """Paging the preview survives every later reload (a save of another file): the reload
    re-renders the fixture list, and its highlight events must not send the preview to page 1."""
    from workbench.tui.messages import FilesChanged

    rows = [{"id": i, "name": f"role_{i}", "description": "generated"} for i in range(1, 301)]
    write_fixture(repo, "roles.json", "roles", rows, ["name"])
    app = WorkbenchApp(repo, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_seeds(app, pilot)
        table = screen.query_one("#seeds-fixtures", DataTable)
        index = next(i for i in range(table.row_count) if plain(table.get_row_at(i)[0]) == "roles")
        table.move_cursor(row=index)
        await until(pilot, lambda: screen.selected_rel.endswith("roles.json"))
        await pilot.press("n")
        pager = screen.query_one("#seeds-pager", Static)
        await until(pilot, lambda: plain(pager.content).startswith("page 2/"))
        before = app.snapshot
        app.post_message(FilesChanged(frozenset({"seeders/brands.json"})))  # what the file watcher posts
        await until(pilot, lambda: app.snapshot is not before and not app._pending)
        for _ in range(5):
            await pilot.pause()
        assert screen.selected_rel.endswith("roles.json")
        assert plain(pager.content).startswith("page 2/")
