"""Which DataTable highlight events are the user's.

Re-rendering a table on a reload (clear, add the rows, move the cursor back to the selection)
makes the table post a RowHighlighted for each step, and they are handled only after the cursor is
back. Acting on the stale ones would move the selection to row 0 and reset paging, so a reload
could undo what the user chose. Every handler that changes state on a highlight asks this first.
"""

from __future__ import annotations

from textual.widgets import DataTable


def is_current(event: DataTable.RowHighlighted) -> bool:
    """True when the event is about the row the cursor is on now (not a re-render's leftover)."""
    return event.cursor_row == event.data_table.cursor_row
