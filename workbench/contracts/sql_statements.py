"""SQL text utilities over pglast (PostgreSQL's own parser): statements with their lines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Statement:
    text: str  # without the trailing semicolon
    line: int  # 1-based line in the file
    column: int  # 1-based
    node: str  # parse node type, e.g. "CreateStmt", "IndexStmt"


class SqlSyntaxError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def line_col(text: str, offset: int, base_line: int = 1) -> tuple[int, int]:
    """1-based line and column of a character offset, counting lines from `base_line`."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return base_line + line, offset - start + 1


def split_statements(sql: str, base_line: int = 1) -> list[Statement]:
    """Statements of `sql` with their positions; raises SqlSyntaxError with line:column."""
    from pglast import parser

    try:
        raw = parser.parse_sql(sql)
    except parser.ParseError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        offset = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        line, col = line_col(sql, offset, base_line)
        raise SqlSyntaxError(message, line, col) from None
    out: list[Statement] = []
    for stmt in raw:
        start = stmt.stmt_location or 0
        # pglast counts a leading comment into the statement when it is the first one; skip it
        # so the reported line is the statement's own.
        text = sql[start:start + stmt.stmt_len] if stmt.stmt_len else sql[start:]
        stripped, skipped = _skip_leading_comments(text)
        line, col = line_col(sql, start + skipped, base_line)
        out.append(Statement(stripped.rstrip().rstrip(";").rstrip(), line, col, type(stmt.stmt).__name__))
    return out


def _skip_leading_comments(text: str) -> tuple[str, int]:
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text.startswith("--", i):
            nl = text.find("\n", i)
            i = len(text) if nl < 0 else nl + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
        else:
            break
    return text[i:], i
