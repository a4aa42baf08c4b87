"""`workbench check`: the contract tests (lint, layers, fixtures, migrations on PostgreSQL)."""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.findings import Finding


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check", help="lint protos, check that the layers agree, try the migrations on PostgreSQL",
                       description="Exit 0: no errors; 1: errors found; 2: usage or environment error.")
    p.add_argument("--json", action="store_true", help='print {"entities": N, "findings": [...]}')
    p.add_argument("--url", help="PostgreSQL server for the scratch database (default: the embedded server)")
    p.add_argument("--no-db", action="store_true", help="skip the checks that need PostgreSQL")
    p.add_argument("--timings", action="store_true", help="print where the time went (stderr)")
    p.add_argument("--no-cache", action="store_true",
                   help="check everything again, ignoring what earlier runs proved (see docs/migrations.md)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also list the lint findings the workbench dropped, with why (a table created in the same file, ...)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from workbench.checks import result_cache
    from workbench.contracts.config import load_config
    from workbench.findings import has_errors, sort_key

    t0 = time.perf_counter()
    config, _ = load_config(args.root)
    timings: dict[str, float] = {}
    admin = ""
    pg_version = ""
    if not args.no_db:
        from workbench.checks import database

        admin = database.admin_url_for(args.root, args.url)
        # squawk lints for the server the migrations are tried on
        pg_version = database.server_version(admin, timeout=config.connect_timeout)
        timings["server"] = time.perf_counter() - t0
    options = f"no_db={args.no_db}|pg={pg_version}|server={_server(admin)}"
    key = result_cache.key(args.root, [config.proto_dir, config.migrations_dir, config.fixtures_dir], options)
    cached = None if args.no_cache else result_cache.load(args.root, key)
    if cached is not None:
        findings, dropped, counts = cached
        timings["cached"] = time.perf_counter() - t0
    else:
        findings, dropped, counts = _run(args, admin, pg_version, timings)
        result_cache.save(args.root, key, findings, dropped, counts)
    findings.sort(key=sort_key)
    timings["total"] = time.perf_counter() - t0
    if not args.verbose:
        dropped = []
    if args.json:
        from workbench.cli.output import print_json

        report: dict[str, object] = {"entities": counts[0], "findings": [f.to_json() for f in findings]}
        if args.verbose:
            report["dropped"] = [{**f.to_json(), "reason": why} for f, why in dropped]
        print_json(report)
    else:
        from workbench.cli.output import plural, print_findings

        errors, warnings = print_findings(findings)
        for f, why in dropped:
            print(f"{f.location}: dropped: {f.message} [{f.rule}]\n    why: {why}")
        print(f"{plural(counts[0], 'entity').replace('entitys', 'entities')}, "
              f"{plural(counts[1], 'migration')}, {plural(counts[2], 'fixture')}: "
              f"{plural(errors, 'error')}, {plural(warnings, 'warning')}")
    if args.timings:
        print("timings: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in timings.items()), file=sys.stderr)
    return 1 if has_errors(findings) else 0


def _run(args: argparse.Namespace, admin: str, pg_version: str, timings: dict[str, float]
         ) -> tuple[list[Finding], list[tuple[Finding, str]], list[int]]:
    from workbench.checks import run_static
    from workbench.workspace import load_model

    model = load_model(args.root)
    model.pg_version = pg_version
    timings.update(model.timings)
    t1 = time.perf_counter()
    findings = run_static(model)
    timings["checks"] = time.perf_counter() - t1
    if admin:
        from workbench.checks import database

        t2 = time.perf_counter()
        # A set: a file the runner would refuse is reported by the lint and the database check alike.
        findings = list(set(findings + database.check(model, admin, timeout=model.config.connect_timeout,
                                                      cache=not args.no_cache)))
        timings["database"] = time.perf_counter() - t2
    from workbench.checks.migration_lint import lint

    dropped = lint(model).dropped  # the run above's result, not a second squawk run
    return findings, dropped, [len(model.entities), len(model.migrations), len(model.fixtures)]


def _server(admin: str) -> str:
    if not admin:
        return ""
    from workbench.checks.db_cache import server_key

    return server_key(admin)
