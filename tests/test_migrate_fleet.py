"""Many databases: 60 real ones on the test server plus one that never answers (a local
black-holed socket), through `migrate up --jobs` and the Migrations screen's fleet view.

The databases are made once for this module (creating and dropping them is most of its time:
each DROP DATABASE forces a checkpoint). bench/bench_tui.py runs the same with 200.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pilot_helpers import until
from test_migrate_support import cli, make_repo, mig, query
from textual.coordinate import Coordinate
from textual.widgets import Input

from workbench.testing import create_database, drop_database
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens import migrations as migrations_screen
from workbench.tui.screens.migrations import MigrationsScreen
from workbench.tui.widgets.fleet_table import FleetTable, fleet_state

FLEET = 60


@pytest.fixture(scope="module")
def black_hole() -> Iterator[str]:
    """Accepts TCP connections on a loopback port and never answers (the worst unreachable case)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    try:
        yield f"postgresql://app:s3cret-pw@127.0.0.1:{sock.getsockname()[1]}/orders"
    finally:
        sock.close()


@pytest.fixture(scope="module")
def fleet(pg_admin: str, tmp_path_factory: pytest.TempPathFactory, black_hole: str) -> Iterator[tuple[Path, list[str]]]:
    made = [create_database(pg_admin) for _ in range(FLEET)]
    toml = "[workbench]\nconnect_timeout = 3\n\n"
    toml += "".join(f'[databases.fleet{i:03d}]\nurl = "{url}"\n\n' for i, (_, url) in enumerate(made))
    toml += f'[databases.hole]\nurl = "{black_hole}"\n'
    root = make_repo(tmp_path_factory.mktemp("fleet"), {"001_create_a.sql": mig("CREATE TABLE a (id int);",
                                                                                  "DROP TABLE a;")}, toml)
    try:
        yield root, [url for _, url in made]
    finally:
        for name, _ in made:
            drop_database(pg_admin, name)


def test_up_jobs_over_many_databases_isolates_the_unreachable_one(fleet: tuple[Path, list[str]],
                                                                 capsys: Any) -> None:
    root, urls = fleet
    code, out, err = cli(capsys, root, "up", "--jobs", "8")
    assert code == 1  # one database failed; the others did not wait for it or fail with it
    for url in urls:
        assert query(url, "SELECT version FROM workbench.schema_migrations ORDER BY version") == [("000",), ("001",)]
        assert query(url, "SELECT to_regclass('public.a') IS NOT NULL") == [(True,)]
    # A progress line per database as it ends, and the summary names the failure (password masked).
    progress = re.findall(rf"^\[(\d+)/{FLEET + 1}\] (\S+): (.*)$", out, re.MULTILINE)
    assert sorted(name for _, name, _ in progress) == sorted([f"fleet{i:03d}" for i in range(FLEET)] + ["hole"])
    assert sorted(int(n) for n, _, _ in progress) == list(range(1, FLEET + 2))
    assert re.search(r"^  hole\s+FAILED  .*cannot connect", out, re.MULTILINE)
    assert "s3cret-pw" not in out + err
    # Again: nothing to do anywhere reachable; the counts are unchanged.
    code, out, _ = cli(capsys, root, "up", "-j", "3", "--db", "fleet000", "--db", "fleet059")
    assert code == 0 and "fleet059" in out
    assert query(urls[0], "SELECT count(*) FROM workbench.schema_migrations") == [(2,)]


def test_jobs_must_be_a_positive_number(fleet: tuple[Path, list[str]], capsys: Any) -> None:
    root, _ = fleet
    code, _, err = cli(capsys, root, "up", "--jobs", "0")
    assert code == 2 and "--jobs must be between 1 and 256, not 0" in err


async def test_fleet_view_names_the_unreachable_one_first_at_80x24(fleet: tuple[Path, list[str]],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = fleet
    # One status read is watched: no auto-refresh read may start while it is (a loaded machine can
    # take longer than its 15 s), and the model is complete before the screen opens (each snapshot
    # delivered to it starts a read: the first look has no migrations yet).
    monkeypatch.setattr(migrations_screen, "AUTO_REFRESH_SECONDS", 3600.0)
    drawn: list[tuple[str, int]] = []  # (database, rows still checking) each time an answer was drawn
    original = FleetTable.update_row

    def spy(self: FleetTable, target: Any, st: Any) -> bool:
        done = original(self, target, st)
        drawn.append((target.name, sum("checking" in str(self.get_row(key)[1]) for key in self.rows)))
        return done

    FleetTable.update_row = spy  # type: ignore[method-assign]
    try:
        app = WorkbenchApp(root, watch=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.snapshot is not None and app.snapshot.checked, timeout=120)
            app.switch_mode("migrations")
            # Every database answered and the read is over (its final message re-sorts the rows).
            await until(pilot, lambda: isinstance(app.screen, MigrationsScreen)
                        and len(app.screen.statuses) == FLEET + 1
                        and not any(w.group == "migrations-status" and w.is_running for w in app.workers),
                        timeout=60)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, MigrationsScreen)
            lines = screen_lines(app)
            summary = next(line for line in lines if "databases ·" in line)
            assert f"{FLEET + 1} databases" in summary and "1 unreachable" in summary
            first_row = next(line for line in lines if "fleet" in line or "hole" in line)
            assert first_row.split()[:3] == ["hole", "✗", "unreachable"]  # problems first, on screen
            # Rows filled in one by one as answers arrived, not all at once at the end: each of the 60
            # was drawn on its own answer, one fewer row checking each time. The black hole's own
            # answer may be drawn too (its connection attempt times out when the read gives up on it,
            # before or after the read's last message) or not: which one, load decides.
            assert sorted(name for name, _ in drawn if name != "hole") == [f"fleet{i:03d}" for i in range(FLEET)]
            assert [checking for _, checking in drawn] == list(range(FLEET, FLEET - len(drawn), -1)), drawn
            # Its error is in the details (password masked).
            fleet_table = screen.query_one(FleetTable)
            fleet_table.move_cursor(row=0)
            await pilot.pause()
            details = "\n".join(screen_lines(app))
            assert "unreachable:" in details and "s3cret-pw" not in details
            # The filter: by name, and "problems".
            await pilot.press("f", *"fleet05")
            await pilot.pause()
            assert fleet_table.row_count == 10  # fleet050..fleet059
            screen.query_one("#migrations-filter", Input).value = "problems"
            await pilot.pause()
            # (the databases are behind too when this test runs before the `up` one)
            problems = [n for n, st in screen.statuses.items() if fleet_state(st).rank <= 2]
            assert fleet_table.row_count == len(problems) and "hole" in problems
            assert fleet_table.coordinate_to_cell_key(Coordinate(0, 0)).row_key.value == "hole"
            await pilot.press("escape")  # leaves the box, keeps the filter
            assert app.focused is fleet_table
            await pilot.press("1")  # keys are commands again
            await pilot.pause()
            assert app.current_mode == "entities"
    finally:
        FleetTable.update_row = original  # type: ignore[method-assign]


def screen_lines(app: WorkbenchApp) -> list[str]:
    """What the terminal shows, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]
