"""Errors the shells turn into one-line messages (no traceback) and exit codes."""

from __future__ import annotations


class WorkbenchError(Exception):
    """An environment problem (database unreachable, toolchain missing): exit code 2."""

    exit_code = 2


class UsageError(WorkbenchError):
    """The user asked for something impossible (unknown ref, bad option): exit code 2."""


class DatabaseError(WorkbenchError):
    """A database could not be reached or refused us; the message has the masked URL."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (PostgreSQL's often go on: DETAIL, HINT, LINE...),
    or its type's name when it has none: what one-line error messages show."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
