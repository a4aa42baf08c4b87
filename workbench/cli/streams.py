"""stdout and stderr that pass everything through `workbench.database.urls.redact`.

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

from workbench.database.urls import redact

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any, TextIO

_saved: list[tuple[TextIO, TextIO]] = []


class RedactingStream:
    """A text stream that redacts what is written, delegating everything else to the real one.

    Writes are held until a line is complete (on a terminal, and always on stderr) or 8 KiB
    have gathered (stdout into a pipe or a file), and always on `flush`; what is redacted ends at a line end, so a password is
    never split between two pieces, and `json.dump`'s thousands of tiny writes cost one
    redaction per block.
    """

    _BLOCK = 8192

    def __init__(self, inner: TextIO, *, by_line: bool = False) -> None:
        self._inner = inner
        self._parts: list[str] = []
        self._size = 0
        try:
            self._by_line = by_line or bool(inner.isatty())
        except (AttributeError, ValueError):
            self._by_line = by_line

    def write(self, text: str) -> int:
        self._parts.append(text)
        self._size += len(text)
        if (self._by_line and "\n" in text) or self._size >= self._BLOCK:
            self._drain(everything=False)
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._drain(everything=True)
        self._inner.flush()

    def _drain(self, *, everything: bool) -> None:
        pending = "".join(self._parts)
        cut = len(pending) if everything else (pending.rfind("\n") + 1 or len(pending))
        done, rest = pending[:cut], pending[cut:]
        self._parts, self._size = ([rest], len(rest)) if rest else ([], 0)
        if done:
            self._inner.write(redact(done))

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
        from workbench.database.urls import remember

        remember(*secrets)
    out, err = sys.stdout, sys.stderr
    _saved.append((out, err))
    sys.stdout = RedactingStream(out)  # type: ignore[assignment]
    sys.stderr = RedactingStream(err, by_line=True)  # type: ignore[assignment]  # errors show at once
    try:
        yield
    finally:
        _saved.pop()
        for wrapped in (sys.stdout, sys.stderr):
            if isinstance(wrapped, RedactingStream):
                try:
                    wrapped.flush()
                except BrokenPipeError:
                    silence_stdout()  # the reader left: nothing more to say, and no complaint at exit
                except ValueError:
                    pass  # the stream was closed
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


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again (a reader
    that went away: `workbench ... --json | head`)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
        os.close(devnull)
    except (OSError, ValueError):
        pass
