"""Seed rows as round-trip cases, and the findings a language's results produce.

Every language's verifier reads the same cases file (one JSON object a line:
`{"case": N, "type": "pkg.Message", "json": {...}}`) and writes one result a line:
`{"case": N, "json": {...}}` after parse-then-print, or `{"case": N, "error": "...",
"fields": {"jsonKey": "error"}}` when its strict parser rejects the row (`fields` names the
keys that fail on their own, so a finding can say which column is wrong).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.codegen.fixture_json import RowJson, field_for_key, json_equal, row_to_json
from workbench.codegen.options import LABELS
from workbench.findings import Finding, Severity

PARSERS = {"python": "json_format.ParseDict", "go": "protojson.Unmarshal", "ts": "fromJson"}


@dataclass(frozen=True)
class Case:
    number: int
    file: str  # fixture, repository-relative
    line: int  # the row's first line
    row: RowJson


def build_cases(model: Any) -> list[Case]:
    """One case per fixture row whose table maps to a message (others are the layer checks' job)."""
    cases: list[Case] = []
    for fixture in model.fixtures:
        message = model.entity_for_table(fixture.table)
        if message is None:
            continue
        for line, row in fixture.rows_with_lines():
            converted = row_to_json(row, message, model.protos.enum, model.config.mapping)
            cases.append(Case(len(cases), fixture.rel, line, converted))
    return cases


def write_cases(cases: list[Case], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"case": c.number, "type": c.row.message.full_name, "json": c.row.json},
                        sort_keys=True, ensure_ascii=False) for c in cases]
    path.write_text("\n".join(lines) + ("\n" if lines else ""), "utf-8")


def read_results(text: str) -> dict[int, dict[str, Any]]:
    results: dict[int, dict[str, Any]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and isinstance(item.get("case"), int):
                results[item["case"]] = item
    return results


def compare(language: str, cases: list[Case], results: dict[int, dict[str, Any]]) -> list[Finding]:
    """Findings for rows the language rejects or does not print back as they went in."""
    findings: list[Finding] = []
    label, parser = LABELS[language], PARSERS[language]
    for case in cases:
        msg = case.row.message
        result = results.get(case.number)

        def add(text: str, case: Case = case) -> None:
            findings.append(Finding(Severity.ERROR, "CODEGEN_FIXTURE_REJECTED" if " rejected" in text
                                    else "CODEGEN_FIXTURE_MISMATCH", case.file, case.line,
                                    f"{label}: {text}", entity=case.row.message.name))

        if result is None:
            add(f"{msg.name} row rejected: the {label} verifier returned no result for it")
            continue
        if "error" in result:
            fields = result.get("fields") or {}
            if not fields:
                add(f"{msg.name} row rejected by {parser}: {result['error']}")
            for key in sorted(fields):
                column = case.row.columns.get(key, key)
                value = json.dumps(case.row.json.get(key), ensure_ascii=False)
                add(f"{msg.name} row: column {column} = {value} rejected by {parser}: {fields[key]}")
            continue
        got = result.get("json") or {}
        expected = case.row.expected
        for key in sorted(set(got) | set(expected)):
            fld = field_for_key(msg, key)
            float32 = fld is not None and fld.type_name == "float"
            if key in got and key in expected and json_equal(got[key], expected[key], float32=float32):
                continue
            column = case.row.columns.get(key, key)
            want = json.dumps(expected.get(key), ensure_ascii=False) if key in expected else "(absent)"
            have = json.dumps(got.get(key), ensure_ascii=False) if key in got else "(absent)"
            add(f"{msg.name} row: column {column} went in as {want}, came back as {have} "
                f"(round trip through {parser})")
    return findings
