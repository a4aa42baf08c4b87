"""The top line: the registered screens with their keys (current one highlighted) and the repository."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.content import Content
from textual.widgets import Static

from workbench.readonly import is_read_only

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class ScreenBar(Static):
    DEFAULT_CSS = """
    ScreenBar { height: 1; width: 1fr; }
    """

    def on_mount(self) -> None:
        self.app.mode_change_signal.subscribe(self, lambda _mode: self.refresh_tabs())
        self.refresh_tabs()

    def refresh_tabs(self) -> None:
        app = cast("WorkbenchApp", self.app)
        parts: list[Content | str] = [Content.styled(" workbench ", "bold reverse"), " "]
        for entry in app.screen_entries:
            label = Content(f" {entry.key} {entry.title} ")
            style = "bold reverse $accent" if entry.id == app.current_mode else "dim"
            # Clickable: the mouse works too.
            parts += [label.stylize(f"{style} @click=app.switch_mode('{entry.id}')"), " "]
        parts.append(Content.styled(f" {app.root.name}", "italic"))
        if is_read_only():
            parts.append(Content.styled("  read-only", "bold $warning"))
        self.update(Content.assemble(*parts))
