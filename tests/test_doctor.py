"""`workbench doctor`: each toolchain found with its version, or missing with its install command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli.main import main

REPO = Path(__file__).resolve().parent.parent


def doctor(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["--root", str(REPO), "doctor", *extra])
    return code, capsys.readouterr().out


def test_lists_every_toolchain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = doctor(capsys, "--json")
    rows = json.loads(out)["toolchains"]
    assert {r["toolchain"] for r in rows} >= {"Python", "Go", "TypeScript", "PostgreSQL (embedded)", "Optional"}
    tools = {r["tool"]: r for r in rows}
    for name in ("python", "grpcio-tools", "protoc-gen-mypy", "mypy", "protoc-gen-go", "go", "node",
                 "protoc-gen-es", "@bufbuild/protobuf", "tsc", "postgres", "buf"):
        assert name in tools, name
    for r in rows:
        if r["found"]:
            assert r["version"] and Path(r["path"]).is_absolute(), r
        else:
            assert r["install"], r  # the exact command that installs it
    assert tools["python"]["found"] and tools["grpcio-tools"]["found"]
    assert code == (2 if any(r["required"] and not r["found"] for r in rows) else 0)


def test_missing_toolchain_shows_install_command(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "ts"
    monkeypatch.setenv("WORKBENCH_TS_TOOLCHAIN", str(empty))
    code, out = doctor(capsys)
    assert code == 2
    assert "  missing  protoc-gen-es" in out
    assert (f"install: npm install --prefix {empty} --no-save --no-audit --no-fund --ignore-scripts "
            "@bufbuild/protoc-gen-es@2.13.0 @bufbuild/protobuf@2.13.0 typescript@5.9.3") in out
    code, out = doctor(capsys, "--json")
    es = next(r for r in json.loads(out)["toolchains"] if r["tool"] == "protoc-gen-es")
    assert es["found"] is False and es["install"].startswith("npm install --prefix")


def test_version_mismatch_is_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.codegen.toolchains import resolve

    modules = tmp_path / "node_modules" / "@bufbuild"
    for name, version in (("protoc-gen-es", "2.13.0"), ("protobuf", "2.12.0")):
        (modules / name).mkdir(parents=True)
        (modules / name / "package.json").write_text(json.dumps({"version": version}))
    (modules / "protoc-gen-es" / "bin").mkdir()
    (modules / "protoc-gen-es" / "bin" / "protoc-gen-es").write_text("")
    monkeypatch.setenv("WORKBENCH_TS_TOOLCHAIN", str(tmp_path))
    es = resolve(["ts"])["ts"].plugin
    assert not es.found and "must be the same exact version" in es.note


def test_columns_stay_aligned_with_long_versions(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A long version (types-protobuf 7.35.1.20261122) or tool name never pushes a path out of line."""
    from workbench.codegen import doctor as doctor_rows

    rows = [doctor_rows.Row("Python", "python", True, "3.11.7", "/usr/bin/python3", ""),
            doctor_rows.Row("Python", "types-protobuf", True, "7.35.1.20261122", "/venv/bin/python3", ""),
            doctor_rows.Row("Go", "google.golang.org/protobuf-with-a-long-name", True, "1.36.10-0+deb13u1",
                            "/usr/share/gocode", ""),
            doctor_rows.Row("Go", "go", False, "", "", "apt-get install -y golang-go")]
    monkeypatch.setattr(doctor_rows, "collect", lambda _root: rows)
    code, out = doctor(capsys)
    ok = [line for line in out.splitlines() if line.startswith("  ok ")]
    assert code == 2 and len(ok) == 3
    assert len({line.index(" /") for line in ok}) == 1, out  # every path starts in the same column
    versions = [line.split()[2] for line in ok]
    assert len({line.index(v) for line, v in zip(ok, versions, strict=True)}) == 1, out
    assert not [line for line in out.splitlines() if line != line.rstrip()], "no trailing blanks"
