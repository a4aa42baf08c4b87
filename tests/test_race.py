"""Two saves 200 ms apart while the Breaking screen reviews: what stays on screen is the review of
the files as they finally are (what `workbench breaking` says), never an older or overlapping one.

The app runs with its real file watcher; the test waits on workers and messages, never on time.
The second save is written the way some editors do (truncate, then the text in two writes), so a
review may catch the file half-written: that must not end up on screen as a compile error.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from git_helpers import review_repo
from pilot_helpers import until
from textual.message import Message

from workbench.cli.main import main
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.breaking import BreakingReviewed, BreakingScreen

BASE = Path(__file__).parent / "breaking_cases" / "repo_base"
REPO = Path(__file__).resolve().parent.parent
PROTO = "proto/shop/v1/catalog.proto"


def reviewing(app: WorkbenchApp) -> bool:
    return any(w.group == "breaking" and w.is_running for w in app.workers)


async def test_two_saves_while_a_review_runs(tmp_path: Path, capsys: Any) -> None:
    root = review_repo(BASE, tmp_path / "contracts")
    path = root / PROTO
    messages: list[Message] = []
    app = WorkbenchApp(root, watch=True)
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await until(pilot, lambda: app.snapshot is not None and app.snapshot.checked)
        app.switch_mode("breaking")
        await until(pilot, lambda: isinstance(app.screen, BreakingScreen) and app.screen.report is not None)
        screen = app.screen
        assert isinstance(screen, BreakingScreen)
        screen.action_rerun()
        await until(pilot, lambda: reviewing(app))  # a review is running now
        # first save: a field deleted
        path.write_text(path.read_text().replace("  // URL-safe identifier.\n  string slug = 3;\n", ""))
        await asyncio.sleep(0.2)  # the scenario: the second save 200 ms later (nothing is timed)
        # second save: another field's type changed, written in two steps after a truncate
        text = path.read_text().replace("bool is_active = 5;", "int32 is_active = 5;")
        with path.open("w") as f:
            f.write(text[: len(text) // 2])
            f.flush()
            await asyncio.sleep(0.01)
            f.write(text[len(text) // 2:])
        final = path.read_text()

        def settled() -> bool:
            snap = app.snapshot
            return (snap is not None and snap.current.protos.sources.get(PROTO) == final and snap.checked
                    and not reviewing(app) and screen.generations.shown("review") == screen.generations.latest("review")
                    and not any(w.group == "model" and w.is_running for w in app.workers))

        await until(pilot, settled)
        await pilot.pause()
        shown = screen.report
        assert shown is not None
        reviews = [m for m in messages if isinstance(m, BreakingReviewed)]
        newest = max(reviews, key=lambda m: m.generation)
        assert shown is newest.report  # the newest review is the one on screen
        assert newest.generation == screen.generations.latest("review")

    capsys.readouterr()
    code = main(["--root", str(root), "breaking", "--format", "json"])
    cli = json.loads(capsys.readouterr().out)
    assert code == 1
    assert not shown.errors and not cli["errors"]  # no false compile error from a half-written file
    assert sorted((c.kind, c.rule) for c in shown.changes) == sorted((c["kind"], c["rule"]) for c in cli["changes"])
    assert {"FIELD_NO_DELETE", "FIELD_SAME_TYPE"} <= {c.rule for c in shown.changes}


async def test_a_save_during_the_first_load_is_not_missed(tmp_path: Path, monkeypatch: Any) -> None:
    """The watcher starts after the first load: a save made while that load ran must still show."""
    from test_tui_support import make_demo_repo

    import workbench.workspace as workspace

    root = make_demo_repo(tmp_path / "repo")
    fixture = root / "seeders" / "customers.json"
    real = workspace.reload
    calls: list[int] = []

    def reload_with_a_save_meanwhile(*args: Any, **kwargs: Any) -> Any:
        snapshot = real(*args, **kwargs)
        if not calls:  # the user saves just after the first load read the files
            fixture.write_text(fixture.read_text().replace('"Asha Verma"', '"Asha Verma-Iyer"'))
        calls.append(1)
        return snapshot

    monkeypatch.setattr(workspace, "reload", reload_with_a_save_meanwhile)
    app = WorkbenchApp(root, watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        def shows_the_save() -> bool:
            snap = app.snapshot
            fx = snap.current.fixture_for("customers") if snap is not None else None
            return fx is not None and any(r.get("name") == "Asha Verma-Iyer" for r in fx.rows)

        await until(pilot, shows_the_save)


FIRST_LOAD_STEPS = ("rest_of", "with_checks")


@pytest.mark.parametrize("step", FIRST_LOAD_STEPS)
async def test_a_save_during_the_first_load_ends_in_what_check_says(
        step: str, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first load comes in steps (the protos alone, then migrations and fixtures, then the
    checks). A save caught between them (the watcher posts it; the load is superseded) must end in
    the findings `workbench check --no-db` reports for the files as they finally are."""
    from workbench import workspace
    from workbench.tui.messages import FilesChanged

    root = tmp_path / "repo"
    root.mkdir()
    for name in ("proto", "sql", "seeders", "workbench.toml"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    rel = next(p.relative_to(root).as_posix() for p in sorted((root / "sql").glob("003_*.sql")))
    app = WorkbenchApp(root, watch=False)
    original = getattr(workspace, step)
    edited = []

    def edit_then(*args: Any, **kwargs: Any) -> Any:
        if not edited:  # the first call, inside the first load's worker
            path = root / rel
            path.write_text(path.read_text().replace("CREATE TABLE order_items", "CREATE TABEL order_items"))
            edited.append(rel)
            app.call_from_thread(app.post_message, FilesChanged(frozenset({rel})))  # what the watcher posts
        return original(*args, **kwargs)

    monkeypatch.setattr(workspace, step, edit_then)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: bool(edited) and app.snapshot is not None and app.snapshot.checked
                    and not app.snapshot.loading
                    and not any(w.group == "model" and w.is_running for w in app.workers))
        snapshot = app.snapshot
        assert snapshot is not None
        tui = sorted((str(f.severity), f.rule, f.file, f.line) for f in snapshot.findings)
        shown = (len(snapshot.model.fixtures), len(snapshot.model.migrations))
    capsys.readouterr()
    main(["--root", str(root), "check", "--no-db", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert tui == sorted((f["severity"], f["rule"], f["file"], f["line"]) for f in data["findings"])
    assert any(f["rule"] == "SQL_SYNTAX" for f in data["findings"])
    assert shown[0] == len(list((root / "seeders").glob("*.json"))) and shown[1] > 0  # nothing left half-loaded
