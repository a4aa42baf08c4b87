"""`launch(root)`: what `workbench` with no sub-command runs."""

from __future__ import annotations

from pathlib import Path


def launch(root: Path) -> int:
    """Run the TUI on `root` until the user quits; returns the exit code."""
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.terminal import own_terminal
    from workbench.tui.uistate import UiState, default_state_file

    with own_terminal(root / ".workbench" / "tui-stderr.log"):
        app = WorkbenchApp(root, state=UiState(default_state_file()))
        result = app.run()
    if app.return_code not in (None, 0):
        return app.return_code
    return int(result or 0)
