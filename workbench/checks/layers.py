"""Layer agreement: each entity has its table and each table its entity; each field its
column with a compatible type, nullability and enum labels (rules in `workbench.contracts.layer_mapping`).
"""

from __future__ import annotations

from workbench.contracts.field_column_pairs import pairs_for
from workbench.contracts.model import Model
from workbench.findings import Finding, Severity


def inputs(model: Model) -> tuple[object, ...]:
    return (model.config, model.descriptor_set, model.schema)


def check(model: Model) -> list[Finding]:
    if model.descriptor_set is None:
        return []  # protos do not compile: that finding is already there, don't pile on
    findings: list[Finding] = []
    mapped_tables: set[str] = set()
    for message in model.entities:
        table_name = model.table_name(message)
        table = model.schema.table(table_name)
        if table is None:
            findings.append(Finding(Severity.ERROR, "LAYER_ENTITY_NO_TABLE", message.place.file, message.place.line,
                                    f"entity {message.name} has no table {table_name} in the migrations",
                                    message.place.column, message.name))
            continue
        mapped_tables.add(table_name)
        for pair in pairs_for(model, message, table):
            for severity, rule, text in pair.problems:
                if pair.field is not None:
                    file, line, col = pair.field.place.file, pair.field.place.line, pair.field.place.column
                else:
                    assert pair.column is not None
                    file, line, col = pair.column.origin.file, pair.column.origin.line, 0
                findings.append(Finding(Severity(severity), rule, file, line, text, col, message.name))
    excluded = model.config.mapping.exclude_tables
    for name, table in model.schema.tables.items():
        if table.schema != "public" or name in mapped_tables or name in excluded:
            continue
        findings.append(Finding(Severity.ERROR, "LAYER_TABLE_NO_ENTITY", table.origin.file, table.origin.line,
                                f"table {name} has no entity (message) in the protos; add one or list it in "
                                "[mapping] exclude_tables"))
    return findings
