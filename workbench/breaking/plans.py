"""Expand/contract steps per breaking proto change (CONTRACTS.md: a breaking change never ships in one step)."""

from __future__ import annotations

import re

from workbench.breaking.change import BREAKING, Change

_FIELD_REPLACE = [
    "Expand (MINOR): add a new field with a new number[[ (and a nullable column)]] carrying the new {what}.",
    "Dual-write: release writers that fill both the old and the new field.",
    "Backfill existing [[rows/]]records from the old field into the new one.",
    "Migrate readers to the new field; verify nothing reads the old one.",
    "Contract (MAJOR): mark the old field [deprecated = true], then remove it and add "
    "`reserved <number>;` and `reserved \"<name>\";`.",
]

PLANS: dict[str, list[str]] = {
    "FIELD_NO_DELETE": [
        "Mark the field [deprecated = true] and release; stop writing it, then stop reading it.",
        "Contract (MAJOR): delete it and add `reserved <number>;` and `reserved \"<name>\";` in the same change.",
        "[[Drop the mapped column in a later major release, with a down part that restores it.]]",
    ],
    "FIELD_SAME_NAME": [s.replace("{what}", "name") for s in _FIELD_REPLACE],
    "FIELD_SAME_JSON_NAME": [s.replace("{what}", "JSON name") for s in _FIELD_REPLACE],
    "FIELD_SAME_TYPE": [s.replace("{what}", "type") for s in _FIELD_REPLACE],
    "FIELD_SAME_CARDINALITY": [s.replace("{what}", "label (optional/repeated/map)") for s in _FIELD_REPLACE],
    "FIELD_SAME_ONEOF": [s.replace("{what}", "oneof membership") for s in _FIELD_REPLACE],
    "FIELD_SAME_DEFAULT": [s.replace("{what}", "default") for s in _FIELD_REPLACE],
    "MESSAGE_NO_DELETE": [
        "Mark the message deprecated (option deprecated = true) and stop using it in fields and RPCs.",
        "Migrate every producer and consumer off it; keep the definition while anything may send it.",
        "Contract (MAJOR): delete it; if it was renamed or moved, keep the old one until readers moved.",
    ],
    "ENUM_NO_DELETE": [
        "Mark the enum deprecated and stop referencing it; migrate readers to its replacement.",
        "Contract (MAJOR): delete it once no field uses it.",
    ],
    "ENUM_VALUE_NO_DELETE": [
        "Mark the value [deprecated = true]; stop writing it and map stored values[[ (and CHECK labels)]] to others.",
        "Contract (MAJOR): delete it and add `reserved <number>;` and `reserved \"<NAME>\";`.",
        "[[Remove its label from the CHECK constraint in a migration once no row holds it.]]",
    ],
    "ENUM_VALUE_SAME_NAME": [
        "Expand (MINOR): add the new name as an alias (option allow_alias = true) with the same number.",
        "Migrate readers and writers (and JSON consumers) to the new name.",
        "Contract (MAJOR): remove the old name and reserve it.",
    ],
    "RPC_NO_DELETE": [
        "Mark the RPC deprecated; migrate clients to its replacement and watch its traffic drop to zero.",
        "Contract (MAJOR): delete it.",
    ],
    "RPC_SAME_REQUEST_TYPE": [
        "Expand (MINOR): add a new RPC with the new request/response type next to the old one.",
        "Migrate clients to the new RPC.",
        "Contract (MAJOR): deprecate, then delete the old RPC.",
    ],
    "SERVICE_NO_DELETE": [
        "Deprecate the service; move clients to its replacement; delete it in a major release.",
    ],
    "FILE_SAME_PACKAGE": [
        "Expand (MINOR): publish the messages in the new package alongside the old package.",
        "Migrate producers and consumers to the new package.",
        "Contract (MAJOR): delete the old package's files.",
    ],
    "RESERVED_MESSAGE_NO_DELETE": [
        "Put the reserved numbers and names back: they protect old data from being misread by a reused number.",
    ],
    "FILE_NO_DELETE": [
        "Move its definitions first (a MINOR change that keeps the old file importing the new one if needed).",
        "Contract (MAJOR): delete the file once nothing imports it.",
    ],
}
for _alias, _target in {
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED": "FIELD_NO_DELETE",
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED": "FIELD_NO_DELETE",
    "FIELD_WIRE_COMPATIBLE_TYPE": "FIELD_SAME_TYPE",
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE": "FIELD_SAME_TYPE",
    "FIELD_WIRE_COMPATIBLE_CARDINALITY": "FIELD_SAME_CARDINALITY",
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY": "FIELD_SAME_CARDINALITY",
    "PACKAGE_MESSAGE_NO_DELETE": "MESSAGE_NO_DELETE",
    "PACKAGE_ENUM_NO_DELETE": "ENUM_NO_DELETE",
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED": "ENUM_VALUE_NO_DELETE",
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED": "ENUM_VALUE_NO_DELETE",
    "RPC_SAME_RESPONSE_TYPE": "RPC_SAME_REQUEST_TYPE",
    "RPC_SAME_CLIENT_STREAMING": "RPC_SAME_REQUEST_TYPE",
    "RPC_SAME_SERVER_STREAMING": "RPC_SAME_REQUEST_TYPE",
    "PACKAGE_SERVICE_NO_DELETE": "SERVICE_NO_DELETE",
    "PACKAGE_NO_DELETE": "FILE_SAME_PACKAGE",
    "RESERVED_ENUM_NO_DELETE": "RESERVED_MESSAGE_NO_DELETE",
    "ONEOF_NO_DELETE": "FIELD_SAME_ONEOF",
}.items():
    PLANS[_alias] = PLANS[_target]

GENERIC = [
    "Revert this change in this release; if it is needed, introduce the new form next to the old one (MINOR),",
    "migrate producers and consumers, then remove the old form in a MAJOR release.",
]


# `[[...]]` marks what only a contracts repository has (SQL columns, CHECK labels, migrations): a plain
# buf module is shown the steps without it, a step that is all SQL not at all.
_SQL_PART = re.compile(r"\[\[(.*?)\]\]")


def plan_steps(rule: str, with_sql: bool) -> list[str]:
    """The expand/contract steps for a breaking `rule`, with or without the SQL parts."""
    steps = [_SQL_PART.sub(r"\1" if with_sql else "", step) for step in PLANS.get(rule, GENERIC)]
    return [step for step in steps if step]


def attach_plans(changes: list[Change], with_sql: bool = True) -> None:
    for c in changes:
        if c.kind == BREAKING and not c.steps:
            c.steps = plan_steps(c.rule, with_sql)
