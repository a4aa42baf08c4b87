"""PACKAGE category rules: elements deleted from a package (moving between files of it is fine)."""

from __future__ import annotations

from collections import defaultdict

from workbench.breaking.change import Pair, q
from workbench.breaking.rules import Emit, Handler
from workbench.breaking.rules.files import _parent_location, extension_nested_name
from workbench.breaking.schema import FileInfo, MessageInfo, Schema


def _packages(schema: Schema) -> dict[str, list[FileInfo]]:
    out: dict[str, list[FileInfo]] = defaultdict(list)
    for f in schema.files.values():
        out[f.package].append(f)
    return out


def package_no_delete(p: Pair, emit: Emit) -> None:
    after = _packages(p.after)
    for package in _packages(p.before):
        if package not in after:
            # buf names no file: a package is not in one
            emit(f"Previously present package {q(package)} was deleted.", None, [], entity=package)


def _deleted(p: Pair, emit: Emit, kind: str, before_items: dict[str, dict[str, tuple[FileInfo, tuple[int, ...], str]]],
             after_items: dict[str, dict[str, object]], nested_by_package: bool) -> None:
    after_packages = _packages(p.after)
    for package, items in before_items.items():
        # buf only looks at packages that still hold at least one message (enum, extension) of the
        # kind: deleting the last one is left to the FILE rules. Services are checked either way.
        if package not in after_packages or (kind != "service" and package not in after_items):
            continue
        current = after_items.get(package, {})
        package_nested: dict[str, MessageInfo] = {
            m.nested_name: m for f in after_packages[package] for m in f.messages}
        for nested_name, (before_file, before_path, full_name) in items.items():
            if nested_name in current:
                continue
            message = f"Previously present {kind} {q(nested_name)} was deleted from package {q(package)}."
            after_file = p.after.files.get(before_file.path)
            if after_file is None:
                # the file went too: buf has no place in the input to point at
                emit(message, None, [], before_file, [before_path], full_name)
                continue
            if kind == "service":
                emit(message, after_file, [], before_file, [before_path], full_name)
                continue
            nested = package_nested if nested_by_package else {m.nested_name: m for m in after_file.messages}
            parent = _parent_location(nested, nested_name)
            if parent is not None:
                emit(message, parent.file, [parent.path], before_file, [before_path], full_name)
            else:
                emit(message, after_file, [], before_file, [before_path], full_name)


def _by_package(schema: Schema, what: str) -> dict[str, dict[str, tuple[FileInfo, tuple[int, ...], str]]]:
    out: dict[str, dict[str, tuple[FileInfo, tuple[int, ...], str]]] = defaultdict(dict)
    for f in schema.files.values():
        if what == "message":
            for m in f.messages:
                out[f.package][m.nested_name] = (f, m.path, m.full_name)
        elif what == "enum":
            for e in f.enums:
                out[f.package][e.nested_name] = (f, e.path, e.full_name)
        elif what == "service":
            for s in f.services:
                out[f.package][s.name] = (f, s.path, s.full_name)
        else:
            for x in f.extensions:
                out[f.package][extension_nested_name(x.full_name, f.package)] = (f, x.path, x.full_name)
    return out


def package_element_no_delete(kind: str, nested_by_package: bool) -> Handler:
    """PACKAGE_<KIND>_NO_DELETE: no `kind` (message, enum, service, extension) left its package.
    `nested_by_package`: a deleted nested element is placed on its closest parent anywhere in the
    package (messages), not only in its own file."""
    def handler(p: Pair, emit: Emit) -> None:
        _deleted(p, emit, kind, _by_package(p.before, kind), _by_package(p.after, kind),  # type: ignore[arg-type]
                 nested_by_package)
    return handler
