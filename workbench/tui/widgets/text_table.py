"""Plain aligned tables as Textual `Content` (for read-only views).

Why not Rich's Table in a Static: Textual renders a Rich renderable again for every measure and
line, and a 20-row Rich Table then costs ~100 ms of a reload's paint; this costs a millisecond.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

Cell = Content | str


def text_table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, title: str = "",
               row_styles: Sequence[str] | None = None, gap: int = 2, max_width: int = 60) -> Content:
    """Columns padded to their widest cell (cells longer than `max_width` are cut with …)."""
    def cell(value: Cell) -> Content:
        content = value if isinstance(value, Content) else Content(value)
        return content if content.cell_length <= max_width else content.truncate(max_width, ellipsis=True)

    body = [[cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in body:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], value.cell_length)
    spacer = " " * gap
    lines: list[Content] = []
    if title:
        lines.append(Content.styled(title, "bold"))
    lines.append(Content.styled(spacer.join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(), "bold"))
    lines.append(Content.styled("─" * (sum(widths) + gap * (len(widths) - 1)), "dim"))
    for index, row in enumerate(body):
        parts: list[Content | str] = []
        for i, value in enumerate(row):
            if i:
                parts.append(spacer)
            parts.append(value.pad_right(widths[i] - value.cell_length) if i < len(row) - 1 else value)
        line = Content.assemble(*parts)
        style = row_styles[index] if row_styles else ""
        lines.append(line.stylize(style) if style else line)
    return Content("\n").join(lines)
