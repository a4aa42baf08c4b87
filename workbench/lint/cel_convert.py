"""cel-go's type conversions (int(), uint(), double(), string(), bytes(), bool(), duration(), timestamp())
and the Timestamp/Duration getters, on CEL values (cel_eval.py), with cel-go's error texts."""

from __future__ import annotations

import re

from workbench.lint.cel_values import (
    INT_MAX,
    INT_MIN,
    CelError,
    Duration,
    Timestamp,
    UInt,
    Unsupported,
    checked_int,
    checked_uint,
    type_name,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_GO_INT = re.compile(r"[+-]?[0-9]+")
_GO_FLOAT = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)", re.IGNORECASE)
_GO_BOOL = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
            "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}
_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_NANOS = {"ns": 1, "us": 1000, "µs": 1000, "μs": 1000, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
               "h": 3600 * 10**9}
_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))")


def _conversion_error(value: Any, target: str) -> CelError:
    return CelError(f"type conversion error from '{type_name(value)}' to '{target}'")


def convert(name: str, value: Any) -> Any:
    if name == "int":
        return _to_int(value)
    if name == "uint":
        return _to_uint(value)
    if name == "double":
        return _to_double(value)
    if name == "string":
        return _to_string(value)
    if name == "bytes":
        if isinstance(value, bytes):
            return value
        if isinstance(value, str):
            return value.encode("utf-8", "surrogateescape")
    if name == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            if value not in _GO_BOOL:
                raise _conversion_error(value, "bool")
            return _GO_BOOL[value]
    if name == "duration":
        if isinstance(value, Duration):
            return value
        if isinstance(value, str):
            nanos = parse_duration(value)
            if nanos is None:
                raise _conversion_error(value, "google.protobuf.Duration")
            return Duration(nanos)
    if name == "timestamp":
        if isinstance(value, Timestamp):
            return value
        if isinstance(value, str):
            return parse_timestamp(value)
        if isinstance(value, int) and not isinstance(value, (bool, UInt)):
            return Timestamp(value * 10**9)
    raise Unsupported(name)


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise Unsupported("int")
    if isinstance(value, int):
        return checked_int(int(value))
    if isinstance(value, float):
        # cel-go: NaN, infinities and values outside (-2^63, 2^63) overflow
        if not (value == value and -9.223372036854775808e18 < value < 9.223372036854775807e18):
            raise CelError("integer overflow")
        return int(value)
    if isinstance(value, str):
        if not _GO_INT.fullmatch(value) or not INT_MIN <= int(value) <= INT_MAX:
            raise _conversion_error(value, "int")
        return int(value)
    if isinstance(value, Timestamp):
        return value.nanos // 10**9
    raise Unsupported("int")


def _to_uint(value: Any) -> UInt:
    if isinstance(value, bool):
        raise Unsupported("uint")
    if isinstance(value, int):
        return checked_uint(int(value))
    if isinstance(value, float):
        if not (value == value and -1 < value < 1.8446744073709552e19):
            raise CelError("unsigned integer overflow")
        return UInt(int(value))
    if isinstance(value, str):
        if not re.fullmatch(r"\+?[0-9]+", value) or int(value) > (1 << 64) - 1:
            raise _conversion_error(value, "uint")
        return UInt(int(value))
    raise Unsupported("uint")


def _to_double(value: Any) -> float:
    if isinstance(value, bool):
        raise Unsupported("double")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        if not _GO_FLOAT.fullmatch(value):
            raise _conversion_error(value, "double")
        try:
            return float(value)
        except OverflowError as e:
            raise _conversion_error(value, "double") from e
    raise Unsupported("double")


def _to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        from workbench.breaking.go_float import go_float

        return go_float(value, single=False)  # strconv.FormatFloat(v, 'g', -1, 64)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as e:
            raise CelError("invalid UTF-8 in bytes, cannot convert to string") from e
    if isinstance(value, Timestamp):
        return timestamp_text(value)
    if isinstance(value, Duration):
        return duration_text(value.nanos)
    raise Unsupported("string")


