"""buf's breaking rules, after buf's own model (bufcheckserverhandle/breaking.go, bufcheckserverbuild).

A rule is a `RuleSpec(id, purpose, handler)` (the list is `workbench.breaking.rules.build.RULES`).
A handler is `(pair, emit) -> None`: it walks the pair and reports through `emit`, which the runner
binds to the rule's ID, so no handler reads or writes which rule it runs as. Variants of one check
(`FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED`, `FIELD_WIRE_JSON_COMPATIBLE_TYPE`, each file option) are
separate handlers built by a factory with explicit arguments, and the per-element iteration comes from
the `for_*_pairs` factories below, as buf's `New*PairRuleHandler` do. Deprecated IDs with no
behaviour of their own (buf keeps them only to expand them) have no handler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from workbench.breaking.change import Change, Pair
from workbench.contracts.record import FrozenRecord

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from workbench.breaking.schema import FieldInfo, FileInfo, MessageInfo, Span


class Emit:
    """Reports findings of one rule: `emit(message, after_file, after_paths, ...)` (see `Pair.emit`)."""

    __slots__ = ("pair", "rule")

    def __init__(self, pair: Pair, rule: str) -> None:
        self.pair = pair
        self.rule = rule

    def __call__(self, message: str, after_file: FileInfo | None, after_paths: Sequence[tuple[int, ...] | None],
                 before_file: FileInfo | None = None, before_paths: Sequence[tuple[int, ...] | None] | None = None,
                 entity: str = "", at: Span | None = None) -> None:
        self.pair.emit(self.rule, message, after_file, after_paths, before_file, before_paths, entity, at)


Handler = Callable[[Pair, Emit], None]


class RuleSpec(FrozenRecord):
    """A breaking rule: its ID, purpose and handler."""

    _fields = ("id", "purpose", "handler")
    __slots__ = _fields

    def __init__(self, id: str, purpose: str, handler: Handler) -> None:
        self.id = id
        self.purpose = purpose
        self.handler = handler


def for_field_pairs(check: Callable[[Pair, Emit, FieldInfo, FieldInfo], None]) -> Handler:
    """A handler that runs `check` on every field pair (by number in messages of the same name, and
    extensions by extendee and number)."""
    def handler(p: Pair, emit: Emit) -> None:
        from workbench.breaking.rules.fields import field_pairs

        for before, after in field_pairs(p):
            check(p, emit, before, after)
    return handler


def for_message_pairs(check: Callable[[Pair, Emit, MessageInfo, MessageInfo], None]) -> Handler:
    def handler(p: Pair, emit: Emit) -> None:
        for before, after in p.message_pairs():
            check(p, emit, before, after)
    return handler


def for_file_pairs(check: Callable[[Pair, Emit, FileInfo, FileInfo], None]) -> Handler:
    def handler(p: Pair, emit: Emit) -> None:
        for before, after in p.file_pairs():
            check(p, emit, before, after)
    return handler


def run_rules(pair: Pair, rule_ids: Iterable[str]) -> list[Change]:
    from workbench.breaking.rules.build import RULES

    for rule_id in rule_ids:
        spec = RULES.get(rule_id)
        if spec is not None:
            spec.handler(pair, Emit(pair, rule_id))
    return pair.out
