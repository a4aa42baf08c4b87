"""The model the TUI shows, reloaded part by part, keeping the last good parts on bad input.

Pure Python (no Textual): the app calls `reload()` from a thread worker and renders the
`Snapshot` it returns. Why partial reloads: a proto save should not re-parse every migration
with pglast (save-to-view budget), and why "last good": a proto that stops compiling must
not empty the browser while the user is mid-edit; the broken file shows as a finding instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.findings import Finding, Severity, sort_key

if TYPE_CHECKING:
    from workbench.checks import CheckCache
    from workbench.config import Config
    from workbench.model import Model

CONFIG_FILE = "workbench.toml"
PARTS = ("config", "proto", "sql", "seeds")
# Load-time rules meaning "this part could not be read at all": keep the previous part instead.
_SQL_FATAL = {"SQL_SYNTAX", "MIGRATION_FORMAT", "MIGRATION_NAME", "MIGRATION_ENCODING", "MIGRATION_READ"}
_FIXTURE_FATAL = {"FIXTURE_JSON", "FIXTURE_SHAPE", "FIXTURE_ENCODING", "FIXTURE_READ"}


@dataclass(frozen=True)
class Snapshot:
    """Everything a screen renders: the (last good) model and the current findings."""

    root: Path
    model: Model
    findings: tuple[Finding, ...]
    generation: int = 1
    changed: frozenset[str] = frozenset()  # repository-relative paths behind this reload
    stale: tuple[str, ...] = ()  # parts shown from an earlier load because the new one is broken
    database: str = ""  # the database target, password masked
    seconds: float = 0.0  # how long the reload took
    # check module -> (its inputs, its findings): a reload re-runs only checks whose inputs changed
    check_cache: CheckCache = dataclass_field(
        default_factory=dict, repr=False, compare=False)
    checked: bool = True  # False: only load-time findings so far (the checks are running)
    loading: tuple[str, ...] = ()  # parts not loaded yet (the first look shows the protos alone)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)


def parts_for(changed: frozenset[str] | None, config: Config | None) -> set[str]:
    """Which model parts the changed paths touch (None or a config change: all of them)."""
    if changed is None or config is None or CONFIG_FILE in changed:
        return set(PARTS)
    parts: set[str] = set()
    for rel in changed:
        for part, folder in (("proto", config.proto_dir), ("sql", config.migrations_dir),
                             ("seeds", config.fixtures_dir)):
            folder = folder.rstrip("/")
            if rel == folder or rel.startswith(folder + "/"):
                parts.add(part)
    return parts


def _part_of(finding: Finding, config: Config) -> str:
    if finding.file == CONFIG_FILE:
        return "config"
    for part, folder in (("proto", config.proto_dir), ("sql", config.migrations_dir),
                         ("seeds", config.fixtures_dir)):
        folder = folder.rstrip("/")
        if finding.file == folder or finding.file.startswith(folder + "/"):
            return part
    return "config"


def reload(root: Path, previous: Snapshot | None = None, changed: frozenset[str] | None = None, *,
           checks: bool = True) -> Snapshot:
    """A new snapshot: reload the parts `changed` touches, reuse the rest of `previous`.

    `checks=False`: only the load-time findings (`checked` False); `with_checks()` adds the rest.
    The first load uses that to show a large repository before its checks have run."""
    from workbench.config import load_config
    from workbench.fixtures import load_fixtures
    from workbench.migrations import load_migrations
    from workbench.model import Model, load_protos
    from workbench.sqlschema import build_schema

    t0 = time.perf_counter()
    prev = previous.model if previous else None
    parts = parts_for(changed, prev.config if prev else None) if prev else set(PARTS)
    stale = set(previous.stale) if previous else set()

    if "config" in parts or prev is None:
        config, config_findings = load_config(root)
        if prev is not None and any(f.rule == "CONFIG_SYNTAX" for f in config_findings):
            config = prev.config
            stale.add("config")
        else:
            stale.discard("config")
        parts = set(PARTS)  # folders or mapping may have changed: everything depends on config
    else:
        config = prev.config
        config_findings = [f for f in prev.findings if _part_of(f, config) == "config"]

    kept = [f for f in prev.findings if _part_of(f, config) not in parts] if prev else []
    findings: list[Finding] = list(config_findings) + kept

    if "proto" in parts:
        protos, fds, more = load_protos(root, config)
        findings += more
        if prev is not None and fds is None and protos.sources and prev.descriptor_set is not None:
            protos, fds = prev.protos, prev.descriptor_set  # does not compile: keep the last good
            stale.add("proto")
        else:
            stale.discard("proto")
    else:
        assert prev is not None
        protos, fds = prev.protos, prev.descriptor_set

    if "sql" in parts:
        migrations, more = load_migrations(root / config.migrations_dir, config.migrations_dir.rstrip("/") + "/")
        schema, more_schema = build_schema(migrations)
        more += more_schema
        findings += more
        if prev is not None and prev.migrations and any(f.rule in _SQL_FATAL for f in more):
            migrations, schema = prev.migrations, prev.schema
            stale.add("sql")
        else:
            stale.discard("sql")
    else:
        assert prev is not None
        migrations, schema = prev.migrations, prev.schema

    if "seeds" in parts:
        fixtures, more = load_fixtures(root / config.fixtures_dir, config.fixtures_dir.rstrip("/") + "/")
        findings += more
        broken = {f.file for f in more if f.rule in _FIXTURE_FATAL}
        if prev is not None and broken:
            loaded = {fx.rel for fx in fixtures}
            fixtures += [fx for fx in prev.fixtures if fx.rel in broken and fx.rel not in loaded]
            stale.add("seeds")
        else:
            stale.discard("seeds")
    else:
        assert prev is not None
        fixtures = prev.fixtures

    from workbench.checks import run_static

    model = Model(root, config, protos, fds, migrations, schema, fixtures, findings)
    cache = dict(previous.check_cache) if previous else {}
    all_findings = tuple(run_static(model, cache)) if checks else tuple(sorted(set(model.findings), key=sort_key))
    seconds = time.perf_counter() - t0
    model.timings["reload"] = seconds
    return Snapshot(
        root=root,
        model=model,
        findings=all_findings,
        generation=(previous.generation + 1) if previous else 1,
        changed=changed or frozenset(),
        stale=tuple(p for p in PARTS if p in stale),
        database=database_target(root, config),
        seconds=seconds,
        check_cache=cache,
        checked=checks,
    )


def first_look(root: Path) -> Snapshot:
    """The cheapest useful first snapshot: config and protos only (the entity browser's first
    view), so the first entity's proto shows before pglast parses every migration and before the
    fixtures are read. `loading` names what is missing; `rest_of()` completes it."""
    from workbench.config import load_config
    from workbench.model import Model, load_protos
    from workbench.sqlschema import SqlSchema

    t0 = time.perf_counter()
    config, findings = load_config(root)
    protos, fds, more = load_protos(root, config)
    findings += more
    model = Model(root, config, protos, fds, [], SqlSchema(), [], findings)
    seconds = time.perf_counter() - t0
    return Snapshot(root=root, model=model, findings=tuple(sorted(set(findings), key=sort_key)),
                    database=database_target(root, config), seconds=seconds, checked=False,
                    loading=("sql", "seeds"))


def rest_of(look: Snapshot) -> Snapshot:
    """`look` (from `first_look`) with migrations, schema and fixtures loaded; checks not run."""
    config = look.model.config
    parts = frozenset({config.migrations_dir.rstrip("/"), config.fixtures_dir.rstrip("/")})
    return replace(reload(look.root, look, parts, checks=False), changed=frozenset(), loading=())


def with_checks(snapshot: Snapshot) -> Snapshot:
    """`snapshot` with every static check run (the next generation, so screens re-render)."""
    from workbench.checks import run_static

    cache = dict(snapshot.check_cache)
    findings = tuple(run_static(snapshot.model, cache))
    return replace(snapshot, findings=findings, check_cache=cache, checked=True,
                   generation=snapshot.generation + 1, changed=frozenset())


def database_target(root: Path, config: Config) -> str:
    """The database the workbench talks to, for the status bar (password masked, never connects)."""
    from workbench.dburl import mask_url

    if config.databases:
        first = config.databases[0]
        more = f" (+{len(config.databases) - 1})" if len(config.databases) > 1 else ""
        if first.embedded:
            return f"{first.name}: embedded{more}"
        try:
            url = first.resolved_url()
        except KeyError as exc:
            return f"{first.name}: ${{{exc.args[0]}}} unset{more}"
        return f"{first.name}: {mask_url(url)}{more}"
    from workbench.embedded import server_for

    server = server_for(root)
    state = "running" if server.running_pid() else "not running"
    return f"embedded ({state})"


@dataclass(frozen=True)
class JumpTarget:
    """One place `/` can jump to: an entity, one of its fields, or an enum value under a field."""

    label: str  # what the fuzzy matcher sees: "Order", "Order.status", "Order.status = PAID"
    entity: str
    field: str = ""
    enum_value: str = ""
    help: str = ""
    kind: str = "entity"


def jump_targets(model: Model) -> list[JumpTarget]:
    targets: list[JumpTarget] = []
    for msg in model.entities:
        domain = model.config.domain_of(msg.name)
        targets.append(JumpTarget(msg.name, msg.name, help=f"{domain} entity · table {model.table_name(msg)}"))
        for fld in msg.fields:
            targets.append(JumpTarget(f"{msg.name}.{fld.name}", msg.name, fld.name,
                                      help=f"field {fld.display_type}", kind="field"))
            if fld.kind == "enum":
                enum = model.protos.enum(fld.type_name)
                for value in enum.values if enum else ():
                    targets.append(JumpTarget(f"{msg.name}.{fld.name} = {value.name}", msg.name, fld.name,
                                              value.name, help=f"{enum.name if enum else ''} value {value.number}",
                                              kind="enum value"))
    return targets


def findings_for_entity(model: Model, findings: tuple[Finding, ...] | list[Finding], entity: str) -> list[Finding]:
    """Findings that touch one entity: tagged with it, inside its message, or in its table's fixture."""
    msg = model.protos.message(entity)
    fixture = model.fixture_for(model.table_name(msg)) if msg is not None else None
    out = []
    for f in findings:
        if f.entity:
            if f.entity == entity:
                out.append(f)
            continue
        if msg is not None and f.file == msg.place.file and msg.place.line <= f.line <= msg.place.end_line:
            out.append(f)
        elif fixture is not None and f.file == fixture.rel:
            out.append(f)
    return out


def error_counts(model: Model, findings: tuple[Finding, ...]) -> dict[str, int]:
    """Errors per entity, for the marks in the tree (one pass: a broken fixture can mean 100,000)."""
    counts: dict[str, int] = {}
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not errors:
        return counts
    by_fixture = {}
    ranges: dict[str, list[tuple[int, int, str]]] = {}
    for msg in model.entities:
        fixture = model.fixture_for(model.table_name(msg))
        if fixture is not None:
            by_fixture[fixture.rel] = msg.name
        ranges.setdefault(msg.place.file, []).append((msg.place.line, msg.place.end_line, msg.name))
    for f in errors:
        entity = f.entity or by_fixture.get(f.file, "")
        if not entity:
            entity = next((name for start, end, name in ranges.get(f.file, ()) if start <= f.line <= end), "")
        if entity:
            counts[entity] = counts.get(entity, 0) + 1
    return counts
