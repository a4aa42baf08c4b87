"""buf's `PROTOVALIDATE` lint rule: the `(buf.validate.field)` rules a field carries must fit it.

What buf 1.75 reports (buflintvalidate's field.go, with the messages buf-bin prints; each shape is in
tests/lint_cases/protovalidate*, run with buf-bin as the oracle), in buf's order per FieldRules:

- `required` on an extension or a oneof member, `ignore = IGNORE_ALWAYS` beside other rules,
  `required` with `ignore = IGNORE_IF_ZERO_VALUE`, that ignore on a field tracking presence;
- rules of another type than the field's (`string` rules on an `int32` field, `repeated` rules on a
  field that is not a list, `map` rules on one that is not a map), also inside `repeated.items`,
  `map.keys` and `map.values` (where `required` is unenforceable); wrapper types take their scalar's
  rules, `Any`/`Duration`/`Timestamp`/`FieldMask` their own; `unique` on a list of messages;
- `min_items` above `max_items`, `min_pairs` above `max_pairs`;
- inside one type's rules: protovalidate_rules.py (const, bounds, NaN, lengths, substrings, patterns,
  durations and timestamps, field mask paths);
- CEL rules of fields, messages and predefined rules that fail to compile (protovalidate_cel.py), and
  `(buf.validate.message).oneof` entries (protovalidate_message.py).

`example` values the field's rules reject: protovalidate_examples.py (every type's standard rules,
the well-known string formats, Duration/Timestamp/FieldMask), and its CEL rules where
protovalidate_cel_eval.py evaluates them.

The options are read from their encoding (FieldOptions extension 1159, buf.validate.FieldRules), so
buf/validate/validate.proto needs no Python classes. Locations come from protoc's source info; inside
a message literal (`(buf.validate.field).string = {min_len: 5}`), where protoc records only the whole
option, the sub-field's span is found in the option's text, as buf's compiler records it.
"""

from __future__ import annotations

from workbench.breaking.buf_columns import char_index, index_column
from workbench.breaking.go_quote import go_quote as _q
from workbench.breaking.schema import find_location

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Any

    from workbench.lint.rules import Element, Lint, LintFile

FIELD_RULES = 1159  # extend google.protobuf.FieldOptions { optional FieldRules field = 1159; }
OPTIONS = 8  # FieldDescriptorProto.options
MESSAGE_EXTENSION = 1159  # extend google.protobuf.MessageOptions { optional MessageRules message = 1159; }
PREFIX = "(buf.validate.field)"

# FieldRules' `type` oneof: field number -> name
RULE_TYPES = {1: "float", 2: "double", 3: "int32", 4: "int64", 5: "uint32", 6: "uint64", 7: "sint32", 8: "sint64",
              9: "fixed32", 10: "fixed64", 11: "sfixed32", 12: "sfixed64", 13: "bool", 14: "string", 15: "bytes",
              16: "enum", 18: "repeated", 19: "map", 20: "any", 21: "duration", 22: "timestamp", 28: "field_mask"}
# FieldDescriptorProto.Type -> buf's name of the kind
KINDS = {1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool",
         9: "string", 10: "group", 11: "message", 12: "bytes", 13: "uint32", 14: "enum", 15: "sfixed32",
         16: "sfixed64", 17: "sint32", 18: "sint64"}
WRAPPERS = {"google.protobuf.DoubleValue": "double", "google.protobuf.FloatValue": "float",
            "google.protobuf.Int64Value": "int64", "google.protobuf.UInt64Value": "uint64",
            "google.protobuf.Int32Value": "int32", "google.protobuf.UInt32Value": "uint32",
            "google.protobuf.BoolValue": "bool", "google.protobuf.StringValue": "string",
            "google.protobuf.BytesValue": "bytes"}
MESSAGE_RULES = {"any": "google.protobuf.Any", "duration": "google.protobuf.Duration",
                 "timestamp": "google.protobuf.Timestamp", "field_mask": "google.protobuf.FieldMask"}
CEL_RULES, CEL_EXPRESSIONS = 23, 29  # FieldRules.cel, FieldRules.cel_expression
REPEATED_ITEMS, MAP_KEYS, MAP_VALUES = 4, 4, 5
LABEL_REPEATED = 3
TYPE_MESSAGE = 11


