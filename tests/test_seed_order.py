"""Foreign-key order from the live schema: self-references parents first, cycles, 100,000 rows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
from test_seed_support import count, migrate, run_seed, write_fixture


def _only(repo: Path) -> None:
    for path in (repo / "seeders").glob("*.json"):
        path.unlink()


def test_self_reference_loads_parents_first(fresh_db: str, repo_copy: Path) -> None:
    migrate(repo_copy, fresh_db)
    _only(repo_copy)
    # Children listed before their parents, three levels deep.
    write_fixture(repo_copy, "categories.json", "categories", [
        {"id": 3, "parent_id": 2, "name": "Leaf", "slug": "leaf"},
        {"id": 2, "parent_id": 1, "name": "Branch", "slug": "branch"},
        {"id": 1, "name": "Root", "slug": "root"},
    ], ["slug"])
    result = run_seed(repo_copy, fresh_db)
    assert result.ok, [f.format() for f in result.findings]
    with psycopg.connect(fresh_db) as conn:
        order = [r[0] for r in conn.execute("SELECT slug FROM categories ORDER BY ctid").fetchall()]
    assert order == ["root", "branch", "leaf"]
    again = run_seed(repo_copy, fresh_db)
    assert again.table("categories").unchanged == 3  # type: ignore[union-attr]


def test_self_reference_to_a_missing_parent(fresh_db: str, repo_copy: Path) -> None:
    migrate(repo_copy, fresh_db)
    _only(repo_copy)
    write_fixture(repo_copy, "categories.json", "categories", [
        {"id": 1, "name": "Root", "slug": "root"},
        {"id": 2, "parent_id": 9, "name": "Orphan", "slug": "orphan"},
    ], ["slug"])
    result = run_seed(repo_copy, fresh_db)
    assert [(f.rule, f.line) for f in result.findings] == [("SEED_REFERENCE", 6)]


def test_tables_follow_the_live_foreign_keys(fresh_db: str, repo_copy: Path) -> None:
    migrate(repo_copy, fresh_db)
    result = run_seed(repo_copy, fresh_db)
    names = [t.table for t in result.tables]
    assert names.index("roles") < names.index("users")
    assert names.index("brands") < names.index("products") and names.index("categories") < names.index("products")


def test_cycle_through_a_deferrable_constraint(fresh_db: str, repo_copy: Path) -> None:
    _only(repo_copy)
    with psycopg.connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE authors (id bigint PRIMARY KEY, name text NOT NULL, best_book_id bigint);
            CREATE TABLE books (id bigint PRIMARY KEY, title text NOT NULL,
                                author_id bigint NOT NULL REFERENCES authors (id));
            ALTER TABLE authors ADD CONSTRAINT authors_best_book_fkey FOREIGN KEY (best_book_id)
                REFERENCES books (id) DEFERRABLE INITIALLY IMMEDIATE;
            CREATE TABLE a (id int PRIMARY KEY, b_id int);
            CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id));
            ALTER TABLE a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES b (id);
        """)
    write_fixture(repo_copy, "authors.json", "authors", [{"id": 1, "name": "Hahnemann", "best_book_id": 10}])
    write_fixture(repo_copy, "books.json", "books", [{"id": 10, "title": "Organon", "author_id": 1}])
    result = run_seed(repo_copy, fresh_db)
    assert result.ok, [f.format() for f in result.findings]
    assert [t.table for t in result.tables] == ["authors", "books"]
    assert count(fresh_db, "books") == 1

    write_fixture(repo_copy, "a.json", "a", [{"id": 1, "b_id": 1}])
    write_fixture(repo_copy, "b.json", "b", [{"id": 1, "a_id": 1}])
    bad = run_seed(repo_copy, fresh_db)
    cycle = [f for f in bad.findings if f.rule == "SEED_FK_CYCLE"]
    assert len(cycle) == 1 and "a, b" in cycle[0].message
    assert not bad.written


