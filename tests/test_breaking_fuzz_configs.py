"""`workbench breaking` against `buf breaking` on random buf modules, run as a user runs them.

Each example draws a module (buf.yaml v1beta1 with roots, v1 with excludes, v2 with modules and
per-module sections, buf.work.yaml, or no config; `use`/`except` with categories and single rule IDs,
`ignore`, `ignore_only`, `ignore_unstable_packages`) holding proto2, proto3, edition 2023 and
no-syntax files (file options, editions features at file, message, field and enum level, `ctype`
and the C++/Java language features, extensions, services, maps, oneofs, reserved ranges), edits it
as a pull request would (fields, options, features, syntax, packages, files deleted, moved between
directories and roots, the config itself) and runs both in the edited side:
`buf breaking --against ../before --error-format json` and the same `workbench breaking` command.
The JSON lines and the exit code (buf's 0/100/1 as ours 0/1/2) must be the same.

Bounded so the file stays fast; `WB_BREAKING_EXAMPLES=300` runs a long sweep (see
tests/breaking_fuzz_support.py for the generators).
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import random
from pathlib import Path

import pytest
from breaking_fuzz_support import (
    Outcome,
    buf_outcome,
    draw_file,
    draw_module,
    edit_file,
    edit_module,
    render,
    write_module,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from skips import need_tool
from test_breaking_buf import compiles
from test_breaking_buf import ours as ours_in_process

from workbench.breaking.bufcli import ALL_CATEGORIES_CONFIG, buf_executable, run_buf
from workbench.cli.main import main

EXAMPLES = int(os.environ.get("WB_BREAKING_EXAMPLES", "8"))
# each example runs buf and a review (~1 s, 10-30 s on a machine at load 16, where 8 examples once
# outlasted 240 s): a long sweep, or a busy machine, outlasts the suite's per-test timeout
SWEEP_TIMEOUT = pytest.mark.timeout(max(900, EXAMPLES * 4))


@pytest.fixture
def buf() -> str:
    exe = buf_executable()
    need_tool(exe, "buf-bin is not installed: pip install -e '.[test]'")
    assert exe is not None
    return exe


def ours(after: Path) -> Outcome:
    """`workbench breaking --against ../before --error-format json` run in `after`, in-process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(after), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["breaking", "--against", "../before", "--error-format", "json"])
    lines = tuple(sorted(x for x in out.getvalue().split("\n") if x.strip())) if code != 2 else ()
    return Outcome(code, lines, err.getvalue())


def assert_same_cli(buf: str, root: Path) -> None:
    theirs = buf_outcome(buf, root / "after")
    if theirs.code == 2:
        # buf refused the input: where that is buf's own usage error, ours is one too; otherwise it
        # is a file buf's compiler refuses and protoc takes (not an input buf accepts)
        if "had no .proto files" in theirs.err or "not a known rule" in theirs.err:
            assert ours(root / "after").code == 2, theirs.err
        assume(False)
    mine = ours(root / "after")
    assert "Traceback" not in mine.err
    only_buf = sorted(set(theirs.lines) - set(mine.lines))
    only_ours = sorted(set(mine.lines) - set(theirs.lines))
    assert (mine.code, only_buf, only_ours) == (theirs.code, [], []), mine.err + _dump(root)


def _dump(root: Path) -> str:
    """Every file of both sides: a randomized CI draw is then reproducible from its log alone."""
    return "".join(f"\n==== {p.relative_to(root)}\n{p.read_text(errors='replace')}"
                   for p in sorted(root.rglob("*")) if p.is_file() and "google/protobuf" not in p.as_posix())


@SWEEP_TIMEOUT
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=False))
def test_random_modules_match_buf(tmp_path_factory: pytest.TempPathFactory, buf: str, rng: random.Random) -> None:
    before = draw_module(rng)
    after = edit_module(rng, before)
    root = tmp_path_factory.mktemp("module")
    write_module(before, root / "before")
    write_module(after, root / "after")
    assert_same_cli(buf, root)


@SWEEP_TIMEOUT
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=False))
def test_random_file_edits_match_buf_on_every_rule(tmp_path_factory: pytest.TempPathFactory, buf: str,
                                                   rng: random.Random) -> None:
    """Every category on (as `test_breaking_buf.assert_same`): one file of any syntax, a few edits."""

    before = draw_file(rng, "acme/v1/a.proto", "T0")
    after = copy.deepcopy(before)
    for _ in range(rng.randint(1, 3)):
        edit_file(rng, after)
    root = tmp_path_factory.mktemp("file")
    for side, f in (("before", before), ("after", after)):
        (root / side / "acme" / "v1").mkdir(parents=True)
        (root / side / "acme" / "v1" / "a.proto").write_text(render(f))
    assume(compiles(root / "before", root / "after"))
    theirs = run_buf(root / "after", root / "before", ALL_CATEGORIES_CONFIG)
    assume(all(f.rule != "COMPILE" for f in theirs))  # a file buf's compiler refuses and protoc takes
    mine = ours_in_process(root / "before", root / "after")
    assert (sorted(set(theirs) - set(mine)), sorted(set(mine) - set(theirs))) == ([], [])


@pytest.mark.parametrize("side", ["before", "after"])
def test_a_module_with_no_proto_files_is_a_usage_error(tmp_path: Path, side: str) -> None:
    """buf refuses a module that holds no .proto file on either side ("Module "path: "m2"" had no
    .proto files", exit 1): a workspace directory emptied, or a base from before the module existed."""
    for name in ("before", "after"):
        (tmp_path / name / "m1").mkdir(parents=True)
        (tmp_path / name / "m2").mkdir(parents=True)
        (tmp_path / name / "buf.work.yaml").write_text("version: v1\ndirectories: [m1, m2]\n")
        (tmp_path / name / "m1" / "a.proto").write_text('syntax = "proto3";\npackage a.v1;\nmessage A {}\n')
    other = "after" if side == "before" else "before"
    (tmp_path / other / "m2" / "b.proto").write_text('syntax = "proto3";\npackage b.v1;\nmessage B {}\n')
    mine = ours(tmp_path / "after")
    assert (mine.code, mine.lines) == (2, ())
    assert 'Module "path: "m2"" had no .proto files' in mine.err
    exe = buf_executable()
    if exe:
        theirs = buf_outcome(exe, tmp_path / "after")
        assert theirs.code == 2 and 'Module "path: "m2"" had no .proto files' in theirs.err
