"""PROTOVALIDATE's `(buf.validate.message).oneof` entries, as buf 1.75's buflintvalidate/message.go checks them.

Per entry: no fields; a field named twice in it; a field the message does not have. Across entries:
a field in more than one entry, reported at each entry that has it (one finding per distinct place).
"""

from __future__ import annotations

from workbench.lint.protovalidate import MESSAGE_ROOT, _decode, _join, _q, _span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from workbench.lint.rules import Element, Lint

MESSAGE_RULES, ONEOF, FIELDS = 1159, 4, 1  # MessageOptions extension; MessageRules.oneof; MessageOneofRule.fields
MESSAGE_OPTIONS = 7  # DescriptorProto.options


def check_message_oneofs(lint: Lint, rule: str) -> None:
    for m in lint.messages():
        if not m.proto.HasField("options"):
            continue
        data = _decode(m.proto.options.SerializeToString()).get(MESSAGE_RULES)
        if data:
            entries = [v for v in _decode(_join(data)).get(ONEOF, ()) if isinstance(v, bytes)]
            if entries:
                _check(lint, rule, m, entries)


def _check(lint: Lint, rule: str, m: Element, entries: list[bytes]) -> None:
    name = _q(m.proto.name)
    defined = {f.name for f in m.proto.field}

    def add(path: tuple[int, ...], message: str) -> None:
        span = _span(m.file, (*m.path, MESSAGE_OPTIONS, MESSAGE_RULES, *path), MESSAGE_ROOT)
        lint.add_at(rule, m.file, m.path, span, message)

    in_entries: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        fields = [v.decode("utf-8", "surrogateescape") for v in _decode(entry).get(FIELDS, ()) if isinstance(v, bytes)]
        if not fields:
            add((ONEOF, i), f"Message {name} has a (buf.validate.message).oneof entry with no fields. Each oneof "
                            f"entry must specify at least one field.")
            continue
        seen: set[str] = set()
        for j, field in enumerate(fields):
            at = (ONEOF, i, FIELDS, j)
            if field in seen:
                add(at, f"Message {name} has a (buf.validate.message).oneof entry that references field {_q(field)} "
                        f"more than once. Duplicate field names are not permitted.")
                continue
            seen.add(field)
            if field not in defined:
                add(at, f"Message {name} has a (buf.validate.message).oneof entry that references field {_q(field)}, "
                        f"which is not defined in the message.")
                continue
            in_entries.setdefault(field, []).append(i)
    for field, indexes in in_entries.items():
        if len(indexes) < 2:
            continue
        spans = dict.fromkeys(_span(m.file, (*m.path, MESSAGE_OPTIONS, MESSAGE_RULES, ONEOF, i), MESSAGE_ROOT)
                              for i in indexes)
        for span in spans:
            lint.add_at(rule, m.file, m.path, span, f"Message {name} references field {_q(field)} in more than one "
                                                    f"(buf.validate.message).oneof entry. A field may only appear in "
                                                    f"one oneof entry.")
