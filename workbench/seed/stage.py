"""The temporary staging table of one fixture: the target's columns, typed like the target,
plus the row's fixture line, its apply order and which columns the row left out.

Rows arrive with COPY (text format, encoded by `validate.RowEncoder`), so PostgreSQL parses
each value once with its own input functions; the staging table dies with the transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psycopg import sql

from workbench.seed.live import LiveTable

if TYPE_CHECKING:
    import psycopg

LINE, ORD, ABSENT = "_wb_line", "_wb_ord", "_wb_absent"


def qualified(table: LiveTable) -> sql.Composable:
    return sql.Identifier(table.schema, table.relname)


def create_stage(conn: psycopg.Connection[Any], table: LiveTable, columns: list[str], n: int) -> sql.Identifier:
    name = sql.Identifier(f"wb_seed_stage_{n}")
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    conn.execute(sql.SQL("CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT {}, NULL::integer AS {},"
                         " NULL::integer AS {}, NULL::smallint[] AS {} FROM {} WITH NO DATA").format(
        name, cols, sql.Identifier(LINE), sql.Identifier(ORD), sql.Identifier(ABSENT), qualified(table)))
    return name


def load_stage(conn: psycopg.Connection[Any], stage: sql.Identifier, columns: list[str], payload: str) -> None:
    """Replace the staging table's rows with `payload` (COPY text: data, line, absent mask, order)."""
    conn.execute(sql.SQL("TRUNCATE {}").format(stage))
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in [*columns, LINE, ABSENT, ORD])
    with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(stage, cols)) as copy:
        copy.write(payload)


def copy_old_rows(conn: psycopg.Connection[Any], table: LiveTable, n: int) -> sql.Identifier:
    """`replace` keeps the rows it deletes here, so the diff can still say what changed."""
    name = sql.Identifier(f"wb_seed_old_{n}")
    conn.execute(sql.SQL("CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT * FROM {}").format(
        name, qualified(table)))
    return name
