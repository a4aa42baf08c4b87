"""The Codegen screen: one row per language (toolchain and version, last run, duration, files,
verification), run one or all, a live log streamed from the run, the generated files with
highlighting and a diff against the previous run, and "generate on save".

The run is a thread worker whose body is one call into `workbench.codegen.run.run_codegen`;
its log lines arrive as messages while it runs, so the UI never waits for protoc, go or tsc.
"""

from __future__ import annotations

import difflib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Log, ProgressBar, Static

from workbench.codegen.options import LABELS, LANGUAGES
from workbench.tui.highlights import is_current
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.code_view import CodeView

if TYPE_CHECKING:
    from workbench.codegen.events import CodegenEvent
    from workbench.codegen.run import CodegenReport, LanguageResult
    from workbench.codegen.toolchains import Toolchain
    from workbench.tui.live import Snapshot

MAX_LINES = 3000  # highlighting is the slow part; a generated file beyond this shows its head


class CodegenStepped(Message):
    """The running codegen reported a step (a typed event from workbench.codegen.events)."""

    def __init__(self, event: CodegenEvent) -> None:
        super().__init__()
        self.event = event


class CodegenRunFinished(Message):
    """A codegen run finished (its report, and when it started)."""

    def __init__(self, report: CodegenReport, started: float) -> None:
        super().__init__()
        self.report = report
        self.started = started


class ToolchainsResolved(Message):
    def __init__(self, toolchains: dict[str, Toolchain]) -> None:
        super().__init__()
        self.toolchains = toolchains


