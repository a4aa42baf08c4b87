"""Service boundaries: a database that owns a subset of the migrations (`[databases.NAME]
migrations = [...]` in workbench.toml) holds only the tables those migrations create, so a foreign
key from one of its tables to a table it does not hold crosses a service boundary. Such a
reference is an ID without a foreign key (as notifications.recipient_user_id holds a users.id);
a foreign key there would fail when that database is migrated, so it is a finding before then.
"""

from __future__ import annotations

from workbench.contracts.model import Model
from workbench.findings import Finding, Severity

RULE = "LAYER_CROSS_SERVICE_FOREIGN_KEY"


def inputs(model: Model) -> tuple[object, ...]:
    return (model.config, model.schema)


def check(model: Model) -> list[Finding]:
    findings: list[Finding] = []
    for database in model.config.databases:
        if database.migrations is None:
            continue  # owns every migration: every table is there
        owned = set(database.migrations) | {"000"}  # the tracker belongs to every database
        tables = {name for name, t in model.schema.tables.items() if t.origin.migration in owned}
        for name in sorted(tables):
            table = model.schema.tables[name]
            for con in table.constraints:
                if con.kind != "foreign key" or con.references in tables:
                    continue
                entity = model.entity_for_table(name)
                findings.append(Finding(
                    Severity.ERROR, RULE, con.origin.file, con.origin.line,
                    f"{name}.{', '.join(con.columns)} references {con.references}, which database "
                    f"{database.name} does not hold (it owns migrations {', '.join(sorted(owned))}): a reference "
                    "across a service boundary is an ID without a foreign key",
                    0, entity.name if entity else ""))
    return findings
