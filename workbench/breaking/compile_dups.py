"""A name declared twice, as buf's compiler reports it (protoc's `already defined` errors rewritten).

buf says "`NAME` declared multiple times" once per name, at the declaration it keeps: within a file
a message or enum before a field or enum value of the same name, else the first in the file; across
the files of a module the one in the file first by path (checked with buf-bin: `b.proto` before
`c/a.proto` before `z.proto`, whatever imports what). protoc points at each later declaration, and
for an enum value adds a note on C++ scoping that buf has no counterpart of. Enum values share their
enum's scope, so `enum E { X = 0; } enum F { X = 0; }` is one name declared twice; the values of an
enum declared twice are not reported again (buf names the enum only).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from workbench.breaking.bufformat import Violation
from workbench.breaking.compile_decls import Declaration, blanked, declarations, package_of
from workbench.findings import Finding, Severity

Lines = Callable[[str], "list[str] | None"]  # a file's lines with comments and strings blanked

ALREADY_DEFINED = re.compile(r'"(\w+)" is already defined in "[^"]*"\.$')
DEFINED_IN_FILE = re.compile(r'"([\w.]+)" is already defined in file "([^"]+)"\.$')
SCOPING_NOTE = "Note that enum values use C++ scoping rules, "


def scope(d: Declaration) -> str:
    """The scope `d`'s name lives in: an enum value's is its enum's (C++ scoping)."""
    if d.kind == "value":
        return d.container.rpartition(".")[0]
    return d.container


def _kept(same: list[Declaration]) -> Declaration:
    """The declaration buf reports a name at: a type before anything else, then the first (a field
    before a oneof of its name, even where protoc points at the field)."""
    return min(same, key=lambda d: (d.kind != "type", d.line, d.column))


def in_file(f: Finding, code: list[str] | None, proto3: bool, said: set[tuple[str, str, str]]
            ) -> list[Violation] | None:
    """buf's errors for protoc's `"NAME" is already defined in "SCOPE".` (both in `f.file`): declared
    multiple times once, and in proto3 a JSON-name (fields) or prefix (enum values of one enum)
    conflict at each later one. None when the declarations are not found in the file."""
    if code is None:
        return None
    found = declarations(code)
    here = next((d for d in found if (d.line, d.column) == (f.line, f.column)), None)
    if here is None:
        return None
    same = [d for d in found if d.name == here.name and scope(d) == scope(here)]
    if len(same) < 2:
        return None
    first = _kept(same)
    out = []
    if (f.file, scope(here), here.name) not in said:
        said.add((f.file, scope(here), here.name))
        out.append(_declared(f.file, first))
    if proto3 and all(d.kind == here.kind and d.container == here.container for d in same) \
            and here.kind in ("field", "value"):
        words = ("message fields have the same JSON name" if here.kind == "field" else
                 f"enum values have the same name with the `{here.container.rsplit('.', 1)[-1]}` prefix removed")
        out.append(Violation(f.file, here.line, here.column, "COMPILE", words, here.line, here.column + len(here.name)))
    return out


def across_files(errors: list[Finding], code_of: Lines, shown: Callable[[Finding, str], str]
                 ) -> tuple[list[Violation], set[int]]:
    """buf's errors for protoc's `"pkg.NAME" is already defined in file "other.proto".`: one per
    name, at its declaration in the file first by path; and the indexes of `errors` so answered
    (with the enum values of an enum declared twice). `shown(f, name)` names protoc's file `name`
    as findings name files."""
    files: dict[str, set[str]] = {}  # full name -> the files declaring it
    where: dict[int, str] = {}  # index of an error -> the full name it is about
    for index, f in enumerate(errors):
        if match := DEFINED_IN_FILE.match(f.message):
            files.setdefault(match[1], set()).update((f.file, shown(f, match[2])))
            where[index] = match[1]
    out: list[Violation] = []
    answered = set(where)
    # a value of an enum (or a type in a message) itself declared twice: buf names the outer only
    inner = {name for index, name in where.items() if _inside(errors[index], files, code_of)}
    for name, paths in files.items():
        if name in inner:
            continue
        first = _declaration(sorted(paths)[0], name, code_of)
        if first is None:
            answered -= {i for i, n in where.items() if n == name}
            continue
        out.append(_declared(sorted(paths)[0], first))
    return out, answered


def _inside(f: Finding, names: dict[str, set[str]], code_of: Lines) -> bool:
    """Is the declaration `f` points at inside one of `names` (full names)?"""
    code = code_of(f.file)
    if code is None:
        return False
    here = next((d for d in declarations(code) if (d.line, d.column) == (f.line, f.column)), None)
    if here is None or not here.container:
        return False
    package = package_of(code)
    outer = (package + "." if package else "") + here.container
    return any(outer == name or outer.startswith(name + ".") for name in names)


def _declaration(path: str, full_name: str, code_of: Lines) -> Declaration | None:
    """The declaration of `full_name` (package and scopes) in file `path`."""
    code = code_of(path)
    if code is None:
        return None
    package = package_of(code)
    prefix = package + "." if package else ""
    for d in declarations(code):
        inner = scope(d)
        if prefix + (inner + "." if inner else "") + d.name == full_name:
            return d
    return None


def _declared(path: str, d: Declaration) -> Violation:
    return Violation(path, d.line, d.column, "COMPILE", f"`{d.name}` declared multiple times", d.line,
                     d.column + len(d.name))


def in_other_files(texts: dict[str, tuple[str, str]]) -> list[Finding]:
    """protoc's `"pkg.NAME" is already defined in file "other.proto".` for each top-level type or
    enum value declared in two of `texts` (shown path -> (protoc's name, text)): protoc compares
    only files it built, so a name a broken file shares with another goes unsaid, where buf says it."""
    first: dict[str, str] = {}  # full name -> protoc's name of the first file declaring it
    out: list[Finding] = []
    for path in sorted(texts):
        name, text = texts[path]
        code = blanked(text.split("\n"))
        package = package_of(code)
        prefix = package + "." if package else ""
        for d in declarations(code):
            if scope(d) or d.kind not in ("type", "value"):
                continue
            full = prefix + d.name
            if full in first and first[full] != name:
                out.append(Finding(Severity.ERROR, "PROTO_COMPILE", path, d.line,
                                   f'"{full}" is already defined in file "{first[full]}".', d.column))
            first.setdefault(full, name)
    return out
