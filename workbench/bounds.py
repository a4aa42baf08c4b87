"""Ranges of every numeric setting, one place for the command line and `workbench.toml`.

Each checker returns the value or raises ValueError with the sentence a person sees; the CLI
turns it into an argparse error (exit 2), the config loader into a finding at the key's line.
"""

from __future__ import annotations

import math
import re

CONNECT_TIMEOUT = (0.0, 3600.0)  # seconds, exclusive low: libpq takes whole seconds (at least 1)
LOCK_WAIT = (0.0, 86400.0)  # seconds to wait for another runner's advisory lock
WATCH_SECONDS = (0.0, 86400.0)  # `migrate watch --interval`, `status --stuck-after`
MAX_ROWS = 1_000_000  # changed rows listed per table by `seed --dry-run`
MAX_STEPS = 1_000_000
MAX_VERSION_DIGITS = 18  # a version number fits a bigint and a file name
_PG_INT_MAX = 2_147_483_647  # lock_timeout is an int of milliseconds in PostgreSQL
_DURATION = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(us|ms|s|min|h|d)?\s*")
_UNIT_MS = {"us": 0.001, "ms": 1.0, None: 1.0, "s": 1000.0, "min": 60_000.0, "h": 3_600_000.0, "d": 86_400_000.0}


def seconds(value: object, what: str, low: float, high: float, *, low_inclusive: bool = False) -> float:
    """A finite number of seconds in range (bools, inf, nan and huge values refused)."""
    number = _number(value, what)
    above = number >= low if low_inclusive else number > low
    if not (above and number <= high):
        edge = f"at least {low:g}" if low_inclusive else f"more than {low:g}"
        raise ValueError(f"{what} must be {edge} and at most {high:g} seconds, not {_show(value)}")
    return number


def connect_timeout(value: object, what: str = "connect timeout") -> float:
    return seconds(value, what, *CONNECT_TIMEOUT)


def lock_wait(value: object, what: str = "lock wait") -> float:
    return seconds(value, what, *LOCK_WAIT, low_inclusive=True)


def count(value: object, what: str, low: int, high: int) -> int:
    """A whole number in [low, high]."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a whole number, not {_show(value)}")
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[+-]?[0-9]{1,20}", text):
            raise ValueError(f"{what} must be a whole number, not {_show(value)}")
        number = int(text)
    elif isinstance(value, int):
        number = value
    else:
        raise ValueError(f"{what} must be a whole number, not {_show(value)}")
    if not low <= number <= high:
        raise ValueError(f"{what} must be between {low} and {high}, not {number}")
    return number


def lock_timeout(value: object, what: str = "lock timeout") -> str:
    """A PostgreSQL lock_timeout ("5s", "500ms", "1min", "0" = wait forever), as given."""
    if not isinstance(value, str) or not (m := _DURATION.fullmatch(value)):
        raise ValueError(f"{what} must be a PostgreSQL duration such as 5s, 500ms or 1min, not {_show(value)}")
    ms = float(m[1]) * _UNIT_MS[m[2]]
    if ms > _PG_INT_MAX:
        raise ValueError(f"{what} {value.strip()} is too long (at most {_PG_INT_MAX} ms, about 24 days)")
    if 0 < ms < 1:
        raise ValueError(f"{what} {value.strip()} is below PostgreSQL's 1 ms resolution (0 means no timeout)")
    return value.strip()


def version(value: object, what: str = "version") -> str:
    """A migration version: ASCII digits (not '²' or '٣', which str.isdigit() accepts)."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]+", value):
        raise ValueError(f"{_show(value)} is not a migration version (digits, e.g. 004)")
    if len(value) > MAX_VERSION_DIGITS:
        raise ValueError(f"{what} {value[:24]}... has more than {MAX_VERSION_DIGITS} digits")
    return value


def _number(value: object, what: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not {_show(value)}")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ValueError(f"{what} must be a number, not {_show(value)}") from None
    if not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number, not {_show(value)}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond a float
        raise ValueError(f"{what} {str(value)[:24]} is out of range") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, not {_show(value)}")
    return number


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
