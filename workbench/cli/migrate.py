"""`workbench migrate`: status, up, down, create, reset, baseline, resolve, drift, protect.

Argument parsing and output only; the work is in `workbench.migrate`. Module-level imports
stay light so `workbench --help` and `migrate status` start fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.cli import argtypes

if TYPE_CHECKING:
    from workbench.contracts.migration_files import Migration
    from workbench.migrate.activity import Activity
    from workbench.migrate.events import MigrateEvent
    from workbench.migrate.lock import LockHolder
    from workbench.migrate.runner import Failure, RunResult
    from workbench.migrate.status import DatabaseStatus, MigrationStatus
    from workbench.migrate.targets import Target


def _dumps(data: object, indent: int | None = None) -> str:
    import json  # only --json needs it: keep `migrate status` start-up lean

    return json.dumps(data, indent=indent)


DEFAULT_JOBS = 4  # = workbench.migrate.fleet.DEFAULT_JOBS (not imported: `--help` stays light)
ACTIONS = ("status", "watch", "up", "down", "create", "reset", "baseline", "resolve", "drift", "protect", "unprotect")
REGISTER_TAKES_ARGV = True  # tells `workbench.cli.main` to pass the command line to `register`


def _invoked_action(argv: list[str] | None) -> str | None:
    """The migrate action named on the command line, when one is and no help is asked for."""
    if argv is None or "migrate" not in argv or any(a.startswith(("-h", "--h")) for a in argv):
        return None
    action = next((a for a in argv[argv.index("migrate") + 1:] if not a.startswith("-")), None)
    return action if action in ACTIONS else None


def register(subparsers: Any, argv: list[str] | None = None) -> None:
    # Why `argv`: with an action named (and no help asked for) only that action's parser is
    # built; the other nine cost `migrate status` ~2 ms (issue 4). Anything else, such as
    # `migrate --help` or a misspelt action, builds them all, so argparse's help and errors
    # stay the same.
    only = _invoked_action(argv)

    def wanted(name: str) -> bool:
        return only is None or name == only

    parser = subparsers.add_parser(
        "migrate", help="apply, revert and inspect SQL migrations on one or many databases",
        description="Migrations per database: status, up, down, create, reset, baseline, resolve, drift. "
                    "Without --db/--url a command works on every database in workbench.toml.")
    sub = parser.add_subparsers(dest="migrate_command", metavar="ACTION", required=True)

    def add(name: str, help_text: str, *, db: bool = True, confirm: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        if db:
            where = p.add_mutually_exclusive_group()
            where.add_argument("--db", action="append", metavar="NAME",
                               help="a database from workbench.toml (repeatable; default: all)")
            where.add_argument("--url", help="a database URL instead of the configured ones")
            p.add_argument("--connect-timeout", type=argtypes.connect_timeout, default=None, metavar="S",
                           help="seconds to wait for each connection (default: workbench.toml, 3)")
        p.add_argument("--json", action="store_true", help="machine-readable output (see README)")
        if confirm:
            p.add_argument("--yes", action="store_true", help="confirm (not enough for a protected database)")
            p.add_argument("--confirm", metavar="NAME", help="the database's name typed back (protected ones)")
        return p

    def locking(p: argparse.ArgumentParser) -> None:
        p.add_argument("--lock-timeout", type=argtypes.lock_timeout, default=None, metavar="T",
                       help="PostgreSQL lock_timeout per migration, e.g. 5s (default: workbench.toml)")
        p.add_argument("--lock-wait", type=argtypes.lock_wait, default=60.0, metavar="S",
                       help="seconds to wait for another runner's lock (default 60)")

    def live(p: argparse.ArgumentParser) -> None:
        p.add_argument("--stuck-after", type=argtypes.stuck_after, default=None, metavar="S",
                       help="a migration waiting on a lock this long is stuck: exit 1 (default 30)")
        # Works outside a checkout too: with --url, the tracker alone (docs/migrations.md).
        p.set_defaults(root_optional=True)

    if wanted("status"):
        p = add("status", "state of every migration in each database, and the migration running now")
        p.add_argument("-v", "--verbose", action="store_true",
                       help="with several databases: every migration of each, not the grid")
        live(p)
    if wanted("watch"):
        p = add("watch", "refresh status, the running statement and its lock graph every second until Ctrl+C")
        p.add_argument("--interval", type=argtypes.interval, default=1.0, metavar="S",
                       help="seconds between refreshes (default 1)")
        p.add_argument("--count", type=argtypes.count, default=None, metavar="N",
                       help="stop after N refreshes (default: until Ctrl+C)")
        live(p)
    if wanted("up"):
        p = add("up", "apply pending migrations")
        p.add_argument("--to", metavar="V", type=argtypes.version, help="stop after version V")
        p.add_argument("--dry-run", action="store_true",
                       help="print statements, transactions and the locks each takes; change nothing")
        p.add_argument("--out-of-order", action="store_true", help="also apply pending versions older than applied ones")
        p.add_argument("--jobs", "-j", type=argtypes.jobs, default=DEFAULT_JOBS, metavar="N",
                       help=f"databases migrated at once (default {DEFAULT_JOBS}); a failure stops only its own")
        locking(p)
    if wanted("down"):
        p = add("down", "roll back applied migrations (newest first)", confirm=True)
        steps = p.add_mutually_exclusive_group()
        steps.add_argument("--steps", type=argtypes.steps, default=None, metavar="N",
                           help="how many, a positive number (default 1)")
        steps.add_argument("--to", metavar="V", type=argtypes.version,
                           help="roll back everything newer than V (an applied version)")
        locking(p)
    if wanted("create"):
        p = add("create", "write the next numbered migration file", db=False)
        p.add_argument("name", help="snake_case description, e.g. add_orders_note")
    if wanted("reset"):
        p = add("reset", "roll back every migration, then apply all again", confirm=True)
        locking(p)
    if wanted("baseline"):
        p = add("baseline", "mark an existing database as being at version V (older files count as applied)")
        p.add_argument("version", metavar="V", type=argtypes.version)
        locking(p)
    if wanted("resolve"):
        p = add("resolve", "after fixing a failed migration by hand, mark it applied or rolled back", confirm=True)
        p.add_argument("version", metavar="V", type=argtypes.version)
        how = p.add_mutually_exclusive_group(required=True)
        how.add_argument("--applied", action="store_true")
        how.add_argument("--rolled-back", action="store_true")
        locking(p)
    if wanted("drift"):
        p = add("drift", "compare the live schema with what its applied migrations produce (scratch database)")
        p.add_argument("--scratch-url", metavar="URL",
                       help="server for the scratch database (default: the embedded server)")
    if wanted("protect"):
        p = add("protect", "store the protection mark inside the database (guards every URL that reaches it)")
        p.add_argument("--read-only", dest="read_only_mark", action="store_true",
                       help="mark it read-only as well (a read-only database in workbench.toml always is)")
        p.add_argument("--confirm", metavar="NAME", help="the database's name typed back (read-only ones)")
        locking(p)
    if wanted("unprotect"):
        p = add("unprotect", "remove the protection mark from the database", confirm=True)
        locking(p)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.migrate_command != "status":
        return _run(args)
    # Why: `migrate status` is short-lived and its time is almost all imports (ours, then
    # psycopg's); each creates objects that live until exit, and the cyclic GC rescans them
    # ~60 times on the way (~8 ms, issue 4: status within 1.2x of Python + psycopg). Nothing
    # it allocates needs collecting before it returns; the GC is back on for any caller after.
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if enabled:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    from workbench.cli.output import checked_config
    from workbench.workspace import migration_files

    action = args.migrate_command
    if args.root is None:  # status or watch outside a checkout: the tracker alone
        return _without_repository(args)
    root: Path = args.root
    config = checked_config(root)
    # the files as the TUI's Migrations screen reads them (workspace.migration_files)
    config, files, findings = migration_files(root, config)
    sql_dir = root / config.migrations_dir
    if action == "create":
        from workbench.migrate.create import create_migration

        path = create_migration(sql_dir, args.name, files)
        rel = path.relative_to(root).as_posix()
        print(_dumps({"file": rel}) if args.json else f"created {rel}")
        return 0

    from workbench.findings import Severity
    from workbench.migrate.targets import resolve_targets

    targets = resolve_targets(config, names=args.db, url=args.url, root=root)
    timeout = args.connect_timeout or config.connect_timeout
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not args.json:
        for f in findings:
            if f.rule.startswith("MIGRATION") and f.severity is not Severity.INFO:
                print(f.format(), file=sys.stderr)
    if action == "status":
        return _status(root, targets, files, timeout, args.json, explicit=bool(args.db or args.url),
                       grid=not args.verbose, stuck_after=args.stuck_after)
    if action == "watch":
        return _watch(root, targets, files, timeout, args)
    if action == "drift":
        return _drift(root, targets, files, timeout, args)
    if errors:
        if args.json:
            print(_dumps({"databases": [], "errors": [f.to_json() for f in errors]}, indent=2))
        print("workbench: migration files have errors (above); nothing was run", file=sys.stderr)
        return 1
    if action == "up" and args.dry_run:
        return _dry_run(root, targets, files, timeout, args, config.lock_timeout)
    return _execute(root, targets, files, action, args, config.lock_timeout, timeout)


# -- status ----------------------------------------------------------------------------------------
NO_REPOSITORY = ("no contracts repository here: the tracker alone is shown; what is pending or edited "
                 "needs the migration files (run inside a checkout, or --root DIR)")


def _without_repository(args: argparse.Namespace) -> int:
    """status/watch on an on-call host with no checkout: a URL, and the tracker's own history."""
    from workbench.contracts.config import Config
    from workbench.errors import UsageError
    from workbench.migrate.targets import resolve_targets

    if not args.url:
        raise UsageError(f"{Path.cwd()}: not inside a contracts repository; give the database as --url URL "
                         "(or run inside a checkout, or --root DIR)")
    config = Config()
    targets = resolve_targets(config, url=args.url)
    timeout = args.connect_timeout or config.connect_timeout
    root = Path.cwd()  # unused for a URL target (no embedded server without a repository)
    if args.migrate_command == "watch":
        return _watch(root, targets, None, timeout, args)
    if not args.json:
        print(f"({NO_REPOSITORY})")
    return _status(root, targets, None, timeout, args.json, explicit=True, grid=False,
                   stuck_after=args.stuck_after)


