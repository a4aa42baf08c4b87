"""Benchmark: the TUI's first paint and save-to-view, on this repository and a generated large one.

    .venv/bin/python bench/bench_tui.py [--runs 5] [--keep DIR] [--fleet N]

Every case is measured as pairs: the workbench and its peer, a bare Textual app showing one Static
doing the same work, back to back, alternating which side goes first (the peer first in even
rounds, the workbench first in odd ones), --runs rounds. Each row prints the workbench's median,
the peer's median and the median of the per-pair ratios (workbench / peer): on a shared machine the
load drifts between rounds more than within a pair. Cases and what the peer does:
- first paint: process start -> the first frame (Textual's Ready event, posted after the first
  compositor refresh), in a fresh headless process; peer: the bare app's first frame (the floor:
  Python + Textual imports).
- first entity's proto shown: process start -> the Proto tab showing the first entity (the first
  look: protos alone, before migrations, fixtures and checks); model checked: every check done.
  Peer: the bare app's first frame, in a fresh process of its own.
- screen switch: the screen's key -> its first frame, once start-up is over (the app prepares the
  other screens hidden after the model loads: a first visit shows it, later ones reuse it); peer: the bare app with as many modes, each a screen with one Static, switched the same way.
- save -> view: writing a field-type change to a .proto file (real watchfiles events) -> the
  Mapping tab showing the reloaded model; peer: the bare app watching the same folder with
  watchfiles (same step) and showing the saved file's first screenful in its Static.
- seeds open (large repo): selecting the entity whose fixture has 100,000 rows and opening its
  Seeds tab -> the rows on screen, and the longest the UI loop was blocked meanwhile; peer: the
  bare app given the same 100,000 rows (parsed before the clock starts, as the workbench's model
  holds them) showing their first page in its Static.
- where the time goes: the first load's steps, one after another in one process (median of the
  rounds; no peer: it splits the first-paint figures above).
- `--fleet N`: N databases on the test server plus a black-holed loopback socket: the Migrations
  screen until the unreachable one is named on screen (against the connect timeout + 2 s);
  `migrate up` with --jobs 1 and --jobs 4 as pairs (median of per-round ratios).
Targets (issues 3 and 13): first paint < 0.4 s; proto shown <= 2.5x the bare app here, <= 4x on
the large repo; screen switch < 100 ms; save->view < 150 ms here, < 1 s on the large repo;
large-repo first paint < 1.5 s; 100,000-row fixture open < 0.5 s without freezing the UI; fleet
status within the connect timeout + 2 s.
The large repo (500 messages over 5 files, 50 migrations, 50 fixtures, one of 100,000 rows) is
generated into a temp dir at bench time; nothing is committed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess  # noqa: S404 - fixed argument lists
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from textual.app import App

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
T = TypeVar("T")
U = TypeVar("U")


def pair(round_no: int, peer: Callable[[], T], workbench: Callable[[], U]) -> tuple[T, U]:
    """One pair, back to back: the peer first in even rounds, the workbench first in odd ones (a warm
    cache or a quiet moment favours whoever runs second)."""
    if round_no % 2 == 0:
        first = peer()
        return first, workbench()
    second = workbench()
    return peer(), second

# The UI loop's stalls: every callback the event loop runs (a message pump's batch of messages, a
# timer's layout and paint, a worker's step) is timed from the first frame on; the longest is the
# longest the UI could not answer a key. Each is named by what ran it (which widget's messages,
# which timer, which worker) and the start-up step it fell in, for "where the stalls come from".
STALLS = r"""
import asyncio
import asyncio.events

stalls = []  # (seconds, what ran, step) over 15 ms
longest = [0.0]
stalls_on = [False]
step = ["first frame"]
_handle_run = asyncio.events.Handle._run


def _ran(handle):
    callback = handle._callback
    task = getattr(callback, "__self__", None)
    if not isinstance(task, asyncio.Task):
        return getattr(callback, "__qualname__", type(callback).__name__)
    coro = task.get_coro()
    frame = getattr(coro, "cr_frame", None)
    owner = frame.f_locals.get("self") if frame is not None else None
    name = getattr(coro, "__qualname__", "?")
    if name == "Timer._run_timer" and owner is not None:
        target = owner._target()
        return f"{type(target).__name__} timer {owner.name}"
    if name == "Worker._run" and owner is not None:
        return f"worker {owner.group}"
    return f"{type(owner).__name__} messages" if owner is not None else name


