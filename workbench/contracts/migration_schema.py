"""The schema the migrations define, built statically from their up parts with pglast.

No database needed: the TUI's SQL tab and the layer checks get tables, columns, constraints
and indexes, each remembering which migration (file and line) created or last altered it.
The database checks (`workbench.checks.database`) confirm the real thing on PostgreSQL.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from workbench.contracts.migration_files import Migration
from workbench.contracts.sql_statements import SqlSyntaxError, line_col
from workbench.findings import Finding, Severity

# PostgreSQL internal type names -> the normalised names the mapping and value checks use.
TYPE_NAMES = {
    "int8": "bigint", "int4": "integer", "int2": "smallint", "int": "integer", "bool": "boolean",
    "varchar": "varchar", "bpchar": "char", "float8": "double precision", "float4": "real",
    "timestamptz": "timestamptz", "timestamp": "timestamp", "numeric": "numeric", "decimal": "numeric",
    "serial": "integer", "bigserial": "bigint", "smallserial": "smallint", "time": "time",
}


@dataclass(frozen=True)
class Origin:
    file: str
    line: int
    migration: str  # version

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Column:
    name: str
    type: str  # normalised: "bigint", "varchar", "text[]", ...
    type_display: str  # as written, e.g. "varchar(120)"
    not_null: bool
    default: str | None
    identity: bool
    origin: Origin
    altered: list[Origin] = field(default_factory=list)

    @property
    def nullable(self) -> bool:
        return not self.not_null


@dataclass
class Constraint:
    name: str
    kind: str  # "primary key" | "unique" | "foreign key" | "check" | "not null"
    columns: tuple[str, ...]
    definition: str
    origin: Origin
    references: str = ""  # table for foreign keys
    check_values: tuple[str, ...] = ()  # for `col IN ('a', 'b')` checks: the labels
    ref_columns: tuple[str, ...] = ()  # for foreign keys naming the referenced columns (else the primary key)


@dataclass
class Index:
    name: str
    table: str
    unique: bool
    definition: str
    origin: Origin


@dataclass
class Table:
    name: str
    schema: str
    origin: Origin
    columns: dict[str, Column] = field(default_factory=dict)
    constraints: list[Constraint] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    altered: list[Origin] = field(default_factory=list)

    @property
    def primary_key(self) -> tuple[str, ...]:
        return next((c.columns for c in self.constraints if c.kind == "primary key"), ())

    def enum_labels(self, column: str) -> tuple[str, ...] | None:
        for c in self.constraints:
            if c.kind == "check" and c.columns == (column,) and c.check_values:
                return c.check_values
        return None


@dataclass
class SqlSchema:
    tables: dict[str, Table] = field(default_factory=dict)  # key: "schema.table" for non-public
    enum_types: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def table(self, name: str) -> Table | None:
        return self.tables.get(name)


def build_schema(migrations: list[Migration], cache_dir: Path | None = None) -> tuple[SqlSchema, list[Finding]]:
    """The schema the migrations build, and what is wrong with them.

    With `cache_dir`, the state before the newest migration is kept (keyed by the migrations'
    chain digest) so the next load, when only the newest changed or one was appended, parses
    just those: the migration being written is nearly always the newest.
    """
    from workbench.contracts.sql_statements import split_statements

    schema = SqlSchema()
    findings: list[Finding] = []
    keep = len(migrations) - 1
    digests: list[str] = []
    start = 0
    if cache_dir is not None:
        from workbench.contracts.migration_files import chain

        digests = chain(migrations)
        saved = _saved_state(cache_dir, digests)
        if saved is not None:
            start, schema, findings = saved
    for i, mg in enumerate(migrations[start:], start):
        if cache_dir is not None and i == keep and i > start:
            _save_state(cache_dir, digests[i - 1], i, schema, findings)
        try:
            split_statements(mg.up, mg.up_line)  # syntax check with a line:column
        except SqlSyntaxError as exc:
            findings.append(Finding(Severity.ERROR, "SQL_SYNTAX", mg.rel, exc.line, exc.message, exc.column))
            continue
        _apply(schema, mg, findings)
    return schema, findings


def _state_stamp() -> str:
    """What a saved state depends on besides the migrations: this module and the parser."""
    import sys

    from pglast import __version__ as pglast_version

    st = os.stat(__file__)
    return f"{st.st_size}|{st.st_mtime_ns}|{pglast_version}|{sys.version_info[:2]}"


def _saved_state(cache_dir: Path, digests: list[str]) -> tuple[int, SqlSchema, list[Finding]] | None:
    import pickle  # noqa: S403 - our own cache file, written below

    try:
        with open(cache_dir / "schema.pickle", "rb") as fh:
            stamp, digest, prefix, schema, findings = pickle.load(fh)  # noqa: S301
    except Exception:  # noqa: BLE001 - missing, torn, from another version: build from scratch
        return None
    if stamp != _state_stamp() or not 0 < prefix <= len(digests) or digests[prefix - 1] != digest:
        return None
    return prefix, schema, findings


def _save_state(cache_dir: Path, digest: str, prefix: int, schema: SqlSchema, findings: list[Finding]) -> None:
    import pickle  # noqa: S403

    try:
        data = pickle.dumps((_state_stamp(), digest, prefix, schema, findings))
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / f"schema.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, cache_dir / "schema.pickle")
    except (OSError, pickle.PicklingError):
        pass  # the next load is just not faster


def _apply(schema: SqlSchema, mg: Migration, findings: list[Finding]) -> None:
    from pglast import ast, parse_sql

    _LOCATE.current = (mg.up, mg.up_line)
    for raw in parse_sql(mg.up):
        start = raw.stmt_location or 0
        line, _ = line_col(mg.up, start, mg.up_line)
        origin = Origin(mg.rel, _first_code_line(mg.up, start, line), mg.version)
        stmt = raw.stmt
        if isinstance(stmt, ast.CreateStmt):
            _create_table(schema, stmt, origin)
        elif isinstance(stmt, ast.AlterTableStmt):
            _alter_table(schema, stmt, origin, findings)
        elif isinstance(stmt, ast.IndexStmt):
            _create_index(schema, stmt, origin)
        elif isinstance(stmt, ast.DropStmt):
            _drop(schema, stmt)
        elif isinstance(stmt, ast.RenameStmt):
            _rename(schema, stmt, origin)
        elif isinstance(stmt, ast.CreateEnumStmt):
            name = ".".join(n.sval for n in stmt.typeName or ())
            schema.enum_types[name] = tuple(v.sval for v in stmt.vals or ())


def _first_code_line(sql: str, offset: int, line: int) -> int:
    # pglast's statement location includes leading comments and blank lines; report the code line.
    rest = sql[offset:]
    for chunk in rest.splitlines():
        stripped = chunk.strip()
        if stripped and not stripped.startswith("--"):
            break
        line += 1
    return line


# Set by _apply for the migration being read, so nested helpers can turn a pglast node location
# (an offset in the up part) into a line without threading the text through every call.
# Thread-local: the TUI reloads the model in worker threads.
_LOCATE = threading.local()


def _at(origin: Origin, location: int | None) -> Origin:
    current: tuple[str, int] | None = getattr(_LOCATE, "current", None)
    if location is None or location < 0 or current is None:
        return origin
    text, base = current
    return Origin(origin.file, line_col(text, location, base)[0], origin.migration)


def _qualified(rv) -> str:  # type: ignore[no-untyped-def]
    return rv.relname if not rv.schemaname or rv.schemaname == "public" else f"{rv.schemaname}.{rv.relname}"


def _deparse(node) -> str:  # type: ignore[no-untyped-def]
    from pglast.stream import RawStream

    try:
        return str(RawStream()(node))
    except Exception:  # noqa: BLE001 - deparsing is best effort, for display only
        return ""


def type_of(type_name) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(normalised type, display type) of a pglast TypeName."""
    names = [n.sval for n in type_name.names if n.sval != "pg_catalog"]
    base = names[-1] if names else "?"
    norm = TYPE_NAMES.get(base, base)
    mods = ""
    if type_name.typmods:
        vals = []
        for m in type_name.typmods:
            val = getattr(getattr(m, "val", None), "ival", None)
            vals.append(str(val) if val is not None else _deparse(m))
        mods = f"({', '.join(vals)})"
    array = "[]" if type_name.arrayBounds else ""
    display = ("double precision" if norm == "double precision" else norm) + mods + array
    return norm + array, display


