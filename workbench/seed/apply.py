"""Set-based statements for one chunk of staged rows: diff, checks, and the apply itself.

Upsert is one MERGE per chunk on PostgreSQL 15+ (UPDATE ... FROM then INSERT ... WHERE NOT
EXISTS before that): rows whose values are all equal are not touched at all, so their xmin
stays, no dead tuples, no `updated_at` churn. A column a row leaves out keeps the database's
value on update and gets the column default on insert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from psycopg import sql

from workbench.seed.live import LiveTable
from workbench.seed.stage import ABSENT, LINE, ORD, qualified

if TYPE_CHECKING:
    import psycopg

_PAIRS_PER_CALL = 40  # jsonb_build_object takes at most 100 arguments
_MOVED_SHOWN = 200  # primary-key conflicts listed by merge_reporting (each is a finding)


@dataclass
class Shape:
    """What the SQL of one chunk needs to know about the fixture."""

    table: LiveTable
    columns: list[str]  # staging data columns (positions of the absent mask)
    key: tuple[str, ...]  # match rows on these
    present: list[str]  # columns some row of the fixture gives (in staging order)
    partial: set[str] = field(default_factory=set)  # present columns some row leaves out

    @property
    def updatable(self) -> list[str]:
        # Key columns identify the row and the primary key is never rewritten (references use it).
        skip = set(self.key) | set(self.table.primary_key)
        # GENERATED ALWAYS identity columns can only be "updated" to DEFAULT.
        return [c for c in self.present if c not in skip and self.table.columns[c].identity != "a"]

    def absent(self, col: str, alias: str = "s") -> sql.Composable:
        return sql.SQL("{} @> ARRAY[{}]::smallint[]").format(sql.Identifier(alias, ABSENT),
                                                               sql.Literal(self.columns.index(col)))

    def match(self, left: str = "t", right: str = "s") -> sql.Composable:
        return sql.SQL(" AND ").join(sql.SQL("{} = {}").format(sql.Identifier(left, k), sql.Identifier(right, k))
                                     for k in self.key)

    def differs(self, col: str) -> sql.Composable:
        a, b = sql.Identifier("t", col), sql.Identifier("s", col)
        if self.table.columns[col].comparable:
            a, b = sql.SQL("{}::jsonb").format(a), sql.SQL("{}::jsonb").format(b)  # type: ignore[assignment]
        test = sql.SQL("{} IS DISTINCT FROM {}").format(a, b)
        if col in self.partial:
            return sql.SQL("(NOT {} AND {})").format(self.absent(col), test)
        return test

    def changed(self) -> sql.Composable:
        cols = self.updatable
        if not cols:
            return sql.SQL("false")
        return sql.SQL("(") + sql.SQL(" OR ").join(self.differs(c) for c in cols) + sql.SQL(")")

    def set_list(self) -> sql.Composable:
        parts = []
        for c in self.updatable:
            if c in self.partial:
                parts.append(sql.SQL("{0} = CASE WHEN {1} THEN {2} ELSE {3} END").format(
                    sql.Identifier(c), self.absent(c), sql.Identifier("t", c), sql.Identifier("s", c)))
            else:
                parts.append(sql.SQL("{} = {}").format(sql.Identifier(c), sql.Identifier("s", c)))
        return sql.SQL(", ").join(parts)

    def insert_values(self) -> sql.Composable:
        parts: list[sql.Composable] = []
        for c in self.present:
            if c in self.partial:
                parts.append(sql.SQL("CASE WHEN {} THEN {} ELSE {} END").format(
                    self.absent(c), self._default(c), sql.Identifier("s", c)))
            else:
                parts.append(sql.Identifier("s", c))
        return sql.SQL(", ").join(parts)

    def _default(self, col: str) -> sql.Composable:
        column = self.table.columns[col]
        if column.identity and col in self.table.sequences:
            return sql.SQL("nextval({}::regclass)").format(sql.Literal(self.table.sequences[col]))
        # The default expression comes from the database's own catalog (pg_get_expr).
        return sql.SQL(column.default) if column.default else sql.SQL("NULL")

    def insert_head(self) -> sql.Composable:
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in self.present)
        overriding = any(self.table.columns[c].identity == "a" for c in self.present)
        return sql.SQL("({}){}").format(cols, sql.SQL(" OVERRIDING SYSTEM VALUE" if overriding else ""))

    def moved_pk(self) -> list[str]:
        """Primary key columns the fixture gives when it matches rows by another (natural) key."""
        return [c for c in self.table.primary_key if c in self.present and c not in self.key]

    def pk_differs(self) -> sql.Composable:
        pk = self.moved_pk()
        if not pk:
            return sql.SQL("false")
        return sql.SQL("(") + sql.SQL(" OR ").join(
            sql.SQL("({} AND t.{} IS DISTINCT FROM s.{})").format(
                sql.SQL("NOT {}").format(self.absent(c)) if c in self.partial else sql.SQL("true"),
                sql.Identifier(c), sql.Identifier(c)) for c in pk) + sql.SQL(")")

    def key_json(self) -> sql.Composable:
        return sql.SQL("jsonb_build_object({})").format(sql.SQL(", ").join(
            sql.SQL("{}, to_jsonb({})").format(sql.Literal(k), sql.Identifier("s", k)) for k in self.key))


def source(stage: sql.Identifier, upto: int | None) -> sql.Composable:
    """The staged rows; `upto` limits them (finding the row that fails).

    No ORDER BY (a sort per chunk for nothing): a scan of the freshly loaded staging table
    returns the rows in COPY order, parents first for a self-referencing table, and whatever
    order a join produces, foreign keys are checked at the end of the statement.
    """
    if upto is None:
        return stage
    return sql.SQL("(SELECT * FROM {} WHERE {} <= {})").format(stage, sql.Identifier(ORD), sql.Literal(upto))


def upsert(conn: psycopg.Connection[Any], shape: Shape, stage: sql.Identifier, *, merge: bool,
           upto: int | None = None) -> None:
    target = qualified(shape.table)
    src = source(stage, upto)
    if merge:
        matched: sql.Composable = sql.SQL("")
        if shape.updatable:
            matched = sql.SQL(" WHEN MATCHED AND {} THEN UPDATE SET {}").format(shape.changed(), shape.set_list())
        conn.execute(sql.SQL("MERGE INTO {t} AS t USING {src} AS s ON {m}{matched}"
                             " WHEN NOT MATCHED THEN INSERT {head} VALUES ({vals})").format(
            t=target, src=src, m=shape.match(), matched=matched, head=shape.insert_head(),
            vals=shape.insert_values()))
        return
    if shape.updatable:
        conn.execute(sql.SQL("UPDATE {t} AS t SET {sets} FROM {src} AS s WHERE {m} AND {changed}").format(
            t=target, sets=shape.set_list(), src=src, m=shape.match(), changed=shape.changed()))
    conn.execute(sql.SQL("INSERT INTO {t} AS t {head} SELECT {vals} FROM {src} AS s"
                         " WHERE NOT EXISTS (SELECT 1 FROM {t} AS t WHERE {m})").format(
        t=target, head=shape.insert_head(), vals=shape.insert_values(), src=src, m=shape.match()))


def insert(conn: psycopg.Connection[Any], shape: Shape, stage: sql.Identifier, upto: int | None = None) -> None:
    conn.execute(sql.SQL("INSERT INTO {t} {head} SELECT {vals} FROM {src} AS s").format(
        t=qualified(shape.table), head=shape.insert_head(), vals=shape.insert_values(), src=source(stage, upto)))


@dataclass
class Diff:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0  # rows matched by a natural key whose primary key differs (see moved_ids)
    rows: list[dict[str, Any]] = field(default_factory=list)  # (line, change, key, columns)
    moved_rows: list[tuple[int, Any, Any]] = field(default_factory=list)  # merge_reporting: (line, db, fixture)


def diff(conn: psycopg.Connection[Any], shape: Shape, stage: sql.Identifier, against: sql.Composable,
         limit: int) -> Diff:
    """Counts of rows to insert, update and leave alone, and the first `limit` changed rows."""
    out = Diff()
    row = conn.execute(sql.SQL(
        "SELECT count(*) FILTER (WHERE t.ctid IS NULL), count(*) FILTER (WHERE t.ctid IS NOT NULL AND {c}),"
        " count(*) FILTER (WHERE t.ctid IS NOT NULL AND NOT {c}), count(*) FILTER (WHERE t.ctid IS NOT NULL AND {mv})"
        " FROM {s} AS s LEFT JOIN {t} AS t ON {m}").format(
        c=shape.changed(), mv=shape.pk_differs(), s=stage, t=against, m=shape.match())).fetchone()
    out.inserted, out.updated, out.unchanged, out.moved = (int(v) for v in row) if row else (0, 0, 0, 0)
    if limit <= 0 or not (out.inserted or out.updated):
        return out
    changes = _json_object([
        (c, sql.SQL("CASE WHEN {} THEN jsonb_build_array(to_jsonb({}), to_jsonb({})) END").format(
            shape.differs(c), sql.Identifier("t", c), sql.Identifier("s", c)))
        for c in shape.updatable])
    news = _news(shape)
    cur = conn.execute(sql.SQL(
        "SELECT s.{line}, t.ctid IS NULL, {key}, jsonb_strip_nulls(CASE WHEN t.ctid IS NULL THEN {news}"
        " ELSE {changes} END) FROM {s} AS s LEFT JOIN {t} AS t ON {m} WHERE t.ctid IS NULL OR {c}"
        " ORDER BY s.{ord} LIMIT {n}").format(
        line=sql.Identifier(LINE), key=shape.key_json(), news=news, changes=changes, s=stage, t=against,
        m=shape.match(), c=shape.changed(), ord=sql.Identifier(ORD), n=sql.Literal(limit)))
    for line, new, key, columns in cur.fetchall():
        out.rows.append({"line": line, "change": "insert" if new else "update", "key": key, "columns": columns})
    return out


def inserts_only(conn: psycopg.Connection[Any], shape: Shape, stage: sql.Identifier, limit: int) -> Diff:
    """The diff when the table had no rows: every staged row is an insert (no join needed)."""
    row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(stage)).fetchone()
    out = Diff(inserted=int(row[0]) if row else 0)
    if limit > 0 and out.inserted:
        cur = conn.execute(sql.SQL("SELECT s.{line}, {key}, jsonb_strip_nulls({news}) FROM {s} AS s"
                                   " ORDER BY s.{ord} LIMIT {n}").format(
            line=sql.Identifier(LINE), key=shape.key_json(), news=_news(shape), s=stage, ord=sql.Identifier(ORD),
            n=sql.Literal(limit)))
        out.rows = [{"line": line, "change": "insert", "key": key, "columns": cols} for line, key, cols in cur]
    return out


def _news(shape: Shape) -> sql.Composable:
    return _json_object([
        (c, sql.SQL("CASE WHEN {} THEN NULL ELSE jsonb_build_array(NULL, to_jsonb({})) END").format(
            shape.absent(c), sql.Identifier("s", c)) if c in shape.partial
         else sql.SQL("jsonb_build_array(NULL, to_jsonb({}))").format(sql.Identifier("s", c)))
        for c in shape.present])


def _json_object(pairs: list[tuple[str, sql.Composable]]) -> sql.Composable:
    if not pairs:
        return sql.SQL("'{}'::jsonb")
    parts = []
    for i in range(0, len(pairs), _PAIRS_PER_CALL):
        chunk = pairs[i:i + _PAIRS_PER_CALL]
        parts.append(sql.SQL("jsonb_build_object({})").format(
            sql.SQL(", ").join(sql.SQL("{}, {}").format(sql.Literal(k), v) for k, v in chunk)))
    return sql.SQL(" || ").join(parts)


def existing(conn: psycopg.Connection[Any], shape: Shape, stage: sql.Identifier, limit: int) -> tuple[int, list[tuple[int, Any]]]:
    """`insert` mode: staged rows whose key the table already has (count, first lines and keys)."""
    m = shape.match()
    total = conn.execute(sql.SQL("SELECT count(*) FROM {s} AS s JOIN {t} AS t ON {m}").format(
        s=stage, t=qualified(shape.table), m=m)).fetchone()
    rows = conn.execute(sql.SQL("SELECT s.{l}, {k} FROM {s} AS s JOIN {t} AS t ON {m} ORDER BY s.{o} LIMIT {n}").format(
        l=sql.Identifier(LINE), k=shape.key_json(), s=stage, t=qualified(shape.table), m=m,
        o=sql.Identifier(ORD), n=sql.Literal(limit))).fetchall()
    return int(total[0]) if total else 0, [(r[0], r[1]) for r in rows]


def moved_ids(conn: psycopg.Connection[Any], shape: Shape, stage: sql.Identifier, against: sql.Composable,
              limit: int) -> list[tuple[int, Any, Any]]:
    """Rows matched by a natural key whose primary key differs from the fixture's (line, db, fixture).

    Rewriting a primary key would break every reference to it, so such a row is a finding.
    """
    pk = shape.moved_pk()
    if not pk:
        return []
    differs = shape.pk_differs()
    pk_t = sql.SQL("jsonb_build_array({})").format(sql.SQL(", ").join(sql.Identifier("t", c) for c in pk))
    pk_s = sql.SQL("jsonb_build_array({})").format(sql.SQL(", ").join(sql.Identifier("s", c) for c in pk))
    return [tuple(r) for r in conn.execute(sql.SQL(
        "SELECT s.{l}, {a}, {b} FROM {s} AS s JOIN {t} AS t ON {m} WHERE {d} ORDER BY s.{o} LIMIT {n}").format(
        l=sql.Identifier(LINE), a=pk_t, b=pk_s, s=stage, t=against, m=shape.match(), d=differs,
        o=sql.Identifier(ORD), n=sql.Literal(limit))).fetchall()]  # type: ignore[misc]


def drop_rows(conn: psycopg.Connection[Any], stage: sql.Identifier, lines: list[int]) -> None:
    """Leave invalid rows out of the apply (the run fails anyway; later tables still get checked)."""
    if lines:
        conn.execute(sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(stage, sql.Identifier(LINE)), [lines])


def dangling(conn: psycopg.Connection[Any], shape: Shape, stage: sql.Identifier, fk: Any, referenced: LiveTable,
             limit: int) -> list[tuple[int, Any]]:
    """Staged rows whose reference matches no row, neither seeded already nor in the database.

    Tables are applied in FK order inside one transaction, so the referenced table already holds
    its fixture's rows; a self-reference may also point at another row of the same chunk.
    """
    cols = fk.columns
    given = sql.SQL(" AND ").join(sql.SQL("s.{} IS NOT NULL").format(sql.Identifier(c)) for c in cols)
    hit = sql.SQL(" AND ").join(sql.SQL("r.{} = s.{}").format(sql.Identifier(rc), sql.Identifier(c))
                                for c, rc in zip(cols, fk.ref_columns, strict=True))
    self_ref: sql.Composable = sql.SQL("")
    if fk.references == shape.table.name:
        self_ref = sql.SQL(" AND NOT EXISTS (SELECT 1 FROM {} AS r WHERE {})").format(stage, hit)
    value = sql.SQL("jsonb_build_array({})").format(sql.SQL(", ").join(sql.Identifier("s", c) for c in cols))
    return [(r[0], r[1]) for r in conn.execute(sql.SQL(
        "SELECT s.{l}, {v} FROM {s} AS s WHERE {given} AND NOT EXISTS (SELECT 1 FROM {r} AS r WHERE {hit}){also}"
        " ORDER BY s.{o} LIMIT {n}").format(
        l=sql.Identifier(LINE), v=value, s=stage, given=given, r=qualified(referenced), hit=hit, also=self_ref,
        o=sql.Identifier(ORD), n=sql.Literal(limit))).fetchall()]


def merge_reporting(conn: psycopg.Connection[Any], shape: Shape, stage: sql.Identifier, limit: int) -> Diff:
    """The upsert and its report in one statement (PostgreSQL 18+: MERGE ... RETURNING old, new).

    What `diff` + `upsert` do with two joins, with one: the MERGE returns what it inserted and
    updated with the values before and after; unchanged rows return nothing (and are not
    written). A row whose natural key matches a row with another primary key gets a no-op
    update so it shows up, flagged `moved` (a finding: the run is rolled back).
    """
    target = qualified(shape.table)
    moved_pk = shape.moved_pk()
    clauses: list[sql.Composable] = []
    if moved_pk:
        k0 = sql.Identifier(shape.key[0])
        clauses.append(sql.SQL(" WHEN MATCHED AND {} THEN UPDATE SET {} = t.{}").format(shape.pk_differs(), k0, k0))
    if shape.updatable:
        clauses.append(sql.SQL(" WHEN MATCHED AND {} THEN UPDATE SET {}").format(shape.changed(), shape.set_list()))
    cols = shape.present
    returned = [sql.SQL("merge_action() AS action"), sql.SQL("s.{} AS ord").format(sql.Identifier(ORD)),
                sql.SQL("s.{} AS line").format(sql.Identifier(LINE)),
                sql.SQL("s.{} AS absent").format(sql.Identifier(ABSENT)), sql.SQL("{} AS key").format(shape.key_json())]
    if moved_pk:
        old_pk = sql.SQL(", ").join(sql.Identifier("old", c) for c in moved_pk)
        new_pk = sql.SQL(", ").join(sql.Identifier("s", c) for c in moved_pk)
        returned.append(sql.SQL("(merge_action() = 'UPDATE' AND ({}) IS DISTINCT FROM ({})) AS moved").format(
            sql.SQL("ROW({})").format(old_pk), sql.SQL("ROW({})").format(new_pk)))
        returned.append(sql.SQL("jsonb_build_array({}) AS db_pk").format(old_pk))
        returned.append(sql.SQL("jsonb_build_array({}) AS fx_pk").format(new_pk))
    else:
        returned += [sql.SQL("false AS moved"), sql.SQL("NULL::jsonb AS db_pk"), sql.SQL("NULL::jsonb AS fx_pk")]
    for i, c in enumerate(cols):
        returned.append(sql.SQL("old.{} AS {}").format(sql.Identifier(c), sql.Identifier(f"o{i}")))
        returned.append(sql.SQL("new.{} AS {}").format(sql.Identifier(c), sql.Identifier(f"n{i}")))
    updatable = set(shape.updatable)
    changes = _json_object([
        (c, sql.SQL("CASE WHEN m.{o} IS DISTINCT FROM m.{n} THEN jsonb_build_array(to_jsonb(m.{o}), to_jsonb(m.{n}))"
                    " END").format(o=sql.Identifier(f"o{i}"), n=sql.Identifier(f"n{i}")) if not
         shape.table.columns[c].comparable else
         sql.SQL("CASE WHEN m.{o}::jsonb IS DISTINCT FROM m.{n}::jsonb THEN jsonb_build_array(to_jsonb(m.{o}),"
                 " to_jsonb(m.{n})) END").format(o=sql.Identifier(f"o{i}"), n=sql.Identifier(f"n{i}")))
        for i, c in enumerate(cols) if c in updatable])
    news = _json_object([
        (c, sql.SQL("CASE WHEN m.absent @> ARRAY[{}]::smallint[] THEN NULL ELSE jsonb_build_array(NULL,"
                    " to_jsonb(m.{})) END").format(sql.Literal(shape.columns.index(c)), sql.Identifier(f"n{i}")))
        for i, c in enumerate(cols)])
    query = sql.SQL(
        "WITH m AS (MERGE INTO {t} AS t USING {s} AS s ON {match}{clauses}"
        " WHEN NOT MATCHED THEN INSERT {head} VALUES ({vals}) RETURNING {returned}),"
        " c AS (SELECT count(*) FILTER (WHERE action = 'INSERT') AS ins,"
        " count(*) FILTER (WHERE action = 'UPDATE' AND NOT moved) AS upd,"
        " count(*) FILTER (WHERE moved) AS mv, (SELECT count(*) FROM {s}) AS staged FROM m)"
        " SELECT c.ins, c.upd, c.mv, c.staged, r.line, r.action, r.key, r.moved, r.db_pk, r.fx_pk, r.cols"
        " FROM c LEFT JOIN LATERAL (SELECT m.line, m.action, m.key, m.moved, m.db_pk, m.fx_pk,"
        " jsonb_strip_nulls(CASE WHEN m.action = 'INSERT' THEN {news} ELSE {changes} END) AS cols"
        " FROM m ORDER BY m.moved DESC, m.ord LIMIT {n}) AS r ON true").format(
        t=target, s=stage, match=shape.match(), clauses=sql.SQL("").join(clauses), head=shape.insert_head(),
        vals=shape.insert_values(), returned=sql.SQL(", ").join(returned), news=news, changes=changes,
        n=sql.Literal(max(limit, 0) + _MOVED_SHOWN))
    out = Diff()
    shown = 0
    for ins, upd, mv, staged, line, action, key, moved, db_pk, fx_pk, columns in conn.execute(query).fetchall():
        out.inserted, out.updated, out.moved = int(ins), int(upd), int(mv)
        out.unchanged = int(staged) - out.inserted - out.updated - out.moved
        if line is None:
            continue
        if moved:
            out.moved_rows.append((line, db_pk, fx_pk))
        elif shown < limit:
            shown += 1
            out.rows.append({"line": line, "change": "insert" if action == "INSERT" else "update", "key": key,
                             "columns": columns})
    return out
