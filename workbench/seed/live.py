"""The target database's schema, read from the catalogs in a handful of queries.

Validation and ordering use what the database really has (a service's database may hold a
subset of the tables, or be behind or ahead of the migration files).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from workbench.seed.types import normalise

if TYPE_CHECKING:
    import psycopg

_SYSTEM = "('pg_catalog', 'information_schema', 'pg_toast')"


@dataclass(frozen=True)
class LiveColumn:
    name: str
    type: str  # normalised for fixture_values: bigint, varchar, text[], ...
    type_display: str  # varchar(64), numeric(10,2), order_status
    sql_type: str  # format_type(): what the staging table and casts use
    not_null: bool
    default: str | None  # pg_get_expr of the default, None when there is none
    identity: str  # "" | "a" (ALWAYS) | "d" (BY DEFAULT)
    generated: bool  # GENERATED ALWAYS AS (...) STORED: never written
    labels: tuple[str, ...] | None = None  # enum labels

    @property
    def required(self) -> bool:
        """A value must be given on insert (NOT NULL, no default, not generated or identity)."""
        return self.not_null and self.default is None and not self.identity and not self.generated

    @property
    def comparable(self) -> str:
        """How to compare two values: json has no equality operator, its jsonb cast does."""
        return "jsonb" if self.type in ("json", "json[]") else ""


@dataclass(frozen=True)
class ForeignKey:
    name: str
    table: str
    columns: tuple[str, ...]
    references: str
    ref_columns: tuple[str, ...]
    deferrable: bool
    deferred: bool  # INITIALLY DEFERRED


@dataclass
class LiveTable:
    name: str  # as fixtures name it: bare when on the search path, else schema.table
    schema: str
    relname: str
    columns: dict[str, LiveColumn] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    unique_keys: list[tuple[str, ...]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    sequences: dict[str, str] = field(default_factory=dict)  # column -> qualified sequence name

    @property
    def ident(self) -> tuple[str, str]:
        return (self.schema, self.relname)

    def is_unique(self, cols: tuple[str, ...]) -> bool:
        return set(cols) == set(self.primary_key) or any(set(cols) == set(k) for k in self.unique_keys)


@dataclass
class LiveSchema:
    tables: dict[str, LiveTable] = field(default_factory=dict)
    server_version: int = 0

    def table(self, name: str) -> LiveTable | None:
        return self.tables.get(name) or self.tables.get(name.removeprefix("public."))


_TABLES = f"""SELECT c.oid, n.nspname, c.relname, pg_table_is_visible(c.oid)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN {_SYSTEM}
      AND n.nspname NOT LIKE 'pg_temp%%' AND n.nspname NOT LIKE 'pg_toast_temp%%'"""

_COLUMNS = f"""SELECT a.attrelid, a.attname, et.typname, format_type(a.atttypid, a.atttypmod),
        t.typcategory = 'A' OR (t.typtype = 'd' AND bt.typcategory = 'A'), et.typtype = 'e', et.oid,
        a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text <> ''
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
    JOIN pg_type et ON et.oid = CASE
        WHEN t.typtype = 'd' THEN CASE WHEN bt.typelem <> 0 AND bt.typcategory = 'A' THEN bt.typelem ELSE bt.oid END
        WHEN t.typelem <> 0 AND t.typcategory = 'A' THEN t.typelem ELSE t.oid END
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND n.nspname NOT IN {_SYSTEM}
      AND n.nspname NOT LIKE 'pg_temp%%'
    ORDER BY a.attrelid, a.attnum"""

_ENUMS = "SELECT enumtypid, array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum GROUP BY 1"

_CONSTRAINTS = f"""SELECT con.conrelid, con.contype::text, con.conname,
        ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o),
        con.confrelid,
        ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
              JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o),
        con.condeferrable, con.condeferred
    FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
    WHERE con.contype IN ('p', 'u', 'f') AND n.nspname NOT IN {_SYSTEM}"""

# Unique indexes that are not constraints (CREATE UNIQUE INDEX): natural keys often live there.
_UNIQUE_INDEXES = f"""SELECT i.indrelid,
        ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL AND n.nspname NOT IN {_SYSTEM}
      AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)"""

# CHECK (col IN ('a', 'b')) on one column: its labels validate values like an enum's.
_CHECKS = f"""SELECT con.conrelid, a.attname, pg_get_expr(con.conbin, con.conrelid)
    FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
    WHERE con.contype = 'c' AND cardinality(con.conkey) = 1 AND n.nspname NOT IN {_SYSTEM}"""

_SEQUENCES = f"""SELECT d.refobjid, a.attname, quote_ident(sn.nspname) || '.' || quote_ident(s.relname)
    FROM pg_depend d
    JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      AND sn.nspname NOT IN {_SYSTEM}"""


def read_schema(conn: psycopg.Connection[Any]) -> LiveSchema:
    schema = LiveSchema(server_version=conn.info.server_version)
    by_oid: dict[int, LiveTable] = {}
    for oid, nsp, rel, visible in conn.execute(_TABLES).fetchall():
        table = LiveTable(rel if visible else f"{nsp}.{rel}", nsp, rel)
        by_oid[oid] = table
        # A table hidden behind a same-named one earlier on the search path keeps its qualified name.
        schema.tables.setdefault(table.name, table)
    enums = {oid: tuple(labels) for oid, labels in conn.execute(_ENUMS).fetchall()}
    for rel, name, typname, fmt, is_array, is_enum, elem, not_null, default, identity, generated in \
            conn.execute(_COLUMNS).fetchall():
        owner = by_oid.get(rel)
        if owner is None:
            continue
        norm, display = normalise(typname, fmt, is_array=bool(is_array), is_enum=bool(is_enum))
        owner.columns[name] = LiveColumn(name, norm, display, fmt, bool(not_null), default, identity or "",
                                         bool(generated), enums.get(elem) if is_enum and not is_array else None)
    for rel, kind, name, cols, ref, ref_cols, deferrable, deferred in conn.execute(_CONSTRAINTS).fetchall():
        holder = by_oid.get(rel)
        if holder is None:
            continue
        if kind == "p":
            holder.primary_key = tuple(cols)
        elif kind == "u":
            holder.unique_keys.append(tuple(cols))
        elif kind == "f" and ref in by_oid:
            holder.foreign_keys.append(ForeignKey(name, holder.name, tuple(cols), by_oid[ref].name, tuple(ref_cols),
                                                 bool(deferrable), bool(deferred)))
    for rel, col, expr in conn.execute(_CHECKS).fetchall():
        checked = by_oid.get(rel)
        column = checked.columns.get(col) if checked else None
        if checked is not None and column is not None and column.labels is None \
                and column.type in ("text", "varchar"):
            labels = check_labels(expr)
            if labels:
                checked.columns[col] = replace(column, labels=labels)
    for rel, cols in conn.execute(_UNIQUE_INDEXES).fetchall():
        if rel in by_oid:
            by_oid[rel].unique_keys.append(tuple(cols))
    for rel, col, seq in conn.execute(_SEQUENCES).fetchall():
        if rel in by_oid:
            by_oid[rel].sequences[col] = seq
    return schema


def check_labels(expr: str) -> tuple[str, ...]:
    """Labels of a CHECK expression `col = ANY (ARRAY['a'::text, ...])` (what `IN` becomes); () otherwise."""
    from pglast import parse_sql
    from pglast.parser import ParseError

    from workbench.contracts.migration_schema import check_values

    try:
        stmt: Any = parse_sql(f"SELECT {expr}")[0].stmt
    except ParseError:
        return ()
    return check_values(stmt.targetList[0].val)
