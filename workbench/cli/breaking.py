"""`workbench breaking`: breaking-change review of protos (buf's rules), migrations and seeds vs a ref."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    import argparse
    from typing import Any

CATEGORIES = ("FILE", "PACKAGE", "WIRE_JSON", "WIRE")
FORMATS = ("text", "json", "msvs", "github-actions")  # buf's, as workbench.breaking.bufformat prints them
REPORT_FORMATS = ("text", "json", "github-actions")

# register()'s options for workbench.cli.fastargs, which reads a plain command line without argparse
FAST_ARGS: dict[str, Any] = {
    "positional": "input",
    "options": {"--against": ("against", None), "--format": ("format", REPORT_FORMATS),
                "--category": ("category", CATEGORIES), "--error-format": ("error_format", FORMATS),
                "--config": ("config", None), "--against-config": ("against_config", None)},
    "lists": {"--path": "path", "--exclude-path": "exclude_path"},
    "flags": {"--against-exact": "against_exact", "--protos-only": "protos_only",
              "--exclude-imports": "exclude_imports", "--limit-to-input-files": "limit_to_input_files"},
    "defaults": {"input": None, "against": "main", "against_exact": False, "format": "text", "category": None,
                 "protos_only": False, "error_format": None, "path": None, "exclude_path": None,
                 "exclude_imports": False, "limit_to_input_files": False, "config": None, "against_config": None,
                 "root_optional": True},
}


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "breaking",
        help="breaking-change review against a git ref (buf's rules + migrations, seeds, semver)",
        description=(
            "Compare INPUT (default: the working tree, or the current directory outside a contracts "
            "repository) with --against (default: main). INPUT and the ref are each a git ref, a "
            "directory (a contracts repository, a buf module or workspace, or a folder of protos), "
            "buf's PATH.git#branch=B,subdir=D, or a FileDescriptorSet file. Git refs are read from "
            "git objects; the working tree is never touched. Exit 0: nothing breaks; 1: something "
            "does; 2: usage error (unknown ref, protos that do not compile)."
        ),
    )
    parser.add_argument("input", nargs="?", default=None, metavar="INPUT",
                        help="git ref, directory or FileDescriptorSet (default: the working tree or .)")
    parser.add_argument("--against", default="main", metavar="REF",
                        help="git ref, directory or FileDescriptorSet to compare with (default: main)")
    parser.add_argument("--against-exact", action="store_true",
                        help="compare with the ref's tip, not with the merge base (the default: what a PR changes)")
    parser.add_argument("--format", choices=REPORT_FORMATS, default="text",
                        help="text for people (default), the documented JSON, or GitHub Actions annotations")
    parser.add_argument("--category", choices=CATEGORIES, default=None,
                        help="run only this buf category's rules instead of buf.yaml's `use`")
    parser.add_argument("--protos-only", action="store_true",
                        help="buf's proto rules only: no renames, exemptions, additions, SQL, seeds or semver")
    parser.add_argument("--error-format", choices=FORMATS, default=None,
                        help="print the breaking changes exactly as `buf breaking --error-format` does")
    from workbench.cli.lint import add_path_options

    add_path_options(parser)
    parser.add_argument("--exclude-imports", action="store_true",
                        help="compare only the input's (selected) files, not the files they import from "
                             "elsewhere: other modules, paths left out by --path (buf compares those too by default)")
    parser.add_argument("--limit-to-input-files", action="store_true",
                        help="compare only the files INPUT has: the against input is cut to them (a file "
                             "deleted since is not reported); overrides --path for the against input")
    parser.add_argument("--config", default=None, metavar="BUF_YAML",
                        help="a buf.yaml file (.yaml, .yml, .json) or its YAML/JSON data, used instead of "
                             "INPUT's own (its `breaking` section configures the checks)")
    parser.add_argument("--against-config", default=None, metavar="BUF_YAML",
                        help="the same for the --against input (its layout: modules, excludes)")
    # like buf, it runs in any buf module or workspace, not only in a contracts repository
    parser.set_defaults(func=run, root_optional=True)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "own_process", False):
        from workbench.breaking.descriptors import lean_process

        lean_process()
    import gc

    # A short-lived process whose objects all live until it prints: collecting is wasted time.
    gc.disable()
    from workbench.breaking.config import ConfigError
    from workbench.breaking.inputs import InputError
    from workbench.breaking.review import breaking_review

    root = _contracts_root(args.root)
    # a status line on a terminal while a big tree compiles; nothing for json or annotations
    status = sys.stderr.isatty() and args.format == "text" and args.error_format is None

    def progress(step: str) -> None:
        if status:
            sys.stderr.write(f"\r\033[K{step} …")
            sys.stderr.flush()

    from workbench.breaking.config_flag import ConfigFlagError

    try:
        selection = _selection(args)
    except ConfigFlagError as exc:
        print(f"workbench breaking: {exc}", file=sys.stderr)
        return 2
    refusal = selection.targets.check() if selection is not None else None
    if refusal:
        print(f"workbench breaking: {refusal}", file=sys.stderr)
        return 2
    try:
        # the same call as the TUI's Breaking screen: one review, one truth
        report = breaking_review(root, args.input, args.against, exact=args.against_exact, category=args.category,
                                 extras=not args.protos_only and args.error_format is None,
                                 snippets=args.error_format is None, progress=progress,
                                 as_given=args.error_format is not None,  # buf's output names files as buf does
                                 selection=selection)
    except (InputError, ConfigError) as exc:
        _clear_status(status)
        print(f"workbench breaking: {exc}", file=sys.stderr)
        return 2
    _clear_status(status)
    try:
        if args.error_format is not None:
            _buf_output(report, args.error_format)
        else:
            from workbench.breaking import render

            if args.format == "json":
                render.json_out(report)
            elif args.format == "github-actions":
                render.github(report)
            else:
                render.text(report)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`| head`): not an error of ours, and no traceback
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    # With collection off, the review's cyclic garbage (both trees' indexes) is left for the
    # interpreter's final collection at exit, ~0.1 s on a 5,000-message tree; frozen objects are
    # skipped by it and the process's memory goes back to the OS whole.
    gc.freeze()
    return report.exit_code


def _selection(args: argparse.Namespace) -> Any:
    """buf's file selection flags, or None when none is given (everything is compared)."""
    from workbench.cli.lint import target_paths

    targets = target_paths(args)
    if targets is None and not (args.exclude_imports or args.limit_to_input_files or args.config
                                or args.against_config):
        return None
    from workbench.breaking.config_flag import read_config_flag
    from workbench.breaking.target_paths import Selection

    return Selection(targets, args.exclude_imports, args.limit_to_input_files, read_config_flag(args.config),
                     read_config_flag(args.against_config, "--against-config"))


def _buf_output(report: Any, fmt: str) -> None:
    from workbench.breaking.bufformat import Violation, write, write_compile_errors
    from workbench.breaking.change import BREAKING

    if report.errors:
        write_compile_errors(report.errors, fmt)
        return
    write([Violation(c.file, c.line, c.column, c.rule, c.message, c.end_line, c.end_column)
           for c in report.changes if c.kind == BREAKING], fmt)


def _clear_status(status: bool) -> None:
    if status:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def _contracts_root(root: Any) -> Any:
    """The contracts repository to review, or None for the buf module or workspace in the current
    directory (a buf config here, below the repository found upwards, is what buf would use)."""
    if root is None:
        return None
    from pathlib import Path

    from workbench.breaking.layout import has_config

    cwd = Path.cwd().resolve()
    return None if cwd != Path(root).resolve() and has_config(cwd) else root
