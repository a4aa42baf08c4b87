"""Just enough YAML for buf.yaml: block maps, block and flow lists and maps, scalars, comments.

The project ships no YAML library and buf.yaml files only use this subset. What buf's YAML library
(go-yaml v3) refuses is refused here too, with its line: a tab in the indentation, a key given twice,
an unclosed flow list or quote, a line that is neither `key: value` nor `- item`. Maps and lists
remember their lines (`YamlMap.lines`, `YamlList.line`) and unquoted scalars their text, so that a
schema check (`workbench.breaking.bufyaml_schema`) can name the line of a wrong key or type.

What go-yaml v3 also reads, with the meaning it gives (measured with buf 1.75): anchors and aliases
(`&a` on a value, `*a` for a copy of it; an unknown one is an error), merge keys (`<<:` a mapping or
a list of them fills in the keys the mapping does not set), block scalars (`|` keeps line breaks,
`>` folds them into spaces; `-` strips the final one, `+` keeps them, a digit sets the indentation),
also as list items and keys; explicit keys (`? key` then `: value`, in flow maps too; a null key is
skipped, as go-yaml decodes it into no field); tags (`!!str` and the like, dropped, but `!!int` on
text that is no integer is refused), double-quoted escapes, quoted scalars and plain ones over
several lines (folded), a scalar or flow collection on the line below its key, a byte order mark,
`%YAML 1.1` / `%TAG` directives before a `---`, and several documents: buf decodes the first one only
and reads nothing after a second `---` or a `...`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
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
        self.null_keys: dict[str, int] = {}  # a null key's text (`~`, `null`, empty) -> its line


class YamlList(list):  # type: ignore[type-arg]
    """A sequence with its line."""

    def __init__(self, line: int, items: list[Any] | None = None) -> None:
        super().__init__(items or [])
        self.line = line


Line = tuple[int, str, int]  # (indent, text, line number)


# anchor name -> its value, for the document being parsed (`parse` sets it; aliases copy from it)
_anchors: dict[str, Any] = {}
# the numbers of the lines that hold a comment: a comment ends a plain scalar, whose next line is then
# no continuation of it (go-yaml: "did not find expected key")
_commented: set[int] = set()


def parse(text: str) -> Any:
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte order mark, which go-yaml reads as the encoding and skips
    _anchors.clear()
    _commented.clear()
    try:
        lines = _lines(text)
        if not lines:
            return YamlMap(1)
        value, pos = _block(lines, 0, lines[0][0])
    finally:
        _anchors.clear()
    if pos != len(lines):
        raise YamlError(f"line {lines[pos][2]}: did not find expected key (unexpected indentation)")
    return YamlMap(lines[0][2]) if value is None else value


def _lines(text: str) -> list[Line]:
    """Meaningful lines; a flow list or map left open, or a quoted scalar, is joined with the lines
    that close it (a quoted scalar's line breaks fold into spaces, an empty line into a line break)."""
    out: list[Line] = []
    pending: tuple[int, str, int] | None = None
    block: int | None = None  # the column a block scalar's text lines must pass while they are read
    directives: set[str] = set()  # the %YAML / %TAG directives before the first document
    started = False  # a `---` or content seen: no directive after it
    for number, raw in enumerate(text.splitlines(), 1):
        if block is not None:
            body = raw.lstrip(" ")
            if not body.strip() or len(raw) - len(body) > block:
                # a block scalar's text is kept as it is (a '#' there is no comment); _block reads it
                out.append((len(raw) - len(body), "\0" + body.rstrip("\n"), number))
                continue
            block = None
        if pending is not None:
            indent, head, first = pending
            if not raw.strip():
                if _open_state(head)[1]:
                    pending = (indent, head.rstrip(" ") + "\n", first)  # an empty line in a quote: a break
                continue
            if _escaped_break(head):
                head = head[:-1]  # `\` ending a line of a double-quoted scalar: no space for the break
            elif not head.endswith("\n"):
                head += " "
            joined = _strip_comment(head + raw.strip()).rstrip(" \t")
            if _is_open(joined):
                pending = (indent, joined, first)
            else:
                out.append((indent, joined, first))
                pending = None
            continue
        stripped = _strip_comment(raw).rstrip()
        if stripped.rstrip() != raw.rstrip():
            _commented.add(number)
        body = stripped.lstrip(" ")
        if not started and body.startswith("%") and not stripped[:1].isspace():
            _directive(body, number, directives)
            continue
        if body.startswith(("---", "...")) and body[3:4] in ("", " ", "\t") and not stripped[:1].isspace():
            if body.startswith("...") and not out and not started:
                # a document end before any document: a parser error, named at its line counted from 0
                raise YamlError(f"line {number - 1}: did not find expected node content" if number > 1
                                else "did not find expected node content")
            if out or started or body.startswith("..."):
                break  # the end of the first document: buf decodes no further
            started = True
            body = stripped = body[3:].strip()  # `--- value`: the document starts on this line
        if not body.strip():
            continue
        if directives and not started:
            raise YamlError(f"line {number}: did not find expected <document start>")
        started = True
        if body[0] == "\t" or "\t" in stripped[: len(stripped) - len(body)]:
            raise YamlError(f"line {number}: found character that cannot start any token (a tab in the indentation)")
        if body.startswith("-\t"):
            raise YamlError(f"line {number}: found character that cannot start any token (a tab after '-')")
        if all(word.startswith("!") for word in body.split()):
            continue  # a tag alone on its line (`--- !!map`): it names the type of the node below
        indent = len(stripped) - len(body)
        if _is_open(body):
            pending = (indent, body, number)
        else:
            out.append((indent, body, number))
            column = _block_scalar_column(body)
            if column is not None:
                block = indent + column
    if pending is not None:
        if _open_state(pending[1])[1]:
            raise YamlError(f"line {pending[2]}: found unexpected end of stream (a quoted scalar is not closed)")
        closer = _innermost_closer(pending[1])
        what = "map" if closer == "}" else "list"
        raise YamlError(f"line {pending[2]}: did not find expected ',' or '{closer}' (a flow {what} is not closed)")
    return out


def _escaped_break(head: str) -> bool:
    """Whether `head` ends inside a double-quoted scalar with a `\\` that escapes the line break."""
    trailing = len(head) - len(head.rstrip("\\"))
    return trailing % 2 == 1 and _open_state(head)[1] and head[: len(head) - trailing].count('"') % 2 == 1


def _directive(body: str, number: int, seen: set[str]) -> None:
    """A `%YAML` or `%TAG` directive before the document: go-yaml takes YAML 1.1 only."""
    name, _, value = body[1:].partition(" ")
    if name == "YAML":
        if "YAML" in seen:
            # a parser error: go-yaml names its line counted from 0 (the line before, counted from 1)
            raise YamlError(f"line {number - 1}: found duplicate %YAML directive")
        if value.strip() != "1.1":
            raise YamlError("found incompatible YAML document")
    elif name != "TAG":
        raise YamlError("found unknown directive name")
    seen.add(name)


def _block_scalar_column(body: str) -> int | None:
    """Where a line opens a block scalar (`key: |`, `- >-`, `? |`), the column (from the line's
    indentation) its text lines must pass: that of the innermost key or indicator before it."""
    column, text = 0, body
    while True:
        if _is_item(text) or text == "?" or text.startswith(("? ", ": ")):
            rest = text[1:].lstrip(" ")
            if rest[:1] in ("|", ">", "&", "!", ""):
                break  # the header follows this indicator: its column is the limit
            column += len(text) - len(rest)
            text = rest
            continue
        break
    if _is_key(text) and not text.startswith(("-", "?", ":")):
        text = _split_key(text)[1]
    elif text[:1] in ("-", "?", ":"):
        text = text[1:].strip()
    try:
        text = _anchored(text, 0)[0]
    except YamlError:
        return None
    return column if _block_scalar_header(text) is not None else None


def _walk(text: str) -> Iterator[tuple[str, int, bool]]:
    """Each character of flow text with the bracket depth and whether a quote is open after it. A
    quote opens only where a scalar starts (`it's` is a plain scalar); `\\"` does not close "..."."""
    depth, quote, escaped, prev, closed = 0, "", False, " ", ""
    for c in text:
        if quote:
            if escaped:
                escaped = False
            elif quote == '"' and c == "\\":
                escaped = True
            elif c == quote:
                quote, closed = "", c
                yield c, depth, False
                prev = c
                continue
            yield c, depth, bool(quote)
            prev, closed = c, ""
            continue
        if c == "'" and closed == "'":
            quote = c  # `''` inside '...' is a quote character: the scalar goes on
        elif c in "'\"" and prev in " \t[{,:-?\n":
            quote = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        yield c, depth, bool(quote)
        prev, closed = c, ""


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


def _open_state(text: str) -> tuple[int, bool]:
    """How many flow brackets `text` leaves open (quotes skipped), and whether a quote is left open."""
    import collections

    _, depth, quoted = (collections.deque(_walk(text), maxlen=1) or [("", 0, False)])[-1]
    return depth, quoted


def _is_open(text: str) -> bool:
    depth, quoted = _open_state(text)
    return depth > 0 or quoted


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


def _is_complex_key(text: str) -> bool:
    return text == "?" or text.startswith("? ")


def _is_complex_value(text: str) -> bool:
    return text == ":" or text.startswith(": ")


def _block(lines: list[Line], pos: int, indent: int) -> tuple[Any, int]:
    if _is_item(lines[pos][1]):
        items = YamlList(lines[pos][2])
        while pos < len(lines) and lines[pos][0] == indent and _is_item(lines[pos][1]):
            item, pos = _after_indicator(lines, pos, indent)
            items.append(item)
        _no_deeper_line(lines, pos, indent, items.line, "'-' indicator")
        return items, pos
    if not _is_key(lines[pos][1]) and not _is_complex_key(lines[pos][1]):
        # a scalar alone on the lines below its key: its own lines continue it (hence indent - 1)
        return _node(lines, pos + 1, indent - 1, lines[pos][1], lines[pos][2], compact=False)
    mapping = YamlMap(lines[pos][2])
    while pos < len(lines) and lines[pos][0] == indent:
        text, number = lines[pos][1], lines[pos][2]
        if _is_item(text):
            raise YamlError(f"line {mapping.line - 1 or number - 1}: did not find expected key")
        if _is_complex_key(text):
            # `? key` on its line, `: value` on the next (either may be any node, or absent)
            key_raw = text[1:].strip()
            key, pos = _after_indicator(lines, pos, indent)
            value = None
            if pos < len(lines) and lines[pos][0] == indent and _is_complex_value(lines[pos][1]):
                value, pos = _after_indicator(lines, pos, indent)
            _set(mapping, key, key_raw, value, number, "")
            continue
        if not _is_key(text):
            raise YamlError(f"line {number}: could not find expected ':' (expected 'key: value')")
        key_text, rest = _split_key(text)
        bare = _anchored(rest, number)[0]
        if _is_item(bare):
            raise YamlError(f"line {number}: block sequence entries are not allowed in this context")
        if _is_complex_key(bare):
            raise YamlError(f"line {number}: mapping keys are not allowed in this context")
        if _is_key(bare) and bare[:1] not in "'\"[{":
            raise YamlError(f"line {number}: mapping values are not allowed in this context")
        if _text_after_close(bare):
            # `key: 'a' b` or `key: [a] b`: the node ends at its closing quote or bracket, and what
            # follows is no key: go-yaml's parser error, named at the mapping's start (see _no_deeper_line)
            raise YamlError(f"line {mapping.line - 1 or number - 1}: did not find expected key")
        value, pos = _node(lines, pos + 1, indent, rest, number, compact=False)
        _set(mapping, _scalar(key_text, number), key_text, value, number, rest)
    _no_deeper_line(lines, pos, indent, mapping.line, "key")
    _merge(mapping)
    return mapping, pos


def _text_after_close(text: str) -> bool:
    """Whether a quoted scalar or flow collection at the start of `text` is followed by more text."""
    if text[:1] in ("'", '"'):
        i = 1
        while i < len(text):
            if text[i] == "\\" and text[0] == '"':
                i += 2
            elif text[i] == text[0] == "'" and text[i + 1: i + 2] == "'":
                i += 2  # `''`: a quote inside '...'
            elif text[i] == text[0]:
                return bool(text[i + 1:].strip())
            else:
                i += 1
        return False
    if text[:1] in ("[", "{"):
        for i, (c, depth, quoted) in enumerate(_walk(text)):
            if depth == 0 and not quoted and c in "]}":
                return bool(text[i + 1:].strip())
    return False


def _no_deeper_line(lines: list[Line], pos: int, indent: int, start: int, expected: str) -> None:
    """A line indented deeper than the collection (at `indent`, from line `start`) that ended before it
    is go-yaml's parser error "did not find expected key" (or '-' indicator), which names the line
    of the collection's start counted from 0 (the line of the offending token where that is 0)."""
    if pos < len(lines) and lines[pos][0] > indent:
        raise YamlError(f"line {start - 1 or lines[pos][2] - 1}: did not find expected {expected}")


def _set(mapping: YamlMap, key: Any, key_raw: str, value: Any, number: int, rest: str) -> None:
    if isinstance(key, (YamlMap, YamlList)):
        raise YamlError(f"line {number}: cannot unmarshal !!{'map' if isinstance(key, dict) else 'seq'} into string")
    if key is None:
        # go-yaml decodes a null key into no field (it is skipped); twice the same text is still a
        # key given twice, compared as written (`~` and `null` differ)
        if key_raw in mapping.null_keys:
            raise YamlError(f'line {number}: mapping key "{key_raw}" already defined at line {mapping.null_keys[key_raw]}')
        mapping.null_keys[key_raw] = number
        return
    name = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
    if name in mapping:
        raise YamlError(f'line {number}: mapping key "{name}" already defined at line {mapping.lines[name]}')
    mapping.lines[name] = number
    mapping[name] = value
    plain = _anchored(rest, number)[0] if rest else ""
    if plain and not rest.startswith(("'", '"', "[", "{", "*", "!")) and not isinstance(value, (YamlMap, YamlList)):
        mapping.raw[name] = value if isinstance(value, str) else plain  # `True` as written, for a string field


def _after_indicator(lines: list[Line], pos: int, indent: int) -> tuple[Any, int]:
    """The node after a `- `, `? ` or `: ` indicator at `lines[pos]`: on the same line (a scalar, or a
    compact map or list whose other lines sit under its first), below it, or none."""
    text, number = lines[pos][1], lines[pos][2]
    after = text[1:]
    rest = after.lstrip(" ")
    return _node(lines, pos + 1, indent, rest, number, compact=True, column=indent + 1 + len(after) - len(rest),
                 list_below=text[0] != "-")


def _node(lines: list[Line], pos: int, indent: int, rest: str, number: int, *, compact: bool,
          column: int = 0, list_below: bool = True) -> tuple[Any, int]:
    """The value whose text starts with `rest` (on line `number`, the lines from `pos` on following it)
    inside a node at `indent`: a block scalar, a plain scalar continued on more indented lines, a
    quoted or flow scalar, an alias, the block node on the lines below (when `rest` is empty), or with
    `compact` a map or list starting on this line (`- key: value`, `- - item`, `? key`). With
    `list_below`, an empty `rest` may also be followed by a list at `indent` (after a key, `?` or `:`,
    not after a list's own `-`)."""
    written = rest
    rest, anchor = _anchored(rest, number)
    value: Any
    header = _block_scalar_header(rest)
    if header is not None:
        text_lines: list[tuple[int, str]] = []
        digits = [c for c in header if c.isdigit()]
        content = indent + int(digits[0]) if digits else None  # the text's indentation, once known
        while pos < len(lines) and lines[pos][1].startswith("\0"):
            column, text = lines[pos][0], lines[pos][1][1:]
            if text.strip() and content is not None and column < content:
                break  # a line less indented than the text ends the scalar
            if text.strip() and content is None:
                content = column
            text_lines.append((column, text))
            pos += 1
        while pos < len(lines) and lines[pos][1].startswith("\0"):
            if lines[pos][1][1:].strip() and not lines[pos][1][1:].lstrip().startswith("#"):
                raise YamlError(f"line {lines[pos][2]}: did not find expected key (text less indented than "
                                "its block scalar's)")
            pos += 1  # a comment after the scalar's text
        value = _block_scalar(header, text_lines, indent)
    elif compact and rest and (_is_item(rest) or _is_complex_key(rest) or _is_key(rest)):
        sub = [(column, rest, number)]
        while pos < len(lines) and lines[pos][0] > indent:
            sub.append(lines[pos])
            pos += 1
        value, used = _block(sub, 0, column)
        if used != len(sub):
            raise YamlError(f"line {sub[used][2]}: did not find expected key (unexpected indentation)")
    elif rest:
        if not rest.startswith(("'", '"', "[", "{", "*")):
            # a plain scalar goes on over more indented lines (not past a comment), folded with spaces
            last = number
            while (pos < len(lines) and lines[pos][0] > indent and not lines[pos][1].startswith("\0")
                   and not any(n in _commented for n in range(last, lines[pos][2]))):
                if _is_key(lines[pos][1]):
                    # `key: v2` then ` lint: x` deeper: the scalar goes on, and its ': ' is a scanner error
                    raise YamlError(f"line {lines[pos][2]}: mapping values are not allowed in this context")
                rest += " " + lines[pos][1]
                last = lines[pos][2]
                pos += 1
        value = _scalar(rest, number)
        _check_tag(written, rest, value)
    elif pos < len(lines) and lines[pos][0] > indent:
        value, pos = _block(lines, pos, lines[pos][0])
    elif list_below and pos < len(lines) and lines[pos][0] == indent and _is_item(lines[pos][1]):
        value, pos = _block(lines, pos, indent)  # a list at its key's indentation
    else:
        value = None
    if anchor:
        _anchors[anchor] = value
    return value, pos


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


def _block_scalar(header: str, text_lines: list[tuple[int, str]], indent: int) -> str:
    """The string a block scalar's lines make (`|` literal, `>` folded; `-` strip, `+` keep; a digit
    sets the text's indentation, counted from `indent`, that of the node holding the scalar)."""
    while text_lines and not text_lines[-1][1].strip():
        text_lines = text_lines[:-1] if "+" not in header else text_lines
        if "+" in header:
            break
    content = [(i, t) for i, t in text_lines]
    digits = [c for c in header if c.isdigit()]
    base = indent + int(digits[0]) if digits else min((i for i, t in content if t.strip()), default=0)
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
        _check_tag(text, rest, value)
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
        if not text.endswith("]") or _open_state(text)[0] != 0:
            raise YamlError(f"line {line}: did not find expected ',' or ']'")
        inner = text[1:-1].strip()
        return YamlList(line, [_scalar(part, line) for part in _split_flow(inner, line)] if inner else [])
    if text.startswith("{"):
        if not text.endswith("}") or _open_state(text)[0] != 0:
            raise YamlError(f"line {line}: did not find expected ',' or '}}'")
        out = YamlMap(line)
        for part in _split_flow(text[1:-1], line):
            if _is_complex_key(part):
                part = part[1:].strip()  # `{? key: value}`: the explicit key of a flow map
            k, v = _split_key(part) if _is_key(part) else (part, "")
            _set(out, _scalar(k, line), k, _scalar(v, line) if v else None, line, v)
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


def _check_tag(text: str, bare: str, value: Any) -> None:
    """A scalar tagged `!!int`, `!!float`, `!!bool` or `!!null` (`text`, its properties before `bare`)
    must read as that type."""
    for word in text[: len(text) - len(bare)].split():
        if word in _TAG_FORMS and isinstance(value, str) and not _TAG_FORMS[word](bare):
            raise YamlError(f"cannot decode !!str `{value}` as a {word}")


def _is_int(text: str) -> bool:
    import re

    return re.fullmatch(r"[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)", text) is not None


def _is_float(text: str) -> bool:
    if text.lower() in (".inf", "+.inf", "-.inf", ".nan"):
        return True
    try:
        float(text.replace("_", ""))
    except ValueError:
        return False
    return text.strip()[-1:] not in ("n", "N", "y", "Y", "f", "F")  # inf, nan, Infinity are not YAML's


# a tag on a scalar whose text the tag's type does not take is an error in go-yaml ("cannot decode
# !!str `v2` as a !!int"); the text is taken as written, quoted or not
_TAG_FORMS: dict[str, Callable[[str], bool]] = {
    "!!int": lambda text: _is_int(text.strip("'\"")),
    "!!float": lambda text: _is_float(text.strip("'\"")),
    "!!bool": lambda text: text.strip("'\"") in ("true", "True", "TRUE", "false", "False", "FALSE"),
    "!!null": lambda text: text.strip("'\"") in ("", "~", "null", "Null", "NULL"),
}


def _split_flow(text: str, line: int) -> list[str]:
    parts, current = [], ""
    for c, depth, quoted in _walk(text):
        if c == "," and depth == 0 and not quoted:
            if not current.strip():
                # a parser error: go-yaml names the flow collection's line counted from 0
                raise YamlError(f"line {line - 1 or 1}: did not find expected node content (an empty item in a flow list)")
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
