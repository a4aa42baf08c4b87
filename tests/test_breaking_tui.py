"""The Breaking screen as a user drives it: verdict on top, changes by severity and entity, the
selected change side by side, another ref typed in, a re-run after a save."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from git_helpers import review_repo
from rich.console import Console
from test_tui_support import settle
from textual.widgets import Input, Static, Tree

from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.breaking import BreakingScreen, window
from workbench.tui.widgets.code_view import CodeView

BASE = Path(__file__).parent / "breaking_cases" / "repo_base"
PROTO = "proto/shop/v1/catalog.proto"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = review_repo(BASE, tmp_path / "contracts")
    path = root / PROTO
    path.write_text(path.read_text().replace("bool is_active = 5;", "int32 is_active = 5;"))
    return root


def plain(widget: Static) -> str:
    content = widget.content
    text = getattr(content, "plain", None)
    if isinstance(text, str):
        return text
    console = Console(width=300, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


def labels(tree: Tree[int]) -> list[str]:
    out: list[str] = []
    stack = list(tree.root.children)
    while stack:
        node = stack.pop(0)
        out.append(str(getattr(node.label, "plain", node.label)))
        stack = list(node.children) + stack
    return out


async def open_breaking(pilot) -> BreakingScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BreakingScreen)
    return screen


async def test_verdict_groups_and_side_by_side(repo: Path) -> None:
    app = WorkbenchApp(repo, watch=False)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_breaking(pilot)
        verdict = plain(screen.query_one("#breaking-verdict", Static))
        assert verdict.startswith("MAJOR") and "2 breaking" in verdict and "CHANGELOG none" in verdict
        tree = screen.query_one("#breaking-changes", Tree)
        names = labels(tree)
        assert names[:3] == ["Breaking (2)", "CHANGELOG.md (1)", "SEMVER_BUMP_TOO_SMALL  CHANGELOG.md:5"]
        assert "Brand (1)" in names and f"FIELD_SAME_TYPE  {PROTO}:23" in names
        node = next(n for n in tree.root.children[0].children[1].children)
        tree.move_cursor(node)
        await pilot.pause()
        detail = plain(screen.query_one("#breaking-detail", Static))
        assert detail.startswith('FIELD_SAME_TYPE [PACKAGE] Field "5" with name "is_active"')
        before = plain(screen.query_one("#breaking-before", CodeView))
        after = plain(screen.query_one("#breaking-after", CodeView))
        assert "23 ▶   bool is_active = 5;" in before and "23 ▶   int32 is_active = 5;" in after
        assert "19     string slug = 3;" in before  # context around the change


async def test_typed_ref_and_rerun_after_a_save(repo: Path) -> None:
    app = WorkbenchApp(repo, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_breaking(pilot)
        await pilot.press("slash")
        ref = screen.query_one("#breaking-ref", Input)
        assert ref.has_focus
        ref.value = "no-such-branch"
        await pilot.press("enter")
        await settle(pilot)
        assert "no-such-branch" in plain(screen.query_one("#breaking-verdict", Static))
        assert labels(screen.query_one(Tree)) == []
        ref.value = "main"
        await pilot.press("slash", "enter")
        await settle(pilot)
        assert plain(screen.query_one("#breaking-verdict", Static)).startswith("MAJOR")
        # a save reloads the model, which re-runs the review
        path = repo / PROTO
        path.write_text(path.read_text().replace("int32 is_active = 5;", "bool is_active = 5;"))
        app.load_model(frozenset({PROTO}))
        await settle(pilot)
        verdict = plain(screen.query_one("#breaking-verdict", Static))
        assert verdict.startswith("NONE") and "0 breaking" in verdict


def test_window_keeps_context_inside_the_file() -> None:
    text = "\n".join(f"l{i}" for i in range(1, 21))
    assert window(text, 1, 1) == ("l1\nl2\nl3\nl4\nl5", 1)
    assert window(text, 10, 11) == ("\n".join(f"l{i}" for i in range(6, 16)), 6)
    assert window(text, 20, 20)[1] == 16
    assert window("", 3, 3) == ("", 1)
