"""What buf's compiler (protocompile) refuses and protoc builds: located compile errors, as buf words them.

`buf lint`/`buf breaking` fail such an input with COMPILE errors (exit 100) where protoc, and so our
compile, succeeds and findings would follow. Each check runs on the compiled set, after protoc:

- `edition = "UNSTABLE"` (or a test-only edition): protoc skips its edition check for files under
  `google/protobuf/` (protobuf's own test protos, in real release trees); buf does not know the name:
  "unrecognized `edition` declaration value", at the string.
- `jstype` set (`JS_NORMAL` too, which protoc lets pass) on a field that is no 64-bit integer:
  "expected 64-bit integer type, found scalar type `int32`", at the field's type.
- In editions files, `ctype` on a field that is no string or bytes ("expected `string` or `bytes`,
  found ..."), and `ctype = CORD` on an extension ("cannot use `CORD` on an extension field").
- Fields with the same JSON name: in a proto3 or editions message that sets
  `deprecated_legacy_json_field_conflicts` (buf ignores the option), and in proto2 where either
  name is written with `json_name` (protoc only warns): "message fields have the same JSON name",
  at the later field's name (its `json_name` value when it has one).
- A reserved name that is no identifier (`reserved "1a";`): in a proto2 file checked in the pass
  over proto2 messages the JSON names take anyway; in proto3, where protoc takes it with a warning
  ('Reserved name "1a" is not a valid identifier.'), in the files it warned of (no scan of the set's
  bytes tells such a name from the type names and comments around it, and a pass over every
  message of a big proto3 set costs ~0.4 s).

Each check walks elements only when a cheap scan of the set's bytes finds what it looks for (a false
match only costs the walk), so a clean set costs a few literal searches (~0.1 s on an 85 MB set),
and a lean pass over a proto2 file's messages (JSON names and reserved names: no scan tells them).
"""

from __future__ import annotations

import re

from workbench.contracts.buf_literal_checks import errors as literal_errors

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator

    from google.protobuf import descriptor_pb2 as pb

# FieldDescriptorProto.options (field 8) holding jstype = JS_NORMAL (FieldOptions field 6, value 0:
# protoc refuses the others on what is no 64-bit integer), after at most the options written before
# it (ctype, packed, deprecated, lazy: protoc writes fields in number order)
_JSTYPE = re.compile(rb"\x42[\x80-\xff]{0,2}[\x00-\x7f](?:[\x08\x10\x18\x28][\x00-\x7f]){0,4}\x30\x00")
# ... holding ctype (FieldOptions field 1, written first)
_CTYPE = re.compile(rb"\x42[\x80-\xff]{0,2}[\x00-\x7f]\x08")
_JS_NORMAL_END = re.compile(rb"\x30\x00")
_LEGACY_JSON_END = re.compile(rb"\x58\x01")
# DescriptorProto.options (field 7) with deprecated_legacy_json_field_conflicts = true (field 11)
_LEGACY_JSON = re.compile(rb"\x3a[\x80-\xff]{0,2}[\x00-\x7f](?:[\x08\x10\x18\x38]\x01){0,4}\x58\x01")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_EDITION_AT = re.compile(r"^(\s*edition\s*=\s*)[\"']", re.MULTILINE)

