"""Jump targets for `/` and the command palette (pure Python, no Textual).

The model the TUI shows comes from the core: `workbench.workspace.reload` (the same load sequence
as the CLI's) returns a `Snapshot`; which entity a finding touches is `workbench.contracts.entity_findings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.workspace import Snapshot

if TYPE_CHECKING:
    from workbench.contracts.model import Model

__all__ = ["JumpTarget", "Snapshot", "jump_targets"]  # Snapshot: screens type-hint it from here


@dataclass(frozen=True)
class JumpTarget:
    """One place `/` can jump to: an entity, one of its fields, or an enum value under a field."""

    label: str  # what the fuzzy matcher sees: "Order", "Order.status", "Order.status = PAID"
    entity: str
    field: str = ""
    enum_value: str = ""
    help: str = ""
    kind: str = "entity"


def jump_targets(model: Model) -> list[JumpTarget]:
    targets: list[JumpTarget] = []
    for msg in model.entities:
        domain = model.config.domain_of(msg.name)
        targets.append(JumpTarget(msg.name, msg.name, help=f"{domain} entity · table {model.table_name(msg)}"))
        for fld in msg.fields:
            targets.append(JumpTarget(f"{msg.name}.{fld.name}", msg.name, fld.name,
                                      help=f"field {fld.display_type}", kind="field"))
            if fld.kind == "enum":
                enum = model.protos.enum(fld.type_name)
                for value in enum.values if enum else ():
                    targets.append(JumpTarget(f"{msg.name}.{fld.name} = {value.name}", msg.name, fld.name,
                                              value.name, help=f"{enum.name if enum else ''} value {value.number}",
                                              kind="enum value"))
    return targets
