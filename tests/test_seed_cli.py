"""`workbench seed` as a user runs it: exit codes, --json shape, dry-run text, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_seed_support import checksums, migrate, write_fixture

from workbench.cli.main import main


@pytest.fixture
def db(fresh_db: str, repo_copy: Path) -> str:
    migrate(repo_copy, fresh_db)
    return fresh_db


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_json_shape_and_second_run(db: str, repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--root", str(repo_copy), "seed", "--all", "--url", db, "--json"]
    code, out = _json(capsys, base)
    assert code == 0
    assert {"database", "dry_run", "mode", "tables", "findings", "skipped"} <= out.keys()
    assert out["mode"] == "upsert" and out["dry_run"] is False
    table = out["tables"][0]
    assert {"table", "fixture", "inserted", "updated", "unchanged", "rows", "rows_omitted"} <= table.keys()
    assert table["rows"][0]["change"] == "insert" and {"key", "columns"} <= table["rows"][0].keys()
    code, out = _json(capsys, base)
    assert code == 0
    assert all(t["inserted"] == 0 and t["updated"] == 0 for t in out["tables"])


def test_dry_run_shows_the_edited_price(db: str, repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(repo_copy), "seed", "--all", "--url", db, "--json"]) == 0
    capsys.readouterr()
    data = json.loads((repo_copy / "seeders" / "products.json").read_text())
    data["rows"][0]["unit_price_minor"] = 11111
    write_fixture(repo_copy, "products.json", "products", data["rows"], data["key"])
    before = checksums(db)
    code, out = _json(capsys, ["--root", str(repo_copy), "seed", "--all", "--url", db, "--dry-run", "--json"])
    assert code == 0 and checksums(db) == before
    changed = [(t["table"], r) for t in out["tables"] for r in t["rows"]]
    assert len(changed) == 1
    table, row = changed[0]
    assert table == "products" and row["change"] == "update"
    assert row["columns"] == {"unit_price_minor": [10500, 11111]}
    assert main(["--root", str(repo_copy), "seed", "products", "--url", db, "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "unit_price_minor: 10500 -> 11111" in text and "nothing written" in text


def test_findings_exit_1_and_usage_exit_2(db: str, repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_fixture(repo_copy, "roles.json", "roles", [{"id": 1, "name": "admin", "colour": "red"}], ["name"])
    code, out = _json(capsys, ["--root", str(repo_copy), "seed", "roles", "--url", db, "--json"])
    assert code == 1
    (finding,) = out["findings"]
    assert finding["rule"] == "SEED_UNKNOWN_COLUMN" and finding["file"] == "seeders/roles.json" and finding["line"] == 5
    assert main(["--root", str(repo_copy), "seed", "nosuch", "--url", db]) == 2
    assert main(["--root", str(repo_copy), "seed", "--url", db]) == 2
    assert main(["--root", str(repo_copy), "seed", "--all", "--url", db, "--mode", "replace"]) == 2  # no --yes


def test_progress_bar_draws_and_clears(capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.cli.seed import _Bar
    from workbench.seed.events import TableProgress

    bar = _Bar()
    bar.update(TableProgress("products", 2000, 0.25))
    bar.update(TableProgress("products", 8000, 1.0))
    bar.close()
    err = capsys.readouterr().err
    assert "[" in err and "100%" in err and "10,000 rows" in err and err.endswith("\r\033[K")


def test_protected_and_read_only_databases_from_the_config(db: str, repo_copy: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WB_SEED_CLI_URL", db)
    shop = '[databases.shop]\nurl = "${WB_SEED_CLI_URL}"\nprotected = true\n'
    (repo_copy / "workbench.toml").write_text(shop)
    # No terminal under pytest: a protected database refuses, --yes or not.
    assert main(["--root", str(repo_copy), "seed", "--all", "--db", "shop", "--yes"]) == 2
    assert "protected" in capsys.readouterr().err
    # The dry-run of a protected database asks nothing.
    assert main(["--root", str(repo_copy), "seed", "--all", "--db", "shop", "--dry-run", "--json"]) == 0
    # Another name for the same database, read-only: the guard follows the database.
    (repo_copy / "workbench.toml").write_text(shop + '\n[databases.reports]\nurl = "${WB_SEED_CLI_URL}"\n'
                                              'read_only = true\n')
    assert main(["--root", str(repo_copy), "seed", "--all", "--db", "reports", "--dry-run"]) == 2
    assert "read-only" in capsys.readouterr().err
    assert main(["--root", str(repo_copy), "seed", "--all", "--db", "shop", "--confirm", "shop"]) == 2
    assert "read-only" in capsys.readouterr().err
