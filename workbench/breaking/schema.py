"""An index over a FileDescriptorSet: every file, message, field, enum, service and extension by name.

The rules compare two of these. Elements keep their source path so findings get buf's line and column
straight from protoc's source info, and they resolve the few protoreflect notions buf's rules use
(field kind with delimited encoding, cardinality, presence, closed enums, JSON format, UTF-8 validation)
from syntax or editions features, since the Python descriptor pool is not used (it would reject two
trees that define the same names).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from workbench.breaking.buf_columns import buf_column, index_at, index_column, same_columns
from workbench.breaking.descriptors import encode_varint, read_varint, wire_fields
from workbench.contracts.record import FrozenRecord, Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any, Literal

    from google.protobuf import descriptor_pb2 as pb


class FDP:
    """FieldDescriptorProto's Type and Label numbers (descriptor.proto), without importing descriptor_pb2."""

    TYPE_DOUBLE, TYPE_FLOAT, TYPE_INT64, TYPE_UINT64, TYPE_INT32, TYPE_FIXED64, TYPE_FIXED32 = 1, 2, 3, 4, 5, 6, 7
    TYPE_BOOL, TYPE_STRING, TYPE_GROUP, TYPE_MESSAGE, TYPE_BYTES, TYPE_UINT32, TYPE_ENUM = 8, 9, 10, 11, 12, 13, 14
    TYPE_SFIXED32, TYPE_SFIXED64, TYPE_SINT32, TYPE_SINT64 = 15, 16, 17, 18
    LABEL_OPTIONAL, LABEL_REQUIRED, LABEL_REPEATED = 1, 2, 3


# Source-path field numbers (descriptor.proto), named so paths read as what they point at.
FILE_MESSAGE, FILE_ENUM, FILE_SERVICE, FILE_EXTENSION, FILE_OPTIONS, FILE_PACKAGE, FILE_SYNTAX = 4, 5, 6, 7, 8, 2, 12
MSG_FIELD, MSG_NESTED, MSG_ENUM, MSG_EXTENSION, MSG_OPTIONS, MSG_ONEOF = 2, 3, 4, 6, 7, 8
ENUM_VALUE, ENUM_OPTIONS = 2, 3
FIELD_TYPE_NAME = 6
SERVICE_METHOD = 2
FEATURES_IN = {"file": 50, "message": 12, "field": 21, "enum": 7, "oneof": 1}

MESSAGE_RANGE_MAX = 536870911
MESSAGE_SET_RANGE_MAX = 2147483646
ENUM_RANGE_MAX = 2147483647

# Edition defaults for the features the rules read (FeatureSet enum numbers).
# field_presence: 1 EXPLICIT, 2 IMPLICIT, 3 LEGACY_REQUIRED; enum_type: 1 OPEN, 2 CLOSED;
# utf8_validation: 2 VERIFY, 3 NONE; message_encoding: 1 LENGTH_PREFIXED, 2 DELIMITED;
# json_format: 1 ALLOW, 2 LEGACY_BEST_EFFORT.
_DEFAULTS = {
    "proto2": {"field_presence": 1, "enum_type": 2, "utf8_validation": 3, "message_encoding": 1, "json_format": 2},
    "proto3": {"field_presence": 2, "enum_type": 1, "utf8_validation": 2, "message_encoding": 1, "json_format": 1},
    "editions": {"field_presence": 1, "enum_type": 1, "utf8_validation": 2, "message_encoding": 1, "json_format": 1},
}
UTF8_NAMES = {2: "VERIFY", 3: "NONE"}
JSON_FORMAT_NAMES = {1: "ALLOW", 2: "LEGACY_BEST_EFFORT"}

KIND_NAMES: dict[int, str] = {
    FDP.TYPE_DOUBLE: "double", FDP.TYPE_FLOAT: "float", FDP.TYPE_INT64: "int64", FDP.TYPE_UINT64: "uint64",
    FDP.TYPE_INT32: "int32", FDP.TYPE_FIXED64: "fixed64", FDP.TYPE_FIXED32: "fixed32", FDP.TYPE_BOOL: "bool",
    FDP.TYPE_STRING: "string", FDP.TYPE_GROUP: "group", FDP.TYPE_MESSAGE: "message", FDP.TYPE_BYTES: "bytes",
    FDP.TYPE_UINT32: "uint32", FDP.TYPE_ENUM: "enum", FDP.TYPE_SFIXED32: "sfixed32",
    FDP.TYPE_SFIXED64: "sfixed64", FDP.TYPE_SINT32: "sint32", FDP.TYPE_SINT64: "sint64",
}


