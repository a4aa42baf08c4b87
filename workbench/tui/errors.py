"""Turning an exception into something a person can read: a title and one message, no traceback."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from workbench.errors import WorkbenchError


def describe_error(error: BaseException, context: str = "") -> tuple[str, str, bool]:
    """(title, message, expected?) — expected errors are the core's WorkbenchErrors and OS errors."""
    from workbench.database.urls import redact  # the one function that keeps passwords off every screen

    title = f"{context} failed" if context else "Something failed"
    if isinstance(error, WorkbenchError):
        return title, redact(str(error)), True
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return title, redact(f"{where}{error.strerror or error}"), True
    return title, redact(f"{type(error).__name__}: {error}"), False


class ErrorScreen(ModalScreen[None]):
    """An unexpected failure. The details go to the Textual log (textual console), not the screen."""

    BINDINGS = [Binding("escape,enter", "dismiss", "Close", id="error.close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message_text = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog"):
            yield Static(self.title_text, id="error-title", markup=False)
            yield Static(self.message_text, id="error-message", markup=False)
            yield Static("The workbench keeps running; the last good view is still there.", classes="dim")
            yield Button("Close", id="error-close", variant="error")

    def on_button_pressed(self) -> None:
        self.dismiss()
