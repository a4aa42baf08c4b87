"""Proto lint (`workbench lint`, and `workbench check`'s proto rules) against `buf lint` (PyPI buf-bin).

Each folder in tests/lint_cases is a buf module or workspace with its own buf.yaml (v1, v2 with
modules, buf.work.yaml; use/except/ignore/ignore_only, the rules' options, comment ignores, editions)
and `expected.jsonl`: what `buf lint --error-format json` printed there (buf 1.75), kept by hand so
the test still means something where buf-bin is not installed. Where it is, buf is run too and must
still print exactly that. The single files tests/lint_cases/*.proto are linted under the house rules
of `workbench check` and compared with buf under the same rules.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from go_pointer import unpointed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skips import need_tool

from workbench.checks.proto_lint import lint_file
from workbench.cli.main import main
from workbench.contracts.proto_compile import compile_protos

CASES = Path(__file__).parent / "lint_cases"
MODULES = sorted(p.name for p in CASES.iterdir() if p.is_dir())
HOUSE_YAML = "version: v2\nlint:\n  use:\n    - STANDARD\n    - COMMENTS\n  except:\n    - PACKAGE_DIRECTORY_MATCH\n"


def buf_binary() -> str | None:
    venv_buf = Path(sys.executable).parent / "buf"
    return str(venv_buf) if venv_buf.exists() else shutil.which("buf")


@pytest.fixture
def _buf() -> None:
    need_tool(buf_binary(), "buf (PyPI buf-bin) is not installed: pip install -e '.[test]'")


needs_buf = pytest.mark.usefixtures("_buf")


def lines(text: str) -> list[dict[str, object]]:
    # a message example's pointer is left out (go_pointer.py): its address changes from run to run
    return sorted((unpointed(json.loads(line)) for line in text.splitlines() if line.strip()), key=json.dumps)


def run_buf(cwd: Path) -> list[dict[str, object]]:
    done = subprocess.run([buf_binary() or "buf", "lint", "--error-format", "json"], cwd=cwd, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode in (0, 100), done.stderr
    return lines(done.stdout)


@pytest.mark.parametrize("case", MODULES)
def test_module_matches_the_expectation(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / case
    shutil.copytree(CASES / case, root)
    monkeypatch.chdir(root)
    code = main(["lint", "--error-format", "json"])
    out, err = capsys.readouterr()
    want = lines((CASES / case / "expected.jsonl").read_text())
    assert "Traceback" not in err
    assert lines(out) == want
    assert code == (1 if want else 0)


@needs_buf
@pytest.mark.parametrize("case", MODULES)
def test_buf_still_prints_the_expectation(case: str, tmp_path: Path) -> None:
    root = tmp_path / case
    shutil.copytree(CASES / case, root)
    assert run_buf(root) == lines((CASES / case / "expected.jsonl").read_text())


def test_text_format_and_input_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(CASES / "workspace_v1", tmp_path / "ws")
    monkeypatch.chdir(tmp_path)
    code = main(["lint", "ws"])
    out, _ = capsys.readouterr()
    assert code == 1
    # buf names files by the input as given (their external paths): `buf lint ws` prints ws/a/...
    assert out.splitlines()[0] == ('ws/a/pa/v1/a.proto:5:1:Message "a_msg" should have a non-empty comment for '
                                   'documentation.')


def test_clean_module_exits_0_and_bad_config_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "acme" / "v1").mkdir(parents=True)
    (tmp_path / "acme" / "v1" / "acme.proto").write_text('syntax = "proto3";\npackage acme.v1;\nmessage Acme {}\n')
    monkeypatch.chdir(tmp_path)
    assert main(["lint"]) == 0
    (tmp_path / "buf.yaml").write_text("version: v2\nlint:\n  use: [NOT_A_RULE]\n")
    assert main(["lint"]) == 2
    _, err = capsys.readouterr()
    assert "NOT_A_RULE" in err and "buf.yaml" in err and "Traceback" not in err


# ---------------------------------------------------------------- single files, house rules (`workbench check`)

@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*.proto")))
def test_house_rules_match_buf(case: str, tmp_path: Path) -> None:
    need_tool(buf_binary(), "buf (PyPI buf-bin) is not installed: pip install -e '.[test]'")
    shutil.copy(CASES / case, tmp_path / case)
    (tmp_path / "buf.yaml").write_text(HOUSE_YAML)
    theirs = {(d["type"], d["start_line"], d["start_column"], d["message"]) for d in run_buf(tmp_path)}
    from google.protobuf import descriptor_pb2

    result = compile_protos(tmp_path, [case])
    assert result.descriptor_set is not None, result.findings
    fds = descriptor_pb2.FileDescriptorSet.FromString(result.descriptor_set)
    fd = next(f for f in fds.file if f.name == case)
    ours = {(f.rule, f.line, f.column, f.message) for f in lint_file(fd, case)}
    assert theirs, "the case should trip buf"
    assert ours == theirs


def test_repository_protos_are_lint_clean(repo_root: Path) -> None:
    from workbench.checks.proto_lint import check
    from workbench.workspace import load_model

    assert check(load_model(repo_root)) == []


def test_check_and_lint_run_the_same_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`workbench check` reports what `workbench lint` reports on the same protos and buf.yaml."""
    from workbench.checks.proto_lint import check
    from workbench.workspace import load_model

    root = tmp_path / "contracts"
    (root / "proto").mkdir(parents=True)
    (root / "sql").mkdir()
    shutil.copy(CASES / "naming.proto", root / "proto" / "naming.proto")
    (root / "proto" / "buf.yaml").write_text(HOUSE_YAML)
    from_check = sorted((f.rule, f.file.removeprefix("proto/"), f.line, f.column, f.message)
                        for f in check(load_model(root)))
    monkeypatch.chdir(root / "proto")
    main(["lint", "--error-format", "json"])
    out, _ = capsys.readouterr()
    from_lint = sorted((d["type"], d["path"], d["start_line"], d["start_column"], d["message"]) for d in lines(out))
    assert from_check == from_lint and from_lint


