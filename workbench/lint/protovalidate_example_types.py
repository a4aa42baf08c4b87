"""PROTOVALIDATE examples of floats, bytes, Duration, Timestamp and FieldMask, as protovalidate judges them.

protovalidate's rules for these types are CEL expressions in validate.proto; buf-bin 1.75 prints their
messages with cel-go's `%s` (a double in Go's shortest fixed notation, `NaN`, `Infinity`; a duration as
its seconds in that notation and `s`; a timestamp in RFC 3339 with trimmed nanoseconds; bytes in hex
for const/prefix/suffix/contains and as text in lists). The example itself is shown with Go's `%v`: a
float as `%g`, bytes as `[97 98]`, and a Duration, Timestamp or FieldMask as the pointer protobuf-go's
message state prints (`&{{} [] [] 0x...}`: an address that changes from run to run even in buf).
"""

from __future__ import annotations

import math
import struct
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from workbench.lint.protovalidate_rules import last_bytes, last_int, unpacked

TYPE_CHECKING = False
if TYPE_CHECKING:
    from workbench.lint.protovalidate_rules import Values

Failed = list[tuple[str, str]]
# protobuf-go's message state as Go's %v prints it; the address (of the type's MessageInfo) differs per run
_MESSAGE_SHOWN = {"duration": "&{{} [] [] 0xc000010080}", "timestamp": "&{{} [] [] 0xc000010680}",
                  "field_mask": "&{{} [] [] 0xc000010380}"}
_BOUNDS = {"gt": "greater than", "gte": "greater than or equal to", "lt": "less than",
           "lte": "less than or equal to"}


# ---------------------------------------------------------------- floats


def float_values(rule_type: str, raw: list[int | bytes]) -> list[float]:
    width = 4 if rule_type == "float" else 8
    return [_float(width, v) for v in unpacked(raw, width)]


def _float(width: int, bits: int) -> float:
    return float(struct.unpack("<f" if width == 4 else "<d", bits.to_bytes(width, "little"))[0])


def float_zero(value: float) -> bool:
    """protoreflect's emptiness of a float: all bits zero (-0.0 and NaN are set)."""
    return value == 0 and math.copysign(1, value) > 0


def float_violations(rule_type: str, rules: Values, names: dict[str, int], value: float) -> Failed:
    width = 4 if rule_type == "float" else 8

    def get(name: str) -> float | None:
        found = unpacked(rules.get(names[name], []), width)
        return _float(width, found[-1]) if found else None

    out: Failed = []
    const = get("const")
    if const is not None and value != const:  # NaN never equals
        out.append((f"{rule_type}.const", f"must equal {cel_double(const)}"))
    from workbench.lint.protovalidate_examples import range_violations

    out += range_violations(rule_type, value, {k: get(k) for k in _BOUNDS}, cel_double)
    within = [_float(width, v) for v in unpacked(rules.get(names["in"], []), width)]
    without = [_float(width, v) for v in unpacked(rules.get(names["not_in"], []), width)]
    if within and value not in within:
        out.append((f"{rule_type}.in", f"must be in list [{', '.join(map(cel_double, within))}]"))
    if without and value in without:
        out.append((f"{rule_type}.not_in", f"must not be in list [{', '.join(map(cel_double, without))}]"))
    if last_int(rules, names["finite"]) and (math.isnan(value) or math.isinf(value)):
        out.append((f"{rule_type}.finite", "must be finite"))
    return out


