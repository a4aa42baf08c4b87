"""Evaluate a parsed CEL expression (cel_check's tree) as cel-go does in protovalidate's environment.

buf runs each rule of a field on its `example` values with protovalidate-go, whose CEL environment is
cel-go's standard library with heterogeneous equality and cross-type numeric comparisons, the strings
extension (charAt, indexOf, lastIndexOf, lowerAscii, upperAscii, replace, split, substring, trim, join,
reverse, format, strings.quote) and protovalidate's functions (isEmail, isHostname, isIp, isIpPrefix,
isUri, isUriRef, isHostAndPort, unique, isNan, isInf). Macros expand as cel-go expands them, so an error
inside `all`/`exists` is absorbed where `&&`/`||` would absorb it. A runtime error raises CelError with
cel-go's text (buf then stops: "runtime error: error evaluating <id>: <text>"); what is not modelled here
raises Unsupported, and the caller leaves that verdict to buf.
"""

from __future__ import annotations

import math

from workbench.lint.cel_values import (
    INT_MAX,
    INT_MIN,
    CelError,
    CelType,
    Duration,
    Message,
    Timestamp,
    UInt,
    Unsupported,
    checked_int,
    checked_uint,
    is_number,
    type_name,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from workbench.lint.cel_check import Node

_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\",
                   "'": "'", '"': '"', "`": "`", "?": "?"}
# cel-go's parser's words for a literal its lexer took but it cannot unescape
UNESCAPE_FAILS, INVALID_CODE_POINT = "unable to unescape string", "invalid unicode code point"
_TYPE_NAMES = ("int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type")


def evaluate(tree: Node, variables: dict[str, Any]) -> Any:
    """The value of `tree` with `variables` bound (this, rule, rules, now)."""
    try:
        return _Evaluator(variables).eval(tree)
    except RecursionError as e:  # a tree deeper than Python's stack: not worth a verdict of our own
        raise Unsupported("too deep") from e


