"""Safety lint of migrations (joins `workbench check`) and the statement analysis behind it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_migrate_support import make_repo, mig

from workbench.checks import run_static
from workbench.checks.migration_lint import check
from workbench.migrate.statements import analyse
from workbench.workspace import load_model


def rules_by_file(root: Path, severity: str = "") -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in check(load_model(root)):
        if (str(f.severity) == severity) if severity else str(f.severity) != "info":  # accepted ones are info
            out.setdefault(f.file.rsplit("/", 1)[-1], set()).add(f.rule)
    return out


RISKY = ("ALTER TABLE t ADD COLUMN c bigint NOT NULL;\n"
         "ALTER TABLE t ADD COLUMN d uuid DEFAULT gen_random_uuid();\n"
         "CREATE INDEX t_b ON t (b);\n"
         "ALTER TABLE t ALTER COLUMN b TYPE bigint;\n"
         "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"
         "ALTER TABLE t ADD CONSTRAINT t_u FOREIGN KEY (b) REFERENCES u (id);\n"
         "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);\n"
         "ALTER TABLE t DROP COLUMN a;\n"
         "ALTER TABLE t RENAME COLUMN b TO bb;\n"
         "DROP TABLE u;\nTRUNCATE t;")


def test_squawk_rules_on_existing_tables(tmp_path: Path) -> None:
    """squawk is the engine: its rule names are the IDs, each message links to the rule's page."""
    root = make_repo(tmp_path, {
        "001_create.sql": mig("CREATE TABLE t (id bigint PRIMARY KEY, a text, b bigint);\n"
                              "CREATE INDEX t_a ON t (a);\nCREATE TABLE u (id bigint PRIMARY KEY);"),
        "002_risky.sql": mig(RISKY),
        "003_safe.sql": mig("ALTER TABLE t ADD COLUMN e bigint;\n"
                            "ALTER TABLE t ADD CONSTRAINT t_e CHECK (e > 0) NOT VALID;\n"
                            "ALTER TABLE t ADD COLUMN f bigint NOT NULL DEFAULT 0;\n"
                            "CREATE TABLE v (id bigint);\nCREATE INDEX v_id ON v (id);"),
        "004_concurrently.sql": mig("CREATE INDEX CONCURRENTLY IF NOT EXISTS t_e ON t (e);", tx=False),
        "005_unmarked.sql": mig("CREATE INDEX CONCURRENTLY t_f ON t (f);"),
        "006_unnamed.sql": mig("CREATE INDEX CONCURRENTLY ON t (f);", tx=False),
        "007_copy.sql": mig("COPY t (id) FROM STDIN;", "COPY t TO STDOUT;"),
    })
    found = rules_by_file(root)
    assert "001_create.sql" not in found  # new tables: harmless
    assert found["002_risky.sql"] >= {
        "adding-required-field", "adding-field-with-default", "require-concurrent-index-creation",
        "changing-column-type", "adding-not-nullable-field", "constraint-missing-not-valid",
        "adding-foreign-key-constraint", "disallowed-unique-constraint", "ban-drop-column", "renaming-column",
        "ban-drop-table", "workbench-table-rewrite"}
    assert not {r for r in found["002_risky.sql"] if r.startswith("MIGRATION_")}
    assert found.get("003_safe.sql", set()) <= {"require-statement-timeout"}
    assert found.get("004_concurrently.sql", set()) <= {"require-statement-timeout"}
    # the workbench's own rule, once, as the error; squawk's overlapping rule is dropped
    assert found["005_unmarked.sql"] - {"require-statement-timeout", "prefer-robust-stmts"} == \
        {"workbench-transaction-mode"}
    assert "workbench-concurrent-index-unnamed" in found["006_unnamed.sql"]
    copies = [(f.line, str(f.severity)) for f in check(load_model(root)) if f.rule == "workbench-client-copy"]
    assert copies == [(3, "error"), (5, "error")]  # up and down parts alike
    findings = check(load_model(root))
    drop = next(f for f in findings if f.rule == "ban-drop-column")
    assert drop.file == "sql/002_risky.sql" and drop.line == 10 and drop.column > 0
    assert "https://squawkhq.com/docs/ban-drop-column" in drop.message
    model = load_model(root)
    checked = [f for f in run_static(model) if f.rule == "workbench-transaction-mode"]
    assert checked and str(checked[0].severity) == "error" and checked[0].line == 3


