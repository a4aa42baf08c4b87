"""Predefined rules on `example` values, as buf 1.75 runs them through protovalidate.

A predefined rule is an extension of a buf.validate rules message (`extend buf.validate.StringRules {
optional int32 my_max = 1001 [(buf.validate.predefined).cel = {...}]; }`) set beside the standard rules
(`(buf.validate.field).string = {[pkg.my_max]: 3, example: "abcd"}`). buf reparses the rules with the
image's extensions, so a known extension counts as a rule (the examples are then checked) and its CEL
rules run on each example with `this` the example and `rule` the extension's value. One that does not
compile (or that cel-go cannot plan) keeps buf from checking the field's examples. `rules`, the whole
rules message, is empty when buf runs examples (buf-bin: beside `max_len: 2`, `rules.max_len == 0u` holds
and `has(rules.max_len)` does not): every scalar and list field reads as its zero value.
"""

from __future__ import annotations

from workbench.lint.protovalidate_rules import EXTENSIONS_FROM

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from workbench.lint.protovalidate_rules import Values
    from workbench.lint.rules import Lint

# the rules message a rule type's extensions extend
RULES_MESSAGE = {"float": "FloatRules", "double": "DoubleRules", "int32": "Int32Rules", "int64": "Int64Rules",
                 "uint32": "UInt32Rules", "uint64": "UInt64Rules", "sint32": "SInt32Rules", "sint64": "SInt64Rules",
                 "fixed32": "Fixed32Rules", "fixed64": "Fixed64Rules", "sfixed32": "SFixed32Rules",
                 "sfixed64": "SFixed64Rules", "bool": "BoolRules", "string": "StringRules", "bytes": "BytesRules",
                 "enum": "EnumRules", "duration": "DurationRules", "timestamp": "TimestampRules",
                 "field_mask": "FieldMaskRules"}
# FieldDescriptorProto.Type -> the rule type whose values decode the same way
_VALUE_KIND = {1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool",
               9: "string", 12: "bytes", 13: "uint32", 14: "enum", 15: "sfixed32", 16: "sfixed64", 17: "sint32",
               18: "sint64"}
_MESSAGE_KIND = {".google.protobuf.Duration": "duration", ".google.protobuf.Timestamp": "timestamp"}
LABEL_REPEATED = 3


class Predefined:
    """The predefined rules one rules message sets: how many buf counts, and their CEL rules with `rule`
    bound (None: one of them keeps buf from checking the examples)."""

    def __init__(self, count: int, rules: list[tuple[str, str, str, Any]] | None, empty: Any = None) -> None:
        self.count, self.rules = count, rules
        self.empty = empty  # CEL's `rules`: the rules message as buf binds it, with nothing set


def has_extensions(rules: Values) -> bool:
    return any(n >= EXTENSIONS_FROM for n in rules)


def predefined(lint: Lint, rule_type: str, rules: Values) -> Predefined:
    extendee = f".buf.validate.{RULES_MESSAGE.get(rule_type, '')}"
    known = _extensions(lint, extendee)
    count = 0
    out: list[tuple[str, str, str, Any]] | None = []
    for number in sorted(n for n in rules if n >= EXTENSIONS_FROM):
        ext = known.get(number)
        if ext is None:
            continue  # an unknown field to buf's resolver: not a rule
        count += 1
        cel = _cel_rules(ext)
        if not cel or out is None:
            continue
        if not _compiles(lint, ext, rule_type):
            out = None
            continue
        value = _rule_value(ext, rules[number])
        out += [(id_, message, expression, value) for id_, message, expression in cel]
    return Predefined(count, out, _empty_rules(lint, extendee.lstrip(".")))


_ZEROS = {1: 0.0, 2: 0.0, 3: 0, 5: 0, 14: 0, 15: 0, 16: 0, 17: 0, 18: 0, 8: False, 9: "", 12: b""}
_UNSIGNED = (4, 6, 7, 13)


