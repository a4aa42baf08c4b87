"""The repository as the CLI and the TUI both see it: one load sequence, part by part.

`load_model(root)` (what every CLI command loads) and `reload(root, previous, changed)` (what the
TUI loads on every save) are the same sequence: config, then protos, migrations (and the schema
they define), fixtures. A reload re-reads only the parts the changed paths touch and reuses the
others' objects, so checks keyed on them (`workbench.checks.run_static` with a cache) re-run only
when their inputs changed.

Two models come out of a reload, and which one a caller uses is the point of this module:
- `Snapshot.current`: the files as they are on disk now, exactly what `workbench check` reads.
  Every finding, and everything operational (migration status and checksums, breaking review,
  seed validation, codegen), is computed from the disk, never from an older load.
- `Snapshot.model`: a browsing aid. A part that cannot be read at all (`unreadable_parts`: a proto
  that does not compile, a migration that does not parse, a fixture that is not JSON) is shown as
  it last loaded, and `Snapshot.stale` names it so views can say so at the top.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from workbench.findings import Finding, Severity, sort_key

if TYPE_CHECKING:
    from workbench.checks import CheckCache
    from workbench.contracts.config import Config
    from workbench.contracts.fixture_files import Fixture
    from workbench.contracts.migration_files import Migration
    from workbench.contracts.migration_schema import SqlSchema
    from workbench.contracts.model import Model
    from workbench.contracts.proto_model import ProtoModel

CONFIG_FILE = "workbench.toml"
PARTS = ("config", "proto", "sql", "seeds")

# The one place that knows which load-time rules mean "this part could not be read at all"
# (as opposed to "it was read and has problems"): the browser then keeps the part's last good load.
UNREADABLE_RULES: Mapping[str, frozenset[str]] = MappingProxyType({
    "config": frozenset({"CONFIG_SYNTAX"}),
    "proto": frozenset({"PROTO_COMPILE"}),
    "sql": frozenset({"SQL_SYNTAX", "MIGRATION_FORMAT", "MIGRATION_NAME", "MIGRATION_ENCODING", "MIGRATION_READ"}),
    "seeds": frozenset({"FIXTURE_JSON", "FIXTURE_SHAPE", "FIXTURE_ENCODING", "FIXTURE_READ"}),
})
# A configured folder that does not exist (workbench.toml key -> the part it holds).
FOLDER_KEYS = MappingProxyType({"proto": "proto", "migrations": "sql", "fixtures": "seeds"})
# How long a part that could not be read is given to settle before it counts as broken: an
# editor's save can truncate a file and write it again; a load caught between the two re-reads.
SETTLE_SECONDS = 0.05
SETTLE_TRIES = 3


@dataclass(frozen=True)
class Parts:
    """The repository as loaded from disk, part by part, with each part's load-time findings."""

    config: Config
    protos: ProtoModel
    descriptor_set: bytes | None
    migrations: list[Migration]
    schema: SqlSchema
    fixtures: list[Fixture]
    findings: Mapping[str, tuple[Finding, ...]]  # part -> its load-time findings
    timings: Mapping[str, float] = dataclass_field(default_factory=lambda: MappingProxyType({}))

    def all_findings(self) -> list[Finding]:
        return [f for part in PARTS for f in self.findings.get(part, ())]

    def model(self, root: Path) -> Model:
        from workbench.contracts.model import Model

        return Model(root, self.config, self.protos, self.descriptor_set, self.migrations, self.schema,
                     self.fixtures, self.all_findings(), dict(self.timings))


def folder_of(part: str, config: Config) -> str:
    return {"proto": config.proto_dir, "sql": config.migrations_dir, "seeds": config.fixtures_dir}[part].rstrip("/")


def parts_for(changed: frozenset[str] | None, config: Config | None) -> set[str]:
    """Which model parts the changed paths touch (None or a config change: all of them)."""
    if changed is None or config is None or CONFIG_FILE in changed:
        return set(PARTS)
    parts: set[str] = set()
    for rel in changed:
        for part in ("proto", "sql", "seeds"):
            folder = folder_of(part, config)
            if rel == folder or rel.startswith(folder + "/"):
                parts.add(part)
    return parts


def unreadable_parts(parts: Parts) -> dict[str, tuple[Finding, ...]]:
    """Part -> the findings that say it could not be read (empty: everything was read)."""
    missing = missing_folders(parts.findings.get("config", ()))
    out: dict[str, tuple[Finding, ...]] = {}
    for part in PARTS:
        fatal = tuple(f for f in parts.findings.get(part, ()) if f.rule in UNREADABLE_RULES[part]
                      and f.severity is Severity.ERROR) + missing.get(part, ())
        if fatal:
            out[part] = fatal
    return out