def check_values(expr) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """Labels of `col IN ('a', 'b')` or `col = ANY (ARRAY['a', 'b'])`; () for anything else."""
    from pglast import ast

    if not isinstance(expr, ast.A_Expr):
        return ()
    items = expr.rexpr
    if isinstance(items, ast.A_ArrayExpr):
        items = items.elements
    if not isinstance(items, tuple | list):
        return ()
    out = []
    for item in items:
        val = getattr(item, "val", None)
        if isinstance(item, ast.TypeCast):
            val = getattr(item.arg, "val", None)
        sval = getattr(val, "sval", None)
        if sval is None:
            return ()
        out.append(sval)
    return tuple(out)


def _constraint(table: Table, con, origin: Origin, column: str | None = None) -> Constraint | None:  # type: ignore[no-untyped-def]
    from pglast.enums import ConstrType

    kinds = {
        ConstrType.CONSTR_PRIMARY: "primary key", ConstrType.CONSTR_UNIQUE: "unique",
        ConstrType.CONSTR_FOREIGN: "foreign key", ConstrType.CONSTR_CHECK: "check",
    }
    kind = kinds.get(con.contype)
    if kind is None:
        return None
    if column is not None:
        cols: tuple[str, ...] = (column,)
    elif con.contype == ConstrType.CONSTR_FOREIGN:
        cols = tuple(k.sval for k in con.fk_attrs or ())
    else:
        cols = tuple(k.sval for k in con.keys or ())
    references = _qualified(con.pktable) if con.pktable is not None else ""
    definition = ""
    values: tuple[str, ...] = ()
    ref_columns: tuple[str, ...] = ()
    if kind == "check":
        definition = f"CHECK ({_deparse(con.raw_expr)})"
        values = check_values(con.raw_expr)
        if column is None:
            refs = _column_refs(con.raw_expr)
            cols = tuple(sorted(refs))
    elif kind == "foreign key":
        ref_columns = tuple(a.sval for a in con.pk_attrs or ())
        pk = ", ".join(ref_columns)
        definition = f"FOREIGN KEY ({', '.join(cols)}) REFERENCES {references}" + (f" ({pk})" if pk else "")
        actions = {"c": "CASCADE", "n": "SET NULL", "r": "RESTRICT", "d": "SET DEFAULT"}
        if con.fk_del_action in actions:
            definition += f" ON DELETE {actions[con.fk_del_action]}"
    else:
        definition = f"{kind.upper()} ({', '.join(cols)})"
    name = con.conname or _default_name(table.name, cols, kind)
    return Constraint(name, kind, cols, definition, origin, references, values, ref_columns)


