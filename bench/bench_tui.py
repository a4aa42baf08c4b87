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
Targets (issue 3): first paint < 0.4 s; save->view < 150 ms here, < 1 s on the large repo;
large-repo first paint < 1.5 s; 100,000-row fixture open < 0.5 s without freezing the UI.
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

    def _shown(self, _snapshot: object) -> None:
        self.call_after_refresh(self._done)

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


def first_paint(root: Path, runs: int) -> tuple[list[float], list[float]]:
    ready, model = [], []
    for _ in range(runs):
        times = run_child(CHILD, str(root))
        ready.append(times["ready"])
        model.append(times["model"])
    return ready, model


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
        model_here: list[float] = []
        ready_large: list[float] = []
        model_large: list[float] = []
        for _ in range(args.runs):
            bare += bare_paint(1)
            r, m = first_paint(REPO, 1)
            ready_here += r
            model_here += m
            r, m = first_paint(large, 1)
            ready_large += r
            model_large += m
        save_here = asyncio.run(_save_to_view(here, args.runs, here_entity))
        save_large = asyncio.run(_save_to_view(large, max(2, args.runs // 2), "Thing123"))
        opened, stall = asyncio.run(_open_big_fixture(large, big_entity))

        rows = [
            ("bare Textual app: first paint (peer)", bare, "", None),
            ("this repo: first paint", ready_here, "< 400", bare),
            ("this repo: model shown", model_here, "", bare),
            ("this repo: save -> view", save_here, "< 150", None),
            ("large repo: first paint", ready_large, "< 1500", bare),
            ("large repo: model shown", model_large, "", bare),
            ("large repo: save -> view", save_large, "< 1000", None),
            ("large repo: 100,000-row seeds open", [opened], "< 500", None),
            ("large repo: longest UI stall opening it", [stall], "", None),
        ]
        print(f"{'':44} {'best ms':>7} {'median':>7}  {'target':>7}  ratio to bare (median)")
        for name, values, target, peer in rows:
            ratio = f"{statistics.median(values) / statistics.median(peer):.2f}x" if peer else ""
            print(f"{name:44} {fmt(values)}  {target:>7}  {ratio}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
