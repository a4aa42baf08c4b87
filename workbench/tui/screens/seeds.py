"""The Seeds screen: fixtures with row counts and validation state, a paged preview of the
selected fixture with its invalid rows marked, the dry-run diff against a chosen database
(counts per table, then the changed rows with before -> after), and apply with confirmation
(the name typed back for protected databases) and a progress bar.

All database work runs in thread workers whose body is one call into `workbench.seed.run.seed`.
The preview never hands more than one page of rows to the DataTable, so a 100,000-row fixture
opens at once. Validation re-runs by itself: every reload of the model (a fixture or migration
saved) refreshes the static findings and repeats the last dry-run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, ProgressBar, Select, Static
from textual.worker import get_current_worker

from workbench.findings import Severity
from workbench.tui.generations import Generations
from workbench.tui.highlights import is_current
from workbench.tui.screens.base import WorkbenchScreen

if TYPE_CHECKING:
    from workbench.contracts.fixture_files import Fixture
    from workbench.findings import Finding
    from workbench.migrate.targets import Target
    from workbench.seed.result import SeedResult
    from workbench.tui.live import Snapshot

PAGE_SIZE = 100
CELL_WIDTH = 32


class SeedProgressed(Message):
    def __init__(self, table: str, fraction: float) -> None:
        super().__init__()
        self.table = table
        self.fraction = fraction


class SeedFinished(Message):
    """A dry-run or an apply finished (or was refused: `error`)."""

    def __init__(self, result: SeedResult | None, dry_run: bool, error: str = "", needs_name: bool = False,
                 generation: int = 0) -> None:
        super().__init__()
        self.result = result
        self.dry_run = dry_run
        self.error = error
        self.needs_name = needs_name
        self.generation = generation  # of the request: a result older than the one shown is dropped


def cell(value: Any) -> str:
    import json

    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("\n", "⏎")
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def render_diff(result: SeedResult) -> Text:
    """Counts per table, then each changed row with before -> after (what `--dry-run` prints)."""
    out = Text()
    verb = "would be" if result.dry_run else "were"
    if result.skipped:
        out.append("skipped: " + ", ".join(s.fixture for s in result.skipped) + " (table not in the database)\n",
                   style="dim")
    for f in result.findings[:30]:
        out.append(f"{f.location}: ", style="bold")
        out.append(f"{f.message} [{f.rule}]\n", style="red" if f.severity is Severity.ERROR else "yellow")
    for t in result.tables:
        out.append(f"{t.table:<20}", style="bold")
        out.append(f" +{t.inserted} inserted", style="green" if t.inserted else "dim")
        out.append(f"  ~{t.updated} updated", style="yellow" if t.updated else "dim")
        out.append(f"  ={t.unchanged} unchanged", style="dim")
        if t.deleted:
            out.append(f"  -{t.deleted} deleted", style="red")
        out.append("\n")
        for r in t.rows:
            key = ", ".join(f"{k}={v}" for k, v in r["key"].items())
            if r["change"] == "insert":
                out.append(f"  + {key}", style="green")
                out.append(f"  line {r['line']}\n", style="dim")
                continue
            out.append(f"  ~ {key}", style="yellow")
            out.append(f"  line {r['line']}\n", style="dim")
            for col, (before, after) in r["columns"].items():
                out.append(f"      {col}: ")
                out.append(cell(before), style="red strike")
                out.append(" → ")
                out.append(cell(after), style="bold green")
                out.append("\n")
        if t.rows_omitted:
            out.append(f"  … and {t.rows_omitted} more changed rows\n", style="dim")
    if not result.tables and not result.findings:
        out.append("no fixture has a table in this database\n", style="dim")
    total = sum(t.inserted + t.updated for t in result.tables)
    if not result.ok:
        out.append("invalid: nothing written\n", style="bold red")
    elif total == 0:
        out.append("nothing to do: the database already holds every fixture row\n", style="green")
    else:
        out.append(f"{total} rows {verb} written\n", style="bold")
    return out


class SeedsScreen(WorkbenchScreen):
    SCREEN_TITLE = "Seeds"
    HELP_TITLE = "Seeds"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "dry_run", "Dry-run", tooltip="Preview the seed on the selected database (changes nothing)",
                id="seeds.dry_run"),
        Binding("a", "apply", "Seed", tooltip="Seed the selected database: apply the fixtures (asks first)",
                id="seeds.apply"),
        Binding("n", "page(1)", "Next page", show=False, tooltip="Next page of the preview",
                id="seeds.preview_next"),
        Binding("b", "page(-1)", "Prev page", show=False, tooltip="Previous page of the preview",
                id="seeds.preview_prev"),
        Binding("e", "next_invalid", "Next invalid row", show=False,
                tooltip="Jump to the next invalid row of the fixture", id="seeds.next_invalid"),
        Binding("m", "cycle_mode", "Mode",
                tooltip="Seed mode: upsert, insert (fail on existing keys), replace (delete first)",
                id="seeds.mode"),
    ]
    MODES = ("upsert", "insert", "replace")

    def __init__(self) -> None:
        super().__init__()
        self.fixtures: list[Fixture] = []
        self.targets: list[Target] = []
        self.selected_rel = ""
        self.page = 0
        self.result: SeedResult | None = None
        self.running = False
        self.static_findings: dict[str, list[Finding]] = {}
        self.mode = "upsert"
        self.generations = Generations()

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="seeds-top"):
            yield DataTable(id="seeds-fixtures", cursor_type="row", zebra_stripes=True)
            with Vertical(id="seeds-preview-box"):
                yield Static("", id="seeds-preview-title", markup=False)
                yield DataTable(id="seeds-preview", cursor_type="row", zebra_stripes=True)
                yield Static("", id="seeds-row-finding", markup=False)
                yield Static("", id="seeds-pager", markup=False)
        with Vertical(id="seeds-bottom"):
            with Horizontal(id="seeds-controls"):
                yield Select([], id="seeds-db", prompt="database", allow_blank=True, compact=True)
                yield Static("mode upsert (m)", id="seeds-mode", markup=False)
                yield ProgressBar(id="seeds-progress", show_eta=False)
            with VerticalScroll(id="seeds-diff-box"):
                yield Static(Text("choose a database and press d for the dry-run diff", style="dim"),
                             id="seeds-diff")

    def on_mount(self) -> None:
        table = self.query_one("#seeds-fixtures", DataTable)
        for column in ("fixture", "rows", "state"):
            table.add_column(column, key=column)
        table.focus()

    # -- model in -------------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        from workbench.migrate.targets import resolve_targets
        from workbench.seed.order import order_tables  # noqa: F401 - warm the import off the hot path

        model = snapshot.model
        self.fixtures = sorted(model.fixtures, key=lambda f: f.rel)
        self.static_findings = {}
        for f in snapshot.findings:
            if f.file.startswith(model.config.fixtures_dir.rstrip("/") + "/"):
                self.static_findings.setdefault(f.file, []).append(f)
        try:
            targets = resolve_targets(snapshot.current.config)  # workbench.toml as on disk now, as `seed` reads it
        except Exception:  # noqa: BLE001 - a bad config is shown by the status bar's findings
            targets = []
        if [t.name for t in targets] != [t.name for t in self.targets]:
            self.targets = targets
            select = self.query_one("#seeds-db", Select)
            select.set_options([(self._target_label(t), i) for i, t in enumerate(targets)])
            if targets:
                select.value = 0
        self._render_fixtures()
        folders = tuple(d.rstrip("/") + "/" for d in (model.config.fixtures_dir, model.config.migrations_dir))
        relevant = not snapshot.changed or any(path.startswith(folders) for path in snapshot.changed)
        if self.result is not None and not self.running and relevant:
            self._start(dry_run=True)  # a fixture or migration changed: validate against the database again

    @staticmethod
    def _target_label(target: Target) -> str:
        flags = "".join(f for f, on in ((" ⚿", target.protected), (" ro", target.read_only)) if on)
        return f"{target.name}{flags}"

    def findings_for(self, rel: str) -> list[Finding]:
        live = [f for f in self.result.findings if f.file == rel] if self.result else []
        return self.static_findings.get(rel, []) + live

    def _render_fixtures(self) -> None:
        table = self.query_one("#seeds-fixtures", DataTable)
        row_before = table.cursor_row
        # A reload redraws the rows: the cursor's passing highlights are not the user's choice
        # (they would reset the preview to page 1).
        with table.prevent(DataTable.RowHighlighted):
            table.clear()
            for fx in self.fixtures:
                errors = [f for f in self.findings_for(fx.rel) if f.severity is Severity.ERROR]
                state = (Text(f"✗ {len(errors)} invalid", style="bold red") if errors
                         else Text("✓ valid", style="green"))
                name = fx.rel.rsplit("/", 1)[-1].removesuffix(".json")
                label = name if name == fx.table else f"{name} → {fx.table}"
                table.add_row(label, Text(f"{len(fx.rows):,}", justify="right"), state, key=fx.rel)
            if self.fixtures:
                index = next((i for i, f in enumerate(self.fixtures) if f.rel == self.selected_rel),
                             min(max(row_before, 0), len(self.fixtures) - 1))
                table.move_cursor(row=index, animate=False)
        if self.fixtures:
            self._show_preview(self.fixtures[index])

    # -- preview ----------------------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#seeds-fixtures")
    def _fixture_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not is_current(event):  # a reload's re-render, not the user: keep the page
            return
        rel = str(event.row_key.value) if event.row_key is not None else ""
        fixture = next((f for f in self.fixtures if f.rel == rel), None)
        if fixture is not None and fixture.rel != self.selected_rel:
            self.page = 0
            self._show_preview(fixture)

    def selected_fixture(self) -> Fixture | None:
        return next((f for f in self.fixtures if f.rel == self.selected_rel), None)

    def _bad_lines(self, fixture: Fixture) -> dict[int, list[Finding]]:
        out: dict[int, list[Finding]] = {}
        for f in self.findings_for(fixture.rel):
            if f.line:
                out.setdefault(f.line, []).append(f)
        return out

    def _show_preview(self, fixture: Fixture) -> None:
        self.selected_rel = fixture.rel
        pages = max(1, -(-len(fixture.rows) // PAGE_SIZE))
        self.page = min(max(self.page, 0), pages - 1)
        bad = self._bad_lines(fixture)
        columns: list[str] = []
        start = self.page * PAGE_SIZE
        window = fixture.rows[start:start + PAGE_SIZE]
        for row in window:
            for col in row:
                if col not in columns:
                    columns.append(col)
        table = self.query_one("#seeds-preview", DataTable)
        table.clear(columns=True)
        table.add_column("", key="_mark")
        table.add_column("line", key="_line")
        for col in columns:
            table.add_column(col, key=col)
        for offset, row in enumerate(window):
            line = fixture.row_lines[start + offset]
            mark = Text("✗", style="bold red") if line in bad else Text("")
            cells: list[str | Text] = [mark, Text(str(line), style="red" if line in bad else "dim")]
            cells += [cell(row[c]) if c in row else Text("·", style="dim") for c in columns]
            table.add_row(*cells, key=str(line))
        key = f" · key {', '.join(fixture.key)}" if fixture.key else ""
        invalid = len({ln for ln in bad if ln in set(fixture.row_lines)}) if bad else 0
        self.query_one("#seeds-preview-title", Static).update(
            f"{fixture.rel} → {fixture.table} · {len(fixture.rows):,} rows{key}" + (f" · {invalid} invalid" if invalid else ""))
        self.query_one("#seeds-pager", Static).update(
            f"page {self.page + 1}/{pages} (n/b)" + (" · e: next invalid row" if bad else ""))
        self._show_row_finding()

    def action_page(self, step: int) -> None:
        fixture = self.selected_fixture()
        if fixture is not None:
            self.page += step
            self._show_preview(fixture)

    def action_next_invalid(self) -> None:
        fixture = self.selected_fixture()
        if fixture is None:
            return
        bad = sorted(self._bad_lines(fixture))
        if not bad:
            self.notify("no invalid rows in this fixture", timeout=2)
            return
        table = self.query_one("#seeds-preview", DataTable)
        current = fixture.row_lines[self.page * PAGE_SIZE + table.cursor_row] if fixture.rows else 0
        target = next((ln for ln in bad if ln > current), bad[0])
        index = next((i for i, ln in enumerate(fixture.row_lines) if ln >= target), 0)
        self.page = index // PAGE_SIZE
        self._show_preview(fixture)
        table.move_cursor(row=index % PAGE_SIZE, animate=False)
        table.focus()

    @on(DataTable.RowHighlighted, "#seeds-preview")
    def _preview_row(self) -> None:
        self._show_row_finding()

    def _show_row_finding(self) -> None:
        fixture = self.selected_fixture()
        text = ""
        if fixture is not None and fixture.rows:
            table = self.query_one("#seeds-preview", DataTable)
            index = self.page * PAGE_SIZE + max(table.cursor_row, 0)
            if index < len(fixture.row_lines):
                found = self._bad_lines(fixture).get(fixture.row_lines[index], [])
                text = "\n".join(f"{f.location}: {f.message} [{f.rule}]" for f in found[:3])
            if fixture.rel in self.static_findings and not text:
                whole = [f for f in self.static_findings[fixture.rel] if not f.line]
                text = "\n".join(f"{f.file}: {f.message}" for f in whole[:2])
        self.query_one("#seeds-row-finding", Static).update(text)

    # -- dry-run and apply -------------------------------------------------------------------------
    def selected_target(self) -> Target | None:
        value = self.query_one("#seeds-db", Select).value
        if isinstance(value, int) and 0 <= value < len(self.targets):
            return self.targets[value]
        return None

    def action_cycle_mode(self) -> None:
        self.mode = self.MODES[(self.MODES.index(self.mode) + 1) % len(self.MODES)]
        self.query_one("#seeds-mode", Static).update(f"mode {self.mode} (m)")

    def action_dry_run(self) -> None:
        self._start(dry_run=True)

    def action_apply(self) -> None:
        target = self.selected_target()
        if target is None or self.running:
            self.notify("choose a database first" if target is None else "a seed is running", timeout=2)
            return
        if target.read_only:
            self.notify(f"{target.name} is read-only: seeding is refused", severity="warning", timeout=3)
            return
        self._confirm(target, target.protected)

    def _confirm(self, target: Target, protected: bool) -> None:
        from workbench.tui.widgets.confirm_run import ConfirmRun

        def answered(typed: str | None) -> None:
            if typed is not None:
                self._start(dry_run=False, typed=typed if protected else None)

        what = {"upsert": "insert missing and update changed rows",
                "insert": "insert the rows (fails on existing keys)",
                "replace": "DELETE the seeded tables' rows, then insert the fixtures"}[self.mode]
        question = f"Seed every fixture into {target.name}: {what}?"
        self.app.push_screen(ConfirmRun(question, target.name, protected), answered)

    def _start(self, *, dry_run: bool, typed: str | None = None) -> None:
        snapshot = self.snapshot
        target = self.selected_target()
        if snapshot is None or target is None:
            self.notify("the model is still loading" if snapshot is None else "choose a database first", timeout=2)
            return
        self.running = True
        bar = self.query_one("#seeds-progress", ProgressBar)
        bar.update(total=100, progress=0)
        bar.add_class("-running")
        self.run_seed(self.workbench.root, target, dry_run, typed, self.mode, self.generations.start("seed"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="seeds", description="seeding")
    def run_seed(self, root: Any, target: Target, dry_run: bool, typed: str | None, mode: str = "upsert",
                 generation: int = 0) -> None:
        # `seed` reads the fixtures and migrations from disk itself, as `workbench seed` does
        from workbench.errors import first_line
        from workbench.migrate.guard import Refused
        from workbench.seed.events import SeedEvent, TableProgress
        from workbench.seed.run import Options, seed

        worker = get_current_worker()

        def on_event(event: SeedEvent) -> None:
            if worker.is_cancelled:
                return
            if isinstance(event, TableProgress):
                self.post_message(SeedProgressed(event.table, event.fraction))
            else:
                self.app.call_from_thread(self.notify, event.text(), timeout=4, markup=False)

        # The typed name came from the dialog; "yes" only confirms what needs no name.
        ask = (lambda _prompt: typed) if typed is not None else (lambda _prompt: "yes")  # noqa: E731
        try:
            result = seed(root, target, None, Options(mode=mode, dry_run=dry_run, yes=not dry_run, row_limit=200),
                          ask=ask, on_event=on_event)
        except Refused as exc:
            finished = SeedFinished(None, dry_run, str(exc), needs_name="protected" in str(exc), generation=generation)
        except Exception as exc:  # noqa: BLE001 - shown in the diff pane, never a traceback
            finished = SeedFinished(None, dry_run, first_line(exc), generation=generation)
        else:
            finished = SeedFinished(result, dry_run, generation=generation)
        if not worker.is_cancelled:
            self.post_message(finished)

    @on(SeedProgressed)
    def _progressed(self, message: SeedProgressed) -> None:
        self.query_one("#seeds-progress", ProgressBar).update(progress=message.fraction * 100)

    @on(SeedFinished)
    def _finished(self, message: SeedFinished) -> None:
        if message.generation != self.generations.latest("seed") or \
                not self.generations.accept("seed", message.generation):
            return  # superseded by a newer run (which will finish and report)
        self.running = False
        self.query_one("#seeds-progress", ProgressBar).remove_class("-running")
        diff = self.query_one("#seeds-diff", Static)
        if message.result is None:
            diff.update(Text(message.error, style="bold red"))
            target = self.selected_target()
            if message.needs_name and target is not None and not message.dry_run:
                self._confirm(target, True)  # protected by the mark inside the database
            return
        self.result = message.result
        head = Text(f"{'dry-run on' if message.dry_run else 'seeded'} {message.result.database}"
                    f" in {message.result.seconds:.2f} s\n", style="bold")
        diff.update(head + render_diff(message.result))
        if not message.dry_run and message.result.written:
            self.notify(f"seeded {message.result.database}", timeout=3)
        self._render_fixtures()
