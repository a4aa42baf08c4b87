"""Every screen at 80x24 (SSH) and 160x48: SVG snapshots of each, and a test that fails when a
screen's key columns are cut at 80x24 (what an on-call engineer needs: version and state per
database, field/proto type/SQL type/column, language/state/verified, fixture/rows/state).

The repository is the fixed demo one, plus: a git history (so Breaking has a change to review),
one invalid fixture row, and two databases — `dev` on the test server (a fixed name, reached
through PG* variables so no socket path shows on screen) and `staging`, whose URL variable is
unset. Codegen's toolchains are pinned (CI installs Go and TypeScript, laptops may not).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from pilot_helpers import until
from test_tui_support import make_demo_repo, settle
from textual.pilot import Pilot
from textual.widgets import DataTable

import workbench.codegen.run  # noqa: F401 - bound to the real toolchains.resolve before fit_repo pins it
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens import SCREENS

SMALL = (80, 24)
LARGE = (160, 48)
FIT_DB = "wbfit_dev"
GIT_ENV = {"GIT_AUTHOR_NAME": "Asha", "GIT_AUTHOR_EMAIL": "asha@example.in", "GIT_COMMITTER_NAME": "Asha",
           "GIT_COMMITTER_EMAIL": "asha@example.in", "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture(scope="module")
def fit_db(pg_admin: str) -> Iterator[None]:
    """`dev`: a database of a fixed name on the test server, reached through PG* variables."""
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict

    from workbench.database.urls import connect

    with connect(pg_admin) as conn:
        conn.autocommit = True
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(FIT_DB)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(FIT_DB)))
    info = conninfo_to_dict(pg_admin)
    env = {"PGHOST": str(info.get("host", "")), "PGPORT": str(info.get("port", "")),
           "PGUSER": str(info.get("user", "")), "PGPASSWORD": str(info.get("password", ""))}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update({k: v for k, v in env.items() if v})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        with connect(pg_admin) as conn:
            conn.autocommit = True
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(FIT_DB)))


@pytest.fixture
def fit_repo(tmp_path: Path, fit_db: None, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("workbench.tui.screens.entity_tabs.ENTITY_TABS", [])
    monkeypatch.setattr("workbench.codegen.toolchains.resolve", pinned_toolchains)
    monkeypatch.delenv("WB_FIT_STAGING_URL", raising=False)
    root = make_demo_repo(tmp_path / "repo")
    with (root / "workbench.toml").open("a") as config:
        config.write(f'\n[databases.dev]\nurl = "postgresql:///{FIT_DB}"\n\n'
                     '[databases.staging]\nurl = "${WB_FIT_STAGING_URL}"\nprotected = true\n')
    git = ["git", "-C", str(root)]
    env = {**os.environ, **GIT_ENV}
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True, env=env)  # noqa: S603
    subprocess.run([*git, "add", "-A"], check=True, env=env)  # noqa: S603
    subprocess.run([*git, "commit", "-q", "-m", "demo"], check=True, env=env)  # noqa: S603
    proto = root / "proto" / "demo.proto"
    # Uncommitted edits: a field's type changes (breaking), and one fixture row goes bad.
    proto.write_text(proto.read_text().replace("int64 total_minor = 4;", "string total_minor = 4;"))
    orders = root / "seeders" / "orders.json"
    data = json.loads(orders.read_text())
    data["rows"][1]["status"] = "lost"
    orders.write_text(json.dumps(data, indent=2) + "\n")
    return root


def pinned_toolchains(languages: list[str], *_args: object, **_kwargs: object) -> dict[str, object]:
    from workbench.codegen.toolchains import APT_GO, Tool, Toolchain

    found = {"python": Toolchain("python", (Tool("protoc-gen-mypy", "/opt/bin/protoc-gen-mypy", "5.1.0"),),
                                 (Tool("mypy", "/opt/bin/mypy", "1.18"),)),
             "go": Toolchain("go", (Tool("protoc-gen-go", None, "", APT_GO),), (Tool("go", None, "", APT_GO),)),
             "ts": Toolchain("ts", (Tool("protoc-gen-es", None, "", "npm install @bufbuild/protoc-gen-es"),), ())}
    return {lang: found[lang] for lang in languages}


def go_to(mode: str, *presses: str) -> Callable[[Pilot[object]], Awaitable[None]]:
    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.app.switch_mode(mode)
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)

    return run_before


SCREEN_CASES = {
    "entities-mapping": ("entities", ("down", "down", "m")),
    "entities-sql": ("entities", ("down", "down", "s")),
    "migrations": ("migrations", ()),
    "migrations-apply-confirm": ("migrations", ("down", "a")),
    "breaking": ("breaking", ()),
    "seeds": ("seeds", ("down",)),
    "codegen": ("codegen", ("down",)),
    "help": ("migrations", ("question_mark",)),
}


@pytest.mark.parametrize("case", list(SCREEN_CASES))
@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x48"])
def test_every_screen(snap_compare: Callable[..., bool], fit_repo: Path, case: str, size: tuple[int, int]) -> None:
    mode, presses = SCREEN_CASES[case]
    app = WorkbenchApp(fit_repo, watch=False, screens=SCREENS[:5])
    assert snap_compare(app, terminal_size=size, run_before=go_to(mode, *presses))


# -- key columns at 80x24 -------------------------------------------------------------------------

def screen_lines(app: WorkbenchApp) -> list[str]:
    """What the terminal shows, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def assert_columns_fit(table: DataTable[object], keys: list[str]) -> None:
    """Every key column lies wholly inside the table's visible width (without scrolling)."""
    visible = table.scrollable_content_region.width
    right = 0
    for column in table.ordered_columns:
        right += column.get_render_width(table)
        if column.key.value in keys:
            assert right <= visible, f"{table.id}: column {column.key.value!r} ends at {right} > {visible}"
    assert {c.key.value for c in table.ordered_columns} >= set(keys)


