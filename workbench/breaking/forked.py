"""A function run in a forked child, its return value read back pickled: a big tree's second core.

Why: after protoc, a big tree's lint or breaking review is Python on one core while the machine's other
core idles. Lint: the element walks and per-element rules, then one protoc run for the locations of the
files it reports on, ~0.28 s of the 0.8 s that the 5,000-message tree of bench/bench_breaking.py takes;
two halves of the files are linted side by side (`workbench.lint.run.lint_set`). Breaking: the message
and field rules, ~1 s of that tree's ~2.5 s review, run over two halves of the message pairs
(`workbench.breaking.rules.run_rules`).
"""

from __future__ import annotations

import os
import pickle  # noqa: S403 - reads back what our own forked child wrote
import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def may_fork() -> bool:
    """Whether work may go to a forked child: not where another thread could hold a lock the child would
    wait on for ever (the TUI's workers; threading is not even imported by `workbench lint`)."""
    threading = sys.modules.get("threading")
    return hasattr(os, "fork") and (threading is None or threading.active_count() == 1)


class Forked:
    """`work()` running in a forked child. `result()` waits for it: what it returned, or None when the
    child failed (the caller then does the work itself, and meets the error where it reports it)."""

    def __init__(self, work: Callable[[], object]) -> None:
        read, write = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:
            os.close(read)
            status = 1
            try:
                data = pickle.dumps(work())
                with open(write, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)  # never back into the caller's stack; no atexit handlers, no flushes
        os.close(write)
        self._read = read

    def result(self) -> object | None:
        with open(self._read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        if status != 0:
            return None
        return pickle.loads(data)  # noqa: S301 - written by our own child


def halves(items: list[T], work: Callable[[list[T]], R]) -> tuple[R, R]:
    """`work` over every other item (halves of about the same work) in a forked child, and over the
    rest here meanwhile. The child's half is redone here when the child failed."""
    other = Forked(lambda: (work(items[1::2]),))  # in a tuple: a None result is not a failed child
    mine = work(items[0::2])
    theirs = other.result()
    return mine, theirs[0] if isinstance(theirs, tuple) else work(items[1::2])
