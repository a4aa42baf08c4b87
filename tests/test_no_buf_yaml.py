"""A buf module without a buf.yaml: buf lints and checks it with version v1's defaults, not v2's
(buf 1.75: no FIELD_NOT_REQUIRED, no FIELD_SAME_DEFAULT), and so do `workbench lint` and
`workbench breaking`. The expected lines are buf-bin's output, kept here so the test means something
without it; with buf-bin installed, buf is run over the same module too."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_proto_lint import buf_binary

from workbench.cli.main import main

BEFORE = 'syntax = "proto2";\npackage x.v1;\nmessage M {\n  optional int32 a = 1 [default = 1];\n}\n'
# A changed default (v2: FIELD_SAME_DEFAULT), a required field (v2: FIELD_NOT_REQUIRED), an unused
# import and no syntax line (v1 and v2: IMPORT_USED, SYNTAX_SPECIFIED; v1beta1 has neither).
AFTER = {
    "x/v1/m.proto": 'syntax = "proto2";\npackage x.v1;\nmessage M {\n  optional int32 a = 1 [default = 2];\n'
                    '  required int32 b = 2;\n}\n',
    "x/v1/n.proto": 'package x.v1;\nimport "x/v1/o.proto";\nmessage N {\n  optional int32 descriptor = 1;\n}\n',
    "x/v1/o.proto": 'syntax = "proto3";\npackage x.v1;\nmessage O {}\n',
}
LINT = [
    'x/v1/n.proto:1:1:Files must have a syntax explicitly specified. If no syntax is specified, the file '
    'defaults to "proto2".',
    'x/v1/n.proto:2:1:Import "x/v1/o.proto" is unused.',
]
BREAKING = [  # the changed default is not among them
    'x/v1/m.proto:5:3:Message "M" had required field "2" added. Required fields must always be sent, so if '
    'one side does not know about the required field, this will result in a breakage.',
]


@pytest.fixture
def module(tmp_path: Path) -> Path:
    for side, files in (("old", {"x/v1/m.proto": BEFORE}), ("new", AFTER)):
        for name, text in files.items():
            path = tmp_path / side / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return tmp_path / "new"


def run_workbench(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, where: Path,
                  *argv: str) -> tuple[int, list[str]]:
    monkeypatch.chdir(where)
    code = main([*argv, "--error-format", "text"])
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("command", ["lint", "breaking"])
def test_a_module_without_buf_yaml_is_checked_with_v1_defaults_as_buf_does(
        module: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    argv = ["lint"] if command == "lint" else ["breaking", ".", "--against", "../old"]
    expected = LINT if command == "lint" else BREAKING
    code, out = run_workbench(capsys, monkeypatch, module, *argv)
    assert (code, out) == (1, expected)
    buf = buf_binary()
    if buf is not None:
        done = subprocess.run([buf, *argv[:1], *(["--against", "../old"] if command == "breaking" else [])],  # noqa: S603
                              cwd=module, capture_output=True, text=True, check=False)
        assert done.stdout.splitlines() == expected, done.stderr
    # With `version: v2` the v2-only rules apply, in both.
    (module / "buf.yaml").write_text("version: v2\n")
    code, out = run_workbench(capsys, monkeypatch, module, *argv)
    assert any(("FIELD_NOT_REQUIRED" if command == "lint" else "changed default value") in line or
               "should not be required" in line for line in out), out
