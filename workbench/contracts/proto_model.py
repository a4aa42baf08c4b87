"""A typed, UI-friendly view of compiled protos: messages, fields and enums with their places.

Built from the FileDescriptorSet that `workbench.contracts.proto_compile` produces; source locations and
comments come from `source_code_info` (paths follow descriptor.proto field numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.contracts.proto_compile import text_of

if TYPE_CHECKING:
    from workbench.findings import Finding

# descriptor.proto field numbers used in SourceCodeInfo paths
_FILE_MESSAGE, _FILE_ENUM = 4, 5
_MSG_FIELD, _MSG_NESTED, _MSG_ENUM = 2, 3, 4
_ENUM_VALUE = 2

SCALAR_TYPES = {
    1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32",
    8: "bool", 9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32", 16: "sfixed64",
    17: "sint32", 18: "sint64",
}
TYPE_MESSAGE, TYPE_ENUM, TYPE_GROUP = 11, 14, 10


@dataclass(frozen=True)
class Place:
    """Where an element is declared: file, line, column."""

    file: str  # repository-relative
    line: int  # 1-based
    column: int  # 1-based
    end_line: int


@dataclass(frozen=True)
class ProtoField:
    """A message field as the workbench's model keeps it."""

    name: str
    number: int
    type_name: str  # "int64", "string", or a full name without the leading dot
    kind: str  # "scalar" | "enum" | "message"
    repeated: bool
    optional: bool  # proto3 `optional` (explicit presence); message fields are also nullable
    json_name: str
    comment: str
    place: Place
    oneof: str = ""

    @property
    def short_type(self) -> str:
        return self.type_name.rsplit(".", 1)[-1]

    @property
    def display_type(self) -> str:
        prefix = "repeated " if self.repeated else "optional " if self.optional else ""
        return prefix + self.short_type

    @property
    def nullable(self) -> bool:
        return self.optional or self.kind == "message"


@dataclass(frozen=True)
class EnumValue:
    """One value of an enum."""

    name: str
    number: int
    comment: str
    place: Place


@dataclass(frozen=True)
class ProtoEnum:
    """An enum as the workbench's model keeps it."""

    name: str
    full_name: str
    comment: str
    place: Place
    values: tuple[EnumValue, ...]

    def label(self, value: EnumValue) -> str:
        """The database label of a value: prefix removed, lower case (ORDER_STATUS_PAID -> paid)."""
        return value.name.removeprefix(enum_prefix(self.name)).lower()


@dataclass(frozen=True)
class ProtoMessage:
    """A message as the workbench's model keeps it."""

    name: str
    full_name: str
    comment: str
    place: Place
    fields: tuple[ProtoField, ...]

    def field(self, name: str) -> ProtoField | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass
class ProtoModel:
    """Every message and enum of the compiled protos, by name."""

    messages: list[ProtoMessage] = field(default_factory=list)
    enums: list[ProtoEnum] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # rel path -> package
    sources: dict[str, str] = field(default_factory=dict)  # rel path -> source text

    def message(self, name: str) -> ProtoMessage | None:
        return next((m for m in self.messages if m.name == name or m.full_name == name), None)

    def enum(self, name: str) -> ProtoEnum | None:
        return next((e for e in self.enums if e.name == name or e.full_name == name), None)


def enum_prefix(enum_name: str) -> str:
    return _upper_snake(enum_name) + "_"


def _upper_snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.upper())
    return "".join(out)


def _comment(loc: object | None) -> str:
    if loc is None:
        return ""
    text = text_of(getattr(loc, "leading_comments", "")) or text_of(getattr(loc, "trailing_comments", ""))
    return "\n".join(line.strip() for line in text.strip().splitlines())


def encoding_finding(rel: str, data: bytes) -> Finding | None:
    """A PROTO_ENCODING error at the first byte of `data` that is not UTF-8, else None."""
    from workbench.findings import Finding, Severity

    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return Finding(Severity.ERROR, "PROTO_ENCODING", rel, line, f"byte 0x{data[exc.start]:02x} is not UTF-8 "
                       "(protobuf sources are UTF-8; it shows as \ufffd): save the file as UTF-8", column)
    return None


def build_model(descriptor_set: bytes, rel_prefix: str = "", include_imports: bool = False) -> ProtoModel:
    """Messages and enums of the compiled files (imported dependencies such as WKTs left out)."""
    from google.protobuf import descriptor_pb2

    fds = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set)
    model = ProtoModel()
    for fd in fds.file:
        if not include_imports and fd.name.startswith("google/protobuf/"):
            continue
        rel = rel_prefix + fd.name
        model.files[rel] = fd.package
        locs = {tuple(loc.path): loc for loc in fd.source_code_info.location}

        def place(path: tuple[int, ...], rel: str = rel, locs: dict = locs) -> Place:  # type: ignore[type-arg]
            loc = locs.get(path)
            if loc is None or not loc.span:
                return Place(rel, 0, 0, 0)
            span = list(loc.span)
            end = span[2] if len(span) == 4 else span[0]
            return Place(rel, span[0] + 1, span[1] + 1, end + 1)

        prefix = f"{fd.package}." if fd.package else ""
        for ei, en in enumerate(fd.enum_type):
            model.enums.append(_enum(en, prefix, (_FILE_ENUM, ei), locs, place))
        for mi, msg in enumerate(fd.message_type):
            _message(msg, prefix, (_FILE_MESSAGE, mi), locs, place, model)
    return model


def _enum(en, prefix, path, locs, place) -> ProtoEnum:  # type: ignore[no-untyped-def]
    values = tuple(
        EnumValue(v.name, v.number, _comment(locs.get((*path, _ENUM_VALUE, vi))), place((*path, _ENUM_VALUE, vi)))
        for vi, v in enumerate(en.value)
    )
    return ProtoEnum(en.name, prefix + en.name, _comment(locs.get(path)), place(path), values)


def _message(msg, prefix, path, locs, place, model: ProtoModel) -> None:  # type: ignore[no-untyped-def]
    fields = []
    for fi, f in enumerate(msg.field):
        fpath = (*path, _MSG_FIELD, fi)
        if f.type in (TYPE_MESSAGE, TYPE_ENUM):
            type_name, kind = f.type_name.lstrip("."), "message" if f.type == TYPE_MESSAGE else "enum"
        else:
            type_name, kind = SCALAR_TYPES.get(f.type, "group"), "scalar"
        oneof = ""
        if f.HasField("oneof_index") and not f.proto3_optional:
            oneof = msg.oneof_decl[f.oneof_index].name
        fields.append(ProtoField(
            name=f.name, number=f.number, type_name=type_name, kind=kind,
            repeated=f.label == 3, optional=bool(f.proto3_optional), json_name=text_of(f.json_name),
            comment=_comment(locs.get(fpath)), place=place(fpath), oneof=oneof,
        ))
    is_map_entry = msg.options.map_entry
    if not is_map_entry:
        model.messages.append(ProtoMessage(msg.name, prefix + msg.name, _comment(locs.get(path)), place(path),
                                           tuple(fields)))
    for ni, nested in enumerate(msg.nested_type):
        _message(nested, f"{prefix}{msg.name}.", (*path, _MSG_NESTED, ni), locs, place, model)
    for ei, en in enumerate(msg.enum_type):
        model.enums.append(_enum(en, f"{prefix}{msg.name}.", (*path, _MSG_ENUM, ei), locs, place))
