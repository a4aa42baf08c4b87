"""Just enough YAML for buf.yaml: block maps, block and flow lists and maps, scalars, comments.

The project ships no YAML library and buf.yaml files only use this subset. What buf's YAML library
(go-yaml v3) refuses is refused here too, with its line: a tab in the indentation, a key given twice,
an unclosed flow list or quote, a line that is neither `key: value` nor `- item`. Maps and lists
remember their lines (`YamlMap.lines`, `YamlList.line`) and unquoted scalars their text, so that a
schema check (`workbench.breaking.bufyaml_schema`) can name the line of a wrong key or type.

What go-yaml v3 also reads, with the meaning it gives (measured with buf 1.75): anchors and aliases
(`&a` on a value, `*a` for a copy of it; an unknown one is an error), merge keys (`<<:` a mapping or
a list of them fills in the keys the mapping does not set), block scalars (`|` keeps line breaks,
`>` folds them into spaces; `-` strips the final one, `+` keeps them), tags (`!!str` and the like,
dropped), double-quoted escapes, and several documents: buf decodes the first one only and reads
nothing after a second `---` or a `...`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


class YamlError(ValueError):
    pass


class YamlMap(dict):  # type: ignore[type-arg]
    """A mapping with the line of each key (1-based) and its own line."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}
        self.raw: dict[str, str] = {}  # key -> a plain scalar value's text (`True` read into a string field)


class YamlList(list):  # type: ignore[type-arg]
    """A sequence with its line."""

    def __init__(self, line: int, items: list[Any] | None = None) -> None:
        super().__init__(items or [])
        self.line = line


Line = tuple[int, str, int]  # (indent, text, line number)


# anchor name -> its value, for the document being parsed (`parse` sets it; aliases copy from it)
_anchors: dict[str, Any] = {}


def parse(text: str) -> Any:
    lines = _lines(text)
    if not lines:
        return YamlMap(1)
    _anchors.clear()
    try:
        value, pos = _block(lines, 0, lines[0][0])
    finally:
        _anchors.clear()
    if pos != len(lines):
        raise YamlError(f"line {lines[pos][2]}: did not find expected key (unexpected indentation)")
    return value


def _lines(text: str) -> list[Line]:
    """Meaningful lines; a flow list or map left open is joined with the lines that close it."""
    out: list[Line] = []
    pending: tuple[int, str, int] | None = None
    block: int | None = None  # the indentation of a block scalar's key while its text lines are read
    for number, raw in enumerate(text.splitlines(), 1):
        if block is not None:
            body = raw.lstrip(" ")
            if not body.strip() or len(raw) - len(body) > block:
                # a block scalar's text is kept as it is (a '#' there is no comment); _block reads it
                out.append((len(raw) - len(body), "\0" + body.rstrip("\n"), number))
                continue
            block = None
        stripped = _strip_comment(raw).rstrip()
        if pending is not None:
            indent, head, first = pending
            joined = f"{head} {stripped.strip()}".rstrip()
            if _open_brackets(joined, first) > 0:
                pending = (indent, joined, first)
            else:
                out.append((indent, joined, first))
                pending = None
            continue
        body = stripped.lstrip(" ")
        if body.startswith(("---", "...")) and body[3:4] in ("", " ") and not stripped[:1].isspace():
            if out or body.startswith("..."):
                break  # the end of the first document: buf decodes no further
            body = stripped = body[3:].strip()  # `--- value`: the document starts on this line
        if not body.strip():
            continue
        if body[0] == "\t" or "\t" in stripped[: len(stripped) - len(body)]:
            raise YamlError(f"line {number}: found character that cannot start any token (a tab in the indentation)")
        indent = len(stripped) - len(body)
        if _open_brackets(body, number) > 0:
            pending = (indent, body, number)
        else:
            out.append((indent, body, number))
            if _block_scalar_header(_split_key(body)[1] if _is_key(body) else "") is not None:
                block = indent
    if pending is not None:
        closer = _innermost_closer(pending[1])
        what = "map" if closer == "}" else "list"
        raise YamlError(f"line {pending[2]}: did not find expected ',' or '{closer}' (a flow {what} is not closed)")
    return out


def _walk(text: str) -> Iterator[tuple[str, int, bool]]:
    """Each character of flow text with the bracket depth and whether a quote is open after it."""
    depth, quote = 0, ""
    for c in text:
        if quote:
            if c == quote:
                quote = ""
            yield c, depth, bool(quote)
            continue
        if c in "'\"":
            quote = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        yield c, depth, bool(quote)


def _innermost_closer(text: str) -> str:
    """The bracket that would close the innermost open flow collection (go-yaml names that one)."""
    opened: list[str] = []
    for c, _, quoted in _walk(text):
        if quoted or c in "'\"":
            continue
        if c in "[{":
            opened.append("]" if c == "[" else "}")
        elif c in "]}" and opened:
            if c != opened[-1]:
                return opened[-1]  # `[a}`: go-yaml stops at the wrong closer
            opened.pop()
    return opened[-1] if opened else "]"


