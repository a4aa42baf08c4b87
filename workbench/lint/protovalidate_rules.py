"""PROTOVALIDATE: the checks buf 1.75 makes inside one type's rules (`string`, `int32`, `duration` ...).

Written from buf's buflintvalidate (field.go, numeric.go) and the messages in buf-bin 1.75, each shape
run through buf-bin (tests/lint_cases/protovalidate_rules): `const` beside other rules, bounds that
are equal (`gte`/`lte`: use `const`; otherwise all values rejected), NaN in a float bound or list,
invalid Duration/Timestamp bounds, lengths that contradict each other or a prefix/suffix/contains,
a substring containing `not_contains`, `strict` without `well_known_regex`, both `lt_now` and
`gt_now`, a `within` that is not positive, and a FieldMask path in both `in` and `not_in`.

`rules` is one type's rules message decoded into {number: [values]} (protovalidate._decode); `add`
reports at a path below the type (`(number,)`, `(number, index)`), `name` spells a path as buf does.
"""

from __future__ import annotations

import math
import struct

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Protocol

    _Reader = Callable[[int | bytes], object]

    class Adder(Protocol):
        field_name: str

        def add(self, path: tuple[int, ...], message: str) -> None: ...

        def add_paths(self, paths: Sequence[tuple[int, ...]], message: str) -> None: ...

        def name(self, *path: int) -> str: ...

Values = dict[int, list[int | bytes]]

# field numbers of the rules messages (buf/validate/validate.proto), by the FieldRules type name
_NUMBER = {"const": 1, "lt": 2, "lte": 3, "gt": 4, "gte": 5, "in": 6, "not_in": 7}
_NUMERIC_NAMES = {v: k for k, v in _NUMBER.items()}
_TIME = {"const": 2, "lt": 3, "lte": 4, "gt": 5, "gte": 6, "in": 7, "not_in": 8}
NUMERIC = ("float", "double", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
           "sfixed32", "sfixed64")
INTEGERS = NUMERIC[2:]
SCHEMA: dict[str, dict[int, str]] = {
    **{t: {**_NUMERIC_NAMES, 8: "example"} for t in NUMERIC},
    "float": {**_NUMERIC_NAMES, 8: "finite", 9: "example"},
    "double": {**_NUMERIC_NAMES, 8: "finite", 9: "example"},
    "int64": {**_NUMERIC_NAMES, 9: "example"},
    "bool": {1: "const", 2: "example"},
    "string": {1: "const", 19: "len", 2: "min_len", 3: "max_len", 20: "len_bytes", 4: "min_bytes", 5: "max_bytes",
               6: "pattern", 7: "prefix", 8: "suffix", 9: "contains", 23: "not_contains", 10: "in", 11: "not_in",
               12: "email", 13: "hostname", 14: "ip", 15: "ipv4", 16: "ipv6", 17: "uri", 18: "uri_ref",
               21: "address", 22: "uuid", 33: "tuuid", 26: "ip_with_prefixlen", 27: "ipv4_with_prefixlen",
               28: "ipv6_with_prefixlen", 29: "ip_prefix", 30: "ipv4_prefix", 31: "ipv6_prefix",
               32: "host_and_port", 35: "ulid", 37: "protobuf_fqn", 38: "protobuf_dot_fqn",
               24: "well_known_regex", 25: "strict", 34: "example"},
    "bytes": {1: "const", 13: "len", 2: "min_len", 3: "max_len", 4: "pattern", 5: "prefix", 6: "suffix",
              7: "contains", 8: "in", 9: "not_in", 10: "ip", 11: "ipv4", 12: "ipv6", 15: "uuid", 14: "example"},
    "enum": {1: "const", 2: "defined_only", 3: "in", 4: "not_in", 5: "example"},
    "repeated": {1: "min_items", 2: "max_items", 3: "unique", 4: "items"},
    "map": {1: "min_pairs", 2: "max_pairs", 4: "keys", 5: "values"},
    "any": {2: "in", 3: "not_in"},
    "duration": {**{v: k for k, v in _TIME.items()}, 9: "example"},
    "timestamp": {**{v: k for k, v in _TIME.items()}, 7: "lt_now", 8: "gt_now", 9: "within", 10: "example"},
    "field_mask": {1: "const", 2: "in", 3: "not_in", 4: "example"},
}
# the repeated fields of the rules messages: a path below them carries an index
REPEATED = frozenset({"in", "not_in", "example", "cel", "cel_expression"})
EXTENSIONS_FROM = 1000  # predefined rules: buf's resolver does not know them, they are not counted
MIN_TIMESTAMP, MAX_TIMESTAMP = -62135596800, 253402300799  # 0001-01-01, 9999-12-31 23:59:59
# protovalidate's limit on a duration (a little under MaxInt64 nanoseconds), as buf prints it
MAX_DURATION = (9223372036, 854775428)
_NAN_IN = {"in": "can never match", "not_in": "has no effect"}


