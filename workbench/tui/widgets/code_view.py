"""Read-only highlighted code with line numbers and a marked range (proto, SQL, JSON).

Highlighting a big file is the slow part (Pygments), so the highlighted lines are cached per
text: moving between entities of the same proto file only re-marks lines.
"""

from __future__ import annotations

from functools import lru_cache

from textual.content import Content
from textual.widgets import Static


@lru_cache(maxsize=16)
def highlighted_lines(text: str, language: str) -> tuple[Content, ...]:
    from textual.highlight import highlight  # imports Pygments (~0.1 s): not before the first paint

    code = highlight(text, language=language) if language != "text" else Content(text)
    lines = code.split("\n")
    if lines and not lines[-1].plain:
        lines = lines[:-1]
    return tuple(lines)


class CodeView(Static):
    DEFAULT_CSS = """
    CodeView { width: auto; min-width: 1fr; height: auto; }
    """

    def show_code(self, text: str, language: str, *, first_line: int = 1, mark_line: int = 0,
                  mark_end: int = 0) -> None:
        """Show `text` (whose first line is `first_line` of its file), marking mark_line..mark_end."""
        lines = highlighted_lines(text, language)
        width = len(str(first_line + len(lines)))
        mark_end = max(mark_end, mark_line)
        out: list[Content] = []
        for number, line in enumerate(lines, first_line):
            marked = mark_line > 0 and mark_line <= number <= mark_end
            pointer = "▶" if marked and number == mark_line else ("│" if marked else " ")
            gutter = Content.styled(f"{number:>{width}} {pointer} ", "bold $accent" if marked else "dim")
            out.append(Content.assemble(gutter, line))
        self.update(Content("\n").join(out))
