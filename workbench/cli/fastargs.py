"""The command line of `workbench breaking` and `workbench lint` read without argparse.

Why: they are drop-ins for `buf breaking`/`buf lint`, run once per CI job on what is mostly a small
module, where start-up is most of the run; argparse (with the gettext, locale and shutil it loads)
was a visible share of it. Only a plain command line is read here: anything else (`--help`,
`--version`, an abbreviated or unknown option, a bad choice, a missing value) returns None and the
full argparse parser reads it, with its usual messages. A command module lists its options in
`FAST_ARGS` beside its `register()`; tests/test_cli_fastargs.py checks that both read alike.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any

FAST_COMMANDS = {"breaking": "workbench.cli.breaking", "lint": "workbench.cli.lint"}


def parse_fast(argv: list[str]) -> SimpleNamespace | None:
    """The namespace argparse would give for `argv`, or None when argparse must read it."""
    root: str | None = None
    i = 0
    while i < len(argv) and argv[i].startswith("-"):  # global options: only --root
        name, eq, value = argv[i].partition("=")
        if name != "--root":
            return None
        if not eq:
            if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
                return None
            value = argv[i + 1]
            i += 1
        root = value
        i += 1
    if i >= len(argv) or argv[i] not in FAST_COMMANDS:
        return None
    command = argv[i]
    module = importlib.import_module(FAST_COMMANDS[command])
    values = _parse(argv[i + 1:], module.FAST_ARGS)
    if values is None:
        return None
    return SimpleNamespace(root=Path(root) if root is not None else None, command=command, func=module.run,
                           **values)


def _parse(rest: list[str], spec: dict[str, Any]) -> dict[str, Any] | None:
    values: dict[str, Any] = dict(spec["defaults"])
    positional: str | None = spec["positional"]
    options: dict[str, tuple[str, tuple[str, ...] | None]] = spec["options"]
    flags: dict[str, str] = spec["flags"]
    lists: dict[str, str] = spec.get("lists", {})  # repeatable options (argparse's action="append")
    seen_positional = False
    j = 0
    while j < len(rest):
        arg = rest[j]
        if arg.startswith("-") and arg != "-":
            name, eq, value = arg.partition("=")
            if name in flags and not eq:
                values[flags[name]] = True
                j += 1
                continue
            if name not in options and name not in lists:
                return None  # unknown, abbreviated, `--`, -h: argparse's business
            if not eq:
                if j + 1 >= len(rest) or rest[j + 1].startswith("-"):
                    return None
                value = rest[j + 1]
                j += 1
            if name in lists:
                values[lists[name]] = [*(values[lists[name]] or ()), value]
                j += 1
                continue
            dest, choices = options[name]
            if choices is not None and value not in choices:
                return None
            values[dest] = value
            j += 1
            continue
        if positional is None or seen_positional:
            return None
        values[positional] = arg
        seen_positional = True
        j += 1
    return values
