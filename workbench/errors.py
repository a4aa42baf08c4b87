"""Errors the shells turn into one-line messages (no traceback) and exit codes."""

from __future__ import annotations


class WorkbenchError(Exception):
    """An environment problem (database unreachable, toolchain missing): exit code 2."""

    exit_code = 2


class UsageError(WorkbenchError):
    """The user asked for something impossible (unknown ref, bad option): exit code 2."""


class DatabaseError(WorkbenchError):
    """A database could not be reached or refused us; the message has the masked URL."""