async def test_key_columns_fit_at_80x24(fit_repo: Path) -> None:
    app = WorkbenchApp(fit_repo, watch=False, screens=SCREENS[:5])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        # Entities, Mapping tab of Order: field, proto type, SQL type and column, all visible.
        await pilot.press("down", "down", "m")
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "field / ↔ column" in text and "proto type / sql type" in text
        for data in ("total_minor", "string", "bigint", "note", "text null"):
            assert data in text, data
        await pilot.press("s")
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "created in" in text and "sql/002_create_orders.sql" in text  # the migration that made it

        await app.switch_mode("migrations")
        await until(pilot, lambda: len(getattr(app.screen, "statuses", {})) == 2)
        await settle(pilot)
        assert_columns_fit(app.screen.query_one("#migrations-fleet", DataTable), ["database", "state", "at"])
        assert_columns_fit(app.screen.query_one("#migrations-list", DataTable), ["version", "state"])
        text = "\n".join(screen_lines(app))
        assert "staging ⚿" in text and "✗ unreachable" in text and "· 3 behind" in text

        await app.switch_mode("seeds")
        await settle(pilot)
        assert_columns_fit(app.screen.query_one("#seeds-fixtures", DataTable), ["fixture", "rows", "state"])
        assert "✗ 1 invalid" in "\n".join(screen_lines(app))

        await app.switch_mode("codegen")
        await settle(pilot)
        assert_columns_fit(app.screen.query_one("#codegen-languages", DataTable), ["language", "verify", "files"])
        await pilot.press("down")  # Go: missing; the whole install command wraps in the code pane
        await settle(pilot)
        assert "apt-get install -y golang-go" in "\n".join(screen_lines(app))

        await app.switch_mode("breaking")
        await until(pilot, lambda: getattr(app.screen, "report", None) is not None)
        await settle(pilot)
        text = " ".join(" ".join(screen_lines(app)).split())
        change = app.screen.selected  # type: ignore[attr-defined]
        assert change is not None and change.rule in text
        words = change.message.split()
        assert " ".join(words[-3:]) in text  # the sentence ends on screen, not cut mid-way


