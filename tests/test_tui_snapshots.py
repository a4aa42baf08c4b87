"""SVG snapshots of the entity browser at 80x24 (SSH) and 160x48, on the fixed demo repository.

Update deliberately after a Textual bump or a UI change: `pytest tests/test_tui_snapshots.py
--snapshot-update`, then look at the SVGs in tests/__snapshots__/.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from test_tui_support import make_demo_repo, settle
from textual.pilot import Pilot

from workbench.tui.app import WorkbenchApp
from workbench.tui.screens import SCREENS

SMALL = (80, 24)
LARGE = (160, 48)


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Pin the entity tabs too: other features plug tabs in (screens/entity_tabs.py).
    monkeypatch.setattr("workbench.tui.screens.entity_tabs.ENTITY_TABS", [])
    return make_demo_repo(tmp_path / "repo")


def keys(*presses: str) -> Callable[[Pilot[object]], Awaitable[None]]:
    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)

    return run_before


CASES = {
    "proto": ("down", "down"),
    "sql": ("down", "down", "s"),
    "mapping": ("down", "down", "m"),
    "seeds": ("down", "down", "d"),
    "findings": ("down", "down", "f"),
    "field": ("down", "down", "right", "down", "down", "down"),
    "help": ("question_mark",),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x48"])
def test_entities_screen(snap_compare: Callable[..., bool], demo: Path, case: str, size: tuple[int, int]) -> None:
    app = WorkbenchApp(demo, watch=False, screens=SCREENS[:1])  # other screens come and go
    assert snap_compare(app, terminal_size=size, run_before=keys(*CASES[case]))


def test_jump_palette(snap_compare: Callable[..., bool], demo: Path) -> None:
    app = WorkbenchApp(demo, watch=False, screens=SCREENS[:1])  # other screens come and go
    assert snap_compare(app, terminal_size=SMALL, run_before=keys("slash", "s", "t", "a", "t"))


def test_no_color(snap_compare: Callable[..., bool], demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = WorkbenchApp(demo, watch=False, screens=SCREENS[:1])
    assert app.no_color
    assert snap_compare(app, terminal_size=SMALL, run_before=keys("down", "down", "m"))
