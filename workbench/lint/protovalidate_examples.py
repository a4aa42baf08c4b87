"""PROTOVALIDATE's `example` values: each must pass the field's standard rules, as buf 1.75 runs protovalidate.

buf sets the example on an otherwise empty message and reports each violation of the field's own rules:
`"<value>" is an example value but does not satisfy rule "<rule id>": <protovalidate's message>`. Only
when the rules hold something besides examples. Evaluated here: the integer types, `bool`, `string` and
`enum` rules (const, bounds with protovalidate's combined range rules, in/not_in, lengths, prefix, suffix,
contains, not_contains, pattern, defined_only, the well-known formats: protovalidate_formats.py), floats,
bytes, Duration, Timestamp and FieldMask (protovalidate_example_types.py), `required` on a field without
presence, and `ignore`; the field's CEL rules and its rules message's predefined rules
(protovalidate_cel_eval.py, protovalidate_predefined.py). Left to buf alone (no finding here): a CEL rule
that uses what cel_eval.py does not model (`rules`, message fields, some `format` clauses), and examples
protovalidate cannot evaluate (a pattern on bytes that are not UTF-8: buf stops with an error).
"""

from __future__ import annotations

from workbench.lint.protovalidate_rules import INTEGERS, SCHEMA, count, last_bytes, last_int, unpacked

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from workbench.lint.protovalidate_predefined import Predefined
    from workbench.lint.protovalidate_rules import Adder, Values

IGNORE_IF_ZERO_VALUE, IGNORE_ALWAYS = 1, 3
_FIXED = {"fixed32": (4, False), "sfixed32": (4, True), "fixed64": (8, False), "sfixed64": (8, True)}
# StringRules' well-known formats (oneof well_known)
_WELL_KNOWN = frozenset(range(12, 19)) | {21, 22, 24, 26, 27, 28, 29, 30, 31, 32, 33, 35, 37, 38}
_MESSAGES = ("duration", "timestamp", "field_mask")
_BOUNDS = {"gt": "greater than", "gte": "greater than or equal to", "lt": "less than",
           "lte": "less than or equal to"}


class Field:
    """What the examples are checked against besides the type's rules: the FieldRules' flags."""

    def __init__(self, required: bool, ignore: int | None, has_presence: bool, has_cel: bool,
                 enum_numbers: set[int] | None, cel_rules: list[tuple[str, str, str]] | None = None,
                 item: bool = False) -> None:
        self.required, self.ignore, self.has_presence = required, ignore, has_presence
        self.item = item  # an item, key or value: protovalidate compares it with the zero value
        # has_cel: `cel` rules (not `cel_expression`s) make buf check examples without other rules
        self.has_cel, self.enum_numbers = has_cel, enum_numbers
        self.cel_rules = cel_rules or []  # (id, message, expression) of the `cel` and `cel_expression` rules
        self.predefined: Predefined | None = None  # the rules message's predefined rules, if it sets any


def check_examples(a: Adder, number: int, rule_type: str, rules: Values, field: Field) -> None:
    names = {v: k for k, v in SCHEMA.get(rule_type, {}).items()}
    example = names.get("example")
    if example is None or example not in rules:
        return
    predefined = field.predefined
    if not field.has_cel and count(rules) + (predefined.count if predefined else 0) == 1:
        return  # only examples: nothing to check them against
    if field.ignore == IGNORE_ALWAYS or (predefined is not None and predefined.rules is None):
        return  # ignored, or a predefined rule keeps protovalidate from building the field's rules
    values = _values(rule_type, rules.get(example, []))
    if values is None:
        return
    for index, value in enumerate(values):
        zero = _zero(value, field.item)
        if zero and field.required and not field.has_presence:  # before `ignore`, as protovalidate
            found: list[tuple[str, str]] | None = [("required", "value is required")]
        elif zero and field.ignore == IGNORE_IF_ZERO_VALUE and not field.has_presence:
            continue  # a field with presence is set by the example, whatever its value
        else:
            found = _violations(rule_type, rules, names, value, field)
            if found is not None and predefined is not None and predefined.rules:
                found += _predefined(rule_type, value, predefined)
            if found is not None and field.cel_rules:
                found += _cel(rule_type, value, field)
        if found is None:
            continue
        shown = _shown(rule_type, value)
        for rule_id, message in found:
            a.add((number, example, index), f'"{shown}" is an example value but does not satisfy rule '
                                            f'{_go_q(rule_id)}: {message}')


