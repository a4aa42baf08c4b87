"""The semver verdict for the whole change (CONTRACTS.md) and the bump CHANGELOG.md declares.

MAJOR: anything breaking (accepted exemptions included: an exemption explains a break, it does not
undo it). MINOR: additive changes (new entities, fields, values, tables, nullable columns, indexes,
fixture files or rows). PATCH: any other difference in proto/, sql/ or seeders/ (comments, seed
corrections). NONE: nothing differs. A declared bump smaller than the verdict is an error.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.breaking.change import ACCEPTED, BREAKING, COMPATIBLE, Change

if TYPE_CHECKING:
    from workbench.breaking.review import Report

RANK = {"none": 0, "patch": 1, "minor": 2, "major": 3}
_VERSION = re.compile(r"^##\s*\[?v?(?P<v>\d+\.\d+\.\d+)[^\]\s]*\]?", re.MULTILINE)
# Findings about process (an edited released migration, a broken fixture) are errors of their own,
# not a change of the contract's shape, so they do not move the verdict.
NOT_SHAPE = {"MIGRATION_EDITED", "MIGRATION_DELETED", "MIGRATION_OUT_OF_ORDER", "MIGRATION_SYNTAX",
             "SEMVER_BUMP_TOO_SMALL", "SEED_CHECK_FAILED"}


def verdict(changes: list[Change], other_differences: bool) -> str:
    shape = [c for c in changes if c.rule not in NOT_SHAPE and c.category != "SEED"]
    if any(c.kind in (BREAKING, ACCEPTED) for c in shape):
        return "major"
    if any(c.kind == COMPATIBLE for c in shape):
        return "minor"
    return "patch" if other_differences else "none"


def top_version(root: Path | None) -> tuple[str, int]:
    """The newest released version in CHANGELOG.md and its line ("" when there is none)."""
    if root is None:
        return "", 0
    try:
        text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    except OSError:
        return "", 0
    m = _VERSION.search(text)
    if m is None:
        return "", 0
    return m["v"], text.count("\n", 0, m.start()) + 1


def bump(old: str, new: str) -> str:
    a = tuple(int(x) for x in old.split("."))
    b = tuple(int(x) for x in new.split("."))
    if b <= a:
        return "none"
    if b[0] > a[0]:
        return "major"
    if b[1] > a[1]:
        return "minor" if a[0] > 0 else "major"  # 0.x: a minor bump may break (semver item 4)
    return "patch"


def tree_digest(root: Path | None, sub: str) -> dict[str, str]:
    if root is None or not (root / sub).is_dir():
        return {}
    return {p.relative_to(root).as_posix(): hashlib.sha1(p.read_bytes(), usedforsecurity=False).hexdigest()
            for p in sorted((root / sub).rglob("*")) if p.is_file()}


def _fixture_growth(before: Path, after: Path, fixtures_dir: str) -> list[Change]:
    """New fixture files and new rows: MINOR per CONTRACTS.md."""
    from workbench.contracts.fixture_files import load_fixtures

    prefix = fixtures_dir.rstrip("/") + "/"
    old, _ = load_fixtures(before / fixtures_dir, prefix) if (before / fixtures_dir).is_dir() else ([], [])
    new, _ = load_fixtures(after / fixtures_dir, prefix) if (after / fixtures_dir).is_dir() else ([], [])
    old_by = {f.rel: f for f in old}
    out = []
    for f in new:
        prev = old_by.get(f.rel)
        if prev is None:
            out.append(Change("SEED_FILE_ADDED", f.rel, 1, 1, f"fixture file for table {f.table} was added",
                              kind=COMPATIBLE, category="SEED_ADDITION"))
        elif len(f.rows) > len(prev.rows):
            out.append(Change("SEED_ROWS_ADDED", f.rel, 1, 1,
                              f"{len(f.rows) - len(prev.rows)} row(s) added to {f.table}",
                              kind=COMPATIBLE, category="SEED_ADDITION"))
    return out


def judge(report: Report, before: Path | None, after: Path | None, proto_dir: str, sql_dir: str,
          fixtures_dir: str, proto_basis: list[Change] | None = None) -> None:
    """Set report.semver (and an error when CHANGELOG.md's bump is too small).

    `proto_basis`: buf's FILE-rule findings without ignores, so the verdict follows CONTRACTS.md
    even when buf.yaml or --category report less; the report's own changes supply the rest.
    """
    differences = False
    for sub in (proto_dir, sql_dir, fixtures_dir):
        if tree_digest(before, sub) != tree_digest(after, sub):
            differences = True
    if before is not None and after is not None and \
            tree_digest(before, fixtures_dir) != tree_digest(after, fixtures_dir):
        report.changes += _fixture_growth(before, after, fixtures_dir)
    basis = report.changes
    if proto_basis is not None:
        proto_rules = {c.rule for c in proto_basis} | {c.rule for c in report.changes if c.category in
                                                       ("FILE", "PACKAGE", "WIRE_JSON", "WIRE")}
        basis = [c for c in report.changes if c.rule not in proto_rules] + \
            [c for c in proto_basis if c.kind in (BREAKING, ACCEPTED)]
    report.semver = verdict(basis, differences)
    old, _ = top_version(before)
    new, line = top_version(after)
    report.declared_versions = (old, new)
    if not old or not new:
        return
    report.declared = bump(old, new)
    if RANK[report.declared] < RANK[report.semver]:
        report.changes.insert(0, Change(
            "SEMVER_BUMP_TOO_SMALL", "CHANGELOG.md", line or 1, 1,
            f"this change is {report.semver.upper()} (CONTRACTS.md) but CHANGELOG.md declares "
            f"{report.declared.upper()} ({old} -> {new})", kind=BREAKING, category="SEMVER",
            steps=[f"Add a `## [{_next(old, report.semver)}]` section to CHANGELOG.md describing the change."]))


def _next(version: str, level: str) -> str:
    major, minor, patch = (int(x) for x in version.split("."))
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