class _Evaluator:
    def __init__(self, variables: dict[str, Any]) -> None:
        self.vars = dict(variables)

    def eval(self, node: Node) -> Any:
        kind = node[0]
        if kind == "lit":
            return literal(node[1], node[2] if len(node) > 2 else "")
        if kind == "ident":
            return self.ident(node[1])
        if kind == "list":
            return [self.eval(e) for e in node[1]]
        if kind == "map":
            out = CelMap()
            for k, v in node[1]:
                key = self.eval(k)
                out.put(key, self.eval(v))
            return out
        if kind == "select":
            return select(self.eval(node[1]), node[2])
        if kind == "has":
            return has(self.eval(node[1][1]), node[1][2])
        if kind == "comp":
            return self.comprehension(node)
        if kind == "call":
            return self.call(node[1], node[2], node[3])
        raise Unsupported(kind)

    def ident(self, name: str) -> Any:
        if name in self.vars:
            return self.vars[name]
        if name in _TYPE_NAMES:
            return CelType(name)
        if name == "dyn":
            return CelType("dyn")
        raise Unsupported(name)

    # ------------------------------------------------------------ logic, as cel-go absorbs errors

    def logic(self, name: str, args: list[Node]) -> bool:
        decisive = name == "_||_"  # the operand value that decides: true for ||, false for &&
        try:
            left: Any = self.eval(args[0])
        except CelError as e:
            left = e
        if left is decisive:
            return decisive
        try:
            right: Any = self.eval(args[1])
        except CelError as e:
            right = e
        if right is decisive:
            return decisive
        for side in (left, right):
            if isinstance(side, CelError):
                raise side
        if not isinstance(left, bool) or not isinstance(right, bool):
            raise CelError("no such overload")
        return not decisive

    def comprehension(self, node: Node) -> Any:
        _, macro, target, var, body = node
        items = _range(self.eval(target))
        saved = self.vars.get(var, _MISSING)
        try:
            if macro in ("all", "exists"):
                decisive = macro == "exists"
                error: CelError | None = None
                for item in items:
                    self.vars[var] = item
                    try:
                        value = self.eval(body[0])
                    except CelError as e:
                        error = error or e
                        continue
                    if value is decisive:
                        return decisive
                    if not isinstance(value, bool):
                        error = error or CelError("no such overload")
                if error is not None:
                    raise error
                return not decisive
            if macro == "exists_one":
                count = 0
                for item in items:
                    self.vars[var] = item
                    value = self.eval(body[0])
                    if not isinstance(value, bool):
                        raise CelError("no such overload")
                    count += value
                return count == 1
            out = []
            for item in items:
                self.vars[var] = item
                if macro == "filter":
                    keep = self.eval(body[0])
                    if not isinstance(keep, bool):
                        raise CelError("no such overload")
                    if keep:
                        out.append(item)
                elif len(body) == 2:  # map(x, predicate, transform)
                    keep = self.eval(body[0])
                    if not isinstance(keep, bool):
                        raise CelError("no such overload")
                    if keep:
                        out.append(self.eval(body[1]))
                else:
                    out.append(self.eval(body[0]))
            return out
        finally:
            if saved is _MISSING:
                self.vars.pop(var, None)
            else:
                self.vars[var] = saved

    # ------------------------------------------------------------ calls

    def call(self, name: str, target: Node | None, args: list[Node]) -> Any:
        if target is None and name in ("_&&_", "_||_"):
            return self.logic(name, args)
        if target is None and name == "_?_:_":
            condition = self.eval(args[0])
            if not isinstance(condition, bool):
                raise CelError("no such overload")
            return self.eval(args[1] if condition else args[2])
        if target is not None:
            qualified = _qualified(target)
            if qualified == "strings" and "strings" not in self.vars and name == "quote":
                return _quote(_str(self.eval(args[0])))
            receiver = self.eval(target)
            values = [self.eval(a) for a in args]
            return member(name, receiver, values)
        values = [self.eval(a) for a in args]
        return function(name, values)


_MISSING = object()


def _qualified(node: Node) -> str | None:
    return node[1] if node[0] == "ident" else None


def _range(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, CelMap):
        return value.keys()
    raise CelError("no such overload")


# ---------------------------------------------------------------- maps


class CelMap:
    """A CEL map: keys found across numeric types (1, 1u and 1.0 are one key), bools apart from ints."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, Any], tuple[Any, Any]] = {}

    @staticmethod
    def slot(key: Any) -> tuple[str, Any]:
        if isinstance(key, bool):
            return ("bool", key)
        if is_number(key):
            if isinstance(key, float) and not key.is_integer():
                return ("double", key)
            return ("number", int(key))
        if isinstance(key, str):
            return ("string", key)
        raise CelError("unsupported key type")

    def put(self, key: Any, value: Any) -> None:
        slot = self.slot(key)
        if slot in self.entries:
            raise CelError(f"Failed with repeated key: {_shown(key)}")
        self.entries[slot] = (key, value)

    def get(self, key: Any) -> Any:
        try:
            slot = self.slot(key)
        except CelError:
            slot = ("", None)
        if slot not in self.entries:
            raise CelError(f"no such key: {_shown(key)}")
        return self.entries[slot][1]

    def contains(self, key: Any) -> bool:
        try:
            return self.slot(key) in self.entries
        except CelError:
            return False

    def keys(self) -> list[Any]:
        return [k for k, _ in self.entries.values()]

    def __len__(self) -> int:
        return len(self.entries)


def _shown(value: Any) -> str:
    """Go's %v of a CEL key, as cel-go's "no such key" prints it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        from workbench.breaking.go_float import go_float

        return go_float(value, single=False)
    return str(value)


def select(operand: Any, field: str) -> Any:
    if isinstance(operand, CelMap):
        return operand.get(field)
    if isinstance(operand, Message):
        if field in operand.fields:
            return operand.fields[field]
        raise Unsupported("message field")
    raise CelError("no such overload")


