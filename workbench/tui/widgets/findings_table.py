"""The Findings tab: `workbench check` findings touching the entity (or all of them); enter
opens the file at the finding's place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from workbench.tui.messages import SourceRequested

if TYPE_CHECKING:
    from workbench.findings import Finding

MAX_ROWS = 2000  # DataTable measures every cell: more rows would freeze the UI (the count is still shown)
_SEVERITY = {"error": ("✗ error", "bold red"), "warning": ("! warning", "yellow"), "info": ("i info", "blue")}


class FindingsTable(Vertical):
    HELP_TITLE = "Findings tab"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_all = False
        self.findings: list[Finding] = []
        self._last: tuple[str, Sequence[Finding], Sequence[Finding]] = ("", (), ())

    def compose(self) -> ComposeResult:
        yield Static("", classes="view-title", markup=False)
        yield DataTable(cursor_type="row", zebra_stripes=True, classes="findings-rows")
        yield Static("", classes="findings-detail")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("severity", key="severity")
        table.add_column("rule", key="rule")
        table.add_column("place", key="place")
        table.add_column("message", key="message")

    def show_findings(self, entity: str, entity_findings: Sequence[Finding], all_findings: Sequence[Finding]) -> None:
        self._last = (entity, entity_findings, all_findings)
        every = all_findings if self.show_all else entity_findings
        total = len(every)
        findings = list(every[:MAX_ROWS])
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        same = findings == self.findings
        self.findings = findings
        scope = "findings in the repository" if self.show_all else f"findings touching {entity}"
        shown = f" (first {MAX_ROWS})" if total > MAX_ROWS else ""
        self.query_one(".view-title", Static).update(
            f"{total} {scope}{shown}  ·  enter opens the place · a: {'this entity' if self.show_all else 'all'}")
        if same and table.row_count == len(findings):
            self._show_detail()
            return
        table.clear()
        for i, f in enumerate(findings):
            label, style = _SEVERITY.get(str(f.severity), (str(f.severity), ""))
            message = f.message if len(f.message) <= 90 else f.message[:89] + "…"
            table.add_row(Text(label, style=style), f.rule, f.location or "—", Text(message), key=str(i))
        if findings:
            table.move_cursor(row=min(cursor, len(findings) - 1), animate=False)
        self._show_detail()

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.findings = []
        self.show_findings(*self._last)

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        table = self.query_one(DataTable)
        detail = self.query_one(".findings-detail", Static)
        if not self.findings or table.cursor_row >= len(self.findings):
            detail.update(Text("No findings here. ✓" if not self.findings else "", style="green"))
            return
        finding = self.findings[table.cursor_row]
        detail.update(Text.assemble((finding.location or "", "bold"), " ", (f"[{finding.rule}] ", "dim"),
                                    finding.message))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_current()

    def open_current(self) -> bool:
        table = self.query_one(DataTable)
        if not self.findings or table.cursor_row >= len(self.findings):
            return False
        f = self.findings[table.cursor_row]
        if not f.file:
            self.app.notify(f.message, title=f.rule, markup=False)
            return True
        self.post_message(SourceRequested(f.file, f.line, f.column, f"[{f.rule}] {f.message}"))
        return True