def _column_refs(node) -> set[str]:  # type: ignore[no-untyped-def]
    from pglast import ast
    from pglast.visitors import Visitor

    found: set[str] = set()

    class V(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, _ancestors, n: ast.ColumnRef) -> None:  # noqa: N802 - pglast API
            sval = getattr(n.fields[-1], "sval", None) if n.fields else None
            if isinstance(sval, str):
                found.add(sval)

    V()(node)
    return found


def _default_name(table: str, cols: tuple[str, ...], kind: str) -> str:
    suffix = {"primary key": "pkey", "unique": "key", "foreign key": "fkey", "check": "check"}[kind]
    return f"{table.rsplit('.', 1)[-1]}_pkey" if kind == "primary key" else f"{table.rsplit('.', 1)[-1]}_{'_'.join(cols)}_{suffix}"


def _column(table: Table, cdef, origin: Origin) -> Column:  # type: ignore[no-untyped-def]
    from pglast.enums import ConstrType

    origin = _at(origin, cdef.location)
    norm, display = type_of(cdef.typeName)
    col = Column(cdef.colname, norm, display, False, None, False, origin)
    if display.split("(")[0] in ("serial", "bigserial", "smallserial") or cdef.typeName.names[-1].sval.endswith("serial"):
        col.identity = True
        col.not_null = True
    for con in cdef.constraints or ():
        if con.contype == ConstrType.CONSTR_NOTNULL:
            col.not_null = True
        elif con.contype == ConstrType.CONSTR_DEFAULT:
            col.default = _deparse(con.raw_expr)
        elif con.contype == ConstrType.CONSTR_IDENTITY:
            col.identity = True
            col.not_null = True
        elif con.contype == ConstrType.CONSTR_PRIMARY:
            col.not_null = True
        c = _constraint(table, con, origin, cdef.colname)
        if c:
            table.constraints.append(c)
    return col