def _status(root: Path, targets: list[Target], files: list[Migration] | None, timeout: float, as_json: bool,
            *, explicit: bool, grid: bool = True, stuck_after: float | None = None) -> int:
    from workbench.migrate.status import status_all

    progress = _Progress(len(targets), "checked", enabled=not as_json and len(targets) > 1)
    statuses = status_all(root, targets, files, timeout=timeout, on_done=lambda _st: progress.step())
    progress.finish()
    _apply_threshold(statuses, stuck_after)
    if as_json:
        print(_dumps(_status_json(statuses, files), indent=2))
    elif grid and len(statuses) > 1:
        _print_grid(statuses)
    else:
        for st in statuses:
            _print_status(st)
    return _status_exit(statuses, explicit=explicit)


def _apply_threshold(statuses: list[DatabaseStatus], stuck_after: float | None) -> None:
    if stuck_after is None:
        return
    for st in statuses:
        if st.activity is not None:
            st.activity.stuck_after = stuck_after


def _status_json(statuses: list[DatabaseStatus], files: list[Migration] | None) -> dict[str, object]:
    out: dict[str, object] = {"databases": [st.to_json() for st in statuses]}
    if files is None:
        out["repository"] = None
        out["note"] = NO_REPOSITORY
    return out


def _status_exit(statuses: list[DatabaseStatus], *, explicit: bool) -> int:
    reachable = [st for st in statuses if st.reachable]
    if statuses and not reachable:
        return 2  # nothing could be read: an environment problem, not "up to date"
    if any(st.stuck for st in reachable):
        return 1
    return 0 if all(st.up_to_date for st in reachable) else 1