# ---------------------------------------------------------------- names (buf's stringutil), fuzzed

NAME = st.text(alphabet="abcXYZ019_", min_size=1, max_size=10).filter(lambda s: not s[0].isdigit())


@needs_buf
@settings(max_examples=int(os.environ.get("WB_LINT_EXAMPLES", "6")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(NAME, min_size=5, max_size=15, unique_by=str.lower))
def test_random_names_match_buf(names: list[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("names")
    (root / "buf.yaml").write_text("version: v2\nlint:\n  use: [STANDARD]\n  except: [PACKAGE_DIRECTORY_MATCH]\n")
    body = ['syntax = "proto2";', "package names.v1;"]
    for i, name in enumerate(names):
        body.append(f"message {name}M {{ optional int32 {name} = 1; oneof {name}o {{ int32 x{i} = 2; }} }}")
        body.append(f"enum {name}E {{ {name.upper()}E_UNSPECIFIED = 0; {name} = 1; }}")
        body.append(f"service {name}S {{ rpc {name}({name}M) returns ({name}M); }}")
    (root / "names.proto").write_text("\n".join(body) + "\n")
    result = compile_protos(root)
    if result.descriptor_set is None:
        return  # a random name protoc rejects (a clash of enum values in one scope): nothing to compare
    theirs = run_buf(root)
    from workbench.lint.run import lint_input

    ours = [json.loads(line) for line in _json_lines(lint_input(str(root)).violations)]
    assert sorted(ours, key=json.dumps) == theirs


def _json_lines(violations: list) -> list[str]:  # type: ignore[type-arg]
    import io

    from workbench.breaking.bufformat import write

    buffer = io.StringIO()
    write(violations, "json", buffer)
    return buffer.getvalue().splitlines()
