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
    assert "column" not in out and "CHECK" not in out and "migration" not in out


def test_expand_contract_steps_name_sql_only_in_a_contracts_repository() -> None:
    """A plain buf module has no columns, CHECK labels or migrations: its steps leave them out, and
    no step is left empty; a contracts repository keeps every step as written."""
    from workbench.breaking.plans import GENERIC, PLANS, plan_steps

    for rule in [*PLANS, "SOME_OTHER_RULE"]:
        plain, contracts = plan_steps(rule, with_sql=False), plan_steps(rule, with_sql=True)
        for step in plain:
            assert step.strip() and not any(word in step for word in ("column", "CHECK", "row", "migration", "[["))
        assert all("[[" not in step and "]]" not in step for step in contracts)
        assert len(contracts) == len(PLANS.get(rule, GENERIC))
    assert any("nullable column" in step for step in plan_steps("FIELD_SAME_TYPE", with_sql=True))


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
    # buf's COMPILE line on stdout, in its compiler's words and span
    assert code == 2
    assert '{"path":"a.proto","start_line":3,"start_column":1,"end_line":3,"end_column":21,"type":"COMPILE",' \
           '"message":"imported file does not exist"' in out
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


@pytest.mark.parametrize(("config", "roots", "message"), [
    ("buf.work.yaml", "version: v1\ndirectories: [b, a]\n",
     'x.proto is contained in multiple modules:\n  path: "a"\n  path: "b"'),
    ("buf.yaml", "version: v2\nmodules:\n  - path: b\n  - path: a\n    excludes: [a/ex]\n",
     'x.proto is contained in multiple modules:\n  path: "a", excludes: "a/ex"\n  path: "b"'),
    ("buf.yaml", "version: v1beta1\nbuild:\n  roots: [a, b]\n", "x.proto exists in multiple locations: a/x.proto b/x.proto"),
], ids=["work", "v2", "v1beta1"])
def test_a_file_name_two_modules_hold_is_refused_as_buf_refuses_it(
        config: str, roots: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """buf cannot tell which module's `x.proto` an import means: it refuses the workspace (exit 1)
    before building anything, for breaking and lint alike, whatever the files define."""
    for side in ("before", "after"):
        for module, package in (("a", "pa"), ("b", "pb")):
            (tmp_path / side / module).mkdir(parents=True)
            (tmp_path / side / module / "x.proto").write_text(f'syntax = "proto3";\npackage {package};\nmessage M {{}}\n')
            (tmp_path / side / module / "y.proto").write_text(f'syntax = "proto3";\npackage {package}.y;\n')
        (tmp_path / side / config).write_text(roots)
    code, out, err = run_ours(tmp_path / "after", monkeypatch, capsys, "--against", "../before")
    assert (code, out) == (2, "")
    assert message in err and "Traceback" not in err  # the first file name, sorted
    monkeypatch.chdir(tmp_path / "after")
    assert main(["lint"]) == 2
    assert message in capsys.readouterr().err
    if buf_executable():
        for command in (["breaking", "--against", "../before"], ["lint"]):
            done = subprocess.run([buf_executable() or "buf", *command], cwd=tmp_path / "after",
                                  capture_output=True, text=True, check=False, timeout=300)
            assert done.returncode == 1
            # buf names the first file name two modules hold; of two roots of a v1beta1 module, any
            # file in either order, run to run
            assert (message if "modules" in message else "exists in multiple locations: ") in done.stderr


def _workspaces(root: Path) -> None:
    """A v2 workspace whose module `proto` imports its module `vendor` (lint BASIC for `proto`, so that
    linting it with no config, STANDARD, would differ), and a buf.work.yaml one with the same shape."""
    files = {
        "v2/buf.yaml": "version: v2\nmodules:\n  - path: proto\n    lint:\n      use: [BASIC]\n  - path: vendor\n",
        "v2/proto/acme/a.proto": 'syntax = "proto3";\npackage acme;\nimport "ven/v.proto";\n'
                                 "message A { ven.V v = 1; int32 BadName = 2; }\n",
        "v2/vendor/ven/v.proto": 'syntax = "proto3";\npackage ven;\nmessage V { int32 x = 1; }\n',
        "w/buf.work.yaml": "version: v1\ndirectories: [a, b]\n",
        "w/a/buf.yaml": "version: v1\nlint:\n  use: [BASIC]\n",
        "w/a/acme/a.proto": 'syntax = "proto3";\npackage acme;\nimport "ven/v.proto";\n'
                            "message A { ven.V v = 1; int32 BadName = 2; }\n",
        "w/b/ven/v.proto": 'syntax = "proto3";\npackage ven;\nmessage V {}\n',
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


SNAKE = "FIELD_LOWER_SNAKE_CASE"
CONTAINED = ('failed to build input "{}" because it is contained by module at path "{}" specified in your '
             "configuration, you must provide the workspace or module as the input, and filter to this path using --path")


@pytest.mark.parametrize(("cwd", "args", "want"), [
    ("v2/proto", [], [(SNAKE, "acme/a.proto")]),  # a module's folder: the workspace above configures it
    ("v2", ["proto"], [(SNAKE, "proto/acme/a.proto")]),  # files named by the input as given
    ("v2/proto/acme", ["../../proto"], [(SNAKE, "../acme/a.proto")]),
    ("v2/proto/acme", [], CONTAINED.format("proto/acme", "proto")),
    ("v2/vendor/ven", [".."], [("PACKAGE_VERSION_SUFFIX", "../ven/v.proto")]),  # buf.yaml has no lint: STANDARD
    ("w/a", [], [(SNAKE, "acme/a.proto")]),  # a buf.work.yaml directory: its own buf.yaml, the others importable
    ("w/a/acme", [], CONTAINED.format("a/acme", "a")),
])
def test_a_folder_of_a_workspace_is_linted_as_buf_lints_it(
        cwd: str, args: list[str], want: list[tuple[str, str]] | str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """buf looks for the workspace that controls the input upwards (buftarget's
    terminateAtControllingWorkspace): a module's folder is linted with the workspace's config for
    it and the other modules to import from; a folder inside a module is refused."""
    _workspaces(tmp_path)
    monkeypatch.chdir(tmp_path / cwd)
    code = main(["lint", *args, "--error-format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if isinstance(want, str):
        assert (code, out, err.strip()) == (2, "", f"workbench lint: {want}")
    else:
        assert (code, sorted((f["type"], f["path"]) for f in lines(out))) == (1 if want else 0, want), err
    if buf_executable():
        done = subprocess.run([buf_executable() or "buf", "lint", *args, "--error-format", "json"],
                              cwd=tmp_path / cwd, capture_output=True, text=True, check=False, timeout=300)
        if isinstance(want, str):
            assert (done.returncode, done.stderr.strip()) == (1, f"Failure: {want}")
        else:
            assert (done.returncode, lines(done.stdout)) == (100 if want else 0, lines(out))


@pytest.mark.parametrize("against", ["../../../before/v2/proto", "main", "../.git#branch=main,subdir=proto"])
def test_breaking_in_a_module_folder_compares_that_module(against: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`buf breaking` in a module's folder: that module's image (its files and the other module's file
    it imports, named from the folder: ../vendor/...) against the same module of the base, whether
    the base is a folder, a branch or buf's git input with a subdir."""
    _workspaces(tmp_path / "before")
    if against.startswith("../../../"):
        shutil.copytree(tmp_path / "before", tmp_path / "after")
        work = tmp_path / "after" / "v2"
    else:
        work = tmp_path / "before" / "v2"
        git(work, "init", "-q", "-b", "main")
        git(work, "add", "-A")
        git(work, "-c", "user.email=a@b", "-c", "user.name=n", "commit", "-qm", "base")
    (work / "vendor" / "ven" / "v.proto").write_text('syntax = "proto3";\npackage ven;\nmessage V {}\n')
    code, out, err = run_ours(work / "proto", monkeypatch, capsys, "--against", against, "--error-format", "json")
    want = [("FIELD_NO_DELETE", "../vendor/ven/v.proto")]
    assert (code, sorted((f["type"], f.get("path")) for f in lines(out))) == (1, want), err
    if buf_executable():
        buf_against = "../.git#branch=main,subdir=proto" if against == "main" else against
        done = subprocess.run([buf_executable() or "buf", "breaking", "--against", buf_against, "--error-format", "json"],
                              cwd=work / "proto", capture_output=True, text=True, check=False, timeout=300)
        assert (done.returncode, lines(done.stdout)) == (100, lines(out)), done.stderr


def test_a_file_outside_v2_includes_cannot_be_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """v2 `includes` leave the rest of the module's folder out of it, as `excludes` do: importing a file
    outside them is buf's "imported file does not exist" at the import (its types then undefined)."""
    (tmp_path / "keep").mkdir()
    (tmp_path / "ex").mkdir()
    (tmp_path / "buf.yaml").write_text("version: v2\nmodules:\n  - path: .\n    includes: [keep]\n")
    (tmp_path / "ex" / "b.proto").write_text('syntax = "proto3";\npackage ex;\nmessage B {}\n')
    (tmp_path / "keep" / "a.proto").write_text('syntax = "proto3";\npackage keep;\nimport "ex/b.proto";\n'
                                               "message A { ex.B b = 1; }\n")
    monkeypatch.chdir(tmp_path)
    assert main(["lint"]) == 2
    err = capsys.readouterr().err
    assert 'keep/a.proto:3:1: error: Import "ex/b.proto" was not found' in err
    assert 'keep/a.proto:4:13: error: "ex.B" is not defined' in err
    if buf_executable():
        done = subprocess.run([buf_executable() or "buf", "lint", "--error-format", "json"], cwd=tmp_path,
                              capture_output=True, text=True, check=False, timeout=300)
        assert done.returncode == 100
        assert [(f["path"], f["start_line"], f["start_column"], f["message"]) for f in lines(done.stdout)] == [
            ("keep/a.proto", 3, 1, "imported file does not exist"), ("keep/a.proto", 4, 13, "cannot find `ex.B` in this scope")]


@pytest.mark.parametrize(("after_modules", "b_config", "refused"), [
    (["a"], None, True),  # a module gone: fewer input images than base images
    (["a", "b"], None, False),  # a module added, every module on buf's default config
    (["a", "b"], "version: v1\n", False),  # a buf.yaml with no breaking section is the default
    (["a", "b"], "version: v1\nbreaking:\n  use: [FILE]\n", True),  # `use` written out differs from none
    (["a", "b"], "version: v1\nbreaking:\n  except: [FIELD_NO_DELETE]\n", True),
])
def test_workspaces_of_different_sizes_are_compared_as_buf_compares_them(
        after_modules: list[str], b_config: str | None, refused: bool, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """buf compares the input's module images with the base's one for one: it refuses fewer input
    modules than base modules, and more unless every input module has the same breaking config."""
    before_modules = ["a"] if len(after_modules) == 2 else ["a", "b"]
    for side, modules in (("before", before_modules), ("after", after_modules)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "buf.work.yaml").write_text(f"version: v1\ndirectories: [{', '.join(modules)}]\n")
        for module in modules:
            (tmp_path / side / module).mkdir()
            (tmp_path / side / module / f"{module}.proto").write_text(
                f'syntax = "proto3";\npackage {module}.v1;\nmessage M {{}}\n')
    if b_config is not None:
        (tmp_path / "after" / "b" / "buf.yaml").write_text(b_config)
    code, out, err = run_ours(tmp_path / "after", monkeypatch, capsys, "--against", "../before", "--error-format", "json")
    message = f"input contained {len(after_modules)} images, whereas against contained {len(before_modules)} images"
    assert (code, out, message in err) == ((2, "", True) if refused else (0, "", False)), err
    if buf_executable():
        done = subprocess.run([buf_executable() or "buf", "breaking", "--against", "../before"], cwd=tmp_path / "after",
                              capture_output=True, text=True, check=False, timeout=300)
        assert (done.returncode, message in done.stderr) == ((1, True) if refused else (0, False)), done.stderr


@pytest.mark.parametrize(("before_modules", "after_modules", "deleted"), [
    (["a", "b"], ["a", "c"], False),  # b renamed c: still second in path order, compared with b
    (["a", "b"], ["a", "0c"], True),  # renamed 0c: now first, compared with a (and a with b)
    (["x", "y"], ["z", "a"], True),  # buf.work.yaml directories are paired in path order too, not as listed
])
def test_modules_are_paired_in_path_order_as_buf_pairs_them(
        before_modules: list[str], after_modules: list[str], deleted: bool, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """buf compares the input's module images with the base's by index, each side in the order of its
    modules' paths: a renamed module is compared with the one in its place."""
    for side, modules in (("before", before_modules), ("after", after_modules)):
        if "x" in before_modules:
            (tmp_path / side).mkdir()
            (tmp_path / side / "buf.work.yaml").write_text(f"version: v1\ndirectories: [{', '.join(modules)}]\n")
        else:
            (tmp_path / side).mkdir()
            (tmp_path / side / "buf.yaml").write_text("version: v2\nmodules:\n" + "".join(f"  - path: {m}\n" for m in modules))
        for i, module in enumerate(modules):
            (tmp_path / side / module).mkdir()
            (tmp_path / side / module / f"f{i}.proto").write_text(f'syntax = "proto3";\npackage p{i}.v1;\nmessage M {{}}\n')
    code, out, err = run_ours(tmp_path / "after", monkeypatch, capsys, "--against", "../before", "--error-format", "json")
    want = [("FILE_NO_DELETE", 'Previously present file "f0.proto" was deleted.'),
            ("FILE_NO_DELETE", 'Previously present file "f1.proto" was deleted.')] if deleted else []
    assert (code, sorted((f["type"], f["message"]) for f in lines(out))) == (1 if deleted else 0, want), err
    if buf_executable():
        done = subprocess.run([buf_executable() or "buf", "breaking", "--against", "../before", "--error-format", "json"],
                              cwd=tmp_path / "after", capture_output=True, text=True, check=False, timeout=300)
        assert (done.returncode, lines(done.stdout)) == (100 if deleted else 0, lines(out)), done.stderr
