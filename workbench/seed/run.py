"""`seed()`: fixtures into one database, all or nothing, under the migrations' advisory lock.

The whole run is one transaction. Tables go in FK order; each fixture streams from disk
through a producer thread (parse, validate, encode) while this thread stages chunks with COPY
and applies each chunk with one set-based statement, so Python and PostgreSQL work at the same
time; a table that is empty at the start of the run gets its chunks by COPY straight into it
(see DIRECT_COPY), falling back to the staging path for a chunk that fails. Invalid rows are
left out of the apply so later tables are still checked against what the valid rows would
make; any error finding rolls everything back. A dry-run is the same run ending in ROLLBACK
(and putting back sequences it advanced).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psycopg import sql

from workbench.contracts.config import load_config
from workbench.contracts.fixture_files import FixtureStream, FixtureStreamError
from workbench.database.urls import scrub
from workbench.errors import first_line
from workbench.findings import Finding, Severity
from workbench.migrate import guard, lock
from workbench.migrate.targets import Target
from workbench.readonly import refuse_writes
from workbench.seed import apply, sequences
from workbench.seed.events import LockWaiting, OnSeedEvent, TableProgress
from workbench.seed.handoff import quick_handoff
from workbench.seed.live import ForeignKey, LiveSchema, read_schema
from workbench.seed.order import order_tables, parents_first
from workbench.seed.plan import Item, plan, select
from workbench.seed.result import SeedResult, TableResult
from workbench.seed.stage import copy_old_rows, create_stage, load_stage, qualified
from workbench.seed.validate import Problem, RowEncoder

if TYPE_CHECKING:
    import psycopg

MODES = ("upsert", "insert", "replace")
_MAX_PROBLEMS = 200  # per fixture; then one finding says how many more
_ANALYZE_ROWS = 1000  # below this, statistics do not change a plan that matters
# The first seed into an EMPTY table COPYs straight into it: staging + INSERT ... SELECT cost
# ~1.1x psql's whole \copy time plus ~0.3 s filling the stage (100,000 products, issue 6),
# 0.57-0.65x psql's rows/s. Emptiness is checked inside the run's transaction under the lock,
# so every row is an insert. False forces the staging path (tests compare the two).
DIRECT_COPY = True
_DIRECT_LAST_ROWS = 2_000  # direct chunks shrink to this size towards the end of a fixture


@dataclass(frozen=True)
class Options:
    mode: str = "upsert"
    dry_run: bool = False
    yes: bool = False  # enough for `replace` on an unprotected database, never for a protected one
    confirm: str | None = None  # the database's name typed back (`--confirm NAME`): protected ones
    row_limit: int = 50  # changed rows listed per table
    lock_wait: float = 60.0
    connect_timeout: float = 3.0
    chunk_rows: int = 20_000
    merge: bool | None = None  # None: MERGE when the server has it (PostgreSQL 15+)
    merge_returning: bool | None = None  # None: report from MERGE ... RETURNING when it can (18+)


def seed(root: Path, target: Target, names: list[str] | None, options: Options, *,
         ask: Callable[[str], str] | None = None, on_event: OnSeedEvent | None = None) -> SeedResult:
    """Seed `names` (None: every fixture whose table exists) into `target`; `on_event` is told what
    happens as it happens (typed events: workbench.seed.events).

    Raises WorkbenchError (Refused, LockTimeout, DatabaseError) for usage and environment
    problems; everything about the fixtures is a finding in the result.
    """
    if options.mode not in MODES:
        raise ValueError(options.mode)
    started = time.monotonic()
    config, _ = load_config(root)
    streams, findings = select(root / config.fixtures_dir, config.fixtures_dir.rstrip("/") + "/", names)
    result = SeedResult(target.name, target.display_url(root), options.dry_run, options.mode)
    result.findings.extend(findings)
    if not options.dry_run:  # a dry run rolls back: a read-only reviewer may preview
        refuse_writes("seed")
    what = "replace the seeded tables' rows" if options.mode == "replace" else "seed"
    # Seeding a protected database needs its name typed back; `replace` anywhere needs --yes.
    # The guard decides what "protected" means for this database (config, URL, marks).
    request = guard.Request("seed", writes=True, confirm=not options.dry_run and options.mode == "replace",
                            confirm_protected=not options.dry_run, verb=what, yes=options.yes,
                            typed=options.confirm, ask=ask)
    guard.refuse_before_resolving(target, request)
    url = target.resolve(root)
    try:
        with guard.guarded_connection(root, target, url, request, timeout=options.connect_timeout,
                                      application="workbench seed") as (conn, guards):
            name = guards.name
            result.database = name

            def waiting(holder: lock.LockHolder | None) -> None:
                if on_event:
                    on_event(LockWaiting(name, holder.describe() if holder else "another session"))

            with lock.advisory_lock(conn, timeout=options.lock_wait, on_wait=waiting):
                _Run(conn, result, options, on_event, names is None).execute(streams)
    except Exception as exc:
        import psycopg

        if isinstance(exc, psycopg.Error):  # the connection broke mid-run: one line, masked
            text = first_line(exc)
            result.findings.append(Finding(Severity.ERROR, "SEED_DATABASE", "", 0, scrub(text, url)))
        else:
            raise
    result.seconds = time.monotonic() - started
    return result


@dataclass
class _Chunk:
    payload: str  # COPY text, each row ending in its apply order ("" when `encoded` holds it)
    rows: int
    first_ord: int
    present: set[str]
    partial: set[str]
    consumed: int
    encoded: list[tuple[int, str, Any]] | None = None  # direct chunks: RowEncoder.encode_parts
    encoder: RowEncoder | None = None  # ... which makes their staging text when it is needed
    direct: str = ""  # direct chunks: the rows' own values, for COPY into the target itself
    columns: tuple[str, ...] | None = None  # ... every row giving these columns (None: mixed)

    def staging(self, upto: int | None = None) -> str:
        if self.encoded is None or self.encoder is None:
            return self.payload
        text = self.encoder.staging_text
        rows = self.encoded[:upto] if upto is not None else self.encoded
        return "".join(f"{text(*r)}\t{self.first_ord + i}\n" for i, r in enumerate(rows))

    @property
    def last_ord(self) -> int:
        return self.first_ord + self.rows - 1


@dataclass
class _Run:
    conn: psycopg.Connection[Any]
    result: SeedResult
    options: Options
    on_event: OnSeedEvent | None
    all_: bool
    schema: LiveSchema = field(default_factory=LiveSchema)
    total_bytes: int = 1
    done_bytes: int = 0
    failed: bool = False  # a statement failed: later tables are validated but not applied
    deferred: list[ForeignKey] = field(default_factory=list)
    savepoint: bool = False  # wb_seed_direct is set (see _copy_direct)

    def execute(self, streams: list[FixtureStream]) -> None:
        import psycopg

        conn, result, opts = self.conn, self.result, self.options
        before_seq: sequences.State = {}
        with conn.transaction() as tx:
            self.schema = read_schema(conn)
            items, skipped, more = plan(streams, self.schema, all_=self.all_, mode=opts.mode, database=result.database)
            result.skipped.extend(skipped)
            result.findings.extend(more)
            order = order_tables(self.schema, [i.table.name for i in items])
            by_table = {i.table.name: i for i in items}
            for cycle in order.cycles:
                first = by_table[cycle[0]]
                result.findings.append(Finding(
                    Severity.ERROR, "SEED_FK_CYCLE", first.stream.rel, 1,
                    f"foreign keys form a cycle between {', '.join(cycle)} and none of them is DEFERRABLE: "
                    "make one deferrable or seed these tables' rows without the references first"))
            ordered = [by_table[t] for t in order.tables]
            self.deferred = order.deferred
            for fk in order.deferred:
                table = self.schema.table(fk.table)
                if table:
                    conn.execute(sql.SQL("SET CONSTRAINTS {} DEFERRED").format(sql.Identifier(table.schema, fk.name)))
            seqs = [s for i in ordered for s in i.table.sequences.values()]
            before_seq = sequences.read_state(conn, seqs)
            self.total_bytes = max(1, sum(i.size for i in ordered))
            olds = self._replace(ordered) if opts.mode == "replace" else {}
            for n, item in enumerate(ordered):
                self._table(item, n, olds.get(item.table.name))
            if not self.failed:
                self._check_deferred(by_table)
            if not opts.dry_run and result.ok:
                for item in ordered:
                    result.sequences.extend(sequences.move_past_ids(conn, item.table))
            after_seq = sequences.read_state(conn, seqs)
            if opts.dry_run or not result.ok:
                raise psycopg.Rollback(tx)
        result.written = not opts.dry_run and result.ok
        if opts.dry_run or not result.ok:
            busy = sequences.restore(conn, before_seq, after_seq)
            for seq in busy:
                result.notes.append(f"sequence {seq} was advanced by another session during the dry-run; left as is")

    # -- replace -------------------------------------------------------------------------------
    def _replace(self, ordered: list[Item]) -> dict[str, sql.Composable]:
        """Keep each table's rows for the diff, then delete them, referencing tables first."""
        import psycopg

        olds: dict[str, sql.Composable] = {}
        for n, item in enumerate(ordered):
            olds[item.table.name] = copy_old_rows(self.conn, item.table, n)
        for item in reversed(ordered):
            try:
                with self.conn.transaction():
                    self.conn.execute(sql.SQL("DELETE FROM {}").format(qualified(item.table)))
            except psycopg.Error as exc:
                self.failed = True
                self.result.findings.append(Finding(Severity.ERROR, "SEED_APPLY", item.stream.rel, 1,
                                                    f"deleting the rows of {item.table.name} failed: {pg_message(exc)}"))
        return olds

    # -- one table -----------------------------------------------------------------------------
    def _table(self, item: Item, n: int, old: sql.Composable | None) -> None:
        import psycopg

        conn, opts = self.conn, self.options
        table = item.table
        tres = TableResult(table.name, item.stream.rel)
        self.result.tables.append(tres)
        encoder = RowEncoder(table, item.key, require_key=opts.mode == "upsert")
        stage = create_stage(conn, table, encoder.columns, n)
        against: sql.Composable = old if old is not None else qualified(table)
        self_refs = [fk for fk in table.foreign_keys if fk.references == table.name and len(fk.columns) == 1]
        deferred = {fk.name for fk in self.deferred}
        checks = [fk for fk in table.foreign_keys if fk.name not in deferred]
        problems: list[Problem] = encoder.problems
        # A table without rows gets inserts only: no diff join, no MERGE (the first seed's speed).
        empty = conn.execute(sql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {})").format(against)).fetchone()
        fresh = bool(empty and empty[0])
        if not fresh:
            _analyze_if_stale(conn, table)
        direct = self._direct_ok(table, fresh, self_refs, checks)
        try:
            for chunk in _produce(item.stream, encoder, opts.chunk_rows, self_refs, direct, item.size):
                if not chunk.rows:
                    continue
                present = [c for c in encoder.columns if c in chunk.present]
                shape = apply.Shape(table, encoder.columns, item.key, present, chunk.partial & set(present))
                if direct and not self.failed and self._copy_direct(shape, stage, chunk, tres):
                    self._report(item, chunk)
                    continue
                load_stage(conn, stage, encoder.columns, chunk.staging())
                if self.failed:
                    self._report(item, chunk)
                    continue
                self._check_chunk(item, shape, stage, checks, problems, fresh)
                limit = opts.row_limit - len(tres.rows)
                reporting = not fresh and self._merge_reports()
                d: apply.Diff | None = None
                if fresh:
                    d = apply.inserts_only(conn, shape, stage, limit)
                elif not reporting:
                    d = apply.diff(conn, shape, stage, against, limit)
                    if d.moved:
                        self._moved(item, shape, stage, against, problems)
                        d = apply.diff(conn, shape, stage, against, limit)
                try:
                    with conn.transaction():
                        if reporting:
                            d = apply.merge_reporting(conn, shape, stage, limit)
                        else:
                            self._apply(shape, stage, None, inserts_only=fresh)
                except psycopg.Error as exc:
                    self.failed = True
                    line = self._locate(shape, stage, chunk.first_ord, chunk.last_ord, fresh)
                    self.result.findings.append(Finding(Severity.ERROR, "SEED_APPLY", item.stream.rel, line,
                                                        f"{table.name}: {pg_message(exc)}"))
                if d is not None:
                    for line, db_id, fx_id in d.moved_rows:
                        problems.append(self._moved_problem(table, shape, stage, line, db_id, fx_id))
                    tres.inserted += d.inserted
                    tres.updated += d.updated
                    tres.unchanged += d.unchanged
                    tres.rows.extend(d.rows)
                    tres.rows_omitted = tres.inserted + tres.updated - len(tres.rows)
                self._report(item, chunk)
        except FixtureStreamError as exc:
            self.result.findings.append(exc.finding)
        if self.savepoint:
            self.savepoint = False
            conn.execute("RELEASE SAVEPOINT wb_seed_direct")
        if old is not None and not self.failed:
            row = conn.execute(sql.SQL("SELECT count(*) FROM {o} AS t WHERE NOT EXISTS"
                                       " (SELECT 1 FROM {t} AS s WHERE {m})").format(
                o=old, t=qualified(table), m=apply.Shape(table, [], item.key, []).match())).fetchone()
            tres.deleted = int(row[0]) if row else 0
        self.done_bytes += item.size
        self.result.findings.extend(_findings(item.stream, problems))

    def _direct_ok(self, table: Any, fresh: bool, self_refs: list[ForeignKey], checks: list[ForeignKey]) -> bool:
        """COPY straight into the target: an empty table, inserts only, nothing checked late.

        A self-referencing table keeps the staging path (its rows are ordered parents first
        there); a foreign key checked only at commit (INITIALLY DEFERRED) would miss the
        staging path's per-row finding, so such a table keeps it too.
        """
        return (DIRECT_COPY and fresh and self.options.mode in ("upsert", "insert") and not self_refs
                and not any(fk.deferred for fk in checks))

    def _copy_direct(self, shape: apply.Shape, stage: sql.Identifier, chunk: _Chunk, tres: TableResult) -> bool:
        """COPY the chunk into the (empty) target; False: it failed and was rolled back to the
        savepoint, so the staging path redoes the chunk and finds the row (file:line) and the
        findings it would have found (a dangling reference, a constraint)."""
        import psycopg

        conn, table = self.conn, shape.table
        if chunk.columns is None:
            return False  # rows giving different columns: the staging path fills in defaults
        # A column the rows leave out gets its default from COPY as from the staging INSERT.
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in chunk.columns)
        # One savepoint before each COPY, released and set again in one round trip.
        conn.execute("RELEASE SAVEPOINT wb_seed_direct; SAVEPOINT wb_seed_direct" if self.savepoint
                     else "SAVEPOINT wb_seed_direct")
        self.savepoint = True
        try:
            with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(qualified(table), cols)) as copy:
                copy.write(chunk.direct)
        except psycopg.Error:
            self.savepoint = False
            conn.execute("ROLLBACK TO SAVEPOINT wb_seed_direct; RELEASE SAVEPOINT wb_seed_direct")
            return False
        # Every row is an insert: the report's first rows come from the rows themselves (staged
        # alone, so the JSON is PostgreSQL's rendering, the same as the staging path's).
        limit = self.options.row_limit - len(tres.rows)
        d = apply.Diff()
        if limit > 0:
            load_stage(conn, stage, shape.columns, chunk.staging(limit))
            d = apply.inserts_only(conn, shape, stage, limit)
        tres.inserted += chunk.rows
        tres.rows.extend(d.rows)
        tres.rows_omitted = tres.inserted + tres.updated - len(tres.rows)
        return True

    def _check_chunk(self, item: Item, shape: apply.Shape, stage: sql.Identifier, checks: list[ForeignKey],
                     problems: list[Problem], fresh: bool) -> None:
        """Set-based checks that need the database; invalid rows are dropped from the stage."""
        conn, table, limit = self.conn, item.table, _MAX_PROBLEMS
        bad: list[int] = []
        for fk in checks:
            referenced = self.schema.table(fk.references)
            if referenced is None:
                continue
            for line, value in apply.dangling(conn, shape, stage, fk, referenced, limit):
                shown = value[0] if len(value) == 1 else tuple(value)
                problems.append(Problem(line, "SEED_REFERENCE",
                                        f"{table.name}.{', '.join(fk.columns)} = {shown!r} matches no "
                                        f"{fk.references}.{', '.join(fk.ref_columns)} in the fixtures or the database",
                                        fk.columns[0]))
                bad.append(line)
        if self.options.mode == "insert" and not fresh:
            count, rows = apply.existing(conn, shape, stage, limit)
            for line, key in rows:
                problems.append(Problem(line, "SEED_EXISTS", f"{table.name} already has a row with {_key(key)}"
                                        " (--mode insert never overwrites: use upsert)", shape.key[0]))
                bad.append(line)
            if count > len(rows):
                bad.extend(_all_lines(conn, stage))
        apply.drop_rows(conn, stage, bad)

    def _moved(self, item: Item, shape: apply.Shape, stage: sql.Identifier, against: sql.Composable,
               problems: list[Problem]) -> None:
        bad = []
        for line, db_id, fx_id in apply.moved_ids(self.conn, shape, stage, against, _MAX_PROBLEMS):
            problems.append(self._moved_problem(item.table, shape, stage, line, db_id, fx_id))
            bad.append(line)
        apply.drop_rows(self.conn, stage, bad)

    def _moved_problem(self, table: Any, shape: apply.Shape, stage: sql.Identifier, line: int, db_id: Any,
                       fx_id: Any) -> Problem:
        pk = ", ".join(table.primary_key)
        return Problem(line, "SEED_KEY_CONFLICT",
                       f"{table.name} row {_key_of(shape, line, self.conn, stage)} has {pk} {_one(db_id)} in the "
                       f"database but {_one(fx_id)} in the fixture: references by id would point at another row",
                       table.primary_key[0])

    def _merge_reports(self) -> bool:
        """MERGE ... RETURNING old/new (PostgreSQL 18) reports the upsert itself: no diff join."""
        opts = self.options
        if opts.mode != "upsert" or opts.merge is False or opts.merge_returning is False:
            return False
        return self.schema.server_version >= 180000

    def _apply(self, shape: apply.Shape, stage: sql.Identifier, upto: int | None, *, inserts_only: bool) -> None:
        mode = self.options.mode
        if mode == "upsert" and not inserts_only:
            merge = self.options.merge if self.options.merge is not None else self.schema.server_version >= 150000
            apply.upsert(self.conn, shape, stage, merge=merge, upto=upto)
        else:
            apply.insert(self.conn, shape, stage, upto=upto)

    def _locate(self, shape: apply.Shape, stage: sql.Identifier, lo: int, hi: int, fresh: bool) -> int:
        """The fixture line of the first row that makes the chunk's statement fail (bisection)."""
        import psycopg

        def fails(upto: int) -> bool:
            try:
                with self.conn.transaction(force_rollback=True):
                    self._apply(shape, stage, upto, inserts_only=fresh)
            except psycopg.Error:
                return True
            return False

        if not fails(hi):
            return 0
        while lo < hi:
            mid = (lo + hi) // 2
            if fails(mid):
                hi = mid
            else:
                lo = mid + 1
        row = self.conn.execute(sql.SQL("SELECT {} FROM {} WHERE {} = %s").format(
            sql.Identifier("_wb_line"), stage, sql.Identifier("_wb_ord")), [lo]).fetchone()
        return int(row[0]) if row else 0

    def _check_deferred(self, by_table: dict[str, Item]) -> None:
        import psycopg

        # Also constraints the schema declares INITIALLY DEFERRED: surface them here, not at COMMIT.
        try:
            with self.conn.transaction():
                self.conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        except psycopg.Error as exc:
            diag = getattr(exc, "diag", None)
            table = getattr(diag, "table_name", None) or ""
            item = by_table.get(table) or next(iter(by_table.values()))
            self.result.findings.append(Finding(Severity.ERROR, "SEED_REFERENCE", item.stream.rel, 0,
                                                f"{table}: {pg_message(exc)}"))

    def _report(self, item: Item, chunk: _Chunk) -> None:
        if self.on_event:
            fraction = min(1.0, (self.done_bytes + chunk.consumed) / self.total_bytes)
            self.on_event(TableProgress(item.table.name, chunk.rows, fraction))


