"""A field's CEL rules run on an `example` value, as protovalidate does when buf 1.75 checks examples.

buf runs every rule of the field on each example, its `cel` and `cel_expression` rules too: a rule that
yields false is reported with its `message` (or `"<expression>" returned false`), one that yields a
non-empty string with that string, under the rule's `id` (a `cel_expression`'s id is its expression).
This evaluates the common part of CEL over an example's value (`this`): literals, `!`, `-`, `&&`, `||`,
`?:`, comparisons, arithmetic, `in`, lists, `size`, `startsWith`, `endsWith`, `contains`, indexes. Anything
else (other functions, macros, `now`, messages, errors such as overflow or division by zero, which stop
buf with an error) raises Unsupported, and the caller leaves that rule's verdict to buf.
"""

from __future__ import annotations

import math

from workbench.lint.cel_check import CelSyntaxError, Parser, lex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from workbench.lint.cel_check import Node

INT_MIN, INT_MAX, UINT_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "`": "`", "?": "?"}


class Unsupported(Exception):
    """Outside what is evaluated here, or a CEL error (buf stops): no verdict."""


class UInt(int):
    """CEL's uint (Python's int is CEL's int)."""


def parse(expression: str) -> Node:
    errors: list[str] = []
    tokens = lex(expression, errors)
    if errors:
        raise Unsupported(errors[0])
    try:
        return Parser(tokens).parse()
    except CelSyntaxError as e:
        raise Unsupported(str(e)) from e


def verdict(expression: str, this: Any) -> str | bool:
    """False or a non-empty string: the rule fails; True or "": it holds."""
    result = _eval(parse(expression), this)
    if isinstance(result, bool) or isinstance(result, str):
        return result
    raise Unsupported("the result is neither bool nor string")


def _eval(node: Node, this: Any) -> Any:
    kind = node[0]
    if kind == "lit":
        return _literal(node[1], node[2] if len(node) > 2 else "")
    if kind == "ident":
        if node[1] == "this":
            return this
        raise Unsupported(node[1])
    if kind == "list":
        return [_eval(e, this) for e in node[1]]
    if kind == "call":
        return _call(node[1], node[2], node[3], this)
    raise Unsupported(kind)


def _literal(t: Any, text: str) -> Any:
    from workbench.lint.cel_check import BOOL, BYTES, DOUBLE, INT, STRING, UINT

    if t == BOOL:
        return text == "true"
    if t == INT:
        return _int(int(text, 0) if not text.lstrip("-").lower().startswith("0x") else _hex(text))
    if t == UINT:
        value = _hex(text[:-1]) if text.lower().startswith("0x") else int(text[:-1])
        if value > UINT_MAX:
            raise Unsupported("uint range")
        return UInt(value)
    if t == DOUBLE:
        return float(text)
    if t == STRING:
        return _string(text)
    if t == BYTES:
        raise Unsupported("bytes literal")
    raise Unsupported("literal")


def _hex(text: str) -> int:
    negative = text.startswith("-")
    value = int(text.lstrip("-"), 16)
    return -value if negative else value


