"""The workbench App: modes from the screen registry, global bindings, the model and its reloads,
the file watcher, and the one place a failed worker becomes a visible error.

Start-up order matters for the first paint: nothing heavy is imported here; the model loads in
a thread worker once the first frame is on screen, and the watcher starts after that load.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState, get_current_worker

from workbench.tui.commands import WorkbenchCommands
from workbench.tui.errors import ErrorScreen, describe_error
from workbench.tui.messages import FilesChanged, JumpRequested, ModelReloaded, SourceRequested
from workbench.tui.screens import ScreenEntry, available_screens
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.stylesheet import SteadyStylesheet
from workbench.tui.uistate import UiState

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from workbench.tui.live import JumpTarget, Snapshot

CSS_DIR = Path(__file__).parent / "styles"


class WorkbenchApp(App[int]):
    TITLE = "Schema Contracts Workbench"
    CSS_PATH = CSS_DIR / "app.tcss"
    DEFAULT_MODE = "entities"
    COMMANDS = App.COMMANDS | {WorkbenchCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "jump", "Jump", tooltip="Fuzzy jump to any entity, field or enum value", id="jump"),
        Binding("question_mark,f1", "help", "Help", key_display="?", tooltip="The keys, by screen (this one first)",
                id="help"),
        Binding("q", "quit", "Quit", tooltip="Quit the workbench", id="quit"),
        Binding("t", "change_theme", "Theme", show=False, tooltip="Pick a colour theme", id="theme"),
        Binding("ctrl+r", "reload", "Reload", show=False, tooltip="Reload the model from disk", id="reload"),
        Binding("escape", "leave_input", "Leave box", show=False,
                tooltip="Leave a text box (filter, search, ref) so keys are commands again", id="leave_input"),
    ]

    def __init__(self, root: Path, *, watch: bool = True, state: UiState | None = None,
                 screens: list[ScreenEntry] | None = None) -> None:
        self.root = root.resolve()
        self.watch_enabled = watch  # tests and screenshots run without the watcher
        self.ui_state = state or UiState(None)
        self.snapshot: Snapshot | None = None  # the last ModelReloaded's; None until the first load
        self.snapshot_signal: Signal[object] = Signal(self, "snapshot")
        self._pending: set[str] = set()  # changed paths not yet in a posted snapshot
        self._jump_cache: tuple[object, list[JumpTarget]] = (None, [])
        self._watched_folders: list[Path] = []
        self._first_look_painted = threading.Event()
        self._first_load_ns = 0
        self._froze = False  # the first load's objects are frozen out of collections (load_model)
        self._warmed = False  # the other screens built ahead (after the first checked load)
        self._switching_to_built = False  # switch_mode to a screen built already: see delay_update
        self._release_switch: Callable[[], None] | None = None
        self.first_frame_painted = False
        # `screens`: tests and screenshots pin the registry so other screens don't change them.
        self.screen_entries: list[ScreenEntry] = screens if screens is not None else available_screens()
        super().__init__()
        # Before any CSS is read (Textual reads it once the app runs): see tui/stylesheet.py.
        self.stylesheet = SteadyStylesheet(variables=self.get_css_variables())
        for entry in self.screen_entries:
            self.add_mode(entry.id, self._screen_factory(entry))
            binding = Binding(entry.key, f"switch_mode('{entry.id}')", entry.title, show=False,
                              tooltip=entry.description, id=f"screen.{entry.id}")
            self._bindings.key_to_bindings.setdefault(entry.key, []).append(binding)
        if self.ui_state.theme and self.ui_state.theme in self.available_themes:
            self.theme = self.ui_state.theme

    # -- screen switches ------------------------------------------------------------------------
    # Textual's switch_mode holds every frame for 50 ms (`delay_update`) to hide the new screen's
    # first layout. A screen that is built already (prepared hidden by warm_screens, or visited) was
    # laid out at this size: it only has to handle its ScreenResume (which gives it the model), so
    # frames are held until it has, not for a fixed 50 ms. Relies on switch_mode calling
    # delay_update before it changes the screen (textual 8.2.8).
    def switch_mode(self, mode: str) -> AwaitMount:
        self._switching_to_built = mode != self.current_mode and mode in self._screen_stacks
        try:
            mounted = super().switch_mode(mode)
        finally:
            self._switching_to_built = False
        release = self._release_switch
        if release is not None:
            self._release_switch = None
            self.screen.call_later(release)  # after its ScreenResume, queued before it
        return mounted

    def delay_update(self, delay: float = 0.05) -> None:
        if not self._switching_to_built:
            super().delay_update(delay)
            return
        self._begin_batch()
        released = False

        def release() -> None:
            nonlocal released
            if not released:  # once: the screen's turn or, if it never comes, the timer
                released = True
                self._end_batch()
                if not self._batch_count:
                    self.screen.refresh()

        self._release_switch = release
        self.set_timer(delay, release, name="delay_update")

    @staticmethod
    def _screen_factory(entry: ScreenEntry) -> Callable[[], Screen[None]]:
        # Imports the screen's module on first use only.
        return lambda: entry.load()()

    # -- the model ----------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, lambda theme: self.ui_state.save(theme=theme.name))

    @on(events.Ready)
    def _first_frame_painted(self) -> None:
        self.first_frame_painted = True  # screens made from now on need no stylesheet refresh
        if isinstance(self.screen, WorkbenchScreen):
            self.screen.mark_styles_current()
        # Only now: the first paint never waits for protoc or pglast (nor for their GIL time).
        self.load_model()

    @work(thread=True, exclusive=True, exit_on_error=False, group="model", description="loading the model")
    def load_model(self, changed: frozenset[str] | None = None) -> None:
        if self.snapshot is None:
            # The first load makes most of the objects the app will ever hold (the model, the
            # screens' modules). Each full collection while they pile up walks all of them
            # (40-70 ms each, six of them, on the large bench repo) and stalls the UI loop through
            # the GIL; so none runs during it, and what it made is frozen out of later collections
            # until the app ends (`_unfreeze`).
            gc.disable()
            try:
                self._first_load()
            finally:
                if self.is_running:  # not after the app has ended (tests run many apps in one process)
                    gc.freeze()
                    self._froze = True
                gc.enable()
            return
        from workbench.workspace import reload

        # Reloads run all at once: their checks are incremental.
        snapshot = reload(self.root, self.snapshot, changed, checks=True)
        if not get_current_worker().is_cancelled:
            self.post_message(ModelReloaded(snapshot))

    def _first_load(self) -> None:
        """In the loader's thread, three steps, each posted as soon as it exists: the protos alone
        (the first entity's proto on screen), then migrations and fixtures, then the checks
        (seconds on a large repository)."""
        from workbench.workspace import first_look, rest_of, with_checks

        self._first_load_ns = time.time_ns()  # the watcher starts after it: see watch_files
        look = first_look(self.root)
        if get_current_worker().is_cancelled:
            return
        # Its first drawing then finds the lines on screen highlighted (Pygments' import and
        # lexing were the longest step of that drawing on the UI loop).
        from workbench.tui.widgets.proto_view import prepare_first_entity

        prepare_first_entity(look.model)
        self.post_message(ModelReloaded(look))
        # Let the UI paint it before pglast and the fixtures compete with it for the GIL.
        self._first_look_painted.wait(timeout=2.0)
        snapshot = rest_of(look)
        if get_current_worker().is_cancelled:
            return
        self.post_message(ModelReloaded(snapshot))
        if not snapshot.checked:
            snapshot = with_checks(snapshot)
            if get_current_worker().is_cancelled:
                return
            self.post_message(ModelReloaded(snapshot))
        # Warm the other screens' modules (and their imports) here, off the UI thread, so a
        # screen's first visit only composes it.
        import importlib

        for entry in self.screen_entries:
            importlib.import_module(entry.module)

    @on(events.Unmount)
    def _unfreeze(self) -> None:
        if self._froze:  # what the first load froze may be collected again once the app is gone
            self._froze = False
            gc.unfreeze()

    @on(ModelReloaded)
    def _model_reloaded(self, message: ModelReloaded) -> None:
        first = self.snapshot is None
        snapshot = message.snapshot
        if self.snapshot is not None and snapshot.generation < self.snapshot.generation:
            return  # an older load than the one shown (its worker was superseded as it posted)
        self._pending -= snapshot.changed
        self.snapshot = snapshot
        if first:
            self._apply_keymap(snapshot)
            if self.watch_enabled:
                self.watch_files()
        elif snapshot.changed:
            names = ", ".join(sorted(snapshot.changed)[:3]) + ("…" if len(snapshot.changed) > 3 else "")
            self.notify(f"reloaded {names}", timeout=2, markup=False)
            self._rewatch_if_folders_changed(snapshot)
        self.snapshot_signal.publish(snapshot)
        if snapshot.checked and not self._warmed:
            self._warmed = True
            self.warm_screens()
        if snapshot.loading:
            self.call_after_refresh(self._first_look_painted.set)
        if isinstance(self.screen, WorkbenchScreen) and (self.screen.SHOWS_PARTIAL or not snapshot.loading):
            self.screen.deliver(snapshot)

    @work(exclusive=True, exit_on_error=False, group="warm-screens", description="preparing the screens")
    async def warm_screens(self) -> None:
        """Build every screen once, hidden, while the user looks at the first one, so that a
        screen's first visit only shows it: composing a screen and re-parsing the stylesheet for
        its widgets' CSS cost 0.3-1 s on the UI loop at the moment of the key press otherwise.
        A hidden screen gets no snapshot (WorkbenchScreen delivers only to the current screen):
        nothing it does with the model (read databases, run a review) starts before it is shown."""
        mode = self.current_mode
        # Not while the loader's thread still imports the screens' modules (it does, after posting
        # the checked model): a screen made now would import its module on the UI loop, or wait
        # there for the thread's import lock, with the thread holding the GIL in turns.
        while any(worker.group == "model" and worker.is_running for worker in self.workers):
            await asyncio.sleep(0.05)
        for entry in self.screen_entries:
            await asyncio.sleep(0.1)  # keys pressed meanwhile go first
            if not self.is_running:
                return  # shutting down: its screens are being closed
            if self.current_mode != mode or self.screen is not self._screen_stacks[mode][-1]:
                return  # the user is moving around: don't compete with the screens they open
            if entry.id in self._screen_stacks:
                continue  # visited already (or the current one)
            await self._init_mode(entry.id)  # Textual's own first step of switch_mode, without the switch
            screen = self._screen_stacks[entry.id][0]
            # Its styles are those of now: switching to it need not re-parse the whole stylesheet.
            self.stylesheet.update(screen, animate=False)
            screen._css_update_count = self._css_update_count

    def _apply_keymap(self, snapshot: object) -> None:
        raw = getattr(getattr(getattr(snapshot, "model", None), "config", None), "raw", {})
        keymap = raw.get("keymap", {}) if hasattr(raw, "get") else {}
        if isinstance(keymap, dict):
            keys = {k: v for k, v in keymap.items() if isinstance(k, str) and isinstance(v, str)}
            if keys or self._keymap:  # none, as so far: no bindings refresh (it rebuilds the footer)
                self.set_keymap(keys)

    # -- the file watcher ---------------------------------------------------------------------
    @work(exclusive=True, exit_on_error=False, group="file-watcher", description="watching files")
    async def watch_files(self) -> None:
        from watchfiles import awatch

        from workbench.tui.watching import root_names, watched_folders, watched_relpaths

        assert self.snapshot is not None  # started after the first load
        config = self.snapshot.model.config
        folders = watched_folders(self.root, config)
        self._watched_folders = folders
        names = root_names(config)
        stop = asyncio.Event()
        queue: asyncio.Queue[set[tuple[object, str]]] = asyncio.Queue()

        async def pump(changes: object) -> None:
            async for batch in changes:  # type: ignore[attr-defined]
                await queue.put(batch)

        # Two watchers: folders recursively, the root flat (workbench.toml and the folders' own
        # names; never .venv or .git).
        # step: yield a batch after 25 ms without new events (default 50): half the save-to-view
        # latency; an editor's multi-write save may then reload twice, which the exclusive worker absorbs.
        tasks = [asyncio.create_task(pump(awatch(self.root, recursive=False, stop_event=stop, step=25,
                                                 watch_filter=lambda _c, p: Path(p).name in names)))]
        if folders:
            tasks.append(asyncio.create_task(pump(awatch(*folders, stop_event=stop, step=25))))
        await asyncio.sleep(0)  # let the watchers start
        from workbench.workspace import changed_since

        if changed_since(self.root, [*names, *(f.relative_to(self.root).as_posix() for f in folders)],
                         self._first_load_ns):
            self.load_model(None)  # saved while the first load ran, before anything watched: not missed
        try:
            while True:
                batch = await queue.get()
                paths = watched_relpaths(self.root, config, (p for _c, p in batch))
                if paths:
                    self.post_message(FilesChanged(paths))
        finally:
            stop.set()
            for task in tasks:
                task.cancel()

    def _rewatch_if_folders_changed(self, snapshot: Snapshot) -> None:
        from workbench.tui.watching import watched_folders

        if self.watch_enabled and watched_folders(self.root, snapshot.model.config) != self._watched_folders:
            self.watch_files()  # exclusive: replaces the running watcher

    @on(FilesChanged)
    def _files_changed(self, message: FilesChanged) -> None:
        self._pending |= message.paths
        self.load_model(frozenset(self._pending))

    def action_reload(self) -> None:
        self.load_model(None)

    # -- errors: the one place a failed worker becomes visible ---------------------------------
    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report_error(event.worker.error, event.worker.description or event.worker.name)

    def _handle_exception(self, error: Exception) -> None:
        # A screen that warm_screens was preparing hidden can still be mounting when the app shuts
        # down (Textual stops running, then removes the screens' children): its on_mount then finds
        # nothing. That is not an error of the session; anything else still ends it as before.
        from textual.css.query import NoMatches

        if not self.is_running and isinstance(error, NoMatches):
            self.log.warning("ignored while shutting down", error)
            return
        super()._handle_exception(error)

    def report_error(self, error: BaseException, context: str = "") -> None:
        """Show a failure without a traceback: a toast for expected errors, a dialog otherwise."""
        title, text, expected = describe_error(error, context)
        self.log.error(title, text, error)
        if expected:
            self.notify(text, title=title, severity="error", timeout=10, markup=False)
        else:
            self.push_screen(ErrorScreen(title, text))

    # -- navigation ---------------------------------------------------------------------------
    def action_jump(self) -> None:
        if self.snapshot is None:
            self.notify("the model is still loading", timeout=2)
            return
        from textual.command import CommandPalette

        from workbench.tui.commands import JumpProvider

        self.push_screen(CommandPalette(providers=[JumpProvider],
                                        placeholder="Jump to an entity, field or enum value…"))

    def jump_targets(self) -> list[JumpTarget]:
        """Every entity, field and enum value of the current model (computed once per snapshot)."""
        from workbench.tui.live import jump_targets

        if self.snapshot is None:
            return []
        model = self.snapshot.model
        if self._jump_cache[0] is not model:
            self._jump_cache = (model, jump_targets(model))
        return self._jump_cache[1]

    def jump_to(self, target: object) -> None:
        """Show `target` (a live.JumpTarget) in the entity browser."""
        from workbench.tui.live import JumpTarget

        if not isinstance(target, JumpTarget):
            return
        self.switch_mode("entities")
        self.call_after_refresh(lambda: self.screen.post_message(JumpRequested(target)))

    @on(SourceRequested)
    def _open_source(self, message: SourceRequested) -> None:
        from workbench.tui.screens.source import SourceScreen

        self.push_screen(SourceScreen(self.root, message.file, message.line, message.column, message.title))

    def action_leave_input(self) -> None:
        """Esc in any text box gives the keys back: the screen decides where focus goes
        (`leave_input()`), else the first widget that is not a text box."""
        from textual.widgets import Input, TextArea

        screen = self.screen
        if not isinstance(screen.focused, Input | TextArea):
            return
        leave = getattr(screen, "leave_input", None)
        if callable(leave):
            leave()
            return
        for widget in screen.focus_chain:
            if not isinstance(widget, Input | TextArea):
                screen.set_focus(widget)  # at once: the next key is already a command
                return
        screen.set_focus(None)

    def action_help(self) -> None:
        from workbench.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(self.screen, self.screen_entries))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Reload", "Reload the model from disk", self.action_reload)

