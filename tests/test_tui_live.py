"""The TUI's pure helpers: partial reloads keeping the last good parts, seed rows, watch filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_support import make_demo_repo

from workbench.contracts.config import Config
from workbench.contracts.entity_findings import findings_for_entity
from workbench.tui.live import jump_targets
from workbench.tui.seedrows import cell_text, page_count, view_indices
from workbench.tui.watching import watched_relpaths
from workbench.workspace import parts_for, reload


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return make_demo_repo(tmp_path / "repo")


def test_first_load_and_partial_reload(demo: Path) -> None:
    first = reload(demo)
    assert first.generation == 1 and [m.name for m in first.model.entities] == ["Customer", "Order"]
    assert first.database == "embedded (not running)"
    sql = (demo / "sql" / "003_add_order_note.sql")
    sql.write_text(sql.read_text().replace("note text;", "note text NOT NULL DEFAULT '';"))
    second = reload(demo, first, frozenset({"sql/003_add_order_note.sql"}))
    assert second.generation == 2
    assert second.model.protos is first.model.protos  # proto part reused, not recompiled
    assert not [f for f in second.findings if f.rule == "LAYER_NULLABILITY"]


def test_broken_parts_keep_the_last_good(demo: Path) -> None:
    first = reload(demo)
    (demo / "proto" / "demo.proto").write_text("syntax = \"proto3\";\nmessage {")
    (demo / "seeders" / "orders.json").write_text("{\"table\": \"orders\", \"rows\": [")
    (demo / "sql" / "002_create_orders.sql").write_text("-- migrate:up\nCREATE TABLE (;\n-- migrate:down\n")
    changed = frozenset({"proto/demo.proto", "seeders/orders.json", "sql/002_create_orders.sql"})
    second = reload(demo, first, changed)
    assert second.stale == ("proto", "sql", "seeds")
    assert [m.name for m in second.model.entities] == ["Customer", "Order"]
    assert second.model.fixture_for("orders") is not None
    assert "orders" in second.model.schema.tables
    files = {f.file for f in second.findings if f.severity == "error"}
    assert {"proto/demo.proto", "seeders/orders.json", "sql/002_create_orders.sql"} <= files


def test_config_change_reloads_everything(demo: Path) -> None:
    first = reload(demo)
    assert parts_for(frozenset({"workbench.toml"}), first.model.config) == {"config", "proto", "sql", "seeds"}
    assert parts_for(frozenset({"seeders/a.json"}), first.model.config) == {"seeds"}
    (demo / "workbench.toml").write_text("[domains\n")
    second = reload(demo, first, frozenset({"workbench.toml"}))
    assert "config" in second.stale
    assert second.model.config.domains == first.model.config.domains
    assert any(f.rule == "CONFIG_SYNTAX" for f in second.findings)


def test_jump_targets_and_entity_findings(demo: Path) -> None:
    snap = reload(demo)
    labels = [t.label for t in jump_targets(snap.model)]
    assert "Order" in labels and "Order.status" in labels and "Order.status = ORDER_STATUS_PAID" in labels
    order = findings_for_entity(snap.model, snap.findings, "Order")
    assert any(f.rule == "LAYER_NULLABILITY" for f in order)
    assert not findings_for_entity(snap.model, snap.findings, "Customer")


def test_seed_rows_filter_sort_page() -> None:
    rows = [{"id": 3, "name": "Nux"}, {"id": 1, "name": "arnica"}, {"id": 2, "name": None},
            {"id": 10, "name": "Bryonia", "extra": {"a": [1]}}]
    assert view_indices(rows, sort_column="id") == [1, 2, 0, 3]
    assert view_indices(rows, sort_column="name") == [1, 3, 0, 2]  # case-insensitive, None last
    assert view_indices(rows, sort_column="name", reverse=True)[0] == 2
    assert view_indices(rows, query="ARN") == [1]
    assert view_indices(rows, query="[1]") == [3]
    assert cell_text(None) == "∅" and cell_text(True) == "true" and cell_text("x" * 50).endswith("…")
    assert page_count(0) == 1 and page_count(100) == 1 and page_count(101) == 2


def test_watched_paths_ignore_editor_files(tmp_path: Path) -> None:
    root = tmp_path
    got = watched_relpaths(root, Config(), [str(root / "proto/a.proto"), str(root / "proto/.a.proto.swp"),
                                             str(root / "workbench.toml"), "/elsewhere/x.sql",
                                             str(root / "seeders/x.json~")])
    assert got == frozenset({"proto/a.proto", "workbench.toml"})


def test_incremental_checks_match_run_static(demo: Path) -> None:
    from workbench.checks import run_static

    first = reload(demo)
    assert list(first.findings) == run_static(first.model)
    proto = demo / "proto" / "demo.proto"
    proto.write_text(proto.read_text().replace("int64 total_minor = 4;", "string total_minor = 4;"))
    second = reload(demo, first, frozenset({"proto/demo.proto"}))
    assert second.check_cache["workbench.checks.fixture_values"][1] is first.check_cache[
        "workbench.checks.fixture_values"][1]  # not re-run: fixtures, schema and entity names unchanged
    assert list(second.findings) == run_static(second.model)
    assert any(f.rule == "LAYER_TYPE_MISMATCH" for f in second.findings)


def test_ui_state_roundtrip_and_bad_files(tmp_path: Path) -> None:
    from workbench.tui.uistate import UiState

    path = tmp_path / "state" / "tui-state.json"
    UiState(path).save(theme="nord")
    assert UiState(path).theme == "nord"
    path.write_text("{not json")
    assert UiState(path).theme is None  # corrupt: ignored, never an error
    path.write_text('{"version": 0, "theme": "nord"}')
    assert UiState(path).theme is None  # another version: ignored
    UiState(None).save(theme="x")  # remembers nothing, writes nothing


def test_unchecked_first_load_then_checks(demo: Path) -> None:
    from workbench.workspace import with_checks

    quick = reload(demo, checks=False)
    assert not quick.checked and not any(f.rule.startswith("LAYER") for f in quick.findings)
    full = with_checks(quick)
    assert full.checked and full.generation == quick.generation + 1
    assert full.findings == reload(demo).findings


def test_jump_prefilter_keeps_subsequence_matches_shortest_first(demo: Path) -> None:
    from workbench.tui.commands import candidates

    targets = jump_targets(reload(demo).model)
    labels = [t.label for t in candidates("ordsta", targets)]
    assert labels[0] == "Order.status" or "Order.status" in labels
    assert all("=" in label or label == "Order.status" for label in labels)
    assert [t.label for t in candidates("cust", targets)][0] == "Customer"
    assert candidates("zzz", targets) == []