def missing_folders(config_findings: Iterable[Finding]) -> dict[str, tuple[Finding, ...]]:
    """Part -> the CONFIG_FOLDER finding saying its configured folder does not exist."""
    out: dict[str, tuple[Finding, ...]] = {}
    for f in config_findings:
        if f.rule == "CONFIG_FOLDER":
            key = f.message.removeprefix("[workbench] ").split(" ", 1)[0]
            if key in FOLDER_KEYS:
                out[FOLDER_KEYS[key]] = out.get(FOLDER_KEYS[key], ()) + (f,)
    return out


# -- the load sequence -------------------------------------------------------------------------
def _load_config(root: Path) -> tuple[Config, list[Finding]]:
    from workbench.contracts.config import load_config

    return load_config(root)


def _load_proto(root: Path, config: Config) -> tuple[tuple[ProtoModel, bytes | None], list[Finding]]:
    from workbench.contracts.model import load_protos

    protos, fds, findings = load_protos(root, config)
    return (protos, fds), findings


def _load_sql(root: Path, config: Config) -> tuple[tuple[list[Migration], SqlSchema], list[Finding]]:
    from workbench.contracts.migration_files import load_migrations
    from workbench.contracts.migration_schema import build_schema

    folder = folder_of("sql", config)
    migrations, findings = load_migrations(root / folder, folder + "/")
    schema, more = build_schema(migrations, root / ".workbench" / "check")
    return (migrations, schema), findings + more


def _load_seeds(root: Path, config: Config) -> tuple[list[Fixture], list[Finding]]:
    from workbench.contracts.fixture_files import load_fixtures

    folder = folder_of("seeds", config)
    return load_fixtures(root / folder, folder + "/")


