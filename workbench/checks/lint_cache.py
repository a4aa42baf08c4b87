"""The migration lint's results per file, kept between runs: a file is parsed and given to squawk
again only when its text changed (or the PostgreSQL version, squawk, its config or the lint's
code did: the stamp). Lives in `.workbench/check/lint.json`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from workbench.contracts.migration_files import Migration
from workbench.findings import Finding, from_json


class LintCache:
    def __init__(self, root: Path, stamp: str) -> None:
        self.path = root / ".workbench" / "check" / "lint.json"
        self.stamp = stamp
        self.files: dict[str, dict[str, object]] = {}
        self.dirty = False
        try:
            data = json.loads(self.path.read_text("utf-8"))
            if isinstance(data, dict) and data.get("stamp") == stamp and isinstance(data.get("files"), dict):
                self.files = data["files"]
        except (OSError, ValueError):
            pass

    def has(self, mg: Migration) -> bool:
        entry = self.files.get(mg.rel)
        return entry is not None and entry.get("checksum") == mg.checksum

    def store(self, migrations: list[Migration], findings: list[Finding], tables: list[str],
              dropped: list[tuple[Finding, str]]) -> None:
        for mg in migrations:
            self.files[mg.rel] = {
                "checksum": mg.checksum,
                "findings": [[f.to_json(), table] for f, table in zip(findings, tables, strict=True)
                             if f.file == mg.rel],
                "dropped": [[f.to_json(), why] for f, why in dropped if f.file == mg.rel],
            }
            self.dirty = True
        if self.dirty:
            self._save()

    def results(self, migrations: list[Migration]) -> tuple[list[Finding], list[str], list[tuple[Finding, str]]]:
        findings: list[Finding] = []
        tables: list[str] = []
        dropped: list[tuple[Finding, str]] = []
        for mg in migrations:
            entry = self.files.get(mg.rel) or {}
            for data, table in entry.get("findings", []):  # type: ignore[attr-defined]
                findings.append(from_json(data))
                tables.append(str(table))
            for data, why in entry.get("dropped", []):  # type: ignore[attr-defined]
                dropped.append((from_json(data), str(why)))
        return findings, tables, dropped

    def _save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"stamp": self.stamp, "files": self.files}), "utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only checkout: the next run is just not faster