class Span(FrozenRecord):
    """Where an element is in its file, as buf counts lines and columns."""

    _fields = ("line", "column", "end_line", "end_column")
    __slots__ = _fields

    def __init__(self, line: int, column: int, end_line: int, end_column: int) -> None:
        self.line = line  # 1-based, as buf prints
        self.column = column
        self.end_line = end_line
        self.end_column = end_column


class FileInfo:
    def __init__(self, proto: pb.FileDescriptorProto, target: bool, text: str = "",
                 source_info: bytes | None = None) -> None:
        self.proto = proto
        self.text = text  # source, when known: lets findings point where buf's compiler points
        self._source_info_apart = source_info  # serialized SourceCodeInfo kept out of `proto`, if it was
        self.path = proto.name
        self.package = proto.package
        self.target = target
        self.syntax = proto.syntax or "proto2"
        if self.syntax not in _DEFAULTS:
            self.syntax = "editions"
        self.messages: list[MessageInfo] = []  # all, nested included, in declaration order
        self.enums: list[EnumInfo] = []
        self.services: list[ServiceInfo] = []
        self.extensions: list[FieldInfo] = []
        self.features = _inherit(_DEFAULTS[self.syntax], proto, self.syntax)
        # map entry message path -> path of the map field: buf places entries (and their fields) there
        self.map_entry_alias: dict[tuple[int, ...], tuple[int, ...]] = {}

    @cached_property
    def _source_info(self) -> bytes:
        if self._source_info_apart is not None:
            return self._source_info_apart
        return self.proto.source_code_info.SerializeToString()

    def _span(self, path: tuple[int, ...]) -> Span | None:
        """protoc's span for `path`, found by searching the encoded path in the serialized source info.

        A findings-only lookup: indexing every location of every file (hundreds of thousands in a big
        tree) cost more than the whole rest of the diff. See `find_location` for the encoding.
        """
        return find_location(self._source_info, path)

    @cached_property
    def context(self) -> tuple[str, int, str, bytes]:
        """What every element of the file inherits (syntax, edition, package, options)."""
        return (self.syntax, self.proto.edition, self.package, self.proto.options.SerializeToString(deterministic=True))

    @cached_property
    def comments(self) -> dict[tuple[int, ...], str]:
        """Leading + trailing comments per element path (for inline exemptions)."""
        out: dict[tuple[int, ...], str] = {}
        info = self.proto.source_code_info
        if self._source_info_apart is not None:
            info = type(info).FromString(self._source_info_apart)
        for loc in info.location:
            text = loc.leading_comments + loc.trailing_comments
            if text:
                out.setdefault(tuple(loc.path), text)
        return out

    def span(self, path: tuple[int, ...] | None) -> Span | None:
        if path is None:
            return None
        found = self._span(path)
        if found is None and self.map_entry_alias:
            for n in range(len(path), 1, -1):
                alias = self.map_entry_alias.get(path[:n])
                if alias is not None:
                    found = self._span(alias)
                    break
        return found if found is None or self._same_columns else buf_span(self.lines, found)

    @cached_property
    def _same_columns(self) -> bool:
        return same_columns(self.text)

    @cached_property
    def lines(self) -> list[str]:
        # at "\n" only, as protoc and buf number lines (str.splitlines also splits at U+2028, U+0085...)
        return self.text.split("\n")

    def keyword_before(self, span: Span | None, keyword: str) -> Span | None:
        """Move a value's span back to the option keyword in front of it (`default = 5` -> `default`)."""
        if span is None or not self.text:
            return span
        lines = self.lines
        if span.line > len(lines):
            return span
        line = lines[span.line - 1]
        at = line.rfind(keyword, 0, index_at(line, span.column))
        if at < 0:
            return span
        return Span(span.line, index_column(line, at), span.end_line, span.end_column)

    @property
    def options(self) -> pb.FileOptions:
        return self.proto.options


def buf_span(lines: list[str], span: Span) -> Span:
    """protoc's `span` in the file of `lines` as buf prints it: protoc counts a column per UTF-8 byte
    and a tab up to a multiple of 8, buf terminal cells (`buf_column`)."""
    def convert(line: int, column: int) -> int:
        return buf_column(lines[line - 1], column) if 0 < line <= len(lines) else column

    return Span(span.line, convert(span.line, span.column), span.end_line, convert(span.end_line, span.end_column))


