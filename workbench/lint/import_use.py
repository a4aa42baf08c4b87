"""The unused imports buf's compiler reports where protoc's own diagnosis differs.

IMPORT_USED is buf's compiler's "Import X is unused" warning, and lint takes it from protoc's (which
also sees the names in custom options). The two track uses differently:

- protoc does not track an import of a file that itself has public imports (descriptor.cc: a
  dependency is tracked only when `public_dependency_count() == 0`), so it never calls one unused;
  buf's compiler (protocompile's linker, `CheckForUnusedImports`) does.
- where the file that defines a name is not imported directly, buf's compiler marks the *import*
  through which the name resolved: the first of the file's imports (in order) that reaches it
  through public imports (`resolveInFile`). Where it is imported directly, that import is the one
  used, also after an import that reaches it publicly (buf-bin 1.75, tests/lint_cases/
  import_public_forward): for files without public imports both compilers agree.

Both are read here from the descriptors: the names a file refers to (field types, extendees, RPC
types, custom options and features set by extension number) and the files that define them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any

    from google.protobuf import descriptor_pb2 as pb

# Every options message, and FeatureSet, holds its extensions at 1000 and above, its own fields below.
FIRST_EXTENSION = 1000
# (options type, the number of its `features` field: a FeatureSet, whose extensions are the
# languages' features such as (pb.cpp))
OPTIONS_TYPES = {"file": ("google.protobuf.FileOptions", 50), "message": ("google.protobuf.MessageOptions", 12),
                 "field": ("google.protobuf.FieldOptions", 21), "oneof": ("google.protobuf.OneofOptions", 1),
                 "enum": ("google.protobuf.EnumOptions", 7), "value": ("google.protobuf.EnumValueOptions", 2),
                 "service": ("google.protobuf.ServiceOptions", 34), "method": ("google.protobuf.MethodOptions", 35),
                 "range": ("google.protobuf.ExtensionRangeOptions", 50)}


def buf_unused(fds: pb.FileDescriptorSet, names: Iterable[str],
               protoc_unused: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """(file, import) pairs of the files `names` that buf calls unused, given protoc's."""
    files = {f.name: f for f in fds.file}
    defined_in: dict[str, str] = {}
    extensions: dict[tuple[str, int], str] = {}
    for f in fds.file:
        for name in _type_names(f):
            defined_in[name] = f.name
        for x in _extensions(f):
            extensions[(x.extendee.lstrip("."), x.number)] = f.name
    closures: dict[str, set[str]] = {}
    out = set(protoc_unused)
    for name in names:
        if name not in files or not files[name].dependency:
            continue
        f = files[name]
        public = set(f.public_dependency)
        reach = [_public_closure(dep, files, closures) for dep in f.dependency]
        untracked = [i for i, dep in enumerate(f.dependency)
                     if i not in public and dep in files and files[dep].public_dependency]
        if untracked:
            used = _used_imports(f, reach, defined_in, extensions)
            out |= {(name, f.dependency[i]) for i in untracked if i not in used}
    return out


def _used_imports(f: pb.FileDescriptorProto, reach: list[set[str]], defined_in: dict[str, str],
                  extensions: dict[tuple[str, int], str]) -> set[int]:
    """The imports (by index) buf's compiler marks used: for each name the file refers to, the import
    of the file that defines it, else the first import whose public closure holds that file."""
    homes = {defined_in.get(t.lstrip(".")) for t in _references(f)}
    homes |= {extensions.get(key) for key in _option_extensions(f)}
    homes.discard(None)
    homes.discard(f.name)
    used = set()
    direct = {dep: i for i, dep in enumerate(f.dependency)}
    for home in homes:
        if home in direct:
            used.add(direct[home])
            continue
        for i, files in enumerate(reach):
            if home in files:
                used.add(i)
                break
    return used


def _public_closure(name: str, files: dict[str, pb.FileDescriptorProto], memo: dict[str, set[str]]) -> set[str]:
    """The file and, transitively, the files it imports publicly."""
    if name in memo:
        return memo[name]
    memo[name] = {name}  # an import cycle (refused by the compilers) stops here
    f = files.get(name)
    out = {name}
    if f is not None:
        for i in f.public_dependency:
            if 0 <= i < len(f.dependency):
                out |= _public_closure(f.dependency[i], files, memo)
    memo[name] = out
    return out


def _type_names(f: pb.FileDescriptorProto) -> Iterator[str]:
    prefix = f"{f.package}." if f.package else ""
    for e in f.enum_type:
        yield prefix + e.name
    for full, m in _walk(prefix, f.message_type):
        yield full
        yield from (f"{full}.{e.name}" for e in m.enum_type)


def _walk(prefix: str, messages: Iterable[pb.DescriptorProto]) -> Iterator[tuple[str, pb.DescriptorProto]]:
    """(full name, message) of the messages and, depth first, those nested in them."""
    for m in messages:
        yield prefix + m.name, m
        yield from _walk(f"{prefix}{m.name}.", m.nested_type)


def _messages(f: pb.FileDescriptorProto) -> Iterator[pb.DescriptorProto]:
    return (m for _, m in _walk("", f.message_type))


def _extensions(f: pb.FileDescriptorProto) -> Iterator[pb.FieldDescriptorProto]:
    yield from f.extension
    for m in _messages(f):
        yield from m.extension


def _references(f: pb.FileDescriptorProto) -> Iterator[str]:
    for m in _messages(f):
        for x in (*m.field, *m.extension):
            if x.type_name:
                yield x.type_name
            if x.extendee:
                yield x.extendee
    for x in f.extension:
        if x.type_name:
            yield x.type_name
        yield x.extendee
    for s in f.service:
        for r in s.method:
            yield r.input_type
            yield r.output_type


def _option_extensions(f: pb.FileDescriptorProto) -> Iterator[tuple[str, int]]:
    """(extended options type, number) of each custom option and feature extension the file sets."""
    for kind, options in _options(f):
        data = options.SerializeToString()  # type: ignore[attr-defined]
        if data:
            yield from _set_extensions(*OPTIONS_TYPES[kind], data)


def _set_extensions(type_name: str, features: int, data: bytes) -> Iterator[tuple[str, int]]:
    from workbench.breaking.descriptors import wire_fields

    try:
        for number, wire, _, value_at, end in wire_fields(data):
            if number >= FIRST_EXTENSION:
                yield type_name, number
            elif number == features and wire == 2:
                yield from (("google.protobuf.FeatureSet", n) for n, *_ in wire_fields(data, value_at, end)
                            if n >= FIRST_EXTENSION)
    except ValueError:
        return  # a group-valued custom option: the options before it were read


def _options(f: pb.FileDescriptorProto) -> Iterator[tuple[str, object]]:
    messages = list(_messages(f))
    enums = [*f.enum_type, *(e for m in messages for e in m.enum_type)]
    owners: dict[str, list[Any]] = {
        "file": [f], "message": messages, "field": [*(x for m in messages for x in m.field), *_extensions(f)],
        "oneof": [o for m in messages for o in m.oneof_decl], "range": [r for m in messages for r in m.extension_range],
        "enum": enums, "value": [v for e in enums for v in e.value], "service": list(f.service),
        "method": [r for s in f.service for r in s.method]}
    for kind, elements in owners.items():
        for element in elements:
            if element.HasField("options"):
                yield kind, element.options