def _timed_run(handle):
    if not stalls_on[0]:
        return _handle_run(handle)
    start = time.perf_counter()
    try:
        return _handle_run(handle)
    finally:
        took = time.perf_counter() - start
        longest[0] = max(longest[0], took)
        if took > 0.015:
            stalls.append((took, _ran(handle), step[0]))


asyncio.events.Handle._run = _timed_run


def report_stalls():
    stalls_on[0] = False
    stalls.sort(reverse=True)
    print(f"stall: {longest[0]:.4f}", flush=True)
    for took, what, when in stalls[:3]:
        print(f"stalled: {took:.4f} {when}: {what}", flush=True)
"""

CHILD = r"""
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from workbench.tui.app import WorkbenchApp
""" + STALLS + r"""

class Bench(WorkbenchApp):
    def on_ready(self) -> None:
        # Textual's Ready: posted right after the first frame was painted.
        print(f"ready {time.perf_counter() - t0:.4f}", flush=True)
        self.snapshot_signal.subscribe(self, self._shown)
        stalls_on[0] = True

    def _shown(self, snapshot: object) -> None:
        # The first snapshot is the first look (protos alone): the entity browser renders the first
        # entity's proto from it; the last one has every check run.
        if not getattr(self, "proto_shown", False):
            self.proto_shown = True
            step[0] = "first look shown"
            self.call_after_refresh(self._proto_on_screen)
        elif not getattr(snapshot, "loading", True) and not getattr(snapshot, "checked", False):
            step[0] = "full load shown"
        if getattr(snapshot, "checked", False):
            step[0] = "checked model shown, screens prepared"
            self.call_after_refresh(self._done)

    def _proto_on_screen(self) -> None:
        from workbench.tui.widgets.proto_view import ProtoView

        assert self.screen.query_one(ProtoView).region.height > 0
        print(f"proto {time.perf_counter() - t0:.4f}", flush=True)

    def _done(self) -> None:
        print(f"model {time.perf_counter() - t0:.4f}", flush=True)
        self.run_worker(self._prepared(), group="bench")

    async def _prepared(self) -> None:
        # The stalls are counted until the other screens are prepared (and settled).
        import asyncio

        await self.workers.wait_for_complete([w for w in self.workers if w.group == "warm-screens"])
        await asyncio.sleep(0.3)
        report_stalls()
        self.exit()

Bench(Path(sys.argv[1]), watch=False).run(headless=True, size=(80, 24))
"""

BARE = r"""
import time
t0 = time.perf_counter()
from textual.app import App
from textual.widgets import Static
""" + STALLS + r"""

class Bare(App):
    def compose(self):
        yield Static("hello")

    def on_ready(self) -> None:
        print(f"ready {time.perf_counter() - t0:.4f}", flush=True)
        stalls_on[0] = True
        self.set_timer(0.3, self._done)  # its stalls over a short idle (the floor: the loop's own work)

    def _done(self) -> None:
        report_stalls()
        self.exit()

Bare().run(headless=True, size=(80, 24))
"""


class Child(dict[str, float]):
    """A child's times by line name, its longest stall (`stall`) and its longest stalls' names."""

    stalled: list[tuple[float, str]]


def run_child(code: str, *args: str, env: dict[str, str] | None = None) -> Child:
    """Times from the parent's spawn (so interpreter start-up counts) to each line the child prints;
    a line `name: value` carries its own value instead (the stalls)."""
    start = time.perf_counter()
    proc = subprocess.Popen([PY, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,  # noqa: S603
                            text=True, cwd=REPO, env=env)
    # The child measures from its first line; add the interpreter start it cannot see.
    out = Child()
    out.stalled = []
    assert proc.stdout is not None
    for line in proc.stdout:
        name, _, value = line.rstrip("\n").partition(" ")
        if name == "stall:":
            out["stall"] = float(value)
        elif name == "stalled:":
            took, _, what = value.partition(" ")
            out.stalled.append((float(took), what))
        else:
            out[name] = time.perf_counter() - start
    proc.wait(timeout=60)
    return out


IMPORTS = r"""
import time
t0 = time.perf_counter()
import textual.app, textual.widgets
t1 = time.perf_counter()
import workbench.tui.app
t2 = time.perf_counter()
from pathlib import Path
from workbench.workspace import first_look
t3 = time.perf_counter()
look = first_look(Path(".").resolve())
t4 = time.perf_counter()
from workbench.workspace import rest_of
snap = rest_of(look)
t5 = time.perf_counter()
from workbench.workspace import with_checks
with_checks(snap)
t6 = time.perf_counter()
import workbench.tui.screens.entities
t7 = time.perf_counter()
for name, a, b in (("textual", t0, t1), ("workbench.tui.app", t1, t2), ("live + model imports", t2, t3),
                   ("first look (proto scan)", t3, t4), ("protoc + migrations + schema + fixtures", t4, t5),
                   ("checks", t5, t6), ("entities screen imports", t6, t7)):
    print(f"{name} {b - a:.4f}")
