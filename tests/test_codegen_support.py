"""Shared helpers of the codegen tests: toolchain skips that CI turns into failures.

The skip-or-fail decision itself is in skips.py (one place for every tool).
"""

from __future__ import annotations

from skips import skip_or_fail

from workbench.codegen.toolchains import resolve


def need(language: str) -> None:
    """Skip (locally) or fail (CI) when `language` cannot generate and verify here."""
    missing = resolve([language])[language].missing(verify=True)
    if missing:
        hints = sorted({t.hint for t in missing if t.hint})
        skip_or_fail(f"{language} toolchain missing: {', '.join(t.name for t in missing)}; "
                     f"install with: {' && '.join(hints)}")
