"""Pilot tests: the entity browser as a user drives it, on a small demo repository."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pilot_helpers import until
from rich.console import Console
from test_tui_support import make_demo_repo, settle
from textual.widgets import DataTable, Static, TabbedContent

from workbench.tui.app import WorkbenchApp
from workbench.tui.messages import ModelReloaded
from workbench.tui.screens.entities import EntitiesScreen
from workbench.tui.widgets.code_view import CodeView
from workbench.tui.widgets.entity_tree import EntityTree


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return make_demo_repo(tmp_path / "repo")


def text_of(widget: Static) -> str:
    """The plain text a Static shows (Content or a Rich renderable)."""
    content = widget.content
    plain = getattr(content, "plain", None)
    if isinstance(plain, str):
        return plain
    console = Console(width=300, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


def screen_text(app: WorkbenchApp, selector: str) -> str:
    return "\n".join(text_of(w) for w in app.screen.query(selector).results(Static))



async def wait_for(pilot: object, predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    await until(pilot, predicate, timeout)


async def test_tree_groups_entities_by_domain_down_to_enum_values(demo: Path) -> None:
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(EntityTree)
        domains = [str(n.label) for n in tree.root.children]
        assert domains == ["Customers", "Orders"]
        order = tree.root.children[1].children[0]
        assert str(order.label) == "Order ✗1"  # the deliberate nullability mismatch
        assert not order.children  # fields are added on first expand (500-entity repos stay fast)
        await pilot.press("down", "down", "right")  # Orders > Order, expand
        await pilot.pause()
        fields = [n.data.field for n in order.children if n.data]
        assert fields == ["id", "customer_id", "status", "total_minor", "note"]
        status = order.children[2]
        assert [n.data.enum_value for n in status.children if n.data] == [
            "ORDER_STATUS_UNSPECIFIED", "ORDER_STATUS_PENDING", "ORDER_STATUS_PAID"]


async def test_navigate_tree_and_every_tab(demo: Path) -> None:
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntitiesScreen)
        assert screen.entity == "Customer"  # the first entity is selected on load
        await pilot.press("down", "down")  # Customer -> Orders (domain) -> Order
        await pilot.pause()
        assert screen.entity == "Order"
        assert "message Order {" in text_of(screen.query_one(CodeView))

        await pilot.press("s")
        await pilot.pause()
        sql = screen_text(app, ".sql-tables")
        assert "note" in sql and "003" in sql  # the column added by migration 003
        assert "orders_status_check" in sql and "orders_customer_id_idx" in sql

        await pilot.press("m")
        await pilot.pause()
        notes = screen_text(app, ".mapping-notes")
        assert "LAYER_NULLABILITY" in notes and "note" in notes
        assert "✗" in screen_text(app, ".mapping-table")

        await pilot.press("d")
        await pilot.pause()
        rows = screen.query_one(".seed-rows", DataTable)
        assert rows.row_count == 3

        await pilot.press("f")
        await pilot.pause()
        findings = screen.query_one(".findings-rows", DataTable)
        assert findings.row_count >= 1

        await pilot.press("p", "left_square_bracket")  # [ wraps around to the last tab
        await pilot.pause()
        assert screen.query_one(TabbedContent).active != "tab-proto"
        await pilot.press("right_square_bracket")  # ] back to the first
        await pilot.pause()
        assert screen.query_one(TabbedContent).active == "tab-proto"


async def test_finding_opens_its_place(demo: Path) -> None:
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "f", "w", "enter")
        await pilot.pause()
        await pilot.pause()
        from workbench.tui.screens.source import SourceScreen

        assert isinstance(app.screen, SourceScreen)
        assert app.screen.file == "proto/demo.proto"
        assert "▶" in text_of(app.screen.query_one(CodeView))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EntitiesScreen)


async def test_fuzzy_jump_to_a_field_and_an_enum_value(demo: Path) -> None:
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"ordstatus", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntitiesScreen)
        assert (screen.entity, screen.field) == ("Order", "status")
        await pilot.press("slash", *"PAID", "enter")
        await settle(pilot)
        assert screen.enum_value == "ORDER_STATUS_PAID"
        assert "ORDER_STATUS_PAID = 2;" in text_of(screen.query_one(CodeView))


async def test_help_lists_every_key_and_palette_runs_actions(demo: Path) -> None:
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        from workbench.tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        keys = text_of(app.screen.query_one("#help-keys", Static))
        for expected in ("Fuzzy jump", "Show the Mapping tab", "Seeds tab", "Next page of rows",
                         "Entities", "Quit"):
            assert expected in keys
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p", *"mapping tab")
        await until(pilot, lambda: palette_offers(app, "Mapping tab"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "tab-mapping"
        await pilot.press("ctrl+p", *"jump to Customer.email")
        await until(pilot, lambda: palette_offers(app, "Customer.email"))
        await pilot.press("enter")
        await settle(pilot)
        assert (app.screen.entity, app.screen.field) == ("Customer", "email")


async def test_seeds_page_search_and_sort(demo: Path) -> None:
    import json

    rows = [{"id": i, "customer_id": 1 + i % 3, "status": "paid" if i % 2 else "pending",
             "total_minor": 1000 * i, "note": f"note {i}"} for i in range(1, 251)]
    (demo / "seeders" / "orders.json").write_text(json.dumps({"table": "orders", "rows": rows}))
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "d", "w")
        await pilot.pause()
        table = app.screen.query_one(".seed-rows", DataTable)
        assert table.row_count == 100
        await pilot.press("n", "n")
        await pilot.pause()
        assert table.row_count == 50
        assert table.get_row_at(0)[0] == "201"
        await pilot.press("ctrl+f", *"note 12", "enter")
        await settle(pilot)
        assert table.row_count == 11  # note 12, note 120..129
        await pilot.press("r")  # sort by the cursor's column (id), then reverse
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert table.get_row_at(0)[0] == "129"


async def test_failed_worker_shows_an_error_not_a_crash(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import workbench.workspace as live

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(live, "reload", broken)
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        from workbench.tui.errors import ErrorScreen

        await until(pilot, lambda: isinstance(app.screen, ErrorScreen))
        assert "disk on fire" in text_of(app.screen.query_one("#error-message", Static))
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_first_load_shows_the_model_then_its_checks(demo: Path) -> None:
    messages: list[object] = []
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await settle(pilot)
        snapshots = [m.snapshot for m in messages if isinstance(m, ModelReloaded)]
        # The first look (protos alone), then migrations and fixtures, then the checks.
        assert [(s.loading, s.checked) for s in snapshots] == [
            (("proto", "sql", "seeds"), False), ((), False), ((), True)]
        assert snapshots[0].model.entities and not snapshots[0].model.migrations
        # The first look only scanned the protos; the full load compiled them (descriptors, findings).
        assert snapshots[0].model.descriptor_set is None and snapshots[1].model.descriptor_set is not None
        assert snapshots[1].model.migrations and snapshots[1].model.fixtures
        assert not any(f.rule == "LAYER_NULLABILITY" for f in snapshots[1].findings)
        assert any(f.rule == "LAYER_NULLABILITY" for f in snapshots[2].findings)


async def test_quits_cleanly(demo: Path) -> None:
    app = WorkbenchApp(demo, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (None, 0)


# -- live reload with the real file watcher --------------------------------------------------------

async def test_editing_a_field_type_updates_the_mapping_tab(demo: Path) -> None:
    messages: list[object] = []
    app = WorkbenchApp(demo, watch=True)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "m")
        await pilot.pause()
        assert "total_minor" not in screen_text(app, ".mapping-notes")
        await wait_for(pilot, lambda: any(w.group == "file-watcher" and w.is_running for w in app.workers))
        proto = demo / "proto" / "demo.proto"
        before = app.snapshot.generation
        proto.write_text(proto.read_text().replace("int64 total_minor = 4;", "string total_minor = 4;"))
        await wait_for(pilot, lambda: app.snapshot.generation > before)
        await settle(pilot)
        assert app.screen.entity == "Order"  # selection kept
        notes = screen_text(app, ".mapping-notes")
        assert "LAYER_TYPE_MISMATCH" in notes and "total_minor" in notes
        reloaded = [m for m in messages if isinstance(m, ModelReloaded)]
        assert reloaded[-1].snapshot.changed == frozenset({"proto/demo.proto"})


async def test_broken_file_is_a_finding_and_the_last_good_model_stays(demo: Path) -> None:
    app = WorkbenchApp(demo, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: any(w.group == "file-watcher" and w.is_running for w in app.workers))
        proto = demo / "proto" / "demo.proto"
        good = proto.read_text()
        before = app.snapshot.generation
        proto.write_text(good.replace("int64 customer_id = 2;", "int64 customer_id = 2\n  oops"))
        await wait_for(pilot, lambda: app.snapshot.generation > before)
        await settle(pilot)
        snapshot = app.snapshot
        assert snapshot.stale == ("proto",)
        broken = [f for f in snapshot.findings if f.file == "proto/demo.proto" and f.severity == "error"]
        assert broken and broken[0].line > 0
        tree = app.screen.query_one(EntityTree)
        assert [str(n.label) for n in tree.root.children] == ["Customers", "Orders"]  # still browsable
        await pilot.press("a")  # all findings
        await pilot.pause()
        assert app.screen.query_one(".findings-rows", DataTable).row_count >= 1

        broken_generation = app.snapshot.generation
        proto.write_text(good)
        await wait_for(pilot, lambda: app.snapshot.generation > broken_generation)
        await settle(pilot)
        assert app.snapshot.stale == ()
        assert not [f for f in app.snapshot.findings if f.file == "proto/demo.proto" and f.severity == "error"
                    and f.rule.startswith("PROTO")]


async def test_keymap_from_workbench_toml(demo: Path) -> None:
    config = demo / "workbench.toml"
    config.write_text(config.read_text() + '\n[keymap]\n"entities.tab.sql" = "x"\n')
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "tab-sql"


async def test_every_registered_screen_opens_by_its_key(demo: Path) -> None:
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for entry in app.screen_entries:
            await pilot.press(entry.key)
            await pilot.pause()
            assert app.current_mode == entry.id
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, EntitiesScreen)


async def test_tab_keys_work_from_inside_a_tab(demo: Path) -> None:
    # Hiding the pane that holds the focus must not bounce back to it (TabbedContent follows focus).
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "d")
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen.focused, DataTable)
        await pilot.press("f")
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "tab-findings"
        assert app.screen.focused is app.screen.query_one(".findings-rows", DataTable)


async def test_a_folder_created_later_is_watched(demo: Path) -> None:
    import shutil

    fixtures = demo / "seeders"
    saved = demo.parent / "saved-seeders"
    shutil.move(fixtures, saved)
    app = WorkbenchApp(demo, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: any(w.group == "file-watcher" and w.is_running for w in app.workers))
        assert app.snapshot.model.fixtures == []
        before = app.snapshot.generation
        shutil.move(saved, fixtures)  # the folder appears: reload, and watch it from now on
        await wait_for(pilot, lambda: app.snapshot.generation > before and app.snapshot.model.fixtures != [])
        await settle(pilot)
        await wait_for(pilot, lambda: fixtures in app._watched_folders)
        before = app.snapshot.generation
        orders = fixtures / "orders.json"
        orders.write_text(orders.read_text().replace('"Nux vomica 200C"', '"Nux vomica 30C"'))
        await wait_for(pilot, lambda: app.snapshot.generation > before)
        fixture = app.snapshot.model.fixture_for("orders")
        assert fixture is not None and fixture.rows[2]["note"] == "Nux vomica 30C"


def palette_offers(app: WorkbenchApp, text: str) -> bool:
    """The command palette is open and its highlighted (first) option mentions `text`."""
    from textual.command import CommandList, CommandPalette

    if not isinstance(app.screen, CommandPalette):
        return False
    options = app.screen.query_one(CommandList)
    return options.option_count > 0 and options.highlighted == 0 and text.lower() in str(
        options.get_option_at_index(0).prompt).lower()


async def test_the_model_shows_before_its_checks_then_with_them(demo: Path) -> None:
    """The first load posts the model unchecked (shown at once), then the same model checked."""
    from workbench.tui.messages import ModelReloaded

    posted: list[tuple[int, bool]] = []

    def record(message: object) -> None:
        if isinstance(message, ModelReloaded):
            posted.append((message.snapshot.generation, message.snapshot.checked))

    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24), message_hook=record) as pilot:
        await until(pilot, lambda: app.snapshot is not None and app.snapshot.checked)
    assert posted[0][1] is False and posted[-1][1] is True
    assert [g for g, _ in posted] == sorted(g for g, _ in posted)  # never an older one after a newer
