"""UI state between runs (theme, last entity): a small versioned JSON file in the user state dir.

Not configuration: workbench.toml is the config; this only remembers what the user did.
A missing, old or corrupt file is ignored, never an error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

STATE_VERSION = 1


def default_state_file() -> Path:
    from platformdirs import user_state_dir

    return Path(user_state_dir("workbench")) / "tui-state.json"


class UiState:
    def __init__(self, path: Path | None) -> None:
        self.path = path  # None: remember nothing (tests, screenshots)
        self.data: dict[str, Any] = self._read()

    def _read(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) and data.get("version") == STATE_VERSION else {}

    @property
    def theme(self) -> str | None:
        theme = self.data.get("theme")
        return theme if isinstance(theme, str) else None

    def save(self, **values: Any) -> None:
        if self.path is None:
            return
        self.data.update(values, version=STATE_VERSION)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.data, indent=1), "utf-8")
        except OSError:
            pass  # a read-only home must not break the UI
