"""The line at the top of every view when part of the repository cannot be read right now.

Why at the top: the browser then shows that part as it last loaded, and everything operational
(migration status, breaking review, seeds, codegen) reads the files as they are; the user must
see at once that what they browse is not what is on disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from workbench.tui.live import Snapshot


class UnreadableBanner(Static):
    DEFAULT_CSS = """
    UnreadableBanner { height: auto; max-height: 3; width: 1fr; display: none; background: $error 25%; }
    UnreadableBanner.-shown { display: block; }
    """

    def show_snapshot(self, snapshot: Snapshot) -> None:
        text = snapshot.unreadable_summary()
        self.set_class(bool(text), "-shown")
        self.update(Content.styled(f" ✗ {text}", "bold") if text else "")
