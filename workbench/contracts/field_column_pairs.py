"""Field <-> column pairs of one entity, each with its verdict: what the Mapping tab shows and
what the layer check reports. One function, so the UI and `workbench check` never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.contracts.layer_mapping import column_for, compatible
from workbench.contracts.migration_schema import Column, Table
from workbench.contracts.model import Model
from workbench.contracts.proto_model import ProtoEnum, ProtoField, ProtoMessage


@dataclass(frozen=True)
class Pair:
    field: ProtoField | None
    column: Column | None
    problems: tuple[tuple[str, str, str], ...]  # (severity, rule, explanation)

    @property
    def ok(self) -> bool:
        return not self.problems


def pairs_for(model: Model, message: ProtoMessage, table: Table) -> list[Pair]:
    mapping = model.config.mapping
    pairs: list[Pair] = []
    used: set[str] = set()
    for field in message.fields:
        column_name = column_for(message.name, field.name, mapping)
        column = table.columns.get(column_name)
        if column is None:
            pairs.append(Pair(field, None, (("error", "LAYER_FIELD_NO_COLUMN",
                                             f"field {message.name}.{field.name} has no column "
                                             f"{table.name}.{column_name}"),)))
            continue
        used.add(column_name)
        pairs.append(Pair(field, column, tuple(_problems(model, message, field, table, column))))
    for name, column in table.columns.items():
        if name not in used:
            pairs.append(Pair(None, column, (("error", "LAYER_COLUMN_NO_FIELD",
                                              f"column {table.name}.{name} has no field in {message.name}"),)))
    return pairs


def _problems(model: Model, message: ProtoMessage, field: ProtoField, table: Table,
              column: Column) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    where = f"{message.name}.{field.name} ({field.display_type}) <-> {table.name}.{column.name} ({column.type_display})"
    ok, note = compatible(field.type_name, field.kind, field.repeated, column.type)
    if not ok:
        out.append(("error", "LAYER_TYPE_MISMATCH", f"{where}: {note}"))
    elif note:
        out.append(("warning", "LAYER_TYPE_LOSSY", f"{where}: {note}"))
    if column.nullable and not field.nullable and not field.repeated:
        out.append(("error", "LAYER_NULLABILITY",
                    f"{where}: the column is nullable but the field is not `optional`, so NULL cannot be "
                    "represented; mark the field optional or the column NOT NULL"))
    elif field.optional and column.not_null and column.default is None and not column.identity:
        out.append(("warning", "LAYER_NULLABILITY",
                    f"{where}: the field is optional but the column is NOT NULL without a default"))
    if field.kind == "enum":
        enum = model.protos.enum(field.type_name)
        if enum is not None:
            out.extend(_enum_problems(enum, table, column, where))
    return out


def enum_labels(enum: ProtoEnum) -> tuple[str, ...]:
    return tuple(enum.label(v) for v in enum.values if v.number != 0)


def _enum_problems(enum: ProtoEnum, table: Table, column: Column, where: str) -> list[tuple[str, str, str]]:
    expected = enum_labels(enum)
    actual = table.enum_labels(column.name)
    if actual is None:
        return [("warning", "LAYER_ENUM_NO_CHECK",
                 f"{where}: no CHECK ({column.name} IN (...)) lists the enum's labels {', '.join(expected)}")]
    missing = [x for x in expected if x not in actual]
    extra = [x for x in actual if x not in expected]
    if not missing and not extra:
        return []
    parts = []
    if missing:
        parts.append(f"labels missing in the CHECK: {', '.join(missing)}")
    if extra:
        parts.append(f"labels the enum {enum.name} lacks: {', '.join(extra)}")
    return [("error", "LAYER_ENUM_LABELS", f"{where}: {'; '.join(parts)}")]
