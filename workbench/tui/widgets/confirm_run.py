"""Asks before a run changes a database (migrations, seeds); a protected database needs its
name typed back, since `--yes`-style consent is not enough there. Styles: styles/app.tcss."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class ConfirmRun(ModalScreen[str | None]):
    """Asks before changing a database; protected ones need their name typed back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Do nothing", id="confirm.cancel"),
    ]
    def __init__(self, question: str, name: str, protected: bool) -> None:
        super().__init__()
        self.question = question
        self.db_name = name
        self.protected = protected

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(Text(self.question, style="bold"), id="confirm-question")
            if self.protected:
                yield Static(Text(f"{self.db_name} is protected: type its name to go on.", style="bold yellow"))
                yield Input(placeholder=self.db_name, id="confirm-name")
            with Horizontal(id="confirm-buttons"):
                yield Button("Run", variant="warning", id="confirm-run")
                yield Button("Cancel", id="confirm-cancel")

    def on_mount(self) -> None:
        if self.protected:
            self.query_one(Input).focus()
        else:
            self.query_one("#confirm-run", Button).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#confirm-run")
    def _run(self) -> None:
        typed = self.query_one(Input).value.strip() if self.protected else self.db_name
        if self.protected and typed != self.db_name:
            self.notify(f"type {self.db_name} exactly to confirm", severity="warning", timeout=3)
            return
        self.dismiss(typed)

    @on(Button.Pressed, "#confirm-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
