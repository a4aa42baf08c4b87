"""The one finding type every check, diff and loader reports (CLI, JSON, annotations and TUI alike)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Finding:
    """A problem at a place: severity, stable rule ID, file, line, column, message.

    Written out rather than a `dataclass(frozen=True, slots=True)`, with the same behaviour (equality,
    hash and repr by the fields in order, no assignment, pickles alike): importing `dataclasses` and
    making the class (ten methods compiled with `exec`) was ~3 ms of a 1-file module's `workbench
    lint`/`workbench breaking`, which import nothing else of dataclasses.
    """

    __match_args__ = ("severity", "rule", "file", "line", "message", "column", "entity")
    __slots__ = __match_args__

    severity: Severity
    rule: str
    file: str  # repository-relative path, "" when the finding is about no file (a database, say)
    line: int  # 1-based; 0 when unknown
    message: str
    column: int  # 1-based; 0 when unknown
    entity: str  # message name the finding touches, when known (lets the TUI filter per entity)

    def __init__(self, severity: Severity, rule: str, file: str, line: int, message: str, column: int = 0,
                 entity: str = "") -> None:
        put = object.__setattr__
        put(self, "severity", severity)
        put(self, "rule", rule)
        put(self, "file", file)
        put(self, "line", line)
        put(self, "message", message)
        put(self, "column", column)
        put(self, "entity", entity)

    def _values(self) -> tuple[object, ...]:
        return (self.severity, self.rule, self.file, self.line, self.message, self.column, self.entity)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(_FIELDS, self._values(), strict=True))
        return f"Finding({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    # pickled as the dataclass was (a list of the values), so caches written before still load
    def __getstate__(self) -> list[object]:
        return list(self._values())

    def __setstate__(self, state: list[object]) -> None:
        for name, value in zip(_FIELDS, state, strict=True):
            object.__setattr__(self, name, value)

    @property
    def location(self) -> str:
        if not self.file:
            return ""
        if self.line and self.column:
            return f"{self.file}:{self.line}:{self.column}"
        if self.line:
            return f"{self.file}:{self.line}"
        return self.file

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = dict(zip(_FIELDS, self._values(), strict=True))
        data["severity"] = str(self.severity)
        return data

    def format(self) -> str:
        where = self.location
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.severity}: {self.message} [{self.rule}]"


_FIELDS = Finding.__match_args__


def error(rule: str, file: str, line: int, message: str, column: int = 0, entity: str = "") -> Finding:
    return Finding(Severity.ERROR, rule, file, line, message, column, entity)


def warning(rule: str, file: str, line: int, message: str, column: int = 0, entity: str = "") -> Finding:
    return Finding(Severity.WARNING, rule, file, line, message, column, entity)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def sort_key(f: Finding) -> tuple[str, int, int, str]:
    return (f.file, f.line, f.column, f.rule)


def from_json(data: dict[str, object]) -> Finding:
    """The inverse of Finding.to_json (caches keep findings as JSON)."""
    return Finding(Severity(str(data["severity"])), str(data["rule"]), str(data["file"]), int(str(data["line"])),
                   str(data["message"]), int(str(data.get("column", 0))), str(data.get("entity", "")))
