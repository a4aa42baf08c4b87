"""A repository file shown at a line (a finding's place), highlighted, the line marked."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from workbench.tui.widgets.code_view import CodeView


class SourceScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="source.close")]

    def __init__(self, root: Path, file: str, line: int, column: int = 0, title: str = "") -> None:
        super().__init__()
        self.root = root
        self.file = file
        self.line = line
        self.column = column
        self.title_text = title

    def compose(self) -> ComposeResult:
        where = f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")
        with Vertical(id="source-dialog"):
            yield Static(Content.assemble(Content.styled(where, "bold"), "  ",
                                          Content.styled(self.title_text, "italic")), id="source-title")
            with VerticalScroll(id="source-scroll"):
                yield CodeView(id="source-code")

    def on_mount(self) -> None:
        path = self.root / self.file
        try:
            text = path.read_text("utf-8", "replace")
        except OSError as exc:
            text = f"cannot read {self.file}: {exc.strerror}"
        self.query_one(CodeView).show_code(text, language_for(self.file), mark_line=self.line)
        self.call_after_refresh(self._scroll_to_line)
        self.query_one("#source-scroll").focus()

    def _scroll_to_line(self) -> None:
        scroll = self.query_one("#source-scroll", VerticalScroll)
        scroll.scroll_to(y=max(0, self.line - 1 - scroll.size.height // 3), animate=False)


def language_for(file: str) -> str:
    return {".proto": "protobuf", ".sql": "sql", ".json": "json", ".toml": "toml"}.get(Path(file).suffix, "text")
