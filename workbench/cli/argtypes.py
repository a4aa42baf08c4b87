"""argparse types for every numeric option: a bad value is refused while parsing (exit 2 with
argparse's one-line message), never passed on to fail deep inside (or worse, to run).

The ranges are `workbench.bounds`, shared with the checks on `workbench.toml`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

from workbench import bounds

T = TypeVar("T")


def _wrap(check: Callable[[str], T], name: str) -> Callable[[str], T]:
    def parse(text: str) -> T:
        try:
            return check(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = name  # argparse names the type in some messages
    return parse


steps = _wrap(lambda t: bounds.count(t, "--steps", 1, bounds.MAX_STEPS), "steps")
rows = _wrap(lambda t: bounds.count(t, "--rows", 0, bounds.MAX_ROWS), "rows")
connect_timeout = _wrap(lambda t: bounds.connect_timeout(t, "--connect-timeout"), "connect_timeout")
lock_wait = _wrap(lambda t: bounds.lock_wait(t, "--lock-wait"), "lock_wait")
lock_timeout = _wrap(lambda t: bounds.lock_timeout(t, "--lock-timeout"), "lock_timeout")
version = _wrap(bounds.version, "version")
stuck_after = _wrap(lambda t: bounds.seconds(t, "--stuck-after", *bounds.WATCH_SECONDS), "stuck_after")
interval = _wrap(lambda t: bounds.seconds(t, "--interval", *bounds.WATCH_SECONDS), "interval")
count = _wrap(lambda t: bounds.count(t, "--count", 1, bounds.MAX_STEPS), "count")
