"""Benchmark `workbench check` on this repository: cold (embedded server stopped) and warm,
split into compile / load / checks / database, plus the whole command as a user runs it.

    .venv/bin/python bench/bench_check.py [--runs N]

Target (issue 2): warm under 1 s on this repository.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _installed import installed_env  # noqa: E402


def run_once() -> tuple[float, dict[str, float]]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "workbench", "--root", str(ROOT), "check", "--timings"],
                          capture_output=True, text=True, check=False, env=installed_env())
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"workbench check failed: {proc.stderr.strip()}")
    m = re.search(r"timings: (.*)", proc.stderr)
    parts = {k: float(v) / 1000 for k, v in re.findall(r"(\w+) (\d+) ms", m[1])} if m else {}
    return wall, parts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from workbench.embedded import server_for

    server = server_for(ROOT)
    rows = []
    colds = []
    for _ in range(max(1, args.runs // 2)):
        server.stop()
        colds.append(run_once())
    rows.append(("cold (server stopped)", colds))
    warms = [run_once() for _ in range(args.runs)]
    rows.append(("warm (server running)", warms))
    floor = [0.0] * args.runs
    for i in range(args.runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import psycopg"], check=True)
        floor[i] = time.perf_counter() - t0

    print(f"workbench check on {ROOT.name}: median of runs (seconds)")
    print(f"{'':24}{'wall':>8}{'compile':>9}{'load':>8}{'checks':>8}{'database':>10}")
    for label, results in rows:
        wall = statistics.median(r[0] for r in results)
        med = {k: statistics.median(r[1].get(k, 0.0) for r in results) for k in ("compile", "load", "checks", "database")}
        print(f"{label:24}{wall:8.3f}{med['compile']:9.3f}{med['load']:8.3f}{med['checks']:8.3f}{med['database']:10.3f}")
    warm = statistics.median(r[0] for r in warms)
    print(f"floor: python + import psycopg {statistics.median(floor):.3f} s; warm / floor = "
          f"{warm / statistics.median(floor):.2f}x; target warm < 1 s: {'met' if warm < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