def has(operand: Any, field: str) -> bool:
    if isinstance(operand, CelMap):
        return operand.contains(field)
    if isinstance(operand, Message) and field in operand.fields:
        value = operand.fields[field]
        return value not in ([], "", 0, b"", None, False) or isinstance(value, float) and value != 0
    raise Unsupported("has")


# ---------------------------------------------------------------- literals


def literal(t: Any, text: str) -> Any:
    from workbench.lint.cel_check import BOOL, BYTES, DOUBLE, INT, NULL, STRING, UINT

    if t == BOOL:
        return text == "true"
    if t == NULL:
        return None
    if t == INT:
        value = _hex(text) if text.lstrip("-").lower().startswith("0x") else int(text)
        if not INT_MIN <= value <= INT_MAX:
            raise Unsupported("int literal")  # cel-go refuses it when parsing
        return value
    if t == UINT:
        value = _hex(text[:-1]) if text.lower().startswith("0x") else int(text[:-1])
        return checked_uint(value)
    if t == DOUBLE:
        return float(text)
    if t == STRING:
        return unescape(text, as_bytes=False)
    if t == BYTES:
        return unescape(text, as_bytes=True)
    raise Unsupported("literal")


def _hex(text: str) -> int:
    negative = text.startswith("-")
    value = int(text.lstrip("-"), 16)
    return -value if negative else value


def unescape(text: str, as_bytes: bool) -> Any:
    """A quoted CEL string or bytes literal's value (cel-go's unescape); Unsupported where it refuses."""
    i = 0
    raw = False
    while text[i] in "rRbB":
        raw = raw or text[i] in "rR"
        i += 1
    body = text[i:]
    quote = body[:3] if body[:3] in ("'''", '"""') else body[:1]
    body = body[len(quote):len(body) - len(quote)]
    if raw:
        return body.encode("utf-8", "surrogateescape") if as_bytes else body
    out = bytearray()
    j, n = 0, len(body)
    while j < n:
        c = body[j]
        if c != "\\":
            out += c.encode("utf-8", "surrogateescape")
            j += 1
            continue
        if j + 1 >= n:
            raise Unsupported("escape")
        e = body[j + 1]
        if e in _SIMPLE_ESCAPES:
            out += _SIMPLE_ESCAPES[e].encode()
            j += 2
        elif e in "xX" and j + 4 <= n:
            code = _hex_digits(body[j + 2:j + 4])
            out += bytes([code]) if as_bytes else chr(code).encode()
            j += 4
        elif e in "uU":
            width = 4 if e == "u" else 8
            code = _hex_digits(body[j + 2:j + 2 + width], width)
            if as_bytes:
                raise Unsupported(UNESCAPE_FAILS)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise Unsupported(INVALID_CODE_POINT)
            out += chr(code).encode()
            j += 2 + width
        elif e in "0123" and j + 4 <= n and all(d in "01234567" for d in body[j + 2:j + 4]):
            code = int(body[j + 1:j + 4], 8)
            out += bytes([code]) if as_bytes else chr(code).encode()
            j += 4
        else:
            raise Unsupported("escape")
    if as_bytes:
        return bytes(out)
    return bytes(out).decode("utf-8", "surrogateescape")


def _hex_digits(text: str, width: int = 2) -> int:
    if len(text) != width or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise Unsupported("escape")
    return int(text, 16)


# ---------------------------------------------------------------- operators and functions


def equal(a: Any, b: Any) -> bool:
    """cel-go's heterogeneous equality: numbers by value across types, other kinds never equal."""
    if is_number(a) and is_number(b):
        return bool(a == b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, CelMap) and isinstance(b, CelMap):
        if len(a) != len(b):
            return False
        for key in a.keys():
            if not b.contains(key) or not equal(a.get(key), b.get(key)):
                return False
        return True
    if type(a) is not type(b):
        return False
    return bool(a == b)