def parse_duration(text: str) -> int | None:
    """Go's time.ParseDuration in nanoseconds; None where it fails."""
    s = text
    sign = 1
    if s[:1] in ("+", "-"):
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        return None
    total = 0
    pos = 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if m is None or m.group(1) in ("", "."):
            return None
        number, unit = m.group(1), m.group(2)
        whole, _, fraction = number.partition(".")
        scale = _UNIT_NANOS[unit]
        total += int(whole or "0") * scale
        if fraction:
            total += int(fraction) * scale // 10 ** len(fraction)
        pos = m.end()
    total *= sign
    if not INT_MIN <= total <= INT_MAX:
        return None
    return total


def parse_timestamp(text: str) -> Timestamp:
    import calendar

    m = _RFC3339.fullmatch(text)
    if m is None:
        raise CelError(f'invalid RFC 3339 timestamp "{text}"')
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year or 2000, month)[1] and hour < 24
            and minute < 60 and second < 60):
        raise Unsupported("timestamp range")
    seconds = calendar.timegm((year, month, day, hour, minute, second))
    offset = 0
    if m.group(9):
        offset = (int(m.group(10)) * 60 + int(m.group(11))) * 60 * (1 if m.group(9) == "+" else -1)
        seconds -= offset
    fraction = (m.group(7) or ".")[1:]
    nanos = int((fraction + "000000000")[:9]) if fraction else 0
    return Timestamp(seconds * 10**9 + nanos, offset)


def timestamp_text(value: Timestamp) -> str:
    """Go's RFC 3339 with nanoseconds, trailing zeros dropped, in the timestamp's own zone."""
    import datetime

    seconds, nanos = divmod(value.nanos + value.offset * 10**9, 10**9)
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    text = f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%S")
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    if not value.offset:
        return text + "Z"
    sign, minutes = "+" if value.offset > 0 else "-", abs(value.offset) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def duration_text(nanos: int) -> str:
    """cel-go's string(duration): the seconds as strconv's 'f' with the shortest digits, then 's'."""
    from decimal import Decimal

    seconds = nanos / 1e9
    text = format(Decimal(repr(seconds)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "s"


_GETTERS = {"getFullYear", "getMonth", "getDayOfYear", "getDayOfMonth", "getDate", "getDayOfWeek", "getHours",
            "getMinutes", "getSeconds", "getMilliseconds"}


def time_getter(name: str, value: Any, args: list[Any]) -> int:
    if name not in _GETTERS:
        raise Unsupported(name)
    if isinstance(value, Duration):
        if args:
            raise Unsupported(name)
        unit = {"getHours": 3600 * 10**9, "getMinutes": 60 * 10**9, "getSeconds": 10**9,
                "getMilliseconds": 10**6}.get(name)
        if unit is None:
            raise Unsupported(name)
        return int(value.nanos / unit) if value.nanos >= 0 else -(-value.nanos // unit)
    import datetime

    zone: datetime.tzinfo = datetime.UTC
    if args:
        zone = _zone(args[0])
    seconds, nanos = divmod(value.nanos, 10**9)
    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(seconds=seconds)
    local = moment.astimezone(zone)
    return {"getFullYear": local.year, "getMonth": local.month - 1, "getDayOfYear": local.timetuple().tm_yday - 1,
            "getDayOfMonth": local.day - 1, "getDate": local.day, "getDayOfWeek": (local.weekday() + 1) % 7,
            "getHours": local.hour, "getMinutes": local.minute, "getSeconds": local.second,
            "getMilliseconds": nanos // 10**6}[name]


def _zone(name: Any) -> Any:
    import datetime

    if not isinstance(name, str):
        raise CelError("no such overload")
    m = re.fullmatch(r"([+-])(\d{2}):(\d{2})", name)
    if m:
        offset = datetime.timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
        return datetime.timezone(-offset if m.group(1) == "-" else offset)
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception as e:  # noqa: BLE001 - any failure to find the zone: cel-go's text is not modelled
        raise Unsupported("time zone") from e

