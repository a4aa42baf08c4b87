"""buf's own output formats (`--error-format text|json|msvs|github-actions`), for a drop-in in CI.

One line per finding, byte for byte what `buf breaking`/`buf lint` print: `path:line:col:message`
(`<input>` when buf names no file), buf's JSON lines, MSVS, and GitHub workflow commands.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

try:
    # the C function `json.dumps(..., ensure_ascii=False)` quotes strings with, without importing the json
    # package (its decoder and scanner: ~2 ms of a 1-file module's `workbench breaking`)
    from _json import encode_basestring as _quote
except ImportError:  # not CPython
    from json.encoder import encode_basestring as _quote

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import TextIO

    from workbench.findings import Finding

FORMATS = ("text", "json", "msvs", "github-actions")
_GO_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                             "\u2029": "\\u2029"})


class Violation:
    """One line of `buf breaking`/`buf lint` output; ordered (and equal) by everything but `entity`.

    Written out rather than a `dataclass(frozen=True, order=True)`: making that class (ten methods,
    each compiled at import) was ~1.5 ms of a 1-file module's lint run. Never changed once made.
    """

    __slots__ = ("path", "line", "column", "rule", "message", "end_line", "end_column", "entity")

    def __init__(self, path: str, line: int, column: int, rule: str, message: str, end_line: int = 0,
                 end_column: int = 0, entity: str = "") -> None:
        self.path = path  # "" when buf names no file (a deleted file or package)
        self.line = line
        self.column = column
        self.rule = rule
        self.message = message
        self.end_line = end_line
        self.end_column = end_column
        self.entity = entity  # the top-level message a finding is in, for the TUI

    def _key(self) -> tuple[str, int, int, str, str, int, int]:
        return (self.path, self.line, self.column, self.rule, self.message, self.end_line, self.end_column)

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, Violation) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __lt__(self, other: Violation) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Violation) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Violation) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Violation) -> bool:
        return self._key() >= other._key()

    def __repr__(self) -> str:
        return (f"Violation(path={self.path!r}, line={self.line!r}, column={self.column!r}, rule={self.rule!r}, "
                f"message={self.message!r}, end_line={self.end_line!r}, end_column={self.end_column!r}, "
                f"entity={self.entity!r})")


def write(violations: Iterable[Violation], fmt: str, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for v in sorted(violations):
        out.write(_line(v, fmt) + "\n")


def write_compile_errors(errors: Iterable[Finding], fmt: str) -> None:
    """Protos that do not compile, as buf prints its compiler's errors with `--error-format fmt`: one
    `COMPILE` line per located error on stdout (buf's JSON object, MSVS line, workflow command or
    `path:line:column:message`), in buf's compiler's words and spans where
    `workbench.breaking.compile_words` knows them, else protoc's words with the end at the start. An
    error at no line (a MessageSet, an unreadable set) is buf's `Failure: ...`, which it prints on
    stderr whatever the format: ours go there too."""
    from workbench.breaking.compile_words import translate

    located, unlocated = translate(errors, _read_source)
    write(located, fmt)
    sys.stdout.flush()
    for f in unlocated:
        print(f.format(), file=sys.stderr)


def _read_source(path: str) -> str | None:
    """A file compile errors name, as buf names it: relative to the directory buf runs in."""
    from pathlib import Path

    try:
        return Path(path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None


def _line(v: Violation, fmt: str) -> str:
    path = v.path or "<input>"
    if fmt == "json":
        # what json.dumps(..., ensure_ascii=False, separators=(",", ":")) gives for these keys in this order
        text = (("{" + f'"path":{_quote(v.path)},' if v.path else "{") +
                f'"start_line":{v.line},"start_column":{v.column},"end_line":{v.end_line or v.line},'
                f'"end_column":{v.end_column or v.column},"type":{_quote(v.rule)},"message":{_quote(v.message)}}}')
        # Go's encoding/json escapes <, > and & (and U+2028/9) for HTML safety; buf's lines have them so
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
