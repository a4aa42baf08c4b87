"""Every broken file's errors, as buf reports them, after protoc stopped at the first.

protoc builds its input files in order and stops at the first one that fails (its errors and those
of the files it imports); buf's compiler reports the errors of every file of the module (checked
with buf-bin: two or three broken files, one importing another, parse and link errors mixed). So
after a failed compile the files not yet reported are compiled again, without the ones that
failed, until a compile goes through or stops reporting new files. Only ever on the failure path:
a good build never pays for it, a tree with k broken files costs k more compiles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from workbench.findings import Finding, Severity

Compile = Callable[[list[str]], "tuple[bytes | None, list[Finding]]"]


def every_failure(files: Sequence[str], shown: Callable[[str], str], findings: list[Finding],
                  compile_files: Compile) -> list[Finding]:
    """`findings` of a failed compile of `files`, with those of the files protoc never reached.

    `shown(name)` is how findings name file `name`; `compile_files(names)` compiles some of them
    (descriptor set or None, findings)."""
    out = list(findings)
    seen = {_key(f) for f in out}
    remaining = list(files)
    while True:
        failed = {f.file for f in out if f.severity is Severity.ERROR}
        left = [name for name in remaining if shown(name) not in failed]
        if not left or len(left) == len(remaining):
            return out  # nothing left, or nothing new that a compile could get past
        remaining = left
        data, found = compile_files(left)
        if data is not None:
            return out
        new = [f for f in found if _key(f) not in seen]
        seen.update(_key(f) for f in new)
        out += new
        if not any(f.severity is Severity.ERROR and f.file not in failed for f in new):
            return out


def _key(f: Finding) -> tuple[object, ...]:
    return (f.severity, f.rule, f.file, f.line, f.column, f.message)