def find_location(data: bytes, path: tuple[int, ...]) -> Span | None:
    """First Location whose path is `path` in a serialized SourceCodeInfo.

    Each Location is `0a <len>` then its path as `0a <len> <packed varints>` then `12 <len> <span>`.
    We search for the encoded path and accept a hit only where a Location really starts (a `0a` tag
    and a length that ends exactly at the next Location), so bytes inside comments never match.
    """
    packed = b"".join(encode_varint(p) for p in path)
    # an empty packed field is not written at all: the file's own location has no path bytes
    needle = b"\x0a" + encode_varint(len(packed)) + packed + b"\x12" if packed else b"\x12"
    start = 0
    while True:
        i = data.find(needle, start)
        if i < 0:
            return None
        start = i + 1
        for width in (1, 2, 3):
            tag_at = i - width - 1
            if tag_at < 0 or data[tag_at] != 0x0A:
                continue
            length_bytes = data[tag_at + 1:i]
            if any(b < 0x80 for b in length_bytes[:-1]) or length_bytes[-1] >= 0x80:
                continue
            length, _ = read_varint(data, tag_at + 1)
            end = i + length
            if end > len(data) or (end < len(data) and data[end] != 0x0A):
                continue
            j = i + len(needle)
            span_len, j = read_varint(data, j)
            values = []
            stop = j + span_len
            while j < stop:
                value, j = read_varint(data, j)
                values.append(value)
            if len(values) == 3:
                return Span(values[0] + 1, values[1] + 1, values[0] + 1, values[2] + 1)
            if len(values) == 4:
                return Span(values[0] + 1, values[1] + 1, values[2] + 1, values[3] + 1)
            return None


class MessageInfo:
    def __init__(self, file: FileInfo, proto: pb.DescriptorProto, path: tuple[int, ...],
                 parent: MessageInfo | None) -> None:
        self.file = file
        self.proto = proto
        self.path = path
        self.parent = parent
        self.name = proto.name
        self.nested_name: str = f"{parent.nested_name}.{proto.name}" if parent else proto.name
        self.full_name = f"{file.package}.{self.nested_name}" if file.package else self.nested_name
        scope = parent.features if parent else file.features
        self.features: dict[str, int] = _inherit(scope, proto, file.syntax)
        self.is_map_entry = proto.options.map_entry
        self.top: MessageInfo = parent.top if parent else self

    @cached_property
    def oneofs(self) -> list[OneofInfo]:
        return [OneofInfo(self, o, i) for i, o in enumerate(self.proto.oneof_decl)]

    @cached_property
    def fields(self) -> list[FieldInfo]:
        """Built on first use: unchanged messages (most of a big tree) never need them."""
        out = []
        for i, f in enumerate(self.proto.field):
            fi = FieldInfo(self.file, f, (*self.path, MSG_FIELD, i), self, None)
            out.append(fi)
            if fi.oneof is not None and f.proto3_optional:
                fi.oneof.synthetic = True
        return out

    @cached_property
    def fingerprint(self) -> bytes:
        """The message with everything nested in it, for a cheap "did anything change" test."""
        return self.proto.SerializeToString(deterministic=True)

    def enum_type_names(self) -> Iterator[str]:
        stack = [self.proto]
        while stack:
            m = stack.pop()
            stack.extend(m.nested_type)
            for f in m.field:
                if f.type == FDP.TYPE_ENUM:
                    yield f.type_name.lstrip(".")

    @cached_property
    def fields_by_number(self) -> dict[int, FieldInfo]:
        return {f.number: f for f in self.fields}

    @cached_property
    def fields_by_name(self) -> dict[str, FieldInfo]:
        return {f.name: f for f in self.fields}

    @property
    def reserved_names(self) -> list[str]:
        return list(self.proto.reserved_name)

    def reserved_ranges(self) -> list[tuple[int, int]]:
        """Inclusive ranges (descriptor ends are exclusive for messages)."""
        return [(r.start, r.end - 1) for r in self.proto.reserved_range]

    def extension_ranges(self) -> list[tuple[int, int]]:
        return [(r.start, r.end - 1) for r in self.proto.extension_range]

    @property
    def range_max(self) -> int:
        return MESSAGE_SET_RANGE_MAX if self.proto.options.message_set_wire_format else MESSAGE_RANGE_MAX


