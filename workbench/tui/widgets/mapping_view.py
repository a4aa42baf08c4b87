"""The Mapping tab: each field beside its column, every mismatch marked and explained.

The verdicts come from `workbench.contracts.field_column_pairs.pairs_for` — the same function the layer check
uses — so the tab and `workbench check` never disagree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.content import Content
from textual.widgets import Static

from workbench.tui.widgets.text_table import text_table

if TYPE_CHECKING:
    from workbench.contracts.model import Model

_MARK = {"error": ("✗", "bold $error"), "warning": ("!", "bold $warning")}


NARROW = 80  # below this many columns the four key columns stack on two lines per field


class MappingView(Vertical):
    HELP_TITLE = "Mapping tab"

    _last: tuple[Model, str, str] | None = None
    _narrow: bool | None = None

    def on_resize(self) -> None:
        # The layout depends on the width: render again when it crosses the breakpoint.
        if self._last is not None and (self.size.width < NARROW) != self._narrow:
            self.show_entity(*self._last)

    def compose(self) -> ComposeResult:
        yield Static("", classes="view-title", markup=False)
        with ScrollableContainer(classes="view-scroll"):
            yield Static("", classes="mapping-table")
            yield Static("", classes="mapping-notes")

    def show_entity(self, model: Model, entity: str, field: str = "") -> int:
        """Render; returns the number of mismatched pairs."""
        from workbench.contracts.field_column_pairs import pairs_for

        self._last = (model, entity, field)
        self._narrow = narrow = 0 < self.size.width < NARROW

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
            body.update(Content.styled(f"No migration creates {model.table_name(msg)}: every field is unmapped.",
                                       "bold $error"))
            return len(msg.fields)
        pairs = pairs_for(model, msg, table)
        rows: list[tuple[Content | str, ...]] = []
        styles: list[str] = []
        notes: list[Content] = []
        bad = 0
        for pair in pairs:
            worst = "error" if any(p[0] == "error" for p in pair.problems) else (
                pair.problems[0][0] if pair.problems else "")
            mark, style = _MARK.get(worst, ("✓", "$success"))
            bad += bool(pair.problems)
            fld, col = pair.field, pair.column
            ref = str(len(notes) + 1) if pair.problems else ""
            arrow = Content.styled("↔", style if pair.problems else "dim")
            sql_type = (col.type_display + ("" if col.not_null else " null")) if col else ""
            # The column's name dim when it is the field's: what differs stands out.
            column = (Content.styled(col.name, "dim" if fld is not None and fld.name == col.name else "") if col
                      else Content.styled("—", "dim"))
            selected = "reverse" if field and fld is not None and fld.name == field else ""
            if narrow:
                # 80 columns: field over its column, proto type over the SQL type; nothing cut.
                rows.append((Content.styled(mark + ref, style), fld.name if fld else Content.styled("—", "dim"),
                             fld.display_type if fld else ""))
                rows.append(("", Content.assemble(arrow, " ", column), sql_type))
                styles += [selected, selected]
            else:
                rows.append((Content.styled(mark + ref, style), fld.name if fld else Content.styled("—", "dim"),
                             fld.display_type if fld else "", arrow, sql_type, column))
                styles.append(selected)
            for severity, rule, explanation in pair.problems:
                sign, sign_style = _MARK.get(severity, ("i", "bold"))
                notes.append(Content.assemble(Content.styled(f"{sign}{len(notes) + 1} ", sign_style),
                                              Content.styled(f"[{rule}] ", "dim"), explanation))
        title.update(f"{entity} ↔ {table.name}  ·  {len(pairs) - bad} agree, {bad} mismatched")
        headers = (("", "field / ↔ column", "proto type / sql type") if narrow else
                   ("", "field", "proto type", "", "sql type", "column"))
        body.update(text_table(headers, rows, row_styles=styles))
        if notes:
            notes_view.update(Content("\n").join([Content.styled("Mismatches", "bold"), *notes]))
        else:
            notes_view.update(Content.styled(
                "✓ every field has its column with a compatible type and nullability.", "$success"))
        return bad
