"""A workspace whose modules define the same names: each module compiled on its own, as buf builds it.

buf builds one image per module of a workspace (`bufctl`'s buildTargetImageWithConfigs): the
module's files with what they import from the other modules, and nothing else. Two modules that
both define `p.M` (or hold files that declare the same extension number) without importing each
other therefore build, and lint and breaking run over each image apart. protoc given every module's
files at once fails on the second definition. A review compiles a side's modules together first (one
protoc run, the common case) and only when that fails on a name defined twice compiles each module
apart, with every module's root still on the include path; what each image holds is kept
(`Side.images`) so that rules resolve names within the module's image only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from workbench.breaking.descriptors import wire_fields
from workbench.findings import Finding, Severity

# protoc's words for a name or number two files claim (descriptor.cc: AddSymbol, extension checks)
_REDEFINED = ("is already defined in file", "has already been used in")

Compiled = tuple[bytes | None, list[Finding]]


def defined_twice(findings: Sequence[Finding]) -> bool:
    """Did a compile fail because two files define the same name (or extension number)?"""
    return any(f.severity is Severity.ERROR and any(words in f.message for words in _REDEFINED)
               for f in findings)


def compile_apart(modules: dict[str, list[str]], compile_files: Callable[[list[str]], Compiled]
                  ) -> tuple[bytes | None, list[Finding], dict[str, set[str]]]:
    """Compile each module's files on their own (`compile_files`): the sets merged (a file several
    images share once), every compile's findings once each, and module -> the files of its image.
    The set is None when any module's image does not build."""
    sets: list[bytes] = []
    findings: list[Finding] = []
    seen: set[tuple[object, ...]] = set()
    failed = False
    for names in modules.values():
        data, found = compile_files(names)
        for f in found:
            key = (f.severity, f.rule, f.file, f.line, f.column, f.message)
            if key not in seen:
                seen.add(key)
                findings.append(f)
        if data is None:
            failed = True
        else:
            sets.append(data)
    if failed:
        return None, findings, {}
    merged, images = merge_sets(sets)
    return merged, findings, dict(zip(modules, images, strict=True))


def merge_sets(sets: Sequence[bytes]) -> tuple[bytes, list[set[str]]]:
    """Serialized FileDescriptorSets as one (each file once, first copy kept: every copy was compiled
    from the same source), and the file names each set held."""
    pieces: list[bytes] = []
    kept: set[str] = set()
    names: list[set[str]] = []
    for data in sets:
        held: set[str] = set()
        for number, wire, tag_at, value_at, end in wire_fields(data):
            if number != 1 or wire != 2:  # FileDescriptorSet.file: protoc writes nothing else
                continue
            name = _file_name(data, value_at, end)
            held.add(name)
            if name not in kept:
                kept.add(name)
                pieces.append(data[tag_at:end])
        names.append(held)
    return b"".join(pieces), names


def _file_name(data: bytes, start: int, stop: int) -> str:
    """FileDescriptorProto.name (field 1) of the file serialized in data[start:stop]."""
    for number, wire, _, value_at, end in wire_fields(data, start, stop):
        if number == 1 and wire == 2:
            return data[value_at:end].decode("utf-8", "surrogateescape")
    return ""  # protoc names every file: not reached
