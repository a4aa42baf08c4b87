"""The Mapping tab: each field beside its column, every mismatch marked and explained.

The verdicts come from `workbench.mapping_pairs.pairs_for` — the same function the layer check
uses — so the tab and `workbench check` never disagree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.widgets import Static

if TYPE_CHECKING:

    from workbench.model import Model

_MARK = {"error": ("✗", "bold red"), "warning": ("!", "bold yellow")}


class MappingView(Vertical):
    HELP_TITLE = "Mapping tab"

    def compose(self) -> ComposeResult:
        yield Static("", classes="view-title", markup=False)
        with ScrollableContainer(classes="view-scroll"):
            yield Static("", classes="mapping-table")
            yield Static("", classes="mapping-notes")

    def show_entity(self, model: Model, entity: str, field: str = "") -> int:
        """Render; returns the number of mismatches."""
        from rich import box
        from rich.console import Group
        from rich.table import Table as RichTable

        from workbench.mapping_pairs import pairs_for

        title = self.query_one(".view-title", Static)
        body = self.query_one(".mapping-table", Static)
        notes_view = self.query_one(".mapping-notes", Static)
        notes_view.update("")
        msg = model.protos.message(entity)
        if msg is None:
            title.update(f"no message {entity}")
            body.update("")
            return 0
        table = model.table_of(msg)
        if table is None:
            title.update(f"{entity} ↔ {model.table_name(msg)}: no such table")
            body.update(Text(f"No migration creates {model.table_name(msg)}: every field is unmapped.",
                             style="bold red"))
            return len(msg.fields)
        pairs = pairs_for(model, msg, table)
        grid = RichTable(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, header_style="bold")
        for name in ("", "field", "proto type", "", "column", "sql type"):
            grid.add_column(name, no_wrap=True)
        notes: list[Text] = []
        bad = 0
        for pair in pairs:
            worst = next((p[0] for p in pair.problems if p[0] == "error"), pair.problems[0][0] if pair.problems else "")
            mark, style = _MARK.get(worst, ("✓", "green"))
            bad += bool(pair.problems)
            fld, col = pair.field, pair.column
            selected = bool(field) and fld is not None and fld.name == field
            row_style = "reverse" if selected else ""
            ref = f"{len(notes) + 1}" if pair.problems else ""
            grid.add_row(
                Text(mark + ref, style=style),
                fld.name if fld else Text("—", style="dim"),
                fld.display_type if fld else "",
                Text("↔", style=style if pair.problems else "dim"),
                col.name if col else Text("—", style="dim"),
                (col.type_display + ("" if col.not_null else " null")) if col else "",
                style=row_style,
            )
            for severity, rule, explanation in pair.problems:
                note = Text(f"{_MARK[severity][0]}{len(notes) + 1} ", style=_MARK[severity][1])
                note.append(f"[{rule}] ", style="dim")
                note.append(explanation)
                notes.append(note)
        title.update(f"{entity} ↔ {table.name}  ·  {len(pairs) - bad} agree, {bad} mismatched")
        body.update(grid)
        if notes:
            notes_view.update(Group(Text("Mismatches", style="bold"), *notes))
        else:
            notes_view.update(Text("✓ every field has its column with a compatible type and nullability.",
                                   style="green"))
        return bad
