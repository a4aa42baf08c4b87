"""`workbench breaking` as a drop-in for `buf breaking` in plain buf modules and workspaces.

Each folder in tests/breaking_cases/dropin/<case> is a buf input on its own (buf.yaml v1beta1/v1/v2
with modules, buf.work.yaml, roots/excludes/ignores, vendored well-known types, files with no syntax
line, or no config at all) with a `before/` and an `after/`, and `expected.jsonl`: what
`buf breaking --against ../before --error-format json` printed in `after/` (buf 1.75), kept by hand
so the test still means something where buf-bin is not installed. Where it is, buf is run too and
must still print exactly that.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from skips import need_tool

from workbench.breaking.bufcli import buf_executable
from workbench.cli.main import main

CASES = Path(__file__).parent / "breaking_cases" / "dropin"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "after").is_dir())


def lines(text: str) -> list[dict[str, object]]:
    return sorted((json.loads(line) for line in text.splitlines() if line.strip()), key=json.dumps)


def expected(case: str) -> list[dict[str, object]]:
    return lines((CASES / case / "expected.jsonl").read_text())


def copy_case(case: str, tmp_path: Path) -> Path:
    dest = tmp_path / case
    shutil.copytree(CASES / case, dest)
    return dest


def run_ours(cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main(["breaking", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", CASE_NAMES)
def test_case_matches_the_expectation(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_case(case, tmp_path)
    code, out, err = run_ours(root / "after", monkeypatch, capsys, "--against", "../before",
                              "--error-format", "json")
    assert "Traceback" not in err
    want = expected(case)
    assert lines(out) == want
    assert code == (1 if want else 0)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_buf_still_prints_the_expectation(case: str, tmp_path: Path) -> None:
    need_tool(buf_executable(), "buf-bin is not installed: pip install -e '.[test]'")
    root = copy_case(case, tmp_path)
    done = subprocess.run([buf_executable() or "buf", "breaking", "--against", "../before", "--error-format", "json"],
                          cwd=root / "after", capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode in (0, 100), done.stderr
    assert lines(done.stdout) == expected(case)


@pytest.mark.parametrize("fmt", ["text", "msvs", "github-actions"])
def test_other_buf_formats(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_case("v1beta1_roots_excludes_ignore", tmp_path)
    code, out, _ = run_ours(root / "after", monkeypatch, capsys, "--against", "../before", "--error-format", fmt)
    assert code == 1
    want = {
        "text": ['<input>:1:1:Previously present file "v/v.proto" was deleted.',
                 '<input>:1:1:Previously present package "v" was deleted.',
                 'proto/a/a.proto:3:1:Previously present field "1" with name "x" on message "A" was deleted.'],
        "msvs": ['<input>(1,1) : error FILE_NO_DELETE : Previously present file "v/v.proto" was deleted.',
                 '<input>(1,1) : error PACKAGE_NO_DELETE : Previously present package "v" was deleted.',
                 'proto/a/a.proto(3,1) : error FIELD_NO_DELETE : Previously present field "1" with name "x" '
                 'on message "A" was deleted.'],
        "github-actions": ['::error file=<input>::Previously present file "v/v.proto" was deleted.',
                           '::error file=<input>::Previously present package "v" was deleted.',
                           '::error file=proto/a/a.proto,line=3,col=1,endLine=3,endColumn=15::Previously present '
                           'field "1" with name "x" on message "A" was deleted.'],
    }[fmt]
    assert out.splitlines() == want


def test_plain_module_report_has_no_semver_or_sql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_case("v2_modules_excludes_imports", tmp_path)
    code, out, err = run_ours(root / "after", monkeypatch, capsys, ".", "--against", "../before", "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    assert report["errors"] == []
    assert {c["category"] for c in report["changes"]} <= {"FILE", "PACKAGE", "WIRE_JSON", "WIRE", ""}
    code, out, _ = run_ours(root / "after", monkeypatch, capsys, "--against", "../before")
    assert code == 1 and "semver" not in out and "proto/acme/v1/order.proto:5:3: FIELD_SAME_TYPE" in out


def test_no_syntax_line_is_a_warning_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A file with no syntax line is valid proto2: protoc's warning (and absl's preamble) are no error."""
    root = copy_case("no_config", tmp_path)
    shutil.rmtree(root / "after")
    shutil.copytree(root / "before", root / "after")
    code, out, err = run_ours(root / "after", monkeypatch, capsys, "--against", "../before")
    assert code == 0, out + err
    assert "PROTO_COMPILE" not in out + err and "absl" not in out + err


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.mark.parametrize("against", ["main", ".git#branch=main,subdir=mod", "../.git#branch=main,subdir=mod"])
def test_git_refs_in_a_module_folder(against: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A module in a folder of a repository: `--against main` reads the same folder of main."""
    case = copy_case("v2_modules_excludes_imports", tmp_path)
    repo = tmp_path / "repo"
    shutil.copytree(case / "before", repo / "mod")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A")
    git(repo, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "base")
    shutil.rmtree(repo / "mod")
    shutil.copytree(case / "after", repo / "mod")
    cwd = repo if against.startswith(".git") else repo / "mod"
    target = ["mod"] if against.startswith(".git") else []
    code, out, err = run_ours(cwd, monkeypatch, capsys, *target, "--against", against, "--error-format", "json")
    got = lines(out)
    for item in got:
        if target and "path" in item:
            item["path"] = str(item["path"]).removeprefix("mod/")  # buf prints the input path first too
    assert (code, got) == (1, expected("v2_modules_excludes_imports")), err


def test_bad_buf_yaml_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "after").mkdir()
    (tmp_path / "after" / "buf.yaml").write_text("version: v3\n")
    (tmp_path / "after" / "a.proto").write_text('syntax = "proto3";\n')
    (tmp_path / "before").mkdir()
    code, _, err = run_ours(tmp_path / "after", monkeypatch, capsys, "--against", "../before")
    assert code == 2 and "buf.yaml" in err and "v3" in err and "Traceback" not in err


def test_v1_build_roots_are_refused_as_buf_refuses_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """`build.roots` is v1beta1's: buf 1.75 fails on it in a v1 buf.yaml, so a review there is a usage error."""
    for side in ("before", "after"):
        (tmp_path / side / "r1").mkdir(parents=True)
        (tmp_path / side / "buf.yaml").write_text("version: v1\nbuild:\n  roots: [r1]\n")
        (tmp_path / side / "r1" / "a.proto").write_text('syntax = "proto3";\npackage a.v1;\nmessage A {}\n')
    code, out, err = run_ours(tmp_path / "after", monkeypatch, capsys, "--against", "../before")
    assert (code, out) == (2, "")
    assert "build.roots cannot be set on version v1: [r1]" in err
    if buf_executable():
        done = subprocess.run([buf_executable() or "buf", "breaking", "--against", "../before"], cwd=tmp_path / "after",
                              capture_output=True, text=True, check=False, timeout=300)
        assert done.returncode == 1 and "build.roots cannot be set on version v1: [r1]" in done.stderr


EXCLUDING_CONFIGS = {
    "v1": "version: v1\nbuild:\n  excludes: [ex]\n",
    "v1beta1": "version: v1beta1\nbuild:\n  excludes: [ex]\n",
    "v2": "version: v2\nmodules:\n  - path: .\n    excludes: [ex]\n",
}


@pytest.mark.parametrize("version", sorted(EXCLUDING_CONFIGS))
def test_an_excluded_folder_cannot_be_imported(version: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """buf takes excluded files out of the module altogether: importing one is its "imported file does
    not exist" (COMPILE). Found on googleapis-common-protos with `excludes: [google/rpc]`, where
    google/longrunning imports google/rpc/status.proto: the review must refuse, not pass."""
    for side in ("before", "after"):
        (tmp_path / side / "ex").mkdir(parents=True)
        (tmp_path / side / "buf.yaml").write_text(EXCLUDING_CONFIGS[version])
        (tmp_path / side / "ex" / "b.proto").write_text('syntax = "proto3";\npackage ex;\nmessage B {}\n')
        (tmp_path / side / "a.proto").write_text(
            'syntax = "proto3";\npackage a;\nimport "ex/b.proto";\nmessage A { ex.B b = 1; }\n')
    code, out, err = run_ours(tmp_path / "after", monkeypatch, capsys, "--against", "../before",
                              "--error-format", "json")
    # buf's COMPILE lines on stdout, protoc's words
    assert code == 2
    assert '{"path":"a.proto","start_line":3,"start_column":1,"end_line":3,"end_column":1,"type":"COMPILE",' \
           '"message":"Import \\"ex/b.proto\\" was not found' in out
    if buf_executable():
        done = subprocess.run([buf_executable() or "buf", "breaking", "--against", "../before", "--error-format",
                               "json"], cwd=tmp_path / "after", capture_output=True, text=True, check=False,
                              timeout=300)
        assert done.returncode == 100
        assert '"path":"a.proto","start_line":3,"start_column":1,"end_line":3,"end_column":21,"type":"COMPILE",' \
               '"message":"imported file does not exist"' in done.stdout


def test_an_excluded_folder_next_to_its_importers_keeps_the_rest_importable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Only the excluded folder is hidden: its siblings (and files of the folders above it) still import."""
    for side in ("before", "after"):
        (tmp_path / side / "p" / "ex").mkdir(parents=True)
        (tmp_path / side / "p" / "keep").mkdir(parents=True)
        (tmp_path / side / "buf.yaml").write_text("version: v1\nbuild:\n  excludes: [p/ex]\n")
        (tmp_path / side / "p" / "ex" / "e.proto").write_text('syntax = "proto3";\npackage p.ex;\n')
        (tmp_path / side / "p" / "keep" / "k.proto").write_text('syntax = "proto3";\npackage p.keep;\nmessage K {}\n')
        (tmp_path / side / "p" / "top.proto").write_text('syntax = "proto3";\npackage p;\nmessage T {}\n')
    (tmp_path / "after" / "a.proto").write_text('syntax = "proto3";\npackage a;\nimport "p/keep/k.proto";\n'
                                                'import "p/top.proto";\nmessage A { p.keep.K k = 1; p.T t = 2; }\n')
    code, out, err = run_ours(tmp_path / "after", monkeypatch, capsys, "--against", "../before",
                              "--error-format", "json")
    assert (code, out) == (0, ""), err


@pytest.mark.parametrize(("config", "empty_side", "module"), [
    ("", "before", "."), ("", "after", "."), ("version: v2\n", "before", "."),
    ("version: v2\nmodules:\n  - path: p\n  - path: q\n", "before", "q"),
    ("version: v1\nbuild:\n  excludes: [p]\n", "after", '.", excludes: "p'),
])
def test_a_module_with_no_protos_is_refused_as_buf_refuses_it(
        config: str, empty_side: str, module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """buf fails on a module (of the input or of --against) that has no .proto file, as on the commit
    that first adds the module: `Module "path: "."" had no .proto files`, exit 1. The review must not
    pass, nor report every file deleted."""
    for side in ("before", "after"):
        (tmp_path / side / "p").mkdir(parents=True)
        (tmp_path / side / "q").mkdir(parents=True)
        if config:
            (tmp_path / side / "buf.yaml").write_text(config)
        if side != empty_side:
            (tmp_path / side / "p" / "a.proto").write_text('syntax = "proto3";\npackage p;\nmessage A {}\n')
    if "modules" in config:  # a workspace whose module q is empty on the --against side only
        (tmp_path / "after" / "q" / "b.proto").write_text('syntax = "proto3";\npackage q;\n')
        (tmp_path / "before" / "p" / "a.proto").write_text('syntax = "proto3";\npackage p;\nmessage A {}\n')
    code, out, err = run_ours(tmp_path / "after", monkeypatch, capsys, "--against", "../before",
                              "--error-format", "json")
    assert (code, out) == (2, "")
    assert f'Module "path: "{module}"" had no .proto files' in err
    if buf_executable():
        done = subprocess.run([buf_executable() or "buf", "breaking", "--against", "../before", "--error-format",
                               "json"], cwd=tmp_path / "after", capture_output=True, text=True, check=False,
                              timeout=300)
        assert (done.returncode, done.stdout) == (1, "")
        assert f'Module "path: "{module}"" had no .proto files' in done.stderr
