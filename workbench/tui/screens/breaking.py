"""The Breaking screen: `workbench breaking` in the TUI.

Pick the ref (default `main`, merge base unless "exact"), read the semver verdict on top, browse the
changes grouped by severity and entity, and see the selected change side by side: the proto (or SQL,
or fixture) before and after, the changed lines marked. It re-runs whenever the model reloads (a
file was saved). The review runs in a thread worker whose body is one call into
`workbench.breaking.review`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static, Tree
from textual.worker import get_current_worker

from workbench.tui.generations import Generations
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.source import language_for
from workbench.tui.widgets.code_view import CodeView
from workbench.tui.widgets.sized_scroll import SizedScroll

if TYPE_CHECKING:
    from workbench.breaking.change import Change
    from workbench.breaking.review import Report
    from workbench.tui.live import Snapshot

CONTEXT_LINES = 4
VERDICT_STYLE = {"major": "bold $error", "minor": "bold $warning", "patch": "bold $success", "none": "bold $success"}
KIND_TITLES = (("breaking", "Breaking"), ("accepted", "Accepted"), ("compatible", "Compatible"))


class BreakingReviewed(Message):
    """A review worker finished: the report, or why there is none (unknown ref, bad buf.yaml)."""

    def __init__(self, ref: str, report: Report | None, error: str = "", generation: int = 0) -> None:
        super().__init__()
        self.ref = ref
        self.report = report
        self.error = error
        self.generation = generation  # of the request: a result older than the one shown is dropped


def window(text: str, line: int, end_line: int, context: int = CONTEXT_LINES) -> tuple[str, int]:
    """The lines line-context .. end_line+context of `text` and the number of the first one."""
    lines = text.splitlines()
    if not lines:
        return "", 1
    line = min(max(line, 1), len(lines))
    first = max(1, line - context)
    last = min(len(lines), max(end_line, line) + context)
    return "\n".join(lines[first - 1:last]), first


def group_name(change: Change) -> str:
    """Entity short name for proto changes, the file for SQL, seeds and the changelog."""
    if change.entity:
        return change.entity.rsplit(".", 1)[-1]
    return change.shown_file or "(repository)"


class BreakingScreen(WorkbenchScreen):
    SCREEN_TITLE = "Breaking"
    HELP_TITLE = "Breaking changes"
    AUTO_FOCUS = "#breaking-changes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rerun", "Re-run review", tooltip="Review the changes against the ref again",
                id="breaking.rerun"),
        Binding("slash", "edit_ref", "Change ref", key_display="/",
                tooltip="Type the git ref (or directory) to compare with; Enter reviews, Esc leaves the box",
                id="breaking.ref"),
        Binding("x", "toggle_exact", "Exact", show=False,
                tooltip="Compare with the ref's tip instead of the merge base", id="breaking.exact"),
        Binding("o", "open_source", "Open file", tooltip="Open the selected change's file at its line",
                id="breaking.open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ref = "main"
        self.exact = False
        self.report: Report | None = None
        self.selected: Change | None = None
        self.generations = Generations()
        self._window_rows = 0  # the pane height the shown code window was fitted to

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="breaking-top"):
            yield Input(value=self.ref, placeholder="main", id="breaking-ref", compact=True)
            yield Static("reviewing ...", id="breaking-verdict")
        with Vertical(id="breaking-body"):
            tree: Tree[int] = Tree("changes", id="breaking-changes")
            tree.show_root = False
            yield tree
            with Vertical(id="breaking-lower"):
                with VerticalScroll(id="breaking-detail-scroll"):
                    yield Static("", id="breaking-detail")
                with Horizontal(id="breaking-sides"):
                    with Vertical(classes="breaking-side"):
                        yield Static("before", id="breaking-before-title", classes="breaking-side-title")
                        with SizedScroll(id="breaking-before-scroll"):
                            yield CodeView(id="breaking-before")
                    with Vertical(classes="breaking-side"):
                        yield Static("after", id="breaking-after-title", classes="breaking-side-title")
                        with SizedScroll(id="breaking-after-scroll"):
                            yield CodeView(id="breaking-after")

    def on_mount(self) -> None:
        self.query_one(Tree).focus()

    # -- running the review ------------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.start_review()  # every reload means files changed: the review may have too

    def start_review(self) -> None:
        if self.snapshot is None:
            return
        self.query_one("#breaking-verdict", Static).update(
            Content.styled(f"reviewing against {self.ref}{' (exact)' if self.exact else ''} ...", "italic"))
        # exclusive: a review started while one runs supersedes it (the old one posts nothing)
        self.run_review(self.workbench.root, self.ref, self.exact, self.generations.start("review"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="breaking",
          description="reviewing breaking changes")
    def run_review(self, root: Path, ref: str, exact: bool, generation: int) -> None:
        from workbench.breaking.config import ConfigError
        from workbench.breaking.inputs import InputError
        from workbench.breaking.review import breaking_review

        try:
            # the same call as `workbench breaking`: the files as on disk now, never the browser's model
            report = breaking_review(root, None, ref, exact=exact, keep_sources=True)
        except (InputError, ConfigError) as exc:
            message = BreakingReviewed(ref, None, str(exc), generation)  # a usage problem: shown as the verdict
        else:
            message = BreakingReviewed(ref, report, generation=generation)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @on(BreakingReviewed)
    def _reviewed(self, message: BreakingReviewed) -> None:
        if not self.generations.accept("review", message.generation):
            return  # a newer review is already on screen
        self.report = message.report
        verdict = self.query_one("#breaking-verdict", Static)
        if message.report is None:
            verdict.update(Content.styled(message.error, "bold $error"))
            self._fill_tree(None)
            return
        verdict.update(self._verdict(message.report))
        self._fill_tree(message.report)
        if not self.query_one("#breaking-ref", Input).has_focus:
            self.query_one(Tree).focus()  # arrow keys browse the changes right away

    def _verdict(self, report: Report) -> Content:
        if report.errors:
            return Content.styled(f"protos do not compile ({len(report.errors)} errors): not a review", "bold $error")
        counts = {kind: sum(c.kind == kind for c in report.changes) for kind, _ in KIND_TITLES}
        parts = [Content.styled(report.semver.upper(), VERDICT_STYLE.get(report.semver, "bold"))]
        if report.declared is not None:
            old, new = report.declared_versions
            style = "$error" if any(c.rule == "SEMVER_BUMP_TOO_SMALL" for c in report.changes) else "$text-muted"
            parts.append(Content.styled(f"  CHANGELOG {report.declared} ({old}→{new})", style))
        parts.append(Content(f"  {counts['breaking']} breaking · {counts['accepted']} accepted · "
                             f"{counts['compatible']} compatible"))
        parts.append(Content.styled(f"  vs {report.against_label}", "$text-muted"))
        return Content.assemble(*parts)

    def _fill_tree(self, report: Report | None) -> None:
        tree: Tree[int] = self.query_one("#breaking-changes", Tree)
        keep = self.selected
        tree.clear()
        if report is None:
            self._show_change(None)
            return
        if report.errors:
            node = tree.root.add(Text(f"Compile errors ({len(report.errors)})", style="bold red"), expand=True)
            for f in report.errors:
                node.add_leaf(f.format())
        reselect = first_leaf = None
        for kind, title in KIND_TITLES:
            indexes = [i for i, c in enumerate(report.changes) if c.kind == kind]
            if not indexes:
                continue
            # Tree labels are Rich text: plain colour names, not theme variables
            style = {"breaking": "bold red", "accepted": "bold yellow"}.get(kind, "bold green")
            kind_node = tree.root.add(Text(f"{title} ({len(indexes)})", style=style), expand=kind != "compatible")
            groups: dict[str, list[int]] = {}
            for i in indexes:
                groups.setdefault(group_name(report.changes[i]), []).append(i)
            for name, members in groups.items():
                group = kind_node.add(f"{name} ({len(members)})", expand=True)
                for i in members:
                    c = report.changes[i]
                    leaf = group.add_leaf(Text.assemble((c.rule, "bold"), f"  {c.shown_file}:{c.line}"), data=i)
                    first_leaf = first_leaf or leaf
                    if keep is not None and (c.rule, c.file, c.line, c.message) == \
                            (keep.rule, keep.file, keep.line, keep.message):
                        reselect = leaf
        # keep the user's place across re-runs; otherwise start on the first (most severe) change
        target = reselect or first_leaf
        if target is not None:
            tree.call_after_refresh(tree.move_cursor, target)  # lines exist only after the tree laid out
        self._show_change(report.changes[target.data] if target is not None and target.data is not None else None)

    # -- the selected change ---------------------------------------------------------------------
    @on(Tree.NodeHighlighted, "#breaking-changes")
    def _highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        if self.report is not None and event.node.data is not None:
            self._show_change(self.report.changes[event.node.data])

    @on(SizedScroll.Resized, "#breaking-before-scroll")
    def _fit_window(self) -> None:
        if self.selected is not None and self._pane_rows() != self._window_rows:
            self._show_change(self.selected)

    def _pane_rows(self) -> int:
        return self.query_one("#breaking-before-scroll", SizedScroll).size.height

    def _show_change(self, change: Change | None) -> None:
        self.selected = change
        detail = self.query_one("#breaking-detail", Static)
        before_view = self.query_one("#breaking-before", CodeView)
        after_view = self.query_one("#breaking-after", CodeView)
        if change is None or self.report is None:
            detail.update("" if self.report is None else Content.styled("no changes", "$text-muted"))
            before_view.update("")
            after_view.update("")
            return
        lines = [Content.assemble(Content.styled(change.rule, "bold"),
                                  Content.styled(f" [{change.category}]" if change.category else "", "$text-muted"),
                                  f" {change.message}")]
        if change.note:
            lines.append(Content.styled(change.note, "italic"))
        if change.steps and change.kind == "breaking":
            # Every step whole, one a line (the detail wraps; a cut step is an instruction lost).
            lines.append(Content.styled("expand/contract:", "$text-muted"))
            lines += [Content.styled(f" {n}. {step}", "$text-muted") for n, step in enumerate(change.steps, 1)]
        detail.update(Content("\n").join(lines))
        before_file = change.against_file or change.file
        before_line = change.against_line or (change.line if change.kind != "compatible" else 0)
        self._side(before_view, "#breaking-before-title", "before", before_file,
                   before_line, change.against_end_line or before_line, exists=change.kind != "compatible")
        self._side(after_view, "#breaking-after-title", "after", change.file, change.line,
                   change.end_line or change.line, exists=bool(change.file))

    def _side(self, view: CodeView, title_id: str, side: str, file: str, line: int, end: int, exists: bool) -> None:
        assert self.report is not None
        title = self.query_one(title_id, Static)
        text = self.report.sources.get((side, file)) if exists and file else None
        if text is None:
            title.update(Content.styled(f"{side}: —", "$text-muted"))
            view.update(Content.styled("(not there)" if side == "before" else "(deleted)", "italic $text-muted"))
            return
        title.update(Content.styled(f"{side}: {file}:{line}", "$text-muted"))
        # Use the height there is: at 160x48 the pane shows ~30 lines of context, not 9.
        rows = self._window_rows = self._pane_rows()
        context = max(CONTEXT_LINES, (rows - 1 - max(0, (end or line) - line)) // 2)
        snippet, first = window(text, line or 1, end or line or 1, context)
        view.show_code(snippet, language_for(file), first_line=first, mark_line=line, mark_end=end)

    # -- actions ---------------------------------------------------------------------------------
    def action_rerun(self) -> None:
        if self.snapshot is None:
            self.notify("the model is still loading", timeout=2)
            return
        self.start_review()

    def action_edit_ref(self) -> None:
        self.set_focus(self.query_one("#breaking-ref", Input))

    def leave_input(self) -> None:
        """Esc in the ref box: back to the changes; the box shows the reviewed ref again."""
        self.set_focus(self.query_one(Tree))

    @on(Input.Blurred, "#breaking-ref")
    def _ref_left(self, event: Input.Blurred) -> None:
        # Never show a ref other than the one reviewed: an abandoned edit is undone.
        if event.input.value != self.ref:
            event.input.value = self.ref

    @on(Input.Submitted, "#breaking-ref")
    def _ref_submitted(self, event: Input.Submitted) -> None:
        self.ref = event.value.strip() or "main"
        self.query_one(Tree).focus()
        self.start_review()

    def action_toggle_exact(self) -> None:
        self.exact = not self.exact
        self.notify("comparing with the ref's tip" if self.exact else "comparing with the merge base", timeout=2)
        self.start_review()

    def action_open_source(self) -> None:
        from workbench.tui.messages import SourceRequested

        c = self.selected
        if c is None or not c.file:
            self.notify("no file to open for this change", timeout=2)
            return
        self.post_message(SourceRequested(c.file, c.line, c.column, c.rule))
