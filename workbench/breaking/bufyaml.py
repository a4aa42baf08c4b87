"""Just enough YAML for buf.yaml: block maps, block and flow lists, scalars, comments.

The project ships no YAML library and buf.yaml files only use this subset.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any


class YamlError(ValueError):
    pass


def parse(text: str) -> Any:
    lines: list[tuple[int, str, int]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = _strip_comment(raw).rstrip()
        if not stripped.strip() or stripped.strip() == "---":
            continue
        lines.append((len(stripped) - len(stripped.lstrip(" ")), stripped.strip(), number))
    if not lines:
        return {}
    value, pos = _block(lines, 0, lines[0][0])
    if pos != len(lines):
        raise YamlError(f"line {lines[pos][2]}: unexpected indentation")
    return value


def _strip_comment(line: str) -> str:
    quote = ""
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def _block(lines: list[tuple[int, str, int]], pos: int, indent: int) -> tuple[Any, int]:
    if lines[pos][1].startswith("- ") or lines[pos][1] == "-":
        items: list[Any] = []
        while pos < len(lines) and lines[pos][0] == indent and (lines[pos][1].startswith("- ") or lines[pos][1] == "-"):
            rest = lines[pos][1][1:].strip()
            if not rest:
                value, pos = _block(lines, pos + 1, lines[pos + 1][0])
                items.append(value)
                continue
            if _is_key(rest):
                # "- key: value" starts a map whose other keys sit under the first key
                inner_indent = indent + 2
                sub = [(inner_indent, rest, lines[pos][2])]
                pos += 1
                while pos < len(lines) and lines[pos][0] > indent:
                    sub.append(lines[pos])
                    pos += 1
                value, _ = _block(sub, 0, inner_indent)
                items.append(value)
                continue
            items.append(_scalar(rest))
            pos += 1
        return items, pos
    mapping: dict[str, Any] = {}
    while pos < len(lines) and lines[pos][0] == indent:
        text = lines[pos][1]
        if not _is_key(text):
            raise YamlError(f"line {lines[pos][2]}: expected 'key: value'")
        key, _, rest = text.partition(":")
        key = _scalar(key.strip())
        rest = rest.strip()
        pos += 1
        if rest:
            mapping[str(key)] = _scalar(rest)
        elif pos < len(lines) and lines[pos][0] > indent:
            mapping[str(key)], pos = _block(lines, pos, lines[pos][0])
        elif pos < len(lines) and lines[pos][0] == indent and lines[pos][1].startswith("-"):
            mapping[str(key)], pos = _block(lines, pos, indent)
        else:
            mapping[str(key)] = None
    return mapping, pos


def _is_key(text: str) -> bool:
    if text.startswith(("[", "{", '"', "'")) and not text.startswith(('"', "'")):
        return False
    head = text.split(": ", 1)[0] if ": " in text else text
    return (": " in text or text.endswith(":")) and not head.startswith("[")


def _scalar(text: str) -> Any:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return [_scalar(part) for part in _split_flow(inner)] if inner else []
    if text.startswith("{") and text.endswith("}"):
        out: dict[str, Any] = {}
        for part in _split_flow(text[1:-1]):
            k, _, v = part.partition(":")
            out[str(_scalar(k))] = _scalar(v)
        return out
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    low = text.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    if low in ("null", "~", ""):
        return None
    return text


def _split_flow(text: str) -> list[str]:
    parts, depth, current, quote = [], 0, "", ""
    for c in text:
        if quote:
            current += c
            if c == quote:
                quote = ""
            continue
        if c in "'\"":
            quote = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += c
    if current.strip():
        parts.append(current.strip())
    return parts