def check(lint: Lint, rule: str) -> None:
    for fd in lint.fields():
        data = _extension(fd.proto.options.SerializeToString(), FIELD_RULES)
        if data is not None:
            _Field(lint, rule, fd).rules(data)
    if any(m.proto.HasField("options") for m in lint.messages()):
        from workbench.lint.protovalidate_cel import check_message_cel
        from workbench.lint.protovalidate_message import check_message_oneofs

        check_message_oneofs(lint, rule)
        check_message_cel(lint, rule)
    if any(fd.proto.extendee.startswith(".buf.validate.") for fd in lint.fields()):
        from workbench.lint.protovalidate_cel import check_predefined_cel

        check_predefined_cel(lint, rule)


REQUIRED, IGNORE = 25, 27  # FieldRules.required, FieldRules.ignore
IGNORE_IF_ZERO_VALUE, IGNORE_ALWAYS = 1, 3
FIELD_PRESENCE_IMPLICIT = 2  # FeatureSet.FieldPresence


class _Adder:
    """Where and how buf names a rule below the field's FieldRules: a path from `base` (empty for the
    field's own rules, `repeated.items` / `map.keys` / `map.values` below)."""

    def __init__(self, field: _Field, base: tuple[int, ...]) -> None:
        self.field, self.base = field, base
        self.field_name = field.name

    def name(self, *path: int) -> str:
        return PREFIX + "".join(f".{n}" for n in _names(FIELD_ROOT, (*self.base, *path)) or () if isinstance(n, str))

    def span(self, path: tuple[int, ...]) -> tuple[int, int, int, int]:
        fd = self.field.fd
        return _span(fd.file, (*fd.path, OPTIONS, FIELD_RULES, *self.base, *path))

    def add(self, path: tuple[int, ...], message: str) -> None:
        fd = self.field.fd
        self.field.lint.add_at(self.field.rule, fd.file, fd.path, self.span(path), message)

    def add_paths(self, paths: Sequence[tuple[int, ...]], message: str) -> None:
        """One finding per distinct place (two paths may have the same one, as buf deduplicates)."""
        fd = self.field.fd
        for span in dict.fromkeys(self.span(p) for p in paths):
            self.field.lint.add_at(self.field.rule, fd.file, fd.path, span, message)


