"""Seed fixtures: one JSON file per table.

    {
      "table": "products",
      "key": ["sku"],                      optional natural key; default: the primary key
      "rows": [
        {"id": 1, "sku": "ARN-30C-10G", ...},
        ...
      ]
    }

Why a hand-rolled scanner: error messages need the line of every row, which `json.load`
throws away. We walk the top level ourselves and let `JSONDecoder.raw_decode` (C speed)
decode each value, so a 100,000-row file costs about what `json.loads` costs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from workbench.contracts.fixture_column_fit import SURROGATE, text_problem
from workbench.findings import Finding, Severity

_DECODER = json.JSONDecoder()
_WS = " \t\n\r"
KNOWN_KEYS = ("table", "key", "rows", "description")


@dataclass
class Fixture:
    table: str
    rel: str  # repository-relative path
    rows: list[dict[str, Any]] = field(default_factory=list)
    row_lines: list[int] = field(default_factory=list)
    key: tuple[str, ...] | None = None
    description: str = ""

    @property
    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            for col in row:
                seen.setdefault(col, None)
        return list(seen)

    def rows_with_lines(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return zip(self.row_lines, self.rows, strict=True)


class _ShapeError(Exception):
    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class _Lines:
    """Incremental offset -> line counter (positions only grow while scanning)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1

    def at(self, pos: int) -> int:
        if pos < self.pos:
            return self.text.count("\n", 0, pos) + 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def parse_fixture(text: str, rel: str) -> tuple[Fixture | None, list[Finding]]:
    text = text.removeprefix("\ufeff")
    lines = _Lines(text)
    try:
        return _parse(text, rel, lines), []
    except json.JSONDecodeError as exc:
        return None, [Finding(Severity.ERROR, "FIXTURE_JSON", rel, exc.lineno, f"invalid JSON: {exc.msg}",
                              exc.colno)]
    except _ShapeError as exc:
        line = lines.at(exc.pos) if exc.pos >= 0 else 1
        col = exc.pos - text.rfind("\n", 0, exc.pos) if exc.pos >= 0 else 0
        return None, [Finding(Severity.ERROR, "FIXTURE_SHAPE", rel, line, exc.message, col)]
    except RecursionError:
        return None, [Finding(Severity.ERROR, "FIXTURE_JSON", rel, 1, "invalid JSON: nested too deeply")]


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _expect(text: str, i: int, char: str, what: str) -> int:
    i = _skip(text, i)
    if i >= len(text) or text[i] != char:
        found = "end of file" if i >= len(text) else repr(text[i])
        raise _ShapeError(f"expected {what}, found {found}", min(i, len(text)))
    return i + 1


def _parse(text: str, rel: str, lines: _Lines) -> Fixture:
    i = _expect(text, 0, "{", "a JSON object with \"table\" and \"rows\"")
    table: str | None = None
    key: tuple[str, ...] | None = None
    description = ""
    rows: list[dict[str, Any]] = []
    row_lines: list[int] = []
    seen_rows = False
    first = True
    while True:
        i = _skip(text, i)
        if i < len(text) and text[i] == "}":
            i += 1
            break
        if not first:
            i = _expect(text, i, ",", "',' or '}'")
            i = _skip(text, i)
        first = False
        key_pos = i
        if i >= len(text) or text[i] != '"':
            raise _ShapeError("expected a key in double quotes", i)
        name, i = _DECODER.raw_decode(text, i)
        i = _expect(text, i, ":", "':'")
        i = _skip(text, i)
        if name == "rows":
            i = _expect(text, i, "[", "'[' starting the rows array")
            seen_rows = True
            i = _rows(text, i, rows, row_lines, lines)
            continue
        value, i = _DECODER.raw_decode(text, i)
        if name == "table":
            if not isinstance(value, str) or not value:
                raise _ShapeError('"table" must be a non-empty string', key_pos)
            _check_name(value, '"table"', key_pos)
            table = value
        elif name == "key":
            if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
                raise _ShapeError('"key" must be a non-empty list of column names', key_pos)
            for v in value:
                _check_name(v, '"key"', key_pos)
            key = tuple(value)
        elif name == "description":
            description = SURROGATE.sub("\ufffd", str(value))
        else:
            raise _ShapeError(f"unknown key {json.dumps(name)} (expected one of: {', '.join(KNOWN_KEYS)})", key_pos)
    if _skip(text, i) != len(text):
        raise _ShapeError("unexpected content after the fixture object", _skip(text, i))
    if table is None:
        raise _ShapeError('missing "table"', 0)
    if not seen_rows:
        raise _ShapeError('missing "rows"', 0)
    return Fixture(table=table, rel=rel, rows=rows, row_lines=row_lines, key=key, description=description)


