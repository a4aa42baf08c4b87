"""Field pair rules: type, cardinality, name, JSON name, oneof, default and per-language options.

Fields pair by number within messages of the same full name, extensions by extendee and number.
"""

from __future__ import annotations

from workbench.breaking.change import Pair, q
from workbench.breaking.rules import Emit, Handler, for_field_pairs
from workbench.breaking.rules.closed_enums import closed_enum
from workbench.breaking.rules.defaults import field_default
from workbench.breaking.schema import (
    CPP_FEATURES,
    CPP_STRING_TYPE,
    FDP,
    JAVA_FEATURES,
    JAVA_UTF8_VALIDATION,
    JAVA_VERIFY,
    UTF8_NAMES,
    FieldInfo,
    Schema,
    Span,
    custom_feature,
)

T = FDP
# https://protobuf.dev/programming-guides/proto3/#updating, as buf groups kinds.
WIRE_GROUP: dict[int, int] = {
    T.TYPE_INT32: 1, T.TYPE_INT64: 1, T.TYPE_UINT32: 1, T.TYPE_UINT64: 1, T.TYPE_BOOL: 1,
    T.TYPE_SINT32: 2, T.TYPE_SINT64: 2, T.TYPE_STRING: 3, T.TYPE_BYTES: 4,
    T.TYPE_FIXED32: 5, T.TYPE_SFIXED32: 5, T.TYPE_FIXED64: 6, T.TYPE_SFIXED64: 6,
    T.TYPE_DOUBLE: 7, T.TYPE_FLOAT: 8, T.TYPE_GROUP: 9, T.TYPE_MESSAGE: 10, T.TYPE_ENUM: 11,
}
WIRE_JSON_GROUP: dict[int, int] = {
    T.TYPE_INT32: 1, T.TYPE_UINT32: 1, T.TYPE_INT64: 2, T.TYPE_UINT64: 2,
    T.TYPE_FIXED32: 3, T.TYPE_SFIXED32: 3, T.TYPE_FIXED64: 4, T.TYPE_SFIXED64: 4,
    T.TYPE_BOOL: 5, T.TYPE_SINT32: 6, T.TYPE_SINT64: 7, T.TYPE_STRING: 8, T.TYPE_BYTES: 9,
    T.TYPE_DOUBLE: 10, T.TYPE_FLOAT: 11, T.TYPE_GROUP: 12, T.TYPE_MESSAGE: 13, T.TYPE_ENUM: 14,
}
CARDINALITY_WIRE = {"optional with explicit presence": 1, "optional with implicit presence": 1, "required": 2,
                    "repeated": 3, "map": 3}
CARDINALITY_WIRE_JSON = {**CARDINALITY_WIRE, "map": 4}  # maps and repeated differ in JSON
INT64_TYPES = {T.TYPE_INT64, T.TYPE_SINT64, T.TYPE_UINT64, T.TYPE_FIXED64, T.TYPE_SFIXED64}
COMPOSITE = {T.TYPE_MESSAGE, T.TYPE_ENUM, T.TYPE_GROUP}
FIELD_OPTIONS = 8
JSTYPE_NAMES = {0: "JS_NORMAL", 1: "JS_STRING", 2: "JS_NUMBER"}
CTYPE_NAMES = {0: "STRING", 1: "CORD", 2: "STRING_PIECE"}
CPP_STRING_TYPES = {0: "STRING_TYPE_UNKNOWN", 1: "VIEW", 2: "CORD", 3: "STRING"}  # pb.CppFeatures.StringType
CPP_VIEW, CPP_STRING = 1, 3
EDITION_2024 = 1001  # google.protobuf.Edition


def _emit(emit: Emit, message: str, before: FieldInfo, after: FieldInfo,
          suffixes: list[tuple[int, ...]] | None = None, at: Span | None = None) -> None:
    """Emit at the first of path+suffix that exists, falling back to the field itself."""
    suffixes = suffixes or []
    entity = after.message.full_name if after.message else after.extendee
    emit(message, after.file, [(*after.path, *s) for s in suffixes] + [after.path],
         before.file, [(*before.path, *s) for s in suffixes] + [before.path], entity, at)


def _both_map_entries(before: FieldInfo, after: FieldInfo) -> bool:
    return bool(before.message and after.message and before.message.is_map_entry and after.message.is_map_entry)


