"""What a seed run reports; `to_json()` is the documented `--json` shape (docs/seeds.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.findings import Finding, Severity


@dataclass
class TableResult:
    table: str
    fixture: str  # repository-relative path
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0  # `replace` only: rows of the table the fixture does not have
    rows: list[dict[str, Any]] = field(default_factory=list)  # inserts and updates, capped
    rows_omitted: int = 0  # inserts and updates beyond the cap

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "fixture": self.fixture, "inserted": self.inserted, "updated": self.updated,
                "unchanged": self.unchanged, "deleted": self.deleted,
                "rows": [{"key": r["key"], "line": r["line"], "change": r["change"], "columns": r["columns"]}
                         for r in self.rows],
                "rows_omitted": self.rows_omitted}


@dataclass(frozen=True)
class Skipped:
    fixture: str
    table: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"fixture": self.fixture, "table": self.table, "reason": self.reason}


@dataclass
class SeedResult:
    database: str
    url: str  # masked
    dry_run: bool
    mode: str
    tables: list[TableResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sequences: list[tuple[str, int]] = field(default_factory=list)  # moved to
    notes: list[str] = field(default_factory=list)
    written: bool = False  # committed (never for a dry-run or a failed run)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def table(self, name: str) -> TableResult | None:
        return next((t for t in self.tables if t.table == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "database": self.database, "url": self.url, "dry_run": self.dry_run, "mode": self.mode,
            "ok": self.ok, "written": self.written,
            "tables": [t.to_json() for t in self.tables],
            "skipped": [s.to_json() for s in self.skipped],
            "sequences": [{"sequence": s, "value": v} for s, v in self.sequences],
            "findings": [{"severity": str(f.severity), "rule": f.rule, "file": f.file, "line": f.line,
                          "column": f.column, "message": f.message} for f in self.findings],
        }