def test_rules_on_tables_created_in_the_same_file_are_dropped_with_reason(tmp_path: Path) -> None:
    from workbench.checks.migration_lint import lint

    root = make_repo(tmp_path, {"001_all_new.sql": mig(
        "CREATE TABLE t (id bigint PRIMARY KEY, a text, b bigint);\nCREATE TABLE u (id bigint PRIMARY KEY);\n"
        + RISKY.replace("TRUNCATE t;", "TRUNCATE t;\nDROP INDEX t_b;"))})
    result = lint(load_model(root))
    assert [f for f in result.findings if f.file.endswith("001_all_new.sql")] == []
    dropped = {f.rule: why for f, why in result.dropped}
    for rule in ("adding-required-field", "ban-drop-column", "workbench-table-rewrite", "require-concurrent-index-deletion"):
        assert rule in dropped, (rule, sorted(dropped))
    assert "created earlier in this file" in dropped["ban-drop-column"]
    # the same statements one file later are on an existing table again
    root2 = make_repo(tmp_path / "b", {"001_new.sql": mig("CREATE TABLE t (id bigint PRIMARY KEY, a text, b bigint);"),
                                        "002_alter.sql": mig("ALTER TABLE t DROP COLUMN a;")})
    assert rules_by_file(root2)["002_alter.sql"] >= {"ban-drop-column"}


def test_squawk_ignore_comments_at_statement_and_file_level(tmp_path: Path) -> None:
    """`-- squawk-ignore` as squawk applies it; accepted findings are listed as info, with a `-- reason`."""
    root = make_repo(tmp_path, {
        "001_create.sql": mig("CREATE TABLE t (id bigint PRIMARY KEY, a text, b bigint, c text, d text);"),
        "002_statement.sql": mig("-- squawk-ignore ban-drop-column -- column a was never read\n"
                                 "ALTER TABLE t DROP COLUMN a;\n"
                                 "ALTER TABLE t DROP COLUMN b;"),
        "003_file.sql": mig("ALTER TABLE t DROP COLUMN c;\n-- squawk-ignore-file ban-drop-column\n"
                            "ALTER TABLE t RENAME COLUMN d TO dd;"),
        "004_unknown.sql": mig("-- squawk-ignore no-such-rule\nALTER TABLE t ADD COLUMN e bigint;"),
        "005_alias.sql": mig("-- workbench:allow MIGRATION_RENAME renamed before any reader shipped\n"
                             "ALTER TABLE t RENAME COLUMN dd TO d;\n"
                             "-- workbench:allow ban-drop-table\nDROP TABLE t;"),
    })
    findings = check(load_model(root))
    by_file: dict[str, list[tuple[str, str, int]]] = {}
    for f in findings:
        by_file.setdefault(f.file.rsplit("/", 1)[-1], []).append((str(f.severity), f.rule, f.line))
    # statement level: only the statement below the comment
    assert ("info", "ban-drop-column", 4) in by_file["002_statement.sql"]
    assert ("warning", "ban-drop-column", 5) in by_file["002_statement.sql"]
    info = next(f for f in findings if f.file.endswith("002_statement.sql") and str(f.severity) == "info")
    assert "column a was never read" in info.message and "squawk-ignore" in info.message
    # file level: anywhere in the file, that rule only
    assert ("info", "ban-drop-column", 3) in by_file["003_file.sql"]
    assert ("warning", "renaming-column", 5) in by_file["003_file.sql"]
    # an unknown rule name is squawk's own finding
    assert any(r == "unused-ignore" and s == "warning" for s, r, _ in by_file["004_unknown.sql"])
    # workbench:allow still works, with old MIGRATION_* IDs too; without a reason it is a warning
    assert ("info", "renaming-column", 4) in by_file["005_alias.sql"]
    assert ("info", "ban-drop-table", 6) in by_file["005_alias.sql"]
    assert ("warning", "workbench-allow-no-reason", 5) in by_file["005_alias.sql"]


def test_pg_version_is_passed_to_squawk(tmp_path: Path) -> None:
    """A non-volatile default rewrites the table before PostgreSQL 11 only: squawk knows, given the version."""
    root = make_repo(tmp_path, {"001_create.sql": mig("CREATE TABLE t (id bigint PRIMARY KEY);"),
                                "002_default.sql": mig("ALTER TABLE t ADD COLUMN f bigint DEFAULT 0;")})
    model = load_model(root)
    model.pg_version = "10.0"
    old = {f.rule for f in check(model) if f.file.endswith("002_default.sql")}
    model.pg_version = "17.2"
    new = {f.rule for f in check(model) if f.file.endswith("002_default.sql")}
    assert "adding-field-with-default" in old and "adding-field-with-default" not in new


