"""`workbench check`: every rule over the model, plus the database checks on a real PostgreSQL.

Static checks are plain functions `check(model) -> list[Finding]`, listed in STATIC_CHECKS;
adding a rule family means adding one module and one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from workbench.findings import Finding, sort_key
from workbench.model import Model

STATIC_CHECKS = [
    "workbench.checks.proto_lint",
    "workbench.checks.layers",
    "workbench.checks.fixture_values",
    "workbench.checks.migration_lint",
]


def static_checks() -> list[Callable[[Model], list[Finding]]]:
    funcs = []
    for name in STATIC_CHECKS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        funcs.append(module.check)
    return funcs


def run_static(model: Model) -> list[Finding]:
    findings = list(model.findings)
    for check in static_checks():
        findings.extend(check(model))
    return sorted(set(findings), key=sort_key)
