"""`workbench lint`: buf's lint rules over a buf module or workspace, a drop-in for `buf lint`."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    import argparse
    from typing import Any

FORMATS = ("text", "json", "msvs", "github-actions", "config-ignore-yaml")

# register()'s options for workbench.cli.fastargs, which reads a plain command line without argparse
FAST_ARGS: dict[str, Any] = {
    "positional": "input",
    "options": {"--error-format": ("error_format", FORMATS), "--config": ("config", None)},
    "lists": {"--path": "path", "--exclude-path": "exclude_path"},
    "flags": {},
    "defaults": {"input": ".", "error_format": None, "path": None, "exclude_path": None, "config": None,
                 "root_optional": True},
}


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
    parser.add_argument("--error-format", choices=FORMATS, default=None,
                        help="buf's output formats (default: text, `path:line:column:message`); "
                             "given, compile errors are printed in it too, on stdout as buf does; "
                             "config-ignore-yaml: a buf.yaml `lint.ignore_only` section silencing every finding")
    add_path_options(parser)
    parser.add_argument("--config", default=None, metavar="BUF_YAML",
                        help="a buf.yaml file (.yaml, .yml, .json) or its YAML/JSON data, used instead of the "
                             "input's own buf.yaml or buf.work.yaml")
    parser.set_defaults(func=run, root_optional=True)


def add_path_options(parser: argparse.ArgumentParser) -> None:
    """buf's --path and --exclude-path (shared with `workbench breaking`)."""
    parser.add_argument("--path", action="append", default=None, metavar="PATH",
                        help="limit to these files or directories (relative to the current directory, as buf "
                             "reads them), e.g. proto/a/a.proto, proto/a; repeatable, the union is taken")
    parser.add_argument("--exclude-path", action="append", default=None, metavar="PATH",
                        help="exclude these files or directories; repeatable, the union is taken")


def target_paths(args: argparse.Namespace) -> Any:
    """The namespace's --path/--exclude-path, or None when neither is given."""
    if not (args.path or args.exclude_path):
        return None
    from workbench.breaking.target_paths import TargetPaths

    return TargetPaths(args.path or (), args.exclude_path or ())


def run(args: argparse.Namespace) -> int:
    if getattr(args, "own_process", False):
        import gc

        from workbench.breaking.descriptors import lean_process

        lean_process()
        # A process that ends with its report: its objects (an element per field) live until then, and
        # collecting them was 40-50 ms of the 5,000-message lint (300-odd collections for nothing).
        gc.disable()
    from workbench.breaking.config_flag import ConfigFlagError, read_config_flag
    from workbench.lint.run import LintError, lint_input

    try:
        report = lint_input(args.input, _repo(args.root, args.input), as_given=True, targets=target_paths(args),
                            config=read_config_flag(args.config))
    except (LintError, ConfigFlagError) as exc:
        print(f"workbench lint: {exc}", file=sys.stderr)
        return 2
    try:
        if report.errors:
            _compile_errors(report.errors, args.error_format)
            return 2
        if args.error_format == "config-ignore-yaml":
            from workbench.lint.ignore_yaml import write_ignore_yaml

            write_ignore_yaml(report.violations, report.module_names)
        else:
            from workbench.breaking.bufformat import write

            write(report.violations, args.error_format or "text")
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return report.exit_code


def _compile_errors(errors: list[Any], fmt: str | None) -> None:
    """Without --error-format, the workbench's usage-error form (`file:line:column: error: ...` on
    stderr); with it, buf's (`workbench.breaking.bufformat.write_compile_errors`)."""
    if fmt is None:
        for f in errors:
            print(f.format(), file=sys.stderr)
        return
    from workbench.breaking.bufformat import write_compile_errors

    # buf prints compile errors as text under config-ignore-yaml (it has no form for them)
    write_compile_errors(errors, "text" if fmt == "config-ignore-yaml" else fmt)


def _repo(root: Any, spec: str) -> Any:
    """The repository a git ref is read from; none is looked for (no git process) when INPUT is a
    directory or a file, as it mostly is."""
    if root is not None:
        return root
    from pathlib import Path

    if "#" not in spec and Path(spec).exists():
        return None
    from workbench.breaking.inputs import repo_root

    return repo_root(Path.cwd())