def test_check_cli_ban_drop_column_and_its_ignore(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  pg_admin: str) -> None:
    """As a new user: `workbench check` shows ban-drop-column; `-- squawk-ignore` above it makes it info;
    --verbose says what was dropped and why; the JSON keeps the rule name."""
    import json

    from workbench.cli.main import main

    root = make_repo(tmp_path, {"001_create.sql": mig("CREATE TABLE t (id bigint PRIMARY KEY, a text);",
                                                      "DROP TABLE t;"),
                                "002_drop.sql": mig("ALTER TABLE t DROP COLUMN a;", "ALTER TABLE t ADD COLUMN a text;")})
    code = main(["--root", str(root), "check", "--url", pg_admin, "--json", "--verbose"])
    report = json.loads(capsys.readouterr().out)
    rules = {(f["rule"], f["severity"], f["file"]) for f in report["findings"]}
    assert ("ban-drop-column", "warning", "sql/002_drop.sql") in rules and code == 0
    assert any(d["rule"] == "require-lock-timeout" and d["reason"] for d in report["dropped"])
    (root / "sql" / "002_drop.sql").write_text(mig("-- squawk-ignore ban-drop-column\nALTER TABLE t DROP COLUMN a;",
                                                   "ALTER TABLE t ADD COLUMN a text;"))
    main(["--root", str(root), "check", "--url", pg_admin, "--verbose"])
    out = capsys.readouterr().out
    assert "info: accepted (squawk-ignore): " in out and "[ban-drop-column]" in out
    assert "warning: " not in out.split("[ban-drop-column]")[0].splitlines()[-1]
    assert "dropped: " in out and "why: the workbench runner sets lock_timeout" in out


def test_repository_migrations_lint_clean_of_errors(repo_root: Path) -> None:
    findings = check(load_model(repo_root))
    assert not [f for f in findings if str(f.severity) == "error"], findings


def test_lock_levels_and_transaction_needs() -> None:
    sql = ("ALTER TABLE t ADD COLUMN x int;\nALTER TABLE t VALIDATE CONSTRAINT c;\n"
           "CREATE INDEX CONCURRENTLY i ON t (x);\nREINDEX INDEX CONCURRENTLY i;\nVACUUM t;\n"
           "ALTER TYPE e ADD VALUE 'z';\nLOCK TABLE t IN SHARE MODE;\nDELETE FROM t;")
    got = [(a.statement.line, [str(lk) for lk in a.locks], a.no_transaction) for a in analyse(sql, 10)]
    assert got[0] == (10, ["ACCESS EXCLUSIVE on t"], "")
    assert got[1] == (11, ["SHARE UPDATE EXCLUSIVE on t"], "")
    assert got[2] == (12, ["SHARE UPDATE EXCLUSIVE on t"], "CREATE INDEX CONCURRENTLY")
    assert got[3][2] == "REINDEX CONCURRENTLY" and got[4][2] == "VACUUM"
    assert got[5][2] == ""  # ALTER TYPE ADD VALUE is fine in a transaction since PostgreSQL 12
    assert analyse("ALTER TYPE e ADD VALUE 'z';", server_version=110000)[0].no_transaction
    assert got[6][1] == ["SHARE on t (explicit LOCK)"] and got[7][1] == ["ROW EXCLUSIVE on t"]


def test_squawk_located_from_the_installed_distribution() -> None:
    from workbench.checks.squawk import binary

    exe = binary()
    assert exe is not None and Path(exe).is_file()


_LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
                max_size=30).filter(lambda s: "migrate:" not in s)


@given(st.lists(_LINE, max_size=6), st.lists(_LINE, min_size=1, max_size=6), st.lists(_LINE, max_size=6),
       st.booleans(), st.booleans())
@settings(max_examples=200, deadline=None)
def test_squawk_sees_the_up_part_where_it_is(header: list[str], up: list[str], down: list[str], tx: bool,
                                             has_down: bool) -> None:
    """What squawk is given keeps every line of the header and the up part at its line and column,
    and nothing of the down part (so its line:column is the file's, and a down never counts)."""
    from workbench.checks.squawk import up_only
    from workbench.contracts.migration_files import parse_migration

    marker = "-- migrate:up" if tx else "-- migrate:up transaction:false"
    text = "\n".join([*header, marker, *up] + (["-- migrate:down", *down] if has_down else [])) + "\n"
    mg, _ = parse_migration(text, "001_x.sql", "sql/001_x.sql")
    assert mg is not None
    given_lines = up_only(mg).split("\n")
    lines = mg.text.split("\n")
    kept = len(header) + 1 + len(up)
    assert given_lines[:kept] == lines[:kept]
    if has_down:
        assert all(line == "" for line in given_lines[kept:len(lines)])
    assert ("squawk-disable-assume-in-transaction" in up_only(mg)) is (not tx)
