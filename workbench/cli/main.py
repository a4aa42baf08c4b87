"""`workbench` entry point. With no sub-command it opens the TUI.

Each sub-command lives in its own module exposing `register(subparsers)`; the module sets
`func=run` where `run(args) -> int` is the exit code (0 ok, 1 findings, 2 usage/environment).
Modules keep their top-level imports light so `workbench --help` and the TUI start fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from workbench import __version__
from workbench.errors import UsageError, WorkbenchError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    import argparse
    from typing import Any

# One line per sub-command module; adding a command never touches the others.
COMMAND_MODULES = [
    "workbench.cli.check",
    "workbench.cli.db",
    "workbench.cli.breaking",
    "workbench.cli.lint",
    "workbench.cli.migrate",
    "workbench.cli.seed",
    "workbench.cli.codegen",
    "workbench.cli.doctor",
    "workbench.cli.screenshots",
    "workbench.cli.serve",
]


def _invoked_command(argv: list[str]) -> str | None:
    """The sub-command named on the command line (skipping global options), if any."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--root":
            i += 2
        elif arg.startswith("-"):
            i += 1
        else:
            return arg
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with `argv`, only the invoked sub-command's module is imported.

    Why: `workbench migrate status` on an on-call server should cost little more than
    Python plus psycopg; importing every command module to build the full parser cost ~20 ms.
    `--help` or an unknown command still loads all of them.
    """
    import argparse

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
    if argv is None or any(a in ("-h", "--help") for a in argv):
        modules = COMMAND_MODULES
    else:
        invoked = _invoked_command(argv)
        # No command: the TUI starts, and needs no sub-command parsers (first paint matters).
        modules = [m for m in COMMAND_MODULES if m.rsplit(".", 1)[-1] == invoked] if invoked else []
        if invoked and not modules:
            modules = COMMAND_MODULES  # unknown command: let argparse list the real ones
    for name in modules:
        # No try: a renamed or missing command module must fail loudly, never silently drop a command.
        module = importlib.import_module(name)
        if getattr(module, "REGISTER_TAKES_ARGV", False):
            module.register(sub, argv)  # builds only the parsers this command line needs
        else:
            module.register(sub)
    return parser


# What an uncaught exception does: "1" re-raises it (a traceback, for debugging), "0" never
# does; unset, it re-raises under pytest, so a test sees the real exception, never the line.
DEBUG_VARIABLE = "WORKBENCH_DEBUG"


def main(argv: list[str] | None = None) -> int:
    # argv None: a process of its own (the console script, `python -m workbench`) that ends with the
    # command, so a command may skip set-up whose effects would outlive it in a caller's process
    # (`args.own_process`; see workbench.breaking.descriptors.lean_process).
    own_process = argv is None
    if argv is None:
        argv = sys.argv[1:]
    from workbench.cli.streams import redacting_streams

    with redacting_streams(argv):
        code = _guarded(argv, own_process)
    if own_process and _invoked_command(argv) in ENDS_AT_ONCE:
        _end_at_once(code)
    return code


# Commands whose process ends as soon as they return (no threads, nothing left to tear down).
ENDS_AT_ONCE = ("breaking", "lint")


def _end_at_once(code: int) -> None:
    """End the process without the interpreter's teardown, which frees every object and module one by
    one: 6 ms of a 1-file module's `workbench lint` (~8% of it), 17 ms on the 5,000-message tree.
    What an exit does for others still happens first: atexit handlers, then both streams flushed.
    When a flush fails (the reader went away) the ordinary exit takes over and reports as it always did."""
    import atexit

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


def _guarded(argv: list[str], own_process: bool) -> int:
    """The command's exit code; an error ends as one line on stderr and its code, never a traceback."""
    try:
        return _main(argv, own_process)
    except BrokenPipeError:
        return _broken_pipe()
    except SystemExit as exc:  # argparse: 0 after --help, 2 for bad arguments (printed already)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except (UsageError, WorkbenchError) as exc:
        print(f"workbench: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if _reraise():
            raise
        # The one place an unexpected exception ends: one line, never a traceback.
        from workbench.database.urls import first_line

        print(f"workbench: internal error ({type(exc).__name__}: {first_line(exc)[:300]}): this is a bug "
              f"in workbench; please file a bug report with this line and the command "
              f"({DEBUG_VARIABLE}=1 shows the traceback)", file=sys.stderr)
        return 2


def _main(argv: list[str], own_process: bool = False) -> int:
    from workbench.cli.fastargs import parse_fast

    fast = parse_fast(argv)  # `breaking` and `lint` parse without argparse (a small module's CI run)
    args: Any
    if fast is not None:
        args = fast
    else:
        args = build_parser(argv).parse_args(argv)
    args.own_process = own_process
    from workbench.repo import find_root

    try:
        args.root = find_root(args.root)
    except UsageError:
        # A command that can work outside a checkout (e.g. `migrate status --url` on an
        # on-call host) says so with root_optional and gets root None; any other fails here.
        if not getattr(args, "root_optional", False) or args.root is not None:
            raise
        args.root = None
    if args.command is None:
        from workbench.cli.streams import original_streams
        from workbench.tui.launch import launch

        with original_streams():  # the TUI owns the terminal
            return launch(args.root)
    return int(args.func(args))


def _reraise() -> bool:
    flag = os.environ.get(DEBUG_VARIABLE)
    if flag is not None:
        return flag.strip() not in ("", "0")
    return "PYTEST_CURRENT_TEST" in os.environ


def _broken_pipe() -> int:
    """The reader went away (`workbench ... --json | head`): stop quietly, as `git log | head`."""
    from workbench.cli.streams import silence_stdout

    silence_stdout()
    return 141  # 128 + SIGPIPE, what a shell reports for `git log | head`


if __name__ == "__main__":
    raise SystemExit(main())
