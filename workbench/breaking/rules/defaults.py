"""Explicit and implied field defaults compared the way buf does (numbers across types, bytes vs strings)."""

from __future__ import annotations

import math

from workbench.breaking.go_float import f32 as _f32
from workbench.breaking.go_float import go_float as _go_float
from workbench.breaking.go_quote import go_quote as _go_quote
from workbench.breaking.schema import FDP, FieldInfo, Schema
from workbench.contracts.record import FrozenRecord

T = FDP
FLOATS = (T.TYPE_FLOAT, T.TYPE_DOUBLE)


class Default(FrozenRecord):
    """A field's default value as buf compares it."""

    _fields = ("value", "printable", "is_float32")

    def __init__(self, value: str | float | int | bool, printable: str, is_float32: bool = False) -> None:
        self.value = value  # str for string/bytes, float/int/bool otherwise
        self.printable = printable
        self.is_float32 = is_float32

    @property
    def is_zero(self) -> bool:
        v = self.value
        if isinstance(v, float):
            return v == 0.0 and math.copysign(1.0, v) > 0
        return not v

    def equals(self, other: Default) -> bool:
        a, b = self.value, other.value
        if isinstance(a, str) or isinstance(b, str):
            return a == b
        a_nan = isinstance(a, float) and math.isnan(a)
        b_nan = isinstance(b, float) and math.isnan(b)
        if a_nan or b_nan:
            return a_nan and b_nan
        if self.is_float32 != other.is_float32 and isinstance(a, float) and isinstance(b, float):
            return _f32(a) == _f32(b)  # float <-> double: compare at float precision
        return float(a) == float(b) if isinstance(a, float) or isinstance(b, float) else int(a) == int(b)


def field_default(field: FieldInfo, schema: Schema) -> Default:
    kind = field.kind(schema)
    raw = field.proto.default_value
    has = field.proto.HasField("default_value")
    if kind == T.TYPE_STRING:
        return Default(raw if has else "", _go_quote(raw if has else ""))
    if kind == T.TYPE_BYTES:
        data = _unescape_bytes(raw) if has else b""
        return Default(data.decode("latin-1"), "[" + ",".join(f"0x{b:X}" for b in data) + "]")
    if kind == T.TYPE_ENUM:
        enum = schema.enums.get(field.type_name.lstrip("."))
        number = 0
        name = ""
        if enum is not None and enum.proto.value:
            chosen = next((v for v in enum.proto.value if v.name == raw), None) if has else None
            enum_value = chosen or enum.proto.value[0]
            number, name = enum_value.number, enum_value.name
            return Default(number, f"{enum.name}.{name}")
        return Default(number, f"{number}")
    if kind == T.TYPE_BOOL:
        flag = has and raw == "true"
        return Default(flag, "true" if flag else "false")
    if kind in FLOATS:
        value = _parse_float(raw) if has else 0.0
        if kind == T.TYPE_FLOAT:
            value = _f32(value)
        return Default(value, _go_float(value, kind == T.TYPE_FLOAT), kind == T.TYPE_FLOAT)
    number = int(raw, 0) if has and raw else 0
    return Default(number, str(number))


def _parse_float(raw: str) -> float:
    text = raw.strip().lower()
    if text in ("inf", "+inf", "infinity"):
        return math.inf
    if text in ("-inf", "-infinity"):
        return -math.inf
    if text == "nan":
        return math.nan
    try:
        return float(text)
    except ValueError:
        return 0.0


def _unescape_bytes(raw: str) -> bytes:
    """protoc writes bytes defaults C-escaped."""
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c != "\\" or i + 1 >= len(raw):
            out += c.encode("utf-8")
            i += 1
            continue
        n = raw[i + 1]
        simple = {"n": 10, "r": 13, "t": 9, "\\": 92, "'": 39, '"': 34, "a": 7, "b": 8, "f": 12, "v": 11, "?": 63}
        if n in simple:
            out.append(simple[n])
            i += 2
        elif n in "01234567":
            j = i + 1
            while j < len(raw) and j < i + 4 and raw[j] in "01234567":
                j += 1
            out.append(int(raw[i + 1:j], 8) & 0xFF)
            i = j
        elif n == "x":
            j = i + 2
            while j < len(raw) and j < i + 4 and raw[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(int(raw[i + 2:j] or "0", 16) & 0xFF)
            i = j
        else:
            out.append(ord(n) & 0xFF)
            i += 2
    return bytes(out)
