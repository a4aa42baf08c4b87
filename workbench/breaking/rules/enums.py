"""Enum rules: deleted values, renamed values (aliases aware), reserved ranges, open/closed, JSON format."""

from __future__ import annotations

from collections.abc import Callable

from workbench.breaking.change import Pair, q
from workbench.breaking.rules import Emit, Handler
from workbench.breaking.rules.ranges import removed_ranges
from workbench.breaking.schema import ENUM_OPTIONS, ENUM_RANGE_MAX, JSON_FORMAT_NAMES, EnumInfo


def enum_pairs(p: Pair) -> list[tuple[EnumInfo, EnumInfo]]:
    """Enum pairs by full name, minus those identical in bytes and inherited context."""
    after = {e.full_name: e for e in p.after.target_enums()}
    out = []
    for b in p.before.target_enums():
        a = after.get(b.full_name)
        if a is None:
            continue
        same_parents = (b.parent is None) == (a.parent is None) and \
            (b.parent is None or b.parent.top.fingerprint == a.parent.top.fingerprint)  # type: ignore[union-attr]
        if a.fingerprint == b.fingerprint and a.file.context == b.file.context and same_parents:
            continue
        out.append((b, a))
    return out


def for_enum_pairs(check: Callable[[Pair, Emit, EnumInfo, EnumInfo], None]) -> Handler:
    def handler(p: Pair, emit: Emit) -> None:
        for before, after in enum_pairs(p):
            check(p, emit, before, after)
    return handler


def enum_value_no_delete(unless_reserved: str | None) -> Handler:
    """ENUM_VALUE_NO_DELETE, or its variant that accepts a deletion whose "number" or "name" is reserved."""
    def check(p: Pair, emit: Emit, before: EnumInfo, after: EnumInfo) -> None:
        _enum_value_no_delete(emit, before, after, unless_reserved == "number", unless_reserved == "name")
    return for_enum_pairs(check)


def _enum_value_no_delete(emit: Emit, before: EnumInfo, after: EnumInfo, by_number: bool, by_name: bool) -> None:
    current = after.values_by_number
    for number, names in before.values_by_number.items():
        if number in current:
            continue
        if by_number and any(a <= number <= b for a, b in after.reserved_ranges()):
            continue
        if by_name and all(n in after.proto.reserved_name for n in names):
            continue
        suffix = ""
        if by_number:
            suffix = f' without reserving the number "{number}"'
        elif by_name:
            plural = "s" if len(names) > 1 else ""
            suffix = f" without reserving the name{plural} " + ", ".join(q(n) for n in sorted(names))
        first_index = min(i for i, _v in names.values())
        emit(f'Previously present enum value "{number}" on enum {q(after.name)} was deleted{suffix}.',
             after.file, [after.path], before.file, [before.value_path(first_index), before.path],
             after.full_name)


def enum_value_same_name(p: Pair, emit: Emit, before: EnumInfo, after: EnumInfo) -> None:
    current = after.values_by_number
    for number, old_names in before.values_by_number.items():
        new_names = current.get(number)
        if new_names is None:
            continue
        # every previous name must still be there (aliases may be added, not dropped or renamed)
        if set(old_names) <= set(new_names):
            continue
        plural = "s" if len(old_names) > 1 and len(new_names) > 1 else ""
        old_text = ", ".join(q(n) for n in sorted(old_names))
        new_text = ", ".join(q(n) for n in sorted(new_names))
        for name, (index, _value) in new_names.items():
            before_path = None
            if name in old_names:
                before_path = (*before.value_path(old_names[name][0]), 2)
            # buf points into the base only for a name the value had there: a new name has no
            # against location (and so the base's ignores do not reach it)
            emit(f'Enum value "{number}" on enum {q(after.name)} changed name{plural} from {old_text} to '
                 f"{new_text}.", after.file, [(*after.value_path(index), 2)],
                 before.file if before_path is not None else None, [before_path], after.full_name)


def reserved_enum_no_delete(p: Pair, emit: Emit, before: EnumInfo, after: EnumInfo) -> None:
    for old, removed in removed_ranges(before.reserved_ranges(), after.reserved_ranges(), ENUM_RANGE_MAX):
        emit(f"Previously present reserved range {q(old)} on enum {q(after.name)} is missing values: "
             f"{removed} were removed.", after.file, [after.path], before.file, [before.path],
             after.full_name)
    names = set(after.proto.reserved_name)
    for name in before.proto.reserved_name:
        if name not in names:
            emit(f"Previously present reserved name {q(name)} on enum {q(after.name)} was deleted.",
                 after.file, [after.path], before.file, [before.path], after.full_name)


def enum_same_type(p: Pair, emit: Emit, before: EnumInfo, after: EnumInfo) -> None:
    if before.is_closed != after.is_closed:
        old, new = ("closed", "open") if before.is_closed else ("open", "closed")
        emit(f"Enum {q(after.name)} changed from {old} to {new}.",
             after.file, [(*after.path, ENUM_OPTIONS, 7, 2), after.path],
             before.file, [(*before.path, ENUM_OPTIONS, 7, 2), before.path], after.full_name)


def enum_same_json_format(p: Pair, emit: Emit, before: EnumInfo, after: EnumInfo) -> None:
    old, new = before.features["json_format"], after.features["json_format"]
    if old == 1 and new != 1:
        emit(f"Enum {q(after.name)} JSON format support changed from {JSON_FORMAT_NAMES[old]} to "
             f"{JSON_FORMAT_NAMES.get(new, new)}.",
             after.file, [(*after.path, ENUM_OPTIONS, 7, 6), after.path],
             before.file, [(*before.path, ENUM_OPTIONS, 7, 6), before.path], after.full_name)
