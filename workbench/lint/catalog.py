"""buf's lint rules per buf.yaml version: IDs, categories, defaults, purposes, deprecations.

Taken from `buf config ls-lint-rules --version V --include-deprecated --format json` (buf 1.75).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LintRuleSpec:
    id: str
    categories: tuple[str, ...]
    default: bool
    purpose: str
    deprecated: bool = False
    replacements: tuple[str, ...] = ()


def _spec(id: str, categories: str, default: bool, purpose: str, deprecated: bool = False,
          replacements: str = "") -> LintRuleSpec:
    return LintRuleSpec(id, tuple(categories.split()), default, purpose, deprecated, tuple(replacements.split()))


V1BETA1: dict[str, LintRuleSpec] = {
    'DIRECTORY_SAME_PACKAGE': _spec('DIRECTORY_SAME_PACKAGE', 'MINIMAL BASIC DEFAULT STANDARD FILE_LAYOUT', True, 'Checks that all files in a given directory are in the same package.'),
    'PACKAGE_DIRECTORY_MATCH': _spec('PACKAGE_DIRECTORY_MATCH', 'MINIMAL BASIC DEFAULT STANDARD FILE_LAYOUT', True, 'Checks that all files are in a directory that matches their package name.'),
    'PACKAGE_SAME_DIRECTORY': _spec('PACKAGE_SAME_DIRECTORY', 'MINIMAL BASIC DEFAULT STANDARD FILE_LAYOUT', True, 'Checks that all files with a given package are in the same directory.'),
    'PACKAGE_SAME_CSHARP_NAMESPACE': _spec('PACKAGE_SAME_CSHARP_NAMESPACE', 'MINIMAL BASIC DEFAULT STANDARD PACKAGE_AFFINITY', True, 'Checks that all files with a given package have the same value for the csharp_namespace option.'),
    'PACKAGE_SAME_GO_PACKAGE': _spec('PACKAGE_SAME_GO_PACKAGE', 'MINIMAL BASIC DEFAULT STANDARD PACKAGE_AFFINITY', True, 'Checks that all files with a given package have the same value for the go_package option.'),
    'PACKAGE_SAME_JAVA_MULTIPLE_FILES': _spec('PACKAGE_SAME_JAVA_MULTIPLE_FILES', 'MINIMAL BASIC DEFAULT STANDARD PACKAGE_AFFINITY', True, 'Checks that all files with a given package have the same value for the java_multiple_files option.'),
    'PACKAGE_SAME_JAVA_PACKAGE': _spec('PACKAGE_SAME_JAVA_PACKAGE', 'MINIMAL BASIC DEFAULT STANDARD PACKAGE_AFFINITY', True, 'Checks that all files with a given package have the same value for the java_package option.'),
    'PACKAGE_SAME_PHP_NAMESPACE': _spec('PACKAGE_SAME_PHP_NAMESPACE', 'MINIMAL BASIC DEFAULT STANDARD PACKAGE_AFFINITY', True, 'Checks that all files with a given package have the same value for the php_namespace option.'),
    'PACKAGE_SAME_RUBY_PACKAGE': _spec('PACKAGE_SAME_RUBY_PACKAGE', 'MINIMAL BASIC DEFAULT STANDARD PACKAGE_AFFINITY', True, 'Checks that all files with a given package have the same value for the ruby_package option.'),
    'PACKAGE_SAME_SWIFT_PREFIX': _spec('PACKAGE_SAME_SWIFT_PREFIX', 'MINIMAL BASIC DEFAULT STANDARD PACKAGE_AFFINITY', True, 'Checks that all files with a given package have the same value for the swift_prefix option.'),
    'ENUM_NO_ALLOW_ALIAS': _spec('ENUM_NO_ALLOW_ALIAS', 'MINIMAL BASIC DEFAULT STANDARD SENSIBLE', True, 'Checks that enums do not have the allow_alias option set.'),
    'FIELD_NO_DESCRIPTOR': _spec('FIELD_NO_DESCRIPTOR', 'MINIMAL BASIC DEFAULT STANDARD SENSIBLE', True, 'Checks that field names are not any capitalization of "descriptor" with any number of prefix or suffix underscores.'),
    'IMPORT_NO_PUBLIC': _spec('IMPORT_NO_PUBLIC', 'MINIMAL BASIC DEFAULT STANDARD SENSIBLE', True, 'Checks that imports are not public.'),
    'PACKAGE_DEFINED': _spec('PACKAGE_DEFINED', 'MINIMAL BASIC DEFAULT STANDARD SENSIBLE', True, 'Checks that all files have a package defined.'),
    'ENUM_PASCAL_CASE': _spec('ENUM_PASCAL_CASE', 'BASIC DEFAULT STANDARD STYLE_BASIC STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that enums are PascalCase.'),
    'ENUM_VALUE_UPPER_SNAKE_CASE': _spec('ENUM_VALUE_UPPER_SNAKE_CASE', 'BASIC DEFAULT STANDARD STYLE_BASIC STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that enum values are UPPER_SNAKE_CASE.'),
    'FIELD_LOWER_SNAKE_CASE': _spec('FIELD_LOWER_SNAKE_CASE', 'BASIC DEFAULT STANDARD STYLE_BASIC STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that field names are lower_snake_case.'),
    'MESSAGE_PASCAL_CASE': _spec('MESSAGE_PASCAL_CASE', 'BASIC DEFAULT STANDARD STYLE_BASIC STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that messages are PascalCase.'),
    'ONEOF_LOWER_SNAKE_CASE': _spec('ONEOF_LOWER_SNAKE_CASE', 'BASIC DEFAULT STANDARD STYLE_BASIC STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that oneof names are lower_snake_case.'),
    'PACKAGE_LOWER_SNAKE_CASE': _spec('PACKAGE_LOWER_SNAKE_CASE', 'BASIC DEFAULT STANDARD STYLE_BASIC STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that packages are lower_snake.case.'),
    'RPC_PASCAL_CASE': _spec('RPC_PASCAL_CASE', 'BASIC DEFAULT STANDARD STYLE_BASIC STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that RPCs are PascalCase.'),
    'SERVICE_PASCAL_CASE': _spec('SERVICE_PASCAL_CASE', 'BASIC DEFAULT STANDARD STYLE_BASIC STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that services are PascalCase.'),
    'ENUM_VALUE_PREFIX': _spec('ENUM_VALUE_PREFIX', 'DEFAULT STANDARD STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that enum values are prefixed with ENUM_NAME_UPPER_SNAKE_CASE.'),
    'ENUM_ZERO_VALUE_SUFFIX': _spec('ENUM_ZERO_VALUE_SUFFIX', 'DEFAULT STANDARD STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that enum zero values have a consistent suffix (configurable, default suffix is "_UNSPECIFIED").'),
    'FILE_LOWER_SNAKE_CASE': _spec('FILE_LOWER_SNAKE_CASE', 'DEFAULT STANDARD STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that filenames are lower_snake_case.'),
    'PACKAGE_VERSION_SUFFIX': _spec('PACKAGE_VERSION_SUFFIX', 'DEFAULT STANDARD STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that the last component of all packages is a version of the form v\\d+, v\\d+test.*, v\\d+(alpha|beta)\\d+, or v\\d+p\\d+(alpha|beta)\\d+, where numbers are >=1.'),
    'RPC_REQUEST_RESPONSE_UNIQUE': _spec('RPC_REQUEST_RESPONSE_UNIQUE', 'DEFAULT STANDARD STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that RPC request and response types are only used in one RPC (configurable).'),
    'RPC_REQUEST_STANDARD_NAME': _spec('RPC_REQUEST_STANDARD_NAME', 'DEFAULT STANDARD STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that RPC request type names are RPCNameRequest or ServiceNameRPCNameRequest (configurable).'),
    'RPC_RESPONSE_STANDARD_NAME': _spec('RPC_RESPONSE_STANDARD_NAME', 'DEFAULT STANDARD STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that RPC response type names are RPCNameResponse or ServiceNameRPCNameResponse (configurable).'),
    'SERVICE_SUFFIX': _spec('SERVICE_SUFFIX', 'DEFAULT STANDARD STYLE_DEFAULT STYLE_STANDARD', True, 'Checks that services have a consistent suffix (configurable, default suffix is "Service").'),
    'COMMENT_ENUM': _spec('COMMENT_ENUM', 'COMMENTS', False, 'Checks that enums have non-empty comments.'),
    'COMMENT_ENUM_VALUE': _spec('COMMENT_ENUM_VALUE', 'COMMENTS', False, 'Checks that enum values have non-empty comments.'),
    'COMMENT_FIELD': _spec('COMMENT_FIELD', 'COMMENTS', False, 'Checks that fields have non-empty comments.'),
    'COMMENT_MESSAGE': _spec('COMMENT_MESSAGE', 'COMMENTS', False, 'Checks that messages have non-empty comments.'),
    'COMMENT_ONEOF': _spec('COMMENT_ONEOF', 'COMMENTS', False, 'Checks that oneofs have non-empty comments.'),
    'COMMENT_RPC': _spec('COMMENT_RPC', 'COMMENTS', False, 'Checks that RPCs have non-empty comments.'),
    'COMMENT_SERVICE': _spec('COMMENT_SERVICE', 'COMMENTS', False, 'Checks that services have non-empty comments.'),
    'RPC_NO_CLIENT_STREAMING': _spec('RPC_NO_CLIENT_STREAMING', 'UNARY_RPC', False, 'Checks that RPCs are not client streaming.'),
    'RPC_NO_SERVER_STREAMING': _spec('RPC_NO_SERVER_STREAMING', 'UNARY_RPC', False, 'Checks that RPCs are not server streaming.'),
    'ENUM_FIRST_VALUE_ZERO': _spec('ENUM_FIRST_VALUE_ZERO', 'OTHER', False, 'Checks that all first values of enums have a numeric value of 0.'),
    'IMPORT_NO_WEAK': _spec('IMPORT_NO_WEAK', '', False, 'Checks that imports are not weak.', True, ''),
}

V1: dict[str, LintRuleSpec] = {
    'DIRECTORY_SAME_PACKAGE': _spec('DIRECTORY_SAME_PACKAGE', 'MINIMAL BASIC DEFAULT STANDARD', True, 'Checks that all files in a given directory are in the same package.'),
    'PACKAGE_DEFINED': _spec('PACKAGE_DEFINED', 'MINIMAL BASIC DEFAULT STANDARD', True, 'Checks that all files have a package defined.'),
    'PACKAGE_DIRECTORY_MATCH': _spec('PACKAGE_DIRECTORY_MATCH', 'MINIMAL BASIC DEFAULT STANDARD', True, 'Checks that all files are in a directory that matches their package name.'),
    'PACKAGE_SAME_DIRECTORY': _spec('PACKAGE_SAME_DIRECTORY', 'MINIMAL BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package are in the same directory.'),
    'ENUM_FIRST_VALUE_ZERO': _spec('ENUM_FIRST_VALUE_ZERO', 'BASIC DEFAULT STANDARD', True, 'Checks that all first values of enums have a numeric value of 0.'),
    'ENUM_NO_ALLOW_ALIAS': _spec('ENUM_NO_ALLOW_ALIAS', 'BASIC DEFAULT STANDARD', True, 'Checks that enums do not have the allow_alias option set.'),
    'ENUM_PASCAL_CASE': _spec('ENUM_PASCAL_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that enums are PascalCase.'),
    'ENUM_VALUE_UPPER_SNAKE_CASE': _spec('ENUM_VALUE_UPPER_SNAKE_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that enum values are UPPER_SNAKE_CASE.'),
    'FIELD_LOWER_SNAKE_CASE': _spec('FIELD_LOWER_SNAKE_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that field names are lower_snake_case.'),
    'IMPORT_NO_PUBLIC': _spec('IMPORT_NO_PUBLIC', 'BASIC DEFAULT STANDARD', True, 'Checks that imports are not public.'),
    'IMPORT_USED': _spec('IMPORT_USED', 'BASIC DEFAULT STANDARD', True, 'Checks that imports are used.'),
    'MESSAGE_PASCAL_CASE': _spec('MESSAGE_PASCAL_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that messages are PascalCase.'),
    'ONEOF_LOWER_SNAKE_CASE': _spec('ONEOF_LOWER_SNAKE_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that oneof names are lower_snake_case.'),
    'PACKAGE_LOWER_SNAKE_CASE': _spec('PACKAGE_LOWER_SNAKE_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that packages are lower_snake.case.'),
    'PACKAGE_SAME_CSHARP_NAMESPACE': _spec('PACKAGE_SAME_CSHARP_NAMESPACE', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the csharp_namespace option.'),
    'PACKAGE_SAME_GO_PACKAGE': _spec('PACKAGE_SAME_GO_PACKAGE', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the go_package option.'),
    'PACKAGE_SAME_JAVA_MULTIPLE_FILES': _spec('PACKAGE_SAME_JAVA_MULTIPLE_FILES', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the java_multiple_files option.'),
    'PACKAGE_SAME_JAVA_PACKAGE': _spec('PACKAGE_SAME_JAVA_PACKAGE', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the java_package option.'),
    'PACKAGE_SAME_PHP_NAMESPACE': _spec('PACKAGE_SAME_PHP_NAMESPACE', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the php_namespace option.'),
    'PACKAGE_SAME_RUBY_PACKAGE': _spec('PACKAGE_SAME_RUBY_PACKAGE', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the ruby_package option.'),
    'PACKAGE_SAME_SWIFT_PREFIX': _spec('PACKAGE_SAME_SWIFT_PREFIX', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the swift_prefix option.'),
    'RPC_PASCAL_CASE': _spec('RPC_PASCAL_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that RPCs are PascalCase.'),
    'SERVICE_PASCAL_CASE': _spec('SERVICE_PASCAL_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that services are PascalCase.'),
    'SYNTAX_SPECIFIED': _spec('SYNTAX_SPECIFIED', 'BASIC DEFAULT STANDARD', True, 'Checks that all files have a syntax specified.'),
    'ENUM_VALUE_PREFIX': _spec('ENUM_VALUE_PREFIX', 'DEFAULT STANDARD', True, 'Checks that enum values are prefixed with ENUM_NAME_UPPER_SNAKE_CASE.'),
    'ENUM_ZERO_VALUE_SUFFIX': _spec('ENUM_ZERO_VALUE_SUFFIX', 'DEFAULT STANDARD', True, 'Checks that enum zero values have a consistent suffix (configurable, default suffix is "_UNSPECIFIED").'),
    'FILE_LOWER_SNAKE_CASE': _spec('FILE_LOWER_SNAKE_CASE', 'DEFAULT STANDARD', True, 'Checks that filenames are lower_snake_case.'),
    'PACKAGE_VERSION_SUFFIX': _spec('PACKAGE_VERSION_SUFFIX', 'DEFAULT STANDARD', True, 'Checks that the last component of all packages is a version of the form v\\d+, v\\d+test.*, v\\d+(alpha|beta)\\d+, or v\\d+p\\d+(alpha|beta)\\d+, where numbers are >=1.'),
    'PROTOVALIDATE': _spec('PROTOVALIDATE', 'DEFAULT STANDARD', True, 'Checks that protovalidate rules are valid and all CEL expressions compile.'),
    'RPC_REQUEST_RESPONSE_UNIQUE': _spec('RPC_REQUEST_RESPONSE_UNIQUE', 'DEFAULT STANDARD', True, 'Checks that RPC request and response types are only used in one RPC (configurable).'),
    'RPC_REQUEST_STANDARD_NAME': _spec('RPC_REQUEST_STANDARD_NAME', 'DEFAULT STANDARD', True, 'Checks that RPC request type names are RPCNameRequest or ServiceNameRPCNameRequest (configurable).'),
    'RPC_RESPONSE_STANDARD_NAME': _spec('RPC_RESPONSE_STANDARD_NAME', 'DEFAULT STANDARD', True, 'Checks that RPC response type names are RPCNameResponse or ServiceNameRPCNameResponse (configurable).'),
    'SERVICE_SUFFIX': _spec('SERVICE_SUFFIX', 'DEFAULT STANDARD', True, 'Checks that services have a consistent suffix (configurable, default suffix is "Service").'),
    'COMMENT_ENUM': _spec('COMMENT_ENUM', 'COMMENTS', False, 'Checks that enums have non-empty comments.'),
    'COMMENT_ENUM_VALUE': _spec('COMMENT_ENUM_VALUE', 'COMMENTS', False, 'Checks that enum values have non-empty comments.'),
    'COMMENT_FIELD': _spec('COMMENT_FIELD', 'COMMENTS', False, 'Checks that fields have non-empty comments.'),
    'COMMENT_MESSAGE': _spec('COMMENT_MESSAGE', 'COMMENTS', False, 'Checks that messages have non-empty comments.'),
    'COMMENT_ONEOF': _spec('COMMENT_ONEOF', 'COMMENTS', False, 'Checks that oneofs have non-empty comments.'),
    'COMMENT_RPC': _spec('COMMENT_RPC', 'COMMENTS', False, 'Checks that RPCs have non-empty comments.'),
    'COMMENT_SERVICE': _spec('COMMENT_SERVICE', 'COMMENTS', False, 'Checks that services have non-empty comments.'),
    'RPC_NO_CLIENT_STREAMING': _spec('RPC_NO_CLIENT_STREAMING', 'UNARY_RPC', False, 'Checks that RPCs are not client streaming.'),
    'RPC_NO_SERVER_STREAMING': _spec('RPC_NO_SERVER_STREAMING', 'UNARY_RPC', False, 'Checks that RPCs are not server streaming.'),
    'IMPORT_NO_WEAK': _spec('IMPORT_NO_WEAK', '', False, 'Checks that imports are not weak.', True, ''),
    'PACKAGE_NO_IMPORT_CYCLE': _spec('PACKAGE_NO_IMPORT_CYCLE', '', False, 'Checks that packages do not have import cycles.'),
}

V2: dict[str, LintRuleSpec] = {
    'DIRECTORY_SAME_PACKAGE': _spec('DIRECTORY_SAME_PACKAGE', 'MINIMAL BASIC DEFAULT STANDARD', True, 'Checks that all files in a given directory are in the same package.'),
    'PACKAGE_DEFINED': _spec('PACKAGE_DEFINED', 'MINIMAL BASIC DEFAULT STANDARD', True, 'Checks that all files have a package defined.'),
    'PACKAGE_DIRECTORY_MATCH': _spec('PACKAGE_DIRECTORY_MATCH', 'MINIMAL BASIC DEFAULT STANDARD', True, 'Checks that all files are in a directory that matches their package name.'),
    'PACKAGE_NO_IMPORT_CYCLE': _spec('PACKAGE_NO_IMPORT_CYCLE', 'MINIMAL BASIC DEFAULT STANDARD', True, 'Checks that packages do not have import cycles.'),
    'PACKAGE_SAME_DIRECTORY': _spec('PACKAGE_SAME_DIRECTORY', 'MINIMAL BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package are in the same directory.'),
    'ENUM_FIRST_VALUE_ZERO': _spec('ENUM_FIRST_VALUE_ZERO', 'BASIC DEFAULT STANDARD', True, 'Checks that all first values of enums have a numeric value of 0.'),
    'ENUM_NO_ALLOW_ALIAS': _spec('ENUM_NO_ALLOW_ALIAS', 'BASIC DEFAULT STANDARD', True, 'Checks that enums do not have the allow_alias option set.'),
    'ENUM_PASCAL_CASE': _spec('ENUM_PASCAL_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that enums are PascalCase.'),
    'ENUM_VALUE_UPPER_SNAKE_CASE': _spec('ENUM_VALUE_UPPER_SNAKE_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that enum values are UPPER_SNAKE_CASE.'),
    'FIELD_LOWER_SNAKE_CASE': _spec('FIELD_LOWER_SNAKE_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that field names are lower_snake_case.'),
    'FIELD_NOT_REQUIRED': _spec('FIELD_NOT_REQUIRED', 'BASIC DEFAULT STANDARD', True, 'Checks that fields are not configured to be required.'),
    'IMPORT_NO_PUBLIC': _spec('IMPORT_NO_PUBLIC', 'BASIC DEFAULT STANDARD', True, 'Checks that imports are not public.'),
    'IMPORT_USED': _spec('IMPORT_USED', 'BASIC DEFAULT STANDARD', True, 'Checks that imports are used.'),
    'MESSAGE_PASCAL_CASE': _spec('MESSAGE_PASCAL_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that messages are PascalCase.'),
    'ONEOF_LOWER_SNAKE_CASE': _spec('ONEOF_LOWER_SNAKE_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that oneof names are lower_snake_case.'),
    'PACKAGE_LOWER_SNAKE_CASE': _spec('PACKAGE_LOWER_SNAKE_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that packages are lower_snake.case.'),
    'PACKAGE_SAME_CSHARP_NAMESPACE': _spec('PACKAGE_SAME_CSHARP_NAMESPACE', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the csharp_namespace option.'),
    'PACKAGE_SAME_GO_PACKAGE': _spec('PACKAGE_SAME_GO_PACKAGE', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the go_package option.'),
    'PACKAGE_SAME_JAVA_MULTIPLE_FILES': _spec('PACKAGE_SAME_JAVA_MULTIPLE_FILES', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the java_multiple_files option.'),
    'PACKAGE_SAME_JAVA_PACKAGE': _spec('PACKAGE_SAME_JAVA_PACKAGE', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the java_package option.'),
    'PACKAGE_SAME_PHP_NAMESPACE': _spec('PACKAGE_SAME_PHP_NAMESPACE', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the php_namespace option.'),
    'PACKAGE_SAME_RUBY_PACKAGE': _spec('PACKAGE_SAME_RUBY_PACKAGE', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the ruby_package option.'),
    'PACKAGE_SAME_SWIFT_PREFIX': _spec('PACKAGE_SAME_SWIFT_PREFIX', 'BASIC DEFAULT STANDARD', True, 'Checks that all files with a given package have the same value for the swift_prefix option.'),
    'RPC_PASCAL_CASE': _spec('RPC_PASCAL_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that RPCs are PascalCase.'),
    'SERVICE_PASCAL_CASE': _spec('SERVICE_PASCAL_CASE', 'BASIC DEFAULT STANDARD', True, 'Checks that services are PascalCase.'),
    'SYNTAX_SPECIFIED': _spec('SYNTAX_SPECIFIED', 'BASIC DEFAULT STANDARD', True, 'Checks that all files have a syntax specified.'),
    'ENUM_VALUE_PREFIX': _spec('ENUM_VALUE_PREFIX', 'DEFAULT STANDARD', True, 'Checks that enum values are prefixed with ENUM_NAME_UPPER_SNAKE_CASE.'),
    'ENUM_ZERO_VALUE_SUFFIX': _spec('ENUM_ZERO_VALUE_SUFFIX', 'DEFAULT STANDARD', True, 'Checks that enum zero values have a consistent suffix (configurable, default suffix is "_UNSPECIFIED").'),
    'FILE_LOWER_SNAKE_CASE': _spec('FILE_LOWER_SNAKE_CASE', 'DEFAULT STANDARD', True, 'Checks that filenames are lower_snake_case.'),
    'PACKAGE_VERSION_SUFFIX': _spec('PACKAGE_VERSION_SUFFIX', 'DEFAULT STANDARD', True, 'Checks that the last component of all packages is a version of the form v\\d+, v\\d+test.*, v\\d+(alpha|beta)\\d+, or v\\d+p\\d+(alpha|beta)\\d+, where numbers are >=1.'),
    'PROTOVALIDATE': _spec('PROTOVALIDATE', 'DEFAULT STANDARD', True, 'Checks that protovalidate rules are valid and all CEL expressions compile.'),
    'RPC_REQUEST_RESPONSE_UNIQUE': _spec('RPC_REQUEST_RESPONSE_UNIQUE', 'DEFAULT STANDARD', True, 'Checks that RPC request and response types are only used in one RPC (configurable).'),
    'RPC_REQUEST_STANDARD_NAME': _spec('RPC_REQUEST_STANDARD_NAME', 'DEFAULT STANDARD', True, 'Checks that RPC request type names are RPCNameRequest or ServiceNameRPCNameRequest (configurable).'),
    'RPC_RESPONSE_STANDARD_NAME': _spec('RPC_RESPONSE_STANDARD_NAME', 'DEFAULT STANDARD', True, 'Checks that RPC response type names are RPCNameResponse or ServiceNameRPCNameResponse (configurable).'),
    'SERVICE_SUFFIX': _spec('SERVICE_SUFFIX', 'DEFAULT STANDARD', True, 'Checks that services have a consistent suffix (configurable, default suffix is "Service").'),
    'COMMENT_ENUM': _spec('COMMENT_ENUM', 'COMMENTS', False, 'Checks that enums have non-empty comments.'),
    'COMMENT_ENUM_VALUE': _spec('COMMENT_ENUM_VALUE', 'COMMENTS', False, 'Checks that enum values have non-empty comments.'),
    'COMMENT_FIELD': _spec('COMMENT_FIELD', 'COMMENTS', False, 'Checks that fields have non-empty comments.'),
    'COMMENT_MESSAGE': _spec('COMMENT_MESSAGE', 'COMMENTS', False, 'Checks that messages have non-empty comments.'),
    'COMMENT_ONEOF': _spec('COMMENT_ONEOF', 'COMMENTS', False, 'Checks that oneofs have non-empty comments.'),
    'COMMENT_RPC': _spec('COMMENT_RPC', 'COMMENTS', False, 'Checks that RPCs have non-empty comments.'),
    'COMMENT_SERVICE': _spec('COMMENT_SERVICE', 'COMMENTS', False, 'Checks that services have non-empty comments.'),
    'RPC_NO_CLIENT_STREAMING': _spec('RPC_NO_CLIENT_STREAMING', 'UNARY_RPC', False, 'Checks that RPCs are not client streaming.'),
    'RPC_NO_SERVER_STREAMING': _spec('RPC_NO_SERVER_STREAMING', 'UNARY_RPC', False, 'Checks that RPCs are not server streaming.'),
    'IMPORT_NO_WEAK': _spec('IMPORT_NO_WEAK', '', False, 'Checks that imports are not weak.', True, ''),
    'STABLE_PACKAGE_NO_IMPORT_UNSTABLE': _spec('STABLE_PACKAGE_NO_IMPORT_UNSTABLE', '', False, 'Checks that all files that have stable versioned packages do not import packages with unstable version packages.'),
}

BY_VERSION: dict[str, dict[str, LintRuleSpec]] = {"v1beta1": V1BETA1, "v1": V1, "v2": V2}
