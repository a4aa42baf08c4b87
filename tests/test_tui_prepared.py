"""The mechanisms that keep the UI loop short at start-up (issue 13), tested without timings: screens
prepared hidden in steps are complete and identical once shown, a key pressed meanwhile goes first,
a switch to a prepared screen holds frames only until that screen has resumed, the footer composes
its keys once, and the first entity's proto is highlighted off the UI loop the way drawing does it."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import pytest
from pilot_helpers import until
from test_tui_support import make_demo_repo, settle
from textual.events import ScreenResume
from textual.message import Message
from textual.widgets._footer import FooterKey

from workbench.tui.app import WorkbenchApp
from workbench.tui.screens import SCREENS
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.code_view import HighlightedText, highlighted_text
from workbench.tui.widgets.proto_view import prepare_first_entity
from workbench.tui.widgets.quiet_footer import QuietFooter

OTHER_MODES = ["migrations", "breaking", "seeds", "codegen"]


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("workbench.tui.screens.entity_tabs.ENTITY_TABS", [])
    root = make_demo_repo(tmp_path / "repo")
    # A database that refuses at once: no embedded server starts (its state would differ between
    # two runs), and every screen shows the same answer each time.
    with (root / "workbench.toml").open("a") as config:
        config.write('\n[databases.dev]\nurl = "postgresql://app@127.0.0.1:9/none"\n')
    return root


def painted(app: WorkbenchApp) -> list[list[tuple[str, str]]]:
    """What the terminal shows, cell text and style, line by line."""
    return [[(segment.text, str(segment.style)) for segment in strip]
            for strip in app.screen._compositor.render_strips()]


async def shown_after(demo: Path, mode: str, *, prepared: bool, monkeypatch: pytest.MonkeyPatch
                      ) -> tuple[list[list[tuple[str, str]]], bool]:
    """The screen `mode` as painted once shown, and whether it was built before the switch."""
    if not prepared:
        monkeypatch.setattr(WorkbenchApp, "warm_screens", lambda self: None)
    app = WorkbenchApp(demo, watch=False, screens=SCREENS[:5])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        built = mode in app._screen_stacks
        await app.switch_mode(mode)
        await settle(pilot)
        lines = painted(app)
    monkeypatch.undo()
    return lines, built


@pytest.mark.parametrize("mode", OTHER_MODES)
async def test_a_screen_prepared_hidden_is_identical_once_shown(demo: Path, mode: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    warmed, was_built = await shown_after(demo, mode, prepared=True, monkeypatch=monkeypatch)
    monkeypatch.setattr("workbench.tui.screens.entity_tabs.ENTITY_TABS", [])
    fresh, fresh_built = await shown_after(demo, mode, prepared=False, monkeypatch=monkeypatch)
    assert was_built and not fresh_built  # the two paths really differ
    assert warmed == fresh


@pytest.mark.parametrize(("size", "breakpoint", "other"), [((80, 24), "-narrow", "-wide"),
                                                         ((160, 48), "-wide", "-narrow")])
async def test_prepared_screens_are_complete_and_get_no_snapshot_before_shown(
        demo: Path, size: tuple[int, int], breakpoint: str, other: str) -> None:
    app = WorkbenchApp(demo, watch=False, screens=SCREENS[:5])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for mode in OTHER_MODES:
            screen = app._screen_stacks[mode][0]
            assert isinstance(screen, WorkbenchScreen) and screen.is_mounted
            assert screen._shown is None  # one truth: nothing computed for a screen not shown
            assert screen.query(QuietFooter).first().query(FooterKey)  # composed to the footer's keys
            # Styled for this terminal before it is shown (no restyle of the whole screen after).
            assert screen.has_class(breakpoint) and not screen.has_class(other)
        await pilot.press("3")
        await settle(pilot)
        assert app.current_mode == "breaking"
        assert app.screen._shown is app.snapshot  # type: ignore[attr-defined]


class Recording(WorkbenchApp):
    """Records, in order, the screens built (by warm_screens or a switch) and the switches."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.events: list[tuple[str, str]] = []

    def _init_mode(self, mode: str) -> Any:
        self.events.append(("built", mode))
        return super()._init_mode(mode)

    def switch_mode(self, mode: str) -> Any:
        self.events.append(("switch", mode))
        return super().switch_mode(mode)