def _compare(a: Any, b: Any) -> int:
    if is_number(a) and is_number(b):
        if a != a or b != b:
            return 2  # NaN: every comparison is false
        return (a > b) - (a < b)
    if type(a) is type(b) and isinstance(a, (str, bytes, bool)):
        return (a > b) - (a < b)
    if type(a) is type(b) and isinstance(a, (Duration, Timestamp)):
        return (a.nanos > b.nanos) - (a.nanos < b.nanos)
    raise CelError("no such overload")


_ORDER = {"_<_": (-1,), "_<=_": (-1, 0), "_>_": (1,), "_>=_": (1, 0)}


def function(name: str, values: list[Any]) -> Any:
    if name in _ORDER:
        return _compare(values[0], values[1]) in _ORDER[name]
    if name in ("_==_", "_!=_"):
        return equal(values[0], values[1]) == (name == "_==_")
    if name == "!_":
        if not isinstance(values[0], bool):
            raise CelError("no such overload")
        return not values[0]
    if name == "-_":
        return _negate(values[0])
    if name in ("_+_", "_-_", "_*_", "_/_", "_%_"):
        return arithmetic(name, values[0], values[1])
    if name == "@in":
        container = values[1]
        if isinstance(container, list):
            return any(equal(values[0], v) for v in container)
        if isinstance(container, CelMap):
            return container.contains(values[0])
        raise CelError("no such overload")
    if name == "_[_]":
        return index(values[0], values[1])
    if name == "size" and len(values) == 1:
        return size(values[0])
    if name == "matches" and len(values) == 2:
        return member("matches", values[0], values[1:])
    if name == "dyn" and len(values) == 1:
        return values[0]
    if name == "type" and len(values) == 1:
        return CelType(type_name(values[0]))
    if name == "getField" and len(values) == 2:
        return _get_field(values[0], values[1])
    if len(values) == 1:
        from workbench.lint.cel_convert import convert

        return convert(name, values[0])
    raise Unsupported(name)


def _get_field(target: Any, name: Any) -> Any:
    """protovalidate's getField(message, name); on a value that is no message, protovalidate-go's error."""
    if isinstance(target, Message):
        return select(target, name)
    go_types = ((bool, "Bool"), (UInt, "Uint"), (int, "Int"), (float, "Double"), (str, "String"))
    for kind, go_name in go_types:
        if isinstance(target, kind):
            shown = _shown(target) if not isinstance(target, str) else target
            raise CelError(f"unsupported conversion to ref.Val: (types.{go_name}){shown}")
    raise Unsupported("getField")


def _negate(value: Any) -> Any:
    if isinstance(value, float):
        return -value
    if is_number(value) and not isinstance(value, UInt):
        return checked_int(-value)
    if isinstance(value, Duration):
        return Duration(-value.nanos)
    raise CelError("no such overload")


def arithmetic(name: str, a: Any, b: Any) -> Any:
    if isinstance(a, float) and isinstance(b, float):
        if name == "_%_":
            raise CelError("no such overload")
        if name == "_/_":
            if b == 0:  # IEEE: a signed infinity, or NaN for 0/0
                return math.nan if a == 0 or a != a else math.copysign(math.inf, a) * math.copysign(1, b)
            return a / b
        return {"_+_": a + b, "_-_": a - b, "_*_": a * b}[name]
    if type(a) is type(b) and is_number(a):
        if name in ("_/_", "_%_"):
            if b == 0:
                raise CelError("division by zero" if name == "_/_" else "modulus by zero")
            quotient = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)  # Go truncates toward zero
            result = quotient if name == "_/_" else a - b * quotient
            if isinstance(a, UInt):
                return checked_uint(result)
            if a == INT_MIN and b == -1:
                raise CelError("integer overflow")
            return checked_int(result)
        result = {"_+_": a + b, "_-_": a - b, "_*_": a * b}[name]
        return checked_uint(result) if isinstance(a, UInt) else checked_int(result)
    if name == "_+_" and type(a) is type(b) and isinstance(a, (str, bytes, list)):
        return a + b
    if isinstance(a, Duration) and isinstance(b, Duration) and name in ("_+_", "_-_"):
        return Duration(a.nanos + b.nanos if name == "_+_" else a.nanos - b.nanos)
    if isinstance(a, Timestamp) and isinstance(b, Duration) and name in ("_+_", "_-_"):
        return Timestamp(a.nanos + b.nanos if name == "_+_" else a.nanos - b.nanos, a.offset)
    if isinstance(a, Duration) and isinstance(b, Timestamp) and name == "_+_":
        return Timestamp(a.nanos + b.nanos, b.offset)
    if isinstance(a, Timestamp) and isinstance(b, Timestamp) and name == "_-_":
        return Duration(a.nanos - b.nanos)
    raise CelError("no such overload")


