"""The entity browser: the tree on the left, tabs about the selected entity on the right.

The screen owns the selection (entity, field, enum value) and pushes it into the visible tab
only; other tabs render when they are opened, so moving through the tree stays cheap."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.lazy import Lazy
from textual.widget import Widget
from textual.widgets import Input, Static, TabbedContent, TabPane

from workbench.contracts.entity_findings import error_counts, findings_for_entity
from workbench.tui.live import Snapshot
from workbench.tui.messages import EntityHighlighted, JumpRequested, SourceRequested
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.entity_tabs import EntityTab, available_tabs
from workbench.tui.widgets.entity_tree import EntityTree
from workbench.tui.widgets.findings_table import FindingsTable
from workbench.tui.widgets.mapping_view import MappingView
from workbench.tui.widgets.proto_view import ProtoView
from workbench.tui.widgets.seed_table import SeedTable
from workbench.tui.widgets.sql_view import SqlView


class Deferred(Lazy):
    """A hidden tab's content, mounted when the screen asks (`EntitiesScreen._mount_deferred`): once
    the full load is shown (the first look is for the Proto tab only), or when its tab is opened first. Textual's `Lazy` mounts
    right after the first refresh, i.e. while the first look loads and the proto is being shown."""

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        return

    @property
    def pending(self) -> bool:
        return self.parent is not None and self._replace_widget.parent is None

    async def mount_now(self) -> None:
        parent = self.parent
        if not isinstance(parent, Widget) or not parent.is_attached or self._replace_widget.parent is not None:
            return  # mounted already, or the screen is closing
        await parent.mount(self._replace_widget, after=self)
        await self.remove()


TABS = [("proto", "Proto", "p"), ("sql", "SQL", "s"), ("mapping", "Mapping", "m"), ("seeds", "Seeds", "d"),
        ("findings", "Findings", "f")]


class EntitiesScreen(WorkbenchScreen):
    SCREEN_TITLE = "Entities"
    SHOWS_PARTIAL = True  # the protos alone are enough for the tree and the Proto tab
    HELP_WIDGETS = (EntityTree, SeedTable)  # their keys, listed under this screen in help
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"show_tab('{tab}')", f"{title} tab", show=False, tooltip=f"Show the {title} tab",
                  id=f"entities.tab.{tab}") for tab, title, key in TABS),
        Binding("right_square_bracket", "next_tab", "Next tab", key_display="]", tooltip="Next tab",
                id="entities.next_tab"),
        Binding("left_square_bracket", "previous_tab", "Previous tab", key_display="[", show=False,
                tooltip="Previous tab", id="entities.previous_tab"),
        Binding("o", "open_source", "Open",
                tooltip="Open the file at the selection's place (proto, migration, fixture row, finding)",
                id="entities.open"),
        Binding("a", "toggle_all_findings", "All findings", show=False,
                tooltip="Findings tab: toggle between this entity's findings and all findings",
                id="entities.all_findings"),
        Binding("e", "focus_tree", "Tree", show=False, tooltip="Focus the entity tree", id="entities.tree"),
        Binding("w", "focus_body", "Tab body", show=False, tooltip="Focus the tab's content (to scroll it)",
                id="entities.body"),
    ]

    def __init__(self) -> None:
        super().__init__()
        # Tabs other features plug in (screens/entity_tabs.py), each with its key.
        self.extra_tabs: list[EntityTab] = available_tabs()
        self._extra_by_id = {tab.id: tab for tab in self.extra_tabs}
        for tab in self.extra_tabs:
            binding = Binding(tab.key, f"show_tab('{tab.id}')", f"{tab.title} tab", show=False,
                              tooltip=f"Show the {tab.title} tab", id=f"entities.tab.{tab.id}")
            self._bindings.key_to_bindings.setdefault(tab.key, []).append(binding)
        self.entity = ""
        self.field = ""
        self.enum_value = ""
        self._rendered: dict[str, tuple[object, ...]] = {}  # tab -> what it last showed
        self._open_place: dict[str, tuple[str, int]] = {}
        self._mounting = False  # the hidden tabs' contents are being mounted (after the full load)

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="entities-body"):
            yield EntityTree(id="entity-tree")
            with TabbedContent(id="entity-tabs"):
                with TabPane("Proto", id="tab-proto"):
                    yield ProtoView(id="proto-view")
                # Deferred: hidden tabs mount after the first proto is shown (DataTable styling is not free).
                with TabPane("SQL", id="tab-sql"):
                    yield Deferred(SqlView(id="sql-view"))
                with TabPane("Mapping", id="tab-mapping"):
                    yield Deferred(MappingView(id="mapping-view"))
                with TabPane("Seeds", id="tab-seeds"):
                    yield Deferred(SeedTable(id="seed-table"))
                with TabPane("Findings", id="tab-findings"):
                    yield Deferred(FindingsTable(id="findings-table"))
                for extra in self.extra_tabs:
                    with TabPane(extra.title, id=f"tab-{extra.id}"):
                        yield Deferred(extra.create())
        yield Static("", id="loading-note")

    def on_mount(self) -> None:
        self.query_one(EntityTree).focus()
        if self.snapshot is None:
            self.query_one(EntityTree).loading = True

    # -- model in -------------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        tree = self.query_one(EntityTree)
        tree.loading = False
        tree.show_model(snapshot.model, error_counts(snapshot.model, snapshot.findings))
        if not self.entity and snapshot.model.entities:
            first = snapshot.model.entities[0].name
            self.entity = first
            tree.select_ref(first)
        self._rendered.clear()  # every tab is stale now; the visible one renders at once
        self.render_active_tab()
        if not self._mounting and not snapshot.loading:  # they show nothing before the full load
            self._mounting = True
            self.call_after_refresh(self._mount_deferred)

    async def _mount_deferred(self, only: Deferred | None = None) -> None:
        """Mount the hidden tabs' contents one per refresh (each a short step of the UI loop), or
        just `only` (its tab was opened first)."""
        pending = [only] if only is not None else list(self.query(Deferred))
        for lazy in pending:
            if lazy.pending:
                await lazy.mount_now()
                self.render_active_tab()
                if only is None:
                    self.call_after_refresh(self._mount_deferred)
                    return

    def _deferred_in_active_pane(self) -> Deferred | None:
        pane = self.query_one(TabbedContent).active_pane
        if pane is None:
            return None
        return next((lazy for lazy in pane.query(Deferred) if lazy.pending), None)

    @on(EntityHighlighted)
    def _entity_highlighted(self, message: EntityHighlighted) -> None:
        self.entity, self.field, self.enum_value = message.entity, message.field, message.enum_value
        self.render_active_tab()

    @on(TabbedContent.TabActivated, "#entity-tabs")
    def _tab_activated(self) -> None:
        self.render_active_tab()

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active.removeprefix("tab-")

    def render_active_tab(self) -> None:
        lazy = self._deferred_in_active_pane()
        if lazy is not None:
            self.call_later(self._mount_deferred, lazy)  # renders it once mounted
            return
        snapshot = self.snapshot
        if snapshot is None or not self.entity:
            return
        tab = self.active_tab
        if snapshot.loading and tab not in ("proto", "findings"):
            return  # SQL, mapping and seeds wait for the rest of the first load (status bar: loading)
        if "proto" in snapshot.loading and tab != "proto":
            return  # the protos were only scanned, not compiled: no findings to show yet
        key = (snapshot.generation, self.entity, self.field, self.enum_value)
        if self._rendered.get(tab) == key:
            return
        self._rendered[tab] = key
        model = snapshot.model
        if tab == "proto":
            place = self.query_one(ProtoView).show_entity(model, self.entity, self.field, self.enum_value)
            if place is not None:
                self._open_place["proto"] = (place.file, place.line)
        elif tab == "sql":
            where = self.query_one(SqlView).show_entity(model, self.entity, self.field)
            if where is not None:
                self._open_place["sql"] = where
        elif tab == "mapping":
            self.query_one(MappingView).show_entity(model, self.entity, self.field)
        elif tab == "seeds":
            self._render_seeds(snapshot)
        elif tab == "findings":
            self.query_one(FindingsTable).show_findings(
                self.entity, findings_for_entity(model, snapshot.findings, self.entity), snapshot.findings)
        elif tab in self._extra_by_id:
            widget = self.query_one(f"#{tab}-view")
            widget.show_entity(model, self.entity)  # type: ignore[attr-defined]

    def _render_seeds(self, snapshot: Snapshot) -> None:
        model = snapshot.model
        msg = model.protos.message(self.entity)
        if msg is None:
            return
        table_name = model.table_name(msg)
        table = model.table_of(msg)
        columns = list(table.columns) if table is not None else [f.name for f in msg.fields]
        seeds = self.query_one(SeedTable)
        seeds.show_fixture(model.fixture_for(table_name), table_name, columns)
        if self.field:
            from workbench.contracts.layer_mapping import column_for

            seeds.focus_column(column_for(self.entity, self.field, model.config.mapping))

    # -- navigation -----------------------------------------------------------------------------
    @on(JumpRequested)
    def _jump(self, message: JumpRequested) -> None:
        target = message.target
        tree = self.query_one(EntityTree)
        tree.select_ref(target.entity, target.field, target.enum_value)
        tree.focus()

    def action_show_tab(self, tab: str) -> None:
        self._activate(f"tab-{tab}")

    def _activate(self, pane_id: str) -> None:
        tabs = self.query_one(TabbedContent)
        focused = self.focused
        in_body = focused is not None and tabs in focused.ancestors
        if in_body:
            # Park focus first: hiding the pane moves focus to its next widget, and TabbedContent
            # then re-activates the pane that holds the focus (the old one).
            self.query_one(EntityTree).focus()
        tabs.active = pane_id
        if in_body:
            self.call_after_refresh(self.action_focus_body)

    def _step_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        ids = [f"tab-{tab}" for tab, _t, _k in TABS] + [f"tab-{tab.id}" for tab in self.extra_tabs]
        current = ids.index(tabs.active) if tabs.active in ids else 0
        self._activate(ids[(current + step) % len(ids)])

    def action_next_tab(self) -> None:
        self._step_tab(1)

    def action_previous_tab(self) -> None:
        self._step_tab(-1)

    def action_toggle_all_findings(self) -> None:
        self.action_show_tab("findings")
        self.query_one(FindingsTable).action_toggle_all()

    def action_focus_tree(self) -> None:
        self.query_one(EntityTree).focus()

    def action_focus_body(self) -> None:
        pane = self.query_one(TabbedContent).active_pane
        if pane is None:
            return
        focusable = [w for w in pane.query("*") if w.focusable and w.display]
        # Prefer what scrolls or has rows over the search box.
        focusable.sort(key=lambda w: isinstance(w, Input))
        if focusable:
            focusable[0].focus()

    def action_open_source(self) -> None:
        tab = self.active_tab
        where: tuple[str, int] | None
        if tab == "findings":
            self.query_one(FindingsTable).open_current()
            return
        if tab == "seeds":
            where = self.query_one(SeedTable).current_row_line()
        elif tab == "mapping":
            where = self._open_place.get("proto")
            snapshot = self.snapshot
            if snapshot is not None:
                msg = snapshot.model.protos.message(self.entity)
                fld = msg.field(self.field) if msg and self.field else None
                place = fld.place if fld else (msg.place if msg else None)
                where = (place.file, place.line) if place else None
        else:
            where = self._open_place.get(tab)
        if where is None:
            self.notify("nothing to open here", timeout=2)
            return
        self.post_message(SourceRequested(where[0], where[1], title=f"{self.entity} {self.field}".strip()))
