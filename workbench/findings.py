"""The one finding type every check, diff and loader reports (CLI, JSON, annotations and TUI alike)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    rule: str
    file: str  # repository-relative path, "" when the finding is about no file (a database, say)
    line: int  # 1-based; 0 when unknown
    message: str
    column: int = 0  # 1-based; 0 when unknown
    entity: str = ""  # message name the finding touches, when known (lets the TUI filter per entity)

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
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    def format(self) -> str:
        where = self.location
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.severity}: {self.message} [{self.rule}]"


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