def _empty_rules(lint: Lint, full_name: str) -> Any:
    """The rules message with no field set, as CEL reads it (a message-typed field is left unmodelled)."""
    from workbench.lint.cel_values import Message, UInt
    from workbench.lint.protovalidate import _messages

    fields: dict[str, object] = {}
    m = _messages(lint).get(full_name)
    for f in m.field if m is not None else ():
        if f.label == LABEL_REPEATED:
            fields[f.name] = []
        elif f.type in _UNSIGNED:
            fields[f.name] = UInt(0)
        elif f.type in _ZEROS:
            fields[f.name] = _ZEROS[f.type]
    return Message(full_name, fields)


def _extensions(lint: Lint, extendee: str) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for f in lint.all_files.values():
        stack = list(f.proto.message_type)
        extensions = list(f.proto.extension)
        while stack:
            m = stack.pop()
            extensions += m.extension
            stack += m.nested_type
        for ext in extensions:
            if ext.extendee == extendee:
                found[ext.number] = ext
    return found


def _cel_rules(ext: Any) -> list[tuple[str, str, str]]:
    from workbench.lint.protovalidate import CEL_RULES, _decode
    from workbench.lint.protovalidate_cel import PREDEFINED, PREDEFINED_CEL
    from workbench.lint.protovalidate_cel_eval import field_cel_rules

    data = _decode(ext.options.SerializeToString()).get(PREDEFINED)
    if not data:
        return []
    fields = _decode(b"".join(v for v in data if isinstance(v, bytes)))
    return field_cel_rules({CEL_RULES: fields.get(PREDEFINED_CEL, [])})  # PredefinedRules.cel: Rule as FieldRules.cel


def _compiles(lint: Lint, ext: Any, rule_type: str) -> bool:
    """Whether each of the extension's CEL rules compiles (buf reports those that do not, elsewhere) and plans."""
    from workbench.lint.protovalidate import _decode
    from workbench.lint.protovalidate_cel import PREDEFINED, PREDEFINED_CEL, RULES_THIS, _check, field_this
    from workbench.lint.protovalidate_cel_eval import plans

    data = _decode(ext.options.SerializeToString()).get(PREDEFINED, [])
    fields = _decode(b"".join(v for v in data if isinstance(v, bytes)))
    name = RULES_MESSAGE[rule_type]
    extra = {"rule": field_this(lint, ext, True), "rules": ("message", f"buf.validate.{name}")}
    if not _check(lint, fields, PREDEFINED_CEL, 0, "", "extension field", RULES_THIS[name], lambda *_: None, extra):
        return False
    return all(plans(expression) for _, _, expression in _cel_rules(ext))


def _rule_value(ext: Any, raw: list[int | bytes]) -> Any:
    """The extension's value as CEL's `rule` (a list for a repeated one); Unsupported left as None."""
    from workbench.lint.protovalidate_examples import _values, cel_value

    kind = _VALUE_KIND.get(ext.type) or _MESSAGE_KIND.get(ext.type_name)
    if kind is None:
        return _UNSUPPORTED
    values = _values(kind, raw)
    if values is None:
        return _UNSUPPORTED
    shown = [cel_value(kind, v) for v in values]
    if any(v is None for v in shown):
        return _UNSUPPORTED
    if ext.label == LABEL_REPEATED:
        return shown
    return shown[-1] if shown else _UNSUPPORTED


_UNSUPPORTED = object()  # a `rule` value not modelled here: the rule's verdict is left to buf


def evaluate(rules: list[tuple[str, str, str, Any]], this: Any, empty: Any) -> list[tuple[str, str]]:
    """What the predefined rules say of an example (those evaluated here)."""
    from workbench.lint.protovalidate_cel_eval import cel_violations

    out: list[tuple[str, str]] = []
    for id_, message, expression, value in rules:
        if value is not _UNSUPPORTED:
            out += cel_violations([(id_, message, expression)], this, {"rule": value, "rules": empty}) or []
    return out
