"""Rows against the live schema, fused with their COPY text encoding (one pass per value).

Every value goes through a small per-column function that returns the value's COPY text when
it certainly fits, or None when it needs a closer look; only then does
`workbench.contracts.fixture_column_fit.value_problem` (the one converter `workbench check` uses too) decide
and word the finding. The fast functions only ever accept what `value_problem` accepts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import call
from typing import Any

from workbench.contracts.fixture_column_fit import SURROGATE, value_problem
from workbench.seed.live import LiveColumn, LiveTable

NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_NEEDS_ESCAPE = re.compile(r"[\\\n\r\t]")
_INT_LIMITS = {"smallint": 2**15, "integer": 2**31, "bigint": 2**63}
_LENGTH = re.compile(r"\((\d+)\)")

Encoder = Callable[[Any], str | None]
# Per row shape (the columns a row gives, in its order): encoders, staging positions, absent
# mask, whether the shape is acceptable at all, and the column names themselves.
_Shape = tuple[list[Encoder], list[int], str, bool, tuple[str, ...]]


@dataclass(frozen=True)
class Problem:
    line: int
    rule: str
    message: str
    column: str = ""  # the fixture column the finding points at ("" = the row)


def copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE.search(value) else value


def encode_any(value: Any, sql_type: str) -> str:
    """COPY text of a value that `value_problem` accepted (the slow, general path)."""
    if value is None:
        return NULL
    if sql_type in ("json", "jsonb"):
        return copy_text(json.dumps(value, ensure_ascii=False))
    if sql_type.endswith("[]") and isinstance(value, list):
        return copy_text(_array_literal(value, sql_type[:-2]))
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict | list):
        return copy_text(json.dumps(value, ensure_ascii=False))
    return copy_text(str(value))


def _array_literal(items: list[Any], elem_type: str) -> str:
    parts = []
    for item in items:
        if item is None:
            parts.append("NULL")
        elif isinstance(item, list):
            parts.append(_array_literal(item, elem_type))
        else:
            text = json.dumps(item, ensure_ascii=False) if elem_type in ("json", "jsonb") else \
                "t" if item is True else "f" if item is False else str(item)
            parts.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(parts) + "}"


def fast_encoder(col: LiveColumn) -> Encoder:
    """value -> COPY text when it certainly fits `col`, else None (then `value_problem` decides).

    Strings come back unescaped: `RowEncoder.encode` looks for characters COPY must escape
    once in the joined row instead of once per value (most rows have none).
    """
    t = col.type
    nullable = not col.not_null
    if t in _INT_LIMITS:
        lo, hi = -_INT_LIMITS[t], _INT_LIMITS[t]

        def enc_int(v: Any) -> str | None:
            if type(v) is int and lo <= v < hi:
                return str(v)
            return NULL if v is None and nullable else None
        return enc_int
    if t == "boolean":
        def enc_bool(v: Any) -> str | None:
            if v is True:
                return "t"
            if v is False:
                return "f"
            return NULL if v is None and nullable else None
        return enc_bool
    if t in ("text", "varchar", "char") and col.labels is not None:
        labels = frozenset(col.labels)

        def enc_label(v: Any) -> str | None:
            if type(v) is str and v in labels:
                return v  # COPY escaping is checked once per row (RowEncoder.encode)
            return NULL if v is None and nullable else None
        return enc_label
    if t in ("text", "varchar", "char"):
        m = _LENGTH.search(col.type_display) if t != "text" else None
        limit = int(m[1]) if m else None

        def enc_text(v: Any) -> str | None:
            if type(v) is str and (limit is None or len(v) <= limit):
                return v  # COPY escaping is checked once per row (RowEncoder.encode)
            return NULL if v is None and nullable else None
        return enc_text

    def enc_other(v: Any) -> str | None:
        return NULL if v is None and nullable else None
    return enc_other


@dataclass
class RowEncoder:
    """Validates rows of one fixture and turns them into COPY lines for the staging table."""

    table: LiveTable
    key: tuple[str, ...]  # identifies a row (natural or primary key)
    require_key: bool = True  # upsert matches rows by key; insert and replace can do without
    columns: list[str] = field(init=False)  # the staging table's data columns, in COPY order
    problems: list[Problem] = field(default_factory=list)
    seen_keys: dict[Any, int] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)  # columns given in at least one row
    partial: set[str] = field(default_factory=set)  # columns missing from at least one row
    _shapes: dict[tuple[str, ...], _Shape] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.columns = [c.name for c in self.table.columns.values() if not c.generated]
        self._index = {c: i for i, c in enumerate(self.columns)}
        self._encoders = {c: fast_encoder(self.table.columns[c]) for c in self.columns}
        self._required = frozenset(c.name for c in self.table.columns.values() if c.required)
        self._prefix: dict[int, bool] = {}
        # "\t\N" for every staging column after the first k: appended to rows that give k columns.
        self._tails = ["\t" + "\t".join([NULL] * (len(self.columns) - k)) if k < len(self.columns) else ""
                       for k in range(len(self.columns) + 1)]

    def _shape(self, shape: tuple[str, ...]) -> _Shape:
        known = self._shapes.get(shape)
        if known is None:
            ok = all(c in self._index for c in shape) and self._required <= set(shape) \
                and (not self.require_key or all(k in shape for k in self.key))
            encoders = [self._encoders.get(c, _reject) for c in shape]
            positions = [self._index.get(c, -1) for c in shape]
            absent = [str(i) for i, c in enumerate(self.columns) if c not in shape]
            known = (encoders, positions, "{" + ",".join(absent) + "}", ok, shape)
            self._shapes[shape] = known
            self.present.update(c for c in shape if c in self._index)
            self.partial.update(c for c in self.columns if c not in shape)
        return known

    def encode(self, line: int, row: dict[str, Any]) -> str | None:
        """The row's COPY text (data columns, line, absent mask; the order is appended later)."""
        got = self.encode_parts(line, row)
        return self.staging_text(*got) if got is not None else None

    def encode_parts(self, line: int, row: dict[str, Any]) -> tuple[int, str, _Shape] | None:
        """(line, the COPY text of the values the row gives in its own order, its shape: the same
        object for every row giving these columns); `staging_text` makes the staging line."""
        known = self._shape(tuple(row))
        encoders, positions, absent, ok, _ = known
        given = list(row.values())
        values = list(map(call, encoders, given))  # one encoder per given value (its shape)
        fast = ok and None not in values
        if fast:
            joined = "\t".join(values)  # type: ignore[arg-type]
            # Text PostgreSQL cannot take (NUL, a lone surrogate; rare): `_explain` words it.
            fast = "\x00" not in joined and (joined.isascii() or not SURROGATE.search(joined))
        if fast:
            # Every backslash must be a NULL marker (one per None) and tabs only separators;
            # otherwise escape the strings (rare: paths, multi-line text).
            if "\n" in joined or "\r" in joined or joined.count("\t") != len(values) - 1 \
                    or joined.count("\\") != given.count(None):
                values = [copy_text(t) if isinstance(v, str) else t  # type: ignore[arg-type]
                          for t, v in zip(values, given, strict=True)]
                joined = "\t".join(values)  # type: ignore[arg-type]
        else:
            if self._explain(line, row):
                if self.key and all(row.get(k) is not None for k in self.key):
                    self._first_time(line, row)  # a later row with the same key is still a duplicate
                return None
            # Only the fast path was unsure (a date, a numeric string...): the general encoding.
            values = [encode_any(v, self.table.columns[c].type) for c, v in row.items()]
            joined = "\t".join(values)  # type: ignore[arg-type]
        if self.key and (self.require_key or all(row.get(k) is not None for k in self.key)) \
                and not self._first_time(line, row):
            return None
        return line, joined, known

    def staging_text(self, line: int, joined: str, known: _Shape) -> str:
        """The staging table's COPY text of an encoded row (data columns, line, absent mask)."""
        _, positions, absent, _, _ = known
        if positions is self._prefix_positions(positions):
            # The row gives the columns in staging order: no reshuffling needed (the usual case).
            return joined + self._tails[len(positions)] + f"\t{line}\t{absent}"
        out = [NULL] * len(self.columns)
        # Escaped values hold no tab, so the joined text splits back into the row's values.
        for pos, text in zip(positions, joined.split("\t") if positions else [], strict=True):
            out[pos] = text
        out.append(str(line))
        out.append(absent)
        return "\t".join(out)

    def _prefix_positions(self, positions: list[int]) -> list[int] | None:
        """`positions` itself when it is 0, 1, 2, ... (cached per shape), else None."""
        known = self._prefix.get(id(positions))
        if known is None:
            known = positions == list(range(len(positions)))
            self._prefix[id(positions)] = known
        return positions if known else None

    def _first_time(self, line: int, row: dict[str, Any]) -> bool:
        if len(self.key) == 1 and type(row[self.key[0]]) in (str, int):
            ident: Any = row[self.key[0]]
        else:
            ident = tuple(_hashable(row[k]) for k in self.key)
        first = self.seen_keys.setdefault(ident, line)
        if first == line:
            return True
        shown = ident[0] if isinstance(ident, tuple) and len(ident) == 1 else ident
        self.problems.append(Problem(line, "SEED_DUPLICATE_KEY",
                                     f"duplicate key ({', '.join(self.key)}) = {shown!r}, first at line {first}",
                                     self.key[0]))
        return False

    def _explain(self, line: int, row: dict[str, Any]) -> bool:
        """Findings for a row the fast path refused; True when there were any."""
        table = self.table
        before = len(self.problems)
        for col, value in row.items():
            column = table.columns.get(col)
            if column is None:
                self.problems.append(Problem(line, "SEED_UNKNOWN_COLUMN",
                                             f"{col} is not a column of {table.name} in the database", col))
                continue
            if column.generated:
                self.problems.append(Problem(line, "SEED_GENERATED_COLUMN",
                                             f"{table.name}.{col} is generated by the database: leave it out", col))
                continue
            if value is None:
                if column.not_null:
                    self.problems.append(Problem(line, "SEED_NULL", f"{table.name}.{col} is NOT NULL", col))
                continue
            problem = value_problem(value, column.type, column.type_display, column.labels)
            if problem:
                self.problems.append(Problem(line, "SEED_TYPE", f"{table.name}.{col}: {problem}", col))
        missing = sorted(self._required - row.keys(), key=self.columns.index)
        if missing:
            self.problems.append(Problem(line, "SEED_MISSING_COLUMN",
                                         f"missing {', '.join(missing)}: NOT NULL in {table.name} without a default"))
        absent_key = [k for k in self.key if row.get(k) is None and k in table.columns] if self.require_key else []
        if absent_key:
            self.problems.append(Problem(line, "SEED_MISSING_KEY",
                                         f"no value for the key ({', '.join(absent_key)}) that identifies the row",
                                         absent_key[0] if absent_key[0] in row else ""))
        return len(self.problems) != before


def _reject(_value: Any) -> None:
    return None


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return value
