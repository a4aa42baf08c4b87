"""What cel-go's planner does with a type-checked CEL tree before evaluating it (cel_eval.py evaluates).

protovalidate builds its programs with OptOptimize: a type conversion of a constant is evaluated while
planning (a list or map literal of constants is a constant too), and a `matches` pattern that is a constant
string is compiled then. An error there fails the program: protovalidate returns a CompilationError, which
buf's lint does not report, and buf checks no example of the field (buf-bin: `int('x') == this` beside
`min_len: 5` reports neither).
"""

from __future__ import annotations

from workbench.lint.cel_eval import CelMap, function, literal
from workbench.lint.cel_values import CelError, Unsupported

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from workbench.lint.cel_check import Node


CONVERSIONS = frozenset({"bool", "bytes", "double", "duration", "dyn", "int", "string", "timestamp", "type", "uint"})


def plan_fails(tree: Node) -> bool:
    """Whether cel-go cannot make a program of the (type-checked) tree."""
    try:
        return _Planner().fails(tree)
    except RecursionError:
        return False


class _Planner:
    def __init__(self) -> None:
        self.failed = False

    def fails(self, tree: Node) -> bool:
        self.constant(tree)
        return self.failed

    def constant(self, node: Node) -> tuple[bool, Any]:
        """(is a constant after planning, its value), visiting the children first as cel-go's decorators do."""
        kind = node[0]
        if kind == "lit":
            try:
                return True, literal(node[1], node[2] if len(node) > 2 else "")
            except (Unsupported, CelError):
                return False, None
        if kind == "list":
            parts = [self.constant(e) for e in node[1]]
            return (all(c for c, _ in parts), [v for _, v in parts])
        if kind == "map":
            entries = [(self.constant(k), self.constant(v)) for k, v in node[1]]
            if not all(k[0] and v[0] for k, v in entries):
                return False, None
            out = CelMap()
            try:
                for k, v in entries:
                    out.put(k[1], v[1])
            except CelError:
                return False, None
            return True, out
        if kind == "call":
            _, name, target, args = node
            parts = [self.constant(a) for a in args]
            if target is not None:
                self.constant(target)
            if target is None and name in CONVERSIONS and len(args) == 1 and parts[0][0]:
                try:
                    return True, function(name, [parts[0][1]])
                except CelError:
                    self.failed = True
                except Unsupported:
                    pass
                return False, None
            pattern = parts[0] if target is not None and name == "matches" and len(parts) == 1 else \
                parts[1] if target is None and name == "matches" and len(parts) == 2 else (False, None)
            if pattern[0] and isinstance(pattern[1], str):
                from workbench.lint.go_regexp import go_regexp_error

                if go_regexp_error(pattern[1]) is not None:
                    self.failed = True
            return False, None
        from workbench.lint.cel_check import _children

        for child in _children(node):
            if isinstance(child, tuple) and child:
                self.constant(child)
        return False, None
