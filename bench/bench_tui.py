"""Benchmark: the TUI's first paint and save-to-view, on this repository and a generated large one.

    .venv/bin/python bench/bench_tui.py [--runs 5] [--keep DIR]

Figures (best and median of --runs):
- first paint: process start -> the first frame (Textual's Ready event, posted after the first
  compositor refresh), in a fresh headless process; peer: a bare Textual app with one Static,
  measured in the same run (the floor: Python + Textual imports).
- model shown: process start -> the entity browser showing the loaded model.
- save -> view: writing a field-type change to a .proto file (real watchfiles events) -> the
  Mapping tab showing the reloaded model.
- seeds open (large repo): selecting the entity whose fixture has 100,000 rows and opening its
  Seeds tab -> the rows on screen, and the longest the UI loop was blocked meanwhile.
- first entity's proto shown: process start -> the Proto tab showing the first entity (the first
  look: protos alone, before migrations, fixtures and checks); model checked: every check done.
- screen switch: the screen's key -> its first frame, once start-up is over (the app prepares the
  other screens hidden after the model loads: a first visit shows it, later ones reuse it).
- where the time goes: the first load's steps, one after another in one process.
- `--fleet N`: N databases on the test server plus a black-holed loopback socket: the Migrations
  screen until the unreachable one is named on screen; `migrate up` with --jobs 1 and 4.
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
import shutil
import statistics
import subprocess  # noqa: S404 - fixed argument lists
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable

CHILD = r"""
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from workbench.tui.app import WorkbenchApp

class Bench(WorkbenchApp):
    painted = False

    def load_model(self, changed=None):
        # First called from the Ready handler, i.e. right after the first frame was painted.
        if not self.painted:
            self.painted = True
            print(f"ready {time.perf_counter() - t0:.4f}", flush=True)
            self.snapshot_signal.subscribe(self, self._shown)
        return super().load_model(changed)

    def _shown(self, snapshot: object) -> None:
        # The first snapshot is the first look (protos alone): the entity browser renders the first
        # entity's proto from it; the last one has every check run.
        if not getattr(self, "proto_shown", False):
            self.proto_shown = True
            self.call_after_refresh(self._proto_on_screen)
        if getattr(snapshot, "checked", False):
            self.call_after_refresh(self._done)

    def _proto_on_screen(self) -> None:
        from workbench.tui.widgets.proto_view import ProtoView

        assert self.screen.query_one(ProtoView).region.height > 0
        print(f"proto {time.perf_counter() - t0:.4f}", flush=True)

    def _done(self) -> None:
        print(f"model {time.perf_counter() - t0:.4f}", flush=True)
        self.exit()

Bench(Path(sys.argv[1]), watch=False).run(headless=True, size=(80, 24))
"""

BARE = r"""
import time
t0 = time.perf_counter()
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

    def on_ready(self) -> None:
        print(f"ready {time.perf_counter() - t0:.4f}", flush=True)
        self.exit()

Bare().run(headless=True, size=(80, 24))
"""


def run_child(code: str, *args: str) -> dict[str, float]:
    """Times from the parent's spawn (so interpreter start-up counts) to each line the child prints."""
    start = time.perf_counter()
    proc = subprocess.Popen([PY, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,  # noqa: S603
                            text=True, cwd=REPO)
    # The child measures from its first line; add the interpreter start it cannot see.
    out: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        name, _, _value = line.partition(" ")
        out[name] = time.perf_counter() - start
    proc.wait(timeout=60)
    return out


def first_paint(root: Path, runs: int) -> tuple[list[float], list[float], list[float]]:
    ready, proto, model = [], [], []
    for _ in range(runs):
        times = run_child(CHILD, str(root))
        ready.append(times["ready"])
        proto.append(times["proto"])
        model.append(times["model"])
    return ready, proto, model


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


async def _screen_switches(root: Path, runs: int) -> dict[str, list[float]]:
    """Key press -> the screen painted, for every screen (the first visit builds it, later ones reuse it)."""
    from workbench.tui.app import WorkbenchApp

    app = WorkbenchApp(root, watch=False)
    times: dict[str, list[float]] = {"first visit": [], "again": []}
    async with app.run_test(size=(80, 24)) as pilot:
        while app.snapshot is None or not app.snapshot.checked:
            await pilot.pause(0.05)
        # Start-up is over when the other screens are prepared (built hidden after the model loads).
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "warm-screens"])
        for visit in range(runs + 1):
            for entry in app.screen_entries[1:] + app.screen_entries[:1]:
                painted = asyncio.Event()
                start = time.perf_counter()
                await app.switch_mode(entry.id)
                app.call_after_refresh(painted.set)
                await painted.wait()
                times["first visit" if visit == 0 else "again"].append(time.perf_counter() - start)
                await pilot.pause(0.3)  # let its workers start, as a user would look
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


def fleet(databases: int) -> tuple[float, float, float, float]:
    """(status in the TUI, connect timeout, `migrate up` sequential, `migrate up --jobs 4`) over
    `databases` real databases on the test server plus a black-holed loopback socket."""
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
            status = asyncio.run(_fleet_status(tmp, databases))
            cmd = [PY, "-m", "workbench", "--root", str(tmp), "migrate"]
            started = time.perf_counter()
            subprocess.run([*cmd, "up", "--jobs", "1"], capture_output=True, check=False)  # noqa: S603
            sequential = time.perf_counter() - started
            # Back to empty databases (the tracker's own down part drops it), then concurrently.
            subprocess.run([*cmd, "down", "--steps", "2", "--yes"], capture_output=True, check=False)  # noqa: S603
            started = time.perf_counter()
            subprocess.run([*cmd, "up", "--jobs", "4"], capture_output=True, check=False)  # noqa: S603
            concurrent = time.perf_counter() - started
            return status, timeout, sequential, concurrent
        finally:
            hole.close()
            for name, _ in made:
                drop_database(admin, name)
            shutil.rmtree(tmp, ignore_errors=True)


