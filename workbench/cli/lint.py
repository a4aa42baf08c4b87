"""`workbench lint`: buf's lint rules over a buf module or workspace, a drop-in for `buf lint`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

FORMATS = ("text", "json", "msvs", "github-actions")


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="buf's lint rules over a buf module or workspace (a drop-in for `buf lint`)",
        description=(
            "Lint INPUT (default: the current directory) with buf's rules and the `lint` section of its "
            "buf.yaml (v1beta1, v1, v2 with modules, or buf.work.yaml): use/except/ignore/ignore_only, "
            "enum_zero_value_suffix, rpc_allow_*, service_suffix and `// buf:lint:ignore` comments. "
            "Prints what `buf lint` prints. Exit 0: clean; 1: findings; 2: usage error or protos that "
            "do not compile."
        ),
    )
    parser.add_argument("input", nargs="?", default=".", metavar="INPUT",
                        help="directory or git ref (default: the current directory)")
    parser.add_argument("--error-format", choices=FORMATS, default="text",
                        help="buf's output formats (default: text, `path:line:column:message`)")
    parser.set_defaults(func=run, root_optional=True)


def run(args: argparse.Namespace) -> int:
    from workbench.lint.run import LintError, lint_input

    try:
        report = lint_input(args.input, _repo(args.root))
    except LintError as exc:
        print(f"workbench lint: {exc}", file=sys.stderr)
        return 2
    if report.errors:
        for f in report.errors:
            print(f.format(), file=sys.stderr)
        return 2
    from workbench.breaking.bufformat import write

    try:
        write(report.violations, args.error_format)
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return report.exit_code


def _repo(root: Any) -> Any:
    if root is not None:
        return root
    from pathlib import Path

    from workbench.breaking.inputs import repo_root

    return repo_root(Path.cwd())
