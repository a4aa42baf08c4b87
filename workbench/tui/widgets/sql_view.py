"""The SQL tab: the table as the migrations define it — columns, constraints, indexes — and the
migration (file:line) that created or last altered each part."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.content import Content
from textual.widgets import Static

from workbench.tui.widgets.text_table import text_table

if TYPE_CHECKING:
    from workbench.contracts.migration_schema import Origin, Table
    from workbench.contracts.model import Model


def _origin(origin: Origin) -> str:
    return f"{origin.migration} :{origin.line}"


def _history(first: Origin, altered: list[Origin]) -> Content:
    parts: list[Content | str] = [_origin(first)]
    for alt in altered:
        parts.append(Content.styled(f" → {_origin(alt)}", "$warning"))
    return Content.assemble(*parts)


def table_contents(table: Table, migrations: dict[str, str], highlight: str = "") -> list[Content]:
    """Columns, constraints, indexes and a legend for one SQL table; `highlight` is the column to
    mark (the selected field's)."""
    cols = list(table.columns.values())
    columns = text_table(
        ("column", "type", "null", "default", "created → altered"),
        [(c.name, c.type_display, "" if c.not_null else "null", "identity" if c.identity else (c.default or ""),
          _history(c.origin, c.altered)) for c in cols],
        title="Columns", row_styles=["reverse" if c.name == highlight else "" for c in cols])
    constraints = text_table(
        ("name", "kind", "columns", "definition", "migration"),
        [(c.name, c.kind, ", ".join(c.columns),
          c.definition or (f"→ {c.references}" if c.references else ""), _origin(c.origin))
         for c in table.constraints],
        title="Constraints",
        row_styles=["reverse" if highlight and highlight in c.columns else "" for c in table.constraints])
    indexes = text_table(
        ("name", "unique", "definition", "migration"),
        [(i.name, "unique" if i.unique else "", i.definition, _origin(i.origin)) for i in table.indexes],
        title="Indexes") if table.indexes else Content("")
    used = sorted({table.origin.migration, *(o.migration for o in table.altered),
                   *(c.origin.migration for c in cols), *(o.migration for c in cols for o in c.altered),
                   *(c.origin.migration for c in table.constraints), *(i.origin.migration for i in table.indexes)})
    legend = Content.styled("Migrations: " + "  ".join(f"{v} {migrations.get(v, '')}" for v in used), "dim")
    return [columns, constraints, indexes, legend]


class SqlView(Vertical):
    HELP_TITLE = "SQL tab"

    def compose(self) -> ComposeResult:
        yield Static("", classes="view-title", markup=False)
        with ScrollableContainer(classes="view-scroll"):
            for part in ("columns", "constraints", "indexes"):
                yield Static("", classes=f"sql-tables sql-{part}")
            yield Static("", classes="sql-legend")

    def show_entity(self, model: Model, entity: str, field: str = "") -> tuple[str, int] | None:
        """Render; returns the (file, line) `o` opens: the selected column's origin, else the table's."""
        from workbench.contracts.layer_mapping import column_for

        msg = model.protos.message(entity)
        title = self.query_one(".view-title", Static)
        statics = list(self.query(".sql-tables").results(Static))
        legend = self.query_one(".sql-legend", Static)
        for static in (*statics, legend):
            static.update("")
        if msg is None:
            title.update(f"no message {entity}")
            return None
        name = model.table_name(msg)
        table = model.table_of(msg)
        if table is None:
            title.update(f"table {name}: not created by any migration")
            statics[0].update(Content.styled(
                f"No migration creates a table {name} for {entity}; see the Findings tab.", "italic"))
            return None
        column = column_for(entity, field, model.config.mapping) if field else ""
        altered = "".join(f", altered {o.migration}" for o in table.altered)
        title.update(f"table {table.name}  ·  created in {table.origin}{altered}")
        titles = {m.version: m.name.replace("_", " ") for m in model.migrations}
        *parts, legend_content = table_contents(table, titles, column)
        for static, part in zip(statics, parts, strict=True):
            static.update(part)
        legend.update(legend_content)
        col = table.columns.get(column)
        origin = col.altered[-1] if col is not None and col.altered else (col.origin if col else table.origin)
        return origin.file, origin.line
