"""INVALID indexes: what an interrupted or failed `CREATE INDEX CONCURRENTLY` leaves behind.

A concurrent build commits the index's catalog entry before it builds it; when the build is
killed or fails (duplicate rows for a UNIQUE index, a lock timeout), the index stays with
`pg_index.indisvalid = false`: never used by queries, still maintained by every write, and
skipped by a later `CREATE INDEX CONCURRENTLY IF NOT EXISTS` of the same name (an interrupted
`REINDEX CONCURRENTLY` leaves `_ccnew`/`_ccold` ones that a new REINDEX skips). The runner drops
such indexes before it runs the statement that builds them (`leftovers_of`, `drop`), and status
and drift report any invalid index (`invalid_indexes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True)
class InvalidIndex:
    schema: str
    name: str
    table: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def to_json(self) -> dict[str, str]:
        return {"schema": self.schema, "index": self.name, "table": self.table}


_INVALID = """
SELECT n.nspname, c.relname, t.relname
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema'
  AND n.nspname NOT LIKE 'pg\\_toast%%'
"""


def invalid_indexes(conn: psycopg.Connection[Any]) -> list[InvalidIndex]:
    """Every invalid index of the database (a build in progress is one too, until it ends)."""
    rows = conn.execute(_INVALID + " ORDER BY 1, 2").fetchall()
    return [InvalidIndex(*r) for r in rows]


def built_index(node: Any) -> tuple[str | None, str, str] | None:
    """(schema, index, table) a `CREATE INDEX CONCURRENTLY name ...` statement builds, else None.

    An unnamed concurrent build gets a name PostgreSQL picks, and a retry picks another, so
    its leftover cannot be told from someone else's index: the lint asks for a name.
    """
    if type(node).__name__ != "IndexStmt" or not node.concurrent or not node.idxname:
        return None
    rel = node.relation
    return (getattr(rel, "schemaname", None) or None, node.idxname, rel.relname)


def leftovers_of(conn: psycopg.Connection[Any], node: Any) -> list[InvalidIndex]:
    """Invalid indexes a previous, interrupted run of this statement left behind.

    `CREATE INDEX CONCURRENTLY name`: an invalid `name` on the same table. `REINDEX ...
    CONCURRENTLY`: the invalid `<index>_ccnew` (the unfinished copy) and `<index>_ccold` (the
    swapped-out original) indexes it names PostgreSQL-style, which a new REINDEX skips.
    """
    kind = type(node).__name__
    if kind == "IndexStmt":
        target = built_index(node)
        if target is None:
            return []
        schema, name, table = target
        rows = conn.execute(_INVALID + " AND c.relname = %s AND i.indrelid = to_regclass(%s)",
                            [name, _ref(schema, table)]).fetchall()
    elif kind == "ReindexStmt" and node.relation is not None \
            and any(getattr(p, "defname", "") == "concurrently" for p in node.params or ()):
        ref = _ref(getattr(node.relation, "schemaname", None), node.relation.relname)
        if node.kind.name == "REINDEX_OBJECT_INDEX":
            rows = conn.execute(
                _INVALID + " AND i.indrelid = (SELECT indrelid FROM pg_index WHERE indexrelid = to_regclass(%s))"
                " AND starts_with(c.relname, %s) AND substr(c.relname, length(%s) + 1) ~ '^_cc(new|old)[0-9]*$'",
                [ref, node.relation.relname, node.relation.relname]).fetchall()
        elif node.kind.name == "REINDEX_OBJECT_TABLE":
            rows = conn.execute(_INVALID + " AND i.indrelid = to_regclass(%s) AND c.relname ~ '_cc(new|old)[0-9]*$'",
                                [ref]).fetchall()
        else:
            return []
    else:
        return []
    return [InvalidIndex(*r) for r in rows]


def drop(conn: psycopg.Connection[Any], index: InvalidIndex) -> None:
    """Drop an invalid index without blocking writes (the connection must be in autocommit)."""
    from psycopg import sql

    conn.execute(sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(sql.Identifier(index.schema, index.name)))


def _ref(schema: str | None, name: str) -> str:
    """`schema.name` as to_regclass reads it, each part quoted."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in (schema, name) if part)
