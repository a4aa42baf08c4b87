"""`?`: every key of the app, the current screen and its widgets, in one scrollable list."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from workbench.tui.screens import ScreenEntry

_SYSTEM = {"help_quit": "Tell how to quit (ctrl+q or q)"}
KEY_WIDTH = 14
MOUSE_NOTE = ("The mouse works too: click tree nodes, tabs, table headers (sort) and rows. "
              "Hold shift (or option on macOS) to select text in most terminals.")


def _bindings_of(node: DOMNode) -> list[Binding]:
    out = []
    for key, bindings in node._bindings.key_to_bindings.items():
        for binding in bindings:
            out.append(binding if binding.key == key else binding)
    return out


def binding_sections(screen: Screen[object], entries: list[ScreenEntry]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, [(keys, what it does)]) for the app, the screen and each kind of widget on it."""
    app = screen.app

    def rows(node: DOMNode) -> list[tuple[str, str]]:
        merged: dict[str, list[str]] = {}
        for binding in _bindings_of(node):
            if binding.action.startswith("switch_mode") or binding.action == "noop":
                continue  # screens have their own section
            what = binding.tooltip or binding.description or _SYSTEM.get(binding.action, binding.action)
            merged.setdefault(what, [])
            key = binding.key_display or app.get_key_display(binding)
            if key not in merged[what]:
                merged[what].append(key)
        return [(" ".join(keys), what) for what, keys in merged.items()]

    sections = [("Everywhere", rows(app))]
    sections.append(("Screens", [(e.key, f"{e.title}: {e.description}") for e in entries]))
    if screen.BINDINGS or screen._bindings.key_to_bindings:
        title = getattr(screen, "SCREEN_TITLE", type(screen).__name__)
        sections.append((f"{title} screen", rows(screen)))
    seen: set[type] = set()
    for widget in screen.walk_children():
        kind = type(widget)
        if kind in seen or not widget._bindings.key_to_bindings:
            continue
        seen.add(kind)
        widget_rows = rows(widget)
        if widget_rows:
            name = getattr(widget, "HELP_TITLE", kind.__name__)
            sections.append((name, widget_rows))
    return [(title, rows_) for title, rows_ in sections if rows_]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,f1,q", "dismiss", "Close help", id="help.close")]

    def __init__(self, under: Screen[object], entries: list[ScreenEntry]) -> None:
        super().__init__()
        self.sections = binding_sections(under, entries)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(Content.styled("Keys  (esc closes)", "bold"), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(self._render_sections(), id="help-keys")
                yield Static(MOUSE_NOTE, classes="dim", markup=False)

    def _render_sections(self) -> Content:
        import textwrap

        # The dialog is 90% wide up to 100 columns; descriptions wrap beside the key column.
        width = max(20, min(100, int(self.app.size.width * 0.9)) - 4 - 2 - KEY_WIDTH - 5)
        parts: list[Content | str] = []
        for title, rows in self.sections:
            parts.append(Content.styled(f"{title}\n", "bold $accent"))
            for keys, what in rows:
                lines = textwrap.wrap(what, width) or [""]
                parts += [Content.styled(f"  {keys:<{KEY_WIDTH}} ", "bold"), f"{lines[0]}\n"]
                parts += [" " * (KEY_WIDTH + 3) + line + "\n" for line in lines[1:]]
            parts.append("\n")
        return Content.assemble(*parts)
