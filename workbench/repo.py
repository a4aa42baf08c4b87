"""Finding the contracts repository, like git finds its work tree."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import UsageError

MARKERS = ("workbench.toml", "proto")


def is_root(path: Path) -> bool:
    return (path / "workbench.toml").is_file() or ((path / "proto").is_dir() and (path / "sql").is_dir())


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: cwd) that holds workbench.toml or proto/+sql/."""
    origin = (start or Path.cwd()).resolve()
    if start is not None and not origin.is_dir():
        raise UsageError(f"--root {start}: no such directory")
    for candidate in (origin, *origin.parents):
        if is_root(candidate):
            return candidate
    raise UsageError(
        f"{origin}: not inside a contracts repository (no workbench.toml, or proto/ and sql/, here or above)"
    )
