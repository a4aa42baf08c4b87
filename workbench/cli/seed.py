"""`workbench seed`: validate, preview (--dry-run) and apply fixtures to one database.

Argument parsing and output only; the work is in `workbench.seed`. Exit 0: seeded (or the
dry-run found nothing wrong); 1: findings (nothing written); 2: usage or environment error.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from workbench.cli import argtypes

if TYPE_CHECKING:
    from workbench.seed.events import TableProgress
    from workbench.seed.result import SeedResult


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "seed", help="load JSON fixtures into a database: validated, idempotent, all or nothing",
        description="Seed fixtures (named by file or table, or --all) into one database. Exit 0: done; "
                    "1: findings, nothing written; 2: usage or environment error.")
    p.add_argument("--all", action="store_true",
                       help="every fixture whose table exists in the database (says which it skipped)")
    p.add_argument("fixtures", nargs="*", metavar="FIXTURE", help="fixture file or table name")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--db", metavar="NAME",
                       help="a database from workbench.toml (default: the first one listed there)")
    where.add_argument("--url", help="a database URL instead of the configured ones")
    p.add_argument("--dry-run", action="store_true",
                   help="apply in a transaction that is rolled back and show the row diff")
    p.add_argument("--mode", choices=["upsert", "insert", "replace"], default="upsert",
                   help="upsert (default): insert missing, update changed; insert: fail on existing keys; "
                        "replace: delete the tables' rows first")
    p.add_argument("--json", action="store_true", help="machine-readable output (docs/seeds.md)")
    p.add_argument("--yes", action="store_true",
                   help="confirm --mode replace (not enough for a protected database: --confirm NAME)")
    p.add_argument("--confirm", metavar="NAME",
                   help="the database's name typed back (needed to seed a protected database)")
    p.add_argument("--rows", type=argtypes.rows, default=50, metavar="N",
                   help="changed rows listed per table (default 50)")
    p.add_argument("--lock-wait", type=argtypes.lock_wait, default=60.0, metavar="S",
                   help="seconds to wait for another runner's lock (default 60)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.cli.output import checked_config
    from workbench.errors import UsageError
    from workbench.migrate.targets import resolve_targets
    from workbench.seed.events import SeedEvent, TableProgress
    from workbench.seed.run import Options, seed

    if args.all and args.fixtures:
        raise UsageError("name fixtures or use --all, not both")
    if not args.all and not args.fixtures:
        raise UsageError("which fixtures? name them (file or table) or use --all")
    config = checked_config(args.root)
    targets = resolve_targets(config, names=[args.db] if args.db else None, url=args.url, root=args.root)
    if len(targets) > 1 and not args.json:
        # Seeding is for one database at a time: the first configured one (a dev database) by default.
        print(f"seeding {targets[0].name}, the first database in workbench.toml (others: --db NAME)",
              file=sys.stderr)
    tty = sys.stdin.isatty() and sys.stderr.isatty()
    options = Options(mode=args.mode, dry_run=args.dry_run, yes=args.yes, confirm=args.confirm, row_limit=args.rows,
                      lock_wait=args.lock_wait, connect_timeout=config.connect_timeout)
    bar = _Bar() if tty and not args.json else None

    def on_event(event: SeedEvent) -> None:
        if isinstance(event, TableProgress):
            if bar:
                bar.update(event)
        elif not args.json:
            print(event.text(), file=sys.stderr)

    try:
        result = seed(args.root, targets[0], None if args.all else list(args.fixtures), options,
                      ask=_ask if tty else None, on_event=on_event)
    finally:
        if bar:
            bar.close()
    if args.json:
        from workbench.cli.output import print_json

        print_json(result.to_json())
    else:
        _print(result)
    return result.exit_code


def _ask(prompt: str) -> str:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    try:
        return input()
    except EOFError:
        return ""


class _Bar:
    """One line on stderr: table, rows, a bar by bytes read (redrawn at most 10 times a second)."""

    def __init__(self) -> None:
        import time

        self.clock = time.monotonic
        self.last = 0.0
        self.rows = 0
        self.shown = False

    def update(self, event: TableProgress) -> None:
        table, fraction = event.table, event.fraction
        self.rows += event.rows
        now = self.clock()
        if now - self.last < 0.1 and fraction < 1.0:
            return
        self.last = now
        width = 30
        full = int(width * fraction)
        sys.stderr.write(f"\r[{'#' * full}{'.' * (width - full)}] {fraction * 100:3.0f}% {table:<20.20} "
                         f"{self.rows:>9,} rows")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


_SHOWN = 50  # findings printed for people; --json has them all


def _print(result: SeedResult) -> None:
    from workbench.cli.output import plural, print_findings

    shown = result.findings[:_SHOWN]
    errors, _warnings = print_findings(shown)
    errors += sum(f.severity == "error" for f in result.findings[_SHOWN:])
    if len(result.findings) > _SHOWN:
        print(f"... and {len(result.findings) - _SHOWN} more findings (--json lists them all)")
    for s in result.skipped:
        print(f"skipped {s.fixture}: {s.reason}")
    verb = "would" if result.dry_run else "did"
    for t in result.tables:
        counts = f"{t.inserted} inserted, {t.updated} updated, {t.unchanged} unchanged"
        if result.mode == "replace":
            counts += f", {t.deleted} deleted"
        print(f"{t.table:<20} {counts}  ({t.fixture})")
        if result.dry_run:
            for r in t.rows:
                key = ", ".join(f"{k}={v!r}" for k, v in r["key"].items())
                if r["change"] == "insert":
                    print(f"  + {key}  (line {r['line']})")
                    continue
                print(f"  ~ {key}  (line {r['line']})")
                for col, (before, after) in r["columns"].items():
                    print(f"      {col}: {before!r} -> {after!r}")
            if t.rows_omitted:
                print(f"  ... and {t.rows_omitted} more changed rows")
    if result.sequences:
        print("sequences moved past the seeded ids: "
              + ", ".join(f"{seq.rsplit('.', 1)[-1]} -> {value}" for seq, value in result.sequences))
    for note in result.notes:
        print(f"note: {note}")
    inserted = sum(t.inserted for t in result.tables)
    updated = sum(t.updated for t in result.tables)
    if not result.ok:
        print(f"{result.database}: {plural(errors, 'error')}; nothing written")
    elif not result.tables:
        print(f"{result.database}: no fixture's table exists there (migrated? workbench migrate status)")
    elif result.dry_run:
        print(f"{result.database}: dry-run, {inserted} would be inserted, {updated} updated; nothing written")
    elif not inserted and not updated and not any(t.deleted for t in result.tables):
        print(f"{result.database}: nothing to do ({verb} not change any row)")
    else:
        print(f"{result.database}: {inserted} inserted, {updated} updated in {result.seconds:.2f} s")
