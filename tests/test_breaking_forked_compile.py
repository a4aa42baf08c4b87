"""The forked, staggered compile of big trees gives what the in-process compile gives, errors included."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2 as pb

from workbench.breaking import forked_compile, inputs
from workbench.breaking.forked_compile import Job, compile_forked
from workbench.breaking.inputs import Side, compile_sides
from workbench.findings import Severity

CASES = Path(__file__).parent / "breaking_cases"
pytestmark = pytest.mark.skipif(not hasattr(forked_compile.os, "fork"), reason="needs fork")


def _sides(before: Path, after: Path) -> tuple[Side, Side]:
    return Side("before", "before", proto_root=before), Side("after", "after", proto_root=after)


def _compiled(before: Path, after: Path, *, forked: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Side, Side]:
    monkeypatch.setattr(inputs, "PARALLEL_MIN_BYTES", 0 if forked else 1 << 40)
    b, a = _sides(before, after)
    compile_sides(b, a)
    return b, a


def test_forked_compile_matches_the_in_process_one(monkeypatch: pytest.MonkeyPatch) -> None:
    before, after = CASES / "repo_base" / "proto", CASES / "field_defaults" / "after"
    forked = _compiled(before, after, forked=True, monkeypatch=monkeypatch)
    plain = _compiled(before, after, forked=False, monkeypatch=monkeypatch)
    for mine, theirs in zip(forked, plain, strict=True):
        assert mine.fds is not None and theirs.fds is not None
        assert mine.fds.SerializeToString() == theirs.fds.SerializeToString()
        assert mine.targets == theirs.targets and not mine.findings


def test_a_compile_error_on_either_side_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = CASES / "repo_base" / "proto"
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    first = sorted(bad.rglob("*.proto"))[0]
    first.write_text(first.read_text() + "\nmessage Broken {\n  int32 x = ;\n}\n")
    for before, after in ((bad, good), (good, bad)):
        b, a = _compiled(before, after, forked=True, monkeypatch=monkeypatch)
        broken, fine = (b, a) if before == bad else (a, b)
        assert broken.fds is None and [f.severity for f in broken.findings] == [Severity.ERROR]
        assert broken.findings[0].file == first.relative_to(bad).as_posix()
        assert fine.fds is not None and not fine.findings


def test_more_jobs_than_two_and_an_immediate_handoff(monkeypatch: pytest.MonkeyPatch) -> None:
    roots = [CASES / "repo_base" / "proto", CASES / "extensions" / "before", CASES / "editions_features" / "after"]
    monkeypatch.setattr(forked_compile, "HANDOFF_SHARE", 0.0)
    results = compile_forked([Job(root, "", 1) for root in roots])
    for root, (data, findings) in zip(roots, results, strict=True):
        assert data is not None and not [f for f in findings if f.severity is Severity.ERROR]
        names = {f.name for f in pb.FileDescriptorSet.FromString(data).file}
        assert {p.relative_to(root).as_posix() for p in root.rglob("*.proto")} <= names


def test_a_truncated_descriptor_set_is_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """A compile that dies while writing its set (the parent reads a child's set as it is written)."""
    good = CASES / "repo_base" / "proto"
    real = inputs._compile

    def truncated(side: inputs.Side, source_info: bool = True) -> tuple[bytes | None, list]:  # type: ignore[type-arg]
        data, findings = real(side, source_info)
        assert data is not None
        return data[: len(data) // 2 + 3], findings

    monkeypatch.setattr(inputs, "_compile", truncated)
    b, a = _compiled(good, good, forked=False, monkeypatch=monkeypatch)
    for side in (b, a):
        assert side.fds is None
        assert [(f.rule, f.severity) for f in side.findings] == [("PROTO_COMPILE", Severity.ERROR)]
        assert "unreadable" in side.findings[0].message