"""


def where_time_goes(root: Path) -> dict[str, float]:
    """One process, the first load's steps in order (seconds each)."""
    proc = subprocess.run([PY, "-c", IMPORTS], capture_output=True, text=True, cwd=root, check=True)  # noqa: S603
    return {name: float(value) for name, _, value in (line.rpartition(" ") for line in proc.stdout.splitlines())}


SWITCH_KEYS = ("first visit", "first visit, frame written", "again", "again, frame written")


async def _screen_switches(root: Path, runs: int) -> dict[str, list[float]]:
    """Key press -> the screen painted, for every screen (the first visit builds it, later ones reuse it)."""
    from workbench.tui.app import WorkbenchApp

    app = WorkbenchApp(root, watch=False)
    times: dict[str, list[float]] = {key: [] for key in SWITCH_KEYS}
    async with app.run_test(size=(80, 24)) as pilot:
        while app.snapshot is None or not app.snapshot.checked:
            await pilot.pause(0.05)
        # Start-up is over when the other screens are prepared (built hidden after the model loads).
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "warm-screens"])
        written = _frames_written(app)
        for visit in range(runs + 1):
            for entry in app.screen_entries[1:] + app.screen_entries[:1]:
                key = "first visit" if visit == 0 else "again"
                await _switch(app, entry.id, written, times[key], times[f"{key}, frame written"])
                await pilot.pause(0.3)  # let its workers start, as a user would look
    return times


def _frames_written(app: App[Any]) -> list[float]:
    """When the app writes a frame to the terminal (headless: when it would): Textual's
    `App._display` with an update while no batch holds updates back (switch_mode holds them 50 ms)."""
    written: list[float] = []
    display = app._display

    def timed_display(screen: object, renderable: object) -> None:
        if renderable is not None and not app._batch_count:
            written.append(time.perf_counter())
        display(screen, renderable)  # type: ignore[arg-type]

    app._display = timed_display  # type: ignore[method-assign]
    return written


async def _switch(app: App[Any], mode: str, written: list[float], refreshed_after: list[float],
                  written_after: list[float]) -> None:
    """Switch to `mode`: times until the next refresh and until the first frame written."""
    painted = asyncio.Event()
    written.clear()
    start = time.perf_counter()
    await app.switch_mode(mode)
    app.call_after_refresh(painted.set)
    await painted.wait()
    refreshed_after.append(time.perf_counter() - start)
    while not written:
        await asyncio.sleep(0.001)
    written_after.append(written[0] - start)


async def _bare_switches(modes: int, visits: int) -> dict[str, list[float]]:
    """The peer of _screen_switches: a bare app with `modes` modes, each a screen with one Static."""
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import Static

    class One(Screen[None]):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

        def compose(self) -> ComposeResult:
            yield Static(self.text)

    def maker(i: int) -> Callable[[], Screen[None]]:
        return lambda: One(f"screen {i}")

    class Bare(App[None]):
        MODES = {f"m{i}": maker(i) for i in range(modes)}
        DEFAULT_MODE = "m0"

    app = Bare()
    ids = [f"m{i}" for i in range(modes)]
    times: dict[str, list[float]] = {key: [] for key in SWITCH_KEYS}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        written = _frames_written(app)
        for visit in range(visits + 1):
            for mode in ids[1:] + ids[:1]:
                key = "first visit" if visit == 0 else "again"
                await _switch(app, mode, written, times[key], times[f"{key}, frame written"])
                await pilot.pause(0.3)
    return times


