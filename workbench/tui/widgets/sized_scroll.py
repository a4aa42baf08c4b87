"""A scrolling pane whose content is fitted to its size (a code window, a URL cut to the width).

A pane has its size only once laid out, and a worker's answer can arrive before that (a hidden
screen just shown, a loaded machine); the terminal can also be resized later. Content fitted to a
size read once is then fitted to the wrong one. This pane says when its size changed, so the
screen fits the content again: the fit follows the layout instead of racing it.
"""

from __future__ import annotations

from textual import events
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.message import Message


class SizedScroll(VerticalScroll):
    class Resized(Message):
        """The pane's own size changed (not the size of what it scrolls)."""

        def __init__(self, pane: SizedScroll) -> None:
            super().__init__()
            self.pane = pane

        @property
        def control(self) -> SizedScroll:
            return self.pane

    _last_size = Size(0, 0)

    def on_resize(self, event: events.Resize) -> None:
        if event.size != self._last_size:
            self._last_size = event.size
            self.post_message(self.Resized(self))
