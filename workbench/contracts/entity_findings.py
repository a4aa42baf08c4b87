"""Which entity a finding touches: the one rule the entity tree's marks and an entity's findings use.

A finding names its entity when the check knew it; otherwise it touches the entity whose message
spans its line in a .proto file, or whose table its fixture file seeds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from workbench.findings import Finding, Severity

if TYPE_CHECKING:
    from workbench.contracts.model import Model


class EntityIndex:
    """Where each entity lives (message line ranges, its fixture file), built once per model."""

    def __init__(self, model: Model) -> None:
        self.by_fixture: dict[str, str] = {}
        self.ranges: dict[str, list[tuple[int, int, str]]] = {}
        for msg in model.entities:
            fixture = model.fixture_for(model.table_name(msg))
            if fixture is not None:
                self.by_fixture[fixture.rel] = msg.name
            self.ranges.setdefault(msg.place.file, []).append((msg.place.line, msg.place.end_line, msg.name))

    def entity_of(self, finding: Finding) -> str:
        """The entity `finding` touches, "" for none."""
        if finding.entity:
            return finding.entity
        if finding.file in self.by_fixture:
            return self.by_fixture[finding.file]
        return next((name for start, end, name in self.ranges.get(finding.file, ())
                     if start <= finding.line <= end), "")


def findings_for_entity(model: Model, findings: Iterable[Finding], entity: str) -> list[Finding]:
    """Findings that touch one entity."""
    index = EntityIndex(model)
    return [f for f in findings if index.entity_of(f) == entity]


def error_counts(model: Model, findings: Iterable[Finding]) -> dict[str, int]:
    """Errors per entity, for the marks in the tree (one pass: a broken fixture can mean 100,000)."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    counts: dict[str, int] = {}
    if not errors:
        return counts
    index = EntityIndex(model)
    for f in errors:
        entity = index.entity_of(f)
        if entity:
            counts[entity] = counts.get(entity, 0) + 1
    return counts