def check_type_rules(a: Adder, number: int, rule_type: str, rules: Values) -> None:
    """buf's checks of one type's rules (after the type was found to fit the field)."""
    if rule_type in NUMERIC:
        if rule_type in ("float", "double"):
            _nan(a, number, rule_type, rules)
        _numeric(a, number, rules, _NUMBER, _number_reader(rule_type), None)
    elif rule_type == "string":
        _const(a, number, rules)
        _string(a, number, rules)
    elif rule_type == "bytes":
        _const(a, number, rules)
        _lengths(a, number, rules, ("len", 13), ("min_len", 2), ("max_len", 3))
        _bytes(a, number, rules)
    elif rule_type == "enum":
        _const(a, number, rules)
    elif rule_type == "duration":
        _numeric(a, number, rules, _TIME, _duration, _duration_error)
    elif rule_type == "timestamp":
        _numeric(a, number, rules, _TIME, _duration, _timestamp_error)
        _timestamp(a, number, rules)
    elif rule_type == "field_mask":
        _const(a, number, rules)
        _field_mask(a, number, rules)


def count(rules: Values) -> int:
    """The set fields buf's Range visits (a repeated field once)."""
    return sum(1 for n in rules if n < EXTENSIONS_FROM)


def last_int(rules: Values, number: int) -> int | None:
    found = [v for v in rules.get(number, ()) if isinstance(v, int)]
    return found[-1] if found else None


def last_bytes(rules: Values, number: int) -> bytes | None:
    found = [v for v in rules.get(number, ()) if isinstance(v, bytes)]
    return found[-1] if found else None


def _const(a: Adder, number: int, rules: Values, const: int = 1) -> None:
    if const in rules and count(rules) > 1:
        a.add((number, const), f"Field {_q(a.field_name)} has {a.name(number, const)}, therefore other rules in "
                               f"{a.name(number)} are not applied and should be removed.")


# ---------------------------------------------------------------- numbers, durations, timestamps


def _number_reader(rule_type: str) -> _Reader:
    if rule_type == "float":
        return lambda v: struct.unpack("<f", v.to_bytes(4, "little"))[0] if isinstance(v, int) else None
    if rule_type == "double":
        return lambda v: struct.unpack("<d", v.to_bytes(8, "little"))[0] if isinstance(v, int) else None
    # integers are only compared for equality: the same type's encodings are equal when the values are
    return lambda v: v if isinstance(v, int) else None


def _numeric(a: Adder, number: int, rules: Values, numbers: dict[str, int], read: _Reader,
             invalid: Callable[[tuple[int, int]], str] | None) -> None:
    """numeric.go's checkNumericRules: an invalid bound, `const` beside others, equal bounds."""
    values: dict[str, object] = {}
    for name in ("const", "gt", "gte", "lt", "lte"):
        n = numbers[name]
        raw = rules.get(n)
        if not raw:
            continue
        value = read(raw[-1])
        if invalid is not None and isinstance(value, tuple):
            error = invalid(value)
            if error:
                a.add((number, n), f"Field {_q(a.field_name)} has an invalid {a.name(number, n)}: {error}.")
                continue
        values[name] = value
    if "const" in values and count(rules) > 1:
        c = numbers["const"]
        a.add((number, c), f"Field {_q(a.field_name)} has {a.name(number, c)}, therefore other rules in "
                           f"{a.name(number)} are not applied and should be removed.")
    low = next((n for n in ("gt", "gte") if n in values), None)
    high = next((n for n in ("lt", "lte") if n in values), None)
    if low is None or high is None or values[low] != values[high]:
        return  # {lt: 3, gt: 5} and {lt: 5, gt: 3} are both valid: only equal bounds are reported
    paths = [(number, numbers[low]), (number, numbers[high])]
    both = f"{a.name(number, numbers[low])} and {a.name(number, numbers[high])}"
    if low == "gte" and high == "lte":
        a.add_paths(paths, f"Field {_q(a.field_name)} has equal {both}, use {a.name(number)}.const instead.")
    else:
        a.add_paths(paths, f"Field {_q(a.field_name)} has equal {both}. All values are rejected by these checks.")


