"""`workbench` entry point. With no sub-command it opens the TUI.

Each sub-command lives in its own module exposing `register(subparsers)`; the module sets
`func=run` where `run(args) -> int` is the exit code (0 ok, 1 findings, 2 usage/environment).
Modules keep their top-level imports light so `workbench --help` and the TUI start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from workbench import __version__
from workbench.errors import UsageError, WorkbenchError

# One line per sub-command module; adding a command never touches the others.
COMMAND_MODULES = [
    "workbench.cli.check",
    "workbench.cli.db",
    "workbench.cli.breaking",
    "workbench.cli.migrate",
    "workbench.cli.seed",
    "workbench.cli.codegen",
    "workbench.cli.doctor",
    "workbench.cli.screenshots",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Schema Contracts Workbench: protobuf, SQL migrations and seeds as one model.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument(
        "--root", type=Path, default=None,
        help="contracts repository (default: found upwards from the current directory)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # not written yet in this checkout: skip, never crash
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        from workbench.repo import find_root

        args.root = find_root(args.root)
        if args.command is None:
            from workbench.tui.launch import launch

            return launch(args.root)
        return int(args.func(args))
    except (UsageError, WorkbenchError) as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
