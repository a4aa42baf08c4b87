"""Codegen end to end on a copy of the repository's contracts: generate, verify, report.

One full generate-and-verify per test session (`generated`): Go and TypeScript builds are
keyed by the generated code, so later tests on copies reuse them and only re-run the
verifier programs. GOCACHE is this repository's `.workbench/go-cache` for every copy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from skips import skip_or_fail
from test_codegen_support import need

from workbench.cli.main import main
from workbench.codegen.run import CodegenReport, run_codegen

REPO = Path(__file__).resolve().parent.parent
COPIED = ("proto", "sql", "seeders", "workbench.toml")
EXPECTED_FILES = {
    "python": ["entities_pb2.py", "entities_pb2.pyi"],
    "go": ["entities.pb.go"],
    "ts": ["entities_pb.ts"],
}


@pytest.fixture(scope="session", autouse=True)
def _shared_gocache() -> Iterator[None]:
    old = os.environ.get("WORKBENCH_GOCACHE")
    os.environ["WORKBENCH_GOCACHE"] = str(REPO / ".workbench" / "go-cache")
    yield
    if old is None:
        os.environ.pop("WORKBENCH_GOCACHE", None)
    else:
        os.environ["WORKBENCH_GOCACHE"] = old


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CodegenReport]:
    root = tmp_path_factory.mktemp("codegen") / "repo"
    root.mkdir()
    for name in COPIED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        elif src.is_file():
            shutil.copy2(src, root / name)
    return root, run_codegen(root, verify=True)


@pytest.fixture
def copy(generated: tuple[Path, CodegenReport], tmp_path: Path) -> Path:
    """A copy of the generated repository, with its verifier builds (so no recompiling)."""
    dest = tmp_path / "repo"
    shutil.copytree(generated[0], dest, symlinks=True)
    return dest


def fixture_rows(root: Path) -> int:
    from workbench.codegen.cases import build_cases
    from workbench.workspace import load_model

    return len(build_cases(load_model(root)))


@pytest.mark.parametrize("language", ["python", "go", "ts"])
def test_each_language_generates_and_verifies(language: str, generated: tuple[Path, CodegenReport]) -> None:
    need(language)
    root, report = generated
    result = next(r for r in report.languages if r.language == language)
    assert result.findings == [], [f.format() for f in result.findings]
    assert result.status == "ok" and result.verified is True
    assert result.files == EXPECTED_FILES[language]
    assert result.cases == fixture_rows(root) > 100  # every seed row of every mapped table
    for rel in result.files:
        assert (root / "gen" / language / rel).stat().st_size > 1000


def test_python_types_are_strict_and_importable(generated: tuple[Path, CodegenReport]) -> None:
    root, _ = generated
    stub = (root / "gen/python/entities_pb2.pyi").read_text()
    assert "class Product(" in stub and "def __init__(" in stub  # mypy-protobuf, not protoc's --pyi_out


def test_second_run_writes_nothing(generated: tuple[Path, CodegenReport]) -> None:
    root, _ = generated
    before = {p: p.stat().st_mtime_ns for p in (root / "gen").rglob("*") if p.is_file()}
    again = run_codegen(root, verify=True)
    for r in again.languages:
        if r.status == "missing":
            skip_or_fail(f"{r.language} toolchain missing: {r.hint}")
        assert r.unchanged and r.written == [] and r.removed == [], r.to_json()
    assert {p: p.stat().st_mtime_ns for p in (root / "gen").rglob("*") if p.is_file()} == before
    # How fast the stamp answers is measured in bench/bench_codegen.py ("nothing changed").


def test_cli_says_nothing_changed(generated: tuple[Path, CodegenReport], capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = generated
    code = main(["--root", str(root), "codegen", "python"])
    out = capsys.readouterr().out
    assert code == 0
    assert "unchanged" in out and "nothing changed since the last run" in out


def test_output_is_deterministic(copy: Path) -> None:
    first = {p.relative_to(copy / "gen"): p.read_bytes() for p in (copy / "gen").rglob("*") if p.is_file()}
    report = run_codegen(copy, out=copy / "again", force=True)
    produced = {r.language for r in report.languages if r.status == "ok"}
    assert produced
    for lang in produced:
        for p in (copy / "again" / lang).rglob("*"):
            if p.is_file():
                assert p.read_bytes() == first[p.relative_to(copy / "again")], p


def test_only_changed_files_are_rewritten(copy: Path) -> None:
    extra = copy / "proto" / "extra" / "notes.proto"
    extra.parent.mkdir()
    extra.write_text('syntax = "proto3";\npackage homeopathy.extra.v1;\n'
                     'option go_package = "example.com/contracts/extra;extrav1";\n'
                     "message Note { string text = 1; }\n")
    entities = copy / "gen" / "python" / "entities_pb2.py"
    mtime = entities.stat().st_mtime_ns
    report = run_codegen(copy, ["python"])
    py = report.languages[0]
    assert py.written == ["extra/notes_pb2.py", "extra/notes_pb2.pyi"]
    assert entities.stat().st_mtime_ns == mtime
    extra.unlink()
    report = run_codegen(copy, ["python"])
    assert report.languages[0].removed == ["extra/notes_pb2.py", "extra/notes_pb2.pyi"]
    assert not (copy / "gen" / "python" / "extra").exists()


def test_edited_output_is_restored(copy: Path) -> None:
    target = copy / "gen" / "python" / "entities_pb2.py"
    original = target.read_bytes()
    target.write_bytes(b"# edited by hand\n")
    report = run_codegen(copy, ["python"])
    assert report.languages[0].written == ["entities_pb2.py"]
    assert target.read_bytes() == original


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _break_seeds(root: Path) -> tuple[int, int]:
    products = root / "seeders" / "products.json"
    text = products.read_text()
    products.write_text(text.replace('"potency_scale": "c"', '"potency_scale": "centesimal"', 1))
    categories = root / "seeders" / "categories.json"
    text = categories.read_text()
    categories.write_text(re.sub(r'"sort_order": \d+', '"sort_order": 3000000000', text, count=1))
    return _line_of(products, "centesimal"), _line_of(categories, "3000000000")


@pytest.mark.parametrize("language", ["python", "go", "ts"])
def test_rejected_seed_values_name_file_line_and_column(language: str, copy: Path) -> None:
    need(language)
    enum_line, int_line = _break_seeds(copy)
    report = run_codegen(copy, [language], verify=True)
    result = report.languages[0]
    assert result.status == "failed" and result.verified is False
    where = {(f.file, f.line, f.rule) for f in result.findings}
    assert ("seeders/products.json", enum_line, "CODEGEN_FIXTURE_REJECTED") in where
    assert ("seeders/categories.json", int_line, "CODEGEN_FIXTURE_REJECTED") in where
    messages = " | ".join(f.message for f in result.findings)
    assert 'column potency_scale = "centesimal"' in messages
    assert "column sort_order = 3000000000" in messages
    assert len(result.findings) == 2  # the other 136 rows still pass
    assert report.exit_code == 1


def test_cli_exit_1_names_row_and_languages(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for lang in ("python", "go", "ts"):
        need(lang)
    enum_line, _ = _break_seeds(copy)
    code = main(["--root", str(copy), "codegen", "all", "--verify"])
    out = capsys.readouterr()
    assert code == 1
    assert (f'seeders/products.json:{enum_line}: error: Product row: column potency_scale = "centesimal" '
            "rejected by Python, Go, TypeScript [CODEGEN_FIXTURE_REJECTED]") in out.out
    assert "codegen failed for python, go, ts" in out.err


def test_json_report(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--root", str(copy), "codegen", "python", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    (lang,) = data["languages"]
    assert {"language", "plugin", "version", "files", "seconds", "status", "findings"} <= lang.keys()
    assert lang["language"] == "python" and lang["plugin"] == "protoc-gen-mypy" and lang["status"] == "ok"


def test_out_is_relative_to_the_working_directory(copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    service = tmp_path / "orders-service"
    service.mkdir()
    monkeypatch.chdir(service)
    assert main(["--root", str(copy), "codegen", "python", "--out", "internal/contracts", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (service / "internal/contracts/python/entities_pb2.py").is_file()
    assert data["languages"][0]["out"] == str(service / "internal/contracts/python")
    assert not (copy / "internal").exists()


def test_missing_plugin_gives_hint_and_others_still_run(copy: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WORKBENCH_TS_TOOLCHAIN", str(tmp_path / "no-ts-here"))
    shutil.rmtree(copy / "gen")
    code = main(["--root", str(copy), "codegen", "all", "--json"])
    data = {x["language"]: x for x in json.loads(capsys.readouterr().out)["languages"]}
    assert code == 2
    ts = data["ts"]
    assert ts["status"] == "missing" and "protoc-gen-es" in ts["missing"]
    assert ts["hint"].startswith(f"npm install --prefix {tmp_path / 'no-ts-here'} ")
    assert "@bufbuild/protoc-gen-es@2.13.0" in ts["hint"] and "@bufbuild/protobuf@2.13.0" in ts["hint"]
    assert data["python"]["status"] == "ok" and (copy / "gen/python/entities_pb2.py").is_file()
    assert not (copy / "gen" / "ts").exists()
    # and the text form says what to run
    main(["--root", str(copy), "codegen", "ts"])
    captured = capsys.readouterr()
    assert "install:  npm install --prefix" in captured.out
    assert "nothing changed since the last run" not in captured.out  # there was no run to speak of
    assert "ts toolchain missing (protoc-gen-es" in captured.err


def test_missing_verifier_still_generates(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_GO_PROTOBUF_SRC", str(copy / "nowhere"))
    report = run_codegen(copy, ["go"], verify=True, force=True)
    go = report.languages[0]
    if go.missing == ["protoc-gen-go"]:
        skip_or_fail(f"protoc-gen-go is not installed: {go.hint}")
    assert go.status == "missing" and go.missing == ["google.golang.org/protobuf"]
    assert "golang-google-protobuf-dev" in go.hint
    assert go.files == ["entities.pb.go"] and report.exit_code == 2


def test_proto_that_does_not_compile(copy: Path) -> None:
    (copy / "proto" / "broken.proto").write_text('syntax = "proto3";\nmessage Broken { strin x = 1; }\n')
    report = run_codegen(copy, ["python"])
    py = report.languages[0]
    assert py.status == "failed" and report.exit_code == 1
    assert any(f.file == "proto/broken.proto" and f.line == 2 for f in py.findings)
