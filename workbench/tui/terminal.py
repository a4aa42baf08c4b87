"""The terminal belongs to Textual alone while the TUI runs; file descriptor 2 goes to a log file.

Why: protoc runs in-process and reports on file descriptor 2, so `workbench.contracts.proto_compile` points fd 2 at
a temporary file for each compile. Textual draws the screen through `sys.__stderr__`, which is fd 2
as well: every frame drawn while a compile ran (a reload, a breaking review) went into protoc's
diagnostics, turning into false PROTO_COMPILE errors ("protos do not compile (3 errors)"), and never
reached the terminal, leaving pieces of older frames on screen until the next full repaint. The
same holds for anything else that writes to fd 2 directly (a forked compile, the embedded server).

So Textual gets its own duplicate of the terminal's descriptor, and fd 2 is a log file for the
session (`.workbench/tui-stderr.log`): nothing but Textual writes on the terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def own_terminal(log_path: Path | None) -> Iterator[None]:
    """While inside: `sys.__stderr__` writes to the terminal on a private descriptor, fd 2 to `log_path`."""
    original = sys.__stderr__
    if original is None:
        yield
        return
    original.flush()
    terminal = os.dup(2)
    try:
        log_fd = _open_log(log_path)
    except OSError:
        log_fd = os.open(os.devnull, os.O_WRONLY)
    screen = os.fdopen(terminal, "w", encoding=original.encoding, errors=original.errors or "strict",
                       closefd=True)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    sys.__stderr__ = screen  # type: ignore[misc]  # Textual's driver and App read it when they are created
    try:
        yield
    finally:
        screen.flush()
        os.dup2(terminal, 2)
        sys.__stderr__ = original  # type: ignore[misc]
        screen.close()


def _open_log(path: Path | None) -> int:
    if path is None:
        return os.open(os.devnull, os.O_WRONLY)
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