def _watch(root: Path, targets: list[Target], files: list[Migration] | None, timeout: float,
           args: argparse.Namespace) -> int:
    """Status every --interval seconds until Ctrl+C (or --count refreshes).

    Each refresh opens short autocommit sessions (status_all: statement_timeout = the connect
    timeout), so watching never holds a lock or a transaction open on the database.
    """
    import time
    from datetime import datetime

    from workbench.migrate.status import status_all

    tty = sys.stdout.isatty() and not args.json
    done = 0
    code = 0
    try:
        while True:
            started = time.monotonic()
            statuses = status_all(root, targets, files, timeout=timeout)
            _apply_threshold(statuses, args.stuck_after)
            code = _status_exit(statuses, explicit=True)
            now = datetime.now().astimezone()
            if args.json:
                print(_dumps({"time": now.isoformat(timespec="seconds"), **_status_json(statuses, files)}),
                      flush=True)
            else:
                if tty:
                    print("\x1b[H\x1b[2J", end="")  # redraw in place, like top
                print(f"-- {now:%Y-%m-%d %H:%M:%S %Z}  (every {args.interval:g} s; Ctrl+C to stop)")
                if files is None:
                    print(f"({NO_REPOSITORY})")
                for st in statuses:
                    _print_status(st)
                sys.stdout.flush()
            done += 1
            if args.count is not None and done >= args.count:
                return code
            time.sleep(max(0.0, args.interval - (time.monotonic() - started)))
    except KeyboardInterrupt:
        return code


