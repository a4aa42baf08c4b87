"""The first seed into an empty table COPYs straight into it (issue 6's speed): same outcome as
the staging path in every respect — rows, sequences, report, findings — and the same dry-run."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from test_seed_support import checksums, count, migrate, run_seed, write_fixture

from workbench.seed import run as seed_run
from workbench.testing import create_database, drop_database


@pytest.fixture
def two_dbs(pg_admin: str, repo_copy: Path) -> Iterator[tuple[str, str]]:
    made = [create_database(pg_admin) for _ in range(2)]
    try:
        for _, url in made:
            migrate(repo_copy, url)
        yield made[0][1], made[1][1]
    finally:
        for name, _ in made:
            drop_database(pg_admin, name)


@pytest.fixture
def direct_calls(monkeypatch: pytest.MonkeyPatch) -> list[bool | None]:
    """Each chunk's direct COPY: True went straight into the table, False failed (and the
    staging path redid the chunk), None not tried (its rows give different columns)."""
    calls: list[bool | None] = []
    original = seed_run._Run._copy_direct

    def spy(self: Any, shape: Any, stage: Any, chunk: Any, tres: Any) -> bool:
        done = original(self, shape, stage, chunk, tres)
        calls.append(None if chunk.columns is None else done)
        return done

    monkeypatch.setattr(seed_run._Run, "_copy_direct", spy)
    return calls


def contents(url: str) -> dict[str, Any]:
    """Every table's rows (sorted; no xmin: another database; not the columns defaulting to
    now(): another moment) and every sequence's state."""
    out: dict[str, Any] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for t, clock in conn.execute(
                "SELECT quote_ident(c.table_schema) || '.' || quote_ident(c.table_name),"
                " array_agg(c.column_name::text) FILTER (WHERE c.column_default ~* 'now\\(|current_timestamp')"
                " FROM information_schema.columns c JOIN pg_tables p"
                " ON p.schemaname = c.table_schema AND p.tablename = c.table_name"
                " WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema', 'workbench')"  # migrations' log
                " GROUP BY 1").fetchall():
            out[t] = [r[0] for r in conn.execute(f"SELECT to_jsonb(x) - %s::text[] FROM {t} AS x ORDER BY 1::text",
                                                 [clock or []]).fetchall()]
        for (s,) in conn.execute("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename)"
                                 " FROM pg_sequences").fetchall():
            out[s] = conn.execute(f"SELECT last_value, is_called FROM {s}").fetchone()
    return out


def report(result: Any) -> dict[str, Any]:
    """The --json report, less what names the database and the moment (now() in a message)."""
    data = result.to_json()
    data.pop("database")
    data.pop("url")
    for f in data["findings"]:
        f["message"] = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00", "<now>", f["message"])
    return data


