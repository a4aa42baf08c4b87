"""cel-go's strings extension and protovalidate's string functions, on CEL values (cel_eval.py).

Indexes count code points, as cel-go's do; the errors are cel-go's ("index out of range: 5",
"invalid substring range. start: 2, end: 1"). `format` is in cel_format.py.
"""

from __future__ import annotations

from workbench.lint.cel_values import CelError, UInt, Unsupported, checked_int, is_number

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMAT_FUNCTIONS = ("isEmail", "isHostname", "isIp", "isIpPrefix", "isUri", "isUriRef", "isHostAndPort")
# Go's unicode.IsSpace, which strings.TrimSpace trims (Python's str.isspace also takes \x1c-\x1f)
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000"


def _int(value: Any) -> int:
    if not is_number(value) or isinstance(value, (float, UInt)):
        raise CelError("no such overload")
    return int(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise CelError("no such overload")
    return value


def string_function(name: str, s: str, args: list[Any]) -> Any:
    n = len(args)
    if name == "charAt" and n == 1:
        i = _int(args[0])
        if i < 0 or i > len(s):
            raise CelError(f"index out of range: {i}")
        return s[i:i + 1]
    if name == "indexOf" and n in (1, 2):
        return _index_of(s, _text(args[0]), _int(args[1]) if n == 2 else 0)
    if name == "lastIndexOf" and n in (1, 2):
        sub = _text(args[0])
        if n == 1 and sub == "":
            return len(s)
        return _last_index_of(s, sub, _int(args[1]) if n == 2 else len(s) - 1)
    if name == "lowerAscii" and n == 0:
        return "".join(c.lower() if "A" <= c <= "Z" else c for c in s)
    if name == "upperAscii" and n == 0:
        return "".join(c.upper() if "a" <= c <= "z" else c for c in s)
    if name == "replace" and n in (2, 3):
        old, new = _text(args[0]), _text(args[1])
        count = _int(args[2]) if n == 3 else -1
        return s.replace(old, new, count if count >= 0 else -1)
    if name == "split" and n in (1, 2):
        return _split(s, _text(args[0]), _int(args[1]) if n == 2 else -1)
    if name == "substring" and n == 1:
        start = _int(args[0])
        if start < 0 or start > len(s):
            raise CelError(f"index out of range: {start}")
        return s[start:]
    if name == "substring" and n == 2:
        start, end = _int(args[0]), _int(args[1])
        if start > end:
            raise CelError(f"invalid substring range. start: {start}, end: {end}")
        for bound in (start, end):
            if bound < 0 or bound > len(s):
                raise CelError(f"index out of range: {bound}")
        return s[start:end]
    if name == "trim" and n == 0:
        return s.strip(_GO_SPACE)
    if name == "reverse" and n == 0:
        return s[::-1]
    if name == "format" and n == 1 and isinstance(args[0], list):
        from workbench.lint.cel_format import format_string

        return format_string(s, args[0])
    raise Unsupported(name)


def _index_of(s: str, sub: str, offset: int) -> int:
    """cel-go's indexOf: an offset past the end finds nothing, a negative one is an error."""
    if offset < 0:
        raise CelError(f"index out of range: {offset}")
    if offset >= len(s):  # before the empty substring's answer (buf-bin: 'ab'.indexOf('', 10) is -1)
        return -1
    return offset if sub == "" else s.find(sub, offset)


def _last_index_of(s: str, sub: str, offset: int) -> int:
    if sub == "":
        return offset
    if offset < 0:
        raise CelError(f"index out of range: {offset}")
    if offset >= len(s):
        return -1
    return s.rfind(sub, 0, min(offset, len(s) - len(sub)) + len(sub))


def _split(s: str, sep: str, limit: int) -> list[str]:
    """Go's strings.SplitN: n == 0 gives nothing, n < 0 everything; an empty separator splits code points."""
    if limit == 0:
        return []
    if sep == "":
        parts = list(s)
        if 0 < limit < len(parts):
            parts = [*parts[:limit - 1], "".join(parts[limit - 1:])]
        return parts
    return s.split(sep, limit - 1 if limit > 0 else -1)


def join(items: list[Any], args: list[Any]) -> str:
    sep = _text(args[0]) if args else ""
    return sep.join(_text(i) for i in items)


def quote(s: str) -> str:
    """cel-go's strings.quote: the string in double quotes with C escapes."""
    escapes = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
               "\\": "\\\\", '"': '\\"'}
    body = "".join(escapes.get(c, "\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c) for c in s)
    return f'"{body}"'


def format_function(name: str, target: str, values: list[Any]) -> bool:
    """protovalidate's string functions, with the checks of the well-known formats (protovalidate_formats.py)."""
    from workbench.lint import protovalidate_formats as formats

    raw = target.encode("utf-8", "surrogateescape")
    kinds: tuple[type, ...] = tuple(bool if isinstance(v, bool) else int if is_number(v) else type(v)
                                    for v in values)
    if name in ("isEmail", "isHostname", "isUri", "isUriRef") and not values:
        return formats.valid(name, raw)
    if name == "isIp" and kinds in ((), (int,)):
        version = checked_int(values[0]) if values else 0
        return formats.is_ip(raw, version) if version in (0, 4, 6) else False
    if name == "isIpPrefix" and kinds in ((), (int,), (bool,), (int, bool)):
        version = values[0] if kinds[:1] == (int,) else 0
        strict = bool(values[-1]) if kinds[-1:] == (bool,) else False
        return formats.is_ip_prefix(raw, version, strict=strict) if version in (0, 4, 6) else False
    if name == "isHostAndPort" and kinds == (bool,):
        return formats.is_host_and_port(raw, port_required=values[0])
    raise Unsupported(name)