class _Field:
    def __init__(self, lint: Lint, rule: str, fd: Element) -> None:
        self.lint, self.rule, self.fd = lint, rule, fd
        self.name = fd.proto.name
        self.entry = _map_entry(lint, fd)  # the map's entry message, for a map field
        # buf names the field's type the same way below items/keys/values: `map<K, V>`, `p.A`, `int32`
        self.pretty = _shown_type(fd.proto, self.entry, repeated=False)

    def rules(self, data: bytes) -> None:
        fd = self.fd.proto
        # protovalidate cannot build the field's rules, or ignores the field: buf checks no example below
        top = _decode(data).get(IGNORE, [0])[-1]
        self.broken = top == IGNORE_ALWAYS or _unbuildable(data) or not self._cel_compiles(data, fd, self.entry, True)
        self.check(data, (), _Slot(fd, self.entry, True), expect_repeated=fd.label == LABEL_REPEATED)

    def check(self, data: bytes, at: tuple[int, ...], slot: _Slot, *, expect_repeated: bool) -> None:
        """buf's checkRulesForField over one FieldRules: the field's own, or its items', keys' or values'."""
        from workbench.lint.protovalidate_rules import check_type_rules, count, last_int

        a = _Adder(self, at)
        fields = _decode(data)
        fd = slot.fd
        required, ignore = last_int(fields, REQUIRED), last_int(fields, IGNORE)
        extension = slot.whole and bool(getattr(fd, "extendee", ""))
        if extension:
            if required:
                a.add((REQUIRED,), f"Field {_q(self.name)} is an extension field and cannot have "
                                   f"{a.name(REQUIRED)}.")
            if ignore == IGNORE_IF_ZERO_VALUE:
                a.add((IGNORE,), f"Field {_q(self.name)} is an extension field and cannot have "
                                 f"{a.name(IGNORE)}=IGNORE_IF_ZERO_VALUE.")
        oneof = self._oneof() if slot.whole and not at else None
        if oneof is not None and required:
            a.add((REQUIRED,), f"Field {_q(self.name)} has {a.name(REQUIRED)} but is in a oneof ({oneof}). Oneof "
                               f"fields must not have {a.name(REQUIRED)}.")
        if ignore == IGNORE_ALWAYS and count(fields) > 1:
            a.add((IGNORE,), f"Field {_q(self.name)} has {a.name(IGNORE)}=IGNORE_ALWAYS and therefore other rules in "
                             f"{a.name()} are not applied and should be removed.")
        if required and ignore == IGNORE_IF_ZERO_VALUE:
            a.add_paths([(REQUIRED,), (IGNORE,)], f"Field {_q(self.name)} has both {a.name(REQUIRED)} and "
                                                  f"{a.name(IGNORE)}=IGNORE_IF_ZERO_VALUE. A field cannot be empty if "
                                                  f"it is required.")
        if ignore == IGNORE_IF_ZERO_VALUE and not extension and self._has_presence(slot):
            a.add((IGNORE,), f"Field {_q(self.name)} has {a.name(IGNORE)}=IGNORE_IF_ZERO_VALUE and tracks presence. "
                             f"This is the same as the default and the ignore option can be removed.")
        if CEL_RULES in fields or CEL_EXPRESSIONS in fields:  # only then the CEL compiler is imported
            from workbench.lint.protovalidate_cel import check_field_cel, field_this

            this = field_this(self.lint, slot.fd, slot.whole)
            check_field_cel(self.lint, self.rule, self.fd, fields, at, a.name(), this, (OPTIONS, FIELD_RULES))
        number = next((n for n in reversed(list(fields)) if n in RULE_TYPES), None)  # the `type` oneof's last
        if number is None:
            return
        rule_type = RULE_TYPES[number]
        rules = _decode(_join(fields[number]))
        path = (number,)
        if rule_type == "map":
            self.map_rules(a, rules, slot)
        elif rule_type == "repeated":
            self.repeated_rules(a, rules, slot)
        elif expect_repeated:
            a.add(path, f"Field {_q(self.name)} is of type repeated {self.pretty} but has {a.name(number)} rules.")
        elif not slot.takes(rule_type):
            a.add(path, f"Field {_q(self.name)} is of type {self.pretty} but has {a.name(number)} rules.")
        else:
            from workbench.lint.protovalidate_examples import Field, check_examples
            from workbench.lint.protovalidate_predefined import has_extensions

            enum = self._enum_numbers(fd) if rule_type == "enum" else None
            # an item, key or value is always there: protovalidate ignores its zero value, presence or not
            cel_rules = None
            if CEL_RULES in fields or CEL_EXPRESSIONS in fields:
                from workbench.lint.protovalidate_cel_eval import field_cel_rules

                cel_rules = field_cel_rules(fields)
            flags = Field(bool(required) and not at, ignore, slot.whole and self._has_presence(slot),
                          CEL_RULES in fields, enum, cel_rules, item=not slot.whole)
            if has_extensions(rules):  # predefined rules, run on the examples too
                from workbench.lint.protovalidate_predefined import predefined

                flags.predefined = predefined(self.lint, rule_type, rules)
            if not self.broken:
                check_examples(a, number, rule_type, rules, flags)
            check_type_rules(a, number, rule_type, rules)

    def _cel_compiles(self, data: bytes, fd: Any, entry: Any, whole: bool) -> bool:
        """Whether protovalidate compiles the CEL rules of a FieldRules and those below its repeated.items,
        map.keys, map.values: one that does not keeps buf from checking any example of the field."""
        fields = _decode(data)
        if CEL_RULES in fields or CEL_EXPRESSIONS in fields:
            from workbench.lint.protovalidate_cel import field_cel_compiles, field_this

            if not field_cel_compiles(self.lint, fields, field_this(self.lint, fd, whole)):
                return False
        below: list[tuple[bytes, Any, Any]] = []
        for number, sides in ((18, (REPEATED_ITEMS,)), (19, (MAP_KEYS, MAP_VALUES))):
            rules = _decode(_join(fields.get(number, [])))
            for n in sides:
                if n in rules and whole:
                    target = fd if number == 18 else (_entry_field(entry, n - 3) if entry is not None else None)
                    if target is not None:
                        below.append((_join(rules[n]), target, _map_entry_of(self.lint, target)))
        return all(self._cel_compiles(d, target, e, False) for d, target, e in below)

    def map_rules(self, a: _Adder, rules: dict[int, list[int | bytes]], slot: _Slot) -> None:
        number = 19
        if not slot.is_map:
            a.add((number,), f"Field {_q(self.name)} is not a map but has {a.name(number)}.")
            return
        self.pairs(a, rules, number, 1, 2)
        key, value = (_entry_field(slot.entry, n) for n in (1, 2))
        for n, side, target in ((MAP_KEYS, "key", key), (MAP_VALUES, "value", value)):
            if n not in rules or target is None:
                continue
            data = _join(rules[n])
            self.unenforceable(data, (*a.base, number, n), f"map {side} rules", f"map {side}s")
            self.check(data, (*a.base, number, n), _Slot(target, _map_entry_of(self.lint, target), False),
                       expect_repeated=False)

    def repeated_rules(self, a: _Adder, rules: dict[int, list[int | bytes]], slot: _Slot) -> None:
        from workbench.lint.protovalidate_rules import last_int

        number = 18
        if not slot.is_list:
            a.add((number,), f"Field {_q(self.name)} is not repeated but has {a.name(number)} rules.")
            return
        fd = slot.fd
        if last_int(rules, 3) and KINDS.get(getattr(fd, "type", 0)) in ("message", "group") \
                and getattr(fd, "type_name", "").lstrip(".") not in WRAPPERS:
            a.add((number, 3), f"Field {_q(self.name)} is of type {self.pretty} but has {a.name(number, 3)} set to "
                               f"true, which is only allowed for scalar types and wrapper types.")
        self.pairs(a, rules, number, 1, 2)
        if REPEATED_ITEMS not in rules:
            return
        data = _join(rules[REPEATED_ITEMS])
        self.unenforceable(data, (*a.base, number, REPEATED_ITEMS), "repeated item rules",
                           "individual items in a repeated field")
        self.check(data, (*a.base, number, REPEATED_ITEMS), _Slot(fd, None, False), expect_repeated=False)

    def unenforceable(self, data: bytes, base: tuple[int, ...], rules: str, what: str) -> None:
        """`required` below repeated.items, map.keys or map.values: an item, key or value is always there."""
        if _decode(data).get(REQUIRED, [0])[-1]:
            below = _Adder(self, base)
            which = below.name(REQUIRED)
            below.add((REQUIRED,), f"Field {_q(self.name)} has {which} on {rules}, which is unenforceable. The "
                                   f"{which} constraint cannot be applied to {what}.")

    def pairs(self, a: _Adder, rules: dict[int, list[int | bytes]], number: int, low: int, high: int) -> None:
        """min_items/max_items, min_pairs/max_pairs: a minimum above the maximum, one finding at each."""
        from workbench.lint.protovalidate_rules import last_int

        lo, hi = last_int(rules, low), last_int(rules, high)
        if lo is None or hi is None or lo <= hi:
            return
        f = _q(self.name)
        a.add((number, low), f"Field {f} has value {lo} for {a.name(number, low)}, which must be lower than value "
                             f"{hi} for {a.name(number, high)}.")
        a.add((number, high), f"Field {f} has value {hi} for {a.name(number, high)}, which must be higher than value "
                              f"{lo} for {a.name(number, low)}.")

    def _enum_numbers(self, fd: Any) -> set[int] | None:
        """The numbers of the enum a field has (None: not found)."""
        name = getattr(fd, "type_name", "").lstrip(".")
        for f in self.lint.all_files.values():
            package = f.proto.package
            scopes = [(package, f.proto.enum_type)] + [(n, m.enum_type) for n, m in _walk(package, f.proto.message_type)]
            for scope, enums in scopes:
                for enum in enums:
                    if (f"{scope}.{enum.name}" if scope else enum.name) == name:
                        return {v.number for v in enum.value}
        return None

    def _oneof(self) -> str | None:
        """The name of the real oneof the field is in (a proto3 `optional` field's own oneof is not one)."""
        fd = self.fd.proto
        if not fd.HasField("oneof_index") or fd.proto3_optional or self.fd.parent is None:
            return None
        return str(self.fd.parent.proto.oneof_decl[fd.oneof_index].name)

    def _has_presence(self, slot: _Slot) -> bool:
        """protoreflect's HasPresence: not repeated, and a message, in a oneof, or explicit presence."""
        fd = slot.fd
        if fd is None or getattr(fd, "label", 0) == LABEL_REPEATED:
            return False
        if KINDS.get(getattr(fd, "type", 0)) in ("message", "group"):
            return True
        if slot.whole and (fd.HasField("oneof_index") or fd.proto3_optional):
            return True
        syntax = self.fd.file.syntax
        if syntax == "proto3":
            return False
        if syntax != "editions":
            return True
        for options in self._feature_scopes(fd if slot.whole else None):
            if options.HasField("features") and options.features.HasField("field_presence"):
                return bool(options.features.field_presence != FIELD_PRESENCE_IMPLICIT)
        return True

    def _feature_scopes(self, fd: Any) -> Iterator[Any]:
        """Options from the field outwards (field, messages, file): where an editions feature is set."""
        if fd is not None:
            yield fd.options
        e = self.fd.parent
        while e is not None:
            yield e.proto.options
            e = e.parent
        yield self.fd.file.proto.options


