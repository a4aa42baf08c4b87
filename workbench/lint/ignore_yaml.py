"""`buf lint --error-format config-ignore-yaml`: the findings as a buf.yaml `lint.ignore_only`
section that would silence them all, to paste into a config.

buf prints `version: v1` whatever the module's version, each rule (sorted) with the files it fires
in (sorted, once each), named relative to their module (as `ignore_only` paths of a v1 buf.yaml are),
and nothing at all when there is no finding.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import TextIO

    from workbench.breaking.bufformat import Violation


def write_ignore_yaml(violations: Iterable[Violation], module_names: Mapping[str, str],
                      out: TextIO | None = None) -> None:
    """`module_names`: a finding's printed path -> the file's name in its module."""
    out = out or sys.stdout
    files: dict[str, set[str]] = {}
    for v in violations:
        files.setdefault(v.rule, set()).add(module_names.get(v.path, v.path))
    if not files:
        return
    lines = ["version: v1", "lint:", "  ignore_only:"]
    for rule in sorted(files):
        lines.append(f"    {rule}:")
        lines += [f"      - {name}" for name in sorted(files[rule])]
    out.write("\n".join(lines) + "\n")
