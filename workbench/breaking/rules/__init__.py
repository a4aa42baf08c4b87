"""buf's breaking rules, one function per rule ID, registered by decorator.

Each function walks a `Pair` and calls `pair.emit(...)`; `run_rules` sets the rule ID first. Deprecated
IDs with no behaviour of their own (buf keeps them only to expand them) have no function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from workbench.breaking.change import Change, Pair

RuleFunc = Callable[[Pair], None]
RULES: dict[str, RuleFunc] = {}


def rule(*ids: str) -> Callable[[RuleFunc], RuleFunc]:
    def register(func: RuleFunc) -> RuleFunc:
        for rule_id in ids:
            RULES[rule_id] = func
        return func

    return register


def run_rules(pair: Pair, rule_ids: Iterable[str]) -> list[Change]:
    _load()
    for rule_id in rule_ids:
        func = RULES.get(rule_id)
        if func is None:
            continue
        pair.rule = rule_id
        func(pair)
    return pair.out


def _load() -> None:
    # Importing registers; kept lazy so `import workbench.breaking` stays cheap.
    from workbench.breaking.rules import enums, fields, files, messages, packages, services  # noqa: F401
