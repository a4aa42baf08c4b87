"""Safety lint of migrations: operations that lock or rewrite big tables or destroy data.

A squawk-like rule set over pglast, with one thing squawk cannot know: whether a table is
*existing* (created by an earlier migration, so it may hold rows in production) or created in
the same file (empty, so locking it is harmless). Only the up parts are linted: a down part is
destructive by design.

Rules (warnings unless noted):
  MIGRATION_NOT_NULL_NO_DEFAULT   ADD COLUMN ... NOT NULL without DEFAULT on an existing table
  MIGRATION_VOLATILE_DEFAULT      ADD COLUMN with a volatile default (rewrites the table)
  MIGRATION_INDEX_NOT_CONCURRENT  CREATE INDEX without CONCURRENTLY on an existing table
  MIGRATION_COLUMN_TYPE_CHANGE    ALTER COLUMN ... TYPE (rewrite under ACCESS EXCLUSIVE)
  MIGRATION_SET_NOT_NULL          SET NOT NULL on an existing table (full scan under ACCESS EXCLUSIVE)
  MIGRATION_CONSTRAINT_NOT_VALID  FOREIGN KEY / CHECK on an existing table without NOT VALID
  MIGRATION_UNIQUE_CONSTRAINT     UNIQUE / PRIMARY KEY added to an existing table (index built under lock)
  MIGRATION_DROP_COLUMN           DROP COLUMN (data loss, breaks running code)
  MIGRATION_DROP_TABLE            DROP TABLE (data loss)
  MIGRATION_RENAME                renaming a table or column (breaks running code)
  MIGRATION_TABLE_REWRITE         TRUNCATE, VACUUM FULL, CLUSTER
  MIGRATION_TRANSACTION_MODE      (error) a statement that cannot run in a transaction, file not
                                  marked `transaction:false`; or BEGIN/COMMIT written in the file

A file accepts a rule with a comment `-- workbench:allow RULE_ID reason` (the same syntax as the
breaking review's exemptions). Accepted findings are still listed, as `info` with the reason,
never silently dropped; an exemption without a reason is itself a warning.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.findings import Finding, Severity
from workbench.model import Model

_ALLOW = re.compile(r"--\s*workbench:allow\s+(?P<rules>[A-Z0-9_]+(?:\s*,\s*[A-Z0-9_]+)*)[ \t]*(?P<reason>[^\n]*)")
_VOLATILE = {"random", "clock_timestamp", "gen_random_uuid", "uuid_generate_v4", "uuid_generate_v1",
             "timeofday", "nextval"}


def inputs(model: Model) -> tuple[object, ...]:
    return (model.migrations, model.entity_tables())


def check(model: Model) -> list[Finding]:
    from workbench.migrate import indexes
    from workbench.migrate.runner import unrunnable
    from workbench.migrate.statements import analyse, relation_name
    from workbench.sqltext import SqlSyntaxError

    findings: list[Finding] = []
    for mg in model.migrations:
        try:
            stmts = analyse(mg.up, mg.up_line)
        except SqlSyntaxError:
            continue  # the syntax error is reported by the schema loader already
        allowed: dict[str, str] = {}
        for m in _ALLOW.finditer(mg.text):
            reason = m["reason"].strip()
            if not reason:
                findings.append(Finding(Severity.WARNING, "MIGRATION_ALLOW_NO_REASON", mg.rel,
                                        mg.text.count("\n", 0, m.start()) + 1,
                                        f"'workbench:allow {m['rules']}' needs a reason after the rule IDs"))
            for rule in re.split(r"\s*,\s*", m["rules"]):
                allowed[rule] = reason or "no reason given"
        created_here = {relation_name(a.node.relation) for a in stmts if a.statement.node == "CreateStmt"}

        def existing(rv: Any, created_here: set[str] = created_here) -> bool:
            # Not created in this file: created earlier (or outside the migrations), so it may hold rows.
            return rv is not None and relation_name(rv) not in created_here

        def add(rule: str, line: int, message: str, table: str = "", severity: Severity = Severity.WARNING,
                mg_rel: str = mg.rel, allowed: dict[str, str] = allowed) -> None:
            if rule in allowed:
                message, severity = f"accepted ({allowed[rule]}): {message}", Severity.INFO
            entity = ""
            if table and model.protos.messages:
                message_ = model.entity_for_table(table.rsplit(".", 1)[-1])
                entity = message_.name if message_ else ""
            findings.append(Finding(severity, rule, mg_rel, line, message, 0, entity))

        try:
            down = analyse(mg.down, mg.down_line) if mg.down.strip() else []
        except SqlSyntaxError:
            down = []  # reported by the schema loader too
        for problem in unrunnable(mg, stmts) + unrunnable(mg, down, "down"):
            add(problem.rule, problem.line, problem.message, severity=Severity.ERROR)
        for a in stmts + down:
            if indexes.built_index(a.node) is None and type(a.node).__name__ == "IndexStmt" and a.node.concurrent:
                add("MIGRATION_CONCURRENT_INDEX_UNNAMED", a.statement.line,
                    "name the index: an interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index that the "
                    "runner finds, drops and rebuilds on resume only by its name")
        for a in stmts:
            _lint_statement(a.node, a.statement.line, existing, add)
    return findings


def _lint_statement(node: Any, line: int, existing: Any, add: Any) -> None:
    from workbench.migrate.statements import relation_name

    kind = type(node).__name__
    if kind == "IndexStmt" and not node.concurrent and existing(node.relation):
        table = relation_name(node.relation)
        add("MIGRATION_INDEX_NOT_CONCURRENT", line,
            f"CREATE INDEX on existing table {table} blocks writes while it builds; use CREATE INDEX "
            "CONCURRENTLY in a file marked `-- migrate:up transaction:false`", table)
    elif kind == "AlterTableStmt" and existing(node.relation):
        table = relation_name(node.relation)
        for cmd in node.cmds or ():
            _lint_alter(cmd, table, line, add)
    elif kind == "DropStmt" and node.removeType.name == "OBJECT_TABLE":
        for obj in node.objects or ():
            table = ".".join(p.sval for p in obj)
            add("MIGRATION_DROP_TABLE", line, f"DROP TABLE {table} destroys its data", table)
    elif kind == "RenameStmt" and node.renameType.name in ("OBJECT_TABLE", "OBJECT_COLUMN") \
            and existing(node.relation):
        table = relation_name(node.relation)
        what = f"column {table}.{node.subname}" if node.renameType.name == "OBJECT_COLUMN" else f"table {table}"
        add("MIGRATION_RENAME", line, f"renaming {what} to {node.newname} breaks code still using the old name; "
            "add the new one, migrate readers, then drop the old", table)
    elif kind == "TruncateStmt":
        for rv in node.relations or ():
            add("MIGRATION_TABLE_REWRITE", line, f"TRUNCATE {relation_name(rv)} destroys its data",
                relation_name(rv))
    elif kind == "VacuumStmt" and any(getattr(o, "defname", "") == "full" for o in node.options or ()):
        add("MIGRATION_TABLE_REWRITE", line, "VACUUM FULL rewrites tables under ACCESS EXCLUSIVE")
    elif kind == "ClusterStmt" and node.relation is not None:
        add("MIGRATION_TABLE_REWRITE", line,
            f"CLUSTER rewrites {relation_name(node.relation)} under ACCESS EXCLUSIVE", relation_name(node.relation))


def _lint_alter(cmd: Any, table: str, line: int, add: Any) -> None:
    sub = cmd.subtype.name
    if sub == "AT_AddColumn":
        col = cmd.def_
        cons = list(col.constraints or ())
        not_null = col.is_not_null or any(c.contype.name == "CONSTR_NOTNULL" for c in cons)
        default = next((c for c in cons if c.contype.name == "CONSTR_DEFAULT"), None)
        identity = any(c.contype.name in ("CONSTR_IDENTITY", "CONSTR_GENERATED") for c in cons)
        if not_null and default is None and not identity:
            add("MIGRATION_NOT_NULL_NO_DEFAULT", line,
                f"ADD COLUMN {col.colname} NOT NULL without a DEFAULT fails on a non-empty {table}; "
                "add it nullable, backfill, then set NOT NULL (or give a default)", table)
        if default is not None and _volatile(default.raw_expr):
            add("MIGRATION_VOLATILE_DEFAULT", line,
                f"ADD COLUMN {col.colname} with a volatile default rewrites {table} under ACCESS EXCLUSIVE; "
                "add it without a default, then backfill in batches", table)
        for c in cons:
            if c.contype.name in ("CONSTR_UNIQUE", "CONSTR_PRIMARY"):
                add("MIGRATION_UNIQUE_CONSTRAINT", line,
                    f"ADD COLUMN {col.colname} with a UNIQUE/PRIMARY KEY builds an index on {table} under lock",
                    table)
    elif sub == "AT_AlterColumnType":
        add("MIGRATION_COLUMN_TYPE_CHANGE", line,
            f"changing the type of {table}.{cmd.name} usually rewrites the table under ACCESS EXCLUSIVE and "
            "breaks readers; add a new column and backfill", table)
    elif sub == "AT_SetNotNull":
        add("MIGRATION_SET_NOT_NULL", line,
            f"SET NOT NULL on {table}.{cmd.name} scans the table under ACCESS EXCLUSIVE; add CHECK "
            f"({cmd.name} IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL", table)
    elif sub == "AT_DropColumn":
        add("MIGRATION_DROP_COLUMN", line,
            f"DROP COLUMN {table}.{cmd.name} destroys its data and breaks code still reading it", table)
    elif sub == "AT_AddConstraint" and type(cmd.def_).__name__ == "Constraint":
        con = cmd.def_
        ctype = con.contype.name
        if ctype in ("CONSTR_FOREIGN", "CONSTR_CHECK") and not con.skip_validation:
            what = "FOREIGN KEY" if ctype == "CONSTR_FOREIGN" else "CHECK"
            name = f" {con.conname}" if con.conname else ""
            add("MIGRATION_CONSTRAINT_NOT_VALID", line,
                f"{what}{name} on existing table {table} is validated under lock; add it NOT VALID, then "
                "VALIDATE CONSTRAINT in a later migration", table)
        elif ctype in ("CONSTR_UNIQUE", "CONSTR_PRIMARY") and not con.indexname:
            add("MIGRATION_UNIQUE_CONSTRAINT", line,
                f"adding a UNIQUE/PRIMARY KEY constraint to {table} builds its index under ACCESS EXCLUSIVE; "
                "build a unique index CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX", table)


def _volatile(expr: Any) -> bool:
    from pglast.visitors import Visitor

    found: list[str] = []

    class _Calls(Visitor):  # type: ignore[misc]
        def visit_FuncCall(self, _ancestors: Any, n: Any) -> None:  # noqa: N802 - pglast API
            found.append(n.funcname[-1].sval.lower())

    if expr is None:
        return False
    _Calls()(expr)
    return any(name in _VOLATILE for name in found)