def _nan(a: Adder, number: int, rule_type: str, rules: Values) -> None:
    """A float bound set to NaN, or NaN in `in`/`not_in` (each NaN entry)."""
    read = _number_reader(rule_type)
    for name in ("const", "lt", "lte", "gt", "gte"):
        raw = rules.get(_NUMBER[name])
        value = read(raw[-1]) if raw else None
        if isinstance(value, float) and math.isnan(value):
            a.add((number, _NUMBER[name]), f"Field {_q(a.field_name)} has {a.name(number, _NUMBER[name])} set to "
                                           f"NaN. Comparisons with NaN are always false, so this rule can never be "
                                           f"satisfied.")
    for name, effect in _NAN_IN.items():
        n = _NUMBER[name]
        for index, value in enumerate(unpacked(rules.get(n, []), 4 if rule_type == "float" else 8)):
            f = read(value)
            if isinstance(f, float) and math.isnan(f):
                a.add((number, n, index), f"Field {_q(a.field_name)} has NaN in {a.name(number, n)}. Comparisons "
                                          f"with NaN are always false, so this entry {effect}.")


def unpacked(values: list[int | bytes], fixed_width: int = 0) -> list[int]:
    """A repeated scalar's values, packed or not (fixed_width: 4 or 8 for fixed encodings, 0 for varints)."""
    out: list[int] = []
    for v in values:
        if isinstance(v, int):
            out.append(v)
        elif fixed_width:
            out += [int.from_bytes(v[i:i + fixed_width], "little") for i in range(0, len(v), fixed_width)]
        else:
            i = 0
            while i < len(v):
                result = shift = 0
                while i < len(v):
                    b = v[i]
                    i += 1
                    result |= (b & 0x7F) << shift
                    shift += 7
                    if b < 0x80:
                        break
                out.append(result)
    return out


def _duration(value: int | bytes) -> object:
    """(seconds, nanos) of an encoded Duration or Timestamp (both are {1: int64, 2: int32})."""
    if not isinstance(value, bytes):
        return None
    from workbench.lint.protovalidate import _decode

    fields = _decode(value)
    return (_signed(last_int(fields, 1) or 0, 64), _signed(last_int(fields, 2) or 0, 64))


def _signed(v: int, bits: int) -> int:
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def text_of(seconds: int, nanos: int) -> str:
    """Go's %v of a Duration/Timestamp message: its compact text format (unset fields left out)."""
    parts = ([f"seconds:{seconds}"] if seconds else []) + ([f"nanos:{nanos}"] if nanos else [])
    return " ".join(parts)


def _duration_error(value: tuple[int, int]) -> str:
    """buf's checkDuration."""
    seconds, nanos = value
    shown = text_of(seconds, nanos)
    if nanos <= -1_000_000_000 or nanos >= 1_000_000_000:
        return f"duration ({shown}) must have nanos in the range 0 to 999999999"
    if (seconds > 0 and nanos < 0) or (seconds < 0 and nanos > 0):
        return f"duration ({shown}) has seconds and nanos with different signs"
    limit = MAX_DURATION[0] * 1_000_000_000 + MAX_DURATION[1]
    if abs(as_duration(seconds, nanos)) > limit:
        low, high = text_of(-MAX_DURATION[0], -MAX_DURATION[1]), text_of(*MAX_DURATION)
        return f"duration ({shown}) must be in the range {low} to {high}"
    return ""


def as_duration(seconds: int, nanos: int) -> int:
    """durationpb's AsDuration: Go's time.Duration in nanoseconds, int64 arithmetic that saturates when the
    seconds alone overflow (or the nanos carry them over), whatever the nanos bring back."""
    def wrap(v: int) -> int:
        return (v + (1 << 63)) % (1 << 64) - (1 << 63)

    d = wrap(seconds * 1_000_000_000)
    overflow = seconds * 1_000_000_000 != d
    d = wrap(d + nanos)
    overflow = overflow or (seconds < 0 and nanos < 0 and d > 0) or (seconds > 0 and nanos > 0 and d < 0)
    if overflow and seconds:
        return -(1 << 63) if seconds < 0 else (1 << 63) - 1
    return d


