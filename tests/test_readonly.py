"""Read-only (`workbench serve --read-only` sets WORKBENCH_READ_ONLY=1 for its apps): every write
is refused by the core, whatever path reaches it, and the TUI offers none of them.

Asserts on the databases' and the tree's real state, not only on messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pilot_helpers import until
from test_migrate_support import make_repo, mig, table_exists
from test_seed_support import checksums, migrate
from textual.binding import Binding

from workbench.cli.main import main
from workbench.codegen.run import run_codegen
from workbench.contracts.migration_files import load_migrations
from workbench.migrate.runner import WRITES, Options, execute
from workbench.migrate.targets import Target
from workbench.readonly import READ_ONLY_ENV, ReadOnlyRefused
from workbench.tui.app import WorkbenchApp
from workbench.tui.readonly import WRITE_BINDING_IDS
from workbench.tui.screens import available_screens
from workbench.tui.screens.help import binding_sections

MIGRATIONS = {"001_a.sql": mig("CREATE TABLE a (id int);", "DROP TABLE a;")}
# Action names that write, whatever screen they are on: a new binding with one of these names
# must be listed in WRITE_BINDING_IDS (test_every_writing_binding_is_registered).
WRITING_ACTIONS = {"apply", "rollback", "roll_back", "reset", "resolve", "baseline", "protect", "unprotect",
                   "seed", "run_all", "run_selected", "toggle_on_save", "create", "new_migration"}


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(READ_ONLY_ENV, "1")


# -- the core ----------------------------------------------------------------------------------
@pytest.mark.parametrize("action", WRITES)
def test_every_migrate_write_is_refused(action: str, tmp_path: Path, fresh_db: str, read_only: None) -> None:
    root = make_repo(tmp_path, MIGRATIONS)
    files, _ = load_migrations(root / "sql", "sql/")
    result = execute(root, Target("t", fresh_db, configured=False), files, action,
                     options=Options(yes=True), on_event=lambda _e: None, version="001", to="-1")
    assert result.exit_code == 2 and "read-only" in (result.error or "")
    assert checksums(fresh_db) == {}  # not even the tracker table
    assert not table_exists(fresh_db, "workbench.schema_migrations")


def test_cli_migrate_up_and_create_refused(tmp_path: Path, fresh_db: str, read_only: None,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = make_repo(tmp_path, MIGRATIONS)
    before = sorted(p.name for p in (root / "sql").iterdir())
    assert main(["--root", str(root), "migrate", "up", "--url", fresh_db]) == 2
    assert main(["--root", str(root), "migrate", "create", "add_b"]) == 2
    err = capsys.readouterr().err
    assert "read-only" in err and "Traceback" not in err
    assert not table_exists(fresh_db, "a") and checksums(fresh_db) == {}
    assert sorted(p.name for p in (root / "sql").iterdir()) == before
    # status only reads: allowed.
    assert main(["--root", str(root), "migrate", "status", "--url", fresh_db]) in (0, 1)


def test_seed_refused_but_dry_run_allowed(repo_copy: Path, fresh_db: str, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    migrate(repo_copy, fresh_db)
    before = checksums(fresh_db)
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    assert main(["--root", str(repo_copy), "seed", "--all", "--url", fresh_db]) == 2
    assert "read-only" in capsys.readouterr().err
    assert checksums(fresh_db) == before
    assert main(["--root", str(repo_copy), "seed", "--all", "--url", fresh_db, "--dry-run"]) == 0
    assert checksums(fresh_db) == before


def test_codegen_into_the_tree_refused(repo_copy: Path, read_only: None, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ReadOnlyRefused):
        run_codegen(repo_copy, ["python"])
    with pytest.raises(ReadOnlyRefused):
        run_codegen(repo_copy, ["python"], out="sub/../gen")  # a path into the tree, spelled oddly
    assert main(["--root", str(repo_copy), "codegen", "python"]) == 2
    assert "read-only" in capsys.readouterr().err
    assert not (repo_copy / "gen").exists() and not (repo_copy / ".workbench" / "codegen").exists()


@pytest.mark.parametrize("value", ["", "0"])
def test_unset_or_zero_is_not_read_only(value: str, tmp_path: Path, fresh_db: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(READ_ONLY_ENV, value)
    root = make_repo(tmp_path, MIGRATIONS)
    files, _ = load_migrations(root / "sql", "sql/")
    result = execute(root, Target("t", fresh_db, configured=False), files, "up", options=Options(),
                     on_event=lambda _e: None)
    assert result.ok and table_exists(fresh_db, "a")


# -- the TUI -----------------------------------------------------------------------------------
def _screen_bindings() -> list[Binding]:
    found: list[Binding] = []
    for entry in available_screens():
        found += [b for b in entry.load()._merged_bindings.key_to_bindings.values() for b in b]  # type: ignore[union-attr]
    return found


def test_every_writing_binding_is_registered() -> None:
    """A screen that adds a writing key must list its id in workbench/tui/readonly.py."""
    bindings = _screen_bindings()
    ids = {b.id for b in bindings}
    assert {"migrations.apply", "migrations.rollback", "seeds.apply", "codegen.run_all",
            "codegen.run_selected", "codegen.toggle_on_save"} <= ids
    unlisted = [b for b in bindings if b.action.split("(")[0] in WRITING_ACTIONS and b.id not in WRITE_BINDING_IDS]
    assert unlisted == []


async def _offered(app: WorkbenchApp, pilot: Any) -> dict[str, set[str]]:
    """Per screen: the binding ids a user can reach (keys, footer) and the palette/help texts."""
    from workbench.tui.commands import WorkbenchCommands

    offered: dict[str, set[str]] = {}
    for entry in app.screen_entries:
        app.switch_mode(entry.id)
        await until(pilot, lambda e=entry: app.current_mode == e.id and app.screen.is_mounted)  # type: ignore[misc]
        await pilot.pause()
        screen = app.screen
        ids = {a.binding.id or "" for a in screen.active_bindings.values()}
        ids |= {b.id or "" for node in [screen, *screen.walk_children()]
                for bs in node._bindings.key_to_bindings.values() for b in bs}
        provider = WorkbenchCommands(screen)
        palette = {title for title, _help, _cb in provider._commands()}
        help_texts = {what for _title, rows in binding_sections(screen, app.screen_entries) for _k, what in rows}
        offered[entry.id] = ids | {f"palette:{t}" for t in palette} | {f"help:{t}" for t in help_texts}
    return offered


def _write_texts() -> set[str]:
    bindings = [b for b in _screen_bindings() if b.id in WRITE_BINDING_IDS]
    return {f"palette:{b.description}" for b in bindings} | {f"help:{b.tooltip}" for b in bindings}


async def test_read_only_tui_offers_no_write(repo_copy: Path, read_only: None) -> None:
    app = WorkbenchApp(repo_copy, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        offered = await _offered(app, pilot)
        everything = set().union(*offered.values())
        assert everything & WRITE_BINDING_IDS == set()
        assert everything & _write_texts() == set()
        # The keys themselves do nothing: `a` on Migrations asks no confirmation.
        app.switch_mode("migrations")
        await pilot.pause()
        await pilot.press("a", "b")
        await pilot.pause()
        from workbench.tui.widgets.confirm_run import ConfirmRun
        assert not isinstance(app.screen, ConfirmRun)
        assert "read-only" in str(app.screen.query_one("ScreenBar").render())


async def test_writable_tui_offers_the_writes(repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(READ_ONLY_ENV, raising=False)
    app = WorkbenchApp(repo_copy, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        offered = await _offered(app, pilot)
    assert {"migrations.apply", "seeds.apply", "codegen.run_all"} <= set().union(*offered.values())