def _open_brackets(text: str, line: int) -> int:
    """How many flow brackets `text` leaves open (quotes skipped); an unclosed quote is an error."""
    import collections

    _, depth, quoted = (collections.deque(_walk(text), maxlen=1) or [("", 0, False)])[-1]
    if quoted and depth <= 0:
        raise YamlError(f"line {line}: found unexpected end of stream (a quoted scalar is not closed)")
    return depth


def _strip_comment(line: str) -> str:
    quote = ""
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def _is_item(text: str) -> bool:
    return text.startswith("- ") or text == "-"


def _block(lines: list[Line], pos: int, indent: int) -> tuple[Any, int]:
    if _is_item(lines[pos][1]):
        items = YamlList(lines[pos][2])
        while pos < len(lines) and lines[pos][0] == indent and _is_item(lines[pos][1]):
            rest, anchor = _anchored(lines[pos][1][1:].strip(), lines[pos][2])
            if anchor:
                if rest:
                    _anchors[anchor] = _scalar(rest, lines[pos][2])
                    items.append(_anchors[anchor])
                    pos += 1
                    continue
                if pos + 1 < len(lines) and lines[pos + 1][0] > indent:
                    value, pos = _block(lines, pos + 1, lines[pos + 1][0])
                else:
                    value, pos = None, pos + 1
                _anchors[anchor] = value
                items.append(value)
                continue
            if not rest:
                if pos + 1 < len(lines) and lines[pos + 1][0] > indent:
                    value, pos = _block(lines, pos + 1, lines[pos + 1][0])
                else:
                    value, pos = None, pos + 1
                items.append(value)
                continue
            if _is_key(rest):
                # "- key: value" starts a map whose other keys sit under the first key
                inner_indent = indent + 2 + (len(lines[pos][1][1:]) - len(lines[pos][1][1:].lstrip(" ")) - 1)
                sub = [(inner_indent, rest, lines[pos][2])]
                pos += 1
                while pos < len(lines) and lines[pos][0] > indent:
                    sub.append(lines[pos])
                    pos += 1
                value, used = _block(sub, 0, inner_indent)
                if used != len(sub):
                    raise YamlError(f"line {sub[used][2]}: did not find expected key (unexpected indentation)")
                items.append(value)
                continue
            items.append(_scalar(rest, lines[pos][2]))
            pos += 1
        return items, pos
    mapping = YamlMap(lines[pos][2])
    while pos < len(lines) and lines[pos][0] == indent:
        text, number = lines[pos][1], lines[pos][2]
        if _is_item(text):
            raise YamlError(f"line {number}: did not find expected key (a list item inside a mapping)")
        if not _is_key(text):
            raise YamlError(f"line {number}: could not find expected ':' (expected 'key: value')")
        key_text, rest = _split_key(text)
        key = _scalar(key_text, number)
        if isinstance(key, (YamlMap, YamlList)):
            raise YamlError(f"line {number}: a mapping key must be a scalar")
        name = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
        if name in mapping:
            raise YamlError(f'line {number}: mapping key "{name}" already defined at line {mapping.lines[name]}')
        mapping.lines[name] = number
        pos += 1
        rest, anchor = _anchored(rest, number)
        header = _block_scalar_header(rest)
        if header is not None:
            text_lines = []
            while pos < len(lines) and lines[pos][1].startswith("\0"):
                text_lines.append((lines[pos][0], lines[pos][1][1:]))
                pos += 1
            mapping[name] = _block_scalar(header, text_lines)
        elif rest:
            mapping[name] = _scalar(rest, number)
            if not rest.startswith(("'", '"', "[", "{", "*", "!")):
                mapping.raw[name] = rest
        elif pos < len(lines) and lines[pos][0] > indent:
            mapping[name], pos = _block(lines, pos, lines[pos][0])
        elif pos < len(lines) and lines[pos][0] == indent and _is_item(lines[pos][1]):
            mapping[name], pos = _block(lines, pos, indent)
        else:
            mapping[name] = None
        if anchor:
            _anchors[anchor] = mapping[name]
    _merge(mapping)
    return mapping, pos


def _anchored(text: str, line: int) -> tuple[str, str]:
    """(`text` without a leading `&name` or tag, the anchor's name or "")."""
    anchor = ""
    while text.startswith(("&", "!")):
        head, _, text = text.partition(" ")
        text = text.strip()
        if head.startswith("&"):
            anchor = head[1:]
            if not anchor:
                raise YamlError(f"line {line}: did not find expected alphabetic or numeric character")
    return text, anchor


def _merge(mapping: YamlMap) -> None:
    """go-yaml's merge key: `<<: {...}` (or a list of mappings) sets the keys the mapping lacks."""
    if "<<" not in mapping:
        return
    line = mapping.lines.pop("<<")
    merged = mapping.pop("<<")
    sources = merged if isinstance(merged, list) else [merged]
    if not all(isinstance(m, YamlMap) for m in sources):
        raise YamlError(f"line {line}: map merge requires map or sequence of maps as the value")
    for source in sources:
        for key, value in source.items():
            if key not in mapping:
                mapping[key] = value
                mapping.lines[key] = source.lines.get(key, line)
                if key in source.raw:
                    mapping.raw[key] = source.raw[key]