def _produce(stream: FixtureStream, encoder: RowEncoder, chunk_rows: int,
             self_refs: list[ForeignKey], direct: bool = False, total: int = 0) -> Iterator[_Chunk]:
    """Chunks of encoded rows, produced by a thread so parsing overlaps the database's work."""
    q: queue.Queue[_Chunk | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item: _Chunk | BaseException | None) -> None:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def work() -> None:
        try:
            if self_refs:
                put(_tree_chunk(stream, encoder, self_refs[0]))
            elif direct:
                for chunk in _direct_chunks(stream, encoder, chunk_rows, total):
                    put(chunk)
            else:
                parts: list[str] = []
                first = 0
                # Small first chunks get the database working early; later ones amortise the statements.
                size = min(chunk_rows, 2_000)
                for line, row in stream.rows():
                    text = encoder.encode(line, row)
                    if text is not None:
                        parts.append(f"{text}\t{first + len(parts)}\n")
                        if len(parts) >= size:
                            put(_Chunk("".join(parts), len(parts), first, set(encoder.present),
                                       set(encoder.partial), stream.consumed))
                            first += len(parts)
                            parts = []
                            size = min(chunk_rows, size * 4)
                put(_Chunk("".join(parts), len(parts), first, set(encoder.present), set(encoder.partial),
                           stream.consumed))
            put(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the consuming thread
            put(exc)

    thread = threading.Thread(target=work, name=f"seed-{stream.table}", daemon=True)
    with quick_handoff():
        thread.start()
        yield from _consume(q, stop, thread)


def _consume(q: queue.Queue[_Chunk | BaseException | None], stop: threading.Event,
             thread: threading.Thread) -> Iterator[_Chunk]:
    try:
        while True:
            got = q.get()
            if got is None:
                return
            if isinstance(got, BaseException):
                raise got
            yield got
    finally:
        stop.set()
        thread.join()


def _direct_chunks(stream: FixtureStream, encoder: RowEncoder, chunk_rows: int, total: int) -> Iterator[_Chunk]:
    """Chunks of the rows' own COPY text (for COPY into the target itself); their staging text
    is made only when needed (the report's first rows, a chunk that fails).

    Chunks shrink towards the end of the file (estimated from the bytes read so far): the
    last chunk's COPY is the part that cannot overlap with parsing.
    """
    encoded: list[tuple[int, str, Any]] = []
    values: list[str] = []
    first = 0
    shape: Any = None
    mixed = False
    want = min(chunk_rows, 1_000)

    def chunk() -> _Chunk:
        columns = None if mixed or shape is None else shape[4]
        return _Chunk("", len(encoded), first, set(encoder.present), set(encoder.partial), stream.consumed,
                      encoded, encoder, "\n".join(values) + "\n" if values else "", columns)

    for line, row in stream.rows():
        got = encoder.encode_parts(line, row)
        if got is None:
            continue
        encoded.append(got)
        values.append(got[1])
        if got[2] is not shape:
            mixed = mixed or shape is not None
            shape = got[2]
        if len(encoded) >= want:
            yield chunk()
            first += len(encoded)
            encoded, values, shape, mixed = [], [], None, False
            done = stream.consumed
            left = (total - done) * first // max(done, 1)  # rows still to come, roughly
            # Doubling from a small first chunk: the server starts at once and, parsing being
            # faster than COPY's inserts, never waits for the next chunk.
            want = min(chunk_rows, want * 2, max(_DIRECT_LAST_ROWS, left // 2))
    yield chunk()


def _tree_chunk(stream: FixtureStream, encoder: RowEncoder, fk: ForeignKey) -> _Chunk:
    """A self-referencing table in one chunk, parents before children."""
    rows: list[tuple[str, Any, Any]] = []
    ref, col = fk.ref_columns[0], fk.columns[0]
    for line, row in stream.rows():
        text = encoder.encode(line, row)
        if text is not None:
            rows.append((text, row.get(ref), row.get(col)))
    ordered = parents_first(rows, lambda r: r[1], lambda r: r[2])
    payload = "".join(f"{r[0]}\t{i}\n" for i, r in enumerate(ordered))
    return _Chunk(payload, len(ordered), 0, set(encoder.present), set(encoder.partial), stream.consumed)


def _analyze_if_stale(conn: Any, table: Any) -> None:
    """ANALYZE a target whose statistics miss many of its rows (e.g. right after a bulk load)."""
    row = conn.execute("SELECT s.n_mod_since_analyze, c.reltuples FROM pg_stat_user_tables s"
                       " JOIN pg_class c ON c.oid = s.relid WHERE s.schemaname = %s AND s.relname = %s",
                       [table.schema, table.relname]).fetchone()
    if row and row[0] is not None and row[0] >= _ANALYZE_ROWS and row[0] > 0.2 * max(row[1], 0):
        conn.execute(sql.SQL("ANALYZE {}").format(qualified(table)))


def _findings(stream: FixtureStream, problems: list[Problem]) -> list[Finding]:
    """Problems as findings with the column's position in its line (read back from the file)."""
    shown = sorted(problems, key=lambda p: p.line)[:_MAX_PROBLEMS]
    wanted = {p.line for p in shown if p.column}
    texts: dict[int, str] = {}
    if wanted:
        last = max(wanted)
        try:
            with stream.path.open(encoding="utf-8", errors="replace") as fh:
                for i, text in enumerate(fh, 1):
                    if i in wanted:
                        texts[i] = text
                    if i >= last:
                        break
        except OSError:
            pass
    out = []
    for p in shown:
        col = texts.get(p.line, "").find(f'"{p.column}"') + 1 if p.column else 0
        out.append(Finding(Severity.ERROR, p.rule, stream.rel, p.line, p.message, max(col, 0)))
    if len(problems) > len(shown):
        out.append(Finding(Severity.ERROR, "SEED_MORE", stream.rel, 0,
                           f"and {len(problems) - len(shown)} more problems in this fixture"))
    return out


def pg_message(exc: BaseException) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag else None
    detail = getattr(diag, "message_detail", None) if diag else None
    text = primary or first_line(exc)
    return f"{text} ({detail})" if detail else text


def _key(key: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v!r}" for k, v in key.items())


def _one(values: list[Any]) -> str:
    return repr(values[0]) if len(values) == 1 else repr(tuple(values))


def _key_of(shape: apply.Shape, line: int, conn: Any, stage: sql.Identifier) -> str:
    row = conn.execute(sql.SQL("SELECT {} FROM {} AS s WHERE s._wb_line = %s").format(shape.key_json(), stage),
                       [line]).fetchone()
    return _key(row[0]) if row else f"at line {line}"


def _all_lines(conn: Any, stage: sql.Identifier) -> list[int]:
    return [r[0] for r in conn.execute(sql.SQL("SELECT _wb_line FROM {}").format(stage)).fetchall()]
