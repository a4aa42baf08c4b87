"""`workbench check` as a user runs it: on the repository, and on copies broken in each layer."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli.main import main


def run_check(root: Path, url: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    code = main(["--root", str(root), "check", "--json", "--url", url, *extra])
    return code, json.loads(capsys.readouterr().out)


def where(report: dict, rule: str) -> list[tuple[str, int]]:
    return [(f["file"], f["line"]) for f in report["findings"] if f["rule"] == rule]


def test_repository_passes(repo_root: Path, pg_admin: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_check(repo_root, pg_admin, capsys)
    assert [f for f in report["findings"] if f["severity"] != "info"] == []
    # exemptions are listed as accepted, with their reason, never silently dropped
    assert all(f["message"].startswith("accepted (") for f in report["findings"])
    assert report["entities"] == 22
    assert code == 0


def replace(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in `path`; returns the 1-based line where it was."""
    text = path.read_text()
    idx = text.index(old)
    path.write_text(text[:idx] + new + text[idx + len(old):])
    return text.count("\n", 0, idx) + 1


def test_one_break_in_each_layer(repo_copy: Path, pg_admin: str, capsys: pytest.CaptureFixture[str]) -> None:
    proto_line = replace(repo_copy / "proto/entities.proto", "message Brand {", "message Brand {\n  int32 = ;")
    sql_line = replace(repo_copy / "sql/006_create_notifications.sql", "CREATE TABLE", "CREATE TABEL")
    fixture = repo_copy / "seeders/brands.json"
    fx_line = replace(fixture, '"name":', '"nmae":')
    code, report = run_check(repo_copy, pg_admin, capsys)
    assert code == 1
    assert ("proto/entities.proto", proto_line + 1) in where(report, "PROTO_COMPILE")
    assert ("sql/006_create_notifications.sql", sql_line) in where(report, "SQL_SYNTAX")
    unknown = [f for f in report["findings"] if f["rule"] == "FIXTURE_UNKNOWN_COLUMN"]
    assert [(f["file"], f["line"]) for f in unknown] == [("seeders/brands.json", fx_line)]
    assert "nmae" in unknown[0]["message"] and unknown[0]["column"] > 0
    for f in report["findings"]:
        assert set(f) >= {"severity", "rule", "file", "line", "message"}


def test_field_without_column(repo_copy: Path, pg_admin: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = replace(repo_copy / "proto/entities.proto", "message Brand {",
                   "message Brand {\n  // Loyalty tier.\n  string tier = 99;")
    code, report = run_check(repo_copy, pg_admin, capsys)
    assert code == 1
    assert where(report, "LAYER_FIELD_NO_COLUMN") == [("proto/entities.proto", line + 2)]
    finding = next(f for f in report["findings"] if f["rule"] == "LAYER_FIELD_NO_COLUMN")
    assert finding["entity"] == "Brand" and "brands.tier" in finding["message"]


def test_type_and_nullability_mismatch(repo_copy: Path, pg_admin: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = (repo_copy / "proto/entities.proto").read_text()
    m = re.search(r"\n  string name = (\d+);", text)
    assert m
    line = replace(repo_copy / "proto/entities.proto", m[0].lstrip("\n"), f"  int32 name = {m[1]};")
    _, report = run_check(repo_copy, pg_admin, capsys, "--no-db")
    mismatch = [f for f in report["findings"] if f["rule"] == "LAYER_TYPE_MISMATCH"]
    assert [(f["file"], f["line"]) for f in mismatch] == [("proto/entities.proto", line)]
    assert "int32 does not map to" in mismatch[0]["message"]


def test_migration_failing_on_postgres(repo_copy: Path, pg_admin: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo_copy / "sql/006_create_notifications.sql"
    line = replace(path, "CREATE TABLE", "ALTER TABLE no_such_table ADD COLUMN x int;\nCREATE TABLE")
    code, report = run_check(repo_copy, pg_admin, capsys)
    assert code == 1
    failures = [f for f in report["findings"] if f["rule"] == "MIGRATION_APPLY"]
    assert [(f["file"], f["line"]) for f in failures] == [("sql/006_create_notifications.sql", line)]
    assert "no_such_table" in failures[0]["message"]


def test_down_part_that_does_not_revert(repo_copy: Path, pg_admin: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo_copy / "sql/006_create_notifications.sql"
    text = path.read_text()
    up, down = text.split("-- migrate:down")
    path.write_text(up + "-- migrate:down\nSELECT 1;\n")
    code, report = run_check(repo_copy, pg_admin, capsys)
    assert code == 1
    bad = [f for f in report["findings"] if f["rule"] == "MIGRATION_DOWN_MISMATCH"]
    assert bad and bad[0]["file"] == "sql/006_create_notifications.sql"
    assert "extra table public.notifications" in bad[0]["message"]


def test_fixture_reference_and_value_errors(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    products = repo_copy / "seeders/products.json"
    line = replace(products, '"brand_id": 3', '"brand_id": 999')
    line2 = replace(products, '"unit_price_minor": 10500', '"unit_price_minor": "cheap"')
    code = main(["--root", str(repo_copy), "check", "--json", "--no-db"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert ("seeders/products.json", line) in where(report, "FIXTURE_REFERENCE")
    assert ("seeders/products.json", line2) in where(report, "FIXTURE_TYPE")


def test_unreachable_database_is_one_line_without_password(repo_root: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "--root", str(repo_root), "check",
         "--url", "postgresql://alice:s3cret-pw@127.0.0.1:9/contracts"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "s3cret-pw" not in proc.stderr + proc.stdout
    assert proc.stderr.strip().count("\n") == 0
    assert "cannot connect to postgresql://alice:***@127.0.0.1:9/contracts" in proc.stderr


def test_not_a_repository(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "workbench", "--root", str(tmp_path), "check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "not inside a contracts repository" in proc.stderr
    assert "Traceback" not in proc.stderr