class OneofInfo:
    def __init__(self, message: MessageInfo, proto: pb.OneofDescriptorProto, index: int) -> None:
        self.message = message
        self.proto = proto
        self.name = proto.name
        self.index = index
        self.path = (*message.path, MSG_ONEOF, index)
        self.features = _inherit(message.features, proto, message.file.syntax)
        # proto3 `optional` makes a oneof of one field; buf does not count those as oneofs
        self.synthetic = any(f.proto3_optional and f.HasField("oneof_index") and f.oneof_index == index
                             for f in message.proto.field)


class FieldInfo:
    def __init__(self, file: FileInfo, proto: pb.FieldDescriptorProto, path: tuple[int, ...],
                 message: MessageInfo | None, scope: MessageInfo | None) -> None:
        # Built for every field of every changed message (~33,000 on the 5,000-message benchmark): what
        # the rules read many times is read from the descriptor once, and nothing is read that the
        # field's kind makes moot (the extendee of a message's own field, the features outside editions).
        self.file = file
        self.proto = proto
        self.path = path
        self.message = message  # containing message (None for extensions)
        self.scope = scope  # message an extension is declared in, if any
        self.name = name = proto.name
        self.number = proto.number
        self.type: int = proto.type
        self.is_repeated = proto.label == FDP.LABEL_REPEATED
        self.extendee = proto.extendee.lstrip(".") if message is None and proto.HasField("extendee") else ""
        prefix = scope.full_name if scope else file.package
        self.full_name = f"{prefix}.{name}" if prefix else name
        parent_features = message.features if message else (scope.features if scope else file.features)
        self.oneof: OneofInfo | None = None
        if message is not None and proto.HasField("oneof_index") and proto.oneof_index < len(message.oneofs):
            self.oneof = message.oneofs[proto.oneof_index]
            parent_features = self.oneof.features
        self.features = _inherit(parent_features, proto, file.syntax)

    @property
    def type_name(self) -> str:
        return self.proto.type_name

    def kind(self, schema: Schema) -> int:
        """protoreflect's Kind: a length-prefixed message under DELIMITED encoding is a group."""
        t = self.type
        if t == FDP.TYPE_MESSAGE and self.features["message_encoding"] == 2 and not self.is_map(schema):
            return FDP.TYPE_GROUP
        return t

    def kind_pretty(self, schema: Schema) -> str:
        k = self.kind(schema)
        if k == FDP.TYPE_GROUP and self.file.syntax != "proto2":
            return "message (delimited encoding)"
        return KIND_NAMES.get(k, str(k))

    def is_map(self, schema: Schema) -> bool:
        if not self.is_repeated or self.type != FDP.TYPE_MESSAGE:
            return False
        target = schema.messages.get(self.proto.type_name.lstrip("."))
        return bool(target and target.is_map_entry)

    def is_required(self) -> bool:
        return self.proto.label == FDP.LABEL_REQUIRED or self.features["field_presence"] == 3

    def has_presence(self) -> bool:
        if self.is_repeated:
            return False
        if self.extendee:
            return True
        if self.type in (FDP.TYPE_MESSAGE, FDP.TYPE_GROUP) or self.oneof is not None:
            return True
        return self.features["field_presence"] != 2

    def cardinality(self, schema: Schema) -> str:
        if self.is_repeated:
            return "map" if self.is_map(schema) else "repeated"
        if self.is_required():
            return "required"
        return "optional with explicit presence" if self.has_presence() else "optional with implicit presence"

    def description(self, with_name: bool = True) -> str:
        """buf's `Field "1" with name "a" on message "A"` wording."""
        name = self.full_name if self.extendee else self.name
        named = f' with name "{name}"' if with_name else ""
        if self.extendee:
            return f'Extension "{self.number}"{named} on message "{self.extendee}"'
        assert self.message is not None
        return f'Field "{self.number}"{named} on message "{self.message.name}"'