def _string(text: str) -> str:
    """A plain quoted CEL string with simple escapes (raw, triple-quoted or numeric escapes: unsupported)."""
    if len(text) < 2 or text[0] not in "\"'" or text[-1] != text[0] or text.startswith(("'''", '"""')):
        raise Unsupported("string literal")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 >= len(body) or body[i + 1] not in _SIMPLE_ESCAPES:
                raise Unsupported("escape")
            out.append(_SIMPLE_ESCAPES[body[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _int(value: int) -> int:
    if not INT_MIN <= value <= INT_MAX:
        raise Unsupported("int overflow")
    return value


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _call(name: str, target: Node | None, args: list[Node], this: Any) -> Any:
    if target is None and name == "_?_:_":
        condition = _eval(args[0], this)
        if not isinstance(condition, bool):
            raise Unsupported("condition")
        return _eval(args[1] if condition else args[2], this)
    if target is None and name in ("_&&_", "_||_"):
        left, right = _eval(args[0], this), _eval(args[1], this)
        if not isinstance(left, bool) or not isinstance(right, bool):
            raise Unsupported("logic")
        return (left and right) if name == "_&&_" else (left or right)
    values = [_eval(a, this) for a in args]
    if target is not None:
        return _member(name, _eval(target, this), values)
    if name == "!_" and isinstance(values[0], bool):
        return not values[0]
    if name == "-_" and _number(values[0]) and not isinstance(values[0], UInt):
        return -values[0] if isinstance(values[0], float) else _int(-values[0])
    if name in ("_==_", "_!=_"):
        equal = _equal(values[0], values[1])
        return equal if name == "_==_" else not equal
    if name in ("_<_", "_<=_", "_>_", "_>=_"):
        return _compare(name, values[0], values[1])
    if name in ("_+_", "_-_", "_*_", "_/_", "_%_"):
        return _arithmetic(name, values[0], values[1])
    if name == "@in" and isinstance(values[1], list):
        return any(_equal(values[0], v) for v in values[1])
    if name == "size" and len(values) == 1:
        return _size(values[0])
    if name == "_[_]" and isinstance(values[0], list) and isinstance(values[1], int) \
            and not isinstance(values[1], bool):
        if not 0 <= values[1] < len(values[0]):
            raise Unsupported("index")
        return values[0][values[1]]
    raise Unsupported(name)


def _member(name: str, target: Any, values: list[Any]) -> Any:
    if name == "size" and not values:
        return _size(target)
    if isinstance(target, float) and name in ("isNan", "isInf") and not values:
        return math.isnan(target) if name == "isNan" else math.isinf(target)
    if isinstance(target, str) and name in _FORMAT_FUNCTIONS:
        return _format_function(name, target, values)
    if isinstance(target, str) and len(values) == 1 and isinstance(values[0], str):
        if name == "startsWith":
            return target.startswith(values[0])
        if name == "endsWith":
            return target.endswith(values[0])
        if name == "contains":
            return values[0] in target
        if name == "matches":
            import re

            try:  # RE2's \w, \d, \s and \b are ASCII; a pattern Python does not read is left to buf
                return re.search(values[0], target, re.ASCII) is not None
            except re.error as e:
                raise Unsupported("pattern") from e
    raise Unsupported(name)


_FORMAT_FUNCTIONS = ("isEmail", "isHostname", "isIp", "isIpPrefix", "isUri", "isUriRef", "isHostAndPort")


def _format_function(name: str, target: str, values: list[Any]) -> bool:
    """protovalidate's string functions, with the checks of the well-known formats (protovalidate_formats.py)."""
    from workbench.lint import protovalidate_formats as formats

    raw = target.encode("utf-8", "surrogateescape")
    kinds: tuple[type, ...] = tuple(type(v) for v in values)
    if name in ("isEmail", "isHostname", "isUri", "isUriRef") and not values:
        return formats.valid(name, raw)
    if name == "isIp" and kinds in ((), (int,)):
        return formats.is_ip(raw, values[0] if values else 0) if not values or values[0] in (0, 4, 6) else False
    if name == "isIpPrefix" and kinds in ((), (int,), (bool,), (int, bool)):
        version = values[0] if kinds[:1] == (int,) else 0
        strict = bool(values[-1]) if kinds[-1:] == (bool,) else False
        return formats.is_ip_prefix(raw, version, strict=strict) if version in (0, 4, 6) else False
    if name == "isHostAndPort" and kinds == (bool,):
        return formats.is_host_and_port(raw, port_required=values[0])
    raise Unsupported(name)


def _size(value: Any) -> int:
    if isinstance(value, (str, bytes, list)):
        return len(value)
    raise Unsupported("size")


def _equal(a: Any, b: Any) -> bool:
    if _number(a) and _number(b):
        return bool(a == b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is type(b) and isinstance(a, (bool, str, bytes)):
        return bool(a == b)
    raise Unsupported("equality")


def _compare(name: str, a: Any, b: Any) -> bool:
    if not ((_number(a) and _number(b)) or (type(a) is type(b) and isinstance(a, (str, bytes, bool)))):
        raise Unsupported("comparison")
    return {"_<_": a < b, "_<=_": a <= b, "_>_": a > b, "_>=_": a >= b}[name]


def _arithmetic(name: str, a: Any, b: Any) -> Any:
    if isinstance(a, float) and isinstance(b, float):
        if name == "_%_":
            raise Unsupported("double modulo")
        if name == "_/_" and b == 0:  # IEEE: a signed infinity, or NaN for 0/0
            if a == 0 or a != a:
                return float("nan")
            return math.copysign(math.inf, a) * math.copysign(1, b)
        return {"_+_": a + b, "_-_": a - b, "_*_": a * b, "_/_": a / b if b else 0.0}[name]
    if type(a) is type(b) and isinstance(a, int) and not isinstance(a, bool):
        if name in ("_/_", "_%_"):
            if b == 0:
                raise Unsupported("division by zero")
            quotient = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)  # Go truncates toward zero
            result = quotient if name == "_/_" else a - b * quotient
        else:
            result = {"_+_": a + b, "_-_": a - b, "_*_": a * b}[name]
        if isinstance(a, UInt):
            if not 0 <= result <= UINT_MAX:
                raise Unsupported("uint overflow")
            return UInt(result)
        return _int(result)
    if name == "_+_" and type(a) is type(b) and isinstance(a, (str, bytes, list)):
        return a + b
    raise Unsupported("arithmetic")


def field_cel_rules(fields: dict[int, list[int | bytes]]) -> list[tuple[str, str, str]]:
    """(id, message, expression) of a FieldRules' `cel` rules, then its `cel_expression`s (id: the expression)."""
    from workbench.lint.protovalidate import CEL_EXPRESSIONS, CEL_RULES, _decode

    out = []
    for raw in fields.get(CEL_RULES, []):
        if isinstance(raw, bytes):
            rule = _decode(raw)
            id_, message, expression = (_text(rule, n) for n in (1, 2, 3))
            out.append((id_, message, expression))
    for raw in fields.get(CEL_EXPRESSIONS, []):
        if isinstance(raw, bytes):
            expression = raw.decode("utf-8", "replace")
            out.append((expression, "", expression))
    return out


def _text(values: dict[int, list[int | bytes]], number: int) -> str:
    found = [v for v in values.get(number, ()) if isinstance(v, bytes)]
    return found[-1].decode("utf-8", "replace") if found else ""


def cel_violations(rules: list[tuple[str, str, str]], this: Any) -> list[tuple[str, str]] | None:
    """The CEL rules an example fails, as (rule id, message); None: one of them is not evaluated here."""
    from workbench.breaking.go_quote import go_quote

    out = []
    for id_, message, expression in rules:
        try:
            result = verdict(expression, this)
        except Unsupported:
            return None
        if result is False:
            out.append((id_, message or f"{go_quote(expression)} returned false"))
        elif isinstance(result, str) and result:
            out.append((id_, result))
    return out
