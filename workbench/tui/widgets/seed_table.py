"""The Seeds tab: a fixture's rows in a paged, sortable, searchable table.

Only one page is ever in the DataTable; searching and sorting 100,000 rows runs in a thread
worker over the rows this widget was given (pure computation, no I/O)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from workbench.tui.messages import SourceRequested
from workbench.tui.seedrows import PAGE_SIZE, cell_text, page_count, view_indices

if TYPE_CHECKING:
    from workbench.contracts.fixture_files import Fixture


COLUMN_SAMPLE = 1000


def _sample_columns(fixture: Fixture) -> list[str]:
    """Keys used by the first rows: walking 100,000 rows on the UI thread costs a quarter second, and
    a key only later rows use is already a FIXTURE_UNKNOWN_COLUMN finding."""
    seen: dict[str, None] = {}
    for row in fixture.rows[:COLUMN_SAMPLE]:
        seen.update(dict.fromkeys(row))
    return list(seen)


class SeedTable(Vertical):
    HELP_TITLE = "Seeds tab"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "search", "Search", show=False, tooltip="Search the rows (any value)",
                id="seeds.search"),
        Binding("n", "page(1)", "Next page", show=False, tooltip="Next page of rows", id="seeds.next_page"),
        Binding("b", "page(-1)", "Prev page", show=False, tooltip="Previous page of rows", id="seeds.prev_page"),
        Binding("r", "sort", "Sort", show=False, tooltip="Sort by the cursor's column (again: reverse)",
                id="seeds.sort"),
    ]

    class ViewComputed(Message):
        def __init__(self, fixture: Fixture, indices: list[int], query: str, column: str, reverse: bool) -> None:
            super().__init__()
            self.fixture = fixture
            self.indices = indices
            self.query = query
            self.column = column
            self.reverse = reverse

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fixture: Fixture | None = None
        self.indices: list[int] = []
        self.page = 0
        self.query_text = ""
        self.sort_column = ""
        self.reverse = False
        self.columns: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", classes="view-title", markup=False)
        yield DataTable(cursor_type="cell", zebra_stripes=True, classes="seed-rows")
        yield Input(placeholder="search rows (ctrl+f) …", compact=True, classes="seed-search")
        yield Static("", classes="seed-pager", markup=False)

    def show_fixture(self, fixture: Fixture | None, table: str, columns: list[str]) -> None:
        """Show `fixture`'s rows; keeps page, search and sort when it is the same table reloaded."""
        title = self.query_one(".view-title", Static)
        same = self.fixture is not None and fixture is not None and self.fixture.rel == fixture.rel
        if fixture is None:
            self.fixture = None
            title.update(f"no fixture seeds {table}  (add seeders/{table}.json)")
            self.query_one(DataTable).clear(columns=True)
            self.query_one(".seed-pager", Static).update("")
            return
        if not same:
            self.page, self.query_text, self.sort_column, self.reverse = 0, "", "", False
            self.query_one(Input).value = ""
        self.fixture = fixture
        # Schema columns first (their order), then any extra keys the rows use.
        used = _sample_columns(fixture)
        extra = [c for c in used if c not in columns]
        self.columns = [c for c in columns if c in used or not fixture.rows] + extra
        key = f" · key {', '.join(fixture.key)}" if fixture.key else ""
        title.update(f"{fixture.rel} · {len(fixture.rows):,} rows{key}")
        if self.query_text or self.sort_column:
            self.recompute()
        else:
            self.indices = list(range(len(fixture.rows)))
            self._render_page(keep_cursor=same)

    # -- searching and sorting (off the UI thread for big fixtures) -------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="seed-view", description="sorting rows")
    def recompute(self) -> None:
        fixture = self.fixture
        if fixture is None:
            return
        query, column, reverse = self.query_text, self.sort_column, self.reverse
        indices = view_indices(fixture.rows, query, column, reverse)
        if not get_current_worker().is_cancelled:
            self.post_message(self.ViewComputed(fixture, indices, query, column, reverse))

    @on(ViewComputed)
    def _view_computed(self, message: ViewComputed) -> None:
        if message.fixture is not self.fixture:
            return
        self.indices = message.indices
        self.page = min(self.page, page_count(len(self.indices)) - 1)
        self._render_page(keep_cursor=True)

    @on(Input.Changed, ".seed-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.page = 0
        self.recompute()

    @on(Input.Submitted, ".seed-search")
    def _search_submitted(self) -> None:
        self.query_one(DataTable).focus()

    def on_key(self, event: events.Key) -> None:
        # escape in the search box: back to the rows (the search stays applied)
        if event.key == "escape" and isinstance(self.screen.focused, Input):
            event.stop()
            self.query_one(DataTable).focus()

    def action_search(self) -> None:
        self.query_one(Input).focus()

    def action_page(self, step: int) -> None:
        pages = page_count(len(self.indices))
        new = max(0, min(pages - 1, self.page + step))
        if new != self.page:
            self.page = new
            self._render_page(keep_cursor=False)

    def action_sort(self) -> None:
        table = self.query_one(DataTable)
        if not self.columns:
            return
        column = self.columns[min(table.cursor_column, len(self.columns) - 1)]
        self.sort_by(column)

    def sort_by(self, column: str) -> None:
        self.reverse = (not self.reverse) if column == self.sort_column else False
        self.sort_column = column
        self.recompute()

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(str(event.column_key.value))

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        if self.fixture is None or event.cell_key.row_key.value is None:
            return
        index = int(event.cell_key.row_key.value)
        line = self.fixture.row_lines[index] if index < len(self.fixture.row_lines) else 1
        self.post_message(SourceRequested(self.fixture.rel, line, title=f"row {index + 1} of {self.fixture.table}"))

    def current_row_line(self) -> tuple[str, int] | None:
        """(file, line) of the row under the cursor, for `o`pen from the screen."""
        table = self.query_one(DataTable)
        if self.fixture is None or not table.row_count:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        index = int(row_key.value or 0)
        return self.fixture.rel, self.fixture.row_lines[index]

    def focus_column(self, column: str) -> None:
        if column in self.columns:
            table = self.query_one(DataTable)
            table.move_cursor(column=self.columns.index(column))

    # -- rendering one page -------------------------------------------------------------------
    def _render_page(self, *, keep_cursor: bool) -> None:
        fixture = self.fixture
        table = self.query_one(DataTable)
        cursor = table.cursor_coordinate
        scroll = (table.scroll_x, table.scroll_y)
        table.clear(columns=True)
        if fixture is None:
            return
        for name in self.columns:
            arrow = (" ▼" if self.reverse else " ▲") if name == self.sort_column else ""
            table.add_column(name + arrow, key=name)
        start = self.page * PAGE_SIZE
        rows = fixture.rows
        for index in self.indices[start:start + PAGE_SIZE]:
            row = rows[index]
            table.add_row(*(cell_text(row.get(c)) for c in self.columns), key=str(index))
        if keep_cursor and table.row_count:
            table.move_cursor(row=min(cursor.row, table.row_count - 1),
                              column=min(cursor.column, len(self.columns) - 1), animate=False)
            table.scroll_to(*scroll, animate=False)
        total = len(self.indices)
        shown = f"rows {start + 1:,}–{min(start + PAGE_SIZE, total):,} of {total:,}" if total else "no rows"
        filtered = f" matching “{self.query_text}”" if self.query_text else ""
        pages = page_count(total)
        self.query_one(".seed-pager", Static).update(
            f"{shown}{filtered} · page {self.page + 1}/{pages} · n/b page · r sort · enter opens the row")
