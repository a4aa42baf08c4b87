"""A quick look at .proto sources without protoc: messages, fields and enums with their places.

Only for the TUI's first look (`workbench.workspace.first_look`): the entity browser's first view
needs entity names, positions, comments and the source, not descriptors, and compiling a large
repository with protoc costs a good part of a second. Nothing is checked here and nothing
operational may come from it: the full load (`load_parts`, protoc) replaces it right after, and
a file this scan cannot follow is just left out of the first look.

It mirrors what `protomodel.build_model` makes from protoc's descriptors (file order as protoc
emits them: each file after the files it imports; per file its enums, then its messages depth
first; a message's place from its keyword to its closing brace; leading comments, else trailing).
"""

from __future__ import annotations

import re
from pathlib import Path

from workbench.contracts.proto_model import EnumValue, Place, ProtoEnum, ProtoField, ProtoMessage, ProtoModel

_SCALARS = frozenset({"double", "float", "int64", "uint64", "int32", "fixed64", "fixed32", "bool", "string",
                      "bytes", "uint32", "sfixed32", "sfixed64", "sint32", "sint64"})
# One declaration per line, the way protos are written (and `buf format` writes them); a line that
# is not like that makes the scan give up (`Unsure`), and the first look compiles with protoc.
_CODE_COMMENT = re.compile(r"""^((?:[^"'/]|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|/(?!/))*)(?://(.*))?$""")
_OPEN = re.compile(r"(message|enum|oneof|service|extend)\s+([\w.]+)\s*\{(\s*\})?$")
_JSON_NAME = re.compile(r'\bjson_name\s*=\s*"([^"]*)"')
_SYNTAX = re.compile(r"""syntax\s*=\s*["']proto3["']\s*;$""")
_FIELD = re.compile(r"(?:(repeated|optional|required)\s+)?(map\s*<[^>]*>|\.?[\w.]+)\s+(\w+)\s*=\s*(\d+)\b")
_VALUE = re.compile(r"(\w+)\s*=\s*(-?(?:0[xX][0-9a-fA-F]+|\d+))\b")
_IMPORT_PATH = re.compile(r""""([^"]*)"|'([^']*)'""")
_SIMPLE = re.compile(r"(syntax|edition|package|import|option|reserved|extensions)\b")


class Unsure(ValueError):
    """A line the quick scan does not follow: compile instead."""


def _camel(name: str) -> str:
    parts = name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


_Raw = tuple[str, str, int, str, bool, bool, str, Place, str, str]


class _Block:
    def __init__(self, kind: str, name: str, full: str, line: int, column: int, comment: str) -> None:
        self.kind, self.name, self.full = kind, name, full
        self.line, self.column, self.comment = line, column, comment
        self.index = -1  # messages: its slot in the file's message list
        self.fields: list[_Raw] = []
        self.values: list[EnumValue] = []
        self.nested_enums: list[ProtoEnum] = []