def _values(rule_type: str, raw: list[int | bytes]) -> list[Any] | None:
    if rule_type == "bytes":
        return [v for v in raw if isinstance(v, bytes)]
    if rule_type in ("float", "double", "duration", "timestamp", "field_mask"):
        from workbench.lint import protovalidate_example_types as types  # only for these types' examples

        if rule_type in ("float", "double"):
            return list(types.float_values(rule_type, raw))
        if rule_type == "field_mask":
            return [types.paths_of(v) for v in raw if isinstance(v, bytes)]
        return [types.time_of(v) for v in raw if isinstance(v, bytes)]
    if rule_type in INTEGERS or rule_type == "enum":
        return [_integer(rule_type if rule_type != "enum" else "int32", v) for v in _unpack(rule_type, raw)]
    if rule_type == "bool":
        return [bool(v) for v in unpacked(raw)]
    if rule_type == "string":
        return [v.decode("utf-8", "surrogateescape") for v in raw if isinstance(v, bytes)]
    return None


def _unpack(rule_type: str, raw: list[int | bytes]) -> list[int]:
    width = _FIXED.get(rule_type, (0, False))[0]
    return unpacked(raw, width)


def _integer(rule_type: str, v: int) -> int:
    """A decoded integer rule or example value of the type (two's complement, zigzag, fixed width)."""
    if rule_type in ("sint32", "sint64"):
        return (v >> 1) ^ -(v & 1)
    if rule_type in ("int32", "int64", "sfixed64"):
        return v - (1 << 64) if v >> 63 else v
    if rule_type == "sfixed32":
        return v - (1 << 32) if v >> 31 else v
    return v


def _cel(rule_type: str, value: Any, field: Field) -> list[tuple[str, str]]:
    """What the field's CEL rules say of the example (nothing where they are not evaluated here)."""
    from workbench.lint.protovalidate_cel_eval import cel_violations

    this = cel_value(rule_type, value)
    return [] if this is None else cel_violations(field.cel_rules, this) or []


def _predefined(rule_type: str, value: Any, predefined: Predefined) -> list[tuple[str, str]]:
    from workbench.lint.protovalidate_predefined import evaluate

    this = cel_value(rule_type, value)
    return [] if this is None or predefined.rules is None else evaluate(predefined.rules, this, predefined.empty)


def cel_value(rule_type: str, value: Any) -> Any:
    """The example as CEL's `this` (None: not evaluated here)."""
    from workbench.lint.cel_values import CelError, Duration, Message, Timestamp, UInt

    if rule_type in ("uint32", "uint64", "fixed32", "fixed64"):
        return UInt(value)
    if rule_type == "field_mask":
        return Message("google.protobuf.FieldMask", {"paths": list(value)})
    if rule_type in ("duration", "timestamp"):
        if value is None:
            return None
        from workbench.lint.protovalidate_example_types import duration_nanos

        seconds, nanos = value
        try:
            if rule_type == "duration":
                return Duration(duration_nanos(value))
            return Timestamp(seconds * 10**9 + nanos)
        except CelError:
            return None
    return value


def _zero(value: Any, item: bool) -> bool:
    """protoreflect's emptiness of a scalar (a message example is always set); an item's zero is by
    value (buf-bin: a -0.0 item example is ignored, a -0.0 field example is set)."""
    if isinstance(value, float) and item:
        return value == 0
    if isinstance(value, float):
        from workbench.lint.protovalidate_example_types import float_zero

        return float_zero(value)
    return isinstance(value, (int, str, bytes)) and value in (0, "", b"")


