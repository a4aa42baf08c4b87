"""The runners report typed events; the CLI prints their text and the TUI renders them (no parsing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_migrate_support import cli, make_repo, mig
from test_seed_support import migrate

from workbench.contracts.migration_files import load_migrations
from workbench.migrate import events
from workbench.migrate.runner import Options, execute
from workbench.migrate.targets import Target
from workbench.seed.events import TableProgress
from workbench.seed.run import Options as SeedOptions
from workbench.seed.run import seed


def test_up_and_down_report_typed_events_the_cli_prints(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_create_a.sql": mig("CREATE TABLE a (id int);", "DROP TABLE a;"),
                                "002_index_a.sql": mig("CREATE INDEX CONCURRENTLY a_id ON a (id);",
                                                       "DROP INDEX CONCURRENTLY a_id;", tx=False)})
    files, _ = load_migrations(root / "sql", "sql/")
    seen: list[events.MigrateEvent] = []
    target = Target("t", fresh_db, configured=False)
    result = execute(root, target, files, "up", options=Options(), on_event=seen.append)
    assert result.ok
    assert [(type(e).__name__, getattr(e, "version", "")) for e in seen] == [
        ("MigrationStarted", "000"), ("MigrationDone", "000"), ("MigrationStarted", "001"), ("MigrationDone", "001"),
        ("MigrationStarted", "002"), ("MigrationDone", "002")]
    started = [e for e in seen if isinstance(e, events.MigrationStarted)]
    assert [e.transactional for e in started] == [True, True, False]
    assert [e.version for e in seen if isinstance(e, events.MigrationDone)] == [s.version for s in result.applied]
    seen.clear()
    assert execute(root, target, files, "down", options=Options(yes=True), on_event=seen.append, steps=1).ok
    assert [type(e) for e in seen] == [events.MigrationStarted, events.MigrationDone]
    assert seen[0].action == "down" and seen[1].text().startswith("t: rolled back 002 index_a (")
    # The CLI prints exactly the events' text.
    code, out, _ = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 0 and "applying 002 index_a (no transaction)" in out and "applied 002 index_a (" in out
    code, out, _ = cli(capsys, root, "up", "--url", fresh_db)
    assert code == 0 and out.strip().endswith("nothing to do, up to date")


def test_seed_reports_table_progress(repo_copy: Path, fresh_db: str) -> None:
    root = repo_copy
    migrate(root, fresh_db)
    target = Target("t", fresh_db, configured=False)
    seen: list[object] = []
    result = seed(root, target, None, SeedOptions(dry_run=True), on_event=seen.append)
    assert result.ok and seen and all(isinstance(e, TableProgress) for e in seen)
    progress = [e.fraction for e in seen if isinstance(e, TableProgress)]
    assert progress == sorted(progress) and progress[-1] > 0.99  # by bytes read
    assert {e.table for e in seen if isinstance(e, TableProgress)} == {t.table for t in result.tables}