async def test_a_tab_title_too_long_for_its_line_ends_in_an_ellipsis(fit_repo: Path) -> None:
    """A tab's title is one line: cut, it ends in "…" and keeps its start (the file and line),
    rather than wrapping into a second line its height hides (the Proto title lost the message's
    name that way at 80x24)."""
    from textual.widgets import Static

    from workbench.tui.widgets.proto_view import ProtoView

    app = WorkbenchApp(fit_repo, watch=False, screens=SCREENS[:5])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "p")
        await settle(pilot)
        title = app.screen.query_one(ProtoView).query_one(".view-title", Static)
        full = str(title.render())
        for width in (SMALL[0], 56, 48):  # fits, then cut at two places
            await pilot.resize_terminal(width, SMALL[1])
            await settle(pilot)
            region = title.content_region
            shown = screen_lines(app)[region.y][region.x:region.right].rstrip()
            assert title.size.height == 1
            if len(full) <= region.width:
                assert shown == full
            else:
                assert shown.endswith("…") and full.startswith(shown[:-1]), (shown, full)
                assert shown.startswith("proto/demo.proto:")


# -- findability ------------------------------------------------------------------------------------

def all_bindings() -> dict[str, list[object]]:
    """Binding ids of the app and of every registered screen (with the widgets it lists for help)."""
    from workbench.tui.screens.help import _class_bindings

    out: dict[str, list[object]] = {"everywhere": _class_bindings(WorkbenchApp)}
    for entry in SCREENS:
        kind = entry.load()
        out[entry.id] = _class_bindings(kind) + [b for w in getattr(kind, "HELP_WIDGETS", ())
                                                 for b in _class_bindings(w)]
    return out


def test_readme_key_table_names_every_binding() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| screen | key | does (binding id) |"):]
    table = table[:table.index("\n\n")]
    for screen, bindings in all_bindings().items():
        for binding in bindings:
            assert f"`{binding.id}`" in table or (  # type: ignore[attr-defined]
                binding.id.startswith("entities.tab.")), f"{screen}: {binding.id} not in README"  # type: ignore[attr-defined]
            assert binding.tooltip, f"{binding.id} has no tooltip"  # type: ignore[attr-defined]


async def test_help_lists_our_keys_by_screen_without_duplicates(fit_repo: Path) -> None:
    from workbench.tui.screens.help import HelpScreen

    app = WorkbenchApp(fit_repo, watch=False, screens=SCREENS[:5])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await app.switch_mode("migrations")
        await settle(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        sections = app.screen.sections  # type: ignore[attr-defined]
        titles = [title for title, _ in sections]
        assert titles[0] == "Migrations screen"  # the current screen first
        assert {"Everywhere", "Screens", "Entities screen", "Breaking screen", "Seeds screen",
                "Codegen screen"} <= set(titles)
        for title, rows in sections:
            keys = [key for key, _ in rows]
            assert len(keys) == len(set(keys)), f"{title}: a key listed twice: {keys}"
            for _, what in rows:  # Textual's widget internals stay out
                assert not any(word in what.lower() for word in ("cursor up", "cursor down", "ancestor", "page up"))
        first = dict(sections[0][1])
        assert "b" in first and "Roll back" in first["b"] and "A" in first and "f" in first


async def test_every_action_is_a_palette_command_from_anywhere(fit_repo: Path) -> None:
    from workbench.tui.commands import WorkbenchCommands

    app = WorkbenchApp(fit_repo, watch=False, screens=SCREENS[:5])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        provider = WorkbenchCommands(app.screen)
        titles = [title for title, _, _ in provider._commands()]
        for wanted in ("Migrations: Apply", "Migrations: Roll back", "Migrations: Drift", "Migrations: Apply all",
                       "Seeds: Seed", "Seeds: Dry-run", "Codegen: Generate", "Codegen: Verify",
                       "Breaking: Re-run review", "Breaking: Change ref"):
            assert wanted in titles, wanted
        assert len(titles) == len(set(titles))
        # Run one from the Entities screen: it switches to Migrations and runs there.
        await pilot.press("ctrl+p", *"migrations filter")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: app.current_mode == "migrations"
                    and app.screen.query_one("#migrations-filter").has_focus)


