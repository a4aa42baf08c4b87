"""Read-only highlighted code with line numbers and a marked range (proto, SQL, JSON).

Highlighting a big file is the slow part (Pygments), so the highlighted lines are cached per
text: moving between entities of the same proto file only re-marks lines.

Code is drawn a line at a time (Textual's line API): only the lines on screen are rendered, so
a 2,000-line proto file costs what its visible 20 lines cost, not a second of the UI loop.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class _Code:
    lines: tuple[Content, ...]
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
        self._code = _Code(highlighted_lines(text, language), first_line, mark_line, max(mark_end, mark_line))
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
        widest = max((line.cell_length for line in code.lines), default=0)
        return code.gutter_width + 3 + widest

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