def fingerprint(root: Path, folders: Iterable[str]) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime_ns, size) of every file under `folders`: what a load read, to tell if it moved on."""
    out: list[tuple[str, int, int]] = []
    for folder in folders:
        base = root / folder
        try:
            paths = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        except OSError:
            continue
        for p in paths:
            try:
                st = p.stat()
            except OSError:
                continue
            out.append((p.as_posix(), st.st_mtime_ns, st.st_size))
    return tuple(out)


def changed_since(root: Path, names: Iterable[str], since_ns: int) -> bool:
    """Whether a file or folder among `names` (recursively) was modified, created or deleted (its
    folder's mtime) at or after `since_ns`."""
    for name in names:
        base = root / name
        try:
            if base.stat().st_mtime_ns >= since_ns:
                return True
            inner = base.rglob("*") if base.is_dir() else ()
            if any(p.stat().st_mtime_ns >= since_ns for p in inner):
                return True
        except OSError:
            continue
    return False


T = TypeVar("T")


def settled(read: Callable[[], T], broken: Callable[[T], bool], root: Path, folders: Iterable[str]) -> T:
    """`read()`, read again while the files it read are still being written.

    Why: a save can truncate a file and write it in a second step; a read caught in between sees a
    half-written file (a compile error that is not there). When `broken(result)`, wait a moment;
    if the files changed meanwhile, read again (a few times at most), so only a file that stays
    broken is reported as broken."""
    folders = list(folders)
    for _ in range(SETTLE_TRIES):
        before = fingerprint(root, folders)
        result = read()
        if not broken(result):
            return result
        time.sleep(SETTLE_SECONDS)
        if fingerprint(root, folders) == before:
            return result
    return result


def load_parts(root: Path, previous: Parts | None = None, parts: set[str] | None = None) -> Parts:
    """The one load sequence: the `parts` named (all by default) from disk, the others from `previous`."""
    todo = set(PARTS) if previous is None or parts is None else set(parts)
    timings: dict[str, float] = {}
    findings: dict[str, tuple[Finding, ...]] = dict(previous.findings) if previous else {}
    t0 = time.perf_counter()
    if "config" in todo or previous is None:
        config, more = _load_config(root)
        findings["config"] = tuple(more)
        todo = set(PARTS)  # folders or the mapping may have changed: everything depends on the config
    else:
        config = previous.config

    def part(name: str, load: Callable[[Path, Config], tuple[T, list[Finding]]]) -> tuple[T, list[Finding]]:
        def fatal(result: tuple[T, list[Finding]]) -> bool:
            return any(f.rule in UNREADABLE_RULES[name] and f.severity is Severity.ERROR for f in result[1])

        return settled(lambda: load(root, config), fatal, root, [folder_of(name, config)])

    if "proto" in todo:
        (protos, fds), more = part("proto", _load_proto)
        findings["proto"] = tuple(more)
    else:
        assert previous is not None
        protos, fds = previous.protos, previous.descriptor_set
    timings["compile"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    if "sql" in todo:
        (migrations, schema), more = part("sql", _load_sql)
        if "sql" in missing_folders(findings["config"]):
            # the config finding (at its line in workbench.toml) says it; don't say it twice
            more = [f for f in more if f.rule != "MIGRATION_DIR"]
        findings["sql"] = tuple(more)
    else:
        assert previous is not None
        migrations, schema = previous.migrations, previous.schema
    if "seeds" in todo:
        fixtures, more = part("seeds", _load_seeds)
        findings["seeds"] = tuple(more)
    else:
        assert previous is not None
        fixtures = previous.fixtures
    timings["load"] = time.perf_counter() - t1
    return Parts(config, protos, fds, migrations, schema, fixtures, MappingProxyType(findings),
                 MappingProxyType(timings))


def load_model(root: Path) -> Model:
    """The repository as on disk now, with its load-time findings: what every CLI command reads."""
    return load_parts(root).model(root)


def browse_parts(current: Parts, last_good: Parts | None) -> tuple[Parts, tuple[str, ...]]:
    """The parts to browse: `current`, with each unreadable part as it last loaded (and which those are)."""
    if last_good is None:
        return current, ()
    broken = unreadable_parts(current)
    stale: list[str] = []
    browse = current
    if "config" in broken and "CONFIG_SYNTAX" in {f.rule for f in broken["config"]}:
        browse = replace(browse, config=last_good.config)
        stale.append("config")
    if "proto" in broken and last_good.descriptor_set is not None:
        browse = replace(browse, protos=last_good.protos, descriptor_set=last_good.descriptor_set)
        stale.append("proto")
    if "sql" in broken and last_good.migrations:
        browse = replace(browse, migrations=last_good.migrations, schema=last_good.schema)
        stale.append("sql")
    if "seeds" in broken:
        # Per file: the fixtures that still read are current; a broken one shows as it last loaded.
        files = {f.file for f in broken["seeds"]}
        whole = any(f.rule == "CONFIG_FOLDER" for f in broken["seeds"])
        loaded = {fx.rel for fx in current.fixtures}
        kept = [fx for fx in last_good.fixtures if (whole or fx.rel in files) and fx.rel not in loaded]
        if kept:
            browse = replace(browse, fixtures=current.fixtures + kept)
            stale.append("seeds")
    return browse, tuple(stale)


# -- the snapshot the TUI renders -----------------------------------------------------------------
@dataclass(frozen=True)
class Snapshot:
    """Everything a screen renders: what to browse, the current findings, what could not be read."""

    root: Path
    model: Model  # for browsing: unreadable parts as they last loaded (see `stale`)
    current: Model  # the files as they are on disk now: findings and everything operational
    findings: tuple[Finding, ...]  # what `workbench check --no-db` reports for `current`
    generation: int = 1
    changed: frozenset[str] = frozenset()  # repository-relative paths behind this reload
    stale: tuple[str, ...] = ()  # parts `model` shows from an earlier load because they are unreadable now
    unreadable: Mapping[str, tuple[Finding, ...]] = dataclass_field(
        default_factory=lambda: MappingProxyType({}))  # part -> why it could not be read
    database: str = ""  # the database target, password masked
    seconds: float = 0.0  # how long the reload took
    # check module -> (its inputs, its findings): a reload re-runs only checks whose inputs changed
    check_cache: CheckCache = dataclass_field(default_factory=dict, repr=False, compare=False)
    checked: bool = True  # False: only load-time findings so far (the checks are running)
    parts: Parts | None = dataclass_field(default=None, repr=False, compare=False)  # current, part by part
    last_good: Parts | None = dataclass_field(default=None, repr=False, compare=False)
    loading: tuple[str, ...] = ()  # parts not loaded yet (the first look shows the protos alone)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    def unreadable_summary(self) -> str:
        """One line for the top of a view: which parts could not be read, and the first reason."""
        if not self.unreadable:
            return ""
        shown = []
        for part, found in self.unreadable.items():
            first = found[0]
            where = f"{first.file}:{first.line}" if first.line else first.file
            kept = " (showing its last good load)" if part in self.stale else ""
            shown.append(f"{part} unreadable{kept}: {where} {first.message}")
        return " · ".join(shown)


def reload(root: Path, previous: Snapshot | None = None, changed: frozenset[str] | None = None, *,
           checks: bool = True) -> Snapshot:
    """A new snapshot: reload the parts `changed` touches, reuse the rest of `previous`.

    `checks=False`: only the load-time findings (`checked` False); `with_checks()` adds the rest.
    The first load uses that to show a large repository before its checks have run."""
    t0 = time.perf_counter()
    prev_parts = previous.parts if previous else None
    # Parts a partial snapshot (the first look) has not loaded yet are always loaded: a save during
    # the first load must not leave them empty.
    which = parts_for(changed, prev_parts.config) | set(previous.loading) if previous and prev_parts else set(PARTS)
    current = load_parts(root, prev_parts, which)
    broken = unreadable_parts(current)
    last_good = previous.last_good if previous else None
    browse, stale = browse_parts(current, last_good)
    current_model = current.model(root)
    model = current_model if browse is current else browse.model(root)
    cache = dict(previous.check_cache) if previous else {}
    findings = _findings(current_model, cache, checks)
    seconds = time.perf_counter() - t0
    model.timings["reload"] = seconds
    return Snapshot(
        root=root, model=model, current=current_model, findings=findings,
        generation=(previous.generation + 1) if previous else 1,
        changed=changed or frozenset(), stale=stale, unreadable=MappingProxyType(broken),
        database=database_target(root, current.config), seconds=seconds, check_cache=cache,
        checked=checks, parts=current, last_good=browse)  # each part's newest readable load


def first_look(root: Path) -> Snapshot:
    """The cheapest useful first snapshot, for browsing only: the config, and the protos as a quick
    scan of their text reads them (`workbench.contracts.proto_scan`: entity names, places, comments and the
    source; no protoc, no descriptors, no findings), so the first entity's proto shows before protoc,
    pglast and the fixtures have run. A proto layout the scan does not follow is compiled instead.
    `loading` names what is still missing ("proto" when scanned: not compiled, so nothing about
    the protos is known yet); `rest_of()` replaces it with the full load sequence (`load_parts`)."""
    from workbench.contracts.migration_schema import SqlSchema
    from workbench.contracts.proto_scan import Unsure, scan_protos

    t0 = time.perf_counter()
    config, config_findings = _load_config(root)
    prefix = config.proto_dir.rstrip("/") + "/"
    loading: tuple[str, ...] = ("proto", "sql", "seeds")
    proto_findings: list[Finding] = []
    try:
        protos, fds = scan_protos(root / config.proto_dir, prefix), None
    except (Unsure, OSError, IndexError):
        (protos, fds), proto_findings = _load_proto(root, config)
        loading = ("sql", "seeds")
    parts = Parts(config, protos, fds, [], SqlSchema(), [],
                  MappingProxyType({"config": tuple(config_findings), "proto": tuple(proto_findings)}))
    model = parts.model(root)
    return Snapshot(root=root, model=model, current=model, findings=tuple(sorted(set(model.findings), key=sort_key)),
                    database=database_target(root, config), seconds=time.perf_counter() - t0, checked=False,
                    parts=parts, loading=loading)


def rest_of(look: Snapshot) -> Snapshot:
    """`look` (from `first_look`) with what it lacks loaded (the protos compiled if it only scanned
    them; migrations, schema and fixtures); checks not run."""
    assert look.parts is not None
    config = look.parts.config
    parts = ("proto", "sql", "seeds") if "proto" in look.loading else ("sql", "seeds")
    folders = frozenset(folder_of(part, config) for part in parts)
    return replace(reload(look.root, look, folders, checks=False), changed=frozenset(), loading=())


def _findings(model: Model, cache: CheckCache, checks: bool) -> tuple[Finding, ...]:
    if not checks:
        return tuple(sorted(set(model.findings), key=sort_key))
    from workbench.checks import run_static

    return tuple(run_static(model, cache))


def with_checks(snapshot: Snapshot) -> Snapshot:
    """`snapshot` with every static check run (the next generation, so screens re-render)."""
    cache = dict(snapshot.check_cache)
    findings = _findings(snapshot.current, cache, True)
    return replace(snapshot, findings=findings, check_cache=cache, checked=True,
                   generation=snapshot.generation + 1, changed=frozenset())


def database_target(root: Path, config: Config) -> str:
    """The database the workbench talks to, for the status bar (password masked, never connects)."""
    from workbench.database.urls import mask_url

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
    from workbench.database.embedded import server_for

    server = server_for(root)
    state = "running" if server.running_pid() else "not running"
    return f"embedded ({state})"


# -- operational inputs: always from the disk, the same for the CLI and the TUI --------------------
def migration_files(root: Path, config: Config | None = None) -> tuple[Config, list[Migration], list[Finding]]:
    """The config (read now unless given) and the migration files as they are on disk now (what
    `migrate` runs on)."""
    from workbench.contracts.config import load_config
    from workbench.contracts.migration_files import load_migrations

    if config is None:
        config, _ = load_config(root)
    folder = folder_of("sql", config)
    files, findings = load_migrations(root / folder, folder + "/")
    return config, files, findings


def runnable_migration_files(root: Path) -> tuple[Config, list[Migration]]:
    """`migration_files`, refusing (WorkbenchError) when a file has errors: `migrate up` runs nothing then."""
    from workbench.errors import WorkbenchError

    config, files, findings = migration_files(root)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise WorkbenchError(f"migration files have errors; nothing was run: {errors[0].format()}{more}")
    return config, files
