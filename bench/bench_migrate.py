"""Benchmark `workbench migrate` on a real PostgreSQL (the embedded test server, or DATABASE_URL).

    .venv/bin/python bench/bench_migrate.py [--runs N]

Figures (issue 4):
1. `migrate status --url` of one migrated database, as a whole command, against the floor of
   `python -c "import psycopg"` measured in the same run (target: at most 1.2x the floor);
2. `migrate status` over 20 configured databases, one of them unreachable (a port that accepts
   and never answers), connect_timeout = 1 (target: the timeout plus at most 0.5 s);
3. `migrate up` of 100 generated migrations on an empty database (whole command).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.testing import create_database, drop_database, test_server  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _installed import installed_env  # noqa: E402

CPU: dict[str, list[float]] = {}  # label -> CPU seconds (user + sys) of each run


def timed(argv: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0, 1),
          label: str = "") -> float:
    """Wall time of one run; its CPU time goes to CPU[label] (steadier on a busy machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False,  # noqa: S603
                          env=installed_env(env))
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if label:
        CPU.setdefault(label, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(argv[:6])}... exited {proc.returncode}: {proc.stderr.strip()[-400:]}")
    return wall


def workbench(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "workbench", "--root", str(root), "migrate", *args]


def make_repo(base: Path, migrations: dict[str, str], toml: str = "") -> Path:
    root = base / f"repo{len(list(base.iterdir()))}"
    (root / "sql").mkdir(parents=True)
    shutil.copy2(ROOT / "sql" / "000_migration_tracker.sql", root / "sql")
    (root / "workbench.toml").write_text(toml, encoding="utf-8")
    for name, text in migrations.items():
        (root / "sql" / name).write_text(text, encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    created: list[str] = []
    hole = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    hole.bind(("127.0.0.1", 0))
    hole.listen(64)
    with test_server(ROOT) as admin, tempfile.TemporaryDirectory(prefix="bench-migrate-") as tmp:
        base = Path(tmp)
        try:
            # 1. one database, whole command, against the python + psycopg floor
            name, url = create_database(admin, "wbbench")
            created.append(name)
            timed(workbench(ROOT, "up", "--url", url), ok=(0,))
            timed(workbench(ROOT, "status", "--url", url), ok=(0,))  # warm the OS caches
            floor, status = [], []
            for _ in range(args.runs):  # interleaved so machine load hits both alike
                floor.append(timed([sys.executable, "-c", "import psycopg"], ok=(0,), label="floor"))
                status.append(timed(workbench(ROOT, "status", "--url", url), ok=(0,), label="status"))
            f, s = statistics.median(floor), statistics.median(status)
            f_best, s_best = min(floor), min(status)  # the least disturbed runs on a shared machine

            # 2. twenty databases, one unreachable
            toml = "[workbench]\nconnect_timeout = 1\n\n"
            env = dict(os.environ)
            for i in range(19):
                name, url_i = create_database(admin, "wbbench")
                created.append(name)
                env[f"BENCH_DB{i}"] = url_i
                toml += f'[databases.db{i:02}]\nurl = "${{BENCH_DB{i}}}"\n\n'
            env["BENCH_HOLE"] = f"postgresql://app:secret@127.0.0.1:{hole.getsockname()[1]}/orders"
            toml += '[databases.unreachable]\nurl = "${BENCH_HOLE}"\n'
            many_root = make_repo(base, {}, toml)
            many = [timed(workbench(many_root, "status", "--json"), env=env) for _ in range(3)]
            m = statistics.median(many)

            # 3. up of 100 generated migrations
            gen = {f"{i:03}_step_{i}.sql": (f"-- generated step {i}\n-- migrate:up\n"
                                            f"CREATE TABLE t{i} (id bigint PRIMARY KEY, note text);\n"
                                            f"CREATE INDEX t{i}_note_idx ON t{i} (note);\n"
                                            f"-- migrate:down\nDROP TABLE t{i};\n")
                   for i in range(1, 101)}
            up_root = make_repo(base, gen)
            name, url = create_database(admin, "wbbench")
            created.append(name)
            up = timed(workbench(up_root, "up", "--url", url), ok=(0,))
            st100 = timed(workbench(up_root, "status", "--url", url), ok=(0,))
        finally:
            hole.close()
            for name in created:
                drop_database(admin, name)

    print(f"workbench migrate benchmark: median of {args.runs} runs where repeated (seconds)")
    print(f"{'measure':52}{'time':>8}{'ratio':>9}  target")
    floor_label = 'python -c "import psycopg" (floor)'
    print(f"{floor_label:52}{f:8.3f}{1.0:9.2f}")
    print(f"{'migrate status --url (1 database, 8 migrations)':52}{s:8.3f}{s / f:9.2f}  <= 1.20 x floor")
    print(f"{'  best runs: status / floor':52}{s_best:8.3f}{s_best / f_best:9.2f}  (floor {f_best:.3f})")
    fc, sc = statistics.median(CPU["floor"]), statistics.median(CPU["status"])
    print(f"{'  CPU time (user+sys): status / floor':52}{sc:8.3f}{sc / fc:9.2f}  (floor {fc:.3f})")
    print(f"{'migrate status, 20 databases, 1 unreachable':52}{m:8.3f}{m / 1.0:9.2f}  <= 1.5 (timeout 1 + 0.5)")
    print(f"{'migrate up, 100 generated migrations':52}{up:8.3f}{up / 100 * 1000:8.1f}ms  per migration")
    print(f"{'migrate status, 100 applied migrations':52}{st100:8.3f}{st100 / f:9.2f}")


if __name__ == "__main__":
    main()
