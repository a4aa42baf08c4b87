"""`WorkbenchScreen`: the base every registered screen subclasses.

It gives a screen the shared chrome (screen bar on top, status bar and footer at the bottom)
and the model: `show_snapshot(snapshot)` is called once the model is loaded and again after
every reload, on the UI thread, for the visible screen and when a hidden one comes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.events import Mount, ScreenResume
from textual.geometry import Size
from textual.screen import Screen
from textual.types import NoActiveAppError

from workbench.tui.readonly import drop_write_bindings
from workbench.tui.widgets.quiet_footer import QuietFooter
from workbench.tui.widgets.screen_bar import ScreenBar
from workbench.tui.widgets.status_bar import StatusBar
from workbench.tui.widgets.unreadable_banner import UnreadableBanner

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.live import Snapshot


class WorkbenchScreen(Screen[None]):
    """Subclass, implement `compose_body()` and `show_snapshot()`; register in screens/__init__.py."""

    # Breakpoints add -narrow / -wide classes to the screen so the .tcss can fit 80 columns.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    # True: also show the first look (protos only, `snapshot.loading` set); others wait for the rest.
    SHOWS_PARTIAL = False

    def __init__(self) -> None:
        super().__init__()
        self._shown: Snapshot | None = None
        drop_write_bindings(self)  # read-only (`workbench serve --read-only`): no writing keys
        # A screen made after start-up is styled from the stylesheet as it is when it mounts: mark
        # it current, or Textual re-parses the whole stylesheet and restyles the app when it is
        # first shown (`App._init_mode` / `switch_mode`: a tenth of a second or more per screen).
        # Not the first screen: the app's CSS variables are only settled by that refresh.
        try:
            app = self.app
        except NoActiveAppError:  # made outside an app (unit tests)
            app = None
        if app is not None and getattr(app, "first_frame_painted", False):
            self._css_update_count = app._css_update_count
        self._styled_at = app._css_update_count if app is not None else -1  # widgets are styled as they mount
        if app is not None:
            self._start_with_breakpoint_classes(app.size)
        self._resumed = False

    def mark_styles_current(self) -> None:
        """Called on the first frame for the first screen. Textual made it before it was mounted
        (`App._init_mode` refreshes the CSS then, and marks only a mounted screen as styled), so
        its styles counted as stale and coming back to it restyled every widget of the app
        (40-60 ms on the UI loop, the first time it was shown again). It was styled as it mounted;
        if the stylesheet's variables have not changed since, its styles are the current ones."""
        if self._styled_at == self.app._css_update_count:
            self._css_update_count = self.app._css_update_count

    def _start_with_breakpoint_classes(self, size: Size) -> None:
        # The -narrow / -wide classes Textual sets on the screen's first Resize (Screen._on_resize),
        # set now for the terminal's size: the widgets are styled with them as they mount, and that
        # Resize changes no class, so the screen is not restyled as a whole just after (20-45 ms
        # of the UI loop for a screen prepared hidden).
        app = self.app
        horizontal = (app.HORIZONTAL_BREAKPOINTS if self.HORIZONTAL_BREAKPOINTS is None
                      else self.HORIZONTAL_BREAKPOINTS) or []
        vertical = (app.VERTICAL_BREAKPOINTS if self.VERTICAL_BREAKPOINTS is None
                    else self.VERTICAL_BREAKPOINTS) or []
        classes = self._get_breakpoint_classes(size.width, horizontal) | self._get_breakpoint_classes(
            size.height, vertical)
        self.add_class(*classes, update=False)

    @property
    def workbench(self) -> WorkbenchApp:
        return cast("WorkbenchApp", self.app)

    @property
    def snapshot(self) -> Snapshot | None:
        """The current model snapshot (None until the first load finished)."""
        snapshot = self.workbench.snapshot
        return None if snapshot is not None and snapshot.loading and not self.SHOWS_PARTIAL else snapshot

    def compose(self) -> ComposeResult:
        yield ScreenBar()
        yield UnreadableBanner()  # hidden unless a part cannot be read now
        yield from self.compose_body()
        yield StatusBar()
        yield QuietFooter(compact=True)

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets, between the screen bar and the status bar."""
        yield from ()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Render `snapshot`. Keep the user's selection and scroll: it is called on every save."""

    def deliver(self, snapshot: Snapshot) -> None:
        """Called by the app (and on mount / resume) to push a snapshot in, once per snapshot."""
        # Once per snapshot: two loads started from the same one share a generation number.
        if snapshot is self._shown or not self.is_mounted:
            return
        self._shown = snapshot
        self.query_one(StatusBar).show_snapshot(snapshot)
        self.query_one(UnreadableBanner).show_snapshot(snapshot)
        self.show_snapshot(snapshot)

    # Only the screen on show gets the model: the app builds the others ahead, hidden (see
    # WorkbenchApp.warm_screens), and what a screen does with a snapshot (read databases, run a
    # review) must wait until the user opens it.
    @on(Mount)
    def _deliver_on_mount(self) -> None:
        if self.snapshot is not None and self.is_current:
            self.call_after_refresh(self.deliver, self.snapshot)

    def _screen_resized(self, size: Size) -> None:
        # Textual lays the whole screen out again and repaints it on every Resize, also on one that
        # changes nothing: the terminal's first size arrives just after the first frame, which was
        # laid out at that size already (a full layout and paint of the entity browser, competing
        # with the first look). Same size, same layout: skip it (other screens get it as before).
        if size and size == self._compositor.size and not self.app.is_inline:
            return
        super()._screen_resized(size)

    def _on_screen_resume(self, event: ScreenResume) -> None:
        # Runs before Textual's own Screen._on_screen_resume (handlers run down the MRO). When the
        # stylesheet has not changed since this screen was styled (no theme change meanwhile), its
        # styles are current: skip Textual's restyle of every widget on every switch.
        first, self._resumed = not self._resumed, True
        if self._css_update_count == self.app._css_update_count or (first and self._styled_at == self.app._css_update_count):
            event.refresh_styles = False  # (first: its widgets are being styled as they mount)

    @on(ScreenResume)
    def _deliver_on_resume(self) -> None:
        if self.snapshot is not None and self.is_current:
            self.deliver(self.snapshot)