def _block_scalar_header(text: str) -> str | None:
    """`|`, `>`, with `-`/`+` and an indentation digit: the header of a block scalar, else None."""
    text = text.strip()
    if text[:1] in ("|", ">") and all(c in "-+123456789" for c in text[1:]) and len(text) <= 3:
        return text
    return None


def _block_scalar(header: str, text_lines: list[tuple[int, str]]) -> str:
    """The string a block scalar's lines make (`|` literal, `>` folded; `-` strip, `+` keep)."""
    while text_lines and not text_lines[-1][1].strip():
        text_lines = text_lines[:-1] if "+" not in header else text_lines
        if "+" in header:
            break
    content = [(i, t) for i, t in text_lines]
    base = min((i for i, t in content if t.strip()), default=0)
    rows = [" " * (i - base) + t if t.strip() else "" for i, t in content]
    if header[0] == "|":
        body = "\n".join(rows)
    else:
        body = ""
        for k, row in enumerate(rows):
            if k and row and rows[k - 1] and not row.startswith(" ") and not rows[k - 1].startswith(" "):
                body += " "
            elif k:
                body += "\n"
            body += row
    if not body:
        return ""
    return body if "-" in header else body + "\n"


def _split_key(text: str) -> tuple[str, str]:
    """`key: value` at the first ': ' (or a final ':') outside quotes."""
    quote = ""
    for i, c in enumerate(text):
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"" and i == 0:
            quote = c
        elif c == ":" and (i + 1 == len(text) or text[i + 1] in " \t"):
            return text[:i].strip(), text[i + 1:].strip()
    return text, ""


def _is_key(text: str) -> bool:
    if text.startswith(("[", "{")):
        return False
    key, rest = _split_key(text)
    return key != text or text.endswith(":")


def _scalar(text: str, line: int) -> Any:
    text = text.strip()
    if text.startswith(("&", "!")):
        rest, anchor = _anchored(text, line)
        value = _scalar(rest, line)
        if text.startswith("!!str ") and not isinstance(value, (YamlMap, YamlList)):
            value = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        if anchor:
            _anchors[anchor] = value
        return value
    if text.startswith("*"):
        name = text[1:]
        if name not in _anchors:
            raise YamlError(f"unknown anchor '{name}' referenced")
        import copy

        return copy.deepcopy(_anchors[name])
    if text.startswith("["):
        if not text.endswith("]") or _open_brackets(text, line) != 0:
            raise YamlError(f"line {line}: did not find expected ',' or ']'")
        inner = text[1:-1].strip()
        return YamlList(line, [_scalar(part, line) for part in _split_flow(inner, line)] if inner else [])
    if text.startswith("{"):
        if not text.endswith("}") or _open_brackets(text, line) != 0:
            raise YamlError(f"line {line}: did not find expected ',' or '}}'")
        out = YamlMap(line)
        for part in _split_flow(text[1:-1], line):
            k, v = _split_key(part) if _is_key(part) else (part, "")
            name = str(_scalar(k, line))
            if name in out:
                raise YamlError(f'line {line}: mapping key "{name}" already defined at line {line}')
            out.lines[name] = line
            out[name] = _scalar(v, line) if v else None
            if v and not v.startswith(("'", '"', "[", "{")):
                out.raw[name] = v
        return out
    if text[:1] in "'\"":
        if len(text) < 2 or text[-1] != text[0]:
            raise YamlError(f"line {line}: did not find expected end of a quoted scalar")
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else _unescape(inner, line)
    if text[:1] in "]}|>%@`":
        raise YamlError(f"line {line}: found character that cannot start any token ({text[0]!r})")
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if text in ("null", "Null", "NULL", "~", ""):
        return None
    return text


def _split_flow(text: str, line: int) -> list[str]:
    parts, current = [], ""
    for c, depth, quoted in _walk(text):
        if c == "," and depth == 0 and not quoted:
            if not current.strip():
                raise YamlError(f"line {line}: did not find expected node content (an empty item in a flow list)")
            parts.append(current.strip())
            current = ""
            continue
        current += c
    if current.strip():
        parts.append(current.strip())
    return parts


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
            "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
            "L": "\u2028", "P": "\u2029"}


def _unescape(text: str, line: int) -> str:
    """A double-quoted scalar's escapes, as YAML defines them (`\\x32`, `\\u00e9`, `\\n` ...)."""
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        code = text[i + 1: i + 2]
        width = {"x": 2, "u": 4, "U": 8}.get(code)
        if width:
            digits = text[i + 2: i + 2 + width]
            if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                raise YamlError(f"line {line}: did not find expected hexdecimal number")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        elif code in _ESCAPES:
            out.append(_ESCAPES[code])
            i += 2
        else:
            raise YamlError(f"line {line}: found unknown escape character while parsing a quoted scalar")
    return "".join(out)
