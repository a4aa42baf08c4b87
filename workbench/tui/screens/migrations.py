"""The Migrations screen: a grid of migrations x databases with coloured states and a legend,
details of the selected cell (SQL, checksum diff, error, timing), up / roll back on the selected
database with confirmation (the name typed back for protected ones), progress and a live log,
refresh and auto-refresh, and the lint and drift findings of the selected database.

All database work runs in thread workers whose body is one call into `workbench.migrate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Log, ProgressBar, Static
from textual.worker import get_current_worker

from workbench.findings import Severity
from workbench.migrate.events import MigrationDone
from workbench.migrate.status import RUNNABLE, State
from workbench.tui.generations import Generations
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.confirm_run import ConfirmRun

if TYPE_CHECKING:
    from workbench.findings import Finding
    from workbench.migrate.events import MigrateEvent
    from workbench.migrate.runner import RunResult
    from workbench.migrate.status import DatabaseStatus, MigrationStatus
    from workbench.migrate.targets import Target
    from workbench.migrations import Migration
    from workbench.tui.live import Snapshot

AUTO_REFRESH_SECONDS = 15.0

# state -> (cell text, style); the legend shows them in this order.
STATES: dict[State, tuple[str, str]] = {
    State.APPLIED: ("✓ applied", "green"),
    State.PENDING: ("· pending", "yellow"),
    State.OUT_OF_ORDER: ("↯ out of order", "bold yellow"),
    State.CHECKSUM_MISMATCH: ("≠ edited", "bold red"),
    State.FAILED: ("✗ failed", "bold red"),
    State.PARTIAL: ("◐ partial", "bold red"),
    State.PARTIALLY_ROLLED_BACK: ("◑ half rolled back", "bold red"),
    State.MISSING: ("? missing", "red"),
    State.FUTURE: ("» future", "magenta"),
    State.BASELINE: ("⊢ baseline", "cyan"),
    State.BELOW_BASELINE: ("⊥ below", "dim cyan"),
}


def state_label(state: State) -> tuple[str, str]:
    """(cell text, style) of a state; a state added to the runner shows by its name until it has one."""
    return STATES.get(state) or (state.value, "bold")


class MigrationStatusRead(Message):
    """A status worker finished: every database's status, from the migration files it read."""

    def __init__(self, statuses: list[DatabaseStatus], files: list[Migration], generation: int) -> None:
        super().__init__()
        self.statuses = statuses
        self.files = files
        self.generation = generation  # of the request: an older result than the one shown is dropped


class MigrationStepped(Message):
    """The running up / down reported a step (a typed event from workbench.migrate.events)."""

    def __init__(self, event: MigrateEvent) -> None:
        super().__init__()
        self.event = event


class MigrationRunFinished(Message):
    """An up / down worker finished on one database."""

    def __init__(self, result: RunResult) -> None:
        super().__init__()
        self.result = result


class DriftRead(Message):
    def __init__(self, database: str, findings: list[Finding], error: str | None) -> None:
        super().__init__()
        self.database = database
        self.findings = findings
        self.error = error