def _timestamp_error(value: tuple[int, int]) -> str:
    """timestamppb's CheckValid, with protobuf-go's error prefix (its no-break space as this buf build has it)."""
    seconds, nanos = value
    shown = text_of(seconds, nanos)
    if seconds < MIN_TIMESTAMP:
        return f"proto:\u00a0timestamp ({shown}) before 0001-01-01"
    if seconds > MAX_TIMESTAMP:
        return f"proto:\u00a0timestamp ({shown}) after 9999-12-31"
    if nanos < 0 or nanos >= 1_000_000_000:
        return f"proto:\u00a0timestamp ({shown}) has out-of-range nanos"
    return ""


def time_value_error(timestamp: bool, n: int, value: int | bytes) -> bool:
    """Whether field `n` of a DurationRules (`timestamp` False) or TimestampRules holds a value
    protovalidate cannot convert: a time before 0001-01-01 or after 9999-12-31, a duration beyond
    Go's. Its rules then do not build. buf-bin 1.75 still checks examples beside a Duration with mixed
    signs or a Timestamp with out-of-range nanos, which convert."""
    if n not in _TIME.values() or (timestamp and n in (7, 8)):  # a TimestampRules' 7, 8: lt_now, gt_now
        return False
    parsed = _duration(value)
    if not isinstance(parsed, tuple):
        return False
    if timestamp:  # Go's time.Unix carries nanos beyond a second into the seconds
        return not MIN_TIMESTAMP <= parsed[0] + parsed[1] // 1_000_000_000 <= MAX_TIMESTAMP
    limit = MAX_DURATION[0] * 1_000_000_000 + MAX_DURATION[1]
    return abs(as_duration(parsed[0], parsed[1])) > limit


def _timestamp(a: Adder, number: int, rules: Values) -> None:
    lt_now, gt_now, within = 7, 8, 9
    if last_int(rules, lt_now) and last_int(rules, gt_now):
        a.add_paths([(number, gt_now), (number, lt_now)],
                    f"Field {_q(a.field_name)} has both {a.name(number, gt_now)} and {a.name(number, lt_now)}. "
                    f"A timestamp cannot be both before and after validation time.")
    raw = rules.get(within)
    if not raw:
        return
    value = _duration(raw[-1])
    if not isinstance(value, tuple):
        return
    error = _duration_error(value)
    if error:
        a.add((number, within), f"Field {_q(a.field_name)} has an invalid {a.name(number, within)}: {error}.")
    elif value[0] <= 0 and value[1] <= 0:
        a.add((number, within), f"Field {_q(a.field_name)} must have a positive {a.name(number, within)} "
                                f"({text_of(*value)}).")


def _field_mask(a: Adder, number: int, rules: Values) -> None:
    within = [v for v in rules.get(2, ()) if isinstance(v, bytes)]
    without = {v for v in rules.get(3, ()) if isinstance(v, bytes)}
    for path in within:
        if path in without:
            a.add((number, 2), f"Field {_q(a.field_name)} has path {_q(_text(path))} in both in and not_in rules.")


# ---------------------------------------------------------------- strings and bytes


def _lengths(a: Adder, number: int, rules: Values, exact_rule: tuple[str, int], low_rule: tuple[str, int],
             high_rule: tuple[str, int]) -> None:
    """checkLenRules: `len` beside `min_len`/`max_len`, and a minimum above (or equal to) the maximum."""
    f = _q(a.field_name)
    (exact_name, exact), (_, low), (high_name, high) = exact_rule, low_rule, high_rule
    for n in (low, high):
        if exact in rules and n in rules:
            a.add((number, n), f"Field {f} has {a.name(number, exact)} and therefore, {a.name(number, n)} is "
                               f"redundant and should be removed.")
    lo, hi = last_int(rules, low), last_int(rules, high)
    if lo is None or hi is None:
        return
    if lo > hi:
        a.add((number, low), f"Field {f} has value {lo} for {a.name(number, low)}, which must be lower than "
                             f"value {hi} for {a.name(number, high)}.")
        a.add((number, high), f"Field {f} has value {hi} for {a.name(number, high)}, which must be higher than "
                              f"value {lo} for {a.name(number, low)}.")
    elif lo == hi:
        a.add_paths([(number, low), (number, high)],
                    f"Field {f} has equal {a.name(number, low)} and {high_name}, use {a.name(number)}.{exact_name} "
                    f"instead.")


