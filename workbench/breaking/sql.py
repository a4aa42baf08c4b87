"""Migrations in the review: released files edited after merge, and destructive statements in new ones."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbench.breaking.change import BREAKING, COMPATIBLE, Change

if TYPE_CHECKING:
    from workbench.contracts.migration_files import Migration

# Type widths for "narrowing" (bigint -> integer, text -> varchar(20), varchar(100) -> varchar(20)).
_INT_RANK = {"int2": 1, "smallint": 1, "int4": 2, "integer": 2, "int": 2, "int8": 3, "bigint": 3}
_TEXT = {"text", "varchar", "bpchar", "character varying", "char"}


def migration_changes(before_root: Path, after_root: Path, sql_dir: str = "sql") -> list[Change]:
    from workbench.contracts.migration_files import load_migrations

    prefix = sql_dir.rstrip("/") + "/"
    before, _ = load_migrations(before_root / sql_dir, prefix)
    after, _ = load_migrations(after_root / sql_dir, prefix)
    out: list[Change] = []
    old = {m.rel: m for m in before}
    new = {m.rel: m for m in after}
    for rel, m in old.items():
        if rel not in new:
            out.append(Change("MIGRATION_DELETED", rel, 1, 1,
                              f"Released migration {rel} was deleted; databases that applied it cannot be "
                              "reproduced.", kind=BREAKING, category="SQL", against_file=rel, against_line=1,
                              steps=["Restore the file; revert its effect with a new migration instead."]))
        elif new[rel].checksum != m.checksum:
            out.append(Change("MIGRATION_EDITED", rel, _first_diff_line(m.text, new[rel].text), 1,
                              f"Released migration {rel} was edited after merge (checksum {m.checksum[:12]} -> "
                              f"{new[rel].checksum[:12]}); databases that applied it will not get the edit.",
                              kind=BREAKING, category="SQL", against_file=rel,
                              steps=["Restore the released text; put the change in a new migration."]))
    released_max = max((m.number for m in before), default=-1)
    existing = _tables(before)
    for rel, m in new.items():
        if rel in old:
            continue
        if m.number <= released_max:
            out.append(Change("MIGRATION_OUT_OF_ORDER", rel, 1, 1,
                              f"New migration {rel} is numbered below the last released one ({released_max:03d}); "
                              "databases already past it will skip it.", kind=BREAKING, category="SQL"))
        out += _statement_changes(m.rel, m.up, m.up_line, existing)
    return out


def _tables(migrations: list[Migration]) -> set[str]:
    """Tables the released migrations create: only changes to those can break existing data or readers."""
    from workbench.contracts.migration_schema import build_schema

    try:
        schema, _ = build_schema(migrations)
    except Exception:  # noqa: BLE001 - without the old schema every table counts as existing (stricter)
        return {"*"}
    names = set(schema.tables)
    return names | {n.rsplit(".", 1)[-1] for n in names}


def _first_diff_line(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), 1):
        if x != y:
            return i
    return min(len(a.splitlines()), len(b.splitlines())) + 1


def _statement_changes(rel: str, up: str, up_line: int, existing: set[str]) -> list[Change]:
    import pglast
    from pglast import ast
    from pglast.enums import AlterTableType, ConstrType, ObjectType

    try:
        statements = pglast.parse_sql(up)
    except pglast.parser.ParseError as exc:
        return [Change("MIGRATION_SYNTAX", rel, up_line, 1, f"cannot parse the up part: {exc}", kind=BREAKING,
                       category="SQL")]
    out: list[Change] = []

    def at(raw: object, rule: str, message: str, kind: str = BREAKING) -> None:
        location = getattr(raw, "stmt_location", 0) or 0
        while location < len(up) and up[location] in " \t\n":
            location += 1  # pglast points at the whitespace before a statement
        line = up_line + up.count("\n", 0, location)
        out.append(Change(rule, rel, line, 1, message, kind=kind, category="SQL"))

    for raw in statements:
        stmt = raw.stmt
        if isinstance(stmt, ast.DropStmt):
            assert stmt.removeType is not None  # the parser always sets it
            kind = ObjectType(stmt.removeType).name.removeprefix("OBJECT_").lower()
            names = ", ".join(".".join(p.sval for p in obj) if isinstance(obj, tuple) else str(obj)
                              for obj in stmt.objects or ())
            if kind in ("index",):
                at(raw, "SQL_DROP_INDEX", f"drops index {names} (queries may slow down)", COMPATIBLE)
            else:
                at(raw, "SQL_DROP", f"drops {kind} {names}: data and every reader of it break")
        elif isinstance(stmt, ast.TruncateStmt | ast.DeleteStmt):
            at(raw, "SQL_DELETES_DATA", "deletes rows in a migration: the data cannot come back")
        elif isinstance(stmt, ast.RenameStmt):
            assert stmt.renameType is not None  # the parser always sets it
            what = ObjectType(stmt.renameType).name.removeprefix("OBJECT_").lower()
            at(raw, "SQL_RENAME", f"renames {what} {stmt.subname or stmt.relation.relname if stmt.relation else ''} "
                                  f"to {stmt.newname}: readers using the old name break")
        elif isinstance(stmt, ast.CreateStmt):
            assert stmt.relation is not None  # the parser always sets it
            at(raw, "SQL_CREATE_TABLE", f"creates table {stmt.relation.relname}", COMPATIBLE)
        elif isinstance(stmt, ast.IndexStmt):
            assert stmt.relation is not None  # the parser always sets it
            at(raw, "SQL_CREATE_INDEX", f"creates index {stmt.idxname or ''} on {stmt.relation.relname}", COMPATIBLE)
        elif isinstance(stmt, ast.AlterTableStmt):
            assert stmt.relation is not None  # the parser always sets it
            table = stmt.relation.relname
            if "*" not in existing and table not in existing:
                # a table this same change creates: nothing reads or holds data in it yet
                at(raw, "SQL_ALTER_NEW_TABLE", f"alters {table}, which this change creates", COMPATIBLE)
                continue
            for cmd in stmt.cmds or ():
                sub = AlterTableType(cmd.subtype)
                if sub == AlterTableType.AT_DropColumn:
                    at(raw, "SQL_DROP_COLUMN", f"drops column {table}.{cmd.name}: its data and readers break")
                elif sub == AlterTableType.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
                    kinds = {ConstrType(c.contype) for c in cmd.def_.constraints or ()
                             if isinstance(c, ast.Constraint) and c.contype is not None}
                    col = cmd.def_.colname
                    if ConstrType.CONSTR_NOTNULL in kinds and ConstrType.CONSTR_DEFAULT not in kinds \
                            and ConstrType.CONSTR_IDENTITY not in kinds:
                        at(raw, "SQL_ADD_NOT_NULL_WITHOUT_DEFAULT",
                           f"adds NOT NULL column {table}.{col} without a default: inserts from current "
                           "writers (and the migration on a non-empty table) fail")
                    else:
                        at(raw, "SQL_ADD_COLUMN", f"adds column {table}.{col}", COMPATIBLE)
                elif sub == AlterTableType.AT_SetNotNull:
                    at(raw, "SQL_SET_NOT_NULL", f"makes {table}.{cmd.name} NOT NULL: writers that leave it "
                                                "empty break")
                elif sub == AlterTableType.AT_AlterColumnType and isinstance(cmd.def_, ast.ColumnDef):
                    narrowed = _type_text(cmd.def_)
                    at(raw, "SQL_ALTER_COLUMN_TYPE",
                       f"changes the type of {table}.{cmd.name} to {narrowed}: narrowing loses or rejects data")
                elif sub in (AlterTableType.AT_AddConstraint,):
                    at(raw, "SQL_ADD_CONSTRAINT", f"adds a constraint on {table} that existing rows may violate")
    return out


def _type_text(column: object) -> str:
    type_name = column.typeName  # type: ignore[attr-defined]
    name = type_name.names[-1].sval
    mods = ",".join(str(getattr(m.val, "ival", "")) for m in type_name.typmods or ())
    return f"{name}({mods})" if mods else name