class MigrationsScreen(WorkbenchScreen):
    SCREEN_TITLE = "Migrations"
    HELP_TITLE = "Migrations"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "apply", "Apply", tooltip="Apply pending migrations to the selected database (asks first)",
                id="migrations.apply"),
        Binding("r", "refresh", "Refresh", tooltip="Read every database's status again", id="migrations.refresh"),
        Binding("b", "rollback", "Roll back", show=False,
                tooltip="Roll back the newest migration of the selected database (asks first)",
                id="migrations.rollback"),
        Binding("d", "drift", "Drift", show=False,
                tooltip="Compare the selected database's live schema with its applied migrations",
                id="migrations.drift"),
        Binding("A", "toggle_auto", "Auto-refresh", show=False,
                tooltip=f"Toggle refreshing every {AUTO_REFRESH_SECONDS:g} s", id="migrations.auto_refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[DatabaseStatus] = []
        self.files: list[Migration] = []  # as on disk when the shown status was read
        self.generations = Generations()
        self.versions: list[str] = []
        self.drift: dict[str, tuple[list[Finding], str | None]] = {}
        self.running = False
        self.auto_refresh = True
        self._auto_timer: Any = None
        self._cell = (0, 1)

    def compose_body(self) -> ComposeResult:
        with Vertical(id="migrations-body"):
            yield DataTable(id="migrations-grid", cursor_type="cell", zebra_stripes=True)
            yield Static(self._legend(), id="migrations-legend")
            with Horizontal(id="migrations-lower"):
                with VerticalScroll(id="migrations-detail"):
                    yield Static("", id="migrations-cell")
                with Vertical(id="migrations-side"):
                    yield ProgressBar(id="migrations-progress", show_eta=False)
                    yield Log(id="migrations-log", max_lines=500)

    def on_mount(self) -> None:
        grid = self.query_one(DataTable)
        grid.loading = True
        grid.focus()
        self._auto_timer = self.set_interval(AUTO_REFRESH_SECONDS, self._auto, pause=False)

    # -- model and status in ----------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.refresh_status()

    def _auto(self) -> None:
        if self.auto_refresh and not self.running and self.is_current and self.snapshot is not None:
            self.refresh_status()

    def action_refresh(self) -> None:
        if self.snapshot is None:
            self.notify("the model is still loading", timeout=2)
            return
        self.refresh_status()

    def action_toggle_auto(self) -> None:
        self.auto_refresh = not self.auto_refresh
        self.notify(f"auto-refresh {'on' if self.auto_refresh else 'off'}", timeout=2)

    def refresh_status(self) -> None:
        if self.snapshot is None:
            return
        self.read_status(self.workbench.root, self.generations.start("status"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="migrations-status",
          description="reading migration status")
    def read_status(self, root: Path, generation: int) -> None:
        from workbench.migrate.status import status_all
        from workbench.migrate.targets import resolve_targets
        from workbench.workspace import migration_files

        # The files as on disk now, as `migrate status` reads them: never the browser's last good
        # load (an applied migration edited into SQL that does not parse is still an edit).
        config, files, _ = migration_files(root)
        statuses = status_all(root, resolve_targets(config), files, timeout=config.connect_timeout)
        if not get_current_worker().is_cancelled:
            self.post_message(MigrationStatusRead(statuses, files, generation))

    @on(MigrationStatusRead)
    def _status_read(self, message: MigrationStatusRead) -> None:
        if not self.generations.accept("status", message.generation):
            return
        self.statuses = message.statuses
        self.files = message.files
        self._render_grid()

    def _render_grid(self) -> None:
        grid = self.query_one(DataTable)
        grid.loading = False
        cursor = grid.cursor_coordinate
        versions: dict[str, str] = {}
        for st in self.statuses:
            for m in st.migrations:
                versions.setdefault(m.version, m.name)
        for mg in self.files:
            versions.setdefault(mg.version, mg.name)
        self.versions = sorted(versions, key=int)
        grid.clear(columns=True)
        grid.add_column("migration", key="migration")
        for st in self.statuses:
            flags = "".join(f for f, on in ((" ⚿", st.protected), (" ro", st.read_only)) if on)
            grid.add_column(Text(f"{st.name}{flags}", style="bold" if st.reachable else "dim"), key=st.name)
        for version in self.versions:
            cells: list[Any] = [Text(f"{version} {versions[version]}")]
            for st in self.statuses:
                cells.append(self._cell_text(st, version))
            grid.add_row(*cells, key=version)
        if self.statuses and self.versions:
            row = min(cursor.row, len(self.versions) - 1)
            column = min(max(cursor.column, 1), len(self.statuses))
            grid.move_cursor(row=row, column=column, animate=False)
        self._show_cell()

    def _cell_text(self, st: DatabaseStatus, version: str) -> Text:
        if not st.reachable:
            return Text("— unreachable", style="dim red")
        m = next((m for m in st.migrations if m.version == version), None)
        if m is None:
            return Text("", style="dim")  # not owned by this database
        label, style = state_label(m.state)
        return Text(label, style=style)

    @staticmethod
    def _legend() -> Text:
        parts: list[tuple[str, str] | str] = []
        for label, style in STATES.values():
            parts += [(label, style), "  "]
        parts.append(("⚿ protected  ro read-only", "dim"))
        return Text.assemble(*parts)

    # -- the selected cell ------------------------------------------------------------------------
    @on(DataTable.CellHighlighted)
    def _cell_highlighted(self) -> None:
        self._show_cell()

    def selected(self) -> tuple[DatabaseStatus | None, str | None]:
        grid = self.query_one(DataTable)
        if not self.statuses or not self.versions:
            return None, None
        coord = grid.cursor_coordinate
        column = max(coord.column, 1) - 1
        st = self.statuses[min(column, len(self.statuses) - 1)]
        version = self.versions[min(coord.row, len(self.versions) - 1)]
        return st, version

    def _show_cell(self) -> None:
        st, version = self.selected()
        self.query_one("#migrations-cell", Static).update(self._details(st, version))

    def _details(self, st: DatabaseStatus | None, version: str | None) -> Text:
        if st is None or version is None:
            return Text("reading every database's status…" if not self.statuses else "no migrations", style="dim")
        out = Text()
        out.append(f"{st.name}", style="bold")
        out.append(f"  {st.url}\n", style="dim")
        if not st.reachable:
            out.append(f"unreachable: {st.error}\n", style="red")
            return out
        if st.lock_holder:
            out.append(f"a runner is at work: {st.lock_holder.describe()}\n", style="yellow")
        m = next((m for m in st.migrations if m.version == version), None)
        if m is None:
            out.append(f"{version} is not one of {st.name}'s migrations (workbench.toml `migrations`)\n", style="dim")
        else:
            self._describe_migration(out, m)
        self._describe_findings(out, st)
        return out

    def _describe_migration(self, out: Text, m: MigrationStatus) -> None:
        label, style = state_label(m.state)
        out.append(f"{m.version} {m.name}  ", style="bold")
        out.append(f"{label}\n", style=style)
        row = m.row
        if row is not None and row.applied_at is not None:
            ms = f" in {row.execution_ms} ms" if row.execution_ms is not None else ""
            out.append(f"{'applied' if row.success else 'tried'} {row.applied_at:%Y-%m-%d %H:%M:%S}{ms} "
                       f"by {row.applied_by}\n", style="dim")
        if row is not None and row.rollback is not None:
            out.append(f"its down part stopped after {row.rollback.statements_done} statement(s): "
                       "`b` (roll back) resumes it\n")
            if row.rollback.error:
                out.append(f"error: {row.rollback.error}\n", style="red")
            if row.rollback.failed_statement:
                out.append(f"statement: {' '.join(row.rollback.failed_statement.split())[:200]}\n", style="red")
        elif row is not None and not row.success:
            out.append(f"{row.statements_done} statement(s) done\n")
            if row.error:
                out.append(f"error: {row.error}\n", style="red")
            if row.failed_statement:
                out.append(f"statement: {' '.join(row.failed_statement.split())[:200]}\n", style="red")
        diff = m.diff()
        if diff:
            out.append("checksum mismatch, edited after it was applied:\n", style="bold red")
            for line in diff.splitlines():
                out.append(line + "\n", style="green" if line.startswith("+") else
                           "red" if line.startswith("-") else "dim")
        if m.migration is not None:
            mg = m.migration
            out.append(f"{mg.rel}{'' if mg.transactional else '  (no transaction)'}  sha256 {mg.checksum[:12]}\n",
                       style="dim")
            if m.state in (State.PENDING, State.OUT_OF_ORDER):
                # What `up` would do: statements, transaction boundaries and the lock each takes.
                from workbench.migrate.plan import build_plan

                config = self.snapshot.model.config if self.snapshot else None
                for line in build_plan([mg])[0].lines(config.lock_timeout if config else "5s")[1:]:
                    out.append(line + "\n", style="yellow" if "<-" in line or line.lstrip().startswith("!") else "")
            else:
                out.append(mg.up.strip() + "\n")

    def _describe_findings(self, out: Text, st: DatabaseStatus) -> None:
        snapshot = self.snapshot
        if snapshot is not None:
            owned = {m.migration.rel for m in st.migrations if m.migration is not None}
            # every finding on this database's files: squawk's rule names, workbench-*, MIGRATION_* alike
            lint = [f for f in snapshot.findings if f.file in owned]
            if lint:
                out.append(f"\nlint ({len(lint)})\n", style="bold")
                for f in lint:
                    out.append(f"{f.location} ", style="bold")
                    out.append(f"{f.message} [{f.rule}]\n", style="red" if f.severity is Severity.ERROR else "yellow")
        drift = self.drift.get(st.name)
        if drift is not None:
            findings, error = drift
            out.append("\ndrift\n", style="bold")
            if error:
                out.append(f"{error}\n", style="red")
            elif not findings:
                out.append("none: the live schema matches the applied migrations\n", style="green")
            for f in findings:
                out.append(f"{f.message}\n", style="red")

    # -- up / roll back -----------------------------------------------------------------------------
    def action_apply(self) -> None:
        self._ask("up")

    def action_rollback(self) -> None:
        self._ask("down")

    def _ask(self, action: str) -> None:
        st, _ = self.selected()
        if st is None or self.snapshot is None:
            self.notify("no database selected yet", timeout=2)
            return
        if self.running:
            self.notify("a run is in progress", timeout=2)
            return
        if st.read_only:  # config, another name of the same database, or the mark inside it
            self.notify(f"{st.name} is read-only: status only", severity="warning", timeout=4)
            return
        if action == "up":
            count = sum(1 for m in st.migrations if m.state in RUNNABLE)
            question = f"Apply {count} pending migration(s) to {st.name}?"
        else:
            question = f"Roll back the newest migration of {st.name}? Its down part may drop data."
        from workbench.migrate.targets import database_name

        name = st.name if st.target.configured else database_name(st.target.url)

        def confirmed(typed: str | None) -> None:
            if typed is not None:
                self._start_run(st, action, typed)

        self.app.push_screen(ConfirmRun(question, name, st.protected), confirmed)

    def _start_run(self, st: DatabaseStatus, action: str, typed: str) -> None:
        assert self.snapshot is not None
        self.running = True
        total = sum(1 for m in st.migrations if m.state in RUNNABLE)
        progress = self.query_one(ProgressBar)
        progress.update(total=max(total, 1) if action == "up" else 1, progress=0)
        progress.add_class("-running")
        self.query_one(Log).write_line(f"— {action} on {st.name}")
        self.run_migrations(self.workbench.root, st.target, action, typed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="migrations-run", description="running migrations")
    def run_migrations(self, root: Path, target: Target, action: str, typed: str) -> None:
        from workbench.migrate.runner import Options, execute
        from workbench.workspace import runnable_migration_files

        try:
            config, files = runnable_migration_files(root)  # from disk now; refuses broken files like the CLI
        except Exception:
            self.app.call_from_thread(self._run_aborted)
            raise
        options = Options(lock_timeout=config.lock_timeout, connect_timeout=config.connect_timeout,
                          yes=True, confirm=typed)

        def on_event(event: MigrateEvent) -> None:
            self.post_message(MigrationStepped(event))  # thread-safe

        try:
            result = execute(root, target, files, action, options=options, on_event=on_event, steps=1)
        except Exception:
            self.app.call_from_thread(self._run_aborted)
            raise  # the app's report_error shows it
        self.post_message(MigrationRunFinished(result))

    def _run_aborted(self) -> None:
        self.running = False
        self.query_one(ProgressBar).remove_class("-running")

    @on(MigrationStepped)
    def _stepped(self, message: MigrationStepped) -> None:
        event = message.event
        self.query_one(Log).write_line(event.text())
        if isinstance(event, MigrationDone):  # one migration applied or rolled back
            self.query_one(ProgressBar).advance(1)

    @on(MigrationRunFinished)
    def _run_finished(self, message: MigrationRunFinished) -> None:
        self.running = False
        result = message.result
        self.query_one(ProgressBar).remove_class("-running")
        log = self.query_one(Log)
        if result.failure:
            f = result.failure
            log.write_line(f"{f.location}: {f.message}")
            self.notify(f"{f.location}: {f.message}", title=f"{result.database}: {f.version} failed",
                        severity="error", timeout=10, markup=False)
        elif result.error:
            log.write_line(f"{result.database}: {result.error}")
            self.notify(result.error, title=result.database, severity="error", timeout=10, markup=False)
        else:
            done = result.applied or result.reverted
            summary = ", ".join(s.version for s in done) or result.note or "ok"
            log.write_line(f"{result.database}: done ({summary})")
            self.notify(f"{result.database}: {summary}", timeout=4, markup=False)
        self.refresh_status()

    # -- drift ---------------------------------------------------------------------------------
    def action_drift(self) -> None:
        st, _ = self.selected()
        if st is None or self.snapshot is None:
            return
        self.query_one(Log).write_line(f"— drift of {st.name} (scratch database on the embedded server)")
        self.read_drift(self.workbench.root, st.target)

    @work(thread=True, exclusive=True, exit_on_error=False, group="migrations-drift", description="comparing schemas")
    def read_drift(self, root: Path, target: Target) -> None:
        from workbench.migrate.drift import drift_report
        from workbench.workspace import migration_files

        config, files, _ = migration_files(root)
        report = drift_report(root, target, files, timeout=config.connect_timeout)
        if not get_current_worker().is_cancelled:
            self.post_message(DriftRead(report.name, report.findings, report.error))

    @on(DriftRead)
    def _drift_read(self, message: DriftRead) -> None:
        self.drift[message.database] = (message.findings, message.error)
        self.query_one(Log).write_line(
            f"{message.database}: drift {message.error or f'{len(message.findings)} finding(s)'}")
        self._show_cell()
