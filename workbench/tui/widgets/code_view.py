"""Read-only highlighted code with line numbers and one marked line (proto, SQL, JSON)."""

from __future__ import annotations

from textual.content import Content
from textual.highlight import highlight
from textual.widgets import Static


class CodeView(Static):
    DEFAULT_CSS = """
    CodeView { width: auto; min-width: 1fr; height: auto; }
    """

    def show_code(self, text: str, language: str, *, first_line: int = 1, mark_line: int = 0,
                  mark_end: int = 0) -> None:
        """Show `text` (whose first line is `first_line` of its file), marking mark_line..mark_end."""
        code = highlight(text, language=language) if language != "text" else Content(text)
        lines = code.split("\n")
        if lines and not lines[-1].plain:
            lines = lines[:-1]
        width = len(str(first_line + len(lines)))
        mark_end = mark_end or mark_line
        out: list[Content] = []
        for number, line in enumerate(lines, first_line):
            marked = mark_line <= number <= mark_end and mark_line > 0
            gutter = Content.styled(f"{number:>{width}} {'▶' if marked and number == mark_line else ' '} ",
                                    "bold $accent" if marked else "dim")
            out.append(Content.assemble(gutter, line))
        self.update(Content("\n").join(out))
