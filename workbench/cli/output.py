"""Shared output helpers for the CLI: JSON to stdout, findings for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from workbench.findings import Finding, Severity


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def print_findings(findings: Iterable[Finding]) -> tuple[int, int]:
    errors = warnings = 0
    for f in findings:
        print(f.format())
        errors += f.severity is Severity.ERROR
        warnings += f.severity is Severity.WARNING
    return errors, warnings


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
