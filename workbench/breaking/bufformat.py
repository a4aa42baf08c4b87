"""buf's own output formats (`--error-format text|json|msvs|github-actions`), for a drop-in in CI.

One line per finding, byte for byte what `buf breaking`/`buf lint` print: `path:line:col:message`
(`<input>` when buf names no file), buf's JSON lines, MSVS, and GitHub workflow commands.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

FORMATS = ("text", "json", "msvs", "github-actions")
_GO_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                             "\u2029": "\\u2029"})


@dataclass(frozen=True, order=True)
class Violation:
    path: str  # "" when buf names no file (a deleted file or package)
    line: int
    column: int
    rule: str
    message: str
    end_line: int = 0
    end_column: int = 0
    entity: str = field(default="", compare=False)  # the top-level message a finding is in, for the TUI


def write(violations: Iterable[Violation], fmt: str, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for v in sorted(violations):
        out.write(_line(v, fmt) + "\n")


def _line(v: Violation, fmt: str) -> str:
    path = v.path or "<input>"
    if fmt == "json":
        data: dict[str, object] = {}
        if v.path:
            data["path"] = v.path
        data.update({"start_line": v.line, "start_column": v.column, "end_line": v.end_line or v.line,
                     "end_column": v.end_column or v.column, "type": v.rule, "message": v.message})
        # Go's encoding/json escapes <, > and & (and U+2028/9) for HTML safety; buf's lines have them so
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return text.translate(_GO_ESCAPES)
    if fmt == "msvs":
        return f"{path}({v.line},{v.column}) : error {v.rule} : {v.message}"
    if fmt == "github-actions":
        if not v.path:
            return f"::error file=<input>::{_escape(v.message)}"
        return (f"::error file={v.path},line={v.line},col={v.column},endLine={v.end_line or v.line},"
                f"endColumn={v.end_column or v.column}::{_escape(v.message)}")
    return f"{path}:{v.line}:{v.column}:{v.message}"


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