class _Slot:
    """What a set of rules applies to: the field itself, or a list's item, a map's key or value."""

    def __init__(self, fd: Any, entry: Any, whole_field: bool) -> None:
        self.fd = fd
        self.entry = entry
        self.whole = whole_field
        self.is_map = entry is not None and whole_field
        self.is_list = whole_field and entry is None and getattr(fd, "label", 0) == LABEL_REPEATED

    def takes(self, rule_type: str) -> bool:
        if self.is_map or self.is_list:
            return False
        fd = self.fd
        kind = KINDS.get(getattr(fd, "type", 0), "")
        if kind == "message":
            name = getattr(fd, "type_name", "").lstrip(".")
            return WRAPPERS.get(name) == rule_type or MESSAGE_RULES.get(rule_type) == name
        return kind == rule_type


def _unbuildable(data: bytes) -> bool:
    """Whether protovalidate cannot build the rules of a FieldRules, or of one below its repeated.items,
    map.keys or map.values: a pattern Go's regexp package rejects, or a Duration or Timestamp value
    it cannot convert (a bound, `in`, `within`). buf then checks none of the field's examples, those
    of the keys beside bad values' rules included."""
    fields = _decode(data)
    if _bad_pattern(fields) or _bad_time(fields):
        return True
    for number, below in ((18, (REPEATED_ITEMS,)), (19, (MAP_KEYS, MAP_VALUES))):
        rules = _decode(_join(fields.get(number, [])))
        if any(_unbuildable(_join(rules[n])) for n in below if n in rules):
            return True
    return False


