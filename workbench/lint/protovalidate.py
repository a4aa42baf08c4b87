"""buf's `PROTOVALIDATE` lint rule: the `(buf.validate.field)` rules a field carries must fit it.

What buf 1.75 reports and this checks, with buf's messages and locations (each case is in
tests/lint_cases/protovalidate, run with buf-bin as the oracle):

- rules of another type than the field's (`string` rules on an `int32` field, `repeated` rules on a
  field that is not a list, `map` rules on one that is not a map), also inside `repeated.items`,
  `map.keys` and `map.values`; wrapper types (`google.protobuf.StringValue` ...) take their scalar's
  rules, `Any`/`Duration`/`Timestamp`/`FieldMask` their own;
- a minimum above its maximum (`min_len`/`max_len`, `min_bytes`/`max_bytes`, `min_items`/`max_items`,
  `min_pairs`/`max_pairs`), one finding at each; equal `min_len`/`max_len` (or `min_bytes`/`max_bytes`)
  where a `len` (`len_bytes`) rule says it;
- `min_len`/`max_len` (`min_bytes`/`max_bytes`) beside `len` (`len_bytes`): redundant.

- a `string.pattern` / `bytes.pattern` Go's regexp package rejects, with Go's error (go_regexp.py);
- CEL rules of fields, messages and predefined rules that fail to compile (protovalidate_cel.py,
  imported only for files that have them).

Not checked: oneof rules.

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
    from collections.abc import Iterator
    from typing import Any

    from workbench.lint.rules import Element, Lint, LintFile

FIELD_RULES = 1159  # extend google.protobuf.FieldOptions { optional FieldRules field = 1159; }
OPTIONS = 8  # FieldDescriptorProto.options
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
# per rule type: (min number, min name, max number, max name, exact number, exact name)
LENGTHS: dict[str, tuple[tuple[int, str, int, str, int, str], ...]] = {
    "string": ((2, "min_len", 3, "max_len", 19, "len"), (4, "min_bytes", 5, "max_bytes", 20, "len_bytes")),
    "bytes": ((2, "min_len", 3, "max_len", 13, "len"),),
    "repeated": ((1, "min_items", 2, "max_items", 0, ""),),
    "map": ((1, "min_pairs", 2, "max_pairs", 0, ""),),
}
CEL_RULES, CEL_EXPRESSIONS = 23, 29  # FieldRules.cel, FieldRules.cel_expression
PATTERNS = {"string": 6, "bytes": 4}  # StringRules.pattern, BytesRules.pattern
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

        check_message_cel(lint, rule)
    if any(fd.proto.extendee.startswith(".buf.validate.") for fd in lint.fields()):
        from workbench.lint.protovalidate_cel import check_predefined_cel

        check_predefined_cel(lint, rule)


class _Field:
    def __init__(self, lint: Lint, rule: str, fd: Element) -> None:
        self.lint, self.rule, self.fd = lint, rule, fd
        self.name = fd.proto.name
        self.entry = _map_entry(lint, fd)  # the map's entry message, for a map field

    def rules(self, data: bytes) -> None:
        fd = self.fd.proto
        self.check(data, (), PREFIX, _shown_type(fd, self.entry, repeated=True), _Slot(fd, self.entry, True))

    def check(self, data: bytes, at: tuple[int, ...], name: str, shown: str, slot: _Slot) -> None:
        fields = _decode(data)
        if CEL_RULES in fields or CEL_EXPRESSIONS in fields:  # only then the CEL compiler is imported
            from workbench.lint.protovalidate_cel import check_field_cel, field_this

            this = field_this(self.lint, slot.fd, slot.whole)
            check_field_cel(self.lint, self.rule, self.fd, fields, at, name, this, (OPTIONS, FIELD_RULES))
        for number, rule_type in RULE_TYPES.items():
            if number not in fields:
                continue
            body = b"".join(v for v in fields[number] if isinstance(v, bytes))
            path = (*at, number)
            where = f"{name}.{rule_type}"
            if rule_type == "repeated":
                if not slot.is_list:
                    self.add(path, f"Field {_q(self.name)} is not repeated but has {where} rules.")
                    continue
            elif rule_type == "map":
                if not slot.is_map:
                    self.add(path, f"Field {_q(self.name)} is not a map but has {where}.")
                    continue
            elif not slot.takes(rule_type):
                self.add(path, f"Field {_q(self.name)} is of type {shown} but has {where} rules.")
                continue
            self.lengths(_decode(body), path, where, rule_type)
            self.pattern(_decode(body), path, where, rule_type)
            nested = _decode(body)
            if rule_type == "repeated" and REPEATED_ITEMS in nested:
                item = _Slot(slot.fd, None, False)
                self.check(_join(nested[REPEATED_ITEMS]), (*path, REPEATED_ITEMS), f"{where}.items",
                           _shown_type(slot.fd, None, repeated=False), item)
            if rule_type == "map" and slot.entry is not None:
                whole = _shown_type(slot.fd, slot.entry, repeated=False)
                key, value = (_entry_field(slot.entry, n) for n in (1, 2))
                for number_, side, target in ((MAP_KEYS, "keys", key), (MAP_VALUES, "values", value)):
                    if number_ in nested and target is not None:
                        self.check(_join(nested[number_]), (*path, number_), f"{where}.{side}", whole,
                                   _Slot(target, _map_entry_of(self.lint, target), False))

    def lengths(self, values: dict[int, list[int | bytes]], path: tuple[int, ...], where: str, rule_type: str) -> None:
        for low_n, low, high_n, high, exact_n, exact in LENGTHS.get(rule_type, ()):
            lo, hi = _last_int(values, low_n), _last_int(values, high_n)
            if exact_n and exact_n in values:
                for n, label in ((low_n, low), (high_n, high)):
                    if n in values:
                        self.add((*path, n), f"Field {_q(self.name)} has {where}.{exact} and therefore, "
                                             f"{where}.{label} is redundant and should be removed.")
            if lo is None or hi is None:
                continue
            if lo > hi:
                self.add((*path, low_n), f"Field {_q(self.name)} has value {lo} for {where}.{low}, which must be "
                                         f"lower than value {hi} for {where}.{high}.")
                self.add((*path, high_n), f"Field {_q(self.name)} has value {hi} for {where}.{high}, which must "
                                          f"be higher than value {lo} for {where}.{low}.")
            elif lo == hi and exact:
                for n in (low_n, high_n):
                    self.add((*path, n), f"Field {_q(self.name)} has equal {where}.{low} and {high}, use "
                                         f"{where}.{exact} instead.")

    def pattern(self, values: dict[int, list[int | bytes]], path: tuple[int, ...], where: str, rule_type: str) -> None:
        """A `pattern` Go's regexp package rejects, with Go's error (buf compiles it with Go's)."""
        number = PATTERNS.get(rule_type)
        found = [v for v in values.get(number or 0, ()) if isinstance(v, bytes)]
        if not found:
            return
        from workbench.lint.go_regexp import go_regexp_error

        error = go_regexp_error(found[-1].decode("utf-8", "replace"))
        if error is not None:
            self.add((*path, number or 0), f"Field {_q(self.name)} has a {where}.pattern that fails to compile: "
                                            f"{error}.")

    def add(self, rule_path: tuple[int, ...], message: str) -> None:
        fd = self.fd
        full = (*fd.path, OPTIONS, FIELD_RULES, *rule_path)
        span = _span(fd.file, full)
        self.lint.add_at(self.rule, fd.file, fd.path, span, message)


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


def _span(file: LintFile, path: tuple[int, ...]) -> tuple[int, int, int, int]:
    """buf's span for an option path: protoc's location for it, else the first one below it (one option
    line setting a sub-field), else the sub-field's text inside the nearest literal protoc recorded."""
    data = file.source_info
    found = find_location(data, path)
    if found is None:
        found = _first_below(file, path)
    if found is not None:
        return file.buf_span(found)
    names = _names(path[path.index(FIELD_RULES) + 1:]) if FIELD_RULES in path else None
    for n in range(len(path) - 1, 0, -1):
        outer = find_location(data, path[:n])
        if outer is not None:
            rest = len(path) - n
            inner = _in_literal(file, outer, names[-rest:]) if names and rest <= len(names) else None
            if inner is not None:
                return inner
            return file.buf_span(outer)
    return 1, 1, 1, 1


def _first_below(file: LintFile, path: tuple[int, ...]) -> Any:
    from workbench.breaking.schema import Span

    for loc in file.proto.source_code_info.location:
        if len(loc.path) > len(path) and tuple(loc.path[:len(path)]) == path:
            s = loc.span
            end_line = s[2] if len(s) == 4 else s[0]
            return Span(s[0] + 1, s[1] + 1, end_line + 1, s[-1] + 1)
    return None


def _in_literal(file: LintFile, outer: Any, names: list[str]) -> tuple[int, int, int, int] | None:
    """`name: value` of the sub-field named `names` (the path below the recorded option) in its text."""
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
    for k, word in enumerate(names):
        hit = _token(flat, word, pos)
        if hit < 0:
            return None
        pos = hit
        if k < len(names) - 1:
            pos = hit + len(word)
    end = _value_end(flat, pos + len(names[-1]))
    start_line, start_index, _ = chars[pos]
    end_line, end_index, _ = chars[end - 1]
    return (start_line, index_column(lines[start_line - 1], start_index),
            end_line, index_column(lines[end_line - 1], end_index + 1))


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
    """End (exclusive) of `: value` or `{...}` after a field name at text[i]."""
    n = len(text)
    while i < n and text[i] in " \t\n:":
        i += 1
    if i < n and text[i] in "{<":
        depth = 0
        while i < n:
            if text[i] in "{<":
                depth += 1
            elif text[i] in "}>":
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
        return min(i + 1, n)
    while i < n and text[i] not in " \t\n,;}]>":
        i += 1
    return i


# FieldRules numbers -> text-format names along a path below the extension
_NESTED = {"repeated": {1: "min_items", 2: "max_items", 4: "items"},
           "map": {1: "min_pairs", 2: "max_pairs", 4: "keys", 5: "values"},
           "string": {2: "min_len", 3: "max_len", 4: "min_bytes", 5: "max_bytes", 6: "pattern", 19: "len",
                      20: "len_bytes"},
           "bytes": {2: "min_len", 3: "max_len", 4: "pattern", 13: "len"}}


def _names(rest: tuple[int, ...]) -> list[str] | None:
    """Text-format names of a path that alternates FieldRules type numbers and their sub-fields."""
    out: list[str] = []
    rules = True  # at a FieldRules (`type` oneof) or inside a type's rules
    current = ""
    for number in rest:
        if rules:
            current = RULE_TYPES.get(number, "")
            if not current:
                return None
            out.append(current)
            rules = False
        else:
            name = _NESTED.get(current, {}).get(number)
            if name is None:
                return None
            out.append(name)
            rules = name in ("items", "keys", "values")
    return out



# ---------------------------------------------------------------- the encoding


def _extension(options: bytes, number: int) -> bytes | None:
    values = _decode(options).get(number)
    return _join(values) if values else None


def _join(values: list[int | bytes]) -> bytes:
    """A sub-message set several times is merged: its encodings concatenated."""
    return b"".join(v for v in values if isinstance(v, bytes))


def _last_int(values: dict[int, list[int | bytes]], number: int) -> int | None:
    found = [v for v in values.get(number, ()) if isinstance(v, int)]
    return found[-1] if found else None


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
