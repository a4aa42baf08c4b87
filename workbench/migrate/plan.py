"""The lock plan `up --dry-run` prints: statements, transaction boundaries and table locks.

Built from the files alone with pglast; the database is only asked which migrations are
pending (read-only), never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.contracts.migration_files import Migration
from workbench.contracts.sql_statements import SqlSyntaxError
from workbench.migrate.statements import ACCESS_EXCLUSIVE, SHARE, Analysed, analyse


@dataclass
class MigrationPlan:
    migration: Migration
    statements: list[Analysed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why `up` would refuse this file

    @property
    def transactional(self) -> bool:
        return self.migration.transactional

    def to_json(self) -> dict[str, object]:
        mg = self.migration
        return {
            "version": mg.version, "name": mg.name, "file": mg.rel, "transaction": mg.transactional,
            "problems": self.problems,
            "statements": [
                {"line": a.statement.line, "sql": a.statement.text, "kind": a.statement.node,
                 "no_transaction": a.no_transaction or None,
                 "locks": [{"mode": lk.mode_name, "relation": lk.relation, "note": lk.note} for lk in a.locks]}
                for a in self.statements
            ],
        }

    def lines(self, lock_timeout: str = "5s") -> list[str]:
        mg = self.migration
        out = [f"{mg.version} {mg.name}  ({mg.rel})"]
        out += [f"  ! {p}" for p in self.problems]
        if self.transactional:
            out.append(f"  BEGIN  -- one transaction, lock_timeout {lock_timeout}")
        else:
            out.append("  -- no transaction (transaction:false): each statement commits on its own;"
                       " progress is recorded after each")
        for a in self.statements:
            first = " ".join(a.statement.text.split())
            first = first if len(first) <= 72 else first[:69] + "..."
            out.append(f"  {a.statement.line:>5}  {first}")
            if a.locks:
                for lk in a.locks:
                    out.append(f"         lock: {lk}{_warning(lk.mode, lk.note)}")
            else:
                out.append("         lock: none on existing tables")
        if self.transactional:
            out.append(f"  COMMIT  -- records {mg.version} in workbench.schema_migrations; locks held until here")
        return out


def _warning(mode: int, note: str) -> str:
    if note.startswith("new table"):
        return ""
    if mode == ACCESS_EXCLUSIVE:
        return "  <- blocks reads and writes"
    if mode >= SHARE:
        return "  <- blocks writes"
    return ""


def build_plan(migrations: list[Migration]) -> list[MigrationPlan]:
    from workbench.migrate.runner import unrunnable

    plans = []
    for mg in migrations:
        plan = MigrationPlan(mg)
        try:
            plan.statements = analyse(mg.up, mg.up_line)
        except SqlSyntaxError as exc:
            plan.problems.append(f"{mg.rel}:{exc.line}:{exc.column}: {exc.message}")
        plan.problems += [str(p) for p in unrunnable(mg, plan.statements)]
        plans.append(plan)
    return plans
