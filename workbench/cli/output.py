"""Shared output helpers for the CLI: JSON to stdout, findings for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.findings import Finding, Severity

if TYPE_CHECKING:
    from workbench.contracts.config import Config


def print_json(data: Any) -> None:
    # One write, not json.dump's one per token: stdout redacts what it is given (cli/streams.py).
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def print_findings(findings: Iterable[Finding]) -> tuple[int, int]:
    errors = warnings = 0
    for f in findings:
        print(f.format())
        errors += f.severity is Severity.ERROR
        warnings += f.severity is Severity.WARNING
    return errors, warnings


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def checked_config(root: Path) -> Config:
    """workbench.toml for a command that reaches databases: an error in it (a guard that
    cannot be read, a timeout out of range) stops the command before anything runs."""
    from workbench.contracts.config import load_config
    from workbench.errors import UsageError

    config, findings = load_config(root)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    for f in errors:
        print(f.format(), file=sys.stderr)
    if errors:
        raise UsageError("workbench.toml has errors (above); nothing was run")
    return config