def _violations(rule_type: str, rules: Values, names: dict[str, int], value: Any,
                field: Field) -> list[tuple[str, str]] | None:
    """None: protovalidate cannot evaluate the example here, left to buf."""
    from workbench.lint import protovalidate_example_types as types

    if rule_type == "string" and isinstance(value, str):
        return _string(rules, names, value)
    if rule_type in ("float", "double"):
        return types.float_violations(rule_type, rules, names, value)
    if rule_type == "bytes":
        return types.bytes_violations(rules, names, value)
    if rule_type in ("duration", "timestamp"):
        import time

        return None if value is None else types.time_violations(rule_type, rules, names, value, time.time_ns())
    if rule_type == "field_mask":
        return types.field_mask_violations(rules, names, value)
    if rule_type == "bool":
        const = last_int(rules, names["const"])
        if const is not None and bool(const) != value:
            return [("bool.const", f"must equal {'true' if const else 'false'}")]
        return []
    assert isinstance(value, int)
    decode = "int32" if rule_type == "enum" else rule_type

    def get(name: str) -> int | None:
        n = names.get(name)
        found = _unpack(decode, rules.get(n, [])) if n is not None else []
        return _integer(decode, found[-1]) if found else None

    def listed(name: str) -> list[int]:
        n = names.get(name)
        return [_integer(decode, v) for v in _unpack(decode, rules.get(n, []))] if n is not None else []

    out: list[tuple[str, str]] = []
    const = get("const")
    if const is not None and value != const:
        out.append((f"{rule_type}.const", f"must equal {const}"))
    if rule_type == "enum":
        if last_int(rules, names["defined_only"]) and field.enum_numbers is not None \
                and value not in field.enum_numbers:
            out.append(("enum.defined_only", "value must be one of the defined enum values"))
    else:
        out += range_violations(rule_type, value, {k: get(k) for k in _BOUNDS})
    out += _lists(rule_type, value, listed("in"), listed("not_in"))
    return out


def range_violations(rule_type: str, value: float, bounds: Mapping[str, float | None],
                     text: Callable[[Any], str] = str) -> list[tuple[str, str]]:
    """protovalidate's bound rules: one for a lone bound, one combined rule for a lower and an upper bound
    (`_exclusive` when the upper is below the lower: the value must lie outside); `text` shows a bound.
    A NaN value fails every bound. Beside a NaN bound buf-bin 1.75 applies no pair rule: with a NaN lower
    bound nothing fails, with a NaN upper bound only the upper one (alone) is applied."""
    low = next((k for k in ("gt", "gte") if bounds[k] is not None), None)
    high = next((k for k in ("lt", "lte") if bounds[k] is not None), None)
    nan = value != value

    def below(k: str) -> bool:  # value fails the lower bound k
        b = bounds[k]
        assert b is not None
        return nan or (value <= b if k == "gt" else value < b)

    def above(k: str) -> bool:  # value fails the upper bound k
        b = bounds[k]
        assert b is not None
        return nan or (value >= b if k == "lt" else value > b)

    if low and high:
        lo, hi = bounds[low], bounds[high]
        assert lo is not None and hi is not None
        if lo != lo:
            return []
        if hi == hi:
            exclusive = hi < lo
            failed = (below(low) and above(high)) if exclusive else (below(low) or above(high))
            if not failed:
                return []
            word = "or" if exclusive else "and"
            rule = f"{rule_type}.{low}_{high}" + ("_exclusive" if exclusive else "")
            return [(rule, f"must be {_BOUNDS[low]} {text(lo)} {word} {_BOUNDS[high]} {text(hi)}")]
        low = None
    for k in (low, high):
        b = bounds[k] if k else None
        if k and b is not None and (below(k) if k in ("gt", "gte") else above(k)):
            return [(f"{rule_type}.{k}", f"must be {_BOUNDS[k]} {text(b)}")]
    return []