def cel_double(value: float) -> str:
    """cel-go's %s of a double: Go's shortest digits in fixed notation; NaN, Infinity, -Infinity."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return format(Decimal(repr(value)).normalize(), "f")


# ---------------------------------------------------------------- bytes


def bytes_shown(value: bytes) -> str:
    return "[" + " ".join(str(b) for b in value) + "]"


def bytes_violations(rules: Values, names: dict[str, int], value: bytes) -> Failed | None:
    """None: protovalidate cannot evaluate the example (a pattern on bytes that are not UTF-8, a list of
    bytes that are not: buf fails as a whole), left to buf."""
    out: Failed = []
    const = last_bytes(rules, names["const"])
    if const is not None and value != const:
        out.append(("bytes.const", f"must be {const.hex()}"))
    size = len(value)
    exact = last_int(rules, names["len"])
    if exact is not None and size != exact:
        out.append(("bytes.len", f"must be {exact} bytes"))
    low, high = last_int(rules, names["min_len"]), last_int(rules, names["max_len"])
    if low is not None and size < low:
        out.append(("bytes.min_len", f"must be at least {low} bytes"))
    if high is not None and size > high:
        out.append(("bytes.max_len", f"must be at most {high} bytes"))
    pattern = last_bytes(rules, names["pattern"])
    if pattern is not None:
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            return None
        matched = _matches(pattern.decode("utf-8", "replace"), text)
        if matched is None:
            return None
        if not matched:
            out.append(("bytes.pattern", f"must match regex pattern `{pattern.decode('utf-8', 'replace')}`"))
    for name, ok, message in (("prefix", bytes.startswith, "does not have prefix"),
                              ("suffix", bytes.endswith, "does not have suffix"),
                              ("contains", bytes.__contains__, "does not contain")):
        part = last_bytes(rules, names[name])
        if part is not None and not ok(value, part):
            out.append((f"bytes.{name}", f"{message} {part.hex()}"))
    for name, fails, message in (("in", lambda listed: value not in listed, "must be in list"),
                                 ("not_in", lambda listed: value in listed, "must not be in list")):
        listed = [v for v in rules.get(names[name], []) if isinstance(v, bytes)]
        if listed and fails(listed):
            try:
                shown = ", ".join(v.decode("utf-8") for v in listed)
            except UnicodeDecodeError:
                return None  # cel-go cannot print them: buf stops with an error
            out.append((f"bytes.{name}", f"{message} [{shown}]"))
    for name, sizes, what in (("ip", (4, 16), "IP address"), ("ipv4", (4,), "IPv4 address"),
                              ("ipv6", (16,), "IPv6 address"), ("uuid", (16,), "UUID")):
        if not last_int(rules, names[name]):
            continue
        if not value:
            out.append((f"bytes.{name}_empty", f"value is empty, which is not a valid {what}"))
        elif size not in sizes:
            out.append((f"bytes.{name}", f"must be a valid {what}"))
    return out


def _matches(pattern: str, text: str) -> bool | None:
    import re

    try:  # RE2's \w, \d, \s and \b are ASCII
        return re.search(pattern, text, re.ASCII) is not None
    except re.error:
        return None


# ---------------------------------------------------------------- Duration, Timestamp


def message_shown(rule_type: str) -> str:
    return _MESSAGE_SHOWN[rule_type]


def time_of(raw: int | bytes) -> tuple[int, int] | None:
    if not isinstance(raw, bytes):
        return None
    from workbench.lint.protovalidate import _decode

    fields = _decode(raw)
    return _signed(last_int(fields, 1) or 0, 64), _signed(last_int(fields, 2) or 0, 32)


def _signed(v: int, bits: int) -> int:
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def duration_nanos(value: tuple[int, int]) -> int:
    """durationpb's AsDuration: Go's time.Duration, saturated at its range."""
    from workbench.lint.protovalidate_rules import as_duration

    return as_duration(*value)


def duration_text(nanos: int) -> str:
    """cel-go's string of a duration: time.Duration.Seconds() in shortest fixed notation, and `s`."""
    seconds = float(int(nanos / 1_000_000_000) if nanos >= 0 else -(-nanos // 1_000_000_000))
    rest = nanos - int(seconds) * 1_000_000_000
    return cel_double(seconds + rest / 1e9) + "s"


def timestamp_nanos(value: tuple[int, int]) -> int:
    return value[0] * 1_000_000_000 + value[1]


def timestamp_text(nanos: int) -> str:
    """Go's time.Format(time.RFC3339Nano) in UTC: trailing zeros of the fraction dropped."""
    seconds, fraction = divmod(nanos, 1_000_000_000)
    moment = datetime(1, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds + 62135596800)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    text = f"{moment.year:04d}" + text[text.index("-"):]
    if fraction:
        text += "." + f"{fraction:09d}".rstrip("0")
    return text + "Z"


def time_violations(rule_type: str, rules: Values, names: dict[str, int], value: tuple[int, int],
                    now: int) -> Failed:
    """Examples are converted without a check (buf-bin compares a Timestamp before 0001-01-01, nanos beyond a
    second, a Duration with mixed signs); a rule value that does not convert keeps the rules from building
    (protovalidate._unbuildable), so no example is checked then."""
    timestamp = rule_type == "timestamp"
    to_nanos, text = (timestamp_nanos, timestamp_text) if timestamp else (duration_nanos, duration_text)
    this = to_nanos(value)

    def get(name: str) -> int | None:
        n = names.get(name)
        found = [time_of(v) for v in rules.get(n, [])] if n is not None else []
        parsed = found[-1] if found else None
        return None if parsed is None else to_nanos(parsed)

    out: Failed = []
    const = get("const")
    if const is not None and this != const:
        out.append((f"{rule_type}.const", f"must equal {text(const)}"))
    bounds = {k: get(k) for k in _BOUNDS}
    from workbench.lint.protovalidate_examples import range_violations

    out += range_violations(rule_type, this, bounds, text)
    for name, fails, message in (("in", lambda listed: this not in listed, "must be in list"),
                                 ("not_in", lambda listed: this in listed, "must not be in list")):
        n = names.get(name)
        if n is None:
            continue
        listed = [to_nanos(t) for t in (time_of(v) for v in rules.get(n, [])) if t is not None]
        if listed and fails(listed):
            out.append((f"{rule_type}.{name}", f"{message} [{', '.join(map(text, listed))}]"))
    if timestamp:
        if last_int(rules, names["lt_now"]) and this > now:
            out.append(("timestamp.lt_now", "must be less than now"))
        if last_int(rules, names["gt_now"]) and this < now:
            out.append(("timestamp.gt_now", "must be greater than now"))
        within = [time_of(v) for v in rules.get(names["within"], [])]
        if within and within[-1] is not None:
            span = duration_nanos(within[-1])
            if this < now - span or this > now + span:
                out.append(("timestamp.within", f"must be within {duration_text(span)} of now"))
    return out


# ---------------------------------------------------------------- FieldMask


def paths_of(raw: int | bytes) -> list[str]:
    if not isinstance(raw, bytes):
        return []
    from workbench.lint.protovalidate import _decode

    return [p.decode("utf-8", "surrogateescape") for p in _decode(raw).get(1, []) if isinstance(p, bytes)]


def field_mask_violations(rules: Values, names: dict[str, int], paths: list[str]) -> Failed:
    out: Failed = []
    const = [v for v in rules.get(names["const"], []) if isinstance(v, bytes)]
    if const:
        expected = paths_of(b"".join(const))
        if paths != expected:
            out.append(("field_mask.const", f"must equal paths [{', '.join(expected)}]"))

    def covered(path: str, listed: list[str]) -> bool:
        return any(path == f or path.startswith(f + ".") for f in listed)

    within = [v.decode("utf-8", "surrogateescape") for v in rules.get(names["in"], []) if isinstance(v, bytes)]
    without = [v.decode("utf-8", "surrogateescape") for v in rules.get(names["not_in"], []) if isinstance(v, bytes)]
    if within and not all(covered(p, within) for p in paths):
        out.append(("field_mask.in", f"must only contain paths in [{', '.join(within)}]"))
    if without and any(covered(p, without) for p in paths):
        out.append(("field_mask.not_in", f"must not contain any paths in [{', '.join(without)}]"))
    return out
