"""Order of tables by the live schema's foreign keys, and parents-first order of rows.

Tables: referenced before referencing. A cycle between tables is broken at its deferrable
constraints (they are `SET CONSTRAINTS ... DEFERRED` for the run, so the rows may arrive in
either order and are checked at the end); a cycle with no deferrable way out is reported with
its tables. A table referencing itself (a category tree) is no cycle between tables: its rows
are ordered parents first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workbench.seed.live import ForeignKey, LiveSchema


@dataclass
class TableOrder:
    tables: list[str]  # apply in this order
    deferred: list[ForeignKey] = field(default_factory=list)  # to SET CONSTRAINTS ... DEFERRED
    cycles: list[list[str]] = field(default_factory=list)  # cycles nothing can break (an error)


def order_tables(schema: LiveSchema, names: Iterable[str]) -> TableOrder:
    wanted = list(dict.fromkeys(names))
    edges: dict[str, list[ForeignKey]] = {n: [] for n in wanted}  # table -> FKs to other seeded tables
    for name in wanted:
        table = schema.table(name)
        for fk in table.foreign_keys if table else ():
            if fk.references in edges and fk.references != name:
                edges[name].append(fk)
    result = TableOrder([])
    for component in _components(wanted, {n: [fk.references for fk in fks] for n, fks in edges.items()}):
        if len(component) == 1:
            result.tables.append(component[0])
            continue
        # Inside a cycle: drop the deferrable edges and see whether what is left is ordered.
        inside = set(component)
        hard = {n: [fk.references for fk in edges[n] if fk.references in inside and not fk.deferrable]
                for n in component}
        sub = _components(component, hard)
        if any(len(c) > 1 for c in sub):
            result.cycles.extend(sorted(c) for c in sub if len(c) > 1)
            continue
        result.tables.extend(c[0] for c in sub)
        result.deferred.extend(fk for n in component for fk in edges[n] if fk.references in inside and fk.deferrable)
    return result


def _components(nodes: list[str], deps: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components, dependencies first (Tarjan; iterative, stable by input order)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = [d for d in deps.get(node, []) if d in deps]
            if i < len(children):
                work.append((node, i + 1))
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            for child in children:
                if child in on_stack:
                    low[node] = min(low[node], low[child])
            if low[node] == index[node]:
                comp = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                out.append(sorted(comp, key=nodes.index))
    return out


def parents_first(rows: list[Any], key_of: Any, parent_of: Any) -> list[Any]:
    """`rows` reordered so a row comes after the row its self-reference points at.

    `key_of(row)` is the referenced value of a row, `parent_of(row)` its reference (None: a
    root, or a row already in the database). Rows caught in a loop keep their file order at
    the end: the database reports them.
    """
    by_key = {key_of(r): r for r in rows}
    depth: dict[int, int] = {}

    def depth_of(row: Any) -> int:
        chain: list[Any] = []
        node = row
        while id(node) not in depth:
            parent = by_key.get(parent_of(node))
            if parent is None or parent is node or len(chain) > len(rows):
                depth[id(node)] = 0
                break
            chain.append(node)
            node = parent
        d = depth[id(node)]
        for n in reversed(chain):
            d += 1
            depth[id(n)] = d
        return depth[id(row)]

    return sorted(rows, key=depth_of)
