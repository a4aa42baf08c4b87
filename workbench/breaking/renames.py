"""Recognise likely renames and moves behind buf's findings and explain them in the finding's note.

buf reports a renamed field as FIELD_SAME_NAME and a moved message as MESSAGE_NO_DELETE; reviewers
want to know it is "the same thing under a new name / in a new place". The findings stay as buf has them.
"""

from __future__ import annotations

import re

from workbench.breaking.change import Change
from workbench.breaking.schema import EnumInfo, MessageInfo, Schema


def _shape(message: MessageInfo) -> tuple[tuple[int, int, str, int], ...]:
    return tuple(sorted((f.number, f.proto.type, f.type_name.rsplit(".", 1)[-1], f.proto.label)
                        for f in message.fields))


def _enum_shape(enum: EnumInfo) -> tuple[int, ...]:
    return tuple(sorted(v.number for v in enum.proto.value))


def _add(change: Change, note: str) -> None:
    change.note = f"{change.note} {note}".strip() if change.note else note


_DELETED_FIELD = re.compile(r'field "(?P<number>\d+)" with name "(?P<name>[^"]+)"')


def _renumbered(change: Change, before: Schema, after: Schema) -> str:
    """A deleted field whose name and type came back under another number."""
    m = _DELETED_FIELD.search(change.message)
    old_message, new_message = before.messages.get(change.entity), after.messages.get(change.entity)
    if m is None or old_message is None or new_message is None:
        return ""
    old = old_message.fields_by_number.get(int(m["number"]))
    new = new_message.fields_by_name.get(m["name"])
    if old is None or new is None or new.number == old.number:
        return ""
    if (new.proto.type, new.type_name, new.proto.label) != (old.proto.type, old.type_name, old.proto.label):
        return ""
    return (f'Likely renumbered: "{new.name}" is now field {new.number}. To the wire that is a new field: '
            f"old data in field {old.number} is no longer read.")


def explain_renames(changes: list[Change], before: Schema, after: Schema) -> None:
    new_messages = {m.full_name: m for m in after.target_messages() if m.full_name not in before.messages}
    new_enums = {e.full_name: e for e in after.target_enums() if e.full_name not in before.enums}
    after_by_nested: dict[str, list[MessageInfo]] = {}
    for m in after.target_messages():
        after_by_nested.setdefault(m.nested_name, []).append(m)
    for c in changes:
        if c.rule.startswith("FIELD_NO_DELETE"):
            note = _renumbered(c, before, after)
            if note:
                _add(c, note)
            continue
        if c.rule == "FIELD_SAME_NAME":
            _add(c, "A rename: same number, new name. The wire format is unchanged; JSON (unless json_name "
                    "pins it) and generated code are not.")
            continue
        if c.rule == "FIELD_SAME_JSON_NAME":
            _add(c, "Same field, new JSON name: binary readers are fine, JSON readers and writers break.")
            continue
        if c.rule in ("MESSAGE_NO_DELETE", "PACKAGE_MESSAGE_NO_DELETE"):
            old = before.messages.get(c.entity)
            if old is None:
                continue
            moved = after.messages.get(c.entity)
            if moved is not None and moved.file.path != old.file.path:
                _add(c, f'Moved, not deleted: "{c.entity}" is now in {moved.file.path} (same package). '
                        "Only generated-code imports break.")
                continue
            elsewhere = [m for m in after_by_nested.get(old.nested_name, []) if m.full_name != old.full_name]
            if elsewhere:
                _add(c, f'Moved to package "{elsewhere[0].file.package}" as "{elsewhere[0].full_name}" '
                        f"({elsewhere[0].file.path}).")
                continue
            shape = _shape(old)
            twins = [m for m in new_messages.values() if m.file.package == old.file.package and _shape(m) == shape
                     and m.fields]
            if len(twins) == 1:
                _add(c, f'Likely renamed to "{twins[0].full_name}": same fields (numbers, types), new name.')
        elif c.rule in ("ENUM_NO_DELETE", "PACKAGE_ENUM_NO_DELETE"):
            old_enum = before.enums.get(c.entity)
            if old_enum is None:
                continue
            moved_enum = after.enums.get(c.entity)
            if moved_enum is not None and moved_enum.file.path != old_enum.file.path:
                _add(c, f'Moved, not deleted: "{c.entity}" is now in {moved_enum.file.path}.')
                continue
            twins_e = [e for e in new_enums.values() if _enum_shape(e) == _enum_shape(old_enum)]
            if len(twins_e) == 1:
                _add(c, f'Likely renamed to "{twins_e[0].full_name}": same value numbers, new name.')
        elif c.rule == "FILE_NO_DELETE":
            old_file = before.files.get(c.against_file)
            if old_file is None:
                continue
            names = {m.full_name for m in old_file.messages}
            targets = {after.messages[n].file.path for n in names if n in after.messages}
            if names and len(targets) == 1:
                _add(c, f"Moved or renamed: its messages are now in {targets.pop()}.")
