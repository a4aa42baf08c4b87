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
types, and in options the extensions set at any depth, by number, and the types of Any values) and
the files that define them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any

    from google.protobuf import descriptor_pb2 as pb

# Every options message, and FeatureSet, holds its extensions at 1000 and above, its own fields below.
TYPE_GROUP, TYPE_MESSAGE = 10, 11  # FieldDescriptorProto.Type
OPTIONS_TYPES = {"file": "google.protobuf.FileOptions", "message": "google.protobuf.MessageOptions",
                 "field": "google.protobuf.FieldOptions", "oneof": "google.protobuf.OneofOptions",
                 "enum": "google.protobuf.EnumOptions", "value": "google.protobuf.EnumValueOptions",
                 "service": "google.protobuf.ServiceOptions", "method": "google.protobuf.MethodOptions",
                 "range": "google.protobuf.ExtensionRangeOptions"}
# The number of each options message's `features` field (a FeatureSet, whose extensions are the
# languages' features such as (pb.cpp)), for sets without descriptor.proto to read it from
FEATURES = {"google.protobuf.FileOptions": 50, "google.protobuf.MessageOptions": 12,
            "google.protobuf.FieldOptions": 21, "google.protobuf.OneofOptions": 1, "google.protobuf.EnumOptions": 7,
            "google.protobuf.EnumValueOptions": 2, "google.protobuf.ServiceOptions": 34,
            "google.protobuf.MethodOptions": 35, "google.protobuf.ExtensionRangeOptions": 50}


def buf_unused(fds: pb.FileDescriptorSet, names: Iterable[str],
               protoc_unused: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """(file, import) pairs of the files `names` that buf calls unused, given protoc's."""
    files = {f.name: f for f in fds.file}
    index: _Index | None = None  # made for the first file that needs it: most trees have no public imports
    closures: dict[str, set[str]] = {}
    out = set(protoc_unused)
    for name in names:
        if name not in files or not files[name].dependency:
            continue
        f = files[name]
        public = set(f.public_dependency)
        untracked = [i for i, dep in enumerate(f.dependency)
                     if i not in public and dep in files and files[dep].public_dependency]
        if untracked:
            reach = [_public_closure(dep, files, closures) for dep in f.dependency]
            index = index or _Index(fds)
            used = _used_imports(f, reach, index)
            out |= {(name, f.dependency[i]) for i in untracked if i not in used}
    return out


class _Index:
    """Where the set defines each name: types, and extensions by (extended type, number)."""

    def __init__(self, fds: pb.FileDescriptorSet) -> None:
        self.defined_in: dict[str, str] = {}
        self.messages: dict[str, pb.DescriptorProto] = {}
        self.extensions: dict[tuple[str, int], tuple[str, pb.FieldDescriptorProto]] = {}
        for f in fds.file:
            prefix = f"{f.package}." if f.package else ""
            for e in f.enum_type:
                self.defined_in[prefix + e.name] = f.name
            for full, m in _walk(prefix, f.message_type):
                self.defined_in[full] = f.name
                self.messages[full] = m
                for e in m.enum_type:
                    self.defined_in[f"{full}.{e.name}"] = f.name
            for x in _extensions(f):
                self.extensions[(x.extendee.lstrip("."), x.number)] = (f.name, x)

    def value_homes(self, type_name: str, data: bytes, out: set[str]) -> None:
        """Add to `out` the files defining the extensions a serialized `type_name` sets, at any depth
        (`[pkg.ext]` in a message literal), and the types its google.protobuf.Any values name."""
        from workbench.breaking.descriptors import wire_fields

        m = self.messages.get(type_name)
        declared = {x.number: x for x in m.field} if m is not None else {}
        features = FEATURES.get(type_name) if m is None else None  # descriptor.proto not in the set
        try:
            for number, wire, _, at, end in wire_fields(data):
                x = declared.get(number)
                if x is None and number == features and wire == 2:
                    self.value_homes("google.protobuf.FeatureSet", data[at:end], out)
                    continue
                if x is None:
                    found = self.extensions.get((type_name, number))
                    if found is None:
                        continue
                    home, x = found
                    out.add(home)
                if wire == 2 and x.type in (TYPE_MESSAGE, TYPE_GROUP):
                    self.value_homes(x.type_name.lstrip("."), data[at:end], out)
        except ValueError:
            return  # a group on the wire: what came before it was read
        if type_name == "google.protobuf.Any":
            self._any_homes(data, out)

    def _any_homes(self, data: bytes, out: set[str]) -> None:
        from workbench.breaking.descriptors import wire_fields

        fields = {number: data[at:end] for number, wire, _, at, end in wire_fields(data) if wire == 2}
        name = fields.get(1, b"").decode("utf-8", "replace").rsplit("/", 1)[-1]
        if name in self.defined_in:
            out.add(self.defined_in[name])
            self.value_homes(name, fields.get(2, b""), out)


def _used_imports(f: pb.FileDescriptorProto, reach: list[set[str]], index: _Index) -> set[int]:
    """The imports (by index) buf's compiler marks used: for each name the file refers to, the import
    of the file that defines it, else the first import whose public closure holds that file."""
    homes: set[str] = set()
    for t in _references(f):
        if t.lstrip(".") in index.defined_in:
            homes.add(index.defined_in[t.lstrip(".")])
    for kind, options in _options(f):
        index.value_homes(OPTIONS_TYPES[kind], options.SerializeToString(), homes)  # type: ignore[attr-defined]
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