class EnumInfo:
    def __init__(self, file: FileInfo, proto: pb.EnumDescriptorProto, path: tuple[int, ...],
                 parent: MessageInfo | None) -> None:
        self.file = file
        self.proto = proto
        self.path = path
        self.parent = parent
        self.name = proto.name
        self.nested_name = f"{parent.nested_name}.{proto.name}" if parent else proto.name
        self.full_name = f"{file.package}.{self.nested_name}" if file.package else self.nested_name
        scope = parent.features if parent else file.features
        self.features = _inherit(scope, proto, file.syntax)

    @cached_property
    def fingerprint(self) -> bytes:
        return self.proto.SerializeToString(deterministic=True)

    @cached_property
    def values_by_number(self) -> dict[int, dict[str, tuple[int, pb.EnumValueDescriptorProto]]]:
        """number -> name -> (index, value); several names per number with allow_alias."""
        out: dict[int, dict[str, tuple[int, pb.EnumValueDescriptorProto]]] = {}
        for i, v in enumerate(self.proto.value):
            out.setdefault(v.number, {})[v.name] = (i, v)
        return out

    @cached_property
    def values_by_name(self) -> dict[str, int]:
        return {v.name: v.number for v in self.proto.value}

    def value_path(self, index: int) -> tuple[int, ...]:
        return (*self.path, ENUM_VALUE, index)

    def reserved_ranges(self) -> list[tuple[int, int]]:
        return [(r.start, r.end) for r in self.proto.reserved_range]  # inclusive already

    @property
    def is_closed(self) -> bool:
        return self.features["enum_type"] == 2


class ServiceInfo:
    def __init__(self, file: FileInfo, proto: pb.ServiceDescriptorProto, index: int) -> None:
        self.file = file
        self.proto = proto
        self.path = (FILE_SERVICE, index)
        self.name = proto.name
        self.full_name = f"{file.package}.{proto.name}" if file.package else proto.name
        self.methods = {m.name: (i, m) for i, m in enumerate(proto.method)}

    def method_path(self, index: int) -> tuple[int, ...]:
        return (*self.path, SERVICE_METHOD, index)


class Schema(Record):
    """Every element of one side, by the keys buf pairs them on."""

    _fields = ("files", "all_files", "messages", "enums", "services")

    def __init__(self, files: dict[str, FileInfo] | None = None,
                 all_files: dict[str, FileInfo] | None = None,
                 messages: dict[str, MessageInfo] | None = None, enums: dict[str, EnumInfo] | None = None,
                 services: dict[str, ServiceInfo] | None = None) -> None:
        self.files = {} if files is None else files  # target files only, by path
        self.all_files = {} if all_files is None else all_files
        self.messages = {} if messages is None else messages  # by full name, imports included
        self.enums = {} if enums is None else enums
        self.services = {} if services is None else services

    def restricted(self, names: set[str]) -> Schema:
        """The same index comparing only `names` (one module of a workspace)."""
        return Schema({p: f for p, f in self.all_files.items() if p in names}, self.all_files, self.messages,
                      self.enums, self.services)

    def target_messages(self) -> Iterator[MessageInfo]:
        for f in self.files.values():
            yield from f.messages

    def target_enums(self) -> Iterator[EnumInfo]:
        for f in self.files.values():
            yield from f.enums

    def target_services(self) -> Iterator[ServiceInfo]:
        for f in self.files.values():
            yield from f.services

    def target_extensions(self) -> Iterator[FieldInfo]:
        for f in self.files.values():
            yield from f.extensions


def build_schema(fds: pb.FileDescriptorSet, targets: set[str] | None = None,
                 sources: dict[str, str] | None = None, source_infos: dict[str, bytes] | None = None,
                 only: set[str] | None = None) -> Schema:
    """Index `fds`; only files in `targets` (default: all) are compared, the rest only resolve types.
    `source_infos`: files' source info as bytes, where it was kept out of `fds`. `only`: index just
    these files (one module's image, where another module defines the same names)."""
    schema = Schema()
    sources = sources or {}
    source_infos = source_infos or {}
    for proto in fds.file:
        if only is not None and proto.name not in only:
            continue
        info = FileInfo(proto, targets is None or proto.name in targets, sources.get(proto.name, ""),
                        source_infos.get(proto.name))
        schema.all_files[info.path] = info
        if info.target:
            schema.files[info.path] = info
        _index_file(schema, info)
    return schema