def field_cardinality(groups: dict[str, int] | None) -> Handler:
    """FIELD_SAME_CARDINALITY (`groups` None: any change), or the wire / wire+JSON variants that only
    flag a change between cardinalities of different `groups`."""
    def check(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
        if _both_map_entries(before, after):
            return  # generated entries; their apparent presence means nothing
        old, new = before.cardinality(p.before), after.cardinality(p.after)
        differs = old != new if groups is None else groups[old] != groups[new]
        if differs:
            _emit(emit, f"{after.description()} changed cardinality from {q(old)} to {q(new)}.", before, after)
    return for_field_pairs(check)


def _type_path(field: FieldInfo, schema: Schema) -> tuple[int, ...]:
    return _type_name_path(field) if field.kind(schema) in COMPOSITE else (*field.path, 5)


def _type_name_path(field: FieldInfo) -> tuple[int, ...]:
    # protoc puts a group's type name on its name; buf's compiler on the `group` keyword (the type)
    return (*field.path, 5) if field.type == T.TYPE_GROUP else (*field.path, 6)


def _changed_type(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo, extra: str = "") -> None:
    emit(f"{after.description()} changed type from {q(before.kind_pretty(p.before))} to "
         f"{q(after.kind_pretty(p.after))}.{extra}",
         after.file, [_type_path(after, p.after)], before.file, [_type_path(before, p.before)],
         after.message.full_name if after.message else after.extendee)


def _changed_type_name(emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
    emit(f"{after.description()} changed type from {q(before.type_name.lstrip('.'))} to "
         f"{q(after.type_name.lstrip('.'))}.",
         after.file, [_type_name_path(after)], before.file, [_type_name_path(before)],
         after.message.full_name if after.message else after.extendee)


def field_same_type(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
    if before.kind(p.before) != after.kind(p.after):
        _changed_type(p, emit, before, after)
    elif after.type in COMPOSITE and before.type_name != after.type_name:
        _changed_type_name(emit, before, after)


WIRE_NOTE = " See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules."
BYTES_NOTE = (" Note that while string and bytes are compatible if the data is valid UTF-8, there is no way to "
              "enforce that a bytes field is UTF-8, so these fields may be incompatible.")
WIRE_JSON_NOTE = (" See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility "
                  "rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility "
                  "rules.")


def field_wire_compatible_type(json: bool) -> Handler:
    """FIELD_WIRE_COMPATIBLE_TYPE, or with `json` FIELD_WIRE_JSON_COMPATIBLE_TYPE (JSON-safe kinds only)."""
    def check(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
        _wire_compatible_type(p, emit, before, after, json)
    return for_field_pairs(check)


def _wire_compatible_type(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo, json: bool) -> None:
    groups = WIRE_JSON_GROUP if json else WIRE_GROUP
    old, new = before.kind(p.before), after.kind(p.after)
    if groups[old] != groups[new]:
        if json:
            _changed_type(p, emit, before, after, WIRE_JSON_NOTE)
            return
        if old == T.TYPE_STRING and new == T.TYPE_BYTES:
            return  # string may evolve to bytes
        extra = WIRE_NOTE + (BYTES_NOTE if old == T.TYPE_BYTES and new == T.TYPE_STRING else "")
        _changed_type(p, emit, before, after, extra)
        return
    kind = new if json else after.type
    if before.type_name == after.type_name:
        return
    if kind == T.TYPE_ENUM:
        _enum_wire_compatible(p, emit, before, after)
    elif kind in (T.TYPE_GROUP, T.TYPE_MESSAGE):
        _changed_type_name(emit, before, after)


def _enum_wire_compatible(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
    """Another enum type is fine on the wire when it has the same short name and keeps every old value."""
    old = p.before.enums.get(before.type_name.lstrip("."))
    new = p.after.enums.get(after.type_name.lstrip("."))
    if old is None or new is None or old.name != new.name:
        _changed_type_name(emit, before, after)
        return
    current = new.values_by_name
    if any(current.get(name) != number for name, number in old.values_by_name.items()):
        _changed_type_name(emit, before, after)


def field_same_json_name(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
    if before.extendee:
        return  # extensions cannot set json_name
    if before.proto.json_name != after.proto.json_name:
        _emit(emit, f'{after.description()} changed option "json_name" from {q(before.proto.json_name)} to '
                 f"{q(after.proto.json_name)}.", before, after, [(10,)])


def field_same_name(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
    old = before.full_name if before.extendee else before.name
    new = after.full_name if after.extendee else after.name
    if old != new:
        emit(f"{after.description(with_name=False)} changed name from {q(old)} to {q(new)}.",
             after.file, [(*after.path, 1)], before.file, [(*before.path, 1)],
             after.message.full_name if after.message else after.extendee)


def field_same_oneof(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
    if before.extendee:
        return
    old = before.oneof if before.oneof is not None and not before.oneof.synthetic else None
    new = after.oneof if after.oneof is not None and not after.oneof.synthetic else None
    if old is None and new is None:
        return
    if old is not None and new is not None:
        if old.name != new.name:
            # buf's message really says `...q moved from oneof`; kept byte for byte.
            _emit(emit, f"{after.description()}q moved from oneof {q(old.name)} to oneof {q(new.name)}.",
                  before, after)
        return
    where = ("inside", "outside") if old is not None else ("outside", "inside")
    _emit(emit, f"{after.description()} moved from {where[0]} to {where[1]} a oneof.", before, after)


def field_same_default(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
    if not _can_have_default(before, p.before) or not _can_have_default(after, p.after):
        return
    old, new = field_default(before, p.before), field_default(after, p.after)
    if old.is_zero and new.is_zero:
        return
    if not old.equals(new):
        message = f"{after.description()} changed default value from {old.printable} to {new.printable}."
        # buf points at the `default` keyword, protoc's source info at the value after it
        at = after.file.keyword_before(after.file.span((*after.path, 7)), "default")
        _emit(emit, message, before, after, [(7,)], at)


def _can_have_default(field: FieldInfo, schema: Schema) -> bool:
    return not field.is_repeated and field.kind(schema) not in (T.TYPE_MESSAGE, T.TYPE_GROUP)


def field_same_jstype(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
    if before.type not in INT64_TYPES or after.type not in INT64_TYPES:
        return
    old, new = closed_enum(before.proto.options, "jstype", 6), closed_enum(after.proto.options, "jstype", 6)
    if old != new:
        _emit(emit, f'{after.description()} changed option "jstype" from {q(JSTYPE_NAMES.get(old, str(old)))} to '
                 f"{q(JSTYPE_NAMES.get(new, str(new)))}.", before, after, [(FIELD_OPTIONS, 6)])


def _utf8(field: FieldInfo) -> int:
    return field.features["utf8_validation"]


def field_same_utf8_validation(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
    if before.kind(p.before) != T.TYPE_STRING or after.kind(p.after) != T.TYPE_STRING:
        return
    old, new = _utf8(before), _utf8(after)
    if old != new:
        _emit(emit, f"{after.description()} changed UTF8 validation from {UTF8_NAMES.get(old, old)} to "
                 f"{UTF8_NAMES.get(new, new)}.", before, after, [(FIELD_OPTIONS, 21, 4)])


def _java_utf8(field: FieldInfo) -> int:
    """buf's fieldJavaUTF8Validation: java_string_check_utf8 outside editions (or when the file sets it),
    else `(pb.java).utf8_validation = VERIFY` resolved field -> oneof -> messages -> file."""
    default = _utf8(field)
    if field.file.syntax != "editions" or field.file.options.HasField("java_string_check_utf8"):
        return 2 if field.file.options.java_string_check_utf8 else default
    return 2 if custom_feature(field, JAVA_FEATURES, JAVA_UTF8_VALIDATION) == JAVA_VERIFY else default


def field_same_java_utf8_validation(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
    if before.kind(p.before) != T.TYPE_STRING or after.kind(p.after) != T.TYPE_STRING:
        return
    old, new = _java_utf8(before), _java_utf8(after)
    if old != new:
        emit(f"{after.description()} changed Java string UTF8 validation from "
             f"{q(UTF8_NAMES.get(old, str(old)))} to {q(UTF8_NAMES.get(new, str(new)))}.",
             after.file, [(8, 27), (*after.path, FIELD_OPTIONS, 21, 1001, 2), after.path],
             before.file, [(8, 27), (*before.path, FIELD_OPTIONS, 21, 1001, 2), before.path],
             after.message.full_name if after.message else after.extendee)


def _cpp_string_type(field: FieldInfo) -> tuple[str, bool]:
    """buf's fieldCppStringType: the ctype option when set (editions 2023 may use either), else the
    `(pb.cpp).string_type` feature resolved field -> oneof -> messages -> file (then the edition's default)."""
    opts = field.proto.options
    if opts.HasField("ctype"):
        ctype = opts.ctype
        if ctype == 1:
            return "CORD", False
        if ctype == 2:
            return "STRING", True
        if ctype == 0 or field.file.syntax != "editions":
            return "STRING", False
    value = custom_feature(field, CPP_FEATURES, CPP_STRING_TYPE)
    if value is None:
        # cpp_features.proto's edition defaults: STRING up to edition 2023, VIEW from 2024
        value = CPP_VIEW if field.file.proto.edition >= EDITION_2024 else CPP_STRING
    return CPP_STRING_TYPES.get(value, str(value)), False


def field_same_cpp_string_type(p: Pair, emit: Emit, before: FieldInfo, after: FieldInfo) -> None:
    strings = (T.TYPE_STRING, T.TYPE_BYTES)
    if _both_map_entries(before, after):
        return
    if before.kind(p.before) not in strings or after.kind(p.after) not in strings:
        return
    (old, old_piece), (new, new_piece) = _cpp_string_type(before), _cpp_string_type(after)
    if (old, old_piece) != (new, new_piece) and not (old_piece and new == "STRING"):
        shown_old = "STRING_PIECE" if old_piece else old
        shown_new = "STRING_PIECE" if new_piece else new
        _emit(emit, f"{after.description()} changed C++ string type from {q(shown_old)} to {q(shown_new)}.",
              before, after, [(FIELD_OPTIONS, 1), (FIELD_OPTIONS, 21, 1000, 2)])

