"""Where a .proto file declares its names, from its text: enough to place buf's duplicate-name errors.

protoc reports a name declared twice at the second declaration; buf's compiler at the first, plus a
JSON-name or prefix conflict at each later one in proto3. This scanner finds the declarations of a
file that protoc could not build (so no descriptor is there to ask): types, fields, enum values and
methods, each with the innermost message, enum or service it is declared in.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[A-Za-z_][\w.]*|\d[\w.]*|\S")
_TYPE_KEYWORDS = ("message", "enum", "service")
_NOT_FIELDS = ("option", "reserved", "extensions", "syntax", "package", "import", "edition")


class Declaration:
    __slots__ = ("kind", "name", "line", "column", "container", "container_kind", "keyword")

    def __init__(self, kind: str, name: str, line: int, column: int, container: str, container_kind: str,
                 keyword: str = "") -> None:
        self.keyword = keyword  # a type's: "message", "enum" or "service"
        self.kind = kind  # "type", "field", "oneof", "value" (of an enum) or "method"
        self.name = name
        self.line = line
        self.column = column
        self.container = container  # the full path of scopes it is in ("Foo.Bar"), "" at the top
        self.container_kind = container_kind  # "message", "enum", "service" or "" at the top


def declarations(code: list[str]) -> list[Declaration]:
    """The declarations in `code` (the file's lines with comments and strings blanked), in order."""
    tokens = [(m[0], index + 1, m.start() + 1) for index, text in enumerate(code) for m in _TOKEN.finditer(text)]
    found: list[Declaration] = []
    scopes: list[tuple[str, str]] = []  # (kind, name) per open `{`; kind "" for a scope declaring nothing
    statement: list[tuple[str, int, int]] = []
    for token in tokens:
        text = token[0]
        if text not in ("{", "}", ";"):
            statement.append(token)
            continue
        named = [(k, n) for k, n in scopes if k in _TYPE_KEYWORDS]
        container = ".".join(n for _, n in named)
        container_kind = named[-1][0] if named else ""
        inner = scopes[-1][0] if scopes else ""
        words = [t[0] for t in statement]
        if text == "{":
            if len(words) == 2 and words[0] in _TYPE_KEYWORDS:
                found.append(Declaration("type", words[1], statement[1][1], statement[1][2], container, container_kind,
                                         words[0]))
                scopes.append((words[0], words[1]))
            elif len(words) >= 2 and words[0] == "oneof":
                found.append(Declaration("oneof", words[1], statement[1][1], statement[1][2], container,
                                         container_kind))
                scopes.append(("oneof", words[1]))
            else:
                if words[:1] == ["rpc"] and len(words) > 1:
                    found.append(Declaration("method", words[1], statement[1][1], statement[1][2], container,
                                             container_kind))
                scopes.append(("", ""))
        elif text == "}":
            if scopes:
                scopes.pop()
        elif words:
            _statement(statement, words, inner, container, container_kind, found)
        statement = []
    return found


def _statement(statement: list[tuple[str, int, int]], words: list[str], inner: str, container: str,
               container_kind: str, found: list[Declaration]) -> None:
    """A `;`-ended statement: a field (in a message or oneof), an enum value or a method."""
    if words[0] in _NOT_FIELDS:
        return
    if inner in ("message", "oneof") and "=" in words:
        at = words.index("=") - 1
        if at >= 1 and re.match(r"[A-Za-z_]\w*$", words[at]):
            found.append(Declaration("field", words[at], statement[at][1], statement[at][2], container, container_kind))
    elif inner == "enum" and len(words) >= 2 and words[1] == "=":
        found.append(Declaration("value", words[0], statement[0][1], statement[0][2], container, container_kind))
    elif inner == "service" and words[0] == "rpc" and len(words) > 1:
        found.append(Declaration("method", words[1], statement[1][1], statement[1][2], container, container_kind))


def open_scope(code: list[str], line: int, end: int) -> str:
    """The keyword (message, enum, service, oneof, rpc, extend; "" for another) of the innermost body
    still open before 0-based column `end` of 1-based `line` of `code`; "" at the top."""
    text = "\n".join([*code[:line - 1], code[line - 1][:end]])
    opened: list[str] = []
    for match in re.finditer(r"\b(message|enum|service|oneof|rpc|extend)\b[^{};]*\{|\{|\}", text):
        if match[0] == "}":
            if opened:
                opened.pop()
        else:
            opened.append(match[1] or "")
    return opened[-1] if opened else ""


def blanked(lines: list[str]) -> list[str]:
    """The lines with comments and string literals blanked (same lengths), for scanning punctuation."""
    text = "\n".join(lines)
    blank = re.sub(r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'",
                   lambda m: re.sub(r"[^\n]", " ", m[0]), text, flags=re.S)
    return blank.split("\n")


def package_of(code: list[str]) -> str:
    """The package `code` (blanked lines) declares, "" for none; also when its `;` is missing (buf
    reads the name all the same)."""
    found = re.search(r"^\s*package\s+([\w.]+)", "\n".join(code), re.M)
    return found[1] if found else ""
