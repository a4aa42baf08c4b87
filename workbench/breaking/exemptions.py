"""Inline exemptions: `// workbench:allow RULE reason` on (or just above) the element a change points at.

An exempted change stays in the report as `accepted` with its reason; it never disappears. An allow
comment without a reason exempts nothing and says so.
"""

from __future__ import annotations

import re

from workbench.breaking.change import ACCEPTED, BREAKING, Change
from workbench.breaking.schema import FileInfo, Schema

ALLOW = re.compile(r"workbench:allow\s+(?P<rules>[A-Z0-9_,]+)(?P<reason>[^\n]*)")


def _allow_lines(file: FileInfo, line: int, end_line: int) -> list[str]:
    """Lines of the element itself plus the comment block right above it."""
    lines = file.text.splitlines()
    if not lines or line < 1:
        return []
    picked = lines[line - 1:max(end_line, line)][:1]  # the element's first line (trailing comment)
    i = line - 2
    while i >= 0 and lines[i].strip().startswith(("//", "/*", "*")):
        picked.append(lines[i])
        i -= 1
    return picked


def find_allow(file: FileInfo | None, line: int, end_line: int, rule: str, category: str) -> tuple[bool, str]:
    """(found, reason) for an allow naming `rule` (or its category) near `line`."""
    if file is None:
        return False, ""
    for text in _allow_lines(file, line, end_line):
        for m in ALLOW.finditer(text):
            names = {n.strip() for n in m["rules"].split(",")}
            if rule in names or (category and category in names):
                return True, m["reason"].strip().rstrip("*/").strip()
    return False, ""


def apply_exemptions(changes: list[Change], before: Schema, after: Schema) -> None:
    for c in changes:
        if c.kind != BREAKING:
            continue
        found, reason = find_allow(after.files.get(c.file), c.line, c.end_line, c.rule, c.category)
        if not found and c.against_file:
            # a deleted element's allow can only be in the old source
            found, reason = find_allow(before.files.get(c.against_file), c.against_line,
                                       c.against_end_line, c.rule, c.category)
        if not found:
            continue
        if not reason:
            c.note = (c.note + " " if c.note else "") + \
                f"(workbench:allow {c.rule} has no reason, so it does not exempt this change)"
            continue
        c.kind = ACCEPTED
        c.note = (c.note + " " if c.note else "") + f"Accepted: {reason}"