def test_deferred_reference_to_nothing_is_reported(fresh_db: str, repo_copy: Path) -> None:
    _only(repo_copy)
    with psycopg.connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE authors (id bigint PRIMARY KEY, name text NOT NULL, best_book_id bigint);
            CREATE TABLE books (id bigint PRIMARY KEY, title text NOT NULL,
                                author_id bigint NOT NULL REFERENCES authors (id));
            ALTER TABLE authors ADD CONSTRAINT authors_best_book_fkey FOREIGN KEY (best_book_id)
                REFERENCES books (id) DEFERRABLE INITIALLY IMMEDIATE;
        """)
    write_fixture(repo_copy, "authors.json", "authors", [{"id": 1, "name": "Hahnemann", "best_book_id": 11}])
    write_fixture(repo_copy, "books.json", "books", [{"id": 10, "title": "Organon", "author_id": 1}])
    result = run_seed(repo_copy, fresh_db)
    assert not result.ok and "authors_best_book_fkey" in result.findings[0].message
    assert count(fresh_db, "authors") == 0


def _big_products(repo: Path, n: int) -> Path:
    path = repo / "seeders" / "products.json"
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{\n  "table": "products",\n  "key": ["sku"],\n  "rows": [\n')
        for i in range(1, n + 1):
            row = {"id": i, "sku": f"GEN-{i:06d}", "name": f"Arnica montana 30C globules #{i}",
                   "remedy_name": "Arnica montana", "brand_id": 1, "category_id": 1, "potency": "30C",
                   "potency_scale": "c", "potency_label": "30 CH", "dosage_form": "globules", "pack_size": "10 g",
                   "unit_price_minor": 10000 + i % 500, "currency_code": "INR"}
            fh.write("    " + json.dumps(row) + (",\n" if i < n else "\n"))
        fh.write("  ]\n}\n")
    return path


def test_a_100000_row_fixture(fresh_db: str, repo_copy: Path) -> None:
    migrate(repo_copy, fresh_db)
    _only(repo_copy)
    write_fixture(repo_copy, "brands.json", "brands", [{"id": 1, "name": "Boiron", "slug": "boiron"}], ["slug"])
    write_fixture(repo_copy, "categories.json", "categories", [{"id": 1, "name": "Single", "slug": "single"}],
                  ["slug"])
    _big_products(repo_copy, 100_000)
    result = run_seed(repo_copy, fresh_db, row_limit=5)
    assert result.ok, [f.format() for f in result.findings][:5]
    assert result.table("products").inserted == 100_000  # type: ignore[union-attr]
    assert result.table("products").rows_omitted == 100_000 - 5  # type: ignore[union-attr]
    assert count(fresh_db, "products") == 100_000
    again = run_seed(repo_copy, fresh_db, dry_run=True)
    assert again.table("products").unchanged == 100_000  # type: ignore[union-attr]


def test_streaming_keeps_memory_flat(tmp_path: Path) -> None:
    # Parse-and-encode a 100,000-row fixture in a child process and look at its peak memory:
    # the file is ~25 MB, a list of 100,000 dicts alone would be over 150 MB.
    repo = tmp_path / "r"
    (repo / "seeders").mkdir(parents=True)
    path = _big_products(repo, 100_000)
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from workbench.contracts.fixture_files import open_fixture_stream\n"
        f"s, _ = open_fixture_stream(Path({str(path)!r}), 'p')\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "n = sum(1 for _ in s.rows())\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(n, (peak - base) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) == 100_000
    assert int(out[1]) < 40  # MB above the starting point


def test_identity_always_and_serial_columns(fresh_db: str, repo_copy: Path) -> None:
    _only(repo_copy)
    with psycopg.connect(fresh_db) as conn:
        conn.execute("""
            CREATE TABLE remedies (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE,
                                   potency text NOT NULL DEFAULT '30C');
            CREATE TABLE notes (id serial PRIMARY KEY, remedy_id int NOT NULL REFERENCES remedies (id),
                                body text NOT NULL);
        """)
    write_fixture(repo_copy, "remedies.json", "remedies", [{"id": 7, "name": "Arnica montana"},
                                                           {"id": 9, "name": "Nux vomica", "potency": "200C"}],
                  ["name"])
    write_fixture(repo_copy, "notes.json", "notes", [{"id": 3, "remedy_id": 9, "body": "after a late night"}])
    result = run_seed(repo_copy, fresh_db)
    assert result.ok, [f.format() for f in result.findings]
    assert run_seed(repo_copy, fresh_db).table("remedies").unchanged == 2  # type: ignore[union-attr]
    with psycopg.connect(fresh_db) as conn:
        assert conn.execute("SELECT potency FROM remedies WHERE id = 7").fetchone() == ("30C",)
        conn.execute("INSERT INTO remedies (name) VALUES ('Belladonna')")
        conn.execute("INSERT INTO notes (remedy_id, body) VALUES (7, 'x')")
        assert conn.execute("SELECT max(id) FROM remedies").fetchone() == (10,)
        assert conn.execute("SELECT max(id) FROM notes").fetchone() == (4,)


def test_awkward_text_survives_copy(fresh_db: str, repo_copy: Path) -> None:
    _only(repo_copy)
    with psycopg.connect(fresh_db) as conn:
        conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text, tags text[], data jsonb)")
        conn.execute("CREATE TABLE plain_notes (id int PRIMARY KEY, body text, note varchar(40), n int)")
    awkward = ["\\N", "C:\\New\\tab", "tab\there", "line\nbreak", "cr\rhere", "", "\\", "quote \" and {brace}",
               "ünïcödé ✓", "ends with backslash\\"]
    rows = [{"id": i, "body": text, "tags": [text, None, "x,y"], "data": {"v": text}} for i, text in enumerate(awkward)]
    rows.append({"id": 99, "body": None, "tags": None, "data": None})
    write_fixture(repo_copy, "notes.json", "notes", rows)
    # Text-only rows take the fast path, which checks for escapes once per row.
    plain = [{"id": i, "body": text, "note": None if i % 2 else text, "n": None} for i, text in enumerate(awkward)]
    write_fixture(repo_copy, "plain_notes.json", "plain_notes", plain)
    assert run_seed(repo_copy, fresh_db).ok
    with psycopg.connect(fresh_db) as conn:
        got_plain = {r[0]: r[1:] for r in conn.execute("SELECT id, body, note, n FROM plain_notes").fetchall()}
    assert got_plain == {r["id"]: (r["body"], r["note"], None) for r in plain}
    with psycopg.connect(fresh_db) as conn:
        got = {r[0]: r[1:] for r in conn.execute("SELECT id, body, tags, data FROM notes").fetchall()}
    for i, text in enumerate(awkward):
        assert got[i] == (text, [text, None, "x,y"], {"v": text}), i
    assert got[99] == (None, None, None)
    again = run_seed(repo_copy, fresh_db)
    assert again.table("notes").unchanged == len(rows)  # type: ignore[union-attr]