async def test_a_key_pressed_while_screens_are_prepared_is_handled_first(demo: Path) -> None:
    app = Recording(demo, watch=False, screens=SCREENS[:5])
    async with app.run_test(size=(80, 24)) as pilot:
        # As soon as the first hidden screen has been built, the user presses 5 (Codegen).
        await until(pilot, lambda: any(kind == "built" and mode != "entities" for kind, mode in app.events))
        await pilot.press("5")
        await settle(pilot)
        assert app.current_mode == "codegen" and type(app.screen).__name__ == "CodegenScreen"
        switched = app.events.index(("switch", "codegen"))
        # After the key, nothing more was prepared behind the user's back (only what they opened).
        assert all(mode == "codegen" for kind, mode in app.events[switched:] if kind == "built")
        assert app.screen._shown is app.snapshot  # type: ignore[attr-defined]


async def test_a_switch_to_a_prepared_screen_holds_frames_until_it_has_resumed(
        demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = WorkbenchApp(demo, watch=False, screens=SCREENS[:5])
    resumed_held: list[int] = []  # frames held (batch count) as each screen took its ScreenResume
    watching = [False]

    def hook(message: Message) -> None:
        if watching[0] and isinstance(message, ScreenResume):
            resumed_held.append(app._batch_count)

    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await settle(pilot)
        assert "codegen" in app._screen_stacks  # prepared hidden
        screen = app._screen_stacks["codegen"][0]
        # Textual releases the frames held by a switch with a 50 ms timer: make it never fire, so
        # only the prepared screen's own turn can release them.
        held: list[object] = []
        set_timer = app.set_timer

        def never_delay_update(delay: float, callback: Any = None, **kwargs: Any) -> Any:
            if kwargs.get("name") == "delay_update":
                held.append(callback)
                delay = 3600.0
            return set_timer(delay, callback, **kwargs)

        monkeypatch.setattr(app, "set_timer", never_delay_update)
        written: list[object] = []
        display = app._display

        def recording_display(shown: Any, renderable: Any) -> None:
            if renderable is not None and not app._batch_count:
                written.append(shown)
            display(shown, renderable)

        monkeypatch.setattr(app, "_display", recording_display)
        watching[0] = True
        await app.switch_mode("codegen")
        await until(pilot, lambda: bool(written))
        assert held, "the switch asked for Textual's delay"
        assert app._batch_count == 0 and written[0] is screen
        assert resumed_held and resumed_held[0] > 0  # nothing was written before it had resumed


async def test_the_footer_composes_its_keys_once(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recomposed: list[QuietFooter] = []
    recompose = QuietFooter.recompose

    async def counting(self: QuietFooter) -> None:
        recomposed.append(self)
        await recompose(self)

    monkeypatch.setattr(QuietFooter, "recompose", counting)
    app = WorkbenchApp(demo, watch=False, screens=SCREENS[:5])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(QuietFooter)
        keys = [key.description for key in footer.query(FooterKey)]
        shown = [active.binding.description for key, active in app.screen.active_bindings.items()
                 if active.binding.show or key == app.COMMAND_PALETTE_BINDING]
        assert keys and sorted(set(keys)) == sorted(set(shown))
        # The tree took focus (its keys are hidden ones): no second composition of the same keys.
        assert footer not in recomposed
        # A change in what it shows still recomposes it (a keymap moving a shown key).
        app.set_keymap({"jump": "j"})
        await settle(pilot)
        assert footer in recomposed
        assert "j" in [key.key for key in footer.query(FooterKey)]


def test_the_first_entity_highlighted_in_a_thread_is_what_drawing_makes(demo: Path) -> None:
    from workbench.workspace import first_look

    model = first_look(demo).model
    msg = model.protos.message(model.entities[0].name)
    assert msg is not None
    text = model.protos.sources[msg.place.file]
    highlighted_text.cache_clear()
    thread = threading.Thread(target=prepare_first_entity, args=(model,))
    thread.start()
    thread.join()
    ahead = highlighted_text(text, "protobuf")
    assert ahead._lines[msg.place.line - 1] is not None  # done before anything draws it
    drawn = HighlightedText(text, "protobuf")
    assert [ahead[i] for i in range(len(ahead))] == [drawn[i] for i in range(len(drawn))]


async def test_the_first_load_runs_without_collections_and_its_objects_are_frozen_until_exit(demo: Path) -> None:
    """Full collections during the first load stalled the UI loop (40-70 ms each on a large repo):
    none runs while it loads, its objects are frozen afterwards, and the app releases them at exit."""
    seen: list[bool] = []
    app = WorkbenchApp(demo, watch=False)
    original = app._first_load

    def first_load() -> None:
        seen.append(gc.isenabled())
        original()
        seen.append(gc.isenabled())

    app._first_load = first_load  # type: ignore[method-assign]
    before = gc.get_freeze_count()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: not any(w.group == "model" and w.is_running for w in app.workers))
        assert seen == [False, False]
        assert gc.isenabled()
        assert gc.get_freeze_count() > before
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


async def test_the_loader_highlights_the_first_entity_before_posting_the_first_look(
        demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bool, bool]] = []

    def prepare(model: Any) -> None:  # (off the UI thread, before the first look reached the app)
        calls.append((threading.current_thread() is not threading.main_thread(), app.snapshot is None))

    monkeypatch.setattr("workbench.tui.widgets.proto_view.prepare_first_entity", prepare)
    app = WorkbenchApp(demo, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert calls == [(True, True)]


# -- the stylesheet: parsed once per set of variables --------------------------------------------

def css_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The CSS texts Textual parses from now on, one entry a parse."""
    import textual.css.stylesheet as textual_stylesheet

    parsed: list[str] = []
    parse = textual_stylesheet.parse

    def counted(scope: str, css: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(css)
        return parse(scope, css, *args, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", counted)
    return parsed


def test_the_stylesheet_keeps_its_parsed_rules_while_the_variables_stay_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.css.stylesheet import StylesheetParseError

    from workbench.tui.stylesheet import SteadyStylesheet

    parsed = css_parses(monkeypatch)
    sheet = SteadyStylesheet(variables={"accent": "red"})
    sheet.add_source("Static { color: $accent; }", read_from=("a.tcss", ""))
    assert sheet.rules and parsed
    parsed.clear()
    # What Textual's refresh_css does: the same variables again, then a reparse: nothing re-parsed.
    sheet.set_variables({"accent": "red"})
    sheet.reparse()
    assert parsed == []
    red = sheet.rules[0].styles.color
    # Other variables (a new theme): parsed again, with the new value.
    sheet.set_variables({"accent": "blue"})
    sheet.reparse()
    assert len(parsed) == 1 and sheet.rules[0].styles.color != red
    # A source with errors leaves the rules in use as they were, as Textual's own reparse does.
    blue = sheet.rules
    sheet.add_source("Static { color: nonsense; }", read_from=("b.tcss", ""))
    with pytest.raises(StylesheetParseError):
        sheet.reparse()
    assert sheet._rules == blue
    assert isinstance(sheet.copy(), SteadyStylesheet)  # Textual copies it to reload changed CSS files


async def test_start_up_parses_the_app_css_once_and_coming_back_restyles_nothing(
        demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual parsed app.tcss three times before the first frame (a refresh with unchanged
    variables), and restyled the whole app the first time the first screen was shown again (made
    before it was mounted, it never counted as styled). A theme change still restyles."""
    from workbench.tui.app import CSS_DIR

    app_css = (CSS_DIR / "app.tcss").read_text(encoding="utf-8")
    parsed = css_parses(monkeypatch)
    app = WorkbenchApp(demo, watch=False, screens=SCREENS[:5])
    refreshes: list[str] = []
    refresh_css = app.refresh_css

    def counted_refresh(animate: bool = True) -> None:
        refreshes.append(app.current_mode)
        refresh_css(animate)

    app.refresh_css = counted_refresh  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert parsed.count(app_css) == 1
        refreshes.clear()
        for mode in [*OTHER_MODES, "entities"]:
            await app.switch_mode(mode)
            await settle(pilot)
        assert refreshes == []
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)
        await app.switch_mode("migrations")
        await settle(pilot)
        assert refreshes  # the theme's own refresh and that of the screen not shown when it changed
        background = app.screen.styles.background
        await app.switch_mode("entities")
        await settle(pilot)
        assert app.screen.styles.background == background  # the theme's colours on both screens
