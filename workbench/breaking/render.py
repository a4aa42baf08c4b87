"""Report output: text for people, the documented JSON, GitHub Actions annotations."""

from __future__ import annotations

import sys

from workbench.breaking.change import ACCEPTED, BREAKING, COMPATIBLE, Change
from workbench.breaking.review import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import TextIO


def _where(c: Change) -> str:
    f = c.shown_file or "<input>"
    return f"{f}:{c.line}:{c.column}" if c.line else f


def text(report: Report, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    w = out.write
    w(f"Breaking-change review: {report.input_label}\n    against {report.against_label}\n")
    if report.errors:
        w("\nProtos do not compile (a usage error, not a breaking change):\n")
        for f in report.errors:
            w(f"  {f.format()}\n")
        return
    groups = [(BREAKING, "Breaking"), (ACCEPTED, "Accepted (exempted with a reason)"), (COMPATIBLE, "Compatible")]
    for kind, title in groups:
        items = [c for c in report.changes if c.kind == kind]
        if not items:
            continue
        w(f"\n{title} ({len(items)}):\n")
        for c in items:
            cat = f" [{c.category}]" if c.category else ""
            w(f"  {_where(c)}: {c.rule}{cat} {c.message}\n")
            if kind == COMPATIBLE:
                continue
            if c.note:
                w(f"      note: {c.note}\n")
            if c.before:
                w(_block("before", c.against_file, c.against_line, c.before))
            if c.after:
                w(_block("after", c.file, c.line, c.after))
            if c.steps and kind == BREAKING:
                w("      expand/contract:\n")
                for i, step in enumerate(c.steps, 1):
                    w(f"        {i}. {step}\n")
    declared = ""
    if report.declared is not None:
        old, new = report.declared_versions
        declared = f"; CHANGELOG.md declares {report.declared} ({old} -> {new})"
    counts = {k: sum(c.kind == k for c in report.changes) for k in (BREAKING, ACCEPTED, COMPATIBLE)}
    if report.contracts:
        w(f"\nsemver: {report.semver}{declared}\n")
    else:
        w("\n")
    w(f"{counts[BREAKING]} breaking, {counts[ACCEPTED]} accepted, {counts[COMPATIBLE]} compatible "
      f"({report.rules_run} buf rules run)\n")


def _block(label: str, file: str, line: int, snippet: str) -> str:
    lines = snippet.splitlines()
    head = f"      {label} ({file}:{line}):\n"
    return head + "".join(f"        {line + i:>4} | {t}\n" for i, t in enumerate(lines))


def json_out(report: Report, out: TextIO | None = None) -> None:
    """One change per line: readable, and each line goes through the C encoder (indent= does not,
    which cost more than the diff itself on a 5,000-message tree)."""
    import json  # only this format needs it (2 ms of a 1-file module's text review)

    out = out or sys.stdout
    data = report.to_json()
    out.write("{\n")
    items = list(data.items())
    for n, (key, value) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        if isinstance(value, list) and value:
            out.write(f"  {json.dumps(key)}: [\n")
            out.write(",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value))
            out.write(f"\n  ]{comma}\n")
        else:
            out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}\n")
    out.write("}\n")


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(report: Report, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for f in report.errors:
        props = f"file={_escape(f.file, True)},line={f.line or 1},col={f.column or 1},title=PROTO_COMPILE"
        out.write(f"::error {props}::{_escape(f.message)}\n")
    level = {BREAKING: "error", ACCEPTED: "warning", COMPATIBLE: "notice"}
    for c in report.changes:
        props = f"file={_escape(c.shown_file, True)},line={c.line or 1},col={c.column or 1}," \
                f"title={_escape(c.rule, True)}"
        message = c.message + (f" ({c.note})" if c.note else "")
        out.write(f"::{level.get(c.kind, 'notice')} {props}::{_escape(message)}\n")
    if not report.contracts:
        return
    out.write(f"::notice title=semver::{report.semver}"
              f"{'' if report.declared is None else f' (CHANGELOG.md declares {report.declared})'}\n")
