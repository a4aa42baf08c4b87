"""Benchmark `workbench seed` against `psql \\copy` of the same 100,000 product rows.

    .venv/bin/python bench/bench_seed.py [--rows N] [--runs N] [--durable]

Both sides run as a user runs them: a fresh process each (`workbench seed --url ... products`
with its interpreter start-up, imports and connection, as `psql` pays its own), alternating which
side goes first in each run. Cases: psql \\copy of a CSV into the empty table (the peer), the first
seed into the empty table, the same seed again (all unchanged), a seed with 10% of the rows
changed, and a dry-run of that. The in-process figure of the first seed (no interpreter start-up)
is printed too, for reference. Ratios are medians of per-run paired ratios (psql's time / the
seed's time, measured back to back). Targets (issue 6): first seed >= 0.7x psql's rows/s; the
unchanged re-run and the dry-run >= 0.5x.

The test server runs with fsync, synchronous_commit and full_page_writes off (throwaway data).
`--durable` starts a separate embedded server with PostgreSQL's defaults for the run instead.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

COLUMNS = ["id", "sku", "name", "remedy_name", "brand_id", "category_id", "potency", "potency_scale", "dosage_form",
           "pack_size", "is_combination", "unit_price_minor", "currency_code", "tax_rate_basis_points",
           "requires_prescription", "description", "is_active"]
REMEDIES = ["Arnica montana", "Nux vomica", "Belladonna", "Rhus toxicodendron", "Calcarea carbonica", "Pulsatilla",
            "Bryonia alba", "Ferrum phosphoricum"]


def product(i: int, bump: int = 0) -> dict[str, object]:
    remedy = REMEDIES[i % len(REMEDIES)]
    return {"id": i, "sku": f"GEN-{i:06d}", "name": f"{remedy} 30C globules 10 g #{i}", "remedy_name": remedy,
            "brand_id": 1, "category_id": 1, "potency": "30C", "potency_scale": "c", "dosage_form": "globules",
            "pack_size": "10 g", "is_combination": False, "unit_price_minor": 9000 + i % 700 + bump,
            "currency_code": "INR", "tax_rate_basis_points": 500, "requires_prescription": False,
            "description": "Generated for the seed benchmark.", "is_active": True}


def write_fixture(path: Path, rows: int, changed_every: int = 0, bump: int = 0) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{\n  "table": "products",\n  "key": ["sku"],\n  "rows": [\n')
        for i in range(1, rows + 1):
            row = product(i, bump if changed_every and i % changed_every == 0 else 0)
            fh.write("    " + json.dumps(row, ensure_ascii=False) + (",\n" if i < rows else "\n"))
        fh.write("  ]\n}\n")


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for i in range(1, rows + 1):
            r = product(i)
            w.writerow(["t" if v is True else "f" if v is False else v for v in (r[c] for c in COLUMNS)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--durable", action="store_true",
                        help="a server with PostgreSQL's default durability settings (fsync on)")
    args = parser.parse_args()

    import psycopg
    from _installed import installed_env

    from workbench.contracts.migration_files import load_migrations
    from workbench.database.embedded import EmbeddedServer, bin_dir
    from workbench.migrate.runner import Options as MigrateOptions
    from workbench.migrate.runner import execute
    from workbench.migrate.targets import Target
    from workbench.seed.run import Options, seed
    from workbench.testing import create_database, drop_database, test_server

    n = args.rows
    env = installed_env()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        durable = EmbeddedServer(work / "durable-pg", fast=False) if args.durable else None
        server = durable.shared_use() if durable is not None else test_server(ROOT)
        with server as admin:
            (work / "seeders").mkdir()
            (work / "workbench.toml").write_text("# the seed benchmark's repository: one fixture\n")
            fixture = work / "seeders" / "products.json"
            csv_path = work / "products.csv"
            write_csv(csv_path, n)
            name, url = create_database(admin, "wbbench")
            try:
                times = measure(work, url, fixture, csv_path, n, args.runs, env, bin_dir(), psycopg,
                                (execute, MigrateOptions, Target, load_migrations, seed, Options))
            finally:
                drop_database(admin, name)
    report(times, n, args.runs, "defaults (fsync on)" if args.durable else "fsync/synchronous_commit/"
           "full_page_writes off")


def measure(work: Path, url: str, fixture: Path, csv_path: Path, n: int, runs: int, env: dict[str, str],
            pg_bin: Path, psycopg: Any, api: tuple[Any, ...]) -> dict[str, list[float]]:
    execute, MigrateOptions, Target, load_migrations, seed, Options = api
    migrations, _ = load_migrations(ROOT / "sql", "sql/")
    target = Target("wbbench", url, configured=False)
    assert execute(ROOT, target, migrations, "up", options=MigrateOptions(), on_event=lambda _e: None).ok
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO brands (id, name, slug) VALUES (1, 'Bench', 'bench')")
        conn.execute("INSERT INTO categories (id, name, slug) VALUES (1, 'Bench', 'bench')")

    def empty() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("TRUNCATE products CASCADE")
            conn.execute("VACUUM ANALYZE products")

    def psql_copy() -> None:
        cmd = [str(pg_bin / "psql"), url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
               f"\\copy products ({', '.join(COLUMNS)}) FROM '{csv_path}' WITH (FORMAT csv)"]
        subprocess.run(cmd, check=True, capture_output=True)  # noqa: S603 - fixed argv, no shell

    def seed_command(*extra: str) -> None:
        cmd = [str(Path(sys.executable).parent / "workbench"), "--root", str(work), "seed", "--url", url,
               "products", "--rows", "20", *extra]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)  # noqa: S603
        if proc.returncode != 0:
            raise SystemExit(f"workbench seed exited {proc.returncode}: {proc.stderr.strip()[:500]}")

    def seed_in_process() -> None:
        result = seed(work, target, ["products"], Options(row_limit=20))
        if not result.ok:
            raise SystemExit("seed failed: " + "; ".join(f.format() for f in result.findings[:3]))

    def timed(setup: Callable[[], None], action: Callable[[], None]) -> float:
        setup()
        t0 = time.perf_counter()
        action()
        return time.perf_counter() - t0

    times: dict[str, list[float]] = {k: [] for k in ("psql", "first", "unchanged", "changed", "dry", "inproc")}
    for run in range(runs):
        write_fixture(fixture, n)
        # Alternate who goes first: a warm page cache or a quiet moment favours whoever runs second.
        pair = [("psql", psql_copy), ("first", seed_command)]
        for key, action in pair if run % 2 == 0 else reversed(pair):
            times[key].append(timed(empty, action))
        times["unchanged"].append(timed(lambda: None, seed_command))
        times["inproc"].append(timed(empty, seed_in_process))
        # Alternate the bump so every run changes 10% of the rows against the previous one.
        write_fixture(fixture, n, changed_every=10, bump=run + 1)
        times["dry"].append(timed(lambda: None, lambda: seed_command("--dry-run")))
        times["changed"].append(timed(lambda: None, seed_command))
        print(f"run {run + 1}/{runs}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()),
              file=sys.stderr)
    return times


def report(times: dict[str, list[float]], n: int, runs: int, server: str) -> None:
    # Ratios are paired per run (psql and the seed measured back to back), then their median:
    # on a shared machine the load drifts between runs more than within one.
    labels = {"psql": "psql \\copy (CSV, empty table)", "first": "workbench seed, empty table",
              "unchanged": "seed again, all unchanged", "changed": "seed, 10% of rows changed",
              "dry": "seed --dry-run, 10% changed", "inproc": "seed() in-process, empty table"}
    targets = {"first": 0.7, "unchanged": 0.5, "dry": 0.5}
    print(f"{n:,} product rows, {runs} runs side by side, server: {server}")
    print("(seconds: median; vs psql: median of the per-run ratios psql/seed, higher is faster)")
    print(f"{'case':34}{'seconds':>9}{'rows/s':>11}{'vs psql':>9}{'target':>8}")
    for key, label in labels.items():
        sec = statistics.median(times[key])
        ratio = statistics.median(p / t for p, t in zip(times["psql"], times[key], strict=True))
        target = f">={targets[key]:.1f}x" if key in targets else ""
        mark = "" if key not in targets else (" ok" if ratio >= targets[key] else " MISS")
        print(f"{label:34}{sec:9.3f}{n / sec:11,.0f}{ratio:8.2f}x{target:>8}{mark}")


if __name__ == "__main__":
    main()