# Edition enum values buf's parser does not know (1_TEST_ONLY, 2_TEST_ONLY, UNSTABLE, 9999x_TEST_ONLY)
_UNKNOWN_EDITIONS = {1, 2, 9999, 99997, 99998, 99999}
_SIXTY_FOUR_BIT = {3, 4, 6, 16, 18}  # int64, uint64, fixed64, sfixed64, sint64
_STRINGS = {9, 12}  # string, bytes
_SCALARS = {1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool",
            9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64"}
_CORD = 1

Error = tuple[str, int, int, str]  # file, line, column (1-based; 0, 0 when no location is known), message


def errors(data: bytes, fds: pb.FileDescriptorSet, source_infos: dict[str, bytes],
           source: Callable[[str], str] | None, odd_reserved: Collection[str] = ()) -> list[Error]:
    """buf's compile errors for the set `data` parsed as `fds`; `source_infos` holds the files' source
    info when it was kept apart from `fds`, `source(file)` reads a file's text, `odd_reserved` names
    the files protoc warned of a reserved name that is no identifier in (it only warns in proto3)."""
    out: list[Error] = []
    out += _editions(fds, source)
    out += literal_errors(data, fds, source)
    jstype, legacy_json = _option_bytes(data)
    ctype = _CTYPE.search(data) is not None and any(f.syntax == "editions" for f in fds.file)
    if not (jstype or ctype or legacy_json or odd_reserved) and all(f.syntax not in ("proto2", "") for f in fds.file):
        return sorted(out)
    for f in fds.file:
        spans = _Spans(f, source_infos.get(f.name))
        editions = f.syntax == "editions"
        if jstype or (ctype and editions):
            for path, field, scope in _fields(f):
                out += [(f.name, *spans.at(at), message) for at, message in _field_errors(path, field, scope, editions)]
        proto2 = f.syntax in ("proto2", "")
        # proto2's JSON names: a lean pass for two alike in a message first (most files have none)
        if (proto2 and _any_alike_json_names(f)) or (legacy_json and f.syntax in ("proto3", "editions")):
            for path, m, _ in _messages(f):
                if proto2 or m.options.deprecated_legacy_json_field_conflicts:
                    out += [(f.name, *(_json_name_at(spans, at, source, f.name) if value else spans.at((*at, 1))), message)
                            for at, value, message in _json_clashes(path, m, spans, proto2)]
        if f.name in odd_reserved or (proto2 and _any_odd_reserved_name(f)):
            out += [(f.name, *spans.at(at), message) for at, message in _reserved_names(f)]
    return sorted(out)


def _editions(fds: pb.FileDescriptorSet, source: Callable[[str], str] | None) -> list[Error]:
    out = []
    for f in fds.file:
        if f.syntax == "editions" and f.edition in _UNKNOWN_EDITIONS:
            text = source(f.name) if source is not None else ""
            found = _EDITION_AT.search(text)
            line = column = 0
            if found:  # at the string, as buf points: after `edition =` and its spacing
                line = text.count("\n", 0, found.end(1)) + 1
                column = found.end(1) - (text.rfind("\n", 0, found.end(1)) + 1) + 1
            out.append((f.name, line, column, "unrecognized `edition` declaration value"))
    return out


def _option_bytes(data: bytes) -> tuple[bool, bool]:
    """Could the set hold a field with `jstype = JS_NORMAL`, a message with
    `deprecated_legacy_json_field_conflicts = true`? A literal search for each option's last two
    bytes (few in a set), each matched backwards from there: a forward match from every options
    field (or one search for either) costs ~0.1-0.8 s on an 85 MB set, a literal search ~0.05 s."""
    jstype = any(_JSTYPE.search(data, max(0, m.start() - 14), m.end()) is not None
                 for m in _JS_NORMAL_END.finditer(data))
    legacy = any(_LEGACY_JSON.search(data, max(0, m.start() - 14), m.end()) is not None
                 for m in _LEGACY_JSON_END.finditer(data))
    return jstype, legacy


def _all_messages(f: pb.FileDescriptorProto) -> Iterator[pb.DescriptorProto]:
    """Every message of `f`, without the paths and names `_messages` builds (a pass over a whole file)."""
    stack = list(f.message_type)
    while stack:
        m = stack.pop()
        yield m
        stack += m.nested_type


def _any_alike_json_names(f: pb.FileDescriptorProto) -> bool:
    return any(len({field.json_name for field in m.field}) != len(m.field) for m in _all_messages(f) if m.field)


def _any_odd_reserved_name(f: pb.FileDescriptorProto) -> bool:
    enums = list(f.enum_type)
    for m in _all_messages(f):
        if any(_IDENTIFIER.fullmatch(name) is None for name in m.reserved_name):
            return True
        enums += m.enum_type
    return any(_IDENTIFIER.fullmatch(name) is None for e in enums for name in e.reserved_name)


def _messages(f: pb.FileDescriptorProto) -> Iterator[tuple[tuple[int, ...], pb.DescriptorProto, str]]:
    """(source path, message, full name) of every message in `f`."""
    scope = f".{f.package}" if f.package else ""
    stack: list[tuple[tuple[int, ...], pb.DescriptorProto, str]] = \
        [((4, i), m, f"{scope}.{m.name}") for i, m in enumerate(f.message_type)]
    while stack:
        path, m, full = stack.pop()
        yield path, m, full
        stack += [((*path, 3, i), n, f"{full}.{n.name}") for i, n in enumerate(m.nested_type)]


def _fields(f: pb.FileDescriptorProto) -> Iterator[tuple[tuple[int, ...], pb.FieldDescriptorProto, str]]:
    """(source path, field or extension, the full name of its scope) of every field in `f`."""
    scope = f".{f.package}" if f.package else ""
    for i, ext in enumerate(f.extension):
        yield (7, i), ext, scope
    for path, m, full in _messages(f):
        for i, field in enumerate(m.field):
            yield (*path, 2, i), field, full
        for i, ext in enumerate(m.extension):
            yield (*path, 6, i), ext, full


def _field_errors(path: tuple[int, ...], field: pb.FieldDescriptorProto, scope: str,
                  editions: bool) -> list[tuple[tuple[int, ...], str]]:
    if not field.HasField("options"):
        return []
    out = []
    options = field.options
    type_at = (*path, 6) if field.type_name else (*path, 5)
    if options.HasField("jstype") and field.type not in _SIXTY_FOUR_BIT:
        out.append((type_at, f"expected 64-bit integer type, found {_type_words(field, scope)}"))
    if editions and options.HasField("ctype"):
        if field.type not in _STRINGS:
            out.append((type_at, f"expected `string` or `bytes`, found {_type_words(field, scope)}"))
        elif options.ctype == _CORD and field.HasField("extendee"):
            out.append((path, "cannot use `CORD` on an extension field"))
    return out


def _type_words(field: pb.FieldDescriptorProto, scope: str) -> str:
    if field.type in _SCALARS:
        return f"scalar type `{_SCALARS[field.type]}`"
    name = field.type_name.lstrip(".")
    if field.type == 14:
        return f"enum type `{name}`"
    if field.label == 3 and field.type_name == f"{scope}.{_entry_name(field.name)}":
        return f"map entry type `{name}`"
    return f"message type `{name}`"


def _entry_name(field_name: str) -> str:
    """protoc's name for a map field's entry message: the field's name in CamelCase, then "Entry"."""
    return "".join(part[:1].upper() + part[1:] for part in field_name.split("_")) + "Entry"


def _json_clashes(path: tuple[int, ...], m: pb.DescriptorProto, spans: _Spans,
                  proto2: bool) -> list[tuple[tuple[int, ...], bool, str]]:
    """(field path, at its json_name value?, message) for each clash of `m`'s JSON names, as buf has it:
    a field whose JSON name (written or default) an earlier field has, at its json_name value when it
    is written, else at its name; and, where one of the two is written (else that is the first clash
    again), one whose default JSON name an earlier field's default JSON name is, at its name. In proto2
    only the first, and only where either field's name is written (two default names alike are no
    error there)."""
    if proto2 and len({f.json_name for f in m.field}) == len(m.field):
        return []  # no two alike: proto2 has no default-name check
    names: dict[str, list[int]] = {}
    defaults: dict[str, list[int]] = {}
    written: dict[int, bool] = {}

    def custom(i: int) -> bool:  # asked only on a clash: the file's locations are read on first use
        if i not in written:
            written[i] = _custom(spans, (*path, 2, i), m.field[i])
        return written[i]

    out = []
    for i, field in enumerate(m.field):
        at = (*path, 2, i)
        earlier = names.setdefault(field.json_name, [])
        if earlier and (not proto2 or custom(i) or any(custom(j) for j in earlier)):
            out.append((at, custom(i), "message fields have the same JSON name"))
        earlier.append(i)
        default = _default_json_name(field.name)
        alike = defaults.setdefault(default, [])
        if not proto2 and alike and (custom(i) or any(custom(j) for j in alike)):
            out.append((at, False, "message fields have the same (default) JSON name"))
        alike.append(i)
    return out


def _custom(spans: _Spans, path: tuple[int, ...], field: pb.FieldDescriptorProto) -> bool:
    """The field's JSON name is written in the source (protoc fills one in for every field): where the
    set has no source info, a name other than the default one."""
    if spans.located():
        return spans.at((*path, 10))[0] != 0
    return field.json_name != _default_json_name(field.name)


def _default_json_name(name: str) -> str:
    """protoc's JSON name of a field without `json_name`: underscores dropped, each following letter
    upper-cased."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def _json_name_at(spans: _Spans, field: tuple[int, ...], source: Callable[[str], str] | None,
                  name: str) -> tuple[int, int]:
    """Where buf points for a field's written JSON name: the value of its `json_name` option (the
    field's name where the set has no source info)."""
    line, column = spans.at((*field, 10))
    if not line:
        return spans.at((*field, 1))
    text = source(name).split("\n")[line - 1] if source is not None else ""
    found = re.compile(r"json_name\s*=\s*").match(text, column - 1)
    return (line, found.end() + 1) if found else (line, column)


def _reserved_names(f: pb.FileDescriptorProto) -> list[tuple[tuple[int, ...], str]]:
    out = []
    for path, m, _ in _messages(f):
        out += [((*path, 10, i), "reserved message field name is not a valid identifier")
                for i, name in enumerate(m.reserved_name) if _IDENTIFIER.fullmatch(name) is None]
    enums: list[tuple[tuple[int, ...], pb.EnumDescriptorProto]] = [((5, i), e) for i, e in enumerate(f.enum_type)]
    for path, m, _ in _messages(f):
        enums += [((*path, 4, i), e) for i, e in enumerate(m.enum_type)]
    for path, e in enums:
        out += [((*path, 5, i), "reserved enum value name is not a valid identifier")
                for i, name in enumerate(e.reserved_name) if _IDENTIFIER.fullmatch(name) is None]
    return out


class _Spans:
    """A file's source locations by path, read on first use (from `f` or from the bytes kept apart)."""

    def __init__(self, f: pb.FileDescriptorProto, apart: bytes | None) -> None:
        self._file = f
        self._apart = apart
        self._by_path: dict[tuple[int, ...], tuple[int, int]] | None = None

    def located(self) -> bool:
        """Does the set hold the file's source info?"""
        return self._apart is not None or self._file.HasField("source_code_info")

    def at(self, path: tuple[int, ...]) -> tuple[int, int]:
        """1-based line and column where `path` starts, (0, 0) when the set has no source info."""
        if self._by_path is None:
            info = self._file.source_code_info
            if self._apart is not None:
                from google.protobuf import descriptor_pb2 as pb

                info = pb.SourceCodeInfo.FromString(self._apart)
            self._by_path = {}
            for loc in info.location:
                self._by_path.setdefault(tuple(loc.path), (loc.span[0] + 1, loc.span[1] + 1))
        return self._by_path.get(path, (0, 0))
