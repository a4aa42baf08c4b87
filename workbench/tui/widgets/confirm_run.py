"""Asks before a run changes a database (migrations, seeds). The question names what will run and
where; Cancel is the default (Enter on an unchanged dialog does nothing); a protected database
needs its name typed back, since `--yes`-style consent is not enough there, and other risks (a
rollback whose file is gone) add their own "type it back" prompt. Styles: styles/app.tcss."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


@dataclass(frozen=True)
class Prompt:
    """A text the user must type back exactly before Run is accepted."""

    why: str  # shown above the box, e.g. "staging is protected: type its name to go on."
    expected: str


class ConfirmRun(ModalScreen[str | None]):
    """Dismisses with the database name (typed back when protected), or None on cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Do nothing", id="confirm.cancel"),
    ]

    def __init__(self, question: str, name: str, protected: bool, *, details: list[Text] | None = None,
                 prompts: list[Prompt] | None = None, run_label: str = "Run") -> None:
        super().__init__()
        self.question = question
        self.db_name = name
        self.protected = protected
        self.details = details or []
        self.prompts = ([Prompt(f"{name} is protected: type its name to go on.", name)] if protected else [])
        self.prompts += prompts or []
        self.run_label = run_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(Text(self.question, style="bold"), id="confirm-question")
            if self.details:
                with VerticalScroll(id="confirm-details"):
                    yield Static(Text("\n").join(self.details))
            for i, prompt in enumerate(self.prompts):
                yield Static(Text(prompt.why, style="bold yellow"), classes="confirm-why")
                yield Input(placeholder=prompt.expected, id=f"confirm-typed-{i}", classes="confirm-typed",
                            compact=True)
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="confirm-cancel")
                yield Button(self.run_label, variant="warning", id="confirm-run")

    def on_mount(self) -> None:
        # Cancel is the default: Enter right away does nothing harmful.
        if self.prompts:
            self.query_one("#confirm-typed-0", Input).focus()
        else:
            self.query_one("#confirm-cancel", Button).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        boxes = list(self.query(".confirm-typed").results(Input))
        index = boxes.index(event.input) if event.input in boxes else len(boxes) - 1
        if index + 1 < len(boxes):
            boxes[index + 1].focus()  # Enter moves to the next box; the last one runs
            return
        self._run()

    @on(Button.Pressed, "#confirm-run")
    def _run(self) -> None:
        boxes = list(self.query(".confirm-typed").results(Input))
        for prompt, box in zip(self.prompts, boxes, strict=True):
            if box.value.strip() != prompt.expected:
                self.notify(f"type {prompt.expected} exactly to confirm", severity="warning", timeout=3,
                            markup=False)
                box.focus()
                return
        self.dismiss(self.db_name)

    @on(Button.Pressed, "#confirm-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
