"""The whole breaking-change review: protos (buf's rules), migrations, seeds, and the semver verdict.

`review()` is what the CLI and the TUI call. It never raises for bad input: usage problems become
`InputError`, protos that do not compile become `Report.errors` (exit 2), everything else is a change.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path

from workbench.breaking.change import BREAKING, COMPATIBLE, Change
from workbench.breaking.config import BreakingConfig, ConfigError, find_config
from workbench.breaking.inputs import InputError, Side, compile_sides, open_side
from workbench.contracts.record import Record
from workbench.findings import Finding

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any

    from workbench.breaking.schema import Schema
    from workbench.breaking.target_paths import Selection, TargetPaths

__all__ = ["InputError", "Report", "review"]


def _quiet(_step: str) -> None:
    return None


class Report(Record):
    """What a review found, with the exit code it means."""

    _fields = (
        "input_label", "against_label", "changes", "errors", "semver", "declared", "declared_versions",
        "config_source", "rules_run", "sources", "timings", "contracts",
    )

    def __init__(self, input_label: str, against_label: str, changes: list[Change] | None = None,
                 errors: list[Finding] | None = None, semver: str = "none", declared: str | None = None,
                 declared_versions: tuple[str, str] = ("", ""), config_source: str = "", rules_run: int = 0,
                 sources: dict[tuple[str, str], str] | None = None, timings: dict[str, float] | None = None,
                 contracts: bool = True) -> None:
        self.input_label = input_label
        self.against_label = against_label
        self.changes = [] if changes is None else changes
        self.errors = [] if errors is None else errors  # compile errors: a usage error, not a change
        self.semver = semver  # what the change needs: major | minor | patch | none
        self.declared = declared  # what CHANGELOG.md declares, when both sides have one
        self.declared_versions = declared_versions
        self.config_source = config_source
        self.rules_run = rules_run
        # ("before" | "after", file) -> text of each file a change points at, when review(keep_sources=True)
        self.sources = {} if sources is None else sources
        self.timings = {} if timings is None else timings
        self.contracts = contracts  # a contracts repository on both sides: SQL, seeds and semver apply

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.kind == BREAKING]

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.breaking else 0

    def to_json(self) -> dict[str, object]:
        return {
            "semver": self.semver,
            "declared": self.declared,
            "input": self.input_label,
            "against": self.against_label,
            "changes": [c.to_json() for c in self.changes],
            "errors": [f.to_json() for f in self.errors],
        }


def review(root: Path | None, input_spec: str | None, against_spec: str, *, exact: bool = False,
           category: str | None = None, proto_dir: str = "proto", sql_dir: str = "sql",
           fixtures_dir: str = "seeders", extras: bool = True, keep_sources: bool = False,
           snippets: bool = True, progress: Callable[[str], None] | None = None, as_given: bool = False,
           selection: Selection | None = None) -> Report:
    """Compare INPUT (default: the working tree at `root`) with AGAINST (merge base unless `exact`).

    `root` is the contracts repository, or None in a plain buf module or workspace: INPUT then
    defaults to the current directory and git refs are read from its repository.
    `snippets`: each change carries the before/after lines it points at (buf's output formats show
    none). `progress` is told what is happening ("compiling both trees", ...) for a terminal's status line.
    `as_given`: INPUT's files named by the directory as the command line gave it, as buf prints them.
    `selection`: buf's --path, --exclude-path, --exclude-imports, --limit-to-input-files.
    """
    t0 = time.perf_counter()
    gc_was_enabled = gc.isenabled()
    # The review allocates many small objects that all live until the report is done: collecting
    # them repeatedly only costs time (a third of the diff on a 5,000-message tree).
    gc.disable()
    try:
        report = _review(root, input_spec, against_spec, exact, category, proto_dir, sql_dir, fixtures_dir,
                         extras, t0, keep_sources, snippets, progress or _quiet, as_given, selection)
        return report
    finally:
        if gc_was_enabled:
            gc.enable()


def _review(root: Path | None, input_spec: str | None, against_spec: str, exact: bool, category: str | None,
            proto_dir: str, sql_dir: str, fixtures_dir: str, extras: bool, t0: float,
            keep_sources: bool, snippets: bool, progress: Callable[[str], None], as_given: bool = False,
            selection: Selection | None = None) -> Report:
    from workbench.breaking.inputs import repo_root

    if input_spec is None and root is not None:
        after = Side("working tree", f"working tree ({root})", root=root, proto_root=root / proto_dir,
                     rel_prefix=f"{proto_dir.strip('/')}/")
        repo: Path | None = root
    else:
        after = open_side(input_spec or ".", root, proto_dir=proto_dir, as_given=as_given)
        # git only when a ref is to be read: `--against ../previous` starts no process
        repo = root or (repo_root(Path.cwd()) if _may_be_ref(against_spec) or _may_be_ref(input_spec) else None)
    subdir = ""
    if after.commit == "" and after.layout is not None and repo is not None:
        # a module folder inside a repository: `--against main` reads the same folder of main
        try:
            subdir = after.layout.dir.resolve().relative_to(repo.resolve()).as_posix()
        except ValueError:
            subdir = ""
        subdir = "" if subdir == "." else subdir
    base_of = None
    if not exact:
        base_of = after.commit or "HEAD"
    try:
        before = open_side(against_spec, repo, proto_dir=proto_dir, base_of=base_of, subdir=subdir,
                           inner=after.layout.sub if after.commit == "" and after.layout is not None else "")
    except InputError:
        after.cleanup()
        raise
    try:
        input_dir = input_spec or (str(root) if root is not None else ".")
        report = _review_sides(before, after, category, proto_dir, sql_dir, fixtures_dir, extras, t0,
                               snippets, progress, None if selection is None else (selection, input_dir, against_spec))
        if keep_sources:
            _keep_sources(report, before, after)
        return report
    finally:
        before.cleanup()
        after.cleanup()


def _review_sides(before: Side, after: Side, category: str | None, proto_dir: str, sql_dir: str,
                  fixtures_dir: str, extras: bool, t0: float, snippets: bool,
                  progress: Callable[[str], None], selected: tuple[Selection, str, str] | None = None) -> Report:
    from workbench.breaking.inputs import require_files

    # buf's order: the input's module is built (and its paths checked) first
    if selected is not None:
        _select(after, selected[1], selected[0].config, selected[0].targets)
    require_files(after)
    if selected is not None:
        _select(before, selected[2], selected[0].against_config, selected[0].against_targets(after))
    require_files(before)
    report = Report(after.label, before.label)
    configs = _configs(after)
    paired = _pair_images(before, after, configs)
    config = next(iter(configs.values()))
    report.config_source = config.source
    t1 = time.perf_counter()
    progress(f"compiling {after.label} and {before.label}")
    compile_sides(before, after, source_apart=True)
    report.timings["compile"] = time.perf_counter() - t1
    for side, name in ((before, "against"), (after, "input")):
        for f in side.findings:
            message = f.message if side is after else f"{f.message} (in {name} {side.label})"
            report.errors.append(Finding(f.severity, f.rule, f.file, f.line, message, f.column, f.entity))
    if report.errors or before.fds is None or after.fds is None:
        return report
    t2 = time.perf_counter()
    progress("comparing descriptors")
    from workbench.breaking.schema import build_schema

    before_schema = build_schema(before.fds, before.targets, before.sources(), before.source_infos)
    after_schema = build_schema(after.fds, after.targets, after.sources(), after.source_infos)
    from workbench.breaking.proto_diff import diff_modules

    # a side compiled module by module (two modules define the same name) is compared per image
    before_images, after_images = _image_schemas(before, before_schema), _image_schemas(after, after_schema)
    if isinstance(before_images, dict):
        before_images = {paired[m]: image for m, image in before_images.items() if m in paired}
    before_modules = {paired[m]: names for m, names in _modules(before).items() if m in paired}
    changes = diff_modules(before_images, after_images, before_modules, _modules(after), configs, category,
                           parallel=True, exclude_imports=selected is not None and selected[0].exclude_imports)
    report.rules_run = len(config.rule_ids(category))
    contracts = before.root is not None and after.root is not None
    report.contracts = contracts
    verdict_basis: list[Change] = []
    if extras and contracts:
        # The verdict follows CONTRACTS.md (a type change is MAJOR), not a lenient buf.yaml or
        # --category: it is judged on buf's FILE rules (of the config's version) with no ignores,
        # whatever the report lists.
        contract = BreakingConfig(version=config.version, use=["FILE"])
        verdict_basis = list(changes) if config.rule_ids(category) == contract.rule_ids() and \
            not _ignores(config) else \
            diff_modules(before_images, after_images, before_modules, _modules(after),
                         dict.fromkeys(configs, contract))
    if extras:
        from workbench.breaking.additions import additions
        from workbench.breaking.exemptions import apply_exemptions
        from workbench.breaking.plans import attach_plans
        from workbench.breaking.renames import explain_renames

        explain_renames(changes, before_schema, after_schema)
        attach_plans(changes, with_sql=contracts)  # a plain buf module has no columns to drop
        apply_exemptions(changes, before_schema, after_schema)
        changes += additions(before_schema, after_schema)
    if snippets:
        _attach_snippets(changes, before, after)
    for c in changes:
        # file names as buf prints them: the module's path joined with the file's name
        if c.file:
            c.file = after.prefix(c.file)
        if c.against_file:
            c.against_file = before.prefix(c.against_file)
    report.timings["proto_diff"] = time.perf_counter() - t2
    if extras and contracts and before.root is not None and after.root is not None:
        t3 = time.perf_counter()
        progress("checking migrations and seeds")
        from workbench.breaking.seeds import seed_changes
        from workbench.breaking.semver import tree_digest
        from workbench.breaking.sql import migration_changes

        # Fixtures validate against the migrations' schema: with neither changed, nothing can newly break.
        sql_changed = tree_digest(before.root, sql_dir) != tree_digest(after.root, sql_dir)
        seeds_changed = tree_digest(before.root, fixtures_dir) != tree_digest(after.root, fixtures_dir)
        from workbench.breaking.exemptions import apply_text_exemptions

        more: list[Change] = []
        if sql_changed:
            more += migration_changes(before.root, after.root, sql_dir)
        if sql_changed or seeds_changed:
            more += seed_changes(before.root, after.root, fixtures_dir)
        apply_text_exemptions(more, lambda rel: _side_text(after, rel))
        changes += more
        report.timings["sql_seeds"] = time.perf_counter() - t3
    report.changes = sorted(changes, key=lambda c: (c.kind != BREAKING, c.kind != "accepted", c.shown_file,
                                                    c.line, c.column, c.rule))
    if extras and contracts:
        from workbench.breaking.semver import judge

        judge(report, before.root, after.root, proto_dir, sql_dir, fixtures_dir, verdict_basis)
    else:
        report.semver = "major" if report.breaking else ("minor" if any(
            c.kind == COMPATIBLE for c in report.changes) else "none")
    report.timings["total"] = time.perf_counter() - t0
    return report


def _select(side: Side, spec: str, config: tuple[str, str] | None, targets: TargetPaths) -> None:
    """--config (or --against-config), then --path/--exclude-path, on one input."""
    from workbench.breaking.config_flag import apply_config
    from workbench.breaking.target_paths import restrict

    try:
        apply_config(side, config)
        restrict(side, spec, targets)
    except ValueError as exc:  # LayoutError, a --path buf refuses
        raise InputError(str(exc)) from None


def _may_be_ref(spec: str | None) -> bool:
    return spec is not None and spec != "" and "#" not in spec and not Path(spec).exists()


def _ignores(config: BreakingConfig) -> bool:
    return bool(config.ignore or config.ignore_only or config.ignore_unstable_packages)


def _pair_images(before: Side, after: Side, configs: dict[str, BreakingConfig]) -> dict[str, str]:
    """base module -> the input module buf compares it with (`buf breaking`'s run): the module images
    one for one, in the order of their paths, whatever the paths (a module renamed is compared with
    the one in its place). Fewer input modules than base modules is buf's usage error, and so are
    more, unless every input module has the same breaking config and each base module shares a file
    with an input module (a workspace that gained a module): those input modules, in order, are then
    compared with the base's. A plain folder, a contracts repository or a descriptor set is one image."""
    inputs = sorted((_modules(after) if after.layout is not None else {"": set(after.files)}).items())
    bases = sorted((_modules(before) if before.layout is not None else {"": set(before.files)}).items())
    if len(inputs) != len(bases):
        error = InputError(f"input contained {len(inputs)} images, whereas against contained {len(bases)} images")
        if len(inputs) < len(bases) or len({_config_key(c) for c in configs.values()}) > 1:
            raise error
        unmatched = list(range(len(bases)))
        kept = []
        for module, names in inputs:  # each input module takes the first base module it shares a file with
            match = next((i for i in unmatched if names & bases[i][1]), None)
            if match is not None:
                unmatched.remove(match)
                kept.append((module, names))
        if unmatched or len(kept) != len(bases):
            raise error
        inputs = kept
    return {base: module for (base, _), (module, _) in zip(bases, inputs, strict=True)}


def _config_key(config: BreakingConfig) -> tuple[object, ...]:
    """What buf compares of two modules' breaking configs (its equalBreakingConfig): `use` as written,
    so an explicit `[FILE]` differs from none (measured with buf 1.75)."""
    return (config.version, config.written_use, tuple(config.except_), tuple(config.ignore),
            tuple((k, tuple(v)) for k, v in sorted(config.ignore_only.items())), config.ignore_unstable_packages)


def _image_schemas(side: Side, schema: Schema) -> Schema | dict[str, Schema]:
    """`schema`, or module -> its image's schema when the side's modules were compiled apart."""
    if side.images is None or side.fds is None:
        return schema
    from workbench.breaking.schema import build_schema

    sources = side.sources()
    return {module: build_schema(side.fds, side.targets, sources, side.source_infos, only=names).restricted(names)
            for module, names in side.images.items()}


def _modules(side: Side) -> dict[str, set[str]]:
    """module -> the files (as compiled) that belong to it."""
    out: dict[str, set[str]] = {}
    for name, root in side.files.items():
        out.setdefault(root.module, set()).add(name)
    return out


def _configs(after: Side) -> dict[str, BreakingConfig]:
    """module -> its breaking config: buf.yaml's, or buf's defaults without one."""
    from workbench.breaking.config import from_section, without_buf_yaml

    try:
        if after.layout is None:
            dirs = [d for d in (after.proto_root, after.root) if d is not None]
            return {"": find_config(*dirs, module_path=after.rel_prefix.strip("/"))}
        out: dict[str, BreakingConfig] = {}
        for root in after.layout.roots:
            if root.module not in out:
                out[root.module] = from_section(root.breaking, root.version, root.config_file,
                                                root.ignore_prefix) if root.config_file else without_buf_yaml()
        return out or {"": without_buf_yaml()}
    except ConfigError as exc:
        raise InputError(str(exc)) from None


def _side_text(side: Side, rel: str) -> str | None:
    candidates = []
    if side.root is not None:
        candidates.append(side.root / rel)
    for root in side.roots:
        if rel.startswith(root.prefix):
            candidates.append(root.dir / rel.removeprefix(root.prefix))
    for path in candidates:
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return None


def _keep_sources(report: Report, before: Side, after: Side) -> None:
    """The TUI shows changes side by side with context: keep the files before the temp trees go."""
    for c in report.changes:
        for name, side, rel in (("after", after, c.file), ("before", before, c.against_file or c.file)):
            if rel and (name, rel) not in report.sources:
                text = _side_text(side, rel)
                if text is not None:
                    report.sources[(name, rel)] = text


def _attach_snippets(changes: list[Change], before: Side, after: Side) -> None:
    cache: dict[tuple[int, str], list[str]] = {}

    def lines(side: Side, path: str) -> list[str]:
        key = (id(side), path)
        if key not in cache:
            cache[key] = side.source(path).splitlines()
        return cache[key]

    for c in changes:
        if c.file and c.line:
            c.after = _snippet(lines(after, c.file), c.line, c.end_line or c.line)
        if c.against_file and c.against_line:
            c.before = _snippet(lines(before, c.against_file), c.against_line, c.against_end_line or c.against_line)


def _snippet(lines: list[str], start: int, end: int, limit: int = 8) -> str:
    if not lines or start > len(lines):
        return ""
    end = min(max(end, start), len(lines), start + limit - 1)
    return "\n".join(lines[start - 1:end])


def review_folders(root: Path | None) -> tuple[str, str, str]:
    """proto, migrations and fixtures folders from workbench.toml as on disk (defaults if it is
    broken, or for a plain buf module: `root` None)."""
    if root is None:
        return "proto", "sql", "seeders"
    from workbench.contracts.config import load_config

    try:
        config, _ = load_config(root)
    except Exception:  # noqa: BLE001 - a broken workbench.toml is `workbench check`'s business
        return "proto", "sql", "seeders"
    return config.proto_dir, config.migrations_dir, config.fixtures_dir


def breaking_review(root: Path | None, input_spec: str | None, against: str, **options: Any) -> Report:
    """`workbench breaking`, for the CLI and the TUI alike: the working tree (`input_spec` None) as
    it is on disk, read again if a file was caught half-written (see `settled`). `root` None: the
    buf module or workspace in the current directory."""
    proto_dir, sql_dir, fixtures_dir = review_folders(root)

    def run() -> Report:
        return review(root, input_spec, against, proto_dir=proto_dir, sql_dir=sql_dir, fixtures_dir=fixtures_dir,
                      **options)

    if input_spec is not None or root is None:
        return run()
    from workbench.workspace import settled

    return settled(run, lambda report: bool(report.errors), root, [proto_dir, sql_dir, fixtures_dir, "CHANGELOG.md"])