_STATE_WORDS = {
    "applied": "applied", "pending": "pending", "checksum_mismatch": "EDITED after apply",
    "missing": "MISSING file", "future": "future (newer than files)", "out_of_order": "pending, OUT OF ORDER",
    "failed": "FAILED", "partial": "PARTIAL", "partially_rolled_back": "PARTIALLY ROLLED BACK",
    "baseline": "baseline", "below_baseline": "below baseline",
}


_GRID_WORDS = {
    "applied": "applied", "pending": "pending", "checksum_mismatch": "EDITED", "missing": "MISSING",
    "future": "future", "out_of_order": "OUT-ORDER", "failed": "FAILED", "partial": "PARTIAL",
    "partially_rolled_back": "HALF-DOWN", "baseline": "baseline", "below_baseline": "below-bl",
}


def activity_lines(holder: LockHolder | None, activity: Activity | None) -> list[str]:
    from workbench.cli.activity_text import activity_lines as lines

    return lines(holder, activity)


def _print_grid(statuses: list[DatabaseStatus]) -> None:
    """Several databases at once: migrations x databases, then only what needs attention."""
    names: dict[str, str] = {}
    for st in statuses:
        for m in st.migrations:
            names.setdefault(m.version, m.name)
    versions = sorted(names, key=int)
    first = max([len(f"{v} {names[v]}") for v in versions] + [9])
    widths = [max(len(st.name), 9) + 2 for st in statuses]
    header = "migration".ljust(first + 2) + "".join(st.name.ljust(w) for st, w in zip(statuses, widths, strict=True))
    print(header.rstrip())
    for v in versions:
        cells = []
        for st, w in zip(statuses, widths, strict=True):
            if not st.reachable:
                word = "-"
            else:
                found = next((m for m in st.migrations if m.version == v), None)
                word = _GRID_WORDS.get(str(found.state), str(found.state)) if found else ""
            cells.append(word.ljust(w))
        print((f"{v} {names[v]}".ljust(first + 2) + "".join(cells)).rstrip())
    print()
    for st in statuses:
        flags = "".join(f"  [{f}]" for f, on in (("protected", st.protected), ("read-only", st.read_only))
                        if on)
        if not st.reachable:
            print(f"{st.name}: UNREACHABLE ({st.url}): {st.error}{flags}")
            continue
        counts = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in st.counts().items()) or "no migrations"
        print(f"{st.name}: {'up to date' if st.up_to_date else 'NOT up to date'} ({counts}){flags}")
        for line in activity_lines(st.lock_holder, st.activity):
            print(line)
        if st.error:
            print(f"  error: {st.error}")
        for m in st.migrations:
            if str(m.state) in ("failed", "partial", "partially_rolled_back", "checksum_mismatch"):
                _print_problem(m)
        _print_invalid_indexes(st)
    print("\n(`workbench migrate status --db NAME` or -v for every migration of a database)")


def _print_problem(m: MigrationStatus) -> None:
    print(f"  {m.version} {m.name}: {_STATE_WORDS.get(str(m.state), str(m.state))}")
    _print_details(m)


def _print_details(m: MigrationStatus) -> None:
    """What a person needs under a migration that is not simply applied: the failure, the edit."""
    row = m.row
    if row is not None and row.rollback is not None:
        rb = row.rollback
        print(f"      rollback stopped after {rb.statements_done} statement(s) of the down part; `down` resumes it")
        if rb.error:
            print(f"      error: {rb.error}")
        if rb.failed_statement:
            print(f"      statement: {' '.join(rb.failed_statement.split())[:160]}")
    elif row is not None and not row.success:
        if str(m.state) == "partial":
            print(f"      {row.statements_done} statement(s) done")
        if row.error:
            print(f"      error: {row.error}")
        else:
            print("      no error recorded: still running, or interrupted (the runner was killed or lost its"
                  " connection); `up` resumes it")
        if row.failed_statement:
            print(f"      statement: {' '.join(row.failed_statement.split())[:160]}")
    diff = m.diff()
    if diff:
        print("      " + diff.rstrip("\n").replace("\n", "\n      "))


