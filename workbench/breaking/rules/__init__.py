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


class PairwiseHandler:
    """A handler that walks the message pairs (or the field pairs in them): the rules whose work can be
    split between two processes by message pair (`Pair.halves`, `run_rules`)."""

    __slots__ = ("walk",)

    def __init__(self, walk: Handler) -> None:
        self.walk = walk

    def __call__(self, p: Pair, emit: Emit) -> None:
        self.walk(p, emit)


def for_field_pairs(check: Callable[[Pair, Emit, FieldInfo, FieldInfo], None]) -> Handler:
    """A handler that runs `check` on every field pair (by number in messages of the same name, and
    extensions by extendee and number)."""
    def handler(p: Pair, emit: Emit) -> None:
        for before, after in p.field_pairs:
            check(p, emit, before, after)
    return PairwiseHandler(handler)


def for_message_pairs(check: Callable[[Pair, Emit, MessageInfo, MessageInfo], None]) -> Handler:
    def handler(p: Pair, emit: Emit) -> None:
        for before, after in p.message_pairs():
            check(p, emit, before, after)
    return PairwiseHandler(handler)


def for_file_pairs(check: Callable[[Pair, Emit, FileInfo, FileInfo], None]) -> Handler:
    def handler(p: Pair, emit: Emit) -> None:
        for before, after in p.file_pairs():
            check(p, emit, before, after)
    return handler


# Messages of the same name on both sides from which a review's message and field rules are split
# between two processes (each half also finds which of its messages changed, ~40 us a message). Below
# it the fork of a big process, its copied pages and the findings pickled back cost about what the
# second core saves. On the 5,000-message benchmark tree (1,562 changed) the rules take ~0.8 s on one core.
SPLIT_MIN_MESSAGES = 1000


def run_rules(pair: Pair, rule_ids: Iterable[str], parallel: bool = False) -> list[Change]:
    """Every rule of `rule_ids` over `pair`. `parallel`: with many message pairs, half of them may go to
    a forked child where one can be forked (`may_fork`: not beside the TUI's threads)."""
    from workbench.breaking.rules.build import RULES

    specs = [RULES[rule_id] for rule_id in rule_ids if rule_id in RULES]
    if parallel and len(pair.same_names) >= SPLIT_MIN_MESSAGES:
        from workbench.breaking.forked import may_fork

        if may_fork():
            return _run_split(pair, specs)
    _run(pair, specs)
    return pair.out


def _run(pair: Pair, specs: Sequence[RuleSpec]) -> None:
    for spec in specs:
        spec.handler(pair, Emit(pair, spec.id))


def _run_split(pair: Pair, specs: Sequence[RuleSpec]) -> list[Change]:
    """The message and field rules over every other message pair in a forked child, the rest here;
    the child's half is redone here when the child failed. Same findings as one process: each pair is
    walked by the same rules once, and the review sorts what they emit."""
    from workbench.breaking.forked import Forked

    pairwise = [spec for spec in specs if isinstance(spec.handler, PairwiseHandler)]
    first, second = pair.halves()

    def theirs() -> list[Change]:
        _run(second, pairwise)
        return second.out

    child = Forked(theirs)
    _run(pair, [spec for spec in specs if not isinstance(spec.handler, PairwiseHandler)])
    _run(first, pairwise)
    done = child.result()
    if not isinstance(done, list):
        _run(second, pairwise)
        done = second.out
    return pair.out + first.out + done
