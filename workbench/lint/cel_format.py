"""cel-go's `string.format` (strings extension): formatting a value list at run time, and the static check
protovalidate's environment enables (`ext.StringsValidateFormatCalls`): a literal format string applied to
a list literal has each clause checked against its argument's type when the expression compiles, with
cel-go's words ("error during formatting: decimal clause can only be used on ints, uints, and doubles, was
given string", "too many arguments supplied to string.format (expected 1, got 2)")."""

from __future__ import annotations

import math

from workbench.lint.cel_values import CelError, CelType, Duration, Timestamp, UInt, Unsupported, type_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

DEFAULT_PRECISION = 6
_CLAUSE_ERRORS = {
    "d": "decimal clause can only be used on ints, uints, and doubles",
    "f": "fixed-point clause can only be used on ints, uints, and doubles",
    "e": "scientific clause can only be used on ints, uints, and doubles",
    "b": "only ints, uints, and bools can be formatted as binary",
    "x": "only ints, uints, bytes, and strings can be formatted as hex",
    "o": "octal clause can only be used on ints and uints",
    "s": "string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, "
         "and timestamps",
}
# the type kinds each clause takes (cel-go's verifyTypeOneOf), by our type tuples' first element
_CLAUSE_KINDS = {"d": {"int", "uint", "double"}, "f": {"int", "uint", "double"}, "e": {"int", "uint", "double"},
                 "b": {"bool", "int", "uint"}, "x": {"int", "uint", "string", "bytes"}, "o": {"int", "uint"}}
_STRING_KINDS = {"list", "map", "int", "uint", "double", "bool", "string", "bytes", "type", "null"}


class FormatError(Exception):
    """A clause that does not take its argument, or a format string cel-go cannot parse."""


def parse_format(pattern: str, size: int, clause: Callable[[str, int, int], str],
                 checking: bool = False) -> tuple[str, int]:
    """cel-go's parseFormatString over `pattern` with `size` arguments: `clause(verb, precision, index)`
    formats one; (the text, how many arguments the clauses took). At run time a missing argument is found
    before the end of the string, `checking` (the static check's dummy arguments) after it."""
    out: list[str] = []
    i, index = 0, 0
    while i < len(pattern):
        if pattern[i] != "%":
            out.append(pattern[i])
            i += 1
            continue
        if pattern[i + 1:i + 2] == "%":
            out.append("%")
            i += 2
            continue
        if index >= size and not checking:
            raise FormatError(f"index {index} out of range")
        if i + 1 >= len(pattern):
            raise FormatError("unexpected end of string")
        if index >= size:
            raise FormatError(f"index {index} out of range")
        j, precision = i + 1, DEFAULT_PRECISION
        if pattern[j] == ".":
            k = j + 1
            while k < len(pattern) and pattern[k] in "0123456789":
                k += 1
            if k >= len(pattern):
                raise FormatError("could not parse formatting clause: error while parsing precision: could not find "
                                  "end of precision specifier")
            if k == j + 1:
                raise FormatError("could not parse formatting clause: error while parsing precision: error while "
                                  "converting precision to integer: strconv.Atoi: parsing \"\": invalid syntax")
            precision, j = int(pattern[j + 1:k]), k
        verb = pattern[j]
        if verb not in "sdfebxXo":
            raise FormatError(f'could not parse formatting clause: unrecognized formatting clause "{verb}"')
        out.append(clause(verb, precision, index))
        i, index = j + 1, index + 1
    return "".join(out), index


# ---------------------------------------------------------------- run time


def format_string(pattern: str, args: list[Any]) -> str:
    def clause(verb: str, precision: int, index: int) -> str:
        text = _clause(verb, precision, args[index])
        if text is None:
            shown = _CLAUSE_ERRORS["x" if verb == "X" else verb]
            raise FormatError(f"error during formatting: {shown}, was given {type_name(args[index])}")
        return text

    try:
        return parse_format(pattern, len(args), clause)[0]
    except FormatError as e:
        raise CelError(str(e)) from None


def _special(value: float) -> str | None:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return None


def _clause(verb: str, precision: int, value: Any) -> str | None:
    integer = isinstance(value, int) and not isinstance(value, bool)
    if verb == "s":
        return to_text(value)
    if verb == "d":
        if integer:
            return str(int(value))
        return (_special(value) or _fixed_shortest(value)) if isinstance(value, float) else None
    if verb in "fe":
        if integer:  # Go's Sprintf("%.6f", int64(1)): a verb for the wrong type
            return f"%!{verb}({'uint64' if isinstance(value, UInt) else 'int64'}={int(value)})"
        if isinstance(value, float):
            return _special(value) or f"{value:.{precision}{verb}}"
        return None
    if verb == "b":
        if isinstance(value, bool):
            return "1" if value else "0"
        return format(int(value), "b") if integer else None
    if verb in "xX":
        if integer:
            text = format(int(value), "x")
        elif isinstance(value, (str, bytes)):
            text = (value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value).hex()
        else:
            return None
        return text.upper() if verb == "X" else text
    if verb == "o":
        return format(int(value), "o") if integer else None
    return None