class CodegenScreen(WorkbenchScreen):
    SCREEN_TITLE = "Codegen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "run_all", "Generate all", tooltip="Generate every language (and verify, if on)",
                id="codegen.run_all"),
        Binding("g", "run_selected", "Generate", tooltip="Generate the selected language (and verify, if on)",
                id="codegen.run_selected"),
        Binding("v", "toggle_verify", "Verify",
                tooltip="Verify after generating: type-check and round-trip every seed row",
                id="codegen.toggle_verify"),
        Binding("s", "toggle_on_save", "Generate on save", show=False,
                tooltip="Regenerate whenever a proto file is saved", id="codegen.toggle_on_save"),
        Binding("d", "toggle_diff", "Diff", show=False,
                tooltip="Show the selected file's changes since the previous run", id="codegen.toggle_diff"),
        Binding("f", "focus_files", "Files", show=False, tooltip="Focus the list of generated files",
                id="codegen.focus_files"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.verify = True
        self.on_save = False
        self.show_diff = False
        self.running = False
        self.rerun = False  # a save arrived while running: run once more afterwards
        self.toolchains: dict[str, Toolchain] = {}
        self.results: dict[str, LanguageResult] = {}
        self.last_run: dict[str, float] = {}
        self.language = LANGUAGES[0]
        self.file = ""
        self._proto_key: tuple[tuple[str, str], ...] | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="codegen-body"):
            yield DataTable(id="codegen-languages", cursor_type="row", zebra_stripes=True)
            yield Static("", id="codegen-options", markup=False)
            with Horizontal(id="codegen-lower"):
                yield DataTable(id="codegen-files", cursor_type="row")
                with VerticalScroll(id="codegen-code"):
                    yield CodeView(id="codegen-view")
            with Vertical(id="codegen-side"):
                yield ProgressBar(id="codegen-progress", show_eta=False, show_percentage=False)
                yield Log(id="codegen-log", max_lines=2000)

    def on_mount(self) -> None:
        table = self.query_one("#codegen-languages", DataTable)
        # What a user needs first (language, verified, files) on the left; the toolchain's long
        # text last, where 80 columns cut it rather than the state.
        for key, label in (("language", "language"), ("verify", "verified"), ("files", "files"),
                           ("duration", "time"), ("last", "last run"), ("toolchain", "toolchain")):
            table.add_column(label, key=key)
        for lang in LANGUAGES:
            table.add_row(LABELS[lang], "", "", "", "never", "…", key=lang)
        files = self.query_one("#codegen-files", DataTable)
        files.add_column("file", key="file")
        files.add_column("", key="state")
        self.query_one(ProgressBar).update(total=1, progress=0)
        self._show_options()
        table.focus()
        self.workbench.snapshot_signal.subscribe(self, self._snapshot_published)
        self.resolve_toolchains()

    # -- toolchains and the last results (from disk) -------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="codegen-toolchains",
          description="finding the codegen toolchains")
    def resolve_toolchains(self) -> None:
        import workbench.codegen.run  # noqa: F401 - imported here, not by the handler on the UI loop
        from workbench.codegen.toolchains import resolve

        found = resolve(list(LANGUAGES), self.workbench.root / ".workbench" / "codegen")
        self.post_message(ToolchainsResolved(found))

    @on(ToolchainsResolved)
    def _toolchains_resolved(self, message: ToolchainsResolved) -> None:
        self.toolchains = message.toolchains
        for lang in LANGUAGES:
            self._update_row(lang)
        self._show_files()

    def _update_row(self, lang: str) -> None:
        table = self.query_one("#codegen-languages", DataTable)
        tc = self.toolchains.get(lang)
        if tc is None:
            tool = Text("…")
        else:
            missing = tc.missing(verify=self.verify)
            if missing:
                tool = Text(f"missing {', '.join(t.name for t in missing)}", style="bold red")
            else:
                tool = Text(f"{tc.plugin.name} {tc.plugin.version}")
        table.update_cell(lang, "toolchain", tool, update_width=True)
        result = self.results.get(lang)
        if result is None:
            return
        when = time.strftime("%H:%M:%S", time.localtime(self.last_run.get(lang, time.time())))
        table.update_cell(lang, "last", when, update_width=True)
        table.update_cell(lang, "duration", f"{result.seconds:.2f} s", update_width=True)
        changed = f", {len(result.written)} new" if result.written else ""
        table.update_cell(lang, "files", f"{len(result.files)}{changed}", update_width=True)
        table.update_cell(lang, "verify", _verification(result), update_width=True)

    def _show_options(self) -> None:
        parts = [f"verify {'on' if self.verify else 'off'} (v)",
                 f"generate on save {'on' if self.on_save else 'off'} (s)",
                 f"view {'diff' if self.show_diff else 'code'} (d)"]
        self.query_one("#codegen-options", Static).update(" · ".join(parts))

    # -- running -------------------------------------------------------------------------------
    def action_run_all(self) -> None:
        self.start_run(None)

    def action_run_selected(self) -> None:
        self.start_run([self.language])

    def action_toggle_verify(self) -> None:
        self.verify = not self.verify
        self._show_options()
        for lang in LANGUAGES:
            self._update_row(lang)

    def action_toggle_on_save(self) -> None:
        self.on_save = not self.on_save
        self._show_options()
        self.notify(f"generate on save {'on' if self.on_save else 'off'}", timeout=2)

    def action_toggle_diff(self) -> None:
        self.show_diff = not self.show_diff
        self._show_options()
        self._show_file()

    def action_focus_files(self) -> None:
        self.query_one("#codegen-files", DataTable).focus()

    def start_run(self, languages: list[str] | None) -> None:
        if self.running:
            self.rerun = True
            self.notify("codegen is running; it will run again when it finishes", timeout=2)
            return
        self.running = True
        progress = self.query_one(ProgressBar)
        progress.update(total=None, progress=0)  # indeterminate: the languages run side by side
        which = ", ".join(LABELS[x] for x in languages) if languages else "every language"
        self.query_one(Log).write_line(f"── run: {which}{' + verify' if self.verify else ''}")
        self.run_codegen(languages, self.verify)

    @work(thread=True, exclusive=True, exit_on_error=False, group="codegen", description="generating code")
    def run_codegen(self, languages: list[str] | None, verify: bool) -> None:
        from workbench.codegen.run import run_codegen

        def on_event(event: CodegenEvent) -> None:
            self.post_message(CodegenStepped(event))  # thread-safe

        started = time.time()
        try:
            report = run_codegen(self.workbench.root, languages, verify=verify, on_event=on_event)
        finally:
            self.app.call_from_thread(self._run_ended)
        self.post_message(CodegenRunFinished(report, started))

    def _run_ended(self) -> None:
        self.running = False
        self.query_one(ProgressBar).update(total=1, progress=1)
        if self.rerun:
            self.rerun = False
            self.start_run(None)

    @on(CodegenStepped)
    def _stepped(self, message: CodegenStepped) -> None:
        event = message.event
        self.query_one(Log).write_line(f"[{event.language}] {event.text()}")

    @on(CodegenRunFinished)
    def _run_finished(self, message: CodegenRunFinished) -> None:
        log = self.query_one(Log)
        for result in message.report.languages:
            self.results[result.language] = result
            self.last_run[result.language] = message.started
            self._update_row(result.language)
            if result.status == "missing":
                log.write_line(f"[{result.language}] install with: {result.hint}")
            for f in result.findings:
                log.write_line(f"[{result.language}] {f.format()}")
        code = message.report.exit_code
        summary = {0: "codegen ok", 1: "codegen found problems", 2: "a toolchain is missing"}[code]
        self.notify(summary, severity="information" if code == 0 else "warning", timeout=3)
        self._show_files()

    # -- generate on save --------------------------------------------------------------------------
    def _snapshot_published(self, snapshot: object) -> None:
        # the files as on disk now, not the browser's last good load: a save that breaks the
        # protos is a change too (codegen then reports the compile error, as the CLI does)
        model = getattr(snapshot, "current", None)
        sources = getattr(getattr(model, "protos", None), "sources", None)
        if sources is None:
            return
        key = tuple(sorted(sources.items()))
        first = self._proto_key is None
        changed = key != self._proto_key
        self._proto_key = key
        if self.on_save and changed and not first:
            self.query_one(Log).write_line("── a proto file changed: regenerating")
            self.start_run(None)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self._snapshot_published(snapshot)

    # -- files and code ------------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#codegen-languages")
    def _language_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if is_current(event) and event.row_key.value and event.row_key.value != self.language:
            self.language = str(event.row_key.value)
            self.file = ""
            self._show_files()

    @on(DataTable.RowHighlighted, "#codegen-files")
    def _file_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if is_current(event) and event.row_key.value and event.row_key.value != self.file:
            self.file = str(event.row_key.value)
            self._show_file()

    def _outputs(self) -> tuple[Path, list[str], set[str]]:
        from workbench.codegen.run import current_outputs

        lang_dir, files = current_outputs(self.workbench.root, self.language)
        result = self.results.get(self.language)
        written = set(result.written) if result else set()
        return lang_dir, files, written

    def _show_files(self) -> None:
        table = self.query_one("#codegen-files", DataTable)
        lang_dir, files, written = self._outputs()
        table.clear()
        for rel in files:
            table.add_row(rel, Text("changed", style="yellow") if rel in written else "", key=rel)
        if files:
            self.file = self.file if self.file in files else files[0]
            table.move_cursor(row=files.index(self.file))
        else:
            self.file = ""
        self._show_file()

    def _show_file(self) -> None:
        from workbench.codegen.outputs import history_dir
        from workbench.codegen.snippets import LANGUAGE_OF_SUFFIX

        view = self.query_one(CodeView)
        if not self.file:
            hint = "" if self.language in self.results else " — press g (this language) or a (all) to generate"
            note = Text(f"no generated {LABELS[self.language]} files yet{hint}", style="dim")
            tc = self.toolchains.get(self.language)
            missing = tc.missing(verify=self.verify) if tc is not None else []
            if missing:
                # The whole install command, wrapped here (the log cuts long lines at 80 columns).
                hints = list(dict.fromkeys(t.hint for t in missing if t.hint))
                note.append(f"\n\nmissing: {', '.join(t.name for t in missing)}\n", style="bold red")
                if hints:
                    note.append("install with:\n" + " && ".join(hints), style="")
            view.add_class("-prose")  # wrap to the pane's width, unlike code
            view.update(note)
            return
        view.remove_class("-prose")
        lang_dir, _, _ = self._outputs()
        try:
            text = (lang_dir / self.file).read_text("utf-8")
        except OSError as exc:
            view.update(Text(f"{self.file}: {exc.strerror}", style="red"))
            return
        if self.show_diff:
            previous = history_dir(self.workbench.root / ".workbench" / "codegen", lang_dir) / self.file
            try:
                old = previous.read_text("utf-8")
            except OSError:
                view.update(Text(f"{self.file}: no previous generation kept (it is new, or never changed)",
                                 style="dim"))
                return
            diff = "".join(difflib.unified_diff(old.splitlines(keepends=True), text.splitlines(keepends=True),
                                                f"previous/{self.file}", self.file, n=3))
            view.show_code(diff or "(identical)\n", "diff")
            return
        lines = text.splitlines(keepends=True)
        head = "".join(lines[:MAX_LINES])
        if len(lines) > MAX_LINES:
            head += f"\n… {len(lines) - MAX_LINES} more lines in {self.file}\n"
        view.show_code(head, LANGUAGE_OF_SUFFIX.get(Path(self.file).suffix, "text"))


def _verification(result: Any) -> Text:
    if result.status == "missing":
        return Text(f"missing: {', '.join(result.missing)}", style="bold red")
    if result.verified is True:
        return Text(f"✓ {result.cases} rows", style="green")
    if result.verified is False or result.status == "failed":
        return Text(f"✗ {len(result.findings)} findings", style="bold red")
    return Text("not verified", style="dim")
