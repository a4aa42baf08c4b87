"""`workbench doctor`: every toolchain the workbench uses, found (with version) or missing (with
the exact command that installs it).

Exit codes: 0 everything required is present; 2 something required is missing (an environment
error). Optional tools (buf, actionlint) never change the exit code.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("doctor", help="list the toolchains (Python, Go, TypeScript, PostgreSQL, buf)",
                              description="Exit 0: all required toolchains found; 2: something is missing.")
    p.add_argument("--json", action="store_true",
                   help='print {"toolchains": [{"toolchain", "tool", "found", "version", "path", "install", '
                        '"required"}]}')
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.codegen.doctor import collect

    rows = collect(args.root)
    missing = [r for r in rows if r.required and not r.found]
    if args.json:
        from workbench.cli.output import print_json

        print_json({"toolchains": [r.to_json() for r in rows]})
        return 2 if missing else 0
    # Columns as wide as their longest entry: a version like 7.35.1.20261122 must not push paths out of line.
    tool_width = max((len(r.tool) for r in rows), default=0)
    version_width = max((len(r.version) for r in rows if r.found), default=0)
    current = ""
    for r in rows:
        if r.toolchain != current:
            current = r.toolchain
            print(current)
        if r.found:
            print(f"  ok       {r.tool:<{tool_width}}  {r.version:<{version_width}}  {r.path}")
        else:
            state = "missing " if r.required else "optional"
            why = f" ({r.note})" if r.note else ""
            print(f"  {state} {r.tool}{why}")
            if r.install:
                print(f"           install: {r.install}")
    if missing:
        print(f"workbench: {len(missing)} required tool(s) missing; the commands above install them",
              file=sys.stderr)
        return 2
    return 0
