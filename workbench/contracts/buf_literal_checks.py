"""Message literals in options (`option (x) = { ... };`) protoc's text-format parser takes and buf's
compiler refuses, with buf's words and places.

protoc hands the literal to its text-format parser; buf's compiler (protocompile's
`experimental/ir/lower_eval.go`) evaluates it as an expression, with fewer of the text format's
allowances:

- a number for a `bool` field (`b: 1`, `b: 0x0`; protoc takes 0 and 1): "mismatched types", at the
  number (`evalLiteral`: a bool is no number type);
- a group named by its type, `G { ... }` (protoc's own spelling; buf looks fields up by field name,
  `g`): "cannot resolve message field name for `p.O`" at the key (`evalKey`), as for any key that
  names no field;
- a `#` comment (protoc's text-format tokenizer skips it, buf's lexer has no such comment):
  "unexpected `#` in message expression" at the '#'; buf then reads the comment's words as keys
  ("cannot resolve message field name for `p.O`" and "unexpected identifier in message expression"
  at each word, "unexpected integer literal ..." at a number). A comment holding anything else
  (a ':', a string) is reported at the '#' only: what buf makes of it is not modelled. protoc
  joins the literal's tokens on one line, so a `#` hides the rest of it from protoc: a field set
  again after one is buf's "message field `p.O.b` set multiple times".

Only files with an option literal are read, and only when the set declares a message-typed option
(an extension of a `google.protobuf.*Options` message); their types are read from the set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from google.protobuf import descriptor_pb2 as pb

    from workbench.contracts.buf_leniency import _Token

# FieldDescriptorProto.extendee (field 2) naming a google.protobuf options message
_OPTION_EXTENDEE = re.compile(rb"\x12[\x10-\x30]\.google\.protobuf\.\w*Options")
_LITERAL = re.compile(r"=\s*\{")
_BOOL, _MESSAGE, _GROUP = 8, 11, 10
_REPEATED = 3
MISMATCH = "mismatched types"
HASH = "unexpected `#` in message expression"

Error = tuple[str, int, int, str]  # file, line, column (1-based), message


def errors(data: bytes, fds: pb.FileDescriptorSet, source: Callable[[str], str] | None) -> list[Error]:
    if source is None or _OPTION_EXTENDEE.search(data) is None:
        return []
    types: _Types | None = None
    out: list[Error] = []
    for f in fds.file:
        if f.name.startswith("google/protobuf/"):
            continue
        try:
            text = source(f.name)
        except OSError:
            continue
        if not _LITERAL.search(text):
            continue
        types = types or _Types(fds)
        data = text.encode("utf-8")
        out += [(f.name, *_line_column(data, at), message) for at, message in _file_errors(data, types)]
    return sorted(out)


def _line_column(data: bytes, at: int) -> tuple[int, int]:
    """protoc's 1-based line and column of byte `at` (findings count as protoc does; the output
    gives buf's columns)."""
    from workbench.contracts.buf_leniency import _position

    line, column = _position(data, at)
    return line + 1, column + 1


class _Types:
    """The set's messages by full name (".p.O") and its extensions of option messages."""

    def __init__(self, fds: pb.FileDescriptorSet) -> None:
        self.messages: dict[str, pb.DescriptorProto] = {}
        self.extensions: list[tuple[str, pb.FieldDescriptorProto]] = []
        for f in fds.file:
            scope = f".{f.package}" if f.package else ""
            self._extensions(scope, f.extension)
            stack = [(scope, m) for m in f.message_type]
            while stack:
                outer, m = stack.pop()
                full = f"{outer}.{m.name}"
                self.messages[full] = m
                self._extensions(full, m.extension)
                stack += [(full, n) for n in m.nested_type]

    def _extensions(self, scope: str, fields: Iterable[pb.FieldDescriptorProto]) -> None:
        for field in fields:
            if field.extendee.startswith(".google.protobuf.") and field.extendee.endswith("Options"):
                self.extensions.append((f"{scope}.{field.name}", field))

    def extension(self, name: str) -> pb.FieldDescriptorProto | None:
        """The option extension `name` names (as written in parentheses; scopes set aside)."""
        wanted = name if name.startswith(".") else f".{name}"
        found = [field for full, field in self.extensions if full == wanted or full.endswith(wanted)]
        return found[0] if len(found) == 1 else None


def _file_errors(data: bytes, types: _Types) -> list[tuple[int, str]]:
    from workbench.contracts.buf_leniency import _lex

    tokens = _lex(data)
    out: list[tuple[int, str]] = []
    for k, t in enumerate(tokens):
        if t.kind == "=" and k + 1 < len(tokens) and tokens[k + 1].kind == "{":
            message = _option_type(data, tokens, k, types)
            if message is not None:
                _Literal(data, tokens, types, out).message(message, k + 1)
    return out