def _print_invalid_indexes(st: DatabaseStatus) -> None:
    for ix in st.invalid_indexes:
        why = "being built right now?" if st.lock_holder else "left by an interrupted or failed CREATE INDEX CONCURRENTLY"
        print(f"  INVALID index {ix.qualified} on {ix.table} ({why}): unused by queries; `up` rebuilds it when "
              "its migration resumes, otherwise DROP INDEX CONCURRENTLY it and build it again")


def _print_status(st: DatabaseStatus) -> None:
    flags = [f for f, on in (("protected", st.protected), ("read-only", st.read_only)) if on]
    head = f"{st.name}  {st.url}"
    if not st.reachable:
        print(f"{head}\n  UNREACHABLE: {st.error}\n")
        return
    info = ", ".join([f"PostgreSQL {st.server_version}", *flags])
    print(f"{head}  ({info})")
    if st.guarded_by:
        print(f"  guarded: {'; '.join(st.guarded_by)}")
    for line in activity_lines(st.lock_holder, st.activity):
        print(line)
    if not st.migrations:
        print("  no migrations")
    for m in st.migrations:
        line = f"  {m.version} {m.name:<32} {_STATE_WORDS.get(str(m.state), str(m.state))}"
        row = m.row
        if row is not None and row.applied_at is not None:
            ms = f" in {row.execution_ms} ms" if row.execution_ms is not None else ""
            line += f"  {row.applied_at:%Y-%m-%d %H:%M:%S}{ms} by {row.applied_by}"
        print(line.rstrip())
        _print_details(m)
    _print_invalid_indexes(st)
    counts = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in st.counts().items())
    print(f"  => {'up to date' if st.up_to_date else 'NOT up to date'}: {counts or 'nothing'}")
    if st.stuck and st.activity is not None:
        print(f"  STUCK: {st.activity.problem()}")
    if st.error:
        print(f"  error: {st.error}")
    print()


# -- up / down / reset / baseline / resolve / protect ------------------------------------------
def _execute(root: Path, targets: list[Target], files: list[Migration], action: str, args: argparse.Namespace,
             lock_timeout: str, timeout: float) -> int:
    import threading

    from workbench.migrate.runner import Options, execute

    options = Options(lock_timeout=args.lock_timeout or lock_timeout, lock_wait=args.lock_wait,
                      connect_timeout=timeout, yes=getattr(args, "yes", False),
                      confirm=getattr(args, "confirm", None), out_of_order=getattr(args, "out_of_order", False),
                      read_only=getattr(args, "read_only_mark", False))
    ask = _ask if sys.stdin.isatty() and not args.json else None
    printing = threading.Lock()  # several databases at once: whole lines, never interleaved halves

    def log(text: str) -> None:
        if not args.json:
            with printing:
                print(text, flush=True)

    def on_event(event: MigrateEvent) -> None:  # the runner's typed events, printed as they happen
        log(event.text())

    from workbench.migrate.fleet import run_many

    explicit = bool(args.db or args.url)
    jobs = getattr(args, "jobs", 1) if len(targets) > 1 else 1
    finished = [0]

    def run_one(target: Target) -> RunResult:
        return execute(root, target, files, action, options=options, on_event=on_event, ask=ask if jobs == 1 else None,
                       to=getattr(args, "to", None), steps=getattr(args, "steps", None),
                       version=getattr(args, "version", None), applied=bool(getattr(args, "applied", True)))

    def done(res: RunResult) -> None:
        if args.json:
            return
        with printing:
            finished[0] += 1
            if res.failure:
                f = res.failure
                print(f"{f.location}: error: {f.message}", file=sys.stderr)
                if f.statement:
                    print("    " + f.statement.replace("\n", "\n    "), file=sys.stderr)
                print(f"{res.database}: {_after_failure(f, files)}", file=sys.stderr)
            elif res.error:
                print(f"workbench: {res.database}: {res.error}", file=sys.stderr)
            if len(targets) > 1 and not res.note.startswith("skipped"):
                # The progress line of this database: where the fleet stands as each one ends.
                print(f"[{finished[0]}/{len(targets)}] {res.database}: {_outcome(res)}", flush=True)

    results = run_many(root, targets, action, run_one, log=log, jobs=jobs, explicit=explicit, on_done=done)
    if args.json:
        print(_dumps({"databases": [r.to_json() for r in results]}, indent=2))
    elif len(results) > 1:
        print("\nsummary:")
        for r in results:
            print(f"  {r.database:<16} {'ok    ' if r.ok else 'FAILED'}  {_outcome(r)}")
    if len(results) == 1:
        return results[0].exit_code
    # Several databases: the summary tells which failed and why; any failure is exit 1.
    return 0 if all(r.exit_code == 0 for r in results) else 1


