"""Proto lint with buf's rule IDs (STANDARD naming and structure, plus the COMMENTS category).

The house requires every message, field, enum and enum value to be documented: buf calls
those rules COMMENT_MESSAGE, COMMENT_FIELD, COMMENT_ENUM and COMMENT_ENUM_VALUE, so we use
buf's IDs instead of inventing our own. Locations follow buf: naming rules point at the
element's name, comment rules at the element. `tests/test_proto_lint.py` compares our
findings with `buf lint` on the same files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from workbench.findings import Finding, Severity
from workbench.model import Model
from workbench.protomodel import enum_prefix

_PASCAL = re.compile(r"^[A-Z][a-zA-Z0-9]*$")
_LOWER_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
_VERSION = re.compile(r"^v\d+((alpha|beta)\d*)?(test\w*)?$|^v\d+p\d+(alpha|beta)\d*$")

# descriptor.proto field numbers used in SourceCodeInfo paths
_PACKAGE, _MESSAGE, _ENUM, _SERVICE, _SYNTAX = 2, 4, 5, 6, 12
_M_FIELD, _M_NESTED, _M_ENUM, _M_ONEOF = 2, 3, 4, 8
_E_VALUE, _S_METHOD, _NAME = 2, 2, 1


def _is_lower_snake(name: str) -> bool:
    # buf: lower_snake_case means the name equals its own snake form; digits may follow letters
    return bool(_LOWER_SNAKE.match(name)) or name == _to_lower_snake(name)


def _to_lower_snake(name: str) -> str:
    out = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return out.lower()


def inputs(model: Model) -> tuple[object, ...]:
    return (model.config, model.descriptor_set)


def check(model: Model) -> list[Finding]:
    if model.descriptor_set is None:
        return []
    from google.protobuf import descriptor_pb2

    prefix = model.config.proto_dir.rstrip("/") + "/"
    fds = descriptor_pb2.FileDescriptorSet.FromString(model.descriptor_set)
    findings: list[Finding] = []
    for fd in fds.file:
        if fd.name.startswith("google/protobuf/"):
            continue
        findings.extend(lint_file(fd, prefix + fd.name))
    return findings


def lint_file(fd, rel: str) -> list[Finding]:  # type: ignore[no-untyped-def]
    locs = {tuple(loc.path): loc for loc in fd.source_code_info.location}
    out: list[Finding] = []

    def at(path: tuple[int, ...], rule: str, message: str, entity: str = "") -> None:
        loc = locs.get(path)
        line, col = (loc.span[0] + 1, loc.span[1] + 1) if loc is not None and loc.span else (1, 1)
        out.append(Finding(Severity.ERROR, rule, rel, line, message, col, entity))

    def documented(path: tuple[int, ...]) -> bool:
        loc = locs.get(path)
        # buf counts leading comments only: a trailing `// note` is not documentation
        return loc is not None and bool(loc.leading_comments.strip())

    if not fd.syntax and not fd.edition:
        at((), "SYNTAX_SPECIFIED", 'Files must have a syntax explicitly specified. If no syntax is specified, the file defaults to "proto2".')
    base = rel.rsplit("/", 1)[-1].removesuffix(".proto")
    if not _is_lower_snake(base):
        at((), "FILE_LOWER_SNAKE_CASE", f'Filename "{rel.rsplit("/", 1)[-1]}" should be lower_snake_case.proto, such as "{_to_lower_snake(base)}.proto".')
    if not fd.package:
        at((), "PACKAGE_DEFINED", 'Files must have a package defined.')
    else:
        if not all(_LOWER_SNAKE.match(p) for p in fd.package.split(".")):
            at((_PACKAGE,), "PACKAGE_LOWER_SNAKE_CASE", f'Package name "{fd.package}" should be lower_snake.case, such as "{fd.package.lower()}".')
        if not _VERSION.match(fd.package.rsplit(".", 1)[-1]) or "." not in fd.package:
            at((_PACKAGE,), "PACKAGE_VERSION_SUFFIX", f'Package name "{fd.package}" should be suffixed with a correctly formed version, such as "{fd.package}.v1".')
    for i in fd.public_dependency:
        at((10, i), "IMPORT_NO_PUBLIC", f'Import "{fd.dependency[i]}" must not be public.')
    for i in fd.weak_dependency:
        at((11, i), "IMPORT_NO_WEAK", f'Import "{fd.dependency[i]}" must not be weak.')

    for ei, en in enumerate(fd.enum_type):
        _lint_enum(en, en.name, (_ENUM, ei), at, documented)
    for mi, msg in enumerate(fd.message_type):
        for args in _messages(msg, msg.name, (_MESSAGE, mi)):
            _lint_message(*args, at, documented)
    for si, svc in enumerate(fd.service):
        path = (_SERVICE, si)
        if not _PASCAL.match(svc.name):
            at((*path, _NAME), "SERVICE_PASCAL_CASE", f'Service name "{svc.name}" should be PascalCase, such as "{_pascal(svc.name)}".')
        if not svc.name.endswith("Service"):
            at((*path, _NAME), "SERVICE_SUFFIX", f'Service name "{svc.name}" should be suffixed with "Service".')
        if not documented(path):
            at(path, "COMMENT_SERVICE", f'Service "{svc.name}" should have a non-empty comment for documentation.')
        for ri, rpc in enumerate(svc.method):
            rpath = (*path, _S_METHOD, ri)
            if not _PASCAL.match(rpc.name):
                at((*rpath, _NAME), "RPC_PASCAL_CASE", f'RPC name "{rpc.name}" should be PascalCase, such as "{_pascal(rpc.name)}".')
            if not documented(rpath):
                at(rpath, "COMMENT_RPC", f'RPC "{rpc.name}" should have a non-empty comment for documentation.')
    return out


def _messages(msg, name: str, path: tuple[int, ...]) -> Iterator[tuple[Any, str, tuple[int, ...]]]:  # type: ignore[no-untyped-def]
    yield msg, name, path
    for ni, nested in enumerate(msg.nested_type):
        if nested.options.map_entry:
            continue
        yield from _messages(nested, f"{name}.{nested.name}", (*path, _M_NESTED, ni))


def _lint_message(msg, name: str, path, at, documented) -> None:  # type: ignore[no-untyped-def]
    if not _PASCAL.match(msg.name):
        at((*path, _NAME), "MESSAGE_PASCAL_CASE", f'Message name "{msg.name}" should be PascalCase, such as "{_pascal(msg.name)}".', msg.name)
    if not documented(path):
        at(path, "COMMENT_MESSAGE", f'Message "{name}" should have a non-empty comment for documentation.', msg.name)
    for fi, field in enumerate(msg.field):
        fpath = (*path, _M_FIELD, fi)
        if not _is_lower_snake(field.name):
            at((*fpath, _NAME), "FIELD_LOWER_SNAKE_CASE", f'Field name "{field.name}" should be lower_snake_case, such as "{_to_lower_snake(field.name)}".', msg.name)
        if field.label == 2:
            at((*fpath, 4), "FIELD_NOT_REQUIRED", f'Field named {field.name} should not be required.', msg.name)
        if not documented(fpath):
            at(fpath, "COMMENT_FIELD", f'Field "{field.name}" should have a non-empty comment for documentation.', msg.name)
    for oi, oneof in enumerate(msg.oneof_decl):
        if any(f.proto3_optional and f.oneof_index == oi for f in msg.field):
            continue  # synthetic oneof of a proto3 `optional`
        opath = (*path, _M_ONEOF, oi)
        if not _is_lower_snake(oneof.name):
            at((*opath, _NAME), "ONEOF_LOWER_SNAKE_CASE", f'Oneof name "{oneof.name}" should be lower_snake_case, such as "{_to_lower_snake(oneof.name)}".', msg.name)
        if not documented(opath):
            at(opath, "COMMENT_ONEOF", f'Oneof "{oneof.name}" should have a non-empty comment for documentation.', msg.name)
    for ei, en in enumerate(msg.enum_type):
        _lint_enum(en, f"{name}.{en.name}", (*path, _M_ENUM, ei), at, documented)


def _lint_enum(en, name: str, path, at, documented) -> None:  # type: ignore[no-untyped-def]
    if not _PASCAL.match(en.name):
        at((*path, _NAME), "ENUM_PASCAL_CASE", f'Enum name "{en.name}" should be PascalCase, such as "{_pascal(en.name)}".')
    if en.options.allow_alias:
        at((*path, 3, 2), "ENUM_NO_ALLOW_ALIAS", f'Enum option "allow_alias" on enum "{name}" must be false.')
    if not documented(path):
        at(path, "COMMENT_ENUM", f'Enum "{name}" should have a non-empty comment for documentation.')
    prefix = enum_prefix(en.name)
    for vi, value in enumerate(en.value):
        vpath = (*path, _E_VALUE, vi)
        if not _UPPER_SNAKE.match(value.name):
            at((*vpath, _NAME), "ENUM_VALUE_UPPER_SNAKE_CASE", f'Enum value name "{value.name}" should be UPPER_SNAKE_CASE, such as "{_to_lower_snake(value.name).upper()}".')
        if not value.name.startswith(prefix):
            at((*vpath, _NAME), "ENUM_VALUE_PREFIX", f'Enum value name "{value.name}" should be prefixed with "{prefix}".')
        if vi == 0 and value.number != 0:
            at((*vpath, 2), "ENUM_FIRST_VALUE_ZERO", f'First enum value "{value.name}" should have a numeric value of 0')
        if vi == 0 and not value.name.endswith("_UNSPECIFIED"):
            at((*vpath, _NAME), "ENUM_ZERO_VALUE_SUFFIX", f'Enum zero value name "{value.name}" should be suffixed with "_UNSPECIFIED".')
        if not documented(vpath):
            at(vpath, "COMMENT_ENUM_VALUE", f'Enum value "{value.name}" should have a non-empty comment for documentation.')


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", name) if part)
