"""Benchmark `workbench seed` against `psql \\copy` of the same 100,000 product rows.

    .venv/bin/python bench/bench_seed.py [--rows N] [--runs N]

Cases, run side by side (alternating, median of --runs) on one database of the embedded test
server (or DATABASE_URL): psql \\copy of a CSV into the empty table (the peer), the first seed
into the empty table, the same seed again (all unchanged), a seed with 10% of the rows
changed, and a dry-run of that. Targets (issue 6): first seed >= 0.7x psql's rows/s; the
unchanged re-run and the dry-run >= 0.5x. The seed runs in-process (no interpreter start-up),
from the JSON fixture on disk: parsing, validation, COPY to staging, MERGE, sequences.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
    args = parser.parse_args()

    import psycopg

    from workbench.embedded import bin_dir
    from workbench.migrate.runner import Options as MigrateOptions
    from workbench.migrate.runner import execute
    from workbench.migrate.targets import Target
    from workbench.migrations import load_migrations
    from workbench.seed.run import Options, seed
    from workbench.testing import create_database, drop_database, test_server

    n = args.rows
    with tempfile.TemporaryDirectory() as tmp, test_server(ROOT) as admin:
        work = Path(tmp)
        (work / "seeders").mkdir()
        fixture = work / "seeders" / "products.json"
        csv_path = work / "products.csv"
        write_csv(csv_path, n)
        name, url = create_database(admin, "wbbench")
        try:
            migrations, _ = load_migrations(ROOT / "sql", "sql/")
            target = Target(name, url, configured=False)
            assert execute(ROOT, target, migrations, "up", options=MigrateOptions(), log=lambda _m: None).ok
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("INSERT INTO brands (id, name, slug) VALUES (1, 'Bench', 'bench')")
                conn.execute("INSERT INTO categories (id, name, slug) VALUES (1, 'Bench', 'bench')")

            def empty() -> None:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute("TRUNCATE products CASCADE")
                    conn.execute("VACUUM ANALYZE products")

            def psql_copy() -> None:
                cmd = [str(bin_dir() / "psql"), url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                       f"\\copy products ({', '.join(COLUMNS)}) FROM '{csv_path}' WITH (FORMAT csv)"]
                subprocess.run(cmd, check=True, capture_output=True)

            def run_seed(dry_run: bool = False) -> None:
                result = seed(work, target, ["products"], Options(dry_run=dry_run, row_limit=20))
                if not result.ok:
                    raise SystemExit("seed failed: " + "; ".join(f.format() for f in result.findings[:3]))

            def timed(setup: Callable[[], None], action: Callable[[], None]) -> float:
                setup()
                t0 = time.perf_counter()
                action()
                return time.perf_counter() - t0

            times: dict[str, list[float]] = {k: [] for k in ("psql", "first", "unchanged", "changed", "dry")}
            for run in range(args.runs):
                write_fixture(fixture, n)
                times["psql"].append(timed(empty, psql_copy))
                times["first"].append(timed(empty, run_seed))
                times["unchanged"].append(timed(lambda: None, run_seed))
                # Alternate the bump so every run changes 10% of the rows against the previous one.
                write_fixture(fixture, n, changed_every=10, bump=run + 1)
                times["dry"].append(timed(lambda: None, lambda: run_seed(dry_run=True)))
                times["changed"].append(timed(lambda: None, run_seed))
                print(f"run {run + 1}/{args.runs}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()),
                      file=sys.stderr)
        finally:
            drop_database(admin, name)

    # Ratios are paired per run (psql and the seed measured back to back), then the median and
    # the best of them: on a shared machine the load drifts between runs more than within one.
    labels = {"psql": "psql \\copy (CSV, empty table)", "first": "seed, empty table",
              "unchanged": "seed again, all unchanged", "changed": "seed, 10% of rows changed",
              "dry": "seed --dry-run, 10% changed"}
    targets = {"first": 0.7, "unchanged": 0.5, "dry": 0.5}
    print(f"{n:,} product rows, {args.runs} runs side by side (seconds: median)")
    print(f"{'case':34}{'seconds':>9}{'rows/s':>11}{'vs psql':>9}{'best':>7}{'target':>8}")
    for key, label in labels.items():
        sec = statistics.median(times[key])
        paired = [p / t for p, t in zip(times["psql"], times[key], strict=True)]
        ratio, best = statistics.median(paired), max(paired)
        target = f">={targets[key]:.1f}x" if key in targets else ""
        mark = "" if key not in targets else (" ok" if ratio >= targets[key] else " MISS")
        print(f"{label:34}{sec:9.3f}{n / sec:11,.0f}{ratio:8.2f}x{best:6.2f}x{target:>8}{mark}")

if __name__ == "__main__":
    main()