def _create_table(schema: SqlSchema, stmt, origin: Origin) -> None:  # type: ignore[no-untyped-def]
    from pglast import ast

    name = _qualified(stmt.relation)
    table = Table(name, stmt.relation.schemaname or "public", origin)
    for elt in stmt.tableElts or ():
        if isinstance(elt, ast.ColumnDef) and elt.colname:
            table.columns[elt.colname] = _column(table, elt, origin)
        elif isinstance(elt, ast.Constraint):
            c = _constraint(table, elt, _at(origin, elt.location))
            if c:
                table.constraints.append(c)
    for con in table.constraints:
        if con.kind == "primary key":
            for col in con.columns:
                if col in table.columns:
                    table.columns[col].not_null = True
    schema.tables[name] = table


def _alter_table(schema: SqlSchema, stmt, origin: Origin, findings: list[Finding]) -> None:  # type: ignore[no-untyped-def]
    from pglast.enums import AlterTableType as T
    from pglast.enums import ConstrType

    name = _qualified(stmt.relation)
    table = schema.tables.get(name)
    if table is None:
        return  # a table outside the migrations (extension, other schema): nothing to track
    table.altered.append(origin)
    for cmd in stmt.cmds or ():
        col = table.columns.get(cmd.name) if cmd.name else None
        if cmd.subtype == T.AT_AddColumn:
            table.columns[cmd.def_.colname] = _column(table, cmd.def_, origin)
        elif cmd.subtype == T.AT_DropColumn:
            table.columns.pop(cmd.name, None)
            table.constraints = [c for c in table.constraints if cmd.name not in c.columns]
        elif cmd.subtype == T.AT_AddConstraint:
            c = _constraint(table, cmd.def_, origin)
            if c:
                table.constraints.append(c)
                if c.kind == "primary key":
                    for cname in c.columns:
                        if cname in table.columns:
                            table.columns[cname].not_null = True
        elif cmd.subtype == T.AT_DropConstraint:
            table.constraints = [c for c in table.constraints if c.name != cmd.name]
        elif col is None:
            continue
        elif cmd.subtype == T.AT_AlterColumnType:
            col.type, col.type_display = type_of(cmd.def_.typeName)
            col.altered.append(origin)
        elif cmd.subtype == T.AT_SetNotNull:
            col.not_null = True
            col.altered.append(origin)
        elif cmd.subtype == T.AT_DropNotNull:
            col.not_null = False
            col.altered.append(origin)
        elif cmd.subtype == T.AT_ColumnDefault:
            col.default = _deparse(cmd.def_) if cmd.def_ is not None else None
            col.altered.append(origin)
        elif cmd.subtype == T.AT_AddIdentity:
            col.identity = True
            col.altered.append(origin)
    _ = ConstrType  # imported for symmetry with _column; keeps pglast enum imports in one place


def _create_index(schema: SqlSchema, stmt, origin: Origin) -> None:  # type: ignore[no-untyped-def]
    name = _qualified(stmt.relation)
    table = schema.tables.get(name)
    if table is None:
        return
    idx_name = stmt.idxname or f"{stmt.relation.relname}_idx"
    table.indexes = [i for i in table.indexes if i.name != idx_name]
    table.indexes.append(Index(idx_name, name, bool(stmt.unique), _deparse(stmt), origin))


def _drop(schema: SqlSchema, stmt) -> None:  # type: ignore[no-untyped-def]
    from pglast.enums import ObjectType

    for obj in stmt.objects or ():
        parts = [n.sval for n in obj] if isinstance(obj, tuple | list) else []
        if not parts:
            continue
        qualified = parts[-1] if len(parts) == 1 or parts[0] == "public" else ".".join(parts[-2:])
        if stmt.removeType == ObjectType.OBJECT_TABLE:
            schema.tables.pop(qualified, None)
        elif stmt.removeType == ObjectType.OBJECT_INDEX:
            for t in schema.tables.values():
                t.indexes = [i for i in t.indexes if i.name != parts[-1]]


def _rename(schema: SqlSchema, stmt, origin: Origin) -> None:  # type: ignore[no-untyped-def]
    from pglast.enums import ObjectType

    if stmt.relation is None:
        return
    name = _qualified(stmt.relation)
    table = schema.tables.get(name)
    if table is None:
        return
    if stmt.renameType == ObjectType.OBJECT_TABLE:
        schema.tables.pop(name)
        table.name = stmt.newname
        table.altered.append(origin)
        schema.tables[stmt.newname] = table
    elif stmt.renameType == ObjectType.OBJECT_COLUMN and stmt.subname in table.columns:
        col = table.columns.pop(stmt.subname)
        col.name = stmt.newname
        col.altered.append(origin)
        table.columns[stmt.newname] = col
