"""The Codegen screen and the entity browser's Generated tab, driven like a user would.

Python only by default (fast, and always installed with the workbench); the demo repository of
the TUI tests with `[codegen] languages = ["python"]`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pilot_helpers import until
from skips import skip_or_fail
from test_tui_support import make_demo_repo, settle
from textual.widgets import DataTable, Log

from workbench.tui.app import WorkbenchApp
from workbench.tui.widgets.code_view import CodeView


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = make_demo_repo(tmp_path / "demo")
    with (root / "workbench.toml").open("a") as fh:
        fh.write('\n[codegen]\nlanguages = ["python"]\n\n[codegen.go]\npackage_prefix = "example.com/demo/gen/go"\n')
    return root



async def wait_for(pilot: object, predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    await until(pilot, predicate, timeout)


def log_text(app: WorkbenchApp) -> str:
    return "\n".join(app.screen.query_one("#codegen-log", Log).lines)


def cell(app: WorkbenchApp, row: str, column: str) -> str:
    return str(app.screen.query_one("#codegen-languages", DataTable).get_cell(row, column))


def code_text(app: WorkbenchApp) -> str:
    return str(app.screen.query_one("#codegen-view", CodeView).render())


async def open_codegen(pilot: object, app: WorkbenchApp) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("5")  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "CodegenScreen")
    await wait_for(pilot, lambda: bool(getattr(app.screen, "toolchains", None)))


async def test_run_selected_language_shows_rows_log_files_and_code(demo: Path) -> None:
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_codegen(pilot, app)
        assert "protoc-gen-mypy" in cell(app, "python", "toolchain")
        assert cell(app, "python", "last") == "never"
        await pilot.press("g")  # the cursor starts on Python
        await wait_for(pilot, lambda: "python" in app.screen.results)
        await settle(pilot)
        assert cell(app, "python", "verify").startswith("✓ ") and cell(app, "python", "verify").endswith(" rows")
        assert cell(app, "python", "files").startswith("2")
        log = log_text(app)
        assert "[python] generating with protoc-gen-mypy" in log and "[python] verified" in log
        files = app.screen.query_one("#codegen-files", DataTable)
        assert [str(files.get_row_at(i)[0]) for i in range(files.row_count)] == ["demo_pb2.py", "demo_pb2.pyi"]
        assert "AddSerializedFile" in code_text(app)  # the highlighted _pb2.py
        await pilot.press("f", "down")
        await pilot.pause()
        assert "class Order(" in code_text(app)


async def test_diff_against_previous_run_and_generate_on_save(demo: Path) -> None:
    app = WorkbenchApp(demo, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_codegen(pilot, app)
        await pilot.press("v", "g")  # no verification: generation only
        await wait_for(pilot, lambda: "python" in app.screen.results)
        await pilot.press("s")
        assert app.screen.on_save
        await wait_for(pilot, lambda: any(w.group == "file-watcher" and w.is_running for w in app.workers))
        proto = demo / "proto" / "demo.proto"
        proto.write_text(proto.read_text().replace("  string note = 5;\n", "  string note = 5;\n  string memo = 6;\n"))
        await wait_for(pilot, lambda: "a proto file changed: regenerating" in log_text(app))
        await wait_for(pilot, lambda: not app.screen.running and "memo" in (demo / "gen/python/demo_pb2.pyi").read_text())
        await settle(pilot)
        assert "new" in cell(app, "python", "files")  # files changed by this run are marked
        await pilot.press("f", "down", "d")  # the .pyi, as a diff against the previous run
        await pilot.pause()
        diff = code_text(app)
        assert "+++ demo_pb2.pyi" in diff and "+    memo: _builtins.str" in diff


async def test_missing_toolchain_row_says_what_to_install(demo: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_TS_TOOLCHAIN", str(tmp_path / "nothing"))
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_codegen(pilot, app)
        assert cell(app, "ts", "toolchain").startswith("missing protoc-gen-es")
        await pilot.press("down", "down", "g")
        await wait_for(pilot, lambda: "ts" in app.screen.results)
        assert "install with: npm install --prefix" in log_text(app)
        assert cell(app, "ts", "verify").startswith("missing")


async def test_generated_tab_shows_the_entity_in_each_language(demo: Path) -> None:
    from workbench.codegen.run import run_codegen

    assert run_codegen(demo, ["python"]).exit_code == 0
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "g")  # Order, then the Generated tab
        await settle(pilot)
        assert app.screen.entity == "Order"
        title = str(app.screen.query_one("#generated-title-python").render())
        assert title.startswith("Python — gen/python/demo_pb2.pyi:")
        python = str(app.screen.query_one("#generated-code-python").render())
        assert "class Order(" in python and "total_minor: _builtins.int" in python
        assert "not generated yet" in str(app.screen.query_one("#generated-title-go").render())
        # a run elsewhere shows up when the tab is shown again, without a model reload
        (demo / "workbench.toml").write_text((demo / "workbench.toml").read_text().replace(
            'languages = ["python"]', 'languages = ["python", "go"]'))
        report = run_codegen(demo, ["go"])
        if report.languages[0].status == "missing":
            skip_or_fail(f"go toolchain missing: {report.languages[0].hint}")
        await pilot.press("p", "g")
        await settle(pilot)
        go = str(app.screen.query_one("#generated-code-go").render())
        assert "type Order struct {" in go and "TotalMinor int64" in go


async def test_a_reload_keeps_the_selected_file(demo: Path) -> None:
    """A model reload (any save) re-renders the file list; the file the user chose stays chosen."""
    from workbench.tui.messages import FilesChanged

    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_codegen(pilot, app)
        await pilot.press("g")
        await wait_for(pilot, lambda: "python" in app.screen.results)
        await settle(pilot)
        await pilot.press("f", "down")
        await wait_for(pilot, lambda: "class Order(" in code_text(app))
        before = app.snapshot
        app.post_message(FilesChanged(frozenset({"seeders/orders.json"})))
        await wait_for(pilot, lambda: app.snapshot is not before and not app._pending)
        await settle(pilot)
        assert app.screen.file == "demo_pb2.pyi" and "class Order(" in code_text(app)
