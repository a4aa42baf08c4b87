"""Inline exemptions: `// workbench:allow RULE reason` on (or just above) the element a change points at.

An exempted change stays in the report as `accepted` with its reason; it never disappears. An allow
comment without a reason exempts nothing and says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from workbench.breaking.change import ACCEPTED, BREAKING, Change
from workbench.breaking.schema import FileInfo, Schema

ALLOW = re.compile(r"workbench:allow\s+(?P<rules>[A-Z0-9_,]+)(?P<reason>[^\n]*)")


COMMENT_STARTS = ("//", "/*", "*", "--")  # proto and SQL comments


def _allow_lines(text: str | list[str], line: int) -> list[str]:
    """The element's first line (a trailing comment) plus the comment block right above it."""
    lines = text.splitlines() if isinstance(text, str) else text
    if not lines or line < 1 or line > len(lines):
        return []
    picked = [lines[line - 1]]
    i = line - 2
    while i >= 0 and lines[i].strip().startswith(COMMENT_STARTS):
        picked.append(lines[i])
        i -= 1
    return picked


def find_allow_in_text(text: str | list[str], line: int, rule: str, category: str) -> tuple[bool, str]:
    """(found, reason) for an allow naming `rule` (or its category) at or just above `line`."""
    for text_line in _allow_lines(text, line):
        for m in ALLOW.finditer(text_line):
            names = {n.strip() for n in m["rules"].split(",")}
            if rule in names or (category and category in names):
                return True, m["reason"].strip().rstrip("*/").strip()
    return False, ""


def find_allow(file: FileInfo | None, line: int, end_line: int, rule: str, category: str) -> tuple[bool, str]:
    if file is None or not file.text:
        return False, ""
    if "workbench:allow" not in file.text:
        return False, ""  # the common case, decided without splitting the file
    return find_allow_in_text(file.lines, line, rule, category)


def _accept(c: Change, found: bool, reason: str) -> None:
    if not found:
        return
    if not reason:
        c.note = (c.note + " " if c.note else "") + \
            f"(workbench:allow {c.rule} has no reason, so it does not exempt this change)"
        return
    c.kind = ACCEPTED
    c.note = (c.note + " " if c.note else "") + f"Accepted: {reason}"


def apply_text_exemptions(changes: list[Change], read: Callable[[str], str | None]) -> None:
    """Exemptions for changes outside the protos (migrations): `-- workbench:allow RULE reason`."""
    cache: dict[str, str | None] = {}
    for c in changes:
        if c.kind != BREAKING or not c.file:
            continue
        if c.file not in cache:
            cache[c.file] = read(c.file)
        text = cache[c.file]
        if text:
            _accept(c, *find_allow_in_text(text, c.line, c.rule, c.category))


def apply_exemptions(changes: list[Change], before: Schema, after: Schema) -> None:
    for c in changes:
        if c.kind != BREAKING:
            continue
        found, reason = find_allow(after.files.get(c.file), c.line, c.end_line, c.rule, c.category)
        if not found and c.against_file:
            # a deleted element's allow can only be in the old source
            found, reason = find_allow(before.files.get(c.against_file), c.against_line,
                                       c.against_end_line, c.rule, c.category)
        _accept(c, found, reason)