def _index_file(schema: Schema, file: FileInfo) -> None:
    proto = file.proto
    for i, m in enumerate(proto.message_type):
        _index_message(schema, file, m, (FILE_MESSAGE, i), None)
    for i, e in enumerate(proto.enum_type):
        _add_enum(schema, EnumInfo(file, e, (FILE_ENUM, i), None))
    for i, s in enumerate(proto.service):
        svc = ServiceInfo(file, s, i)
        file.services.append(svc)
        schema.services[svc.full_name] = svc
    for i, x in enumerate(proto.extension):
        file.extensions.append(FieldInfo(file, x, (FILE_EXTENSION, i), None, None))


def _add_enum(schema: Schema, enum: EnumInfo) -> None:
    enum.file.enums.append(enum)
    schema.enums[enum.full_name] = enum


def _index_message(schema: Schema, file: FileInfo, proto: pb.DescriptorProto, path: tuple[int, ...],
                   parent: MessageInfo | None) -> None:
    msg = MessageInfo(file, proto, path, parent)
    file.messages.append(msg)
    schema.messages[msg.full_name] = msg
    for i, n in enumerate(proto.nested_type):
        if n.options.map_entry:
            entry_name = f".{msg.full_name}.{n.name}"
            for j, f in enumerate(proto.field):
                if f.type_name == entry_name:
                    # protoc gives the synthesized entry no location; buf's compiler places the
                    # entry and its key and value fields on the field's `map<K, V>` type
                    file.map_entry_alias[(*path, MSG_NESTED, i)] = (*path, MSG_FIELD, j, FIELD_TYPE_NAME)
                    break
        _index_message(schema, file, n, (*path, MSG_NESTED, i), msg)
    for i, e in enumerate(proto.enum_type):
        _add_enum(schema, EnumInfo(file, e, (*path, MSG_ENUM, i), msg))
    for i, x in enumerate(proto.extension):
        file.extensions.append(FieldInfo(file, x, (*path, MSG_EXTENSION, i), None, msg))


# Language features are FeatureSet extensions (google/protobuf/cpp_features.proto, java_features.proto):
# (pb.cpp) = 1000 with string_type = 2 (VIEW 1, CORD 2, STRING 3); (pb.java) = 1001 with
# utf8_validation = 2 (DEFAULT 1, VERIFY 2). They stay unknown fields of the parsed FeatureSet.
CPP_FEATURES, CPP_STRING_TYPE = 1000, 2
JAVA_FEATURES, JAVA_UTF8_VALIDATION, JAVA_VERIFY = 1001, 2, 2


def custom_feature(field: FieldInfo, extension: int, number: int) -> int | None:
    """A language feature's value resolved as protoc does: the field, its oneof, its messages
    (innermost first; an extension's scope), then the file. None when nothing sets it."""
    if field.file.syntax != "editions":
        return None
    scopes: list[pb.FeatureSet] = [field.proto.options.features]
    if field.oneof is not None:
        scopes.append(field.oneof.proto.options.features)
    message = field.message or field.scope
    while message is not None:
        scopes.append(message.proto.options.features)
        message = message.parent
    scopes.append(field.file.proto.options.features)
    for features in scopes:
        value = _extension_varint(features.SerializeToString(), extension, number)
        if value is not None:
            return value
    return None


def _extension_varint(features: bytes, extension: int, number: int) -> int | None:
    found = None
    if not features:
        return None
    try:
        for n, wire, _, at, end in wire_fields(features):
            if n == extension and wire == 2:
                for m, w, _, value_at, _ in wire_fields(features, at, end):
                    if m == number and w == 0:
                        found = read_varint(features, value_at)[0]  # the last occurrence wins, as protobuf merges
    except ValueError:
        pass  # bytes past what a FeatureSet holds (a group): the value found before them stands
    return found


if TYPE_CHECKING:
    _FeatureName = Literal["field_presence", "enum_type", "utf8_validation", "message_encoding", "json_format"]
_FEATURE_NAMES: tuple[_FeatureName, ...] = (
    "field_presence", "enum_type", "utf8_validation", "message_encoding", "json_format")


def _inherit(parent: dict[str, int], proto: Any, syntax: str) -> dict[str, int]:
    """The features of the element `proto` (a file, message, field, oneof or enum descriptor) inside
    `parent`'s. Only editions files may set features; the rest use syntax defaults, and their options
    are not even read (two message objects made per element: ~10% of indexing a big tree)."""
    if syntax != "editions":
        return parent
    features = proto.options.features
    changed: dict[str, int] = {n: getattr(features, n) for n in _FEATURE_NAMES if features.HasField(n)}
    if not changed:
        return parent
    return {**parent, **changed}
