"""`?`: the workbench's own keys by screen (the current one first), in one scrollable list."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from workbench.tui.screens import ScreenEntry

KEY_WIDTH = 14
MOUSE_NOTE = ("The mouse works too: click tree nodes, tabs, table headers (sort) and rows. "
              "Hold shift (or option on macOS) to select text in most terminals.")
PALETTE_ROW = ("ctrl+p", "Command palette: every action of every screen by name (apply, roll back, seed, generate…)")

Rows = list[tuple[str, str]]


def _ours(bindings: list[Binding]) -> list[Binding]:
    """The workbench's own bindings: every one has an id (Textual's widget internals have none)."""
    return [b for b in bindings if b.id and not b.action.startswith("switch_mode")]


def _node_bindings(node: DOMNode) -> list[Binding]:
    return [b for bindings in node._bindings.key_to_bindings.values() for b in bindings]


def _class_bindings(kind: type) -> list[Binding]:
    """A screen's bindings from its class (a screen not created yet), less writes when read-only."""
    from workbench.tui.readonly import offered

    out: list[Binding] = []
    for item in getattr(kind, "BINDINGS", []):
        if isinstance(item, Binding):
            out.extend(b for b in Binding.make_bindings([item]) if offered(b.id))
    return out


def _rows(app: App[object], bindings: list[Binding], *, remapped: bool) -> Rows:
    """(keys, what) with keys merged per meaning, in the order the bindings were declared."""
    keymap: dict[str, str] = getattr(app, "_keymap", {}) or {}
    merged: dict[str, list[str]] = {}
    for binding in _ours(bindings):
        what = binding.tooltip or binding.description
        if remapped and binding.id in keymap:
            keys = [app.get_key_display(Binding(k.strip(), binding.action)) for k in keymap[binding.id].split(",")]
        else:
            keys = [binding.key_display or app.get_key_display(binding)]
        merged.setdefault(what, [])
        merged[what] += [k for k in keys if k not in merged[what]]
    return [(" ".join(keys), what) for what, keys in merged.items()]


def _screen_sections(app: App[object], title: str, screen_bindings: list[Binding],
                     widgets: list[tuple[str, list[Binding]]], *, remapped: bool) -> list[tuple[str, Rows]]:
    sections = [(f"{title} screen", _rows(app, screen_bindings, remapped=remapped))]
    sections += [(f"{title} · {name}", _rows(app, bindings, remapped=remapped)) for name, bindings in widgets]
    return sections


def binding_sections(screen: Screen[object], entries: list[ScreenEntry]) -> list[tuple[str, Rows]]:
    """(section title, [(keys, what it does)]): the current screen first (with its widgets), then
    the keys that work everywhere, the screens, and every other screen's own keys. Only the
    workbench's keys: Textual's widget internals (cursor moves, copy/paste) are left out."""
    app = screen.app
    current = getattr(screen, "SCREEN_TITLE", "")
    sections: list[tuple[str, Rows]] = []
    if current:
        widgets: list[tuple[str, list[Binding]]] = []
        seen: set[type] = set()
        for widget in screen.walk_children():
            kind = type(widget)
            if kind not in seen and _ours(_node_bindings(widget)):
                seen.add(kind)
                widgets.append((getattr(widget, "HELP_TITLE", kind.__name__), _node_bindings(widget)))
        sections += _screen_sections(app, current, _node_bindings(screen), widgets, remapped=True)
    sections.append(("Everywhere", [*_rows(app, _node_bindings(app), remapped=True), PALETTE_ROW]))
    sections.append(("Screens", [(e.key, f"{e.title}: {e.description}") for e in entries]))
    for entry in entries:
        if entry.title == current:
            continue
        kind = entry.load()
        extra = [(getattr(w, "HELP_TITLE", w.__name__), _class_bindings(w)) for w in getattr(kind, "HELP_WIDGETS", ())]
        sections += _screen_sections(app, entry.title, _class_bindings(kind), extra, remapped=True)
    return [(title, rows) for title, rows in sections if rows]


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
