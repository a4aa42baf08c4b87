"""`EntityTree`: domains > entities > fields > enum values. It renders a model and reports the
cursor with `EntityHighlighted`; the screen decides what to show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from workbench.tui.messages import EntityHighlighted

if TYPE_CHECKING:
    from workbench.model import Model


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
        self._signature: tuple[object, ...] = ()

    def show_model(self, model: Model, counts: dict[str, int] | None = None) -> None:
        """Render the model's entities; keeps expansion, cursor and scroll across reloads."""
        counts = counts or {}
        signature = _signature(model, counts)
        if signature == self._signature:
            return
        self._signature = signature
        expanded = {n.data for n in _walk(self.root) if n.is_expanded and n.data is not None}
        cursor = self.cursor_node.data if self.cursor_node is not None else None
        scroll_y = self.scroll_y
        first_load = not self.root.children
        self.clear()
        by_domain: dict[str, list[str]] = {}
        for msg in model.entities:
            by_domain.setdefault(model.config.domain_of(msg.name), []).append(msg.name)
        order = [d for d in model.config.domains if d in by_domain] + sorted(
            d for d in by_domain if d not in model.config.domains)
        target_line = -1
        for domain in order:
            ref = NodeRef("domain", domain)
            dnode = self.root.add(Text(domain, style="bold"), ref,
                                  expand=first_load or ref in expanded)
            for name in by_domain[domain]:
                msg = model.protos.message(name)
                if msg is None:
                    continue
                eref = NodeRef("entity", domain, name)
                label = Text(name)
                if counts.get(name):
                    label = Text.assemble(label, (f" ✗{counts[name]}", "bold red"))
                enode = dnode.add(label, eref, expand=eref in expanded)
                for fld in msg.fields:
                    fref = NodeRef("field", domain, name, fld.name)
                    flabel = Text.assemble(fld.name, (f"  {fld.display_type}", "dim"))
                    enum = model.protos.enum(fld.type_name) if fld.kind == "enum" else None
                    if enum is None:
                        enode.add_leaf(flabel, fref)
                        continue
                    fnode = enode.add(flabel, fref, expand=fref in expanded)
                    for value in enum.values:
                        fnode.add_leaf(Text.assemble(value.name, (f" = {value.number}", "dim")),
                                       NodeRef("enum value", domain, name, fld.name, value.name))
        if cursor is not None:
            target_line = self._line_of(cursor)
        self.call_after_refresh(self._restore, target_line, scroll_y)

    def _line_of(self, ref: NodeRef) -> int:
        # The same node, else its entity, else its domain (the node may have been deleted).
        candidates = [ref, NodeRef("entity", ref.domain, ref.entity), NodeRef("domain", ref.domain)]
        for wanted in candidates:
            for node in _walk(self.root):
                if node.data == wanted:
                    return node.line
        return -1

    def _restore(self, line: int, scroll_y: float) -> None:
        if line >= 0:
            self.cursor_line = line
        self.scroll_to(y=scroll_y, animate=False)

    def select_ref(self, entity: str, field: str = "", enum_value: str = "") -> bool:
        """Move the cursor to an entity / field / enum value, expanding what is needed."""
        for node in _walk(self.root):
            ref = node.data
            if ref is None or ref.entity != entity:
                continue
            if ref.field == field and ref.enum_value == enum_value and ref.kind != "domain":
                parent = node.parent
                while parent is not None:
                    parent.expand()
                    parent = parent.parent
                self.call_after_refresh(self._move_to, node)
                return True
        return False

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


def _walk(node: TreeNode[NodeRef]) -> list[TreeNode[NodeRef]]:
    out = []
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(current.children))
    return out


def _signature(model: Model, counts: dict[str, int]) -> tuple[object, ...]:
    return (
        tuple(model.config.domains.items()),
        tuple((m.name, tuple((f.name, f.display_type, f.type_name) for f in m.fields)) for m in model.entities),
        tuple((e.full_name, tuple(v.name for v in e.values)) for e in model.protos.enums),
        tuple(sorted(counts.items())),
    )
