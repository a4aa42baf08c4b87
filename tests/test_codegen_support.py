"""Shared helpers of the codegen tests: toolchain skips that CI turns into failures.

`WORKBENCH_REQUIRE_TOOLCHAINS=1` (set by .ci/run after .ci/toolchains.sh) makes a missing
toolchain a test failure, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os

import pytest

from workbench.codegen.toolchains import resolve

REQUIRE_ENV = "WORKBENCH_REQUIRE_TOOLCHAINS"


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def skip_or_fail(reason: str) -> None:
    if required():
        pytest.fail(f"{reason} ({REQUIRE_ENV} is set: a missing toolchain fails)")
    pytest.skip(reason)


def need(language: str) -> None:
    """Skip (locally) or fail (CI) when `language` cannot generate and verify here."""
    missing = resolve([language])[language].missing(verify=True)
    if missing:
        hints = sorted({t.hint for t in missing if t.hint})
        skip_or_fail(f"{language} toolchain missing: {', '.join(t.name for t in missing)}; "
                     f"install with: {' && '.join(hints)}")
