"""CEL's runtime values as cel-go has them, for evaluating protovalidate rules on `example` values.

Python's bool, int (CEL's int), float, str, bytes, list, dict and None are CEL's bool, int, double, string,
bytes, list, map and null; UInt, Duration, Timestamp, Message and CelType are the rest. CelError is a CEL
runtime error with cel-go's text (buf stops on it), Unsupported what is not evaluated here (no verdict).
"""

from __future__ import annotations

INT_MIN, INT_MAX, UINT_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1
# cel-go's Timestamp range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, in Unix seconds
TIMESTAMP_MIN, TIMESTAMP_MAX = -62135596800, 253402300799


class CelError(Exception):
    """A CEL runtime error; its text is cel-go's."""


class Unsupported(Exception):
    """Outside what is evaluated here: the caller leaves the verdict to buf."""


class UInt(int):
    """CEL's uint (Python's int is CEL's int)."""


class Duration:
    """google.protobuf.Duration as cel-go holds it: Go's time.Duration, nanoseconds in an int64."""

    __slots__ = ("nanos",)

    def __init__(self, nanos: int) -> None:
        if not INT_MIN <= nanos <= INT_MAX:
            raise CelError("integer overflow")
        self.nanos = nanos

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Duration) and other.nanos == self.nanos

    def __hash__(self) -> int:
        return hash(("duration", self.nanos))


class Timestamp:
    """google.protobuf.Timestamp: nanoseconds since the Unix epoch, within cel-go's range; `offset` is the
    zone (seconds east of UTC) of one parsed from text, which Go's time keeps and string() prints."""

    __slots__ = ("nanos", "offset")

    def __init__(self, nanos: int, offset: int = 0) -> None:
        if not TIMESTAMP_MIN * 10**9 <= nanos <= TIMESTAMP_MAX * 10**9 + 999_999_999:
            raise CelError("timestamp overflow")
        self.nanos, self.offset = nanos, offset

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timestamp) and other.nanos == self.nanos

    def __hash__(self) -> int:
        return hash(("timestamp", self.nanos))


class Message:
    """A protobuf message value: its full name and the fields it has set (FieldMask: `paths`)."""

    __slots__ = ("fields", "name")

    def __init__(self, name: str, fields: dict[str, object]) -> None:
        self.name, self.fields = name, fields

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (other.name, other.fields) == (self.name, self.fields)

    def __hash__(self) -> int:
        return hash(self.name)


class CelType:
    """A type as a value (`type(x)`, `int`): compared by name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CelType) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("type", self.name))


def type_name(value: object) -> str:
    """cel-go's name of a value's type, as its conversion errors print it."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, UInt):
        return "uint"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    if value is None:
        return "null_type"
    if isinstance(value, Duration):
        return "google.protobuf.Duration"
    if isinstance(value, Timestamp):
        return "google.protobuf.Timestamp"
    if isinstance(value, Message):
        return value.name
    return "type"


def checked_int(value: int) -> int:
    if not INT_MIN <= value <= INT_MAX:
        raise CelError("integer overflow")
    return value


def checked_uint(value: int) -> UInt:
    if not 0 <= value <= UINT_MAX:
        raise CelError("unsigned integer overflow")
    return UInt(value)


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
