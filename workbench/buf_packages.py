"""buf's notion of an unstable package, shared by breaking and lint (`ignore_unstable_packages`)."""

from __future__ import annotations

import re

# buf: a package is unstable when its last component is vN + alpha/beta/test (foo.v1beta1, foo.v2test).
# Compiled on first use (re caches it): most runs never ask, and a start-up compile is a CLI start's cost.
_UNSTABLE = r"^v\d+(?:(?:alpha|beta)\d*|test.*|p\d+(?:alpha|beta)\d*)$"


def is_unstable(package: str) -> bool:
    return bool(package) and bool(re.match(_UNSTABLE, package.rsplit(".", 1)[-1]))
