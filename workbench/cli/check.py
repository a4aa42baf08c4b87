"""`workbench check`: the contract tests (lint, layers, fixtures, migrations on PostgreSQL)."""

from __future__ import annotations

import argparse
import time


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check", help="lint protos, check that the layers agree, try the migrations on PostgreSQL",
                       description="Exit 0: no errors; 1: errors found; 2: usage or environment error.")
    p.add_argument("--json", action="store_true", help='print {"entities": N, "findings": [...]}')
    p.add_argument("--url", help="PostgreSQL server for the scratch database (default: the embedded server)")
    p.add_argument("--no-db", action="store_true", help="skip the checks that need PostgreSQL")
    p.add_argument("--timings", action="store_true", help="print where the time went (stderr)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from workbench.checks import run_static
    from workbench.findings import has_errors, sort_key
    from workbench.model import load_model

    t0 = time.perf_counter()
    model = load_model(args.root)
    timings = dict(model.timings)
    t1 = time.perf_counter()
    findings = run_static(model)
    timings["checks"] = time.perf_counter() - t1
    if not args.no_db:
        from workbench.checks import database

        t2 = time.perf_counter()
        admin = database.admin_url_for(args.root, args.url)
        # A set: a file the runner would refuse is reported by the lint and the database check alike.
        findings = list(set(findings + database.check(model, admin, timeout=model.config.connect_timeout)))
        timings["database"] = time.perf_counter() - t2
    findings.sort(key=sort_key)
    timings["total"] = time.perf_counter() - t0
    if args.json:
        from workbench.cli.output import print_json

        print_json({"entities": len(model.entities), "findings": [f.to_json() for f in findings]})
    else:
        from workbench.cli.output import plural, print_findings

        errors, warnings = print_findings(findings)
        print(f"{plural(len(model.entities), 'entity').replace('entitys', 'entities')}, "
              f"{plural(len(model.migrations), 'migration')}, {plural(len(model.fixtures), 'fixture')}: "
              f"{plural(errors, 'error')}, {plural(warnings, 'warning')}")
    if args.timings:
        print("timings: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in timings.items()), file=sys.stderr)
    return 1 if has_errors(findings) else 0
