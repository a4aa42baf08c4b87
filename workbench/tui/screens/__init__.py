"""The screen registry: adding a screen = one new module + one line in SCREENS.

Each entry becomes an app mode (its own screen stack), a key that switches to it, and a
"Go to ..." command in the palette. The screen class is imported on first use, so a screen's
heavy imports never slow start-up; an entry whose module does not exist is an error at start-up.
Screens subclass `workbench.tui.screens.base.WorkbenchScreen` (see ../README.md).
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass(frozen=True)
class ScreenEntry:
    id: str  # the app mode name and the binding id suffix ("screen.<id>")
    title: str  # shown in the header and the palette
    key: str  # switches to the screen from anywhere
    target: str  # "package.module:ClassName"
    description: str = ""

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]

    def available(self) -> bool:
        """Whether the module exists (found, not imported: screens load on first use)."""
        try:
            return importlib.util.find_spec(self.module) is not None
        except ModuleNotFoundError:
            return False

    def load(self) -> type[Screen[None]]:
        module, _, name = self.target.partition(":")
        screen_class: type[Screen[None]] = getattr(importlib.import_module(module), name)
        return screen_class


SCREENS: list[ScreenEntry] = [
    ScreenEntry("entities", "Entities", "1", "workbench.tui.screens.entities:EntitiesScreen",
                "Browse every entity across proto, SQL and seeds"),
    ScreenEntry("migrations", "Migrations", "2", "workbench.tui.screens.migrations:MigrationsScreen",
                "Migration status per database; apply and roll back"),
    ScreenEntry("breaking", "Breaking", "3", "workbench.tui.screens.breaking:BreakingScreen",
                "Review breaking changes against a git ref"),
    ScreenEntry("seeds", "Seeds", "4", "workbench.tui.screens.seeds:SeedsScreen",
                "Seed databases from the fixtures"),
    ScreenEntry("codegen", "Codegen", "5", "workbench.tui.screens.codegen:CodegenScreen",
                "Generate code from the contracts"),
]


class RegistryError(RuntimeError):
    """A registry line names a module that does not exist (renamed or deleted)."""


def available_screens() -> list[ScreenEntry]:
    """Every registered screen; a line whose module is missing is an error, never a vanished screen."""
    missing = [entry.target for entry in SCREENS if not entry.available()]
    if missing:
        raise RegistryError(f"screen registry names missing modules: {', '.join(missing)} "
                            "(workbench/tui/screens/__init__.py)")
    return list(SCREENS)