def to_text(value: Any) -> str:
    """cel-go's %s of a value (FormatString)."""
    from workbench.lint.cel_eval import CelMap

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _special(value) or _fixed_shortest(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if isinstance(value, str):
        return value
    if isinstance(value, Duration):
        return _fixed_shortest(value.nanos / 1e9) + "s"
    if isinstance(value, Timestamp):
        from workbench.lint.cel_convert import timestamp_text

        return timestamp_text(Timestamp(value.nanos))  # in UTC, whatever zone it was parsed in
    if value is None:
        return "null"
    if isinstance(value, CelType):
        return value.name
    if isinstance(value, list):
        return "[" + ", ".join(to_text(v) for v in value) + "]"
    if isinstance(value, CelMap):
        entries = sorted(((to_text(k), to_text(value.get(k))) for k in value.keys()), key=lambda e: e[0].encode())
        return "{" + ", ".join(f"{k}: {v}" for k, v in entries) + "}"
    raise CelError(f"error during formatting: {_CLAUSE_ERRORS['s']}, was given {type_name(value)}")


def _fixed_shortest(value: float) -> str:
    """strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that read back, without an exponent."""
    from decimal import Decimal

    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") and value == 0 and math.copysign(1, value) > 0 else text


# ---------------------------------------------------------------- compile time


def format_issues(tree: Any, type_of: Callable[[Any], Any]) -> list[str]:
    """cel-go's stringFormatValidator over a type-checked tree: `'<literal>'.format([<list literal>])` calls,
    each clause against the static type of its argument (`type_of(node)`: our type tuple, dyn when unknown)."""
    from workbench.lint.cel_check import STRING, _children

    issues: list[str] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, tuple) or not node:
            continue
        if node[0] == "call" and node[1] == "format" and node[2] is not None and node[2][0] == "lit" \
                and node[2][1] == STRING and len(node[3]) == 1 and node[3][0][0] == "list":
            issue = _check_call(node[2], node[3][0][1], type_of)
            if issue:
                issues.append(issue)
        stack.extend(reversed(_children(node)))
    return issues


def _check_call(literal_node: Any, elements: list[Any], type_of: Callable[[Any], Any]) -> str | None:
    from workbench.lint.cel_eval import unescape

    try:
        pattern = unescape(literal_node[2], as_bytes=False)
    except Unsupported:
        return None

    def clause(verb: str, precision: int, index: int) -> str:
        verb = "x" if verb == "X" else verb
        element = elements[index]
        bad = _bad_string_arg(element, type_of) if verb == "s" else \
            (None if _kind(type_of(element)) in _CLAUSE_KINDS[verb] | {"dyn"} else type_of(element))
        if bad is not None:
            raise FormatError(f"error during formatting: {_CLAUSE_ERRORS[verb]}, was given {_type_name(bad)}")
        return ""

    try:
        _, used = parse_format(pattern, len(elements), clause, checking=True)
    except FormatError as e:
        return str(e)
    if len(elements) > used:
        return f"too many arguments supplied to string.format (expected {used}, got {len(elements)})"
    return None


def _kind(t: Any) -> str:
    kind = t[0]
    if kind == "wrapper":
        return _kind(t[1])
    if kind in ("any", "error"):
        return "dyn"
    if kind == "message" and t[1] in ("google.protobuf.Timestamp", "google.protobuf.Duration"):
        return "time"
    return str(kind)


def _bad_string_arg(node: Any, type_of: Callable[[Any], Any]) -> Any:
    """cel-go's verifyString: the type that %s does not take, looking into list and map literals; else None."""
    t = type_of(node)
    if _kind(t) not in _STRING_KINDS | {"time", "dyn"}:
        return t
    parts = node[1] if node[0] == "list" else [p for entry in node[1] for p in entry] if node[0] == "map" else []
    for part in parts:
        bad = _bad_string_arg(part, type_of)
        if bad is not None:
            return bad
    return None


def _type_name(t: Any) -> str:
    """cel-go's TypeName of a checked type."""
    kind = t[0]
    if kind == "wrapper":
        return {"int": "google.protobuf.Int64Value", "uint": "google.protobuf.UInt64Value",
                "double": "google.protobuf.DoubleValue", "bool": "google.protobuf.BoolValue",
                "string": "google.protobuf.StringValue", "bytes": "google.protobuf.BytesValue"}[t[1][0]]
    if kind == "message":
        return str(t[1])
    if kind == "null":
        return "null_type"
    return str(kind)
