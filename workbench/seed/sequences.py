"""Identity and serial sequences of seeded tables.

After a seed with explicit ids the sequence must be past the largest id, or the application's
next insert collides. Sequence changes are not transactional in PostgreSQL (a rolled-back
`nextval` stays), so a dry-run that drew values (rows without an id) puts each sequence back
afterwards, unless someone else drew from it in the meantime.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psycopg import sql

from workbench.seed.live import LiveTable
from workbench.seed.stage import qualified

if TYPE_CHECKING:
    import psycopg

State = dict[str, tuple[int, bool]]  # sequence -> (last_value, is_called)


def read_state(conn: psycopg.Connection[Any], sequences: list[str]) -> State:
    out: State = {}
    for seq in sequences:
        row = conn.execute(sql.SQL("SELECT last_value, is_called FROM {}").format(
            sql.SQL(".").join(sql.Identifier(p) for p in _parts(conn, seq)))).fetchone()
        if row:
            out[seq] = (int(row[0]), bool(row[1]))
    return out


def _parts(conn: psycopg.Connection[Any], seq: str) -> tuple[str, str]:
    row = conn.execute("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                       " WHERE c.oid = %s::regclass", [seq]).fetchone()
    return (row[0], row[1]) if row else ("public", seq)


def move_past_ids(conn: psycopg.Connection[Any], table: LiveTable) -> list[tuple[str, int]]:
    """setval() each sequence of `table` to its column's largest value when that is ahead."""
    moved = []
    for col, seq in table.sequences.items():
        row = conn.execute(sql.SQL(
            "SELECT setval(%s::regclass, m) FROM (SELECT max({c}) AS m FROM {t}) AS x,"
            " pg_sequences AS q WHERE q.schemaname || '.' || q.sequencename = %s AND m IS NOT NULL"
            " AND m >= COALESCE(q.last_value + q.increment_by, q.start_value)").format(
            c=sql.Identifier(col), t=qualified(table)), [seq, _plain(conn, seq)]).fetchone()
        if row:
            moved.append((seq, int(row[0])))
    return moved


def _plain(conn: psycopg.Connection[Any], seq: str) -> str:
    nsp, rel = _parts(conn, seq)
    return f"{nsp}.{rel}"


def restore(conn: psycopg.Connection[Any], before: State, after_run: State) -> list[str]:
    """Put sequences the dry-run advanced back; returns those someone else moved meanwhile."""
    now = read_state(conn, list(before))
    busy = []
    for seq, old in before.items():
        current = now.get(seq)
        if current is None or current == old:
            continue
        if current != after_run.get(seq):
            busy.append(seq)  # another session drew values too: moving it back could collide
            continue
        conn.execute("SELECT setval(%s::regclass, %s, %s)", [seq, old[0], old[1]])
    return busy
