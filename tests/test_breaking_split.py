"""A big review runs its message and field rules over two halves of the message pairs, one half in a
forked child (`workbench.breaking.rules.run_rules`): the findings must be what one process finds, in
every case folder, also when the child fails and when another thread forbids the fork."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from workbench.breaking import forked, rules
from workbench.breaking.config import BreakingConfig
from workbench.breaking.inputs import Side, compile_sides
from workbench.breaking.proto_diff import diff_schemas
from workbench.breaking.schema import build_schema

CASES = Path(__file__).parent / "breaking_cases"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "before").is_dir())
ALL = BreakingConfig(use=["FILE", "PACKAGE", "WIRE_JSON", "WIRE"])
pytestmark = pytest.mark.skipif(not hasattr(forked.os, "fork"), reason="needs fork")


def _findings(case: str, *, parallel: bool) -> list[dict[str, object]]:
    b, a = Side("before", "before", proto_root=CASES / case / "before"), \
        Side("after", "after", proto_root=CASES / case / "after")
    compile_sides(b, a)
    assert b.fds is not None and a.fds is not None
    changes = diff_schemas(build_schema(b.fds, b.targets, b.sources()), build_schema(a.fds, a.targets, a.sources()),
                           ALL, parallel=parallel)
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
