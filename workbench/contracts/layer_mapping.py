"""The one convention that maps the layers, with overrides from `workbench.toml`.

- message `OrderItem` <-> table `order_items` (snake_case, plural); `[mapping.tables]` overrides;
- field <-> column of the same name; `[mapping.columns.Message]` overrides;
- proto type <-> PostgreSQL type by `COMPATIBLE_TYPES` below;
- an enum <-> a text column whose CHECK lists the labels (value name minus the enum prefix,
  lower case: ORDER_STATUS_PAID <-> 'paid'), or a PostgreSQL enum type with those labels;
- nullable column <-> proto3 `optional` field (or a message-typed field); a non-optional
  scalar maps to a NOT NULL column;
- money: int64 `*_minor` (integer minor units) <-> bigint; calendar dates: string <-> date.
"""

from __future__ import annotations

import re

from workbench.contracts.config import MappingConfig

# PostgreSQL types (as `workbench.contracts.migration_schema` normalises them) each proto type may map to.
COMPATIBLE_TYPES: dict[str, frozenset[str]] = {
    "int32": frozenset({"integer", "smallint"}),
    "sint32": frozenset({"integer", "smallint"}),
    "sfixed32": frozenset({"integer", "smallint"}),
    "uint32": frozenset({"bigint", "integer"}),
    "fixed32": frozenset({"bigint", "integer"}),
    "int64": frozenset({"bigint"}),
    "sint64": frozenset({"bigint"}),
    "sfixed64": frozenset({"bigint"}),
    "uint64": frozenset({"bigint", "numeric"}),
    "fixed64": frozenset({"bigint", "numeric"}),
    "bool": frozenset({"boolean"}),
    "string": frozenset({"text", "varchar", "char", "citext", "uuid", "date", "numeric", "inet", "time"}),
    "bytes": frozenset({"bytea"}),
    "double": frozenset({"double precision", "real", "numeric"}),
    "float": frozenset({"real"}),
    "enum": frozenset({"text", "varchar"}),
    "google.protobuf.Timestamp": frozenset({"timestamptz"}),
    "google.protobuf.Duration": frozenset({"interval"}),
    "google.protobuf.Struct": frozenset({"jsonb", "json"}),
    "google.protobuf.Value": frozenset({"jsonb", "json"}),
    "google.protobuf.StringValue": frozenset({"text", "varchar"}),
    "google.protobuf.Int64Value": frozenset({"bigint"}),
    "google.protobuf.Int32Value": frozenset({"integer"}),
    "google.protobuf.BoolValue": frozenset({"boolean"}),
}
# Accepted, but worth a warning: they work and lose something.
LOSSY_TYPES: dict[str, dict[str, str]] = {
    "google.protobuf.Timestamp": {"timestamp": "timestamp without time zone drops the offset; use timestamptz"},
    "int64": {"integer": "integer column cannot hold every int64 value"},
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def plural(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def table_for(message: str, mapping: MappingConfig) -> str:
    return mapping.tables.get(message) or plural(snake(message))


def column_for(message: str, field: str, mapping: MappingConfig) -> str:
    overrides = mapping.columns.get(message)
    return overrides.get(field, field) if overrides else field


def compatible(proto_type: str, kind: str, repeated: bool, sql_type: str) -> tuple[bool, str]:
    """(compatible?, note). `sql_type` as normalised by migration_schema, arrays ending in "[]"."""
    if repeated:
        if not sql_type.endswith("[]"):
            if proto_type in ("google.protobuf.Struct",) or sql_type in ("jsonb", "json"):
                return True, ""
            return False, f"repeated {proto_type} needs an array or jsonb column, not {sql_type}"
        sql_type = sql_type[:-2]
    elif sql_type.endswith("[]"):
        return False, f"{sql_type} array column needs a repeated field"
    key = "enum" if kind == "enum" else proto_type
    allowed = COMPATIBLE_TYPES.get(key)
    if allowed is None:
        return False, f"no PostgreSQL type is mapped for {proto_type}"
    if sql_type in allowed:
        return True, ""
    lossy = LOSSY_TYPES.get(key, {}).get(sql_type)
    if lossy:
        return True, lossy
    if kind == "enum" and sql_type not in COMPATIBLE_TYPES["enum"]:
        return True, "" if sql_type.startswith("enum:") else f"enum stored as {sql_type}"
    return False, f"{proto_type} does not map to {sql_type} (expected {' or '.join(sorted(allowed))})"
