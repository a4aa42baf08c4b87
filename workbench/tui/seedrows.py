"""Filtering, sorting and paging fixture rows for the Seeds tab (pure Python, no Textual).

Why not hand every row to DataTable: it measures every cell when rows are added (100,000 rows
block the UI for ~11 s), so the tab shows one page and keeps the order as a list of indices.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

PAGE_SIZE = 100
CELL_WIDTH = 40


def cell_text(value: Any) -> str:
    """A fixture value as one short line of text."""
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value
    elif isinstance(value, int | float):
        return str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("\n", "⏎")
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def _sort_key(value: Any) -> tuple[int, Any]:
    # None last; numbers before text; anything else by its JSON text. Never compares across kinds.
    if value is None:
        return (3, 0)
    if isinstance(value, bool | int | float):
        return (0, value)
    if isinstance(value, str):
        return (1, value.casefold())
    return (2, json.dumps(value, sort_keys=True))


def view_indices(rows: Sequence[dict[str, Any]], query: str = "", sort_column: str = "",
                 reverse: bool = False) -> list[int]:
    """Indices of the rows matching `query` (case-insensitive, any value), ordered by `sort_column`."""
    indices: list[int] = list(range(len(rows)))
    needle = query.strip().casefold()
    if needle:
        indices = [i for i in indices
                   if any(needle in (v.casefold() if isinstance(v, str) else cell_text(v).casefold())
                          for v in rows[i].values())]
    if sort_column:
        indices.sort(key=lambda i: _sort_key(rows[i].get(sort_column)), reverse=reverse)
    return indices


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // page_size))