def _outcome(r: RunResult) -> str:
    if r.ok:
        done = r.applied or r.reverted
        return ", ".join(s.version for s in done) if done else (r.note or "ok")
    return (r.failure.location + ": " + r.failure.message if r.failure else r.error) or "failed"


def _after_failure(f: Failure, files: list[Migration]) -> str:
    """Where a failed statement left its migration, and which command goes on from there."""
    transactional = next((mg.transactional for mg in files if mg.version == f.version), True)
    if f.part == "down":
        if transactional:
            return f"the rollback of {f.version} was undone: {f.version} stays applied"
        return (f"the rollback of {f.version} stopped part-way (see `migrate status`); fix the down part in "
                f"{f.file} and `down` resumes at this statement, or `resolve {f.version} --applied | --rolled-back` "
                "records what you did by hand")
    if transactional:
        return f"{f.version} was rolled back; earlier migrations stay applied"
    return f"{f.version} stopped part-way; the next `up` resumes at this statement"


def _ask(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        return ""


# -- dry run -------------------------------------------------------------------------------------
def _dry_run(root: Path, targets: list[Target], files: list[Migration], timeout: float,
             args: argparse.Namespace, lock_timeout: str) -> int:
    from workbench.migrate.plan import build_plan
    from workbench.migrate.status import RUNNABLE, database_status, owned_files

    out: list[dict[str, object]] = []
    code = 0
    for target in targets:
        st = database_status(root, target, files, timeout=timeout)
        if not st.reachable:
            # Without the tracker we cannot tell what is pending: show every owned file's plan.
            pending = owned_files(target, files)
            note = f"unreachable ({st.error}); showing every migration"
        else:
            limit = int(args.to) if args.to else None
            pending = [m.migration for m in st.migrations if m.state in RUNNABLE and m.migration
                       and (limit is None or m.number <= limit)]
            note = "" if pending else "nothing to do: up to date"
        plans = build_plan(pending)
        if any(p.problems for p in plans):
            code = 1
        if args.json:
            out.append({"name": st.name, "url": st.url, "reachable": st.reachable, "error": st.error,
                        "migrations": [p.to_json() for p in plans]})
            continue
        print(f"{st.name}  {st.url}  (dry run: nothing is changed)")
        if note:
            print(f"  {note}")
        for p in plans:
            print("\n".join("  " + ln for ln in p.lines(args.lock_timeout or lock_timeout)))
        print()
    if args.json:
        print(_dumps({"databases": out}, indent=2))
    return code


# -- drift -----------------------------------------------------------------------------------------
def _drift(root: Path, targets: list[Target], files: list[Migration], timeout: float,
           args: argparse.Namespace) -> int:
    from workbench.migrate.drift import drift_report

    reports = [drift_report(root, t, files, timeout=timeout, scratch_admin=args.scratch_url) for t in targets]
    if args.json:
        print(_dumps({"databases": [r.to_json() for r in reports]}, indent=2))
    else:
        for r in reports:
            print(f"{r.name}  {r.url}")
            if r.error:
                print(f"  error: {r.error}")
            elif not r.findings:
                print("  no drift: the live schema matches its applied migrations")
            for f in r.findings:
                print(f"  {f.severity}: {f.message} [{f.rule}]")
            print()
    if any(r.error for r in reports) and not any(r.findings for r in reports):
        return 2
    return 1 if any(r.findings for r in reports) else 0


class _Progress:
    """A one-line counter on a terminal's stderr; silent otherwise (and with --json)."""

    def __init__(self, total: int, verb: str, *, enabled: bool) -> None:
        self.total, self.verb, self.done = total, verb, 0
        self.enabled = enabled and sys.stderr.isatty()

    def step(self) -> None:
        self.done += 1
        if self.enabled:
            print(f"\r{self.verb} {self.done}/{self.total} databases", end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        if self.enabled:
            print("\r" + " " * 40 + "\r", end="", file=sys.stderr, flush=True)
