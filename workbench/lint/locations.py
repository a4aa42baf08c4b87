"""Source info on demand, for a tree compiled without it.

Why: protoc's source info (every element's span and comments) is two thirds of a big tree's descriptor
set and of protoc's peak memory, yet lint needs it only for the files it reports on (the spans of its
findings, and `// buf:lint:ignore` comments where the text has one). So a big tree is compiled
without it (`workbench.lint.run`), and `Locator` compiles just the files asked for once more, with
source info and their imports read from the first compile's set (`proto_compile.locate`). protoc
records the same spans either way: locations come from the parser, and the options they point at
are interpreted against the same descriptors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from workbench.breaking.descriptors import encode_varint

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any

    from google.protobuf import descriptor_pb2 as pb


class Locator:
    """Fills in `source_code_info` of the files of `fds` as they are asked for, in batches.

    `disk`: where each file of the tree is (name -> path); `fallback(names)`: their descriptor set with
    source info compiled the ordinary way (imports from source), for what protoc cannot map."""

    def __init__(self, fds: pb.FileDescriptorSet, disk: Mapping[str, Path],
                 fallback: Callable[[list[str]], bytes | None], parallel: bool = False) -> None:
        self._by_name = {f.name: f for f in fds.file}
        self._disk = disk
        self._fallback = fallback
        self._parallel = parallel  # a big tree: a batch of SPLIT_MIN_FILES or more compiles in two processes
        self._queued: set[str] = set()
        self._done: set[str] = set()
        self.compiles = 0  # protoc runs so far (tests check that asks are batched)

    def want(self, names: Iterable[str]) -> None:
        """These files will be asked for: the next `load` compiles them in the same run."""
        self._queued.update(n for n in names if n not in self._done)

    def load(self, name: str) -> None:
        """Make sure file `name` (and every file wanted so far) has its source info."""
        if name in self._done:
            return
        self._queued.add(name)
        names = sorted(n for n in self._queued if n in self._by_name and n in self._disk)
        self._queued.clear()
        self._done.update(names)
        self._done.add(name)
        if names:
            self._fill(names)

    def _fill(self, names: list[str]) -> None:
        from workbench.breaking.descriptors import parse_set

        sets: list[bytes | None] = []
        if self._parallel and len(names) >= SPLIT_MIN_FILES:
            # half of them compiled in a forked child meanwhile: protoc on the machine's second core
            from workbench.breaking.forked import halves

            sets += halves(names, self._compiled)
        else:
            sets.append(self._compiled(names))
        wanted = set(names)
        for data in sets:
            if data is None:
                continue  # no locations: findings fall back to line 1, as for a set without source info
            for compiled in parse_set(data).file:
                target = self._by_name.get(compiled.name)
                if target is not None and compiled.name in wanted:
                    target.source_code_info.CopyFrom(compiled.source_code_info)

    def _compiled(self, names: list[str]) -> bytes | None:
        """The descriptor set, with source info, of `names`; None when no way of compiling them works."""
        from workbench.contracts.proto_compile import locate, locate_or_why

        files = {n: self._disk[n] for n in names}
        self.compiles += 1
        data, lenient = locate_or_why(files, self._imports(names, stubs=True))
        # something of an import the stubs lack (a custom option's message type ...), unless protoc
        # refused what buf takes: only the ordinary compile rewrites that
        if data is None and not lenient:
            self.compiles += 1
            data = locate(files, self._imports(names, stubs=False))
        if data is None:
            self.compiles += 1
            data = self._fallback(names)
        return data

    def _imports(self, names: list[str], stubs: bool) -> bytes:
        """A serialized set of what `names` import, for protoc's `--descriptor_set_in` (it reads all
        of what it is given, and builds every import's own imports: a few files' imports would cost
        most of the tree).

        stubs=False: their imports, directly or not, as compiled. stubs=True: their direct imports
        only, cut down to what the files can name (`_stub`), plus what those must import (public
        imports, google/protobuf/*) in full or as stubs."""
        wanted = set(names)
        seen: set[str] = set()
        todo = [dep for n in names for dep in self._deps(n)]
        out = []
        while todo:
            dep = todo.pop()
            if dep in seen or dep in wanted:
                continue
            seen.add(dep)
            proto = self._by_name.get(dep)
            if proto is None:
                continue
            if not stubs or dep.startswith(WELL_KNOWN):
                todo += self._deps(dep)
                data = proto.SerializeToString()
            else:
                stub = _stub(proto)
                todo += list(stub.dependency)
                data = stub.SerializeToString()
            out.append(b"\x0a" + encode_varint(len(data)) + data)
        return b"".join(out)

    def _deps(self, name: str) -> list[str]:
        proto = self._by_name.get(name)
        return list(proto.dependency) if proto is not None else []


# Below this many files, one protoc run (a few ms) costs less than forking a process for half of them.
SPLIT_MIN_FILES = 8
WELL_KNOWN = "google/protobuf/"
TYPE_BYTES = 12
OPTION_EXTENDEES = (".google.protobuf.",)


def _stub(proto: pb.FileDescriptorProto) -> pb.FileDescriptorProto:
    """`proto` as another file that imports it sees it: its messages (with their fields only where an
    option's value may be written as a literal), enums, extension ranges and option extensions, every
    remaining field whose type is from elsewhere turned into `bytes`, no services, and only the imports
    names can come through (public ones) or options need (google/protobuf/*). Building it costs
    protoc a fraction of the real file, and it imports nothing of the tree.

    A file compiled against stubs parses to the same source info (locations come from the parser;
    options resolve against the same numbers), or fails to compile when it needs more (an option
    set with a literal of a type from another file): the caller then gives the real imports."""
    stub = type(proto)()
    stub.CopyFrom(proto)
    stub.ClearField("source_code_info")
    stub.ClearField("service")
    public_at = set(stub.public_dependency)
    keep = [i for i, dep in enumerate(stub.dependency) if i in public_at or dep.startswith(WELL_KNOWN)]
    deps = [stub.dependency[i] for i in keep]
    public = [keep.index(i) for i in stub.public_dependency]
    for name in ("dependency", "public_dependency", "weak_dependency"):
        stub.ClearField(name)  # type: ignore[arg-type]
    stub.dependency.extend(deps)
    stub.public_dependency.extend(public)
    prefix = f".{stub.package}." if stub.package else "."
    messages: dict[str, Any] = {}
    own = {prefix + e.name for e in stub.enum_type}
    todo = [(prefix, m) for m in stub.message_type]
    while todo:
        scope, m = todo.pop()
        full = scope + m.name
        messages[full] = m
        own.update(f"{full}.{e.name}" for e in m.enum_type)
        todo += [(full + ".", n) for n in m.nested_type]
    own.update(messages)
    extensions = _kept_extensions(stub.extension, own)
    for m in messages.values():
        extensions += _kept_extensions(m.extension, own)
    # the messages an option's literal may spell out: options' own types, and theirs
    literal: set[str] = set()
    reach = [x.type_name for x in extensions]
    while reach:
        name = reach.pop()
        if name in messages and name not in literal:
            literal.add(name)
            reach += [fd.type_name for fd in messages[name].field]
    for full, m in messages.items():
        if full in literal:
            for fd in m.field:
                _local_type(fd, own)
        else:
            m.ClearField("field")
            m.ClearField("oneof_decl")
    for x in extensions:
        _local_type(x, own)
    return stub


def _local_type(fd: pb.FieldDescriptorProto, own: set[str]) -> None:
    if fd.type_name and fd.type_name not in own:
        fd.type = TYPE_BYTES  # type: ignore[assignment]
        fd.ClearField("type_name")
        fd.ClearField("default_value")
        fd.ClearField("options")


def _kept_extensions(extensions: Any, own: set[str]) -> list[Any]:
    """Keep the extensions of google.protobuf.*Options (custom options a file may set) and of the
    file's own messages; drop those of other files' messages (their extendee is not in the stubs)."""
    for i in reversed(range(len(extensions))):
        extendee = extensions[i].extendee
        if extendee not in own and not extendee.startswith(OPTION_EXTENDEES):
            del extensions[i]
    return list(extensions)