def both(monkeypatch: pytest.MonkeyPatch, repo_copy: Path, fast: str, slow: str,
         **kw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    monkeypatch.setattr(seed_run, "DIRECT_COPY", False)
    staged = report(run_seed(repo_copy, slow, **kw))
    monkeypatch.setattr(seed_run, "DIRECT_COPY", True)
    direct = report(run_seed(repo_copy, fast, **kw))
    return direct, staged


@pytest.mark.parametrize("chunk_rows", [20_000, 3], ids=["one-chunk", "many-chunks"])
def test_direct_copy_gives_what_staging_gives(two_dbs: tuple[str, str], repo_copy: Path,
                                             monkeypatch: pytest.MonkeyPatch, direct_calls: list[bool | None],
                                             chunk_rows: int) -> None:
    fast, slow = two_dbs
    direct, staged = both(monkeypatch, repo_copy, fast, slow, chunk_rows=chunk_rows, row_limit=4)
    # The fast path ran (only on the fast database; a chunk whose rows give different columns
    # goes through staging, which fills in the defaults row by row).
    assert True in direct_calls
    assert direct["ok"] and direct["written"]
    assert direct == staged  # counts, capped rows with rows_omitted, sequences, findings
    assert any(t["rows_omitted"] for t in direct["tables"])
    assert contents(fast) == contents(slow)


def test_rows_giving_different_columns_agree(two_dbs: tuple[str, str], repo_copy: Path,
                                             monkeypatch: pytest.MonkeyPatch, direct_calls: list[bool | None]) -> None:
    rows = json.loads((repo_copy / "seeders" / "brands.json").read_text())["rows"]
    # Chunks of 2 rows: each chunk's rows give the same columns (COPY straight in), but not
    # the same as the previous chunk's (defaults for what a row leaves out, another order).
    for n, row in enumerate(rows):
        if n // 2 % 3 == 1:
            row.pop("website_url", None)
            row.pop("is_active")
        if n // 2 % 3 == 2:
            rows[n] = dict(reversed(row.items()))
    write_fixture(repo_copy, "brands.json", "brands", rows, ["slug"])
    fast, slow = two_dbs
    direct, staged = both(monkeypatch, repo_copy, fast, slow, names=["brands"], chunk_rows=2)
    assert direct_calls.count(True) == (len(rows) + 1) // 2
    assert direct["ok"] and direct == staged
    assert contents(fast) == contents(slow)


def uniform(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every row giving every column some row gives (null where it gave none), in one order."""
    columns = list(dict.fromkeys(c for r in sorted(rows, key=len, reverse=True) for c in r))
    return [{c: r.get(c) for c in columns} for r in rows]


def test_a_bad_row_still_has_its_file_and_line(two_dbs: tuple[str, str], repo_copy: Path,
                                               monkeypatch: pytest.MonkeyPatch, direct_calls: list[bool | None]) -> None:
    # A CHECK only the database knows (row 6) and a brand nowhere (row 9), in later chunks
    # whose rows all give the same columns (so COPY into the table is tried, and fails).
    rows = uniform(json.loads((repo_copy / "seeders" / "brands.json").read_text())["rows"])
    rows[6]["slug"] = "Not A Slug"
    write_fixture(repo_copy, "brands.json", "brands", rows, ["slug"])
    products = json.loads((repo_copy / "seeders" / "products.json").read_text())
    products["rows"] = uniform(products["rows"])
    products["rows"][9]["brand_id"] = 9999
    write_fixture(repo_copy, "products.json", "products", products["rows"], products["key"])
    fast, slow = two_dbs
    before = checksums(fast)
    direct, staged = both(monkeypatch, repo_copy, fast, slow, names=["brands"], chunk_rows=4)
    assert False in direct_calls  # the COPY failed and the staging path redid the chunk
    assert direct == staged and not direct["written"]
    assert [(f["rule"], f["file"], f["line"]) for f in direct["findings"]] == [
        ("SEED_APPLY", "seeders/brands.json", 11)]
    assert "brands_slug_check" in direct["findings"][0]["message"]
    assert checksums(fast) == before and count(fast, "brands") == 0

    rows[6]["slug"] = "fixed-slug"
    write_fixture(repo_copy, "brands.json", "brands", rows, ["slug"])
    direct_calls.clear()
    direct, staged = both(monkeypatch, repo_copy, fast, slow, names=None, chunk_rows=4)
    assert False in direct_calls
    assert direct == staged and not direct["written"]
    refs = [(f["rule"], f["file"], f["line"]) for f in direct["findings"]]
    # The product is left out, so a row referencing it is a finding too (in both paths).
    assert refs[0] == ("SEED_REFERENCE", "seeders/products.json", 5 + 9)
    assert {r[0] for r in refs} == {"SEED_REFERENCE"}
    assert checksums(fast) == before


def test_dry_run_on_empty_tables_changes_nothing(two_dbs: tuple[str, str], repo_copy: Path,
                                                monkeypatch: pytest.MonkeyPatch, direct_calls: list[bool | None]) -> None:
    fast, slow = two_dbs
    before = checksums(fast)
    direct, staged = both(monkeypatch, repo_copy, fast, slow, dry_run=True, row_limit=5)
    assert True in direct_calls
    assert checksums(fast) == before  # every table's rows (and xmin) and every sequence
    assert direct == staged and direct["ok"] and not direct["written"]
    real = report(run_seed(repo_copy, fast, row_limit=5))
    assert real["tables"] == direct["tables"]  # the dry-run's report is the real run's
