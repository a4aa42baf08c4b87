"""Every breaking rule as one `RuleSpec(id, purpose, handler)`, as buf's bufcheckserverbuild lists them.

Checks on one element pair are wrapped by the `for_*_pairs` factories; variants get their own
handler from a factory with explicit arguments. Purposes are buf's (catalog, v2).
"""

from __future__ import annotations

from workbench.breaking.catalog import V2
from workbench.breaking.rules import Handler, RuleSpec, for_field_pairs, for_file_pairs, for_message_pairs
from workbench.breaking.rules import enums as e
from workbench.breaking.rules import fields as f
from workbench.breaking.rules import files as fl
from workbench.breaking.rules import messages as m
from workbench.breaking.rules import packages as pk
from workbench.breaking.rules import services as s

_HANDLERS: dict[str, Handler] = {
    "ENUM_NO_DELETE": for_file_pairs(fl.enum_no_delete),
    "ENUM_SAME_JSON_FORMAT": e.for_enum_pairs(e.enum_same_json_format),
    "ENUM_SAME_TYPE": e.for_enum_pairs(e.enum_same_type),
    "ENUM_VALUE_NO_DELETE": e.enum_value_no_delete(None),
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED": e.enum_value_no_delete("name"),
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED": e.enum_value_no_delete("number"),
    "ENUM_VALUE_SAME_NAME": e.for_enum_pairs(e.enum_value_same_name),
    "EXTENSION_MESSAGE_NO_DELETE": for_message_pairs(m.extension_message_no_delete),
    "EXTENSION_NO_DELETE": for_file_pairs(fl.extension_no_delete),
    "FIELD_NO_DELETE": m.field_no_delete(None),
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED": m.field_no_delete("name"),
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED": m.field_no_delete("number"),
    "FIELD_SAME_CARDINALITY": f.field_cardinality(None),
    "FIELD_SAME_CPP_STRING_TYPE": for_field_pairs(f.field_same_cpp_string_type),
    "FIELD_SAME_DEFAULT": for_field_pairs(f.field_same_default),
    "FIELD_SAME_JAVA_UTF8_VALIDATION": for_field_pairs(f.field_same_java_utf8_validation),
    "FIELD_SAME_JSON_NAME": for_field_pairs(f.field_same_json_name),
    "FIELD_SAME_JSTYPE": for_field_pairs(f.field_same_jstype),
    "FIELD_SAME_NAME": for_field_pairs(f.field_same_name),
    "FIELD_SAME_ONEOF": for_field_pairs(f.field_same_oneof),
    "FIELD_SAME_TYPE": for_field_pairs(f.field_same_type),
    "FIELD_SAME_UTF8_VALIDATION": for_field_pairs(f.field_same_utf8_validation),
    "FIELD_WIRE_COMPATIBLE_CARDINALITY": f.field_cardinality(f.CARDINALITY_WIRE),
    "FIELD_WIRE_COMPATIBLE_TYPE": f.field_wire_compatible_type(json=False),
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY": f.field_cardinality(f.CARDINALITY_WIRE_JSON),
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE": f.field_wire_compatible_type(json=True),
    "FILE_NO_DELETE": fl.file_no_delete,
    **{rule_id: fl.file_same_option(name, number) for rule_id, (name, number) in fl.FILE_OPTION_RULES.items()},
    "FILE_SAME_PACKAGE": for_file_pairs(fl.file_same_package),
    "FILE_SAME_SYNTAX": for_file_pairs(fl.file_same_syntax),
    "MESSAGE_NO_DELETE": for_file_pairs(fl.message_no_delete),
    "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR": for_message_pairs(m.message_no_remove_standard_descriptor_accessor),
    "MESSAGE_SAME_JSON_FORMAT": for_message_pairs(m.message_same_json_format),
    "MESSAGE_SAME_REQUIRED_FIELDS": for_message_pairs(m.message_same_required_fields),
    "ONEOF_NO_DELETE": for_message_pairs(m.oneof_no_delete),
    "PACKAGE_ENUM_NO_DELETE": pk.package_element_no_delete("enum", nested_by_package=False),
    "PACKAGE_EXTENSION_NO_DELETE": pk.package_element_no_delete("extension", nested_by_package=False),
    "PACKAGE_MESSAGE_NO_DELETE": pk.package_element_no_delete("message", nested_by_package=True),
    "PACKAGE_NO_DELETE": pk.package_no_delete,
    "PACKAGE_SERVICE_NO_DELETE": pk.package_element_no_delete("service", nested_by_package=False),
    "RESERVED_ENUM_NO_DELETE": e.for_enum_pairs(e.reserved_enum_no_delete),
    "RESERVED_MESSAGE_NO_DELETE": for_message_pairs(m.reserved_message_no_delete),
    "RPC_NO_DELETE": s.rpc_no_delete,
    "RPC_SAME_CLIENT_STREAMING": s.rpc_same_streaming("client_streaming", "client"),
    "RPC_SAME_IDEMPOTENCY_LEVEL": s.rpc_same_idempotency_level,
    "RPC_SAME_REQUEST_TYPE": s.rpc_same_type("input_type", 2, "request"),
    "RPC_SAME_RESPONSE_TYPE": s.rpc_same_type("output_type", 3, "response"),
    "RPC_SAME_SERVER_STREAMING": s.rpc_same_streaming("server_streaming", "server"),
    "SERVICE_NO_DELETE": for_file_pairs(fl.service_no_delete),
}

RULES: dict[str, RuleSpec] = {rule_id: RuleSpec(rule_id, V2[rule_id].purpose, handler)
                              for rule_id, handler in sorted(_HANDLERS.items())}
