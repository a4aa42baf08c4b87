"""What a big review does to be fast must not change what it finds, in any case folder:
- its message and field rules run over two halves of the message pairs, one half in a forked child
  (`workbench.breaking.rules.run_rules`): the same findings, also when the child fails and when another
  thread forbids the fork;
- it parses protoc's set with each file's source info kept apart as bytes
  (`descriptors.parse_set_apart`): the same spans, comments and descriptors."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from google.protobuf.message import DecodeError
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.breaking import forked, rules
from workbench.breaking.config import BreakingConfig
from workbench.breaking.descriptors import new_set, parse_set, parse_set_apart
from workbench.breaking.inputs import Side, compile_sides
from workbench.breaking.proto_diff import diff_schemas
from workbench.breaking.schema import build_schema

CASES = Path(__file__).parent / "breaking_cases"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "before").is_dir())
ALL = BreakingConfig(use=["FILE", "PACKAGE", "WIRE_JSON", "WIRE"])
pytestmark = pytest.mark.skipif(not hasattr(forked.os, "fork"), reason="needs fork")


def _findings(case: str, *, parallel: bool, apart: bool = False) -> list[dict[str, object]]:
    b, a = Side("before", "before", proto_root=CASES / case / "before"), \
        Side("after", "after", proto_root=CASES / case / "after")
    compile_sides(b, a, source_apart=apart)
    assert b.fds is not None and a.fds is not None
    assert bool(b.source_infos) == apart and bool(a.source_infos) == apart
    changes = diff_schemas(build_schema(b.fds, b.targets, b.sources(), b.source_infos),
                           build_schema(a.fds, a.targets, a.sources(), a.source_infos), ALL, parallel=parallel)
    return [c.asdict() for c in changes]


class _Forks:
    """Counts the forked children, and makes each fail at once when `fail` is set."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail: bool) -> None:
        self.count = 0
        original = forked.Forked.__init__

        def counted(this: forked.Forked, work: object) -> None:
            self.count += 1
            original(this, (lambda: 1 / 0) if fail else work)  # type: ignore[arg-type]

        monkeypatch.setattr(forked.Forked, "__init__", counted)


@pytest.mark.parametrize("child_fails", [False, True], ids=["child", "child failed"])
@pytest.mark.parametrize("case", CASE_NAMES)
def test_a_split_review_finds_what_one_process_finds(case: str, child_fails: bool,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _findings(case, parallel=False)
    monkeypatch.setattr(rules, "SPLIT_MIN_MESSAGES", 0)  # every review is big
    forks = _Forks(monkeypatch, child_fails)
    assert _findings(case, parallel=True) == whole
    assert forks.count == 1


def test_no_fork_beside_another_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """The TUI reviews in a worker thread: a child forked then could wait for ever on a lock that
    thread held, so the review stays in one process."""
    monkeypatch.setattr(rules, "SPLIT_MIN_MESSAGES", 0)
    forks = _Forks(monkeypatch, fail=False)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        found = _findings("field_types", parallel=True)
    finally:
        release.set()
        other.join()
    assert forks.count == 0
    assert found == _findings("field_types", parallel=False)


def test_a_small_review_forks_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    forks = _Forks(monkeypatch, fail=False)
    _findings("field_types", parallel=True)
    assert forks.count == 0


@pytest.mark.parametrize("case", CASE_NAMES)
def test_source_info_kept_apart_gives_the_same_findings(case: str) -> None:
    assert _findings(case, parallel=False, apart=True) == _findings(case, parallel=False)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_a_set_parsed_apart_is_the_set_without_its_source_info(case: str) -> None:
    side = Side("after", "after", proto_root=CASES / case / "after")
    compile_sides(side)
    assert side.fds is not None
    data = side.fds.SerializeToString()
    stripped, infos = parse_set_apart(data)
    assert len(stripped.file) == len(side.fds.file) and infos
    for mine, whole in zip(stripped.file, side.fds.file, strict=True):
        assert not mine.HasField("source_code_info")
        if not whole.HasField("source_code_info"):  # an import protoc read from a set, not from source
            assert whole.name not in infos and mine == whole
            continue
        assert type(whole.source_code_info).FromString(infos[whole.name]) == whole.source_code_info
        whole.ClearField("source_code_info")
        assert mine == whole


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=64))
def test_bytes_that_are_no_set_of_files_parse_as_parse_set_parses_them(data: bytes) -> None:
    """Whatever the scan does not expect goes to the ordinary parse: the same set, or the same error."""
    try:
        whole = parse_set(data)
    except DecodeError:
        with pytest.raises(DecodeError):
            parse_set_apart(data)
        return
    try:
        stripped, infos = parse_set_apart(data)
    except DecodeError:
        pytest.fail("parse_set_apart refused a set parse_set reads")
    for file in stripped.file:
        if file.name in infos:
            file.source_code_info.MergeFromString(infos[file.name])
    assert stripped == whole


@st.composite
def file_sets(draw: st.DrawFn) -> bytes:
    """Sets of files with and without source info, and with fields on either side of it."""
    fds = new_set()
    names = draw(st.lists(st.text(min_size=1, max_size=8), min_size=0, max_size=4, unique=True))
    for name in names:
        f = fds.file.add(name=name, package=draw(st.text(max_size=5)))
        f.dependency.extend(draw(st.lists(st.text(max_size=5), max_size=2)))
        for _ in range(draw(st.integers(0, 2))):
            f.message_type.add(name=draw(st.text(max_size=5)))
        if draw(st.booleans()):
            f.source_code_info.SetInParent()
            for _ in range(draw(st.integers(0, 4))):
                loc = f.source_code_info.location.add()
                loc.path.extend(draw(st.lists(st.integers(-(1 << 31), (1 << 31) - 1), max_size=5)))
                loc.span.extend(draw(st.lists(st.integers(0, 1 << 20), min_size=3, max_size=4)))
                loc.leading_comments = draw(st.text(max_size=10))
        if draw(st.booleans()):
            f.syntax = draw(st.sampled_from(["proto2", "proto3", "editions"]))
    return fds.SerializeToString()  # type: ignore[no-any-return]


@settings(max_examples=200, deadline=None)
@given(data=file_sets())
def test_any_set_of_files_parses_apart_into_the_same_set(data: bytes) -> None:
    whole = parse_set(data)
    stripped, infos = parse_set_apart(data)
    assert all(not f.HasField("source_code_info") for f in stripped.file)
    for file in stripped.file:
        if file.name in infos:
            file.source_code_info.MergeFromString(infos[file.name])
    assert stripped == whole