def _bad_pattern(fields: dict[int, list[int | bytes]]) -> bool:
    for number, pattern in ((14, 6), (15, 4)):  # string.pattern, bytes.pattern
        for raw in _decode(_join(fields.get(number, []))).get(pattern, []):
            if not isinstance(raw, bytes):
                continue
            # imported only where a pattern is written: the regexp compiler loads for the files using it
            from workbench.lint.go_regexp import go_regexp_error

            if go_regexp_error(raw.decode("utf-8", "replace")) is not None:
                return True
    return False


def _bad_time(fields: dict[int, list[int | bytes]]) -> bool:
    from workbench.lint.protovalidate_rules import time_value_error

    for number in (21, 22):  # duration, timestamp
        for n, values in _decode(_join(fields.get(number, []))).items():
            if any(time_value_error(number == 22, n, v) for v in values):
                return True
    return False


def _shown_type(fd: Any, entry: Any, *, repeated: bool) -> str:
    """The field's type as buf's message names it: `int32`, `enum`, `p.v1.B`, `map<K, V>`, `repeated X`."""
    if entry is not None:
        key, value = (_entry_field(entry, n) for n in (1, 2))
        text = f"map<{_kind(key)}, {_kind(value)}>"
    else:
        text = _kind(fd)
    return f"repeated {text}" if repeated and getattr(fd, "label", 0) == LABEL_REPEATED else text


