"""Extra tabs of the entity browser: adding one = one widget module + one line in ENTITY_TABS.

The widget is created once (mounted lazily, after the first paint) and, while its tab is the
visible one, gets `show_entity(model, entity)` whenever the selection or the model changes.
An entry whose module does not exist is an error at start-up. The five built-in tabs (Proto, SQL,
Mapping, Seeds, Findings) live in entities.py.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.widget import Widget


@dataclass(frozen=True)
class EntityTab:
    id: str  # pane id "tab-<id>", widget id "<id>-view", binding id "entities.tab.<id>"
    title: str
    key: str  # must not clash with p s m d f a e w o [ ] / ? q t
    target: str  # "package.module:WidgetClass"

    def available(self) -> bool:
        try:
            return importlib.util.find_spec(self.target.partition(":")[0]) is not None
        except ModuleNotFoundError:
            return False

    def create(self) -> Widget:
        module, _, name = self.target.partition(":")
        widget_class: type[Widget] = getattr(importlib.import_module(module), name)
        return widget_class(id=f"{self.id}-view")


ENTITY_TABS: list[EntityTab] = [
    EntityTab("generated", "Generated", "g", "workbench.tui.widgets.generated_view:GeneratedView"),
]


def available_tabs() -> list[EntityTab]:
    """Every registered tab; a line whose module is missing is an error, never a vanished tab."""
    from workbench.tui.screens import RegistryError

    missing = [tab.target for tab in ENTITY_TABS if not tab.available()]
    if missing:
        raise RegistryError(f"entity tab registry names missing modules: {', '.join(missing)} "
                            "(workbench/tui/screens/entity_tabs.py)")
    return list(ENTITY_TABS)