async def _fleet_status(root: Path, databases: int) -> float:
    """Migrations screen over `databases` databases plus one black hole: switch -> the black hole
    named as unreachable on the first screenful (every database answered)."""
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.migrations import MigrationsScreen

    app = WorkbenchApp(root, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.snapshot is None or not app.snapshot.checked:  # started up: the model is loaded
            await pilot.pause(0.05)
        start = time.perf_counter()
        app.switch_mode("migrations")
        while not (isinstance(app.screen, MigrationsScreen) and len(app.screen.statuses) == databases + 1):
            await asyncio.sleep(0.01)
        await pilot.pause()
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        assert any(line.split()[:3] == ["hole", "✗", "unreachable"] for line in lines[:8]), lines
        return time.perf_counter() - start


def fleet(databases: int, rounds: int) -> tuple[list[float], float, list[float], list[float]]:
    """(status in the TUI, connect timeout, `migrate up` sequential, `migrate up --jobs 4`) over
    `databases` real databases on the test server plus a black-holed loopback socket, `rounds` times;
    --jobs 1 and --jobs 4 as a pair each round, alternating which goes first."""
    import socket

    from workbench.testing import create_database, drop_database, test_server

    tmp = Path(tempfile.mkdtemp(prefix="bench-fleet-"))
    with test_server(REPO) as admin:
        made = [create_database(admin) for _ in range(databases)]
        hole = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        hole.bind(("127.0.0.1", 0))
        hole.listen(512)
        try:
            timeout = 3.0
            toml = f"[workbench]\nconnect_timeout = {timeout:g}\n\n"
            toml += "".join(f'[databases.fleet{i:03d}]\nurl = "{url}"\n\n' for i, (_, url) in enumerate(made))
            toml += f'[databases.hole]\nurl = "postgresql://app@127.0.0.1:{hole.getsockname()[1]}/x"\n'
            (tmp / "sql").mkdir()
            shutil.copy2(REPO / "sql" / "000_migration_tracker.sql", tmp / "sql")
            (tmp / "sql" / "001_a.sql").write_text("-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\n"
                                                  "DROP TABLE a;\n")
            (tmp / "workbench.toml").write_text(toml)
            cmd = [PY, "-m", "workbench", "--root", str(tmp), "migrate"]

            def up(jobs: str) -> float:
                started = time.perf_counter()
                subprocess.run([*cmd, "up", "--jobs", jobs], capture_output=True, check=False)  # noqa: S603
                elapsed = time.perf_counter() - started
                # Back to empty databases (the tracker's own down part drops it) for the next one.
                subprocess.run([*cmd, "down", "--steps", "2", "--yes"], capture_output=True, check=False)  # noqa: S603
                return elapsed

            status: list[float] = []
            sequential: list[float] = []
            concurrent: list[float] = []
            for r in range(rounds):
                status.append(asyncio.run(_fleet_status(tmp, databases)))
                one, four = pair(r, lambda: up("1"), lambda: up("4"))
                sequential.append(one)
                concurrent.append(four)
            return status, timeout, sequential, concurrent
        finally:
            hole.close()
            for name, _ in made:
                drop_database(admin, name)
            shutil.rmtree(tmp, ignore_errors=True)


def edit_for(root: Path, entity: str) -> tuple[Path, str, str]:
    """The save both sides time: `entity`'s file and its first int64 field (not id) turned into a
    string (and back on the next save)."""
    from workbench.workspace import first_look

    msg = first_look(root).model.protos.message(entity)
    assert msg is not None, entity
    field = next(f for f in msg.fields if f.type_name == "int64" and f.name != "id")
    return root / msg.place.file, f"int64 {field.name} =", f"string {field.name} ="


def _toggle(path: Path, edit: tuple[Path, str, str], i: int) -> None:
    _, old, new = edit
    if i % 2:
        old, new = new, old
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


async def _save_to_view(root: Path, edit: tuple[Path, str, str], runs: int, entity: str) -> list[float]:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.live import JumpTarget

    assert runs % 2 == 0, "an even number of saves leaves the file as it was"
    app = WorkbenchApp(root, watch=True)
    times: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        while (app.snapshot is None or not app.snapshot.checked
               or not any(w.group == "file-watcher" and w.is_running for w in app.workers)):
            await pilot.pause(0.05)
        app.jump_to(JumpTarget(entity, entity))
        await pilot.pause(0.2)
        await pilot.press("m")
        await pilot.pause(0.2)
        for i in range(runs):
            generation = app.snapshot.generation
            start = time.perf_counter()
            _toggle(edit[0], edit, i)
            while app.snapshot.generation == generation:
                await asyncio.sleep(0.002)
            await pilot.pause()  # the refresh that paints the new view
            times.append(time.perf_counter() - start)
            await pilot.pause(0.3)  # let the watcher go quiet before the next save
    return times


async def _bare_save_to_view(edit: tuple[Path, str, str], runs: int) -> list[float]:
    """The peer of _save_to_view: a bare app watching the file's folder with watchfiles (the
    workbench's step) that shows the saved file's first screenful in its one Static."""
    from textual import work
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    assert runs % 2 == 0, "an even number of saves leaves the file as it was"
    path = edit[0]

    class Bare(App[None]):
        generation = 0
        watching = False

        def compose(self) -> ComposeResult:
            yield Static("", markup=False)

        def on_mount(self) -> None:
            self.watch_file()

        @work(exclusive=True)
        async def watch_file(self) -> None:
            from watchfiles import awatch

            stop = asyncio.Event()
            changes = awatch(path.parent, stop_event=stop, step=25)
            self.watching = True
            async for batch in changes:
                for _change, name in batch:
                    if Path(name) == path:
                        # One screenful of it, as the workbench shows one entity's mapping.
                        self.query_one(Static).update("\n".join(path.read_text().splitlines()[:24]))
                        self.generation += 1

    app = Bare()
    times: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.watching:
            await pilot.pause(0.05)
        await pilot.pause(0.4)  # as the workbench's side waits after its jump and key
        for i in range(runs):
            generation = app.generation
            start = time.perf_counter()
            _toggle(path, edit, i)
            while app.generation == generation:
                await asyncio.sleep(0.002)
            await pilot.pause()
            times.append(time.perf_counter() - start)
            await pilot.pause(0.3)
    return times


async def _until_rendered(rendered: list[float], action: Callable[[], object]) -> tuple[float, float]:
    """Run `action`, then turn the event loop until `rendered` gets its first time: (that time from
    the action, the longest gap between two turns). The UI's event loop is this loop: a long gap
    between turns is a frozen UI."""
    gaps: list[float] = []
    start = last = time.perf_counter()
    action()
    while not rendered:
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    return rendered[0] - start, max(gaps, default=0.0)


async def _open_big_fixture(root: Path, entity: str) -> tuple[float, float]:
    """Seeds tab of the 100,000-row fixture: time until its rows are first rendered, and the
    longest the UI loop was blocked meanwhile. Pilot.press is not used: it also waits for the
    tab underline's animation and for idle, which is not what the user waits for."""
    from textual.widgets import DataTable

    from workbench.tui.app import WorkbenchApp
    from workbench.tui.live import JumpTarget

    rendered: list[float] = []
    original = DataTable.render_lines

    def render_lines(self: DataTable, crop: object) -> object:  # type: ignore[type-arg]
        lines = original(self, crop)  # type: ignore[arg-type]
        if self.has_class("seed-rows") and self.row_count and not rendered:
            rendered.append(time.perf_counter())
        return lines

    DataTable.render_lines = render_lines  # type: ignore[method-assign,assignment]
    try:
        app = WorkbenchApp(root, watch=False)
        async with app.run_test(size=(120, 40)) as pilot:
            while app.snapshot is None or not app.snapshot.checked:
                await pilot.pause(0.05)
            app.jump_to(JumpTarget(entity, entity))
            await pilot.pause(0.5)
            # what `d` does
            return await _until_rendered(rendered, lambda: app.screen.action_show_tab("seeds"))  # type: ignore[attr-defined]
    finally:
        DataTable.render_lines = original  # type: ignore[method-assign]


async def _bare_open_rows(fixture: Path) -> tuple[float, float]:
    """The peer of _open_big_fixture: the same rows, parsed before the clock starts (the workbench's
    model holds them too), their first page shown in the bare app's one Static; time until that
    Static is rendered with them, and the longest UI stall meanwhile."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    from workbench.tui.seedrows import PAGE_SIZE, cell_text

    rows = json.loads(fixture.read_text())["rows"]
    rendered: list[float] = []

    class Rows(Static):
        shown = False

        def render_lines(self, crop):  # type: ignore[no-untyped-def]
            lines = super().render_lines(crop)
            if self.shown and not rendered:
                rendered.append(time.perf_counter())
            return lines

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Rows("", markup=False)

        def show_rows(self) -> None:
            widget = self.query_one(Rows)
            columns = list(rows[0])
            widget.update("\n".join([" ".join(columns)] + [" ".join(cell_text(row.get(c)) for c in columns)
                                                            for row in rows[:PAGE_SIZE]]))
            widget.shown = True

    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        return await _until_rendered(rendered, app.show_rows)


# -- the large repository -----------------------------------------------------------------------

def generate_large(root: Path, messages: int = 500, files: int = 5, migrations: int = 50,
                   fixtures: int = 50, big_rows: int = 100_000) -> str:
    """Write the large repository; returns the name of the entity whose fixture is the big one."""
    (root / "proto").mkdir(parents=True)
    (root / "sql").mkdir()
    (root / "seeders").mkdir()
    names = [f"Thing{i:03d}" for i in range(messages)]
    per_file = messages // files
    for f in range(files):
        lines = ['syntax = "proto3";', "", "package large.v1;", "",
                 'import "google/protobuf/timestamp.proto";', ""]
        lines += [f"// Status of group {f}.", f"enum Status{f} {{",
                  f"  STATUS{f}_UNSPECIFIED = 0;", f"  STATUS{f}_ACTIVE = 1;", f"  STATUS{f}_RETIRED = 2;", "}", ""]
        for name in names[f * per_file:(f + 1) * per_file]:
            lines += [f"// {name}: a generated entity.", f"message {name} {{",
                      "  // Primary key.", "  int64 id = 1;",
                      "  // Display name.", "  string name = 2;",
                      "  // Lifecycle.", f"  Status{f} status = 3;",
                      "  // Amount in minor units.", "  int64 amount_minor = 4;",
                      "  // Quantity on hand.", "  int32 quantity = 5;",
                      "  // Optional note.", "  optional string note = 6;",
                      "  // Active flag.", "  bool is_active = 7;",
                      "  // Creation time.", "  google.protobuf.Timestamp created_at = 8;", "}", ""]
        (root / "proto" / f"large_{f}.proto").write_text("\n".join(lines))
    from workbench.contracts.layer_mapping import plural, snake

    tables = [plural(snake(n)) for n in names]
    per_mig = messages // migrations
    for m in range(migrations):
        up, down = [], []
        for i in range(m * per_mig, (m + 1) * per_mig):
            labels = "'active', 'retired'"
            up.append(
                f"CREATE TABLE {tables[i]} (\n    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
                f"    name text NOT NULL,\n    status text NOT NULL,\n    amount_minor bigint NOT NULL DEFAULT 0,\n"
                f"    quantity integer NOT NULL DEFAULT 0,\n    note text,\n    is_active boolean NOT NULL,\n"
                f"    created_at timestamptz NOT NULL DEFAULT now(),\n"
                f"    CONSTRAINT {tables[i]}_status_check CHECK (status IN ({labels}))\n);\n"
                f"CREATE INDEX {tables[i]}_name_idx ON {tables[i]} (name);\n")
            down.append(f"DROP TABLE {tables[i]};")
        text = f"-- batch {m}\n-- migrate:up\n" + "\n".join(up) + "-- migrate:down\n" + "\n".join(reversed(down)) + "\n"
        (root / "sql" / f"{m + 1:03d}_create_batch_{m}.sql").write_text(text)
    for x in range(fixtures):
        n = big_rows if x == 0 else 20
        rows = [{"id": r + 1, "name": f"{names[x]} row {r + 1}", "status": "active" if r % 3 else "retired",
                 "amount_minor": r * 100, "quantity": r % 50, "note": None if r % 4 else f"note {r}",
                 "is_active": bool(r % 2), "created_at": "2024-01-01T00:00:00Z"} for r in range(n)]
        body = ",\n".join("    " + json.dumps(r) for r in rows)
        (root / "seeders" / f"{tables[x]}.json").write_text(
            f'{{\n  "table": "{tables[x]}",\n  "rows": [\n{body}\n  ]\n}}\n')
    domains = "\n".join(f'D{d} = [{", ".join(json.dumps(n) for n in names[d * 50:(d + 1) * 50])}]'
                        for d in range(messages // 50))
    (root / "workbench.toml").write_text(f"[domains]\n{domains}\n")
    return names[0]


def copy_repo(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("proto", "sql", "seeders", "workbench.toml"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    return dest


def bytecode_env(prefix: Path) -> dict[str, str]:
    """The environment of a start with bytecode cached for every module (the workbench's included),
    as a `pip install`ed package has it: this environment sets PYTHONDONTWRITEBYTECODE=1, so an
    editable checkout compiles the workbench's modules from source on every start while Textual's
    load from .pyc. The cache is a separate prefix (warmed here by one start), so the other rows
    stay from source."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(prefix)
    run_child(CHILD, str(REPO), env=env)
    return env


def print_bytecode_share(cases: dict[str, tuple[list[float], list[float]]]) -> None:
    """How much of the proto-shown ratio is compiling the workbench's modules from source."""
    shown = "this repo: first entity's proto shown"
    if f"{shown}, bytecode cached" not in cases:
        return
    source, cached = ratio(*cases[shown]), ratio(*cases[f"{shown}, bytecode cached"])
    note = ""
    if any((REPO / "workbench").rglob("__pycache__")):
        note = " (workbench/ holds __pycache__ folders: the from-source rows read that bytecode too)"
    print(f"\nbytecode: this repo's proto shown is {source:.2f}x the bare app from source, {cached:.2f}x with "
          f"the workbench's bytecode cached: compiling from source is {source - cached:+.2f}x of the ratio{note}")


def print_stalls(label: str, stalls: list[tuple[float, str]], rounds: int) -> None:
    """Where the stalls come from: the longest three of every round, grouped by what ran them."""
    if not stalls:
        return
    grouped: dict[str, list[float]] = {}
    for took, what in stalls:
        grouped.setdefault(what, []).append(took)
    print(f"\nwhere the UI stalls come from, {label} (the 3 longest of each of {rounds} rounds: start-up step: "
          f"what ran; count, median, max ms):")
    for what, times in sorted(grouped.items(), key=lambda item: -max(item[1]))[:8]:
        print(f"  {what:78} {len(times):3} {statistics.median(times) * 1000:5.0f} {max(times) * 1000:5.0f}")


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.0f}"


def ratio(workbench: list[float], peer: list[float]) -> float:
    """Median of the per-pair ratios workbench / peer (never a ratio of medians or of bests)."""
    return statistics.median(w / max(p, 1e-6) for w, p in zip(workbench, peer, strict=True))


def verdict(target: str, workbench: list[float], peer: list[float]) -> str:
    if not target:
        return ""
    value = ratio(workbench, peer) if target.endswith("x") else statistics.median(workbench) * 1000
    limit = float(target.strip("<=x "))
    return "ok" if value <= limit else "MISS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds of pairs (workbench + peer)")
    parser.add_argument("--keep", type=Path, help="generate the large repo here and keep it")
    parser.add_argument("--fleet", type=int, default=0, metavar="N",
                        help="also: status and `migrate up` over N databases on the test server + a black hole")
    parser.add_argument("--cases", default="startup,switch,save,seeds",
                        help="which cases, comma-separated: startup (first paint, proto shown, model checked, "
                             "UI stalls; from source and with bytecode), switch, save, seeds")
    args = parser.parse_args()
    chosen = set(args.cases.split(","))
    rounds = max(2, args.runs)
    tmp = Path(tempfile.mkdtemp(prefix="bench-tui-"))
    try:
        large = args.keep or tmp / "large"
        if not (large / "workbench.toml").exists():
            print("generating the large repository…", file=sys.stderr)
            big_entity = generate_large(large)
        else:
            big_entity = "Thing000"
        big_fixture = large / "seeders" / "thing000s.json"
        assert big_fixture.exists(), big_fixture
        here = copy_repo(tmp / "here")
        here_entity = "Product"
        here_edit = edit_for(here, here_entity)
        large_edit = edit_for(large, "Thing123")
        from workbench.tui.screens import available_screens

        screens = len(available_screens())

        # (workbench samples, peer samples) per case; sample i of one is paired with sample i of the other.
        cases: dict[str, tuple[list[float], list[float]]] = {}

        def add(name: str, workbench: list[float], peer: list[float]) -> None:
            assert len(workbench) == len(peer), (name, len(workbench), len(peer))
            w, p = cases.setdefault(name, ([], []))
            w += workbench
            p += peer

        steps_here: list[dict[str, float]] = []
        steps_large: list[dict[str, float]] = []
        stalled: dict[str, list[tuple[float, str]]] = {"this repo": [], "large repo": []}
        loads: list[float] = []
        cached = bytecode_env(tmp / "pycache") if "startup" in chosen else None
        for r in range(rounds):
            print(f"round {r + 1}/{rounds}", file=sys.stderr)
            loads.append(os.getloadavg()[0])
            if "startup" in chosen:
                for label, root in (("this repo", REPO), ("large repo", large)):
                    bare, child = pair(r, lambda: run_child(BARE), partial(run_child, CHILD, str(root)))
                    add(f"{label}: first paint", [child["ready"]], [bare["ready"]])
                    add(f"{label}: first entity's proto shown", [child["proto"]], [bare["ready"]])
                    add(f"{label}: model checked", [child["model"]], [bare["ready"]])
                    add(f"{label}: longest UI stall, first frame -> screens prepared", [child["stall"]],
                        [bare["stall"]])
                    stalled[label] += child.stalled
                # The same start with the workbench's bytecode cached, as an installed package has it.
                bare, child = pair(r, lambda: run_child(BARE), partial(run_child, CHILD, str(REPO), env=cached))
                add("this repo: first paint, bytecode cached", [child["ready"]], [bare["ready"]])
                add("this repo: first entity's proto shown, bytecode cached", [child["proto"]], [bare["ready"]])
                steps_here.append(where_time_goes(REPO))
                steps_large.append(where_time_goes(large))
            if "switch" in chosen:
                peer_sw, wb_sw = pair(r, lambda: asyncio.run(_bare_switches(screens, 1)),
                                      lambda: asyncio.run(_screen_switches(here, 1)))
                for key in SWITCH_KEYS:
                    add(f"screen switch: {key}", wb_sw[key], peer_sw[key])
            if "save" in chosen:
                peer_s, wb_s = pair(r, lambda: asyncio.run(_bare_save_to_view(here_edit, 2)),
                                    lambda: asyncio.run(_save_to_view(here, here_edit, 2, here_entity)))
                add("this repo: save -> view", wb_s, peer_s)
                peer_s, wb_s = pair(r, lambda: asyncio.run(_bare_save_to_view(large_edit, 2)),
                                    lambda: asyncio.run(_save_to_view(large, large_edit, 2, "Thing123")))
                add("large repo: save -> view", wb_s, peer_s)
            if "seeds" in chosen:
                peer_o, wb_o = pair(r, lambda: asyncio.run(_bare_open_rows(big_fixture)),
                                    lambda: asyncio.run(_open_big_fixture(large, big_entity)))
                add("large repo: 100,000-row seeds open", [wb_o[0]], [peer_o[0]])
                add("large repo: longest UI stall opening it", [wb_o[1]], [peer_o[1]])

        targets = {"this repo: first paint": "< 400", "this repo: first entity's proto shown": "<= 2.5x",
                   "this repo: save -> view": "< 150", "screen switch: first visit": "< 100",
                   "screen switch: again": "< 100", "large repo: first paint": "< 1500",
                   "large repo: first entity's proto shown": "<= 4x", "large repo: save -> view": "< 1000",
                   "large repo: 100,000-row seeds open": "< 500",
                   "screen switch: first visit, frame written": "< 100",
                   "screen switch: again, frame written": "< 100",
                   "this repo: longest UI stall, first frame -> screens prepared": "<= 50",
                   "large repo: longest UI stall, first frame -> screens prepared": "<= 50"}
        order = ["this repo: first paint", "this repo: first entity's proto shown", "this repo: model checked",
                 "this repo: first paint, bytecode cached", "this repo: first entity's proto shown, bytecode cached",
                 "this repo: longest UI stall, first frame -> screens prepared",
                 "this repo: save -> view", *(f"screen switch: {key}" for key in SWITCH_KEYS),
                 "large repo: first paint", "large repo: first entity's proto shown", "large repo: model checked",
                 "large repo: longest UI stall, first frame -> screens prepared",
                 "large repo: save -> view", "large repo: 100,000-row seeds open",
                 "large repo: longest UI stall opening it"]
        order = [name for name in order if name in cases]
        print(f"{rounds} rounds of pairs, alternating which side goes first; peer: a bare Textual app with one "
              f"Static doing the same work; 1-minute load average {min(loads):.1f}-{max(loads):.1f} "
              f"on {os.cpu_count()} cores")
        print(f"{'case':60} {'pairs':>5} {'wb ms':>8} {'peer ms':>8} {'ratio':>7}  target")
        print(f"{'':60} {'':>5} {'median':>8} {'median':>8} {'median':>7}")
        for name in order:
            wb, peer = cases[name]
            target = targets.get(name, "")
            mark = verdict(target, wb, peer)
            print(f"{name:60} {len(wb):5} {ms(wb)} {ms(peer)} {ratio(wb, peer):6.2f}x  {target} {mark}".rstrip())
        print("(ratio: median of the per-pair ratios workbench / peer; the first-paint rows' peer is the bare "
              "app's first frame; the stall rows' peer is the bare app's loop over 0.3 s after its first frame)")
        if "startup" in chosen:
            print_bytecode_share(cases)
            for label, runs in (("this repo", steps_here), ("large repo", steps_large)):
                print(f"\nwhere the time goes, {label} (one process, median of {len(runs)}, ms): " +
                      ", ".join(f"{name} {statistics.median(run[name] for run in runs) * 1000:.0f}"
                                for name in runs[0]))
            for label, stalls in stalled.items():
                print_stalls(label, stalls, rounds)
        if args.fleet:
            status, timeout, sequential, concurrent = fleet(args.fleet, rounds)
            print(f"\nfleet of {args.fleet} databases + 1 black hole (connect timeout {timeout:g} s), "
                  f"{rounds} rounds:")
            print(f"  Migrations screen: every row, the black hole named on screen  median "
                  f"{statistics.median(status):6.2f} s  (target <= {timeout + 2:g} s)")
            print(f"  migrate up --jobs 1   median {statistics.median(sequential):6.2f} s")
            print(f"  migrate up --jobs 4   median {statistics.median(concurrent):6.2f} s  (median of paired "
                  f"ratios: {ratio(sequential, concurrent):.1f}x faster)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
