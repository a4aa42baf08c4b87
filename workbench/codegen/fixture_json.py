"""A seed row as its message's proto3 JSON: the one conversion every language's check uses.

The layer mapping (see `workbench.contracts.layer_mapping`) says how a database row and a message relate;
this applies it to a fixture row:

- column -> field by `column_for`, keyed by the field's `json_name` (what every proto3 JSON
  printer emits, so input and output compare key by key);
- enum label -> enum value name (ORDER_STATUS_PAID <-> 'paid');
- 64-bit integers -> decimal strings (proto3 JSON's form for them); 32-bit stay numbers;
- timestamps -> RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits (the canonical form);
- null -> field left out.

Anything the mapping cannot convert is passed through *unchanged* so that each language's
strict parser rejects it and the rejection names the value: an unknown enum label, an int32
out of range, a column without a field. Silently "fixing" values here would hide seed bugs.

`RowJson.expected` is what a faithful parse-and-print returns: the input minus fields that
proto3 JSON omits (implicit-presence fields holding their default value).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from workbench.contracts.config import MappingConfig
from workbench.contracts.layer_mapping import column_for
from workbench.contracts.proto_model import ProtoEnum, ProtoField, ProtoMessage

INT32_TYPES = frozenset({"int32", "sint32", "sfixed32", "uint32", "fixed32"})
INT64_TYPES = frozenset({"int64", "sint64", "sfixed64", "uint64", "fixed64"})
FLOAT_TYPES = frozenset({"float", "double"})
TIMESTAMP = "google.protobuf.Timestamp"
INT64_WRAPPERS = frozenset({"google.protobuf.Int64Value", "google.protobuf.UInt64Value"})

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$"
)


@dataclass(frozen=True)
class RowJson:
    message: ProtoMessage
    json: dict[str, Any]  # what the parsers are given
    expected: dict[str, Any]  # what a faithful round trip prints
    columns: dict[str, str]  # JSON key -> fixture column (to name the column in findings)


EnumLookup = Callable[[str], ProtoEnum | None]


def row_to_json(row: dict[str, Any], message: ProtoMessage, enum_of: EnumLookup,
                mapping: MappingConfig) -> RowJson:
    by_column = {column_for(message.name, f.name, mapping): f for f in message.fields}
    out: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    columns: dict[str, str] = {}
    for column, value in row.items():
        fld = by_column.get(column)
        if fld is None:  # no such field: keep the column so the strict parsers name it
            out[column] = expected[column] = value
            columns[column] = column
            continue
        if value is None:
            continue
        enum = enum_of(fld.type_name) if fld.kind == "enum" else None
        converted = _convert(value, fld, enum)
        out[fld.json_name] = converted
        columns[fld.json_name] = column
        if not _omitted_when_printed(converted, fld, enum):
            expected[fld.json_name] = _canonical(converted, fld, enum)
    return RowJson(message, out, expected, columns)


def _convert(value: Any, fld: ProtoField, enum: ProtoEnum | None) -> Any:
    if fld.repeated:
        return [_scalar(v, fld, enum) for v in value] if isinstance(value, list) else value
    return _scalar(value, fld, enum)


def _scalar(value: Any, fld: ProtoField, enum: ProtoEnum | None) -> Any:
    if enum is not None:
        if isinstance(value, str):
            for v in enum.values:
                if enum.label(v) == value:
                    return v.name
        return value  # unknown label (or a number): the parsers decide
    if fld.type_name in INT64_TYPES or fld.type_name in INT64_WRAPPERS:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value
    if fld.type_name == TIMESTAMP and isinstance(value, str):
        return normalize_timestamp(value) or value
    return value


def _omitted_when_printed(value: Any, fld: ProtoField, enum: ProtoEnum | None) -> bool:
    """proto3 JSON printers leave out implicit-presence fields that hold their default."""
    if fld.repeated:
        return value == [] or value == {}
    if fld.optional or fld.oneof or fld.kind == "message":
        return False
    if enum is not None:
        zero = next((v.name for v in enum.values if v.number == 0), None)
        return value == zero or (value == 0 and not isinstance(value, bool))
    if fld.type_name == "bool":
        return value is False
    if fld.type_name in ("string", "bytes"):
        return value == ""
    if fld.type_name in INT64_TYPES:
        return value in ("0", "-0")
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) and value == 0


def _canonical(value: Any, fld: ProtoField, enum: ProtoEnum | None) -> Any:
    if enum is not None and isinstance(value, int) and not isinstance(value, bool):
        name = next((v.name for v in enum.values if v.number == value), None)
        return name if name is not None else value
    if fld.repeated and isinstance(value, list) and enum is not None:
        return [_canonical(v, _single(fld), enum) for v in value]
    return value


def _single(fld: ProtoField) -> ProtoField:
    from dataclasses import replace

    return replace(fld, repeated=False)


def normalize_timestamp(text: str) -> str | None:
    """RFC 3339 -> canonical UTC form ("...Z", 0/3/6/9 fraction digits); None if not RFC 3339."""
    m = _RFC3339.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(m[i]) for i in range(1, 7))
    frac = (m[7] or "").ljust(9, "0")
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    zone = m[8]
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        moment -= sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    if not (datetime(1, 1, 1, tzinfo=UTC) <= moment <= datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)):
        return None
    nanos = int(frac)
    base = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if nanos == 0:
        return base + "Z"
    if nanos % 1_000_000 == 0:
        return f"{base}.{nanos // 1_000_000:03d}Z"
    if nanos % 1_000 == 0:
        return f"{base}.{nanos // 1_000:06d}Z"
    return f"{base}.{nanos:09d}Z"


def json_equal(a: Any, b: Any, *, float32: bool = False) -> bool:
    """Parsed-JSON equality: numbers by value (1 == 1.0), floats within float32 precision if asked."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        if a == b:
            return True
        if isinstance(a, float) or isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-6 if float32 else 1e-12)
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k], float32=float32) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y, float32=float32) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def field_for_key(message: ProtoMessage, key: str) -> ProtoField | None:
    return next((f for f in message.fields if f.json_name == key), None)


__all__ = ["RowJson", "row_to_json", "normalize_timestamp", "json_equal", "field_for_key"]