def _string(a: Adder, number: int, rules: Values) -> None:
    f = _q(a.field_name)
    _lengths(a, number, rules, ("len", 19), ("min_len", 2), ("max_len", 3))
    _lengths(a, number, rules, ("len_bytes", 20), ("min_bytes", 4), ("max_bytes", 5))
    min_len, max_len, min_bytes, max_bytes = (last_int(rules, n) for n in (2, 3, 4, 5))
    if min_len is not None and max_bytes is not None and max_bytes < min_len:
        tail = f"A string with {min_len} UTF-8 characters has at least {min_len} bytes, which is higher than " \
               f"{max_bytes} bytes."
        a.add((number, 2), f"Field {f} has value {min_len} for {a.name(number, 2)}, which must be lower than value "
                           f"{max_bytes} for {a.name(number, 5)}. {tail}")
        a.add((number, 5), f"Field {f} has value {max_bytes} for {a.name(number, 5)}, which must be higher than "
                           f"value {min_len} for {a.name(number, 2)}. {tail}")
    if max_len is not None and min_bytes is not None and max_len * 4 < min_bytes:
        tail = f"A string with {max_len} UTF-8 characters has at most {max_len * 4} bytes."
        a.add((number, 4), f"Field {f} has value {min_bytes} for {a.name(number, 4)} but {max_len} for "
                           f"{a.name(number, 3)}. {tail}")
        a.add((number, 3), f"Field {f} has value {max_len} for {a.name(number, 3)} but {min_bytes} for "
                           f"{a.name(number, 4)}. {tail}")
    not_contains = last_bytes(rules, 23)
    for n in (7, 8, 9):  # prefix, suffix, contains
        raw = last_bytes(rules, n)
        if raw is None:
            continue
        text = _text(raw)
        where = a.name(number, n)
        if max_len is not None and len(text) > max_len:
            a.add((number, n), f"Field {f} has a {where} of length {len(text)}, exceeding its max_len ({max_len}). "
                               f"It is impossible for a string to contain {_q(text)} while having less than or "
                               f"equal to {len(text)} UTF-8 characters.")
        if max_bytes is not None and len(raw) > max_bytes:
            a.add((number, n), f"Field {f} has a {where} of {len(raw)} bytes, exceeding its max_bytes ({max_bytes}). "
                               f"It is impossible for a string to contain {_q(text)} while having less than or "
                               f"equal to {len(raw)} bytes.")
        if not_contains is not None and not_contains in raw:
            a.add((number, n), f"Field {f} has a {where} ({_q(text)}) containing its not_contains "
                               f"({_q(_text(not_contains))}). It is impossible for a string to contain {_q(text)} "
                               f"without containing {_q(_text(not_contains))}.")
    _pattern(a, number, rules, 6)
    strict = last_int(rules, 25)
    if strict is not None and not strict and not last_int(rules, 24):
        a.add((number, 25), f"Field {f} has {a.name(number, 25)} without {a.name(number, 24)}. {a.name(number, 25)} "
                            f"only applies to {a.name(number, 24)} and is invalid without it.")


def _bytes(a: Adder, number: int, rules: Values) -> None:
    max_len = last_int(rules, 3)
    if max_len is not None:
        for n in (5, 6, 7):  # prefix, suffix, contains; an unset one is empty
            raw = last_bytes(rules, n) or b""
            if len(raw) > max_len:
                a.add((number, n), f"Field {_q(a.field_name)} has a {a.name(number, n)} of {len(raw)} bytes, "
                                   f"exceeding its max_len ({max_len}). It is impossible to contain {_q(_text(raw))} "
                                   f"while having less than or equal to {max_len} bytes.")
    _pattern(a, number, rules, 4)


def _pattern(a: Adder, number: int, rules: Values, n: int) -> None:
    """A pattern Go's regexp package rejects, with Go's error (buf compiles it with Go's)."""
    raw = last_bytes(rules, n)
    if raw is None:
        return
    from workbench.lint.go_regexp import go_regexp_error

    error = go_regexp_error(raw.decode("utf-8", "replace"))
    if error is not None:
        a.add((number, n), f"Field {_q(a.field_name)} has a {a.name(number, n)} that fails to compile: {error}.")


def _text(raw: bytes) -> str:
    """Option bytes as Go sees a string: each byte that is not UTF-8 one character (quoted as \\xNN)."""
    return raw.decode("utf-8", "surrogateescape")


def _q(text: str) -> str:
    """Go's %q, undecodable bytes (surrogate escapes) as \\xNN."""
    from workbench.breaking.go_quote import go_quote

    if not any(0xDC80 <= ord(c) <= 0xDCFF for c in text):
        return go_quote(text)
    out = []
    for c in text:
        code = ord(c)
        out.append(f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else go_quote(c)[1:-1])
    return '"' + "".join(out) + '"'