def index(container: Any, key: Any) -> Any:
    if isinstance(container, list):
        if isinstance(key, float) and key.is_integer():
            key = int(key)
        if not is_number(key) or isinstance(key, float):
            raise CelError("unsupported index type")
        if not 0 <= key < len(container):
            raise CelError(f"index out of bounds: {int(key)}")
        return container[key]
    if isinstance(container, CelMap):
        return container.get(key)
    raise CelError("no such overload")


def size(value: Any) -> int:
    if isinstance(value, (str, bytes, list)):
        return len(value)
    if isinstance(value, CelMap):
        return len(value)
    raise CelError("no such overload")


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise CelError("no such overload")
    return value


def member(name: str, receiver: Any, values: list[Any]) -> Any:
    if name == "size" and not values:
        return size(receiver)
    if isinstance(receiver, float) and name == "isNan" and not values:
        return math.isnan(receiver)
    if isinstance(receiver, float) and name == "isInf" and len(values) <= 1:
        sign = values[0] if values else 0
        if not math.isinf(receiver):
            return False
        return sign == 0 or (sign > 0) == (receiver > 0)
    if name == "unique" and not values and isinstance(receiver, list):
        seen: list[Any] = []
        for item in receiver:
            if any(type(s) is type(item) and s == item for s in seen):  # by type and value
                return False
            seen.append(item)
        return True
    if isinstance(receiver, (str, bytes)) and name in ("contains", "startsWith", "endsWith") and len(values) == 1:
        other: Any = values[0]
        text: Any = receiver
        if type(other) is not type(text):
            raise CelError("no such overload")
        if name == "contains":
            return other in text
        return text.startswith(other) if name == "startsWith" else text.endswith(other)
    if isinstance(receiver, str) and name == "matches" and len(values) == 1:
        return _matches(receiver, _str(values[0]))
    if isinstance(receiver, str):
        from workbench.lint.cel_strings import FORMAT_FUNCTIONS, format_function, string_function

        if name in FORMAT_FUNCTIONS:
            return format_function(name, receiver, values)
        return string_function(name, receiver, values)
    if isinstance(receiver, list) and name == "join":
        from workbench.lint.cel_strings import join

        return join(receiver, values)
    if isinstance(receiver, (Timestamp, Duration)):
        from workbench.lint.cel_convert import time_getter

        return time_getter(name, receiver, values)
    raise Unsupported(name)


def _matches(text: str, pattern: str) -> bool:
    from workbench.lint.go_regexp import go_regexp_error
    from workbench.lint.re2_python import compile_re2

    if go_regexp_error(pattern) is not None:
        raise Unsupported("pattern")  # cel-go's error text for it is not modelled
    compiled = compile_re2(pattern)
    if compiled is None:
        raise Unsupported("pattern")  # not rewritten for Python's re: left to buf
    return compiled.search(text) is not None


def _quote(text: str) -> str:
    from workbench.lint.cel_strings import quote

    return quote(text)