class _File:
    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.package = ""
        self.proto3 = False
        self.imports: list[str] = []
        self.enums: list[ProtoEnum] = []  # top-level ones, then nested ones (protoc's order)
        self.nested_enums: list[ProtoEnum] = []
        self.messages: list[ProtoMessage] = []
        self.raw: list[tuple[int, list[_Raw]]] = []  # types resolved once every file is read

    def parse(self, text: str) -> None:
        stack: list[_Block] = []
        pending: list[str] = []  # the comment block right above the next declaration
        open_stmt: tuple[int, int, str, str] | None = None  # a statement running over lines
        in_block_comment = False
        after_block = False  # a block comment right above: protoc takes it as the leading comment
        after_code = False  # the line above was code (a comment block here may be its trailing comment)
        pending_after_code = False
        for number, raw_line in enumerate(text.split("\n"), 1):
            stripped = raw_line.strip()
            if in_block_comment:
                if "*/" in stripped:
                    in_block_comment = False
                    after_block = True
                    if stripped.split("*/", 1)[1].strip():
                        raise Unsure(number)
                continue
            if stripped.startswith("/*"):
                if after_code or pending:
                    raise Unsure(number)  # may be the trailing comment above, or join a `//` block
                if "*/" not in stripped:
                    in_block_comment = True
                elif stripped.split("*/", 1)[1].strip():
                    raise Unsure(number)
                pending = []
                after_block = True
                continue
            if not stripped:
                if pending and pending_after_code:
                    # a comment block on the lines right after a declaration and then a blank line is
                    # protoc's trailing comment of that declaration (descriptor.proto's `baz`), which
                    # this scan does not attach: left to protoc
                    raise Unsure(number)
                pending = []
                after_block = after_code = False
                continue
            if after_block:
                # this scan reads `//` comments only; what follows a block comment with no blank line
                # between (a declaration it documents, more comment lines) is left to protoc, except
                # the file-level statements, whose comments the model does not keep (a licence header)
                after_block = False
                if not stripped.startswith(("syntax", "edition", "package", "import", "option")):
                    raise Unsure(number)
            m = _CODE_COMMENT.match(stripped)
            if m is None:
                raise Unsure(number)
            code, trailing = m[1].strip(), (m[2] or "")
            if not code:
                if not pending:
                    pending_after_code = after_code
                pending.append(trailing)
                after_code = False
                continue
            after_code = True
            if "/*" in code:
                raise Unsure(number)
            indent = raw_line[:len(raw_line) - len(raw_line.lstrip())]
            column = len(indent.expandtabs(8)) + 1  # protoc: a tab moves to the next multiple of 8
            comment = "\n".join(pending)
            pending = []
            if open_stmt is not None:  # the rest of a multi-line statement (field options, an import's path)
                first, first_column, so_far, above = open_stmt
                open_stmt = (first, first_column, f"{so_far} {code}", above)  # the statement reads as one line
                if code.endswith(";"):
                    self._statement(stack, *open_stmt, end=number, trailing=trailing)
                    open_stmt = None
                continue
            if code in ("}", "};"):
                if not stack:
                    raise Unsure(number)
                self._close(stack, number, stack.pop())
                continue
            opened = _OPEN.match(code)
            if opened:
                kind, name = opened[1], opened[2]
                if not self.proto3:
                    raise Unsure(number)  # no `syntax = "proto3";` first: proto2
                scope = stack[-1].full if stack and stack[-1].kind == "message" else self.package
                if kind in ("message", "enum") and stack and stack[-1].kind not in ("message",):
                    raise Unsure(number)
                block = _Block(kind, name, f"{scope}.{name}" if scope else name, number, column,
                               comment or trailing)
                if kind == "message":
                    block.index = len(self.messages)
                    self.messages.append(ProtoMessage(name, block.full, "", Place(self.rel, 0, 0, 0), ()))
                stack.append(block)
                if opened[3]:  # `message Empty {}`
                    self._close(stack, number, stack.pop())
                continue
            if "{" in code or "}" in code:
                raise Unsure(number)
            if code.endswith(";"):
                self._statement(stack, number, column, code, comment, end=number, trailing=trailing)
            else:
                open_stmt = (number, column, code, comment)
        if stack or open_stmt is not None or in_block_comment:
            raise Unsure("unclosed")

    def _statement(self, stack: list[_Block], line: int, column: int, code: str, comment: str, *, end: int,
                   trailing: str) -> None:
        top = stack[-1] if stack else None
        simple = _SIMPLE.match(code)
        if simple:
            if simple[1] in ("syntax", "edition"):
                if not _SYNTAX.match(code):
                    raise Unsure(line)  # proto2 and editions: labels and presence mean other things
                self.proto3 = True
            if top is None and simple[1] == "package":
                self.package = code.split(None, 1)[1].rstrip(";").strip()
            elif top is None and simple[1] == "import":
                path = _IMPORT_PATH.search(code)
                if path is None:
                    raise Unsure(line)
                self.imports.append(path[1] if path[1] is not None else path[2])
            return
        if top is None or top.kind in ("service", "extend"):
            if top is None:
                raise Unsure(line)
            return
        place = Place(self.rel, line, column, end)
        if top.kind == "enum":
            value = _VALUE.match(code)
            if value is None:
                raise Unsure(line)
            top.values.append(EnumValue(value[1], int(value[2], 0), _clean(comment or trailing), place))
            return
        found = _FIELD.match(code)
        if found is None:
            raise Unsure(line)
        label, type_name, name, number = found[1] or "", found[2], found[3], int(found[4])
        oneof = ""
        owner = top
        if top.kind == "oneof":
            oneof, owner = top.name, stack[-2]
        if type_name.startswith("map"):  # map<K, V>: protoc makes a repeated NameEntry message
            type_name, label = f".{owner.full}.{name[:1].upper()}{_camel(name)[1:]}Entry", "repeated"
        json_name = _JSON_NAME.search(code)
        owner.fields.append((name, type_name, number, _clean(comment or trailing), label == "repeated",
                             label == "optional", oneof, place, owner.full, json_name[1] if json_name else ""))

    def _close(self, stack: list[_Block], line: int, block: _Block) -> None:
        place = Place(self.rel, block.line, block.column, line)
        if block.kind == "enum":
            enum = ProtoEnum(block.name, block.full, _clean(block.comment), place, tuple(block.values))
            if stack and stack[-1].kind == "message":
                stack[-1].nested_enums.append(enum)
            else:
                self.enums.append(enum)
        elif block.kind == "message":
            self.messages[block.index] = ProtoMessage(block.name, block.full, _clean(block.comment), place, ())
            self.raw.append((block.index, block.fields))
            self.nested_enums.extend(block.nested_enums)


