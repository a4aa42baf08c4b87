"""One truth: the TUI shows what the CLI says, on the same repository state.

Each scenario opens the TUI on a repository, changes the files while it is open (as a user editing
in another window does; the change reaches the app as the file watcher's `FilesChanged`), lets the
view recompute, and compares what the view holds with the CLI's `--json` on the same files: the
same states, counts and rule IDs. Migrations against a real PostgreSQL database.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from git_helpers import review_repo
from pilot_helpers import until
from test_migrate_support import make_repo, mig
from textual.widgets import Static

from workbench.cli.main import main
from workbench.tui.app import WorkbenchApp
from workbench.tui.messages import FilesChanged
from workbench.tui.widgets.unreadable_banner import UnreadableBanner

BREAKING_BASE = Path(__file__).parent / "breaking_cases" / "repo_base"
REPO = Path(__file__).resolve().parent.parent
PROTO = "proto/shop/v1/catalog.proto"


@dataclass(frozen=True)
class Scenario:
    id: str
    view: str  # "migrations" | "breaking" | "check" | "seeds"
    edit: Callable[[Path], set[str]]  # changes files while the TUI is open; the paths it touched
    files: dict[str, str] | None = None  # migrations: the repository's migration files
    banner: str = ""  # the TUI's top line must say this part is unreadable


def cli_json(capsys: Any, *argv: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def replace_in(rel: str, old: str, new: str) -> Callable[[Path], set[str]]:
    def edit(root: Path) -> set[str]:
        path = root / rel
        text = path.read_text()
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1))
        return {rel}
    return edit


def delete(rel: str) -> Callable[[Path], set[str]]:
    def edit(root: Path) -> set[str]:
        (root / rel).unlink()
        return {rel}
    return edit


def nothing(_root: Path) -> set[str]:
    return set()


# -- migrations --------------------------------------------------------------------------------
MIGRATIONS = {
    "001_create_a.sql": mig("CREATE TABLE a (id int);", "DROP TABLE a;"),
    "002_create_order_items.sql": mig("CREATE TABLE order_items (id int);", "DROP TABLE order_items;"),
    "003_create_c.sql": mig("CREATE TABLE c (id int);", "DROP TABLE c;"),
}
FAILING = dict(MIGRATIONS, **{"003_create_c.sql": mig("CREATE TABLE c (id int);\nSELECT 1 / 0;", "DROP TABLE c;")})
PARTIAL = dict(MIGRATIONS, **{"003_create_c.sql": mig("CREATE TABLE c (id int);\nSELECT 1 / 0;", "DROP TABLE c;",
                                                      tx=False)})
SQL2 = "sql/002_create_order_items.sql"

MIGRATION_SCENARIOS = [
    Scenario("applied", "migrations", nothing, MIGRATIONS),
    Scenario("edited", "migrations", replace_in(SQL2, "(id int)", "(id int, note text)"), MIGRATIONS),
    Scenario("edited-unparseable", "migrations", replace_in(SQL2, "CREATE TABLE", "CREATE TABEL"), MIGRATIONS,
             banner="sql unreadable"),
    Scenario("deleted-file", "migrations", delete(SQL2), MIGRATIONS),
    Scenario("future", "migrations", delete("sql/003_create_c.sql"), MIGRATIONS),
    Scenario("failed", "migrations", nothing, FAILING),
    Scenario("partial", "migrations", nothing, PARTIAL),
]

# -- breaking (protos) -------------------------------------------------------------------------
PROTO_SCENARIOS = [
    Scenario("proto-deleted-field", "breaking", replace_in(PROTO, "  // URL-safe identifier.\n  string slug = 3;\n",
                                                           "")),
    Scenario("proto-type-change", "breaking", replace_in(PROTO, "bool is_active = 5;", "int32 is_active = 5;")),
    Scenario("proto-rename", "breaking", replace_in(PROTO, "string slug = 3;", "string handle = 3;")),
    Scenario("proto-compile-error", "breaking", replace_in(PROTO, "string slug = 3;", "string slug = ;"),
             banner="proto unreadable"),
]


# -- check (fixtures, config) -------------------------------------------------------------------
def wrong_proto_folder(root: Path) -> set[str]:
    toml = root / "workbench.toml"
    toml.write_text('[workbench]\nproto = "protos"\n\n' + toml.read_text())
    return {"workbench.toml"}


CHECK_SCENARIOS = [
    Scenario("fixture-deleted", "check", delete("seeders/warehouses.json")),
    Scenario("fixture-bad-row", "check", replace_in("seeders/brands.json", '{"id": 2, "name": "Schwabe"',
                                                    '{"id": "two", "name": "Schwabe"')),
    Scenario("fixture-edited-value", "check", replace_in("seeders/brands.json", '"name": "Schwabe"',
                                                         '"name": "Schwabe India"')),
    Scenario("fixture-unreadable", "check", replace_in("seeders/brands.json", '"rows": [', '"rows": [[['),
             banner="seeds unreadable"),
    Scenario("config-wrong-folder", "check", wrong_proto_folder, banner="proto unreadable"),
]


# -- seeds (dry-run against a seeded database) -------------------------------------------------
SEED_SCENARIOS = [
    Scenario("seed-fixture-deleted", "seeds", delete("seeders/warehouses.json")),
    Scenario("seed-bad-row", "seeds", replace_in("seeders/brands.json", '{"id": 2, "name": "Schwabe"',
                                                 '{"id": 2, "name": null')),
    Scenario("seed-edited-value", "seeds", replace_in("seeders/brands.json", '"name": "Schwabe"',
                                                      '"name": "Schwabe India"')),
]


def prepare(scenario: Scenario, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch,
            db_url: str) -> Path:
    if scenario.view == "migrations":
        assert scenario.files is not None
        monkeypatch.setenv("WB_AGREE_URL", db_url)
        root = make_repo(tmp_path, scenario.files, '[databases.local]\nurl = "${WB_AGREE_URL}"\n')
        main(["--root", str(root), "migrate", "up", "--db", "local"])  # failed / partial stop part-way
        capsys.readouterr()
        return root
    if scenario.view == "breaking":
        root = review_repo(BREAKING_BASE, tmp_path / "contracts")
        return root
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("proto", "sql", "seeders", "workbench.toml", "CHANGELOG.md"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    if scenario.view == "seeds":
        monkeypatch.setenv("WB_AGREE_URL", db_url)
        (root / "workbench.toml").write_text('[databases.local]\nurl = "${WB_AGREE_URL}"\n')
        assert main(["--root", str(root), "migrate", "up", "--db", "local"]) == 0
        assert main(["--root", str(root), "seed", "--all", "--db", "local", "--yes"]) == 0
        capsys.readouterr()
    return root


def cli_facts(scenario: Scenario, root: Path, capsys: Any) -> dict[str, Any]:
    if scenario.view == "migrations":
        code, data = cli_json(capsys, "--root", str(root), "migrate", "status", "--db", "local", "--json")
        db = data["databases"][0]
        return {"states": [(m["version"], m["state"]) for m in db["migrations"]], "exit": code}
    if scenario.view == "breaking":
        code, data = cli_json(capsys, "--root", str(root), "breaking", "--format", "json")
        return {"changes": sorted((c["kind"], c["rule"]) for c in data["changes"]),
                "errors": sorted(f["rule"] for f in data["errors"]), "semver": data["semver"]}
    if scenario.view == "seeds":
        code, data = cli_json(capsys, "--root", str(root), "seed", "--all", "--dry-run", "--db", "local", "--json")
        return {"tables": sorted((t["table"], t["inserted"], t["updated"], t["deleted"]) for t in data["tables"]),
                "findings": sorted((f["rule"], f["file"]) for f in data["findings"]), "ok": data["ok"]}
    code, data = cli_json(capsys, "--root", str(root), "check", "--no-db", "--json")
    return {"findings": sorted((f["severity"], f["rule"], f["file"], f["line"]) for f in data["findings"]),
            "entities": data["entities"], "exit": code}


async def tui_facts(scenario: Scenario, root: Path) -> tuple[dict[str, Any], str]:
    """Open the TUI, edit the files while it is open, and read what the view then holds."""
    app = WorkbenchApp(root, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.snapshot is not None and app.snapshot.checked)
        if scenario.view != "check":
            app.switch_mode(scenario.view)
            await until(pilot, lambda: app.screen.id != "_default" and hasattr(app.screen, "generations"))
        screen = app.screen
        kind = {"migrations": "status", "breaking": "review", "seeds": "seed"}.get(scenario.view, "")
        if kind == "seed":
            await until(pilot, lambda: bool(screen.fixtures) and screen.selected_target() is not None)  # type: ignore[attr-defined]
            await pilot.press("d")  # the dry-run; a later save repeats it by itself
        if kind:
            await until(pilot, lambda: screen.generations.shown(kind) > 0)  # type: ignore[attr-defined]
        before = app.snapshot
        changed = scenario.edit(root)
        if changed:
            app.post_message(FilesChanged(frozenset(changed)))  # what the file watcher posts
            await until(pilot, lambda: app.snapshot is not before and app.snapshot is not None
                        and app.snapshot.checked)
        if kind == "status":
            await pilot.press("r")  # as the user does
        if kind:
            group = {"status": "migrations-status", "review": "breaking", "seed": "seeds"}[kind]
            await until(pilot, lambda: screen.generations.shown(kind) == screen.generations.latest(kind)  # type: ignore[attr-defined]
                        and not any(w.group == group and w.is_running for w in app.workers))
        await pilot.pause()
        banner = str(screen.query_one(UnreadableBanner).render()) if \
            screen.query_one(UnreadableBanner).has_class("-shown") else ""
        if scenario.view == "migrations":
            st = screen.statuses["local"]  # type: ignore[attr-defined]
            return {"states": [(m.version, str(m.state)) for m in st.migrations],
                    "exit": 0 if st.up_to_date else 1}, banner
        if scenario.view == "seeds":
            result = screen.result  # type: ignore[attr-defined]
            assert result is not None
            return {"tables": sorted((t.table, t.inserted, t.updated, t.deleted) for t in result.tables),
                    "findings": sorted((f.rule, f.file) for f in result.findings), "ok": result.ok}, banner
        if scenario.view == "breaking":
            report = screen.report  # type: ignore[attr-defined]
            assert report is not None, str(screen.query_one("#breaking-verdict", Static).render())
            return {"changes": sorted((c.kind, c.rule) for c in report.changes),
                    "errors": sorted(f.rule for f in report.errors), "semver": report.semver}, banner
        snapshot = app.snapshot
        assert snapshot is not None
        return {"findings": sorted((str(f.severity), f.rule, f.file, f.line) for f in snapshot.findings),
                "entities": len(snapshot.current.entities),
                "exit": 1 if snapshot.errors else 0}, banner


@pytest.mark.parametrize("scenario", MIGRATION_SCENARIOS + PROTO_SCENARIOS + CHECK_SCENARIOS + SEED_SCENARIOS, ids=lambda s: s.id)
async def test_tui_agrees_with_the_cli(scenario: Scenario, tmp_path: Path, capsys: Any,
                                       monkeypatch: pytest.MonkeyPatch, fresh_db: str) -> None:
    root = prepare(scenario, tmp_path, capsys, monkeypatch, fresh_db)
    tui, banner = await tui_facts(scenario, root)
    cli = cli_facts(scenario, root, capsys)
    assert tui == cli
    if scenario.banner:
        assert scenario.banner in banner
    else:
        assert banner == ""
