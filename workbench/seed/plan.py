"""Which fixture files seed which tables of the target database.

Fixtures are named by file (`products`, `products.json`, `seeders/products.json`) or by table.
`--all` takes every fixture whose table exists in the target and says which it skipped (a
service's database holds only its own tables); a named fixture whose table is missing is an
error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.contracts.fixture_files import FixtureStream, open_fixture_stream
from workbench.errors import UsageError
from workbench.findings import Finding, Severity
from workbench.seed.live import LiveSchema, LiveTable
from workbench.seed.result import Skipped


@dataclass
class Item:
    stream: FixtureStream
    table: LiveTable
    key: tuple[str, ...]
    size: int  # bytes, for progress


def fixture_files(fixtures_dir: Path) -> list[Path]:
    return sorted(fixtures_dir.glob("*.json")) if fixtures_dir.is_dir() else []


def select(fixtures_dir: Path, rel_prefix: str, names: list[str] | None) -> tuple[list[FixtureStream], list[Finding]]:
    """Open the named fixtures (None: all of them); unknown names are a UsageError."""
    streams: list[FixtureStream] = []
    findings: list[Finding] = []
    for path in fixture_files(fixtures_dir):
        stream, more = open_fixture_stream(path, rel_prefix + path.name)
        findings.extend(more)
        if stream:
            streams.append(stream)
    if names is None:
        return streams, findings
    chosen: list[FixtureStream] = []
    for name in names:
        stem = Path(name).name.removesuffix(".json")
        match = next((s for s in streams if s.path.stem == stem or s.table == name or s.rel == name), None)
        if match is None:
            bad = [f for f in findings if Path(f.file).stem == stem]
            if bad:  # the file exists but is not a readable fixture: report it as a finding
                chosen_findings = bad
                findings = [f for f in findings if f not in chosen_findings] + chosen_findings
                continue
            known = ", ".join(s.path.stem for s in streams) or "none"
            raise UsageError(f"no fixture {name!r} in {rel_prefix.rstrip('/')} (known: {known})")
        if match not in chosen:
            chosen.append(match)
    wanted = {Path(n).name.removesuffix(".json") for n in names}
    findings = [f for f in findings if Path(f.file).stem in wanted]
    return chosen, findings


def plan(streams: list[FixtureStream], schema: LiveSchema, *, all_: bool, mode: str,
         database: str) -> tuple[list[Item], list[Skipped], list[Finding]]:
    items: list[Item] = []
    skipped: list[Skipped] = []
    findings: list[Finding] = []
    seen: dict[str, str] = {}
    for stream in streams:
        table = schema.table(stream.table)
        if table is None:
            if all_:
                skipped.append(Skipped(stream.rel, stream.table, f"table {stream.table} does not exist in {database}"))
            else:
                findings.append(Finding(Severity.ERROR, "SEED_UNKNOWN_TABLE", stream.rel, _line_of(stream, '"table"'),
                                        f"table {stream.table} does not exist in database {database}"))
            continue
        if table.name in seen:
            findings.append(Finding(Severity.ERROR, "SEED_DUPLICATE_TABLE", stream.rel, 1,
                                    f"table {table.name} is also seeded by {seen[table.name]}"))
            continue
        seen[table.name] = stream.rel
        key = stream.key or table.primary_key
        unknown = [k for k in key if k not in table.columns]
        if unknown:
            findings.append(Finding(Severity.ERROR, "SEED_UNKNOWN_COLUMN", stream.rel, _line_of(stream, '"key"'),
                                    f"key column {', '.join(unknown)} is not a column of {table.name}"))
            continue
        if not key and mode == "upsert":
            findings.append(Finding(Severity.ERROR, "SEED_NO_KEY", stream.rel, 1,
                                    f"{table.name} has no primary key: declare \"key\" (a unique natural key) "
                                    "so rows can be matched"))
            continue
        if key and not table.is_unique(key):
            findings.append(Finding(Severity.WARNING, "SEED_KEY_NOT_UNIQUE", stream.rel, _line_of(stream, '"key"'),
                                    f"({', '.join(key)}) has no unique constraint or index in {table.name}: "
                                    "one fixture row may match several rows"))
        items.append(Item(stream, table, tuple(key), stream.path.stat().st_size))
    return items, skipped, findings


def _line_of(stream: FixtureStream, needle: str) -> int:
    try:
        with stream.path.open(encoding="utf-8", errors="replace") as fh:
            for i, text in enumerate(fh, 1):
                if needle in text:
                    return i
                if i > 200:
                    break
    except OSError:
        pass
    return 1