def bare_paint(runs: int) -> list[float]:
    return [run_child(BARE)["ready"] for _ in range(runs)]


async def _save_to_view(root: Path, runs: int, entity: str) -> list[float]:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.live import JumpTarget

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
        msg = app.snapshot.model.protos.message(entity)
        assert msg is not None
        path = root / msg.place.file
        for i in range(runs):
            text = path.read_text()
            field = next(f for f in msg.fields if f.type_name == "int64" and f.name != "id")
            old, new = (f"int64 {field.name} =", f"string {field.name} =")
            if i % 2:
                old, new = new, old
            generation = app.snapshot.generation
            start = time.perf_counter()
            path.write_text(text.replace(old, new, 1))
            while app.snapshot.generation == generation:
                await asyncio.sleep(0.002)
            await pilot.pause()  # the refresh that paints the new view
            times.append(time.perf_counter() - start)
            await pilot.pause(0.3)  # let the watcher go quiet before the next save
    return times


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
            gaps: list[float] = []
            start = last = time.perf_counter()
            app.screen.action_show_tab("seeds")  # what `d` does
            while not rendered:
                # The UI's event loop is this loop: a long gap between turns is a frozen UI.
                await asyncio.sleep(0.001)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now
            return rendered[0] - start, max(gaps, default=0.0)
    finally:
        DataTable.render_lines = original  # type: ignore[method-assign]


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
    from workbench.mapping import plural, snake

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


def fmt(values: list[float]) -> str:
    return f"{min(values) * 1000:7.0f} {statistics.median(values) * 1000:7.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate the large repo here and keep it")
    parser.add_argument("--fleet", type=int, default=0, metavar="N",
                        help="also: status and `migrate up` over N databases on the test server + a black hole")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-tui-"))
    try:
        large = args.keep or tmp / "large"
        if not (large / "workbench.toml").exists():
            print("generating the large repository…", file=sys.stderr)
            big_entity = generate_large(large)
        else:
            big_entity = "Thing000"
        here = copy_repo(tmp / "here")
        here_entity = "Product" if (here / "proto").exists() else ""

        # Interleaved, so load from other processes hits all three alike.
        bare: list[float] = []
        ready_here: list[float] = []
        proto_here: list[float] = []
        model_here: list[float] = []
        ready_large: list[float] = []
        proto_large: list[float] = []
        model_large: list[float] = []
        for _ in range(args.runs):
            bare += bare_paint(1)
            r, p, m = first_paint(REPO, 1)
            ready_here += r
            proto_here += p
            model_here += m
            r, p, m = first_paint(large, 1)
            ready_large += r
            proto_large += p
            model_large += m
        switches = asyncio.run(_screen_switches(here, max(1, args.runs // 2)))
        save_here = asyncio.run(_save_to_view(here, args.runs, here_entity))
        save_large = asyncio.run(_save_to_view(large, max(2, args.runs // 2), "Thing123"))
        opened, stall = asyncio.run(_open_big_fixture(large, big_entity))

        rows = [
            ("bare Textual app: first paint (peer)", bare, "", None),
            ("this repo: first paint", ready_here, "< 400", bare),
            ("this repo: first entity's proto shown", proto_here, "<= 2.5x", bare),
            ("this repo: model checked", model_here, "", bare),
            ("this repo: save -> view", save_here, "< 150", None),
            ("screen switch: first visit", switches["first visit"], "< 100", None),
            ("screen switch: again", switches["again"], "< 100", None),
            ("large repo: first paint", ready_large, "< 1500", bare),
            ("large repo: first entity's proto shown", proto_large, "<= 4x", bare),
            ("large repo: model checked", model_large, "", bare),
            ("large repo: save -> view", save_large, "< 1000", None),
            ("large repo: 100,000-row seeds open", [opened], "< 500", None),
            ("large repo: longest UI stall opening it", [stall], "", None),
        ]
        print(f"{'':44} {'best ms':>7} {'median':>7}  {'target':>7}  ratio to bare (median)")
        for name, values, target, peer in rows:
            ratio = f"{statistics.median(values) / statistics.median(peer):.2f}x" if peer else ""
            print(f"{name:44} {fmt(values)}  {target:>7}  {ratio}")
        for label, root in (("this repo", REPO), ("large repo", large)):
            steps = where_time_goes(root)
            print(f"\nwhere the time goes, {label} (one process, ms): " +
                  ", ".join(f"{name} {value * 1000:.0f}" for name, value in steps.items()))
        if args.fleet:
            status, timeout, sequential, concurrent = fleet(args.fleet)
            print(f"\nfleet of {args.fleet} databases + 1 black hole (connect timeout {timeout:g} s):")
            print(f"  Migrations screen: every row, the black hole named on screen  {status:6.2f} s"
                  f"  (target <= {timeout + 2:g} s)")
            print(f"  migrate up --jobs 1   {sequential:6.2f} s")
            print(f"  migrate up --jobs 4   {concurrent:6.2f} s  ({sequential / concurrent:.1f}x faster)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
