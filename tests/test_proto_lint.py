"""Proto lint agrees with `buf lint` (PyPI buf-bin, the oracle) on the rules both have."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from skips import need_tool

from workbench.checks.proto_lint import lint_file
from workbench.protoc import compile_protos

CASES = Path(__file__).parent / "lint_cases"
# The rules we implement (buf STANDARD naming/structure + COMMENTS); buf's others are out of scope.
OURS = {
    "SYNTAX_SPECIFIED", "FILE_LOWER_SNAKE_CASE", "PACKAGE_DEFINED", "PACKAGE_LOWER_SNAKE_CASE",
    "PACKAGE_VERSION_SUFFIX", "IMPORT_NO_PUBLIC", "IMPORT_NO_WEAK", "MESSAGE_PASCAL_CASE",
    "FIELD_LOWER_SNAKE_CASE", "FIELD_NOT_REQUIRED", "ONEOF_LOWER_SNAKE_CASE", "ENUM_PASCAL_CASE",
    "ENUM_NO_ALLOW_ALIAS", "ENUM_VALUE_UPPER_SNAKE_CASE", "ENUM_VALUE_PREFIX", "ENUM_FIRST_VALUE_ZERO",
    "ENUM_ZERO_VALUE_SUFFIX", "SERVICE_PASCAL_CASE", "SERVICE_SUFFIX", "RPC_PASCAL_CASE",
    "COMMENT_MESSAGE", "COMMENT_FIELD", "COMMENT_ONEOF", "COMMENT_ENUM", "COMMENT_ENUM_VALUE",
    "COMMENT_SERVICE", "COMMENT_RPC",
}
BUF_YAML = "version: v2\nlint:\n  use:\n    - STANDARD\n    - COMMENTS\n  except:\n    - PACKAGE_DIRECTORY_MATCH\n"


def buf_binary() -> str:
    venv_buf = Path(__import__("sys").executable).parent / "buf"
    found = str(venv_buf) if venv_buf.exists() else shutil.which("buf")
    need_tool(found, "buf (PyPI buf-bin) is not installed: pip install -e '.[test]'")
    assert found
    return found


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*.proto")))
def test_same_findings_as_buf(case: str, tmp_path: Path) -> None:
    shutil.copy(CASES / case, tmp_path / case)
    (tmp_path / "buf.yaml").write_text(BUF_YAML)
    proc = subprocess.run([buf_binary(), "lint", "--error-format", "json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    theirs = set()
    for line in proc.stdout.splitlines():
        d = json.loads(line)
        if d["type"] in OURS:
            theirs.add((d["type"], d["start_line"], d["start_column"], d["message"]))

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
    from workbench.model import load_model

    assert check(load_model(repo_root)) == []
