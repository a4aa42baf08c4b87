"""Message-level rules: deleted fields and oneofs, reserved and extension ranges, message options."""

from __future__ import annotations

from workbench.breaking.change import Pair, q
from workbench.breaking.rules import Emit, Handler, for_message_pairs
from workbench.breaking.rules.ranges import removed_ranges
from workbench.breaking.schema import FDP, JSON_FORMAT_NAMES, MSG_OPTIONS, MessageInfo


def field_no_delete(unless_reserved: str | None) -> Handler:
    """FIELD_NO_DELETE, or its variant that accepts a deletion whose "number" or "name" is reserved."""
    def check(p: Pair, emit: Emit, before: MessageInfo, after: MessageInfo) -> None:
        _field_no_delete(emit, before, after, unless_reserved == "number", unless_reserved == "name")
    return for_message_pairs(check)


def _field_no_delete(emit: Emit, before: MessageInfo, after: MessageInfo, by_number: bool, by_name: bool) -> None:
    current = after.fields_by_number
    for number, field in before.fields_by_number.items():
        if number in current:
            continue
        if by_number and any(a <= number <= b for a, b in after.reserved_ranges()):
            continue
        if by_name and field.name in after.reserved_names:
            continue
        suffix = ""
        if by_number:
            suffix = f' without reserving the number "{number}"'
        elif by_name:
            suffix = f" without reserving the name {q(field.name)}"
        desc = field.description()
        # the before side points at the deleted field itself, so its snippet shows what went
        emit(f"Previously present {desc[0].lower()}{desc[1:]} was deleted{suffix}.",
             after.file, [after.path], before.file, [field.path, before.path], after.full_name)


def message_no_remove_standard_descriptor_accessor(p: Pair, emit: Emit, before: MessageInfo, after: MessageInfo) -> None:
    if not before.proto.options.no_standard_descriptor_accessor and \
            after.proto.options.no_standard_descriptor_accessor:
        path = (*after.path, MSG_OPTIONS, 2)
        emit('Message option "no_standard_descriptor_accessor" changed from "false" to "true".',
             after.file, [path], before.file, [(*before.path, MSG_OPTIONS, 2)], after.full_name)


def message_same_json_format(p: Pair, emit: Emit, before: MessageInfo, after: MessageInfo) -> None:
    old, new = before.features["json_format"], after.features["json_format"]
    if old == 1 and new != 1:
        emit(f"Message {q(after.name)} JSON format support changed from "
             f"{JSON_FORMAT_NAMES[old]} to {JSON_FORMAT_NAMES.get(new, new)}.",
             after.file, [(*after.path, MSG_OPTIONS, 12, 6), after.path],
             before.file, [(*before.path, MSG_OPTIONS, 12, 6), before.path], after.full_name)


def _required(message: MessageInfo) -> dict[int, object]:
    return {f.number: f for f in message.fields if f.proto.label == FDP.LABEL_REQUIRED}


def message_same_required_fields(p: Pair, emit: Emit, before: MessageInfo, after: MessageInfo) -> None:
    tail = ("Required fields must always be sent, so if one side does not know about the required field, "
            "this will result in a breakage.")
    old, new = _required(before), _required(after)
    for number in old:
        if number not in new:
            emit(f'Message {q(before.name)} had required field "{number}" deleted. {tail}',
                 after.file, [after.path], before.file, [before.path], after.full_name)
    for number in new:
        if number not in old:
            emit(f'Message {q(after.name)} had required field "{number}" added. {tail}',
                 after.file, [after.fields_by_number[number].path], entity=after.full_name)


def oneof_no_delete(p: Pair, emit: Emit, before: MessageInfo, after: MessageInfo) -> None:
    names = {o.name for o in after.oneofs}
    for oneof in before.oneofs:
        if oneof.name not in names and not oneof.synthetic:
            emit(f"Previously present oneof {q(oneof.name)} on message {q(after.name)} was deleted.",
                 after.file, [after.path], before.file, [oneof.path, before.path], after.full_name)


def reserved_message_no_delete(p: Pair, emit: Emit, before: MessageInfo, after: MessageInfo) -> None:
    for old, removed in removed_ranges(before.reserved_ranges(), after.reserved_ranges(), after.range_max):
        emit(f"Previously present reserved range {q(old)} on message {q(after.name)} is missing values: "
             f"{removed} were removed.", after.file, [after.path], before.file, [before.path],
             after.full_name)
    names = set(after.reserved_names)
    for name in before.reserved_names:
        if name not in names:
            emit(f"Previously present reserved name {q(name)} on message {q(after.name)} was deleted.",
                 after.file, [after.path], before.file, [before.path], after.full_name)


def extension_message_no_delete(p: Pair, emit: Emit, before: MessageInfo, after: MessageInfo) -> None:
    for old, removed in removed_ranges(before.extension_ranges(), after.extension_ranges(), after.range_max):
        emit(f"Previously present extension range {q(old)} on message {q(after.name)} is missing values: "
             f"{removed} were removed.", after.file, [after.path], before.file, [before.path],
             after.full_name)
