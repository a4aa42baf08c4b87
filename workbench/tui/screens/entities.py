"""The entity browser: the tree on the left, five tabs about the selected entity on the right."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Static, TabbedContent, TabPane

from workbench.tui.live import Snapshot
from workbench.tui.messages import EntityHighlighted, JumpRequested
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.entity_tree import EntityTree

TABS = [("proto", "Proto", "p"), ("sql", "SQL", "s"), ("mapping", "Mapping", "m"), ("seeds", "Seeds", "d"),
        ("findings", "Findings", "f")]


class EntitiesScreen(WorkbenchScreen):
    SCREEN_TITLE = "Entities"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"show_tab('{tab}')", title, show=False, tooltip=f"Show the {title} tab",
                  id=f"entities.tab.{tab}") for tab, title, key in TABS),
        Binding("right_square_bracket", "next_tab", "Next tab", key_display="]", tooltip="Next tab",
                id="entities.next_tab"),
        Binding("left_square_bracket", "previous_tab", "Prev tab", key_display="[", show=False,
                tooltip="Previous tab", id="entities.previous_tab"),
        Binding("e", "focus_tree", "Tree", show=False, tooltip="Focus the entity tree", id="entities.tree"),
        Binding("w", "focus_tab", "Tab body", show=False, tooltip="Focus the tab's content",
                id="entities.body"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entity = ""  # the selected entity's message name

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="entities-body"):
            yield EntityTree(id="entity-tree")
            with TabbedContent(id="entity-tabs"):
                for tab, title, key in TABS:
                    with TabPane(f"{title}", id=f"tab-{tab}"):
                        yield Static(f"{title} ({key})", id=f"{tab}-placeholder")

    def on_mount(self) -> None:
        self.query_one(EntityTree).focus()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.query_one(EntityTree).show_model(snapshot.model)

    @on(EntityHighlighted)
    def _entity_highlighted(self, message: EntityHighlighted) -> None:
        self.entity = message.entity

    @on(JumpRequested)
    def _jump(self, message: JumpRequested) -> None:
        target = message.target
        tree = self.query_one(EntityTree)
        tree.select_ref(target.entity, target.field, target.enum_value)
        tree.focus()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{tab}"

    def _step_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        ids = [f"tab-{tab}" for tab, _t, _k in TABS]
        current = ids.index(tabs.active) if tabs.active in ids else 0
        tabs.active = ids[(current + step) % len(ids)]

    def action_next_tab(self) -> None:
        self._step_tab(1)

    def action_previous_tab(self) -> None:
        self._step_tab(-1)

    def action_focus_tree(self) -> None:
        self.query_one(EntityTree).focus()

    def action_focus_tab(self) -> None:
        pane = self.query_one(TabbedContent).active_pane
        if pane is not None:
            focusable = [w for w in pane.query("*") if w.focusable]
            if focusable:
                focusable[0].focus()
