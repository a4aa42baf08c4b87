"""stdout and stderr that pass everything through `workbench.dburl.redact`.

Why at the streams: a password must not reach a person by any path, including ones nobody
thought of (an argparse error quoting a bad `--connect-timeout postgresql://u:pw@h`, a message
built from a libpq error, a --json field). Every command's output goes through these streams,
so every output path uses the one redacting function; the passwords on the command line and
in `DATABASE_URL` are known to it before anything is parsed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_saved: list[tuple[TextIO, TextIO]] = []


class RedactingStream:
    """A text stream that redacts each write, delegating everything else to the real one."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        from workbench.dburl import redact

        self._inner.write(redact(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _secrets_in(argv: list[str]) -> list[str]:
    """Command-line values that may carry a password (URLs, key=value conninfo strings)."""
    out = []
    for arg in argv:
        if arg.startswith("--") and "=" in arg:
            arg = arg.split("=", 1)[1]  # --url=postgresql://...
        if "://" in arg or "password" in arg.lower():
            out.append(arg)
    env = os.environ.get("DATABASE_URL")
    if env:
        out.append(env)
    return out


@contextmanager
def redacting_streams(argv: list[str]) -> Iterator[None]:
    """Wrap sys.stdout and sys.stderr for the block (restored afterwards, even on error)."""
    secrets = _secrets_in(argv)
    if secrets:
        from workbench.dburl import remember

        remember(*secrets)
    out, err = sys.stdout, sys.stderr
    _saved.append((out, err))
    sys.stdout = RedactingStream(out)  # type: ignore[assignment]
    sys.stderr = RedactingStream(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        _saved.pop()
        sys.stdout, sys.stderr = out, err


@contextmanager
def original_streams() -> Iterator[None]:
    """The unwrapped streams for the block (the TUI writes escape sequences of its own)."""
    if not _saved:
        yield
        return
    wrapped = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _saved[-1]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = wrapped