def _kind(fd: Any) -> str:
    kind = KINDS.get(getattr(fd, "type", 0), "")
    return getattr(fd, "type_name", "").lstrip(".") if kind in ("message", "group") else kind


def _map_entry(lint: Lint, fd: Element) -> Any:
    return _map_entry_of(lint, fd.proto) if fd.proto.label == LABEL_REPEATED else None


def _map_entry_of(lint: Lint, fd: Any) -> Any:
    if getattr(fd, "type", 0) != TYPE_MESSAGE:
        return None
    message = _messages(lint).get(getattr(fd, "type_name", "").lstrip("."))
    return message if message is not None and message.options.map_entry else None


def _messages(lint: Lint) -> dict[str, Any]:
    cached: dict[str, Any] | None = getattr(lint, "_protovalidate_messages", None)
    if cached is None:
        cached = {}
        for f in lint.all_files.values():
            for name, m in _walk(f.proto.package, f.proto.message_type):
                cached[name] = m
        lint._protovalidate_messages = cached  # type: ignore[attr-defined]
    return cached


def _walk(scope: str, messages: Any) -> Iterator[tuple[str, Any]]:
    for m in messages:
        name = f"{scope}.{m.name}" if scope else m.name
        yield name, m
        yield from _walk(name, m.nested_type)


def _entry_field(entry: Any, number: int) -> Any:
    return next((f for f in entry.field if f.number == number), None)


def _span(file: LintFile, path: tuple[int, ...], root: dict[int, str] | None = None) -> tuple[int, int, int, int]:
    """buf's span for an option path: protoc's location for it, else the first one below it (one option
    line setting a sub-field), else the sub-field's text inside the nearest literal protoc recorded
    (`root` names the extension's fields: FieldRules unless said)."""
    data = file.source_info
    found = find_location(data, path)
    if found is None:
        found = _first_below(file, path)
    if found is not None:
        return file.buf_span(found)
    names = _names(root or FIELD_ROOT, path[path.index(FIELD_RULES) + 1:]) if FIELD_RULES in path else None
    for n in range(len(path) - 1, 0, -1):
        outer = find_location(data, path[:n])
        if outer is not None:
            rest = len(path) - n
            inner = _in_literal(file, outer, names[-rest:]) if names and rest <= len(names) else None
            if inner is not None:
                return inner
            if path[n - 1] in (FIELD_RULES, MESSAGE_EXTENSION):
                return _option_value(file, file.buf_span(outer))
            return file.buf_span(outer)
    return 1, 1, 1, 1


