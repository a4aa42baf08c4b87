"""The Migrations screen: the fleet of databases as rows (problems first, a summary line, a
filter; rows appear as the databases answer), the migrations of the selected database with
coloured states, details of the selected migration (SQL, checksum diff, error, timing), up /
roll back on the selected database and "apply to all" (concurrent, bounded: the same core path
as `migrate up --jobs`), each with a confirmation that names the migrations and the database,
progress and a live log, refresh and auto-refresh, and the lint and drift findings.

On call (issue 19): a database whose workbench lock is held shows its runner at work (`▶ running
002`, or `⏸ stuck 002` once it has waited on another session's lock past the threshold), and its
details show what `migrate status` prints (the statement, its elapsed time, the awaited lock, the
blockers and the sessions queued behind). While any runner is at work, those databases alone are
read again every LIVE_SECONDS; results carry a generation so a slow, older read never overwrites
a newer one.

All database work runs in thread workers whose body is one call into `workbench.migrate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Input, Log, ProgressBar, Static
from textual.worker import get_current_worker

from workbench.findings import Severity
from workbench.migrate.events import MigrationDone
from workbench.migrate.status import RUNNABLE, State
from workbench.tui.generations import Generations
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.confirm_run import ConfirmRun, Prompt
from workbench.tui.widgets.fleet_table import STATE_WIDTH, FleetTable, ordered, summary
from workbench.tui.widgets.sized_scroll import SizedScroll

if TYPE_CHECKING:
    from workbench.findings import Finding
    from workbench.migrate.events import MigrateEvent
    from workbench.migrate.runner import RunResult
    from workbench.migrate.status import DatabaseStatus, MigrationStatus
    from workbench.migrate.targets import Target
    from workbench.tui.live import Snapshot

AUTO_REFRESH_SECONDS = 15.0
LIVE_SECONDS = 1.0  # while a runner is at work on a database, its status is read this often
RENDER_EVERY = 0.1  # seconds: the summary follows 200 answers in batches, not one by one
SORT_WHILE_LOADING = 50  # up to this many databases, rows re-sort as answers arrive

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


class DatabaseStatusRead(Message):
    """One database answered (rows appear as answers arrive); `generation`: the read it belongs to."""

    def __init__(self, status: DatabaseStatus, generation: int = 0) -> None:
        super().__init__()
        self.status = status
        self.generation = generation


class MigrationStatusRead(Message):
    """A status worker finished: every database's status it read (those that never answered
    included); `live`: the per-second read of the databases with a runner at work."""

    def __init__(self, statuses: list[DatabaseStatus], generation: int = 0, live: bool = False) -> None:
        super().__init__()
        self.statuses = statuses
        self.generation = generation
        self.live = live


class MigrationStepped(Message):
    """The running up / down reported a step (a typed event from workbench.migrate.events)."""

    def __init__(self, event: MigrateEvent, many: bool) -> None:
        super().__init__()
        self.event = event
        self.many = many  # several databases at once: the bar counts databases, not migrations


class MigrationRunFinished(Message):
    """An up / down finished on one database (`last`: the run is over)."""

    def __init__(self, result: RunResult | None, last: bool = True) -> None:
        super().__init__()
        self.result = result
        self.last = last


class DriftRead(Message):
    def __init__(self, database: str, findings: list[Finding], error: str | None) -> None:
        super().__init__()
        self.database = database
        self.findings = findings
        self.error = error


class MigrationsScreen(WorkbenchScreen):
    SCREEN_TITLE = "Migrations"
    HELP_TITLE = "Migrations"
    AUTO_FOCUS = "#migrations-fleet"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "apply", "Apply", tooltip="Apply pending migrations to the selected database (asks first)",
                id="migrations.apply"),
        Binding("b", "rollback", "Roll back",
                tooltip="Roll back the newest migration of the selected database (asks first)",
                id="migrations.rollback"),
        Binding("A", "apply_all", "Apply all", key_display="A",
                tooltip="Apply pending migrations to every database, a few at once (asks first)",
                id="migrations.apply_all"),
        Binding("f", "filter", "Filter",
                tooltip="Filter the databases: by name, by state (pending, unreachable…) or 'problems'",
                id="migrations.filter"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Read every database's status again",
                id="migrations.refresh"),
        Binding("d", "drift", "Drift", show=False,
                tooltip="Compare the selected database's live schema with its applied migrations",
                id="migrations.drift"),
        Binding("R", "toggle_auto", "Auto-refresh", show=False, key_display="R",
                tooltip=f"Toggle refreshing every {AUTO_REFRESH_SECONDS:g} s", id="migrations.auto_refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.statuses: dict[str, DatabaseStatus] = {}  # by database name; absent: no answer yet
        self.targets: list[Target] = []
        self.query_text = ""
        self.drift: dict[str, tuple[list[Finding], str | None]] = {}
        self.running = False
        self.auto_refresh = True
        self._auto_timer: Any = None
        self._render_pending = False
        self._run_total = 0
        self.stuck_after: float | None = None  # None: the core's threshold (activity.STUCK_AFTER_SECONDS)
        # "status": every read (whole fleet or live); "status:NAME": the read shown for that database
        self.generations = Generations()
        self._live_timer: Any = None
        self._live_busy = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id="migrations-body"):
            yield Static("", id="migrations-summary")
            yield Input(placeholder="filter: a name, a state (pending, unreachable, edited…) or 'problems'",
                        id="migrations-filter", compact=True)
            with Horizontal(id="migrations-top"):
                yield FleetTable(id="migrations-fleet")
                yield DataTable(id="migrations-list", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="migrations-lower"):
                with SizedScroll(id="migrations-detail"):
                    yield Static("", id="migrations-cell")
                with Vertical(id="migrations-side"):
                    yield ProgressBar(id="migrations-progress", show_eta=False)
                    yield Log(id="migrations-log", max_lines=2000)

    def on_mount(self) -> None:
        self.query_one(FleetTable).focus()
        listing = self.query_one("#migrations-list", DataTable)
        listing.add_column("ver", key="version", width=3)
        listing.add_column("state", key="state", width=STATE_WIDTH)
        listing.add_column("migration", key="name")
        self._auto_timer = self.set_interval(AUTO_REFRESH_SECONDS, self._auto, pause=False)
        self._live_timer = self.set_interval(LIVE_SECONDS, self._live_tick, pause=True)

    def leave_input(self) -> None:
        """Esc in the filter: keep the filter, go back to the databases (at once: the next key is a command)."""
        self.set_focus(self.query_one(FleetTable))

    # -- model and status in ----------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        from workbench.migrate.targets import resolve_targets

        self.targets = resolve_targets(snapshot.current.config)  # workbench.toml as on disk now
        self.statuses = {name: st for name, st in self.statuses.items() if any(t.name == name for t in self.targets)}
        self._render_fleet()
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
        self._render_summary()

    def refresh_status(self) -> None:
        snapshot = self.snapshot
        if snapshot is None or not self.targets:
            return
        self.read_status(self.workbench.root, list(self.targets), self.generations.start("status"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="migrations-status",
          description="reading migration status")
    def read_status(self, root: Path, targets: list[Target], generation: int) -> None:
        self._read_statuses(root, targets, generation, live=False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="migrations-live",
          description="reading the status of the databases with a runner at work")
    def read_live(self, root: Path, targets: list[Target], generation: int) -> None:
        self._read_statuses(root, targets, generation, live=True)

    def _read_statuses(self, root: Path, targets: list[Target], generation: int, *, live: bool) -> None:
        """A worker's body (its own thread): one core call, each answer posted as it comes."""
        from workbench.migrate.status import status_all
        from workbench.workspace import migration_files

        worker = get_current_worker()
        # The files as on disk now, as `migrate status` reads them: never the browser's last good
        # load (an applied migration edited into SQL that does not parse is still an edit).
        config, files, _ = migration_files(root)
        timeout = config.connect_timeout

        def answered(st: DatabaseStatus) -> None:  # from each database's own thread
            if not worker.is_cancelled:
                self.post_message(DatabaseStatusRead(st, generation))

        statuses: list[DatabaseStatus] = []
        try:
            statuses = status_all(root, targets, files, timeout=timeout, on_done=answered)
        finally:  # even on an error, so a live read is never left marked busy
            if not worker.is_cancelled or live:
                self.post_message(MigrationStatusRead(statuses, generation, live))

    def _take(self, st: DatabaseStatus, generation: int) -> bool:
        """Keep `st` unless a newer read already answered for its database."""
        if not any(t.name == st.name for t in self.targets) or \
                not self.generations.accept(f"status:{st.name}", generation):
            return False
        if self.stuck_after is not None and st.activity is not None:
            st.activity.stuck_after = self.stuck_after
        self.statuses[st.name] = st
        return True

    @on(DatabaseStatusRead)
    def _database_read(self, message: DatabaseStatusRead) -> None:
        st = message.status
        if not self._take(st, message.generation):
            return
        self._follow_runners()
        # Its row changes in place at once; the summary and the order (problems first) follow in
        # one redraw per RENDER_EVERY, however many databases answer meanwhile.
        self.query_one(FleetTable).update_row(st.target, st)
        if st.name == self.query_one(FleetTable).selected_name():
            self._render_list()
        if not self._render_pending:
            self._render_pending = True
            # A small fleet re-sorts at once (problems first); a large one only when all answered.
            self.set_timer(RENDER_EVERY, self._render_fleet if len(self.targets) <= SORT_WHILE_LOADING
                           else self._render_summary)

    @on(MigrationStatusRead)
    def _status_read(self, message: MigrationStatusRead) -> None:
        if message.live:
            self._live_busy = False
        self.generations.accept("status", message.generation)
        for st in message.statuses:
            self._take(st, message.generation)
        self._follow_runners()
        self._render_fleet()

    # -- live: a runner at work ------------------------------------------------------------------
    def at_work(self) -> list[Target]:
        """The databases whose workbench lock is held (as last read)."""
        return [t for t in self.targets if (st := self.statuses.get(t.name)) is not None and st.lock_holder]

    def _follow_runners(self) -> None:
        """Read those databases every LIVE_SECONDS while any runner is at work; stop after."""
        if self._live_timer is None:
            return
        if self.at_work():
            self._live_timer.resume()
        else:
            self._live_timer.pause()

    def _live_tick(self) -> None:
        snapshot = self.snapshot
        targets = self.at_work()
        if not targets:
            self._live_timer.pause()
            return
        if self._live_busy or snapshot is None or not self.is_current or not self.auto_refresh:
            return  # one live read at a time; none while another screen is shown or auto-refresh is off (R)
        self._live_busy = True
        self.read_live(self.workbench.root, targets, self.generations.start("status"))

    def _render_fleet(self) -> None:
        self._render_pending = False
        fleet = self.query_one(FleetTable)
        rows = ordered(self.targets, self.statuses, self.query_text)
        fleet.show_fleet(rows, self.statuses)
        self._render_summary()
        self._render_list()

    def _render_summary(self) -> None:
        self._render_pending = False
        answered = sum(1 for t in self.targets if t.name in self.statuses)
        text = Text()
        text.append(f"{len(self.targets)} databases", style="bold")
        text.append(" · " + summary(self.targets, self.statuses))
        if answered < len(self.targets) and self.targets:
            text.append(f" · {len(self.targets) - answered} checking", style="italic")
        if self.query_text:
            text.append(f"  filter: {self.query_text} (f)", style="bold yellow")
        if not self.auto_refresh:
            text.append("  auto-refresh off (R)", style="dim")
        self.query_one("#migrations-summary", Static).update(text)

    def _render_list(self) -> None:
        """The migrations of the selected database (the grid's column of that database)."""
        listing = self.query_one("#migrations-list", DataTable)
        keep = listing.cursor_row
        listing.clear()
        st = self.selected_status()
        if st is not None and st.reachable:
            for m in st.migrations:
                label, style = state_label(m.state)
                listing.add_row(m.version, Text(label, style=style), Text(m.name), key=m.version)
            if listing.row_count:
                listing.move_cursor(row=min(max(keep, 0), listing.row_count - 1), animate=False)
        self._show_cell()

    @staticmethod
    def _legend() -> Text:
        parts: list[tuple[str, str] | str] = []
        for label, style in STATES.values():
            parts += [(label, style), "  "]
        parts.append(("⚿ protected  ro read-only", "dim"))
        return Text.assemble(*parts)

    # -- filter ---------------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#migrations-filter", Input)
        # Shown and focused at once (not through a CSS class, applied on the next refresh), so
        # keys typed right after `f` land in the box, not on the fleet as commands.
        box.display = True
        self.set_focus(box)  # now, not after the queued keys (Widget.focus() is deferred)

    @on(Input.Changed, "#migrations-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value.strip()
        self._render_fleet()

    @on(Input.Submitted, "#migrations-filter")
    def _filter_submitted(self) -> None:
        self.set_focus(self.query_one(FleetTable))

    @on(Input.Blurred, "#migrations-filter")
    def _filter_blurred(self) -> None:
        if not self.query_text:
            self.query_one("#migrations-filter", Input).display = False

    # -- the selection ----------------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#migrations-fleet")
    def _database_highlighted(self) -> None:
        self._render_list()

    @on(DataTable.RowHighlighted, "#migrations-list")
    def _migration_highlighted(self) -> None:
        self._show_cell()

    def selected_target(self) -> Target | None:
        name = self.query_one(FleetTable).selected_name()
        return next((t for t in self.targets if t.name == name), None)

    def selected_status(self) -> DatabaseStatus | None:
        target = self.selected_target()
        return self.statuses.get(target.name) if target is not None else None

    def selected(self) -> tuple[DatabaseStatus | None, str | None]:
        st = self.selected_status()
        listing = self.query_one("#migrations-list", DataTable)
        if st is None or not listing.row_count:
            return st, None
        row = min(max(listing.cursor_row, 0), listing.row_count - 1)
        key = listing.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value
        return st, str(key) if key is not None else None

    @on(SizedScroll.Resized, "#migrations-detail")
    def _show_cell(self) -> None:
        st, version = self.selected()
        self.query_one("#migrations-cell", Static).update(self._details(st, version))

    def _details(self, st: DatabaseStatus | None, version: str | None) -> Text:
        if st is None:
            target = self.selected_target()
            if target is not None:
                return Text(f"{target.name}: waiting for its answer…", style="dim")
            return Text("reading every database's status…" if self.targets else "no databases", style="dim")
        out = Text()
        out.append(f"{st.name}\n", style="bold")
        out.append(f"{self._fit(st.url)}\n", style="dim")
        if not st.reachable:
            out.append(f"unreachable: {st.error}\n", style="red")
            return out
        if st.error:
            out.append(f"error: {st.error}\n", style="red")
        self._describe_activity(out, st)
        m = next((m for m in st.migrations if m.version == version), None)
        if m is None:
            out.append("no migrations\n" if not st.migrations else "", style="dim")
        else:
            self._describe_migration(out, m)
        self._describe_findings(out, st)
        out.append("\n")
        out.append(self._legend())
        return out

    @staticmethod
    def _describe_activity(out: Text, st: DatabaseStatus) -> None:
        """The runner at work and its lock graph, in `migrate status`'s own words. The order
        differs: at 80x24 the first lines are what is seen without scrolling, so the verdict and
        the blockers come first and the lock holder's session (who, from where) last."""
        from workbench.cli.activity_text import activity_lines

        lines = [line.strip() for line in activity_lines(st.lock_holder, st.activity)]  # the pane is the heading
        if lines:
            lines = lines[1:] + lines[:1]
        if st.stuck and st.activity is not None:
            lines.insert(0, f"STUCK: {st.activity.problem()}")
        for text in lines:
            word = text.split(" ", 1)[0]
            style = ("bold red" if word == "STUCK:" or text.endswith("-- STUCK") else
                     "yellow" if word in ("WAITING", "blocked") else
                     "bold cyan" if word == "RUNNING:" else "dim" if word == "a" else "")
            out.append(text + "\n", style=style)
        if lines:
            out.append("\n")

    def _fit(self, text: str) -> str:
        """One line of the details pane: a URL cut in the middle rather than wrapped mid-word."""
        width = max(20, self.query_one("#migrations-detail").size.width - 2)
        if len(text) <= width:
            return text
        half = (width - 1) // 2
        return text[:half] + "…" + text[-(width - 1 - half):]

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

                config = self.snapshot.current.config if self.snapshot else None
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
        st = self._runnable_selection()
        if st is None:
            return
        pending = [m for m in st.migrations if m.state in RUNNABLE]
        if not pending:
            self.notify(f"{st.name} is up to date: nothing to apply", timeout=3)
            return
        details = [Text(f"  {m.version} {m.name}  ({state_label(m.state)[0]})")
                   for m in pending]
        question = f"Apply {len(pending)} migration(s) to {st.name}?"
        self._confirm(st, "up", question, details, [])

    def action_rollback(self) -> None:
        st = self._runnable_selection()
        if st is None:
            return
        applied = [m for m in st.migrations if m.row is not None and m.row.kind == "migration" and m.row.success]
        if not applied:
            self.notify(f"{st.name}: nothing to roll back", timeout=3)
            return
        newest = max(applied, key=lambda m: m.number)
        details = [Text(f"  {newest.version} {newest.name}", style="bold"),
                   Text("Its down part runs and may drop data.")]
        prompts: list[Prompt] = []
        if newest.migration is None:
            # The file is gone (renamed folder, deleted file): the tracker's copy of the applied
            # text would run, which nobody may have read in a while. Say so; make them type it.
            details.append(Text(f"Its file is missing from {self._sql_dir()}: the down part comes from the "
                                "text recorded when it was applied.", style="bold red"))
            prompts.append(Prompt(f"type the migration's name ({newest.name}) to roll it back anyway.", newest.name))
        question = f"Roll back {newest.version} {newest.name} on {st.name}?"
        self._confirm(st, "down", question, details, prompts)

    def _sql_dir(self) -> str:
        return self.snapshot.current.config.migrations_dir if self.snapshot is not None else "sql/"

    def _runnable_selection(self) -> DatabaseStatus | None:
        st = self.selected_status()
        if st is None or self.snapshot is None:
            self.notify("no database selected yet" if self.selected_target() is None else
                        "that database has not answered yet", timeout=2)
            return None
        if self.running:
            self.notify("a run is in progress", timeout=2)
            return None
        if st.read_only:  # config, another name of the same database, or the mark inside it
            self.notify(f"{st.name} is read-only: status only", severity="warning", timeout=4)
            return None
        if not st.reachable:
            self.notify(f"{st.name} is unreachable: {st.error}", severity="warning", timeout=4, markup=False)
            return None
        return st

    def _confirm(self, st: DatabaseStatus, action: str, question: str, details: list[Text],
                 prompts: list[Prompt]) -> None:
        from workbench.migrate.targets import database_name

        name = st.name if st.target.configured else database_name(st.target.url)

        def confirmed(typed: str | None) -> None:
            if typed is not None:
                self._start_run([st.target], action, typed, total=len(details) if action == "up" else 1)

        label = "Apply" if action == "up" else "Roll back"
        self.app.push_screen(ConfirmRun(question, name, st.protected, details=details, prompts=prompts,
                                        run_label=label), confirmed)

    def action_apply_all(self) -> None:
        """Every database with something to apply, concurrently (the core's `run_many`, like
        `migrate up --jobs`). Protected databases are left out: each needs its own name typed."""
        from workbench.migrate.fleet import skip_reason

        if self.snapshot is None or self.running:
            self.notify("a run is in progress" if self.running else "the model is still loading", timeout=2)
            return
        chosen: list[DatabaseStatus] = []
        left_out: list[str] = []
        for t in self.targets:
            st = self.statuses.get(t.name)
            reason = skip_reason(t, explicit=False)
            if reason is None and st is not None and st.read_only:  # marked inside the database
                reason = "read-only"
            if reason is None and st is not None and st.protected:
                reason = "protected: apply it on its own (a)"
            if reason is None and (st is None or not st.reachable):
                reason = "unreachable" if st is not None else "no answer yet"
            if reason:
                left_out.append(f"{t.name} ({reason})")
            elif any(m.state in RUNNABLE for m in st.migrations):  # type: ignore[union-attr]
                chosen.append(st)  # type: ignore[arg-type]
        if not chosen:
            self.notify("every database that can be applied is up to date", timeout=3)
            return
        total = sum(1 for st in chosen for m in st.migrations if m.state in RUNNABLE)
        details = [Text(f"  {st.name}: " + ", ".join(m.version for m in st.migrations if m.state in RUNNABLE))
                   for st in chosen]
        if left_out:
            details.append(Text("left out: " + ", ".join(left_out), style="dim"))
        question = f"Apply {total} migration(s) to {len(chosen)} database(s), {self.jobs()} at a time?"

        def confirmed(typed: str | None) -> None:
            if typed is not None:
                self._start_run([st.target for st in chosen], "up", "", total=len(chosen))

        self.app.push_screen(ConfirmRun(question, "", False, details=details, run_label="Apply all"), confirmed)

    @staticmethod
    def jobs() -> int:
        from workbench.migrate.fleet import DEFAULT_JOBS

        return DEFAULT_JOBS

    def _start_run(self, targets: list[Target], action: str, typed: str, total: int) -> None:
        assert self.snapshot is not None
        self.running = True
        self._run_total = len(targets)
        progress = self.query_one(ProgressBar)
        progress.update(total=max(total, 1), progress=0)
        progress.add_class("-running")
        where = targets[0].name if len(targets) == 1 else f"{len(targets)} databases"
        self.query_one(Log).write_line(f"— {action} on {where}")
        self.run_migrations(self.workbench.root, targets, action, typed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="migrations-run", description="running migrations")
    def run_migrations(self, root: Path, targets: list[Target], action: str, typed: str) -> None:
        from workbench.migrate.fleet import run_many
        from workbench.migrate.runner import Options, execute
        from workbench.workspace import runnable_migration_files

        try:
            config, files = runnable_migration_files(root)  # from disk now; refuses broken files like the CLI
        except Exception:
            self.app.call_from_thread(self._run_aborted)
            raise
        options = Options(lock_timeout=config.lock_timeout, connect_timeout=config.connect_timeout,
                          yes=True, confirm=typed or None)
        many = len(targets) > 1

        def log(line: str) -> None:  # the fleet's own lines (skipped databases)
            self.app.call_from_thread(self.query_one(Log).write_line, line)

        def on_event(event: MigrateEvent) -> None:
            self.post_message(MigrationStepped(event, many))  # thread-safe

        def done(result: RunResult) -> None:
            self.post_message(MigrationRunFinished(result, last=False))

        try:
            results = run_many(root, targets, action,
                               lambda t: execute(root, t, files, action, options=options, on_event=on_event, steps=1),
                               log=log, jobs=self.jobs(), explicit=True, on_done=done)
        except Exception:
            self.app.call_from_thread(self._run_aborted)
            raise  # the app's report_error shows it
        self.post_message(MigrationRunFinished(results[-1] if results else None, last=True))

    def _run_aborted(self) -> None:
        self.running = False
        self.query_one(ProgressBar).remove_class("-running")

    @on(MigrationStepped)
    def _stepped(self, message: MigrationStepped) -> None:
        event = message.event
        self.query_one(Log).write_line(event.text())
        if not message.many and isinstance(event, MigrationDone):  # one migration applied or rolled back
            self.query_one(ProgressBar).advance(1)

    @on(MigrationRunFinished)
    def _run_finished(self, message: MigrationRunFinished) -> None:
        if message.last:
            self.running = False
            self.query_one(ProgressBar).remove_class("-running")
            if self._run_total > 1:
                self.notify(f"apply to all: {self._run_total} database(s) done", timeout=4)
            self.refresh_status()
            return
        result = message.result
        assert result is not None  # only the last message may come without one
        log = self.query_one(Log)
        if self._run_total > 1:
            self.query_one(ProgressBar).advance(1)
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
            summary_text = ", ".join(s.version for s in done) or result.note or "ok"
            log.write_line(f"{result.database}: done ({summary_text})")
            if self._run_total == 1:
                self.notify(f"{result.database}: {summary_text}", timeout=4, markup=False)

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
