"""Messages of the workbench TUI, named for what happened or what was asked.

Workers post the "happened" ones with the core's result; widgets post the "asked" ones and
let their screen decide. Keep them small: data, no behaviour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from workbench.tui.live import JumpTarget, Snapshot


class FilesChanged(Message):
    """The file watcher saw these repository-relative paths change."""

    def __init__(self, paths: frozenset[str]) -> None:
        super().__init__()
        self.paths = paths


class ModelReloaded(Message):
    """A new snapshot of the model (first load or after a save). The app re-publishes it to screens."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class EntityHighlighted(Message):
    """The tree cursor moved onto an entity (or one of its fields / enum values)."""

    def __init__(self, entity: str, field: str = "", enum_value: str = "") -> None:
        super().__init__()
        self.entity = entity
        self.field = field
        self.enum_value = enum_value


class JumpRequested(Message):
    """Show this entity / field / enum value (from `/`, the command palette or a link)."""

    def __init__(self, target: JumpTarget) -> None:
        super().__init__()
        self.target = target


class SourceRequested(Message):
    """Show a repository file at a line (a finding's place)."""

    def __init__(self, file: str, line: int, column: int = 0, title: str = "") -> None:
        super().__init__()
        self.file = file
        self.line = line
        self.column = column
        self.title = title
