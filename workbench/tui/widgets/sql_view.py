"""The SQL tab: the table as the migrations define it — columns, constraints, indexes — and the
migration (file:line) that created or last altered each part."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer, Vertical
from textual.widgets import Static

if TYPE_CHECKING:
    from rich.table import Table as RichTable

    from workbench.model import Model
    from workbench.sqlschema import Origin, Table


def _origin(origin: Origin) -> str:
    return f"{origin.migration} :{origin.line}"


def _history(first: Origin, altered: list[Origin]) -> Text:
    text = Text(_origin(first))
    for alt in altered:
        text.append(f" → {_origin(alt)}", style="yellow")
    return text


def table_renderables(table: Table, migrations: dict[str, str], highlight: str = "") -> list[RichTable | Text]:
    """Rich tables (columns, constraints, indexes) and a legend for one SQL table; `highlight`
    is the column to mark (the selected field's)."""
    from rich import box
    from rich.table import Table as RichTable

    columns = RichTable(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, title_justify="left",
                        title=Text("Columns", style="bold"), header_style="bold")
    for name in ("column", "type", "null", "default", "created → altered"):
        columns.add_column(name, no_wrap=True)
    for col in table.columns.values():
        default = "identity" if col.identity else (col.default or "")
        style = "reverse" if col.name == highlight else ""
        columns.add_row(col.name, col.type_display, "" if col.not_null else "null", default,
                        _history(col.origin, col.altered), style=style)
    constraints = RichTable(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, title_justify="left",
                            title=Text("Constraints", style="bold"), header_style="bold")
    for name in ("name", "kind", "columns", "definition", "migration"):
        constraints.add_column(name, no_wrap=name != "definition", max_width=60 if name == "definition" else None)
    for con in table.constraints:
        definition = con.definition or (f"→ {con.references}" if con.references else "")
        constraints.add_row(con.name, con.kind, ", ".join(con.columns), definition, _origin(con.origin),
                            style="reverse" if highlight and highlight in con.columns else "")
    indexes = RichTable(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, title_justify="left",
                        title=Text("Indexes", style="bold"), header_style="bold")
    for name in ("name", "unique", "definition", "migration"):
        indexes.add_column(name, no_wrap=name != "definition", max_width=60 if name == "definition" else None)
    for idx in table.indexes:
        indexes.add_row(idx.name, "unique" if idx.unique else "", idx.definition, _origin(idx.origin))
    legend = Text("Migrations: ", style="dim")
    used = sorted({table.origin.migration, *(o.migration for o in table.altered),
                   *(c.origin.migration for c in table.columns.values()),
                   *(o.migration for c in table.columns.values() for o in c.altered),
                   *(c.origin.migration for c in table.constraints), *(i.origin.migration for i in table.indexes)})
    legend.append("  ".join(f"{v} {migrations.get(v, '')}" for v in used), style="dim")
    return [columns, constraints, indexes if table.indexes else Text(""), legend]


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
        from workbench.mapping import column_for

        msg = model.protos.message(entity)
        title = self.query_one(".view-title", Static)
        statics = list(self.query(".sql-tables").results(Static))
        body = statics[0]
        for other in statics[1:]:
            other.update("")
        legend = self.query_one(".sql-legend", Static)
        legend.update("")
        if msg is None:
            title.update(f"no message {entity}")
            body.update("")
            return None
        name = model.table_name(msg)
        table = model.table_of(msg)
        if table is None:
            title.update(f"table {name}: not created by any migration")
            body.update(Text(f"No migration creates a table {name} for {entity}; see the Findings tab.",
                             style="italic"))
            return None
        column = column_for(entity, field, model.config.mapping) if field else ""
        altered = "".join(f", altered {o.migration}" for o in table.altered)
        title.update(f"table {table.name}  ·  created in {table.origin}{altered}")
        titles = {m.version: m.name.replace("_", " ") for m in model.migrations}
        *parts, legend_text = table_renderables(table, titles, column)
        for static, part in zip(statics, parts, strict=True):
            static.update(part)
        legend.update(legend_text)
        col = table.columns.get(column)
        origin = col.altered[-1] if col is not None and col.altered else (col.origin if col else table.origin)
        return origin.file, origin.line
