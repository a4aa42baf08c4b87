"""The process-wide read-only switch: `WORKBENCH_READ_ONLY=1` refuses every write.

`workbench serve --read-only` sets it for the app processes it starts, so a browser user cannot
apply, roll back, reset, resolve, seed or generate code into the tree, even through a path the
UI forgot to hide: the services that write call `refuse_writes()` first. It is an environment
variable (not a setting in workbench.toml) because the person starting the server decides it,
and every child process inherits it.
"""

from __future__ import annotations

import os

from workbench.errors import WorkbenchError

READ_ONLY_ENV = "WORKBENCH_READ_ONLY"


class ReadOnlyRefused(WorkbenchError):
    """A write was asked for while the workbench runs read-only (exit code 2)."""


def is_read_only() -> bool:
    return os.environ.get(READ_ONLY_ENV, "").strip() not in ("", "0")


def refuse_writes(action: str) -> None:
    """Raise ReadOnlyRefused when read-only; `action` says what was refused ("seed", "migrate up")."""
    if is_read_only():
        raise ReadOnlyRefused(f"read-only workbench ({READ_ONLY_ENV}=1, e.g. `workbench serve --read-only`): "
                              f"'{action}' refused; nothing was written")
