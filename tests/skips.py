"""The one place that decides whether a missing tool skips a test or fails it.

Locally a test that needs a tool which is not installed (a Go or TypeScript toolchain, buf,
squawk, a browser) skips, saying why and how to install it. In CI, `.ci/run` installs every such
tool and sets `WORKBENCH_REQUIRE_TOOLCHAINS=1`, which turns each of these skips into a failure, so
CI cannot pass by skipping. Tests never call `pytest.skip` for a missing tool themselves.
"""

from __future__ import annotations

import os

import pytest

REQUIRE_ENV = "WORKBENCH_REQUIRE_TOOLCHAINS"


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def skip_or_fail(reason: str) -> None:
    if required():
        pytest.fail(f"{reason} ({REQUIRE_ENV} is set: a missing tool fails)")
    pytest.skip(reason)


def need_tool(path: object, reason: str) -> None:
    """Skip (locally) or fail (CI) unless `path` (a located executable) is set."""
    if not path:
        skip_or_fail(reason)
