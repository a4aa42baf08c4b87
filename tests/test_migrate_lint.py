"""Safety lint of migrations (joins `workbench check`) and the statement analysis behind it."""

from __future__ import annotations

from pathlib import Path

from test_migrate_support import make_repo, mig

from workbench.checks import run_static
from workbench.checks.migration_lint import check
from workbench.migrate.statements import analyse
from workbench.model import load_model


def rules_by_file(root: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in check(load_model(root)):
        if str(f.severity) != "info":  # accepted exemptions are listed as info
            out.setdefault(f.file.rsplit("/", 1)[-1], set()).add(f.rule)
    return out


def test_risky_operations_on_existing_tables(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {
        "001_create.sql": mig("CREATE TABLE t (id int PRIMARY KEY, a text, b int);\n"
                              "CREATE INDEX t_a ON t (a);\nCREATE TABLE u (id int PRIMARY KEY);"),
        "002_risky.sql": mig(
            "ALTER TABLE t ADD COLUMN c int NOT NULL;\n"
            "ALTER TABLE t ADD COLUMN d uuid DEFAULT gen_random_uuid();\n"
            "CREATE INDEX t_b ON t (b);\n"
            "ALTER TABLE t ALTER COLUMN b TYPE bigint;\n"
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"
            "ALTER TABLE t ADD CONSTRAINT t_u FOREIGN KEY (b) REFERENCES u (id);\n"
            "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);\n"
            "ALTER TABLE t DROP COLUMN a;\n"
            "ALTER TABLE t RENAME COLUMN b TO bb;\n"
            "DROP TABLE u;\nTRUNCATE t;"),
        "003_safe.sql": mig("ALTER TABLE t ADD COLUMN e int;\n"
                            "ALTER TABLE t ADD CONSTRAINT t_e CHECK (e > 0) NOT VALID;\n"
                            "ALTER TABLE t ADD COLUMN f int NOT NULL DEFAULT 0;\n"
                            "CREATE TABLE v (id int);\nCREATE INDEX v_id ON v (id);"),
        "004_concurrently.sql": mig("CREATE INDEX CONCURRENTLY t_e ON t (e);", tx=False),
        "005_unmarked.sql": mig("CREATE INDEX CONCURRENTLY t_f ON t (f);"),
        "006_allowed.sql": mig("-- workbench:allow MIGRATION_DROP_COLUMN column e was never read\nALTER TABLE t DROP COLUMN e;"),
    })
    found = rules_by_file(root)
    assert "001_create.sql" not in found  # new tables: harmless
    assert found["002_risky.sql"] == {
        "MIGRATION_NOT_NULL_NO_DEFAULT", "MIGRATION_VOLATILE_DEFAULT", "MIGRATION_INDEX_NOT_CONCURRENT",
        "MIGRATION_COLUMN_TYPE_CHANGE", "MIGRATION_SET_NOT_NULL", "MIGRATION_CONSTRAINT_NOT_VALID",
        "MIGRATION_UNIQUE_CONSTRAINT", "MIGRATION_DROP_COLUMN", "MIGRATION_RENAME", "MIGRATION_DROP_TABLE",
        "MIGRATION_TABLE_REWRITE"}
    assert "003_safe.sql" not in found and "004_concurrently.sql" not in found and "006_allowed.sql" not in found
    assert found["005_unmarked.sql"] == {"MIGRATION_TRANSACTION_MODE"}
    accepted = [f for f in check(load_model(root)) if f.file.endswith("006_allowed.sql")]
    assert [(str(f.severity), f.rule) for f in accepted] == [("info", "MIGRATION_DROP_COLUMN")]
    assert "column e was never read" in accepted[0].message
    # They join `workbench check`, with the error one at error level and a line.
    model = load_model(root)
    checked = [f for f in run_static(model) if f.rule == "MIGRATION_TRANSACTION_MODE"]
    assert checked and str(checked[0].severity) == "error" and checked[0].line == 3


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


SQUAWK_EQUIVALENT = {
    "MIGRATION_NOT_NULL_NO_DEFAULT": "adding-required-field",
    "MIGRATION_INDEX_NOT_CONCURRENT": "require-concurrent-index-creation",
    "MIGRATION_COLUMN_TYPE_CHANGE": "changing-column-type",
    "MIGRATION_SET_NOT_NULL": "adding-not-nullable-field",
    "MIGRATION_CONSTRAINT_NOT_VALID": "constraint-missing-not-valid",
    "MIGRATION_UNIQUE_CONSTRAINT": "disallowed-unique-constraint",
    "MIGRATION_DROP_COLUMN": "ban-drop-column",
    "MIGRATION_RENAME": "renaming-column",
    "MIGRATION_DROP_TABLE": "ban-drop-table",
    "MIGRATION_VOLATILE_DEFAULT": "adding-field-with-default",
}


def test_rules_agree_with_squawk(tmp_path: Path) -> None:
    """Each rule flags the same statement squawk (the reference linter) flags with its counterpart."""
    import json
    import shutil
    import subprocess
    import sys

    from skips import need_tool

    squawk = shutil.which("squawk", path=str(Path(sys.executable).parent)) or shutil.which("squawk")
    need_tool(squawk, "squawk-cli is not installed (pip install -e '.[test]')")
    assert squawk
    risky = ["ALTER TABLE t ADD COLUMN c int NOT NULL;", "CREATE INDEX t_b ON t (b);",
             "ALTER TABLE t ALTER COLUMN b TYPE bigint;", "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
             "ALTER TABLE t ADD CONSTRAINT t_u FOREIGN KEY (b) REFERENCES u (id);",
             "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);", "ALTER TABLE t DROP COLUMN a;",
             "ALTER TABLE t RENAME COLUMN b TO bb;", "DROP TABLE u;",
             "ALTER TABLE t ADD COLUMN d uuid DEFAULT gen_random_uuid();"]
    root = make_repo(tmp_path, {"001_create.sql": mig("CREATE TABLE t (id int, a text, b int);\n"
                                                      "CREATE TABLE u (id int PRIMARY KEY);"),
                                "002_risky.sql": mig("\n".join(risky))})
    ours = {(f.rule, f.line - 3) for f in check(load_model(root)) if f.file.endswith("002_risky.sql")}
    (tmp_path / "risky.sql").write_text("\n".join(risky) + "\n")
    proc = subprocess.run([squawk, "--reporter", "json", str(tmp_path / "risky.sql")],  # noqa: S603
                          capture_output=True, text=True, timeout=60, check=False)
    theirs = {(v["rule_name"], v["line"]) for v in json.loads(proc.stdout)}
    for rule, index in sorted(ours):
        assert (SQUAWK_EQUIVALENT[rule], index) in theirs, (rule, risky[index])
    assert {rule for rule, _ in ours} == set(SQUAWK_EQUIVALENT)
