"""Seeds in the review: fixtures that validated against the old schema and no longer do."""

from __future__ import annotations

from pathlib import Path

from workbench.breaking.change import BREAKING, Change
from workbench.findings import Finding, Severity


def _fixture_findings(root: Path) -> list[Finding]:
    from workbench.checks import fixture_values
    from workbench.workspace import load_model

    model = load_model(root)
    return [f for f in fixture_values.check(model) if f.severity is Severity.ERROR]


def seed_changes(before_root: Path, after_root: Path, fixtures_dir: str = "seeders") -> list[Change]:
    if not (after_root / fixtures_dir).is_dir():
        return []
    try:
        before = _fixture_findings(before_root) if (before_root / fixtures_dir).is_dir() else []
        after = _fixture_findings(after_root)
    except Exception as exc:  # noqa: BLE001 - a loader bug must not hide the proto report
        return [Change("SEED_CHECK_FAILED", fixtures_dir, 0, 0, f"could not validate fixtures: {exc}",
                       kind=BREAKING, category="SEED")]
    known = {(f.rule, f.file, f.message) for f in before}
    out = []
    for f in after:
        if (f.rule, f.file, f.message) in known:
            continue  # was already broken on the base: not this change's doing
        out.append(Change(f.rule, f.file, f.line, f.column, f"fixture no longer validates: {f.message}",
                          kind=BREAKING, category="SEED", entity=f.entity,
                          steps=["Fix the fixture rows, or make the schema change backward compatible "
                                 "(nullable column, default value, keep the old label)."]))
    return out
