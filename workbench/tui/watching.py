"""What the file watcher watches, and which changes matter (pure: no Textual, no watchfiles)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.contracts.config import Config

_SUFFIXES = {".proto", ".sql", ".json"}


def watched_folders(root: Path, config: Config) -> list[Path]:
    folders = [root / config.proto_dir, root / config.migrations_dir, root / config.fixtures_dir]
    return [f for f in folders if f.is_dir()]


def root_names(config: Config) -> set[str]:
    """Names directly in the root whose changes matter: the config, and the folders themselves
    (created or removed: the watcher then restarts on the new set of folders)."""
    return {"workbench.toml"} | {d.strip("/").split("/")[0] for d in
                                 (config.proto_dir, config.migrations_dir, config.fixtures_dir)}


def watched_relpaths(root: Path, config: Config, paths: Iterable[str]) -> frozenset[str]:
    """Repository-relative paths of the changes the model depends on (editor swap files ignored)."""
    out: set[str] = set()
    folders = {d.strip("/") for d in (config.proto_dir, config.migrations_dir, config.fixtures_dir)}
    for raw in paths:
        path = Path(raw)
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            continue
        if rel == "workbench.toml" or rel in folders or path.suffix in _SUFFIXES:
            out.add(rel)
    return frozenset(out)
