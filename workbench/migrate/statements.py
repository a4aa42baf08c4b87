"""What each statement of a migration does to a running database, found with pglast.

Two questions per statement: can it run inside a transaction (CREATE INDEX CONCURRENTLY
cannot), and which table lock does it take (the lock plan `up --dry-run` prints). Lock levels
follow PostgreSQL's documentation ("Explicit Locking") and `AlterTableGetLockLevel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.contracts.sql_statements import Statement, split_statements

# Lock modes in increasing strength (LOCK TABLE's numbering).
MODES = ("", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE",
         "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE")
ACCESS_SHARE, ROW_SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, \
    ACCESS_EXCLUSIVE = range(1, 9)

# ALTER TABLE sub-commands weaker than ACCESS EXCLUSIVE; everything else takes ACCESS EXCLUSIVE.
_ALTER_WEAK = {
    "AT_SetStatistics": SHARE_UPDATE_EXCLUSIVE, "AT_ClusterOn": SHARE_UPDATE_EXCLUSIVE,
    "AT_DropCluster": SHARE_UPDATE_EXCLUSIVE, "AT_SetOptions": SHARE_UPDATE_EXCLUSIVE,
    "AT_ResetOptions": SHARE_UPDATE_EXCLUSIVE, "AT_ValidateConstraint": SHARE_UPDATE_EXCLUSIVE,
    "AT_AttachPartition": SHARE_UPDATE_EXCLUSIVE, "AT_DetachPartitionFinalize": SHARE_UPDATE_EXCLUSIVE,
    "AT_EnableTrig": SHARE_ROW_EXCLUSIVE, "AT_EnableAlwaysTrig": SHARE_ROW_EXCLUSIVE,
    "AT_EnableReplicaTrig": SHARE_ROW_EXCLUSIVE, "AT_DisableTrig": SHARE_ROW_EXCLUSIVE,
    "AT_EnableTrigAll": SHARE_ROW_EXCLUSIVE, "AT_DisableTrigAll": SHARE_ROW_EXCLUSIVE,
    "AT_EnableTrigUser": SHARE_ROW_EXCLUSIVE, "AT_DisableTrigUser": SHARE_ROW_EXCLUSIVE,
}


@dataclass(frozen=True, slots=True)
class Lock:
    mode: int
    relation: str
    note: str = ""  # "new table", "index", ...

    @property
    def mode_name(self) -> str:
        return MODES[self.mode]

    def __str__(self) -> str:
        note = f" ({self.note})" if self.note else ""
        return f"{self.mode_name} on {self.relation}{note}"


@dataclass(frozen=True, slots=True)
class Analysed:
    statement: Statement
    node: Any  # pglast AST node
    locks: tuple[Lock, ...]
    no_transaction: str  # why it cannot run in a transaction block; "" when it can
    transaction_control: bool  # BEGIN/COMMIT/ROLLBACK written in the file
    client_copy: str = ""  # "COPY ... FROM STDIN" / "COPY ... TO STDOUT": needs a client feeding it data

    @property
    def strongest(self) -> int:
        return max((lk.mode for lk in self.locks), default=0)


def analyse(sql: str, base_line: int = 1, *, server_version: int | None = None) -> list[Analysed]:
    """Statements of `sql` with their locks and transaction needs; raises SqlSyntaxError."""
    from pglast import parse_sql

    statements = split_statements(sql, base_line)
    nodes = [raw.stmt for raw in parse_sql(sql)] if statements else []
    return [
        Analysed(st, node, tuple(locks_of(node)), no_transaction_reason(node, server_version),
                 type(node).__name__ == "TransactionStmt", client_copy(node))
        for st, node in zip(statements, nodes, strict=True)
    ]


def client_copy(node: Any) -> str:
    """Why `node` needs the client's side of the COPY protocol, or "" when it does not.

    A migration is SQL sent to the server with nobody at the other end to feed or drain the
    data: such a COPY would leave the connection waiting in the COPY protocol.
    """
    if type(node).__name__ != "CopyStmt" or node.filename is not None or node.is_program:
        return ""
    return "COPY ... FROM STDIN" if node.is_from else "COPY ... TO STDOUT"


def no_transaction_reason(node: Any, server_version: int | None = None) -> str:
    """Why PostgreSQL refuses `node` inside a transaction block, or "" when it does not."""
    kind = type(node).__name__
    if kind == "IndexStmt" and node.concurrent:
        return "CREATE INDEX CONCURRENTLY"
    if kind == "DropStmt" and node.concurrent:
        return "DROP INDEX CONCURRENTLY"
    if kind == "ReindexStmt" and _has_option(node.params, "concurrently"):
        return "REINDEX CONCURRENTLY"
    if kind == "VacuumStmt" and node.is_vacuumcmd:
        return "VACUUM"
    if kind in ("CreatedbStmt", "DropdbStmt"):
        return "CREATE/DROP DATABASE"
    if kind == "AlterSystemStmt":
        return "ALTER SYSTEM"
    if kind in ("CreateTableSpaceStmt", "DropTableSpaceStmt"):
        return "CREATE/DROP TABLESPACE"
    if kind == "AlterEnumStmt" and node.newVal and server_version is not None and server_version < 120000:
        return "ALTER TYPE ... ADD VALUE before PostgreSQL 12"
    return ""


def locks_of(node: Any) -> list[Lock]:
    """Table-level locks `node` takes on existing relations (best effort, never raises)."""
    kind = type(node).__name__
    handler = _HANDLERS.get(kind)
    try:
        return handler(node) if handler else []
    except AttributeError:  # an AST shape we did not expect: say nothing rather than something wrong
        return []


def relation_name(rv: Any) -> str:
    return f"{rv.schemaname}.{rv.relname}" if getattr(rv, "schemaname", None) else rv.relname


def relations_in(node: Any) -> list[str]:
    """Every table a statement names (for explaining a lock timeout)."""
    from pglast.visitors import Visitor

    found: list[str] = []

    class _Collect(Visitor):  # type: ignore[misc]
        def visit_RangeVar(self, _ancestors: Any, n: Any) -> None:  # noqa: N802 - pglast API
            name = relation_name(n)
            if name not in found:
                found.append(name)

    _Collect()(node)
    return found


def _has_option(params: Any, name: str) -> bool:
    return any(getattr(p, "defname", "") == name for p in params or ())


def _create_table(node: Any) -> list[Lock]:
    locks = [Lock(ACCESS_EXCLUSIVE, relation_name(node.relation), "new table, invisible to others")]
    for elt in node.tableElts or ():
        cons = list(getattr(elt, "constraints", None) or ())
        if type(elt).__name__ == "Constraint":
            cons.append(elt)
        for con in cons:
            if getattr(con, "pktable", None) is not None:
                locks.append(Lock(SHARE_ROW_EXCLUSIVE, relation_name(con.pktable), "foreign key target"))
    return locks


def _alter_table(node: Any) -> list[Lock]:
    table = relation_name(node.relation)
    mode = 0
    locks: list[Lock] = []
    for cmd in node.cmds or ():
        sub = cmd.subtype.name
        level = _ALTER_WEAK.get(sub, ACCESS_EXCLUSIVE)
        con = cmd.def_ if type(cmd.def_).__name__ == "Constraint" else None
        if sub == "AT_AddConstraint" and con is not None and getattr(con, "pktable", None) is not None:
            # Adding a foreign key takes SHARE ROW EXCLUSIVE on both tables.
            level = SHARE_ROW_EXCLUSIVE
            locks.append(Lock(SHARE_ROW_EXCLUSIVE, relation_name(con.pktable), "foreign key target"))
        mode = max(mode, level)
    return [Lock(mode or ACCESS_EXCLUSIVE, table), *locks]


def _index(node: Any) -> list[Lock]:
    return [Lock(SHARE_UPDATE_EXCLUSIVE if node.concurrent else SHARE, relation_name(node.relation))]


def _drop(node: Any) -> list[Lock]:
    kind = node.removeType.name
    if kind not in ("OBJECT_TABLE", "OBJECT_INDEX", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SEQUENCE",
                    "OBJECT_FOREIGN_TABLE"):
        return []
    mode = SHARE_UPDATE_EXCLUSIVE if node.concurrent else ACCESS_EXCLUSIVE
    note = "index; its table too" if kind == "OBJECT_INDEX" else ""
    return [Lock(mode, ".".join(part.sval for part in obj), note) for obj in node.objects or ()]


def _rename(node: Any) -> list[Lock]:
    if node.relation is None:
        return []
    return [Lock(ACCESS_EXCLUSIVE, relation_name(node.relation))]


def _truncate(node: Any) -> list[Lock]:
    return [Lock(ACCESS_EXCLUSIVE, relation_name(rv)) for rv in node.relations or ()]


def _dml(node: Any) -> list[Lock]:
    return [Lock(ROW_EXCLUSIVE, relation_name(node.relation))]


def _select(node: Any) -> list[Lock]:
    return [Lock(ACCESS_SHARE, name) for name in relations_in(node)]


def _vacuum(node: Any) -> list[Lock]:
    full = _has_option(node.options, "full")
    mode = ACCESS_EXCLUSIVE if full else SHARE_UPDATE_EXCLUSIVE
    rels = [relation_name(r.relation) for r in node.rels or () if r.relation is not None]
    return [Lock(mode, rel) for rel in rels] or [Lock(mode, "every table")]


def _reindex(node: Any) -> list[Lock]:
    if node.relation is None:
        return []
    name = relation_name(node.relation)
    if _has_option(node.params, "concurrently"):
        return [Lock(SHARE_UPDATE_EXCLUSIVE, name)]
    if node.kind.name == "REINDEX_OBJECT_INDEX":
        return [Lock(ACCESS_EXCLUSIVE, name, "index; SHARE on its table")]
    return [Lock(SHARE, name, "ACCESS EXCLUSIVE on its indexes")]


def _lock(node: Any) -> list[Lock]:
    return [Lock(int(node.mode), relation_name(rv), "explicit LOCK") for rv in node.relations or ()]


def _trigger(node: Any) -> list[Lock]:
    return [Lock(SHARE_ROW_EXCLUSIVE, relation_name(node.relation))]


def _cluster(node: Any) -> list[Lock]:
    return [Lock(ACCESS_EXCLUSIVE, relation_name(node.relation))] if node.relation is not None else []


def _refresh(node: Any) -> list[Lock]:
    return [Lock(EXCLUSIVE if node.concurrent else ACCESS_EXCLUSIVE, relation_name(node.relation))]


def _comment(node: Any) -> list[Lock]:
    if node.objtype.name not in ("OBJECT_TABLE", "OBJECT_COLUMN"):
        return []
    parts = [p.sval for p in node.object] if isinstance(node.object, tuple | list) else []
    if node.objtype.name == "OBJECT_COLUMN":
        parts = parts[:-1]
    return [Lock(SHARE_UPDATE_EXCLUSIVE, ".".join(parts))] if parts else []


_HANDLERS = {
    "CreateStmt": _create_table, "AlterTableStmt": _alter_table, "IndexStmt": _index, "DropStmt": _drop,
    "RenameStmt": _rename, "TruncateStmt": _truncate, "InsertStmt": _dml, "UpdateStmt": _dml,
    "DeleteStmt": _dml, "SelectStmt": _select, "VacuumStmt": _vacuum, "ReindexStmt": _reindex,
    "LockStmt": _lock, "CreateTrigStmt": _trigger, "ClusterStmt": _cluster, "RefreshMatViewStmt": _refresh,
    "CommentStmt": _comment,
}
