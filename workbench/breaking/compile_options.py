"""Custom options a broken file uses that nothing it imports defines: errors buf reports, protoc not.

protoc interprets a file's options only once the file has no other error, so a file whose import is
missing (or that names an undefined type) gets no word on its `(google.api.http)` options; buf's
compiler reports each as "cannot find `google.api.http` in this scope" (checked with buf-bin, the
googleapis imports left out). Here such a usage becomes protoc's own `Option "(NAME)" unknown.`
error, which `compile_words` words as buf does. Only where it is sure: the extension is declared
neither in the file nor in any file it imports that can be read (one that cannot be read, other
than a missing import, and nothing is said).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from workbench.breaking.compile_decls import open_scope, package_of
from workbench.findings import Finding, Severity

Reader = Callable[[str], "str | None"]
Shown = Callable[[Finding, str], str]
Lines = Callable[[str], "list[str] | None"]  # a file's lines with comments and strings blanked

_IMPORT = re.compile(r"^\s*import\s+(?:public\s+|weak\s+)?\"([^\"]+)\"\s*;", re.M)
_IMPORT_FAILED = re.compile(r'Import "([^"]+)" was not found or had errors\.$')
_NOT_DEFINED = re.compile(r'"([^"]+)" is (?:resolved to "[^"]*", which is )?not defined\.')
_USE = re.compile(r"(?:\boption\s+|[\[,]\s*)(\(\s*(\.?[A-Za-z_][\w.]*)\s*\))")
_EXTEND = re.compile(r"\bextend\s+[\w.]+\s*\{([^{}]*)\}")
_EXTENSION = re.compile(r"\b(\w+)\s*=\s*\d+")
_UNKNOWN = ('Option "({})" unknown. Ensure that your proto definition file imports the proto which defines the '
            "option (i.e. via import option after edition 2024).")


def unknown_options(errors: list[Finding], missing: set[str], read: Reader, code_of: Lines, shown: Shown
                    ) -> list[Finding]:
    """protoc's `Option "(NAME)" unknown.` for each custom option of a file whose errors are a missing
    import or an undefined name, when no readable file it imports declares an extension NAME."""
    out: list[Finding] = []
    for path in sorted({f.file for f in errors if f.line and f.file and _links(f, missing)}):
        text, code = read(path), code_of(path)
        if text is None or code is None:
            continue
        anchor = next(f for f in errors if f.file == path)
        known = _extensions(code)
        readable = True
        for name in _IMPORT.findall(text):
            if name in missing or name.startswith("google/protobuf/"):
                continue  # a missing file declares nothing; the well-known types declare no extensions
            imported = code_of(shown(anchor, name))
            if imported is None:
                readable = False
                break
            known |= _extensions(imported)
        if not readable:
            continue
        package = package_of(code)
        for index, line in enumerate(code):
            for use in _USE.finditer(line):
                if not _declared(use[2], package, known):
                    out.append(Finding(Severity.ERROR, anchor.rule, path, index + 1, _UNKNOWN.format(use[2]),
                                       use.start(1) + 1))
    return out


def _links(f: Finding, missing: set[str]) -> bool:
    """Is `f` an error after which protoc interprets no option of its file (a link error)?"""
    failed = _IMPORT_FAILED.match(f.message)
    return bool(failed and failed[1] in missing) or bool(_NOT_DEFINED.match(f.message))


def _extensions(code: list[str]) -> set[str]:
    """The full names of the extensions `code` declares at its top level, and the simple names
    (`*name`) of those it declares inside a message (whose scope is not followed here)."""
    text = "\n".join(code)
    package = package_of(code)
    prefix = package + "." if package else ""
    out: set[str] = set()
    for block in _EXTEND.finditer(text):
        line = text.count("\n", 0, block.start()) + 1
        top = open_scope(code, line, block.start() - (text.rfind("\n", 0, block.start()) + 1)) == ""
        out |= {(prefix if top else "*") + m[1] for m in _EXTENSION.finditer(block[1])}
    return out


def _declared(name: str, package: str, known: set[str]) -> bool:
    """Does option name `name`, used in a file of `package`, resolve to one of `known`? (Relative
    names are looked up in the package and each package above it.)"""
    if "*" + name.rsplit(".", 1)[-1] in known:
        return True  # an extension declared in a message: its scope is not followed, so taken as found
    if name.startswith("."):
        return name[1:] in known
    parts = package.split(".") if package else []
    return any(".".join([*parts[:cut], name]) in known for cut in range(len(parts), -1, -1))
