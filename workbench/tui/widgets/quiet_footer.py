"""`QuietFooter`: Textual's Footer, recomposed only when what it shows changes.

Textual's Footer recomposes (removes and mounts every key) whenever the screen's bindings are
refreshed, and a screen refreshes them on every switch to it and every focus change: on a screen
switch that is a layout pass of work for an unchanged footer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen


class QuietFooter(Footer):
    def __init__(self, **kwargs: bool) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._composed_for: tuple[object, ...] | None = None
        # Textual's Footer composes empty and gets its keys from the screen's first bindings signal,
        # just after the first frame: a second layout and paint of the whole screen then. Compose
        # the keys at once; the signal recomposes only if they changed meanwhile (a focused
        # widget's own shown keys).
        self.set_reactive(Footer._bindings_ready, True)

    def compose(self) -> ComposeResult:
        if self.app.app_focus:
            self._composed_for = self._what_it_shows(self.screen)
        yield from super().compose()

    def _what_it_shows(self, screen: Screen[object]) -> tuple[object, ...]:
        app = self.app
        return (app.app_focus, self.compact, self.show_command_palette, tuple(
            (key, active.binding.action, active.binding.description, active.binding.show, active.enabled,
             active.tooltip, app.get_key_display(active.binding), active.binding.group)
            for key, active in screen.active_bindings.items()
            # what compose shows: a focused widget's hidden keys (a Tree's arrows) change nothing
            if active.binding.show or key == app.COMMAND_PALETTE_BINDING))

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shows = self._what_it_shows(screen)
            if shows == self._composed_for:
                return
            self._composed_for = shows
        super().bindings_changed(screen)
