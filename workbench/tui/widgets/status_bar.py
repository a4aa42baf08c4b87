"""The bottom status line: repository, database target (masked), finding counts, reload state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from workbench.tui.live import Snapshot


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; width: 1fr; }
    """

    def on_mount(self) -> None:
        self.update(Content.styled(" loading the model…", "italic"))

    def show_snapshot(self, snapshot: Snapshot) -> None:
        errors, warnings = snapshot.errors, snapshot.warnings
        parts: list[Content | str] = [
            Content.styled(f" {snapshot.root.name} ", "bold"),
            Content.styled(f"db {snapshot.database} ", "dim"),
            Content.styled(f"✗ {errors} ", "bold $error" if errors else "dim"),
            Content.styled(f"⚠ {warnings} ", "bold $warning" if warnings else "dim"),
        ]
        if "proto" in snapshot.loading:  # a quick scan of the protos: nothing is known about errors yet
            parts[2:4] = [Content.styled("✗ ? ⚠ ? ", "dim")]
        if snapshot.loading:
            parts.append(Content.styled(f"loading {', '.join(snapshot.loading)}… ", "italic $accent"))
        elif not snapshot.checked:
            parts.append(Content.styled("checking… ", "italic $accent"))
        if snapshot.stale:
            parts.append(Content.styled(f"showing last good {', '.join(snapshot.stale)} ", "reverse $warning"))
        if snapshot.changed:  # a save, not the first load
            parts.append(Content.styled(f"reloaded in {snapshot.seconds * 1000:.0f} ms", "dim italic"))
        self.update(Content.assemble(*parts))
