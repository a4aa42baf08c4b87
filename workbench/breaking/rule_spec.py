"""A buf rule as `buf config ls-breaking-rules` / `ls-lint-rules` list it (breaking and lint alike)."""

from __future__ import annotations

from workbench.contracts.record import FrozenRecord


class RuleSpec(FrozenRecord):
    """A buf rule as buf lists it: ID, categories, purpose, and what a deprecated one became."""

    _fields = ("id", "categories", "default", "purpose", "deprecated", "replacements")
    __slots__ = _fields

    def __init__(self, id: str, categories: tuple[str, ...], default: bool, purpose: str,
                 deprecated: bool = False, replacements: tuple[str, ...] = ()) -> None:
        self.id = id
        self.categories = categories
        self.default = default
        self.purpose = purpose
        self.deprecated = deprecated
        self.replacements = replacements
