"""protoc's columns: a tab advances to the next multiple of 8, every other character (or byte) by one.

buf's compiler, Python and byte offsets count characters; protoc's error positions and source-info
spans count columns so. One pair of conversions for a line of text or bytes, shared by the rewrites
of files buf accepts (`buf_leniency`) and the compile errors in buf's words (`compile_words`).
"""

from __future__ import annotations

_TAB = (9, "\t")  # a tab as an item of bytes or of str


def column_at(line: str | bytes, index: int) -> int:
    """protoc's 0-based column of `line[index]` (`line` one line, no newline)."""
    column = 0
    for char in line[:index]:
        column = column + 8 - column % 8 if char in _TAB else column + 1
    return column


def index_at(line: str | bytes, column: int) -> int:
    """The index in `line` where protoc's 0-based `column` falls (the first item at or past it):
    len(line) when it is the line's end, -1 when beyond it."""
    at = 0
    for index, char in enumerate(line):
        if at >= column:
            return index
        at = at + 8 - at % 8 if char in _TAB else at + 1
    return len(line) if at >= column else -1