async def test_esc_leaves_the_breaking_ref_box_and_it_shows_the_reviewed_ref(fit_repo: Path) -> None:
    from textual.widgets import Input

    app = WorkbenchApp(fit_repo, watch=False, screens=SCREENS[:5])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await app.switch_mode("breaking")
        await settle(pilot)
        await pilot.press("slash", *"v9")
        box = app.screen.query_one("#breaking-ref", Input)
        assert box.has_focus and box.value.endswith("v9")
        await pilot.press("escape")
        await pilot.pause()
        assert not box.has_focus and box.value == "main"  # the ref reviewed, not the abandoned edit
        await pilot.press("1")  # keys are commands again
        await pilot.pause()
        assert app.current_mode == "entities"


# -- the before/after code window follows the pane's height ---------------------------------------

def before_rows(app: WorkbenchApp) -> int:
    from workbench.tui.widgets.code_view import CodeView

    view = app.screen.query_one("#breaking-before", CodeView)
    assert view._code is not None
    return len(view._code.lines)


async def test_breaking_code_window_follows_the_pane_height(fit_repo: Path) -> None:
    """The window of code around a change is fitted to the pane: also when the review arrived
    before the pane was laid out (CI once caught the 160x48 screen showing 9 lines: the fitted
    height was read as 0), and again when the terminal is resized."""
    app = WorkbenchApp(fit_repo, watch=False, screens=SCREENS[:5])
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        await app.switch_mode("breaking")
        await until(pilot, lambda: getattr(app.screen, "report", None) is not None)
        await settle(pilot)
        screen = app.screen
        wide = before_rows(app)
        assert wide > 9  # ~30 lines of context at 160x48, not the 4-line minimum

        # The race, forced: the change is shown while the pane has no height yet.
        screen._pane_rows = lambda: 0  # type: ignore[attr-defined]
        screen._show_change(screen.selected)  # type: ignore[attr-defined]
        assert before_rows(app) <= 9
        del screen._pane_rows  # type: ignore[attr-defined]
        await pilot.resize_terminal(161, 48)  # a layout: the pane reports its height
        await settle(pilot)
        assert before_rows(app) == wide

        await pilot.resize_terminal(*SMALL)
        await settle(pilot)
        small = before_rows(app)
        assert small < wide
        await pilot.resize_terminal(*LARGE)
        await settle(pilot)
        assert before_rows(app) == wide


async def test_migration_details_are_fitted_again_when_the_pane_resizes(fit_repo: Path) -> None:
    """The details pane cuts a long URL to its width: a resize (or the first layout, if the
    answer came first) renders it again for the width it has now."""
    from textual.widgets import Static

    app = WorkbenchApp(fit_repo, watch=False, screens=SCREENS[:5])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await app.switch_mode("migrations")
        await until(pilot, lambda: len(getattr(app.screen, "statuses", {})) == 2)
        await settle(pilot)
        cell = app.screen.query_one("#migrations-cell", Static)
        shown = str(cell.render())
        assert "wbfit_dev" in shown
        cell.update("")  # as if fitted before the pane had its width
        await pilot.resize_terminal(*LARGE)
        await settle(pilot)
        assert "wbfit_dev" in str(cell.render())
