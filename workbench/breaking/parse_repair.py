"""The link errors (unknown types, numbers used twice ...) of a file that also has a missing `;`.

protoc does not link a file it could not parse; buf's compiler reads past a missing `;` (its
`unexpected X after definition`) and reports the file's link errors as well (checked with buf-bin:
`message A { Foo x = 1; int32 y = 2 }` is both `unexpected `}`` and `cannot find `Foo``). So after a
failed compile, a file whose only errors are protoc's `Expected ";".` is compiled once more from a
copy with each `;` put in (where no token's column moves: over the blank before the token), and that
compile's errors in the file are added. Files whose `;` cannot go in that way are left as they are.
Only ever on the failure path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from workbench.findings import Finding, Severity

MISSING_SEMICOLON = 'Expected ";".'
_PARSE_WORDS = ("Expected ", "Missing ", "Unmatched ", "Reached end of input")  # how protoc's parse errors start
Compile = Callable[[Path, str], "list[Finding]"]  # (folder holding the copy, its name) -> findings


def with_link_errors(findings: list[Finding], names: dict[str, str], source: Callable[[str], str | None],
                     compile_copy: Compile) -> list[Finding]:
    """`findings` with the link errors of each file whose only errors are missing `;`s.

    `names`: how findings name a file -> its name to the compiler; `source(name)` its text;
    `compile_copy(folder, name)` compiles the copy of `name` written below `folder`."""
    errors: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity is Severity.ERROR and f.file:
            errors.setdefault(f.file, []).append(f)
    out = list(findings)
    for shown, found in errors.items():
        name = names.get(shown)
        if name is None or any(f.message != MISSING_SEMICOLON or not f.line for f in found):
            continue
        text = source(name)
        repaired = _with_semicolons(text, found) if text is not None else None
        if repaired is None:
            continue
        import tempfile

        with tempfile.TemporaryDirectory(prefix="wb-repair-") as folder:
            copy = Path(folder) / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(repaired, encoding="utf-8")
            more = compile_copy(Path(folder), name)
        more = [f for f in more if f.severity is Severity.ERROR and f.file == shown]
        if any((f.line, f.column) in {(e.line, e.column) for e in found} and f.message.startswith(_PARSE_WORDS)
               for f in more):
            continue  # the token after the `;` starts no statement either (`x = 1 1;`): a parse error still
        out += more
    return out


def _with_semicolons(text: str, found: list[Finding]) -> str | None:
    """`text` with a `;` over the blank before each error's token (or after the line above, for a
    token that starts its line); None where neither can be."""
    from workbench.contracts.protoc_columns import column_at, index_at

    lines = text.split("\n")
    for f in found:
        if f.line > len(lines):
            return None
        line = lines[f.line - 1]
        at = index_at(line, (f.column or 1) - 1)
        if line[:at].strip() and line[at - 1] in " \t":
            # a tab becomes `;` and the blanks to its tab stop: protoc's columns stay as they were
            width = column_at(line, at) - column_at(line, at - 1)
            lines[f.line - 1] = line[:at - 1] + ";" + " " * (width - 1) + line[at:]
        elif line[:at].strip() == "":
            # the token starts its line: the `;` goes at the end of the statement's last line (which
            # moves no column of a token; not past a comment, where it would not count)
            above = next((i for i in range(f.line - 2, -1, -1) if lines[i].strip()), None)
            if above is None or any(mark in lines[above] for mark in ("//", "/*", "*/")):
                return None
            lines[above] += ";"
        else:
            return None
    return "\n".join(lines)
