"""Does a JSON fixture value fit a PostgreSQL column? Used by `workbench check` (against the
schema the migrations define) and reusable against a live schema (same column types).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

_INT_RANGES = {"smallint": 2**15, "integer": 2**31, "bigint": 2**63}
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_NUMERIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_LENGTH = re.compile(r"\((\d+)\)")
SURROGATE = re.compile("[\ud800-\udfff]")  # lone surrogates: JSON can escape them, UTF-8 cannot encode them


def text_problem(value: Any) -> str | None:
    """Why a string in `value` (at any depth, keys too) cannot reach PostgreSQL, or None.

    JSON allows "\\u0000" and a lone "\\ud800"; PostgreSQL text holds no NUL character (jsonb
    refuses the escape too), and a lone surrogate has no UTF-8 encoding at all.
    """
    if isinstance(value, str):
        if "\x00" in value:
            return "contains the NUL character \\u0000, which PostgreSQL text cannot hold"
        if not value.isascii():
            m = SURROGATE.search(value)
            if m:
                return f"contains a lone surrogate \\u{ord(m[0]):04x}, which is not a character (no UTF-8 encoding)"
        return None
    if isinstance(value, list):
        return next((p for p in map(text_problem, value) if p), None)
    if isinstance(value, dict):
        return next((p for k, v in value.items() for p in (text_problem(k), text_problem(v)) if p), None)
    return None


def value_problem(value: Any, sql_type: str, type_display: str = "", labels: tuple[str, ...] | None = None) -> str | None:
    """Why `value` does not convert to `sql_type` (normalised, arrays end in []), or None."""
    if value is None:
        return None  # nullability is the caller's question
    bad_text = text_problem(value)
    if bad_text:
        return bad_text
    if sql_type.endswith("[]"):
        if not isinstance(value, list):
            return f"expected a JSON array for {sql_type}, got {_kind(value)}"
        for i, item in enumerate(value):
            problem = value_problem(item, sql_type[:-2], type_display.removesuffix("[]"))
            if problem:
                return f"item {i + 1}: {problem}"
        return None
    base = sql_type
    if base in _INT_RANGES:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"expected an integer for {base}, got {_kind(value)} {value!r}"
        limit = _INT_RANGES[base]
        if not -limit <= value < limit:
            return f"{value} is out of range for {base}"
        return None
    if base in ("numeric", "real", "double precision"):
        if isinstance(value, bool):
            return f"expected a number for {base}, got a boolean"
        if isinstance(value, int | float) or (isinstance(value, str) and _NUMERIC.match(value)):
            return None
        return f"expected a number for {base}, got {_kind(value)} {value!r}"
    if base == "boolean":
        return None if isinstance(value, bool) else f"expected true or false for boolean, got {_kind(value)} {value!r}"
    if base in ("json", "jsonb"):
        if _non_finite(value):
            return "NaN and Infinity (or a number too big for a double, such as 1e400) are not JSON"
        return None
    if not isinstance(value, str):
        return f"expected a string for {type_display or base}, got {_kind(value)} {value!r}"
    if base in ("varchar", "char"):
        m = _LENGTH.search(type_display)
        if m and len(value) > int(m[1]):
            return f"{len(value)} characters do not fit {type_display}"
    elif base == "uuid" and not _UUID.match(value):
        return f"{value!r} is not a UUID"
    elif base == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{value!r} is not a date (YYYY-MM-DD)"
    elif base in ("timestamptz", "timestamp"):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return f"{value!r} is not an RFC 3339 timestamp (e.g. 2025-01-15T09:30:00Z)"
        if base == "timestamptz" and parsed.tzinfo is None:
            return f"{value!r} has no time zone offset (add Z or +05:30)"
    if labels is not None and value not in labels:
        return f"{value!r} is not one of {', '.join(labels)}"
    return None


def _non_finite(value: Any) -> bool:
    """A float JSON cannot write (Python's reader takes NaN, Infinity and 1e400 as floats)."""
    if isinstance(value, float):
        return value != value or value in (float("inf"), float("-inf"))
    if isinstance(value, list):
        return any(map(_non_finite, value))
    if isinstance(value, dict):
        return any(map(_non_finite, value.values()))
    return False


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array",
            dict: "an object"}.get(type(value), type(value).__name__)
