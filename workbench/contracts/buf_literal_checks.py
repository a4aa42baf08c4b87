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
_OPTION_EXTENDEE = re.compile(rb"\x12[\x10-\x30]\.google\.protobuf\.\w*Options\x18")
_EXTENDEE_END = b"Options\x18"
_LITERAL = re.compile(r"=\s*\{")
_LITERAL_BYTES = re.compile(rb"=\s*\{")
# what a literal buf refuses holds: a '#', a number (for a bool), a capitalized key (a group's type name)
_MAY_REFUSE = re.compile(rb"#|[:\[,]\s*-?[0-9]|[{<,;\s][A-Z]")
_BOOL, _MESSAGE, _GROUP = 8, 11, 10
_REPEATED = 3
MISMATCH = "mismatched types"
HASH = "unexpected `#` in message expression"

Error = tuple[str, int, int, str]  # file, line, column (1-based), message


def errors(data: bytes, fds: pb.FileDescriptorSet, source: Callable[[str], str] | None) -> list[Error]:
    if source is None or not _declares_option_extension(data):
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
        if "{" not in text or not _LITERAL.search(text):
            continue
        types = types or _Types(fds)
        data = text.encode("utf-8")
        out += [(f.name, *_line_column(data, at), message) for at, message in _file_errors(data, types)]
    return sorted(out)


def _declares_option_extension(data: bytes) -> bool:
    """Does the set declare an extension of an options message? A literal search for the end of such
    an extendee (protoc writes a field's number, tag 0x18, after it), each hit matched backwards:
    a regex over the whole set costs ~0.15 s on 65 MB, the search a third of that."""
    at = data.find(_EXTENDEE_END)
    while at >= 0:
        if _OPTION_EXTENDEE.search(data, max(0, at - 64), at + len(_EXTENDEE_END)):
            return True
        at = data.find(_EXTENDEE_END, at + 1)
    return False


def _line_column(data: bytes, at: int) -> tuple[int, int]:
    """protoc's 1-based line and column of byte `at` (findings count as protoc does; the output
    gives buf's columns)."""
    from workbench.contracts.buf_leniency import _position

    line, column = _position(data, at)
    return line + 1, column + 1


class _Types:
    """The set's messages by full name (".p.O") and its extensions of option messages, looked up as
    needed (a walk over every message of a big set costs ~0.4 s)."""

    def __init__(self, fds: pb.FileDescriptorSet) -> None:
        self.fds = fds
        self._messages: dict[str, pb.DescriptorProto | None] = {}
        self._extensions: list[tuple[str, pb.FieldDescriptorProto]] | None = None

    def message(self, full: str) -> pb.DescriptorProto | None:
        if full not in self._messages:
            self._messages[full] = self._find(full)
        return self._messages[full]

    def _find(self, full: str) -> pb.DescriptorProto | None:
        for f in self.fds.file:
            prefix = f".{f.package}." if f.package else "."
            if not full.startswith(prefix):
                continue
            scope: object = f
            for n, part in enumerate(full[len(prefix):].split(".")):
                children = scope.message_type if not n else scope.nested_type  # type: ignore[attr-defined]
                scope = next((m for m in children if m.name == part), None)
                if scope is None:
                    break
            if scope is not None:
                return scope  # type: ignore[return-value]
        return None

    def extension(self, name: str) -> pb.FieldDescriptorProto | None:
        """The option extension `name` names (as written in parentheses; scopes set aside)."""
        if self._extensions is None:
            self._extensions = []
            for f in self.fds.file:
                scope = f".{f.package}" if f.package else ""
                self._add(scope, f.extension)
                stack = [(scope, m) for m in f.message_type if m.extension or m.nested_type]
                while stack:  # extensions declared in messages (rare): only messages that nest any
                    outer, m = stack.pop()
                    full = f"{outer}.{m.name}"
                    self._add(full, m.extension)
                    stack += [(full, n) for n in m.nested_type if n.extension or n.nested_type]
        wanted = name if name.startswith(".") else f".{name}"
        found = [field for full, field in self._extensions if full == wanted or full.endswith(wanted)]
        return found[0] if len(found) == 1 else None

    def _add(self, scope: str, fields: Iterable[pb.FieldDescriptorProto]) -> None:
        assert self._extensions is not None
        for field in fields:
            if field.extendee.startswith(".google.protobuf.") and field.extendee.endswith("Options"):
                self._extensions.append((f"{scope}.{field.name}", field))


def _file_errors(data: bytes, types: _Types) -> list[tuple[int, str]]:
    """Each option literal of the file: only its statement is lexed (a whole file's lexing costs
    ~2 s a MB), and walked when it holds what buf may refuse."""
    out: list[tuple[int, str]] = []
    for m in _LITERAL_BYTES.finditer(data):
        start = max(data.rfind(c, 0, m.start()) for c in (b";", b"{", b"}", b"[", b",")) + 1
        if _in_comment(data, m.start()):
            continue
        tokens = _lex_literal(data, start, m.end() - 1)
        eq = next((k for k, t in enumerate(tokens) if t.start == m.start()), -1)
        literal = data[m.end() - 1:tokens[-1].end] if tokens else b""
        if eq < 1 or not _MAY_REFUSE.search(literal):
            continue
        message = _option_type(data, tokens, eq, types)
        if message is not None:
            _Literal(data, tokens, types, out).message(message, eq + 1)
    return out


def _in_comment(data: bytes, at: int) -> bool:
    """Is byte `at` in a `//` comment of its line or in a block comment (strings set aside)?"""
    line = data[data.rfind(b"\n", 0, at) + 1:at]
    if b"//" in line:
        return True
    opened = data.rfind(b"/*", 0, at)
    return opened >= 0 and data.find(b"*/", opened + 2, at) < 0


def _lex_literal(data: bytes, start: int, brace: int) -> list[_Token]:
    """The tokens from `start` (the option's statement) to the '}' closing the '{' at `brace`."""
    from workbench.contracts.buf_leniency import tokens_from

    out = []
    depth = 0
    for token in tokens_from(data, start):
        out.append(token)
        if token.start >= brace:
            depth += token.kind == "{"
            depth -= token.kind == "}"
            if depth == 0:
                break
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
        message = types.message(type_name or "")
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
        self.mismatched = False  # the last value evaluated was of the wrong type

    def text(self, k: int) -> str:
        t = self.tokens[k]
        return self.data[t.start:t.end].decode("utf-8", "replace")

    def message(self, type_name: str | None, k: int) -> int:
        """Walk the message opened at `k` ('{' or '<'); the index after its close."""
        close = "}" if self.tokens[k].kind == "{" else ">"
        message = self.types.message(type_name or "")
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
                elif key in seen:  # protoc says so too, unless a `#` hid the first from it
                    self.out.append((self.tokens[k].start, f"message field `{type_name[1:]}.{key}` set multiple times"))  # type: ignore[index]
            self.mismatched = False
            k = self.value(field, k + 1)
            if field is not None and field.label != _REPEATED and field.type not in (_MESSAGE, _GROUP) and \
                    not self.mismatched:
                seen.add(key)  # (a value of the wrong type sets nothing)
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
            self.mismatched = True
        if k < len(self.tokens) and self.tokens[k].kind == "str":
            while k + 1 < len(self.tokens) and self.tokens[k + 1].kind == "str":
                k += 1
        return k + 1
