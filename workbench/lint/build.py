"""Every lint rule as one `LintRule(id, purpose, handler)`, as buf's bufcheckserverbuild lists them."""

from __future__ import annotations

from workbench.contracts.record import FrozenRecord
from workbench.lint import rules as r
from workbench.lint.catalog import V1BETA1, V2


class LintRule(FrozenRecord):
    """A lint rule: its spec and the function that checks it."""

    _fields = ("id", "purpose", "handler")
    __slots__ = _fields

    def __init__(self, id: str, purpose: str, handler: r.Handler) -> None:
        self.id = id
        self.purpose = purpose
        self.handler = handler


_HANDLERS: dict[str, r.Handler] = {
    "COMMENT_ENUM": r.comment_rule("enums", "Enum"),
    "COMMENT_ENUM_VALUE": r.comment_rule("enum_values", "Enum value"),
    "COMMENT_FIELD": r.comment_rule("fields", "Field"),
    "COMMENT_MESSAGE": r.comment_rule("messages", "Message"),
    "COMMENT_ONEOF": r.comment_rule("oneofs", "Oneof"),
    "COMMENT_RPC": r.comment_rule("methods", "RPC"),
    "COMMENT_SERVICE": r.comment_rule("services", "Service"),
    "DIRECTORY_SAME_PACKAGE": r.directory_same_package,
    "ENUM_FIRST_VALUE_ZERO": r.enum_first_value_zero,
    "ENUM_NO_ALLOW_ALIAS": r.enum_no_allow_alias,
    "ENUM_PASCAL_CASE": r.pascal_rule("enums", "Enum"),
    "ENUM_VALUE_PREFIX": r.enum_value_prefix,
    "ENUM_VALUE_UPPER_SNAKE_CASE": r.enum_value_upper_snake_case,
    "ENUM_ZERO_VALUE_SUFFIX": r.enum_zero_value_suffix,
    "FIELD_LOWER_SNAKE_CASE": r.field_lower_snake_case,
    "FIELD_NO_DESCRIPTOR": r.field_no_descriptor,
    "FIELD_NOT_REQUIRED": r.field_not_required,
    "FILE_LOWER_SNAKE_CASE": r.file_lower_snake_case,
    "IMPORT_NO_PUBLIC": r.import_no_public,
    "IMPORT_NO_WEAK": r.import_no_weak,
    "IMPORT_USED": r.import_used,
    "MESSAGE_PASCAL_CASE": r.pascal_rule("messages", "Message"),
    "ONEOF_LOWER_SNAKE_CASE": r.oneof_lower_snake_case,
    "PACKAGE_DEFINED": r.package_defined,
    "PACKAGE_DIRECTORY_MATCH": r.package_directory_match,
    "PACKAGE_LOWER_SNAKE_CASE": r.package_lower_snake_case,
    "PACKAGE_NO_IMPORT_CYCLE": r.package_no_import_cycle,
    "PACKAGE_SAME_CSHARP_NAMESPACE": r.package_same_option("csharp_namespace", 37),
    "PACKAGE_SAME_DIRECTORY": r.package_same_directory,
    "PACKAGE_SAME_GO_PACKAGE": r.package_same_option("go_package", 11),
    "PACKAGE_SAME_JAVA_MULTIPLE_FILES": r.package_same_option("java_multiple_files", 10, as_bool=True),
    "PACKAGE_SAME_JAVA_PACKAGE": r.package_same_option("java_package", 1),
    "PACKAGE_SAME_PHP_NAMESPACE": r.package_same_option("php_namespace", 41),
    "PACKAGE_SAME_RUBY_PACKAGE": r.package_same_option("ruby_package", 45),
    "PACKAGE_SAME_SWIFT_PREFIX": r.package_same_option("swift_prefix", 39),
    "PACKAGE_VERSION_SUFFIX": r.package_version_suffix,
    "PROTOVALIDATE": r.protovalidate,
    "RPC_NO_CLIENT_STREAMING": r.rpc_no_streaming("client_streaming", "client"),
    "RPC_NO_SERVER_STREAMING": r.rpc_no_streaming("server_streaming", "server"),
    "RPC_PASCAL_CASE": r.pascal_rule("methods", "RPC"),
    "RPC_REQUEST_RESPONSE_UNIQUE": r.rpc_request_response_unique,
    "RPC_REQUEST_STANDARD_NAME": r.rpc_standard_name("input_type", 2, "request", "Request"),
    "RPC_RESPONSE_STANDARD_NAME": r.rpc_standard_name("output_type", 3, "response", "Response"),
    "SERVICE_PASCAL_CASE": r.pascal_rule("services", "Service"),
    "SERVICE_SUFFIX": r.service_suffix,
    "STABLE_PACKAGE_NO_IMPORT_UNSTABLE": r.stable_package_no_import_unstable,
    "SYNTAX_SPECIFIED": r.syntax_specified,
}


# Rules that look at one file's elements at a time and read no source info while they run (their
# findings get locations afterwards, in `Lint.finish`): a big tree's files are split between two
# processes for these (`workbench.lint.run.lint_set`). A rule not listed runs once over all files.
PER_FILE = frozenset({
    "ENUM_FIRST_VALUE_ZERO", "ENUM_NO_ALLOW_ALIAS", "ENUM_PASCAL_CASE", "ENUM_VALUE_PREFIX",
    "ENUM_VALUE_UPPER_SNAKE_CASE", "ENUM_ZERO_VALUE_SUFFIX", "FIELD_LOWER_SNAKE_CASE", "FIELD_NO_DESCRIPTOR",
    "FIELD_NOT_REQUIRED", "FILE_LOWER_SNAKE_CASE", "IMPORT_NO_PUBLIC", "IMPORT_NO_WEAK", "IMPORT_USED",
    "MESSAGE_PASCAL_CASE", "ONEOF_LOWER_SNAKE_CASE", "PACKAGE_DEFINED", "PACKAGE_DIRECTORY_MATCH",
    "PACKAGE_LOWER_SNAKE_CASE", "PACKAGE_VERSION_SUFFIX", "RPC_NO_CLIENT_STREAMING", "RPC_NO_SERVER_STREAMING",
    "RPC_PASCAL_CASE", "RPC_REQUEST_STANDARD_NAME", "RPC_RESPONSE_STANDARD_NAME", "SERVICE_PASCAL_CASE",
    "SERVICE_SUFFIX", "STABLE_PACKAGE_NO_IMPORT_UNSTABLE",
})


def _purpose(rule_id: str) -> str:
    spec = V2.get(rule_id) or V1BETA1[rule_id]
    return spec.purpose


RULES: dict[str, LintRule] = {rule_id: LintRule(rule_id, _purpose(rule_id), handler)
                              for rule_id, handler in sorted(_HANDLERS.items())}