def _option_type(data: bytes, tokens: list[_Token], eq: int, types: _Types) -> str | None:
    """The full name of the message type of the option assigned at `eq`, or None when unknown."""
    j = eq - 1
    while j >= 0 and tokens[j].kind in ("id", ".", "(", ")"):
        j -= 1
    parts = [data[t.start:t.end].decode("utf-8", "replace") for t in tokens[j + 1:eq]]
    if parts[:1] == ["option"]:
        parts = parts[1:]
    name = "".join(parts)
    if not name.startswith("("):
        return None  # a message-typed option of descriptor.proto's own: none takes a literal buf refuses
    close = name.find(")")
    extension = types.extension(name[1:close])
    if extension is None:
        return None
    type_name: str | None = extension.type_name
    for part in filter(None, name[close + 1:].split(".")):
        message = types.messages.get(type_name or "")
        field = next((f for f in message.field if f.name == part), None) if message else None
        type_name = field.type_name if field is not None and field.type in (_MESSAGE, _GROUP) else None
    return type_name or None


class _Literal:
    """A walk over one message literal, adding buf's errors to `out` as (byte offset, words)."""

    def __init__(self, data: bytes, tokens: list[_Token], types: _Types, out: list[tuple[int, str]]) -> None:
        self.data = data
        self.tokens = tokens
        self.types = types
        self.out = out
        self.stopped = False

    def text(self, k: int) -> str:
        t = self.tokens[k]
        return self.data[t.start:t.end].decode("utf-8", "replace")

    def message(self, type_name: str | None, k: int) -> int:
        """Walk the message opened at `k` ('{' or '<'); the index after its close."""
        close = "}" if self.tokens[k].kind == "{" else ">"
        message = self.types.messages.get(type_name or "")
        seen: set[str] = set()  # singular non-message fields set so far (a message merges)
        k += 1
        while k < len(self.tokens) and not self.stopped:
            kind = self.tokens[k].kind
            if kind == close:
                return k + 1
            if kind in (",", ";"):
                k += 1
                continue
            if kind == "#":
                k = self.comment(type_name, k)
                continue
            if kind == "[":  # an extension's or an Any's name: not looked into
                while k < len(self.tokens) and self.tokens[k].kind != "]":
                    k += 1
                k = self.value(None, k + 1)
                continue
            if kind != "id":
                self.stopped = True
                return k
            key = self.text(k)
            field = None
            if message is not None:
                field = next((f for f in message.field if f.name == key), None)
                if field is None:  # a group's type name (protoc's spelling), or a key a `#` hid from protoc
                    self.out.append((self.tokens[k].start, f"cannot resolve message field name for `{type_name[1:]}`"))  # type: ignore[index]
                elif field is not None and field.label != _REPEATED and field.type not in (_MESSAGE, _GROUP):
                    if key in seen:  # protoc says so too, unless a `#` hid the first from it
                        self.out.append((self.tokens[k].start, f"message field `{type_name[1:]}.{key}` set multiple times"))  # type: ignore[index]
                    seen.add(key)
            k = self.value(field, k + 1)
        return k

    def comment(self, type_name: str | None, k: int) -> int:
        """A `#` comment: buf reads its words as keys of the message; the index after the line."""
        self.out.append((self.tokens[k].start, HASH))
        end = self.data.find(b"\n", self.tokens[k].start)
        end = len(self.data) if end < 0 else end
        words = []
        k += 1
        while k < len(self.tokens) and self.tokens[k].start < end:
            words.append(self.tokens[k])
            k += 1
        if not words or any(w.kind not in ("id", "num") for w in words):
            self.stopped = True  # buf's errors after this one depend on what the comment holds
            return k
        for w in words:  # each a key it cannot resolve (in a message of a known type), and no key/value pair
            if type_name is not None:
                self.out.append((w.start, f"cannot resolve message field name for `{type_name[1:]}`"))
            self.out.append((w.start, f"unexpected {'identifier' if w.kind == 'id' else 'integer literal'} "
                                      "in message expression"))
        return k

    def value(self, field: pb.FieldDescriptorProto | None, k: int) -> int:
        if k < len(self.tokens) and self.tokens[k].kind == ":":
            k += 1
        if k >= len(self.tokens):
            return k
        kind = self.tokens[k].kind
        nested = field.type_name if field is not None and field.type in (_MESSAGE, _GROUP) else None
        if kind in ("{", "<"):
            return self.message(nested, k)
        if kind == "[":
            k += 1
            while k < len(self.tokens) and self.tokens[k].kind != "]" and not self.stopped:
                if self.tokens[k].kind == ",":
                    k += 1
                    continue
                k = self.value(field, k)
            return k + 1
        first = k
        if kind == "-":
            k += 1
        if k < len(self.tokens) and self.tokens[k].kind == "num" and field is not None and field.type == _BOOL:
            self.out.append((self.tokens[first].start, MISMATCH))
        if k < len(self.tokens) and self.tokens[k].kind == "str":
            while k + 1 < len(self.tokens) and self.tokens[k + 1].kind == "str":
                k += 1
        return k + 1