def _check_name(name: str, what: str, pos: int) -> None:
    """A table or column name must be text PostgreSQL (and a terminal) can take."""
    problem = text_problem(name)
    if problem:
        raise _ShapeError(f"{what} {name!r} {problem}", pos)


def _check_columns(row: dict[str, Any], shapes: set[tuple[str, ...]], pos: int) -> None:
    """Column names of a row, looked at once per distinct set of columns (rows mostly share one).

    Only called where the text has a `\\u` escape: a UTF-8 file holds no lone surrogate and JSON
    no raw NUL, so only an escape can bring one in (and the scan for it costs ~nothing per row).
    """
    shape = tuple(row)
    if shape not in shapes:
        for col in shape:
            _check_name(col, "column name", pos)
        shapes.add(shape)


def _rows(text: str, i: int, rows: list[dict[str, Any]], row_lines: list[int], lines: _Lines) -> int:
    first = True
    shapes: set[tuple[str, ...]] = set()
    escaped = "\\u" in text
    while True:
        i = _skip(text, i)
        if i < len(text) and text[i] == "]":
            return i + 1
        if not first:
            i = _expect(text, i, ",", "',' or ']' in rows")
            i = _skip(text, i)
        first = False
        start = i
        row, i = _DECODER.raw_decode(text, i)
        if not isinstance(row, dict):
            raise _ShapeError(f"row {len(rows) + 1} is not a JSON object", start)
        if escaped:
            _check_columns(row, shapes, start)
        rows.append(row)
        row_lines.append(lines.at(start))


def load_fixture(path: Path, rel: str) -> tuple[Fixture | None, list[Finding]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Finding(Severity.ERROR, "FIXTURE_ENCODING", rel, 0, f"not UTF-8: {exc.reason}")]
    except OSError as exc:
        return None, [Finding(Severity.ERROR, "FIXTURE_READ", rel, 0, exc.strerror or str(exc))]
    return parse_fixture(text, rel)


def load_fixtures(fixtures_dir: Path, rel_prefix: str = "seeders/") -> tuple[list[Fixture], list[Finding]]:
    fixtures: list[Fixture] = []
    findings: list[Finding] = []
    if not fixtures_dir.is_dir():
        return [], []
    for path in sorted(fixtures_dir.glob("*.json")):
        fixture, more = load_fixture(path, rel_prefix + path.name)
        findings.extend(more)
        if fixture:
            fixtures.append(fixture)
    tables: dict[str, Fixture] = {}
    for fx in fixtures:
        other = tables.setdefault(fx.table, fx)
        if other is not fx:
            findings.append(Finding(Severity.ERROR, "FIXTURE_DUPLICATE_TABLE", fx.rel, 1,
                                    f"table {fx.table} is also seeded by {other.rel}"))
    return fixtures, findings


# -- streaming -------------------------------------------------------------------------------
# The seeder reads big fixtures row by row: one buffer of about a megabyte, never the whole
# file and never a list of every row (a 100,000-row fixture would otherwise be held twice).

_CHUNK = 1 << 20
_BETWEEN_ROWS = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")
_PLAIN = frozenset((str, int, bool, type(None)))


