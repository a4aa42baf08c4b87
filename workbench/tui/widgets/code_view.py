"""Read-only highlighted code with line numbers and a marked range (proto, SQL, JSON).

Highlighting a big file is the slow part (Pygments), so the highlighted lines are cached per
text: moving between entities of the same proto file only re-marks lines.

Code is drawn a line at a time (Textual's line API): only the lines on screen are rendered, so
a 2,000-line proto file costs what its visible 20 lines cost, not a second of the UI loop.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import RenderResult
    from textual.geometry import Size
    from textual.strip import Strip
    from textual.visual import VisualType


@lru_cache(maxsize=16)
def highlighted_lines(text: str, language: str) -> tuple[Content, ...]:
    from textual.highlight import highlight  # imports Pygments (~0.1 s): not before the first paint

    code = highlight(text, language=language) if language != "text" else Content(text)
    lines = code.split("\n")
    if lines and not lines[-1].plain:
        lines = lines[:-1]
    return tuple(lines)


CHUNK_LINES = 200  # protobuf is highlighted this many lines at a time, as they come into view


class HighlightedText:
    """The highlighted lines of one text, as `highlighted_lines` makes them, highlighted on demand.

    Protobuf (without block comments) carries no lexer state from one line to the next that a blank
    line could be inside, so it is highlighted in chunks that start at a blank line: showing an
    entity of a 2,000-line file highlights ~200 lines, not the file. Other languages (SQL strings
    and dollar quotes, JSON) are highlighted whole, once."""

    def __init__(self, text: str, language: str) -> None:
        self.text, self.language = text, language
        # The lines highlighted_lines makes: textual.highlight's, less up to two empty last ones
        # (Content.split drops one, highlighted_lines another).
        plain = "\n".join(text.splitlines()).split("\n")
        for _ in range(2):
            if plain and not plain[-1]:
                plain.pop()
        self.plain = plain
        self._lines: list[Content | None] = [None] * len(self.plain)
        self._starts = [0]
        if language == "protobuf" and "/*" not in text:
            i = CHUNK_LINES
            while i < len(self.plain):
                while i < len(self.plain) and self.plain[i].strip():
                    i += 1
                if i < len(self.plain):
                    self._starts.append(i)
                i += CHUNK_LINES
        self._widest: int | None = None

    def __len__(self) -> int:
        return len(self.plain)

    def __getitem__(self, index: int) -> Content:
        line = self._lines[index]
        if line is None:
            self._highlight(index)
            line = self._lines[index]
            assert line is not None
        return line

    def _highlight(self, index: int) -> None:
        at = bisect_right(self._starts, index) - 1
        start = self._starts[at]
        end = self._starts[at + 1] if at + 1 < len(self._starts) else len(self.plain)
        text = self.text if len(self._starts) == 1 else "\n".join(self.plain[start:end])
        lines = highlighted_lines(text, self.language)
        for i in range(start, end):
            # A chunk's trailing blank line is dropped by highlighted_lines: it is an empty line.
            self._lines[i] = lines[i - start] if i - start < len(lines) else Content("")

    @property
    def widest(self) -> int:
        if self._widest is None:
            from textual._cells import cell_len  # what Content.cell_length measures, without a Content a line

            self._widest = max(map(cell_len, self.plain), default=0)
        return self._widest


@lru_cache(maxsize=16)
def highlighted_text(text: str, language: str) -> HighlightedText:
    return HighlightedText(text, language)


def highlight_ahead(text: str, language: str, *lines: int) -> None:
    """Highlight the chunks holding `lines` (0-based) now, e.g. in a worker thread, so drawing them
    later on the UI loop finds them done (the first call also imports Pygments and the lexer:
    ~30-100 ms of a frame otherwise). Safe from a thread: a chunk highlighted twice at once gets
    the same lines twice."""
    code = highlighted_text(text, language)
    for line in lines:
        if 0 <= line < len(code):
            code[line]


@dataclass(frozen=True)
class _Code:
    lines: HighlightedText
    first_line: int
    mark_line: int
    mark_end: int

    @property
    def gutter_width(self) -> int:
        return len(str(self.first_line + len(self.lines)))

    def line(self, index: int) -> Content:
        number = self.first_line + index
        marked = self.mark_line > 0 and self.mark_line <= number <= self.mark_end
        pointer = "▶" if marked and number == self.mark_line else ("│" if marked else " ")
        gutter = Content.styled(f"{number:>{self.gutter_width}} {pointer} ", "bold $accent" if marked else "dim")
        return Content.assemble(gutter, self.lines[index])


class CodeView(Static):
    DEFAULT_CSS = """
    CodeView { width: auto; min-width: 1fr; height: auto; }
    """

    def __init__(self, content: VisualType = "", **kwargs: object) -> None:
        super().__init__(content, **kwargs)  # type: ignore[arg-type]
        self._code: _Code | None = None
        self._joined: Content | None = None

    def show_code(self, text: str, language: str, *, first_line: int = 1, mark_line: int = 0,
                  mark_end: int = 0) -> None:
        """Show `text` (whose first line is `first_line` of its file), marking mark_line..mark_end."""
        self._code = _Code(highlighted_text(text, language), first_line, mark_line, max(mark_end, mark_line))
        self._joined = None
        self.clear_cached_dimensions()
        self.refresh(layout=True)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        self._code = None
        self._joined = None
        super().update(content, layout=layout)

    @property  # type: ignore[override]
    def content(self) -> VisualType:
        """What is shown: the whole code as one Content (built only when asked: tests, selection)."""
        if self._code is None:
            return Static.content.fget(self)  # type: ignore[attr-defined,no-any-return]
        if self._joined is None:
            code = self._code
            self._joined = Content("\n").join(code.line(i) for i in range(len(code.lines)))
        return self._joined

    @content.setter
    def content(self, content: VisualType) -> None:
        self._code = None
        self._joined = None
        Static.content.fset(self, content)  # type: ignore[attr-defined]

    def render(self) -> RenderResult:
        if self._code is None:
            return super().render()
        content = self.content
        assert isinstance(content, Content)
        return content

    def get_content_width(self, container: Size, viewport: Size) -> int:
        code = self._code
        if code is None:
            return super().get_content_width(container, viewport)
        return code.gutter_width + 3 + code.lines.widest

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self._code is None:
            return super().get_content_height(container, viewport, width)
        return len(self._code.lines)

    def render_line(self, y: int) -> Strip:
        code = self._code
        if code is None or self.text_selection is not None:
            return super().render_line(y)  # prose, or a mouse selection: the whole text at once
        from textual.strip import Strip
        from textual.visual import Visual

        width = self.size.width
        if not 0 <= y < len(code.lines):
            return Strip.blank(width, self.visual_style.rich_style)
        strips = Visual.to_strips(self, code.line(y), width, 1, self.visual_style, apply_selection=False)
        return strips[0] if strips else Strip.blank(width, self.visual_style.rich_style)
