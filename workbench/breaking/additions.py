"""Additive (compatible) proto changes: what appeared, listed so reviewers see the whole change."""

from __future__ import annotations

from workbench.breaking.change import COMPATIBLE, Change, Pair
from workbench.breaking.schema import FileInfo, Schema


def _at(file: FileInfo, path: tuple[int, ...], rule: str, message: str, entity: str) -> Change:
    span = file.span(path)
    line, col = (span.line, span.column) if span else (1, 1)
    end = span.end_line if span else line
    return Change(rule, file.path, line, col, message, kind=COMPATIBLE, end_line=end, entity=entity)


def additions(before: Schema, after: Schema) -> list[Change]:
    out: list[Change] = []
    pair = Pair(before, after)
    before_messages = {m.full_name: m for m in before.target_messages()}
    before_enums = {e.full_name: e for e in before.target_enums()}
    before_services = {s.full_name: s for s in before.target_services()}
    for path in after.files:
        if path not in before.files:
            out.append(Change("FILE_ADDED", path, 1, 1, f'File "{path}" was added.', kind=COMPATIBLE))
    for m in after.target_messages():
        if m.is_map_entry:
            continue
        old = before_messages.get(m.full_name)
        if old is None:
            out.append(_at(m.file, m.path, "MESSAGE_ADDED", f'Message "{m.full_name}" was added.', m.full_name))
            continue
        if pair.unchanged(old, m):
            continue
        for number, f in m.fields_by_number.items():
            if number not in old.fields_by_number:
                out.append(_at(m.file, f.path, "FIELD_ADDED",
                               f'Field "{number}" with name "{f.name}" was added to message "{m.name}".',
                               m.full_name))
    for e in after.target_enums():
        old_enum = before_enums.get(e.full_name)
        if old_enum is None:
            out.append(_at(e.file, e.path, "ENUM_ADDED", f'Enum "{e.full_name}" was added.', e.full_name))
            continue
        if old_enum.fingerprint == e.fingerprint:
            continue
        for number, names in e.values_by_number.items():
            for name, (index, _v) in names.items():
                if name not in old_enum.values_by_name:
                    out.append(_at(e.file, e.value_path(index), "ENUM_VALUE_ADDED",
                                   f'Enum value "{name}" ({number}) was added to enum "{e.name}".', e.full_name))
    for s in after.target_services():
        old_service = before_services.get(s.full_name)
        if old_service is None:
            out.append(_at(s.file, s.path, "SERVICE_ADDED", f'Service "{s.full_name}" was added.', s.full_name))
            continue
        for name, (i, _m) in s.methods.items():
            if name not in old_service.methods:
                out.append(_at(s.file, s.method_path(i), "RPC_ADDED",
                               f'RPC "{name}" was added to service "{s.name}".', s.full_name))
    return out