class FixtureStreamError(Exception):
    """The file stopped being a fixture part-way through; `finding` says where and why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


@dataclass
class FixtureStream:
    """A fixture's header (read up to `"rows"`) and a one-pass iterator over its rows."""

    path: Path
    rel: str
    table: str
    key: tuple[str, ...] | None = None
    description: str = ""

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line, row) pairs in file order; raises FixtureStreamError on malformed content."""
        reader = _Reader(self.path, self.rel)
        self._reader = reader
        reader.seek_rows()
        yield from reader.rows()

    @property
    def consumed(self) -> int:
        """Characters read so far by `rows()` (for progress: compare with the file's size)."""
        reader = getattr(self, "_reader", None)
        return reader.dropped + reader.i if reader else 0


def open_fixture_stream(path: Path, rel: str) -> tuple[FixtureStream | None, list[Finding]]:
    """The header of a fixture without reading its rows; findings when it is not a fixture.

    A file whose "table" or "key" comes after "rows" cannot be streamed: it is parsed whole once
    here (rare: every fixture the workbench writes puts them first).
    """
    try:
        reader = _Reader(path, rel)
        head = reader.seek_rows()
    except FixtureStreamError as exc:
        return None, [exc.finding]
    except OSError as exc:
        return None, [Finding(Severity.ERROR, "FIXTURE_READ", rel, 0, exc.strerror or str(exc))]
    finally:
        try:
            reader.close()
        except UnboundLocalError:
            pass
    if head.get("table") is None or head.get("after_rows"):
        fixture, findings = load_fixture(path, rel)
        if fixture is None:
            return None, findings
        return FixtureStream(path, rel, fixture.table, fixture.key, fixture.description), []
    return FixtureStream(path, rel, head["table"], head.get("key"), head.get("description", "")), []


def _exact(value: Any) -> bool:
    """False when orjson may have turned an integer literal into a float: it reads integers in
    [-2**63, 2**64) only; -2**63 - 1 becomes the float -2**63 itself, so that float is suspect too."""
    if type(value) is float:
        return -(2.0**63) < value < 2.0**64
    if type(value) is dict:
        return all(_exact(v) for v in value.values())
    if type(value) is list:
        return all(_exact(v) for v in value)
    return True


class _Reader:
    def __init__(self, path: Path, rel: str) -> None:
        self.rel = rel
        self.fh = path.open("r", encoding="utf-8", newline="")
        self.buf = ""
        self.i = 0
        self.line = 1  # line number of buf[0]
        self.eof = False
        self.count = 0
        self.dropped = 0  # characters dropped from the buffer's front

    def close(self) -> None:
        self.fh.close()

    def _more(self) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.fh.read(_CHUNK)
        except UnicodeDecodeError as exc:
            raise FixtureStreamError(Finding(Severity.ERROR, "FIXTURE_ENCODING", self.rel, 0,
                                             f"not UTF-8: {exc.reason}")) from None
        if not chunk:
            self.eof = True
            return False
        if self.i > _CHUNK:  # drop what was consumed, keeping line numbers right
            self.line += self.buf.count("\n", 0, self.i)
            self.dropped += self.i
            self.buf = self.buf[self.i:]
            self.i = 0
        if not self.buf and self.line == 1:
            chunk = chunk.removeprefix("\ufeff")
        self.buf += chunk
        return True

    def _line_at(self, pos: int) -> int:
        return self.line + self.buf.count("\n", 0, pos)

    def _fail(self, rule: str, message: str, pos: int) -> FixtureStreamError:
        col = pos - self.buf.rfind("\n", 0, pos)
        return FixtureStreamError(Finding(Severity.ERROR, rule, self.rel, self._line_at(pos), message, col))

    def _skip(self) -> None:
        while True:
            buf, i, n = self.buf, self.i, len(self.buf)
            while i < n and buf[i] in _WS:
                i += 1
            self.i = i
            if i < n or not self._more():
                return

    def _peek(self) -> str:
        self._skip()
        return self.buf[self.i] if self.i < len(self.buf) else ""

    def _expect(self, char: str, what: str) -> None:
        found = self._peek()
        if found != char:
            raise self._fail("FIXTURE_SHAPE", f"expected {what}, found {repr(found) if found else 'end of file'}",
                             self.i)
        self.i += 1

    def _value(self) -> tuple[Any, int]:
        self._skip()
        while True:
            start = self.i  # a refill may compact the buffer and move the value's start
            try:
                value, end = _DECODER.raw_decode(self.buf, self.i)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue  # the value may only be cut by the buffer's end
                col = exc.pos - self.buf.rfind("\n", 0, exc.pos)
                raise FixtureStreamError(Finding(Severity.ERROR, "FIXTURE_JSON", self.rel,
                                                 self._line_at(exc.pos), f"invalid JSON: {exc.msg}", col)) from None
            except RecursionError:
                raise self._fail("FIXTURE_JSON", "invalid JSON: nested too deeply", start) from None
            self.i = end
            return value, start

    def seek_rows(self) -> dict[str, Any]:
        """Read the top-level keys up to the rows array; positions the reader on its first row."""
        head: dict[str, Any] = {}
        self._expect("{", 'a JSON object with "table" and "rows"')
        first = True
        while True:
            if self._peek() == "}":
                raise self._fail("FIXTURE_SHAPE", 'missing "rows"', 0)
            if not first:
                self._expect(",", "',' or '}'")
            first = False
            if self._peek() != '"':
                raise self._fail("FIXTURE_SHAPE", "expected a key in double quotes", self.i)
            name, key_pos = self._value()
            self._expect(":", "':'")
            if name == "rows":
                self._expect("[", "'[' starting the rows array")
                # Keys after the rows array are only known at the end: let the caller parse whole.
                head["after_rows"] = head.get("table") is None
                return head
            value, _ = self._value()
            try:
                if name == "table":
                    if not isinstance(value, str) or not value:
                        raise self._fail("FIXTURE_SHAPE", '"table" must be a non-empty string', key_pos)
                    _check_name(value, '"table"', key_pos)
                    head["table"] = value
                elif name == "key":
                    if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
                        raise self._fail("FIXTURE_SHAPE", '"key" must be a non-empty list of column names', key_pos)
                    for v in value:
                        _check_name(v, '"key"', key_pos)
                    head["key"] = tuple(value)
                elif name == "description":
                    head["description"] = SURROGATE.sub("\ufffd", str(value))
                else:
                    raise self._fail("FIXTURE_SHAPE",
                                     f"unknown key {json.dumps(name)} (expected one of: {', '.join(KNOWN_KEYS)})",
                                     key_pos)
            except _ShapeError as exc:
                raise self._fail("FIXTURE_SHAPE", exc.message, exc.pos) from None

    def _line_row(self) -> tuple[Any, int]:
        """The row at the reader's position, read with orjson when it fills the rest of its line.

        Why: rows one per line is how fixtures are written (and what the 100,000-row seed reads),
        and orjson decodes a line about twice as fast as `raw_decode`. When the text from here to
        the line's last '}' is one whole JSON value, `raw_decode` would stop at that same '}' (an
        object ends at its matching brace) with the same value, except where the two libraries
        differ: orjson refuses NaN, infinities and lone surrogates (refused: the stdlib decodes
        them) and reads integers of 2**64 and more as floats (see `_exact`). Anything else, a row
        over several lines or two on one, takes `_value()`.
        """
        buf, i = self.buf, self.i
        newline = buf.find("\n", i)
        end = buf.rfind("}", i, newline) + 1 if newline >= 0 else 0
        if end > i and buf[i] == "{":
            try:
                row = orjson.loads(buf[i:end])
            except orjson.JSONDecodeError:
                pass
            else:
                # A regex over every line for long numbers would cost more than the decoding
                # saves: look at the values' types instead (one C-level pass for plain rows).
                if _PLAIN.issuperset(map(type, row.values())) or _exact(row):
                    self.i = end
                    return row, i
        return self._value()

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            first = True
            line, mark, seen = self.line, 0, self.buf  # incremental line counting inside one buffer
            shapes: set[tuple[str, ...]] = set()
            escaped = "\\u" in seen  # see _check_columns
            while True:
                if first:
                    if self._peek() == "]":
                        self.i += 1
                        return
                    first = False
                else:
                    # One regex call for the separator between rows (the scanner's hot path).
                    m = _BETWEEN_ROWS.match(self.buf, self.i)
                    if m is None or m.end() == len(self.buf):
                        if self._peek() == "]":  # slow path: the buffer ends here, or bad input
                            self.i += 1
                            return
                        self._expect(",", "',' or ']' in rows")
                    elif m[1] == "]":
                        self.i = m.end(1)
                        return
                    else:
                        self.i = m.end()
                row, start = self._line_row()
                if self.buf is not seen:
                    line, mark, seen = self.line, 0, self.buf  # the buffer was compacted or refilled
                    escaped = "\\u" in seen
                line += self.buf.count("\n", mark, start)
                mark = start
                if not isinstance(row, dict):
                    raise self._fail("FIXTURE_SHAPE", f"row {self.count + 1} is not a JSON object", start)
                if escaped:
                    try:
                        _check_columns(row, shapes, start)
                    except _ShapeError as exc:
                        raise self._fail("FIXTURE_SHAPE", exc.message, exc.pos) from None
                self.count += 1
                yield line, row
        finally:
            self.close()