def _option_value(file: LintFile, span: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """buf's place for a whole extension set by an `option (ext) = {...};` statement: `(ext) = {...}`,
    without the keyword and the semicolon protoc's location has."""
    lines = file.text().split("\n")
    line, column, end_line, end_column = span
    try:
        first, last = lines[line - 1], lines[end_line - 1]
    except IndexError:
        return span
    start = char_index(first, column)
    if not first.startswith("option", start):
        return span
    start += len("option")
    while start < len(first) and first[start] in " \t":
        start += 1
    end = char_index(last, end_column)
    if end > 0 and last[end - 1] == ";":
        end -= 1
    return line, index_column(first, start), end_line, index_column(last, end)


def _first_below(file: LintFile, path: tuple[int, ...]) -> Any:
    from workbench.breaking.schema import Span

    for loc in file.proto.source_code_info.location:
        if len(loc.path) > len(path) and tuple(loc.path[:len(path)]) == path:
            s = loc.span
            end_line = s[2] if len(s) == 4 else s[0]
            return Span(s[0] + 1, s[1] + 1, end_line + 1, s[-1] + 1)
    return None


def _in_literal(file: LintFile, outer: Any, names: list[str | int]) -> tuple[int, int, int, int] | None:
    """`name: value` of the sub-field named `names` (the path below the recorded option) in its text, as
    buf's compiler records a message literal: each occurrence of a field (a list `[a, b]` is recorded
    once, at the index of its first element); a message value only through the fields inside it."""
    text = file.text()
    if not text:
        return None
    lines = text.split("\n")
    o = outer
    try:
        segment_lines = lines[o.line - 1:o.end_line]
    except (AttributeError, IndexError):
        return None
    if not segment_lines:
        return None
    # the option's characters, each with its line and index in that line (protoc's byte columns
    # turned into indexes; buf's columns computed from the indexes of the span found)
    chars: list[tuple[int, int, str]] = []
    for i, line in enumerate(segment_lines):
        first = char_index(line, o.column) if i == 0 else 0
        last = char_index(line, o.end_column) if i == len(segment_lines) - 1 else len(line)
        for index in range(first, min(last, len(line))):
            chars.append((o.line + i, index, line[index]))
        chars.append((o.line + i, len(line), "\n"))
    flat = "".join(c for _, _, c in chars)
    pos = flat.find("{")
    if pos < 0:
        return None
    found = _find_path(flat, pos, names)
    if found is None:
        return None
    start, end = found

    def column(line: int, index: int) -> int:
        return index_column(lines[line - 1], index)

    start_line, start_index, _ = chars[start]
    end_line, end_index, _ = chars[end - 1]
    return start_line, column(start_line, start_index), end_line, column(end_line, end_index + 1)


def _find_path(flat: str, pos: int, names: list[str | int]) -> tuple[int, int] | None:
    """Start and end of the recorded text for `names` (field names, an int after a repeated one: its
    index) below the literal opening at flat[pos]; a path buf's compiler did not record falls back to
    the deepest recorded occurrence above it (None: to the whole option)."""
    found: tuple[int, int] | None = None
    k = 0
    while k < len(names):
        word = names[k]
        if not isinstance(word, str):
            return found
        after = names[k + 1] if k + 1 < len(names) else None
        index = after if isinstance(after, int) else None
        hit = _occurrence(flat, pos, word, index)
        if hit is None:
            return found
        start, end = hit
        k += 2 if index is not None else 1
        value = _value_start(flat, start + len(word))
        if value < len(flat) and flat[value] == "[" and flat[_value_start(flat, value + 1)] in "{<":
            # a list of messages: its first element recorded as the whole list (an empty one too: buf-bin puts
            # `example: [{}]` and `oneof: [{}]` there), nothing inside it
            return hit if k == len(names) else None
        singular_message = value < len(flat) and flat[value] in "{<" and index is None
        if k == len(names) and singular_message:
            return _first_field(flat, value)  # a singular message: recorded only through its first field
        if not singular_message:  # what a path below falls back to: only a place buf's compiler recorded
            found = hit
        pos = start + len(word)
    return found


def _occurrence(flat: str, pos: int, word: str, index: int | None) -> tuple[int, int] | None:
    """The occurrence of field `word` in the literal at flat[pos] that records `index` (a list literal
    `[a, b]` is one occurrence, at the index of its first element)."""
    hit = _token(flat, word, pos)
    seen = 0
    while hit >= 0:
        end = _value_end(flat, hit + len(word))
        if index is None:
            return hit, end
        value = _value_start(flat, hit + len(word))
        many = _list_size(flat, value) if value < len(flat) and flat[value] == "[" else 1
        if many and seen <= index < seen + many:
            return (hit, end) if seen == index else None
        seen += many
        hit = _token(flat, word, end)
    return None


def _value_start(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n:":
        i += 1
    return i


def _list_size(text: str, i: int) -> int:
    """Elements in the list literal opening at text[i]."""
    end = _value_end(text, i)
    inner = text[i + 1:end - 1]
    size, depth, item = 0, 0, False
    quote = ""
    for c in inner:
        if quote:
            quote = "" if c == quote else quote
            continue
        if c in "\"'":
            quote, item = c, True
        elif c in "{[<":
            depth, item = depth + 1, True
        elif c in "}]>":
            depth -= 1
        elif c == "," and depth == 0:
            size, item = size + item, False
        elif not c.isspace():
            item = True
    return size + item


def _first_field(text: str, i: int) -> tuple[int, int] | None:
    """The first place buf's compiler records inside the message literal opening at text[i] (None:
    none): a scalar field, a list (as a whole), a repeated message field (as a whole), or the first
    recorded place inside a singular message field; an empty message records nothing."""
    j = i + 1
    while j < len(text):
        while j < len(text) and text[j] in " \t\n,;":
            j += 1
        if j >= len(text) or text[j] in "}>":
            return None
        k = j
        while k < len(text) and (text[k].isalnum() or text[k] in "_.[]()/"):
            k += 1
        name, value = text[j:k], _value_start(text, k)
        end = _value_end(text, k)
        if value < len(text) and text[value] in "{<" and name not in _LISTS:
            inner = _first_field(text, value)
            if inner is not None:
                return inner
        elif not (value < len(text) and text[value] == "[" and _list_size(text, value) == 0):
            return j, end
        j = end
    return None


def _token(text: str, word: str, start: int) -> int:
    i = text.find(word, start)
    while i >= 0:
        before = text[i - 1] if i > 0 else " "
        after = text[i + len(word)] if i + len(word) < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return i
        i = text.find(word, i + 1)
    return -1


def _value_end(text: str, i: int) -> int:
    """End (exclusive) of `: value`, `{...}` or `[...]` after a field name at text[i]."""
    n = len(text)
    while i < n and text[i] in " \t\n:":
        i += 1
    if i < n and text[i] in "{<[":
        depth = 0
        while i < n:
            if text[i] in "\"'":
                i = _value_end(text, i) - 1
            elif text[i] in "{<[":
                depth += 1
            elif text[i] in "}>]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return n
    if i < n and text[i] in "\"'":
        quote = text[i]
        i += 1
        while i < n and text[i] != quote:
            i += 2 if text[i] == "\\" else 1
        i = min(i + 1, n)
        while i < n and text[i] in " \t\n" and _value_start(text, i) < n and text[_value_start(text, i)] in "\"'":
            i = _value_end(text, _value_start(text, i))  # adjacent strings are one value
        return i
    while i < n and text[i] not in " \t\n,;}]>":
        i += 1
    return i


# the extensions' fields by number, and the messages below them: FieldRules (a type's rules, and
# FieldRules again below repeated.items, map.keys and map.values), MessageRules (its oneof entries)
FIELD_ROOT = {**RULE_TYPES, 23: "cel", 25: "required", 27: "ignore", 29: "cel_expression"}
MESSAGE_ROOT = {3: "cel", 4: "oneof", 5: "cel_expression"}
_BELOW = {"oneof": {1: "fields", 2: "required"}, "cel": {1: "id", 2: "message", 3: "expression"}}
_FIELD_RULES_BELOW = ("items", "keys", "values")
_LISTS = {"in", "not_in", "example", "cel", "cel_expression", "oneof", "fields"}


def _names(root: dict[int, str], rest: tuple[int, ...]) -> list[str | int] | None:
    """Text-format names along a path below an extension (an index, as an int, after a list's name)."""
    from workbench.lint.protovalidate_rules import SCHEMA

    out: list[str | int] = []
    fields: dict[int, str] = root
    expect_index = False
    for number in rest:
        if expect_index:
            out.append(number)
            expect_index = False
            continue
        name = fields.get(number)
        if name is None:
            return None
        out.append(name)
        expect_index = name in _LISTS
        if name in _FIELD_RULES_BELOW:
            fields = FIELD_ROOT
        elif fields is FIELD_ROOT and name in SCHEMA:
            fields = SCHEMA[name]
        else:
            fields = _BELOW.get(name, {})
    return out


# ---------------------------------------------------------------- the encoding


def _extension(options: bytes, number: int) -> bytes | None:
    values = _decode(options).get(number)
    return _join(values) if values else None


def _join(values: list[int | bytes]) -> bytes:
    """A sub-message set several times is merged: its encodings concatenated."""
    return b"".join(v for v in values if isinstance(v, bytes))




def _decode(data: bytes) -> dict[int, list[int | bytes]]:
    out: dict[int, list[int | bytes]] = {}
    i, n = 0, len(data)
    while i < n:
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, i = _varint(data, i)
        elif wire == 2:
            size, i = _varint(data, i)
            value, i = data[i:i + size], i + size
        elif wire == 1:
            value, i = int.from_bytes(data[i:i + 8], "little"), i + 8
        elif wire == 5:
            value, i = int.from_bytes(data[i:i + 4], "little"), i + 4
        else:
            break  # groups: not in FieldRules
        out.setdefault(number, []).append(value)
    return out


def _varint(data: bytes, i: int) -> tuple[int, int]:
    shift = result = 0
    while i < len(data):
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            break
        shift += 7
    return result, i
