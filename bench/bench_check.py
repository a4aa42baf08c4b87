"""Benchmark `workbench check` on a copy of this repository against the `python -c "import psycopg"` floor.

    .venv/bin/python bench/bench_check.py [--runs N]

Each case runs side by side with the floor (floor, case, floor, case, ...) and the figure is the
median of the per-pair ratios, so a machine shared with other work moves both alike:

- warm, nothing changed       server running, the last run's result reusable   target <= 1.5x
- warm, one migration changed the newest migration edited before each run     target <= 2.5x
- cold, first run             embedded server stopped, no caches, no template database (as a first run)
- cold, server stopped        embedded server stopped, caches kept (after a reboot)

Targets: issue 16. The copy keeps this checkout's embedded server out of it; its server is
stopped at the end.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _installed import installed_env  # noqa: E402

COPIED = ("proto", "sql", "seeders", "workbench.toml", ".squawk.toml")


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)  # noqa: S603
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.strip()}")
    return wall, proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = installed_env()
    from workbench.database.embedded import server_for

    with tempfile.TemporaryDirectory(prefix="wb-bench-check-") as tmp:
        repo = Path(tmp) / "repo"
        for name in COPIED:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, repo / name)
            elif src.is_file():
                shutil.copy2(src, repo / name)
        server = server_for(repo)
        check = [sys.executable, "-m", "workbench", "--root", str(repo), "check", "--timings"]
        floor = [sys.executable, "-c", "import psycopg"]
        newest = sorted((repo / "sql").glob("*.sql"))[-1]
        original = newest.read_text("utf-8")
        edits = iter(range(10**6))

        def first_run() -> None:
            # as on a first run: no caches, and none of the check's template databases on the server
            from workbench.database.scratch import drop_database
            from workbench.database.urls import connect

            admin = server.ensure_running()
            with connect(admin) as conn:
                names = [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'wbtpl_%'")]
            for name in names:
                drop_database(admin, name)
            server.stop()
            shutil.rmtree(repo / ".workbench" / "check", ignore_errors=True)

        def restart() -> None:
            server.stop()

        def edit_newest() -> None:
            newest.write_text(original + f"-- edit {next(edits)}\n", "utf-8")

        def nothing() -> None:
            return None

        cases: list[tuple[str, Callable[[], None], float | None]] = [
            ("cold, first run (server stopped)", first_run, None),
            ("cold, server stopped, nothing new", restart, None),
            ("warm, one migration changed", edit_newest, 2.5),
            ("warm, nothing changed", nothing, 1.5),
        ]
        try:
            subprocess.run(check, capture_output=True, check=False, env=env)  # server up, caches filled
            print(f"workbench check on a copy of {ROOT.name}: {args.runs} runs per case, each beside the floor "
                  "(python -c 'import psycopg')")
            print(f"{'case':34}{'check s':>9}{'floor s':>9}{'ratio':>8}  target   timings of the median run")
            for label, prepare, target in cases:
                ratios, walls, floors, details = [], [], [], []
                runs = max(3, args.runs // 2) if prepare in (first_run, restart) else args.runs
                for _ in range(runs):
                    f, _ = timed(floor, env)
                    prepare()
                    w, err = timed(check, env)
                    m = re.search(r"timings: (.*)", err)
                    ratios.append(w / f)
                    walls.append(w)
                    floors.append(f)
                    details.append(m[1] if m else "")
                ratio = statistics.median(ratios)
                shown = details[sorted(range(len(ratios)), key=ratios.__getitem__)[len(ratios) // 2]]
                verdict = "" if target is None else f"<= {target}x {'met' if ratio <= target else 'NOT met'}"
                print(f"{label:34}{statistics.median(walls):9.3f}{statistics.median(floors):9.3f}"
                      f"{ratio:7.2f}x  {verdict:14} {shown}")
        finally:
            newest.write_text(original, "utf-8")
            server.stop()


if __name__ == "__main__":
    main()
