"""PROTOVALIDATE's CEL part: the `cel` and `cel_expression` rules of fields and messages, as buf 1.75 checks them.

Per rule, with buf's messages: an id with characters other than a-z, A-Z, 0-9, '.', '_', '-'; an id
used twice in one list (a finding at each); an empty expression; an expression that does not compile
(cel-go's issue text, see cel_check.py); a result other than bool or string; a string result beside a
`message` (the message would never be shown). buf 1.75 no longer reports a missing id or message.
`this` is the field's value (a list or map for the field's own rules, an item, key or value below
`repeated.items`, `map.keys`, `map.values`), or the message; `now` is a timestamp.
"""

from __future__ import annotations

from workbench.breaking.unicode15 import go_is_print
from workbench.lint.cel_check import (
    ANY,
    BOOL,
    BYTES,
    DOUBLE,
    DURATION,
    DYN,
    ERROR,
    INT,
    STRING,
    TIMESTAMP,
    UINT,
    compile_expression,
    fmt,
    unify,
)
from workbench.lint.protovalidate import (
    CEL_EXPRESSIONS,
    CEL_RULES,
    LABEL_REPEATED,
    TYPE_MESSAGE,
    _decode,
    _messages,
    _q,
    _span,
    _walk,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from workbench.lint.cel_check import Type
    from workbench.lint.rules import Element, Lint

MESSAGE_RULES, MESSAGE_CEL, MESSAGE_CEL_EXPRESSION = 1159, 3, 5  # MessageOptions ext., MessageRules fields
MESSAGE_OPTIONS = 7  # DescriptorProto.options
RULE_ID, RULE_MESSAGE, RULE_EXPRESSION = 1, 2, 3
ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
SCALARS: dict[int, Type] = {1: DOUBLE, 2: DOUBLE, 3: INT, 4: UINT, 5: INT, 6: UINT, 7: UINT, 8: BOOL, 9: STRING,
                            12: BYTES, 13: UINT, 14: INT, 15: INT, 16: INT, 17: INT, 18: INT}
WELL_KNOWN: dict[str, Type] = {
    "google.protobuf.Timestamp": TIMESTAMP, "google.protobuf.Duration": DURATION,
    "google.protobuf.Any": ANY, "google.protobuf.Value": DYN, "google.protobuf.Struct": ("map", STRING, DYN),
    "google.protobuf.ListValue": ("list", DYN),
    "google.protobuf.DoubleValue": ("wrapper", DOUBLE), "google.protobuf.FloatValue": ("wrapper", DOUBLE),
    "google.protobuf.Int64Value": ("wrapper", INT), "google.protobuf.Int32Value": ("wrapper", INT),
    "google.protobuf.UInt64Value": ("wrapper", UINT), "google.protobuf.UInt32Value": ("wrapper", UINT),
    "google.protobuf.BoolValue": ("wrapper", BOOL), "google.protobuf.StringValue": ("wrapper", STRING),
    "google.protobuf.BytesValue": ("wrapper", BYTES),
}


def field_this(lint: Lint, fd: Any, whole: bool) -> Type:
    """CEL's type of a field's value: the list or map itself when `whole`, else one item."""
    entry = _entry(lint, fd)
    if whole and entry is not None:
        key, value = (next((f for f in entry.field if f.number == n), None) for n in (1, 2))
        return ("map", field_this(lint, key, False), field_this(lint, value, False))
    if whole and getattr(fd, "label", 0) == LABEL_REPEATED:
        return ("list", field_this(lint, fd, False))
    kind = getattr(fd, "type", 0)
    if kind in (TYPE_MESSAGE, 10):
        name = getattr(fd, "type_name", "").lstrip(".")
        return WELL_KNOWN.get(name, ("message", name))
    return SCALARS.get(kind, DYN)


def _entry(lint: Lint, fd: Any) -> Any:
    if fd is None or getattr(fd, "type", 0) != TYPE_MESSAGE or getattr(fd, "label", 0) != LABEL_REPEATED:
        return None
    m = _messages(lint).get(getattr(fd, "type_name", "").lstrip("."))
    return m if m is not None and m.options.map_entry else None


class _Scope:
    """Message fields' CEL types, looked up by the expression's selections."""

    def __init__(self, lint: Lint) -> None:
        self.lint = lint
        self.cache: dict[str, dict[str, Type] | None] = {}
        self._names: dict[str, Type] | None = None

    def fields(self, full_name: str) -> dict[str, Type] | None:
        if full_name not in self.cache:
            m = _messages(self.lint).get(full_name)
            self.cache[full_name] = None if m is None else {f.name: field_this(self.lint, f, True) for f in m.field}
        return self.cache[full_name]


    def names(self, qualified: str) -> Type | None:
        """An enum value (int) or a message or enum type (type) by its full name."""
        if self._names is None:
            self._names = {}
            for f in self.lint.all_files.values():
                package = f.proto.package
                for enum in f.proto.enum_type:
                    self._enum(package, enum)
                for name, m in _walk(package, f.proto.message_type):
                    self._names[name] = ("type",)
                    for enum in m.enum_type:
                        self._enum(name, enum)
        return self._names.get(qualified.lstrip("."))

    def _enum(self, scope: str, enum: Any) -> None:
        assert self._names is not None
        name = f"{scope}.{enum.name}" if scope else enum.name
        self._names[name] = ("type",)
        for value in enum.value:
            self._names[f"{name}.{value.name}"] = INT


def _scope(lint: Lint) -> _Scope:
    found: _Scope | None = getattr(lint, "_protovalidate_scope", None)
    if found is None:
        found = _Scope(lint)
        lint._protovalidate_scope = found  # type: ignore[attr-defined]
    return found


def check_field_cel(lint: Lint, rule: str, fd: Element, fields: dict[int, list[int | bytes]], at: tuple[int, ...],
                    name: str, this: Type, options_path: tuple[int, ...]) -> bool:
    """The cel/cel_expression rules in one FieldRules (the field's own, or items/keys/values below it);
    whether protovalidate compiles them all."""
    if CEL_RULES not in fields and CEL_EXPRESSIONS not in fields:
        return True
    owner = f"field {_q(fd.proto.name)}"

    def add(path: tuple[int, ...], message: str) -> None:
        full = (*fd.path, *options_path, *at, *path)
        lint.add_at(rule, fd.file, fd.path, _span(fd.file, full), message)

    return _check(lint, fields, CEL_RULES, CEL_EXPRESSIONS, name, owner, this, add)


def field_cel_compiles(lint: Lint, fields: dict[int, list[int | bytes]], this: Type) -> bool:
    """Whether every cel/cel_expression rule of one FieldRules compiles (nothing reported), and cel-go can
    plan a program of it (cel_plan.plan_fails)."""
    if not _check(lint, fields, CEL_RULES, CEL_EXPRESSIONS, "", "field", this, lambda *_: None):
        return False
    from workbench.lint.protovalidate_cel_eval import field_cel_rules, plans

    return all(plans(expression) for _, _, expression in field_cel_rules(fields))


def check_message_cel(lint: Lint, rule: str) -> None:
    for m in lint.messages():
        if not m.proto.HasField("options"):
            continue
        data = _decode(m.proto.options.SerializeToString()).get(MESSAGE_RULES)
        if not data:
            continue
        fields = _decode(b"".join(v for v in data if isinstance(v, bytes)))
        if MESSAGE_CEL not in fields and MESSAGE_CEL_EXPRESSION not in fields:
            continue
        element = m

        def add(path: tuple[int, ...], message: str, element: Element = element) -> None:
            full = (*element.path, MESSAGE_OPTIONS, MESSAGE_RULES, *path)
            lint.add_at(rule, element.file, element.path, _span(element.file, full), message)

        _check(lint, fields, MESSAGE_CEL, MESSAGE_CEL_EXPRESSION, "(buf.validate.message)",
               f"message {_q(m.proto.name)}", ("message", _full_name(m)), add)


PREDEFINED, PREDEFINED_CEL, FIELD_OPTIONS = 1160, 1, 8  # FieldOptions ext. buf.validate.predefined, its cel
# what `this` is in a predefined rule, by the rules message it extends
RULES_THIS: dict[str, Type] = {
    "FloatRules": DOUBLE, "DoubleRules": DOUBLE, "Int32Rules": INT, "Int64Rules": INT, "SInt32Rules": INT,
    "SInt64Rules": INT, "SFixed32Rules": INT, "SFixed64Rules": INT, "UInt32Rules": UINT, "UInt64Rules": UINT,
    "Fixed32Rules": UINT, "Fixed64Rules": UINT, "BoolRules": BOOL, "StringRules": STRING, "BytesRules": BYTES,
    "EnumRules": INT, "RepeatedRules": ("list", DYN), "MapRules": ("map", DYN, DYN), "AnyRules": DYN,
    "DurationRules": DURATION, "TimestampRules": TIMESTAMP, "FieldMaskRules": ("message", "google.protobuf.FieldMask"),
}


def check_predefined_cel(lint: Lint, rule: str) -> None:
    """Extensions of buf.validate.*Rules with `(buf.validate.predefined).cel`: `this` the value, `rule` the
    extension's value, `rules` the rules message (buf names the owner "extension field", no name)."""
    for ext in lint.fields():
        extendee = ext.proto.extendee.lstrip(".")
        if not extendee.startswith("buf.validate.") or extendee[len("buf.validate."):] not in RULES_THIS:
            continue
        data = _decode(ext.proto.options.SerializeToString()).get(PREDEFINED)
        if not data:
            continue
        fields = _decode(b"".join(v for v in data if isinstance(v, bytes)))
        if PREDEFINED_CEL not in fields:
            continue
        element = ext

        def add(path: tuple[int, ...], message: str, element: Element = element) -> None:
            full = (*element.path, FIELD_OPTIONS, PREDEFINED, *path)
            lint.add_at(rule, element.file, element.path, _span(element.file, full), message)

        this = RULES_THIS[extendee[len("buf.validate."):]]
        extra = {"rule": field_this(lint, ext.proto, True), "rules": ("message", extendee)}
        _check(lint, fields, PREDEFINED_CEL, 0, "(buf.validate.predefined)", "extension field", this, add, extra)


def _full_name(m: Element) -> str:
    names = []
    e: Element | None = m
    while e is not None:
        names.append(e.proto.name)
        e = e.parent
    package = m.file.proto.package
    return ".".join([package, *reversed(names)] if package else reversed(names))


def _check(lint: Lint, fields: dict[int, list[int | bytes]], cel_number: int, expression_number: int, name: str,
           owner: str, this: Type, add: Any, extra: dict[str, Type] | None = None) -> bool:
    """Each rule's findings; whether all of them compile (to a bool or a string)."""
    scope = _scope(lint)
    compiled = True
    variables: dict[str, Type] = {"this": this, "now": TIMESTAMP, **(extra or {})}
    capital = owner[0].upper() + owner[1:]
    cel_name = f"{name}.cel"
    ids: dict[str, list[int]] = {}
    for index, raw in enumerate(v for v in fields.get(cel_number, ()) if isinstance(v, bytes)):
        rule = _decode(raw)
        rule_id = _text(rule, RULE_ID)
        path = (cel_number, index)
        if rule_id:
            if any(ch not in ID_CHARS for ch in rule_id):
                add(path, f"{capital} has invalid characters for {cel_name}.id. IDs must contain only characters "
                          f"a-z, A-Z, 0-9, '.', '_', '-'.")
            ids.setdefault(rule_id, []).append(index)
        compiled &= _expression(_text(rule, RULE_EXPRESSION), _text(rule, RULE_MESSAGE), f"{cel_name}.expression",
                                cel_name, capital, owner, variables, scope, lambda m, path=path: add(path, m))
    for rule_id, indexes in ids.items():
        if len(indexes) > 1:
            for index in indexes:
                add((cel_number, index), f"{cel_name}.id ({_go_quote(rule_id)}) is not unique within {owner}.")
    plain = f"{name}.cel_expression"
    for index, raw in enumerate(v for v in fields.get(expression_number, ()) if isinstance(v, bytes)):
        path = (expression_number, index)
        compiled &= _expression(raw.decode("utf-8", "replace"), "", plain, plain, capital, owner, variables, scope,
                                lambda m, path=path: add(path, m))
    return compiled


def _expression(expression: str, message: str, shown: str, rule_name: str, capital: str, owner: str,
                variables: dict[str, Type], scope: _Scope, add: Any) -> bool:
    """The expression's findings; whether it compiles to a bool or a string."""
    if not expression.strip():
        add(f"{capital} has an empty {shown}. Expressions should always be specified.")
        return False
    result, issues = compile_expression(expression, variables, scope.fields, scope.names)
    compiled = result != ERROR
    if result != ERROR:
        if unify(result, BOOL) is not None:
            pass
        elif unify(result, STRING) is not None:
            if message:
                add(f"{capital} has a {rule_name} with an expression that evaluates to a string, and also has a "
                    f"message. The message is redundant - since the expression evaluates to a string, its result "
                    f"will be printed instead of the message, so the message should be removed.")
        else:
            add(f"{shown} on {owner} evaluates to a {fmt(result)}, only string and boolean are allowed.")
            compiled = False
    for issue in issues:
        add(f"{shown} on {owner} fails to compile: {issue}")
    return compiled


def _text(values: dict[int, list[int | bytes]], number: int) -> str:
    found = [v for v in values.get(number, ()) if isinstance(v, bytes)]
    return found[-1].decode("utf-8", "replace") if found else ""


def _go_quote(text: str) -> str:
    """Go's %q for an id that passed or failed the character check (printable text is kept as is)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif go_is_print(ch):  # Go's IsPrint at its Unicode 15.0, not Python's version
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'