def _clean(comment: str) -> str:
    return "\n".join(line.strip() for line in comment.strip().splitlines())


def _resolve(type_name: str, scope: str, enums: set[str], messages: set[str]) -> tuple[str, str]:
    if type_name in _SCALARS:
        return type_name, "scalar"
    if type_name.startswith("."):
        candidates = [type_name[1:]]
    else:
        parts = scope.split(".") if scope else []
        candidates = [".".join([*parts[:n], type_name]) for n in range(len(parts), -1, -1)]
    for full in candidates:
        if full in enums:
            return full, "enum"
        if full in messages:
            return full, "message"
    return type_name.lstrip("."), "message"  # an import outside the repository (google.protobuf.*)


def scan_protos(proto_root: Path, rel_prefix: str) -> ProtoModel:
    """Messages and enums of every .proto under `proto_root` (best effort, no checks)."""
    model = ProtoModel()
    if not proto_root.is_dir():
        return model
    files: dict[str, _File] = {}
    for path in sorted(proto_root.rglob("*.proto")):
        name = path.relative_to(proto_root).as_posix()
        try:
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        model.sources[rel_prefix + name] = text
        parsed = _File(rel_prefix + name)
        parsed.parse(text)  # Unsure: the caller compiles instead
        files[name] = parsed
    order: list[str] = []

    def visit(name: str, seen: set[str]) -> None:
        if name in seen or name not in files:
            return
        seen.add(name)
        for dep in files[name].imports:
            visit(dep, seen)
        order.append(name)

    seen: set[str] = set()
    for name in sorted(files):
        visit(name, seen)
    enum_names = {e.full_name for f in files.values() for e in [*f.enums, *f.nested_enums]}
    message_names = {m.full_name for f in files.values() for m in f.messages}
    for name in order:
        parsed = files[name]
        model.files[parsed.rel] = parsed.package
        model.enums.extend([*parsed.enums, *parsed.nested_enums])
        messages = list(parsed.messages)
        for index, raw in parsed.raw:
            fields = []
            for fname, type_name, number, comment, repeated, optional, oneof, place, scope, json_name in raw:
                full_type, kind = _resolve(type_name, scope, enum_names, message_names)
                fields.append(ProtoField(fname, number, full_type, kind, repeated, optional, json_name or _camel(fname),
                                         comment, place, oneof))
            msg = messages[index]
            messages[index] = ProtoMessage(msg.name, msg.full_name, msg.comment, msg.place, tuple(fields))
        model.messages.extend(messages)
    return model