def _lists(rule_type: str, value: object, within: list[int] | list[str],
           without: list[int] | list[str]) -> list[tuple[str, str]]:
    out = []
    if within and value not in within:
        out.append((f"{rule_type}.in", f"must be in list [{', '.join(map(str, within))}]"))
    if without and value in without:
        out.append((f"{rule_type}.not_in", f"must not be in list [{', '.join(map(str, without))}]"))
    return out


def _string(rules: Values, names: dict[str, int], value: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    size, width = len(value), len(value.encode("utf-8", "surrogateescape"))

    def text(name: str) -> str | None:
        raw = last_bytes(rules, names[name])
        return None if raw is None else raw.decode("utf-8", "surrogateescape")

    const = text("const")
    if const is not None and value != const:
        out.append(("string.const", f"must equal `{const}`"))
    for name, measured, unit in (("len", size, "characters"), ("len_bytes", width, "bytes")):
        n = last_int(rules, names[name])
        if n is not None and measured != n:
            out.append((f"string.{name}", f"must be {n} {unit}"))
    for name, measured, unit, fails, word in (
            ("min_len", size, "characters", lambda m, n: m < n, "at least"),
            ("max_len", size, "characters", lambda m, n: m > n, "at most"),
            ("min_bytes", width, "bytes", lambda m, n: m < n, "at least"),
            ("max_bytes", width, "bytes", lambda m, n: m > n, "at most")):
        n = last_int(rules, names[name])
        if n is not None and fails(measured, n):
            out.append((f"string.{name}", f"must be {word} {n} {unit}"))
    pattern = text("pattern")
    if pattern is not None:
        from workbench.lint.re2_python import compile_re2

        compiled = compile_re2(pattern)  # None: a pattern not rewritten for Python's re, left to buf
        if compiled is not None and compiled.search(value) is None:
            out.append(("string.pattern", f"does not match regex pattern `{pattern}`"))
    for name, ok, message in (("prefix", str.startswith, "does not have prefix"),
                              ("suffix", str.endswith, "does not have suffix"),
                              ("contains", str.__contains__, "does not contain substring")):
        part = text(name)
        if part is not None and not ok(value, part):
            out.append((f"string.{name}", f"{message} `{part}`"))
    part = text("not_contains")
    if part is not None and part in value:
        out.append(("string.not_contains", f"contains substring `{part}`"))
    within = [v.decode("utf-8", "surrogateescape") for v in rules.get(names["in"], []) if isinstance(v, bytes)]
    without = [v.decode("utf-8", "surrogateescape") for v in rules.get(names["not_in"], []) if isinstance(v, bytes)]
    out += _lists("string", value, within, without)
    return out + _string_format(rules, value)


def _string_format(rules: Values, value: str) -> list[tuple[str, str]]:
    """The well-known format the StringRules set (a oneof: its last field read), if set to true."""
    from workbench.lint.protovalidate_formats import (
        FORMATS,
        STRICT,
        WELL_KNOWN_REGEX,
        format_violations,
        header_violations,
    )

    chosen = [n for n in rules if n in _WELL_KNOWN]
    if not chosen:
        return []
    number = chosen[-1]
    setting = last_int(rules, number)
    if number == WELL_KNOWN_REGEX:
        strict = last_int(rules, STRICT)
        return header_violations(setting or 0, strict is None or bool(strict), value)
    return format_violations(number, value) if setting and number in FORMATS else []


def _shown(rule_type: str, value: Any) -> str:
    """Go's %v of the example."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, float):
        from workbench.breaking.go_float import go_float  # only for float examples

        return go_float(value, single=rule_type == "float")
    from workbench.lint import protovalidate_example_types as types  # only for these types' examples

    if isinstance(value, bytes):
        return types.bytes_shown(value)
    return types.message_shown(rule_type)


def _go_q(text: str) -> str:
    from workbench.breaking.go_quote import go_quote

    return go_quote(text)
