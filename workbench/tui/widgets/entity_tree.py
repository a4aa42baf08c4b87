"""`EntityTree`: domains > entities > fields > enum values. It renders a model and reports the
cursor with `EntityHighlighted`; the screen decides what to show.

Why lazy and incremental: 500 entities with their fields and enum values are ~6,000 nodes and
building them costs most of a second; so an entity's fields are added when it is first expanded,
and a reload that keeps the entity list only rebuilds the entities that changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from workbench.tui.messages import EntityHighlighted

if TYPE_CHECKING:
    from workbench.contracts.model import Model
    from workbench.contracts.proto_model import ProtoMessage


@dataclass(frozen=True)
class NodeRef:
    """What a tree node stands for; also the key used to restore expansion and cursor on reload."""

    kind: str  # "domain" | "entity" | "field" | "enum value"
    domain: str = ""
    entity: str = ""
    field: str = ""
    enum_value: str = ""


class EntityTree(Tree[NodeRef]):
    HELP_TITLE = "Entity tree"
    BINDINGS = [
        Binding("right,l", "expand_or_down", "Expand", show=False, tooltip="Expand the node", id="tree.expand"),
        Binding("left,h", "collapse_or_up", "Collapse", show=False, tooltip="Collapse, or go to the parent",
                id="tree.collapse"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("entities", id=id)
        self.show_root = False
        self.guide_depth = 2
        self._model: Model | None = None
        self._layout: tuple[object, ...] = ()
        self._entity_sigs: dict[str, tuple[object, ...]] = {}
        self._entity_nodes: dict[str, TreeNode[NodeRef]] = {}
        self._populated: set[str] = set()

    # -- rendering --------------------------------------------------------------------------------
    def show_model(self, model: Model, counts: dict[str, int] | None = None) -> None:
        """Render the model's entities; keeps expansion, cursor and scroll across reloads."""
        counts = counts or {}
        self._model = model
        by_domain: dict[str, list[str]] = {}
        for msg in model.entities:
            by_domain.setdefault(model.config.domain_of(msg.name), []).append(msg.name)
        order = [d for d in model.config.domains if d in by_domain] + sorted(
            d for d in by_domain if d not in model.config.domains)
        layout = tuple((d, tuple(by_domain[d])) for d in order)
        sigs = {m.name: _entity_signature(model, m, counts.get(m.name, 0)) for m in model.entities}
        if layout == self._layout:
            for name, sig in sigs.items():
                if self._entity_sigs.get(name) != sig:
                    self._refresh_entity(name, counts.get(name, 0))
            self._entity_sigs = sigs
            return
        self._rebuild(model, order, by_domain, counts)
        self._layout = layout
        self._entity_sigs = sigs

    def _rebuild(self, model: Model, order: list[str], by_domain: dict[str, list[str]],
                 counts: dict[str, int]) -> None:
        expanded = {n.data for n in _walk(self.root) if n.is_expanded and n.data is not None}
        cursor = self.cursor_node.data if self.cursor_node is not None else None
        scroll_y = self.scroll_y
        first_load = not self.root.children
        self.clear()
        self._entity_nodes.clear()
        self._populated.clear()
        for domain in order:
            ref = NodeRef("domain", domain)
            dnode = self.root.add(Text(domain, style="bold"), ref, expand=first_load or ref in expanded)
            for name in by_domain[domain]:
                eref = NodeRef("entity", domain, name)
                enode = dnode.add(_entity_label(name, counts.get(name, 0)), eref, allow_expand=True)
                self._entity_nodes[name] = enode
                if eref in expanded:
                    self._populate(enode, expanded)
                    enode.expand()
        target_line = self._line_of(cursor) if cursor is not None else -1
        self.call_after_refresh(self._restore, target_line, scroll_y)

    def _refresh_entity(self, name: str, count: int) -> None:
        node = self._entity_nodes.get(name)
        if node is None:
            return
        node.set_label(_entity_label(name, count))
        if name in self._populated:
            expanded = {n.data for n in _walk(node) if n.is_expanded and n.data is not None}
            cursor = self.cursor_node.data if self.cursor_node is not None else None
            node.remove_children()
            self._populated.discard(name)
            self._populate(node, expanded)
            if cursor is not None and cursor.entity == name:
                line = self._line_of(cursor)
                self.call_after_refresh(self._restore, line, self.scroll_y)

    def _populate(self, enode: TreeNode[NodeRef], expanded: set[NodeRef] | None = None) -> None:
        """Add an entity's fields (and enum values under enum fields), once."""
        ref = enode.data
        model = self._model
        if ref is None or model is None or ref.entity in self._populated:
            return
        msg = model.protos.message(ref.entity)
        if msg is None:
            return
        self._populated.add(ref.entity)
        expanded = expanded or set()
        for fld in msg.fields:
            fref = NodeRef("field", ref.domain, ref.entity, fld.name)
            flabel = Text.assemble(fld.name, (f"  {fld.display_type}", "dim"))
            enum = model.protos.enum(fld.type_name) if fld.kind == "enum" else None
            if enum is None:
                enode.add_leaf(flabel, fref)
                continue
            fnode = enode.add(flabel, fref, expand=fref in expanded)
            for value in enum.values:
                fnode.add_leaf(Text.assemble(value.name, (f" = {value.number}", "dim")),
                               NodeRef("enum value", ref.domain, ref.entity, fld.name, value.name))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeRef]) -> None:
        ref = event.node.data
        if ref is not None and ref.kind == "entity":
            self._populate(event.node)

    # -- cursor -----------------------------------------------------------------------------------
    def _line_of(self, ref: NodeRef) -> int:
        # The same node, else its entity, else its domain (the node may have been deleted).
        candidates = [ref, NodeRef("entity", ref.domain, ref.entity), NodeRef("domain", ref.domain)]
        for wanted in candidates:
            node = self._find(wanted)
            if node is not None:
                return node.line
        return -1

    def _find(self, ref: NodeRef) -> TreeNode[NodeRef] | None:
        if ref.kind == "domain":
            return next((n for n in self.root.children if n.data == ref), None)
        enode = self._entity_nodes.get(ref.entity)
        if enode is None or ref.kind == "entity":
            return enode
        return next((n for n in _walk(enode) if n.data == ref), None)

    def _restore(self, line: int, scroll_y: float) -> None:
        if line >= 0:
            self.cursor_line = line
        self.scroll_to(y=scroll_y, animate=False)

    def select_ref(self, entity: str, field: str = "", enum_value: str = "") -> bool:
        """Move the cursor to an entity / field / enum value, expanding what is needed."""
        enode = self._entity_nodes.get(entity)
        if enode is None or enode.data is None:
            return False
        node: TreeNode[NodeRef] | None = enode
        if field:
            self._populate(enode)
            kind = "enum value" if enum_value else "field"
            node = self._find(NodeRef(kind, enode.data.domain, entity, field, enum_value)) or enode
        parent = node.parent if node is not None else None
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self.call_after_refresh(self._move_to, node)
        return True

    def _move_to(self, node: TreeNode[NodeRef]) -> None:
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        ref = event.node.data
        if ref is not None and ref.entity:
            self.post_message(EntityHighlighted(ref.entity, ref.field, ref.enum_value))

    def action_expand_or_down(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        else:
            self.action_cursor_down()

    def action_collapse_or_up(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)


def _entity_label(name: str, errors: int) -> Text:
    return Text.assemble(name, (f" ✗{errors}", "bold red")) if errors else Text(name)


def _walk(node: TreeNode[NodeRef]) -> list[TreeNode[NodeRef]]:
    out = []
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(current.children))
    return out


def _entity_signature(model: Model, msg: ProtoMessage, errors: int) -> tuple[object, ...]:
    enums = tuple(
        tuple(v.name for v in e.values) if (e := model.protos.enum(f.type_name)) is not None else ()
        for f in msg.fields if f.kind == "enum"
    )
    return (tuple((f.name, f.display_type, f.type_name) for f in msg.fields), enums, errors)
