"""`workbench check`: every rule over the model, plus the database checks on a real PostgreSQL.

Static checks are modules with `check(model) -> list[Finding]`, listed in STATIC_CHECKS; adding
a rule family means adding one module and one line here. A module may also define
`inputs(model) -> tuple` naming the model parts it reads: then `run_static` with a cache re-runs
it only when those changed (the TUI's live reload). Parts compare by identity (a partial reload
reuses the objects it did not reload), tuples and bytes by value.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from workbench.contracts.model import Model
from workbench.findings import Finding, sort_key

STATIC_CHECKS = [
    "workbench.checks.proto_lint",
    "workbench.checks.layers",
    "workbench.checks.service_boundaries",
    "workbench.checks.fixture_values",
    "workbench.checks.migration_lint",
]

# check module -> (the inputs it saw, its findings)
CheckCache = dict[str, tuple[tuple[object, ...], list[Finding]]]


def static_check_modules() -> list[ModuleType]:
    # No try: a renamed or missing check module must fail loudly, never silently stop checking.
    return [importlib.import_module(name) for name in STATIC_CHECKS]


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return len(a) == len(b) and all(
        x is y or (isinstance(x, tuple | bytes) and x == y) for x, y in zip(a, b, strict=True))


def run_static(model: Model, cache: CheckCache | None = None) -> list[Finding]:
    """Load-time findings plus every static check's, sorted and de-duplicated.

    With `cache`, a check whose declared inputs are unchanged since the cached run is not run
    again; the cache is updated in place.
    """
    findings = list(model.findings)
    for module in static_check_modules():
        inputs_of = getattr(module, "inputs", None)
        inputs = inputs_of(model) if cache is not None and inputs_of else None
        cached = cache.get(module.__name__) if cache is not None else None
        if inputs is not None and cached is not None and _same(cached[0], inputs):
            findings.extend(cached[1])
            continue
        result = module.check(model)
        if cache is not None and inputs is not None:
            cache[module.__name__] = (inputs, result)
        findings.extend(result)
    return sorted(set(findings), key=sort_key)
