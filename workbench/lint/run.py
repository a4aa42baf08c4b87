"""Lint a buf module or workspace (or a contracts repository's protos) the way `buf lint` does.

The layout and each module's `lint` section come from the buf config (`workbench.breaking.layout`);
files compile with the in-process protoc; every module's files are linted with its own config.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from workbench.breaking.bufformat import Violation
from workbench.contracts.record import Record
from workbench.findings import Finding
from workbench.lint.config import LintConfig, LintConfigError, from_section, without_buf_yaml

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from google.protobuf import descriptor_pb2 as pb

    from workbench.breaking.inputs import Side
    from workbench.breaking.target_paths import TargetPaths
    from workbench.lint.locations import Locator
    from workbench.lint.rules import Lint, Named

_UNUSED = r"^Import (?P<dep>\S+) is unused\.$"  # compiled on first use (re caches it): most runs have none
# Above this many bytes of .proto source, a tree compiles without source info and lint fetches it for
# the files it reports on. Below, one compile is a few ms and a second would cost more than it saves
# (the 1-file module of bench/bench_breaking.py: 0.08 s a run, a fifth of it protoc).
LOCATE_LATER_MIN_BYTES = 256 * 1024


class LintError(Exception):
    """Usage problem (unreadable input, bad buf.yaml): exit 2."""


class LintReport(Record):
    """What a lint run found, with the exit code it means."""

    _fields = ("violations", "errors", "module_names")

    def __init__(self, violations: list[Violation] | None = None,
                 errors: list[Finding] | None = None) -> None:
        self.violations = [] if violations is None else violations
        self.errors = [] if errors is None else errors  # compile errors: exit 2
        # a finding's printed path -> the file's name in its module (`--error-format config-ignore-yaml`)
        self.module_names: dict[str, str] = {}

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.violations else 0


def lint_input(spec: str, repo: Path | None = None, as_given: bool = False,
               targets: TargetPaths | None = None, config: tuple[str, str] | None = None) -> LintReport:
    """Lint a directory (buf module or workspace, contracts repository, folder of protos) or git ref.
    `as_given`: files named by the directory as given, as `buf lint` prints them (`inputs.open_side`);
    `targets`: buf's --path/--exclude-path (`workbench.breaking.target_paths`); `config`: --config's
    (name, text) (`workbench.breaking.config_flag`)."""
    from workbench.breaking.inputs import (
        PARALLEL_MIN_BYTES,
        InputError,
        compile_sides,
        open_side,
        require_files,
        source_bytes,
    )

    if targets is not None and (refusal := targets.check()):
        raise LintError(refusal)
    try:
        side = open_side(spec, repo, as_given=as_given)
    except InputError as exc:
        raise LintError(str(exc)) from None
    try:
        try:
            if config is not None:
                from workbench.breaking.config_flag import apply_config

                apply_config(side, config)
            if targets is not None:
                from workbench.breaking.target_paths import restrict

                restrict(side, spec, targets)
            require_files(side)
        except (InputError, ValueError) as exc:  # ValueError: LayoutError, a --path buf refuses
            raise LintError(str(exc)) from None
        configs = module_configs(side)
        located = not _locate_later(side, configs.values())
        compile_sides(side, source_info=located)
        report = LintReport(errors=list(side.findings))
        if side.findings or side.fds is None:
            return report
        unused = _unused_imports(side)
        parallel = source_bytes(side) >= PARALLEL_MIN_BYTES and _may_fork()
        locator = None if located else _locator(side, parallel)
        modules: dict[str, set[str]] = {}
        for name, root in side.files.items():
            modules.setdefault(root.module, set()).add(name)
        for module, names in modules.items():
            report.violations += lint_set(side.fds, names, configs.get(module) or without_buf_yaml(), side.prefix, unused,
                                          source=side.source, locator=locator, parallel=parallel,
                                          image=None if side.images is None else side.images.get(module, names))
        # one file in two modules (a module below a "." module's folder) is linted in each: buf prints
        # a finding once (bufanalysis deduplicates its annotations)
        report.violations = sorted(set(report.violations))
        report.module_names = {side.prefix(name): name for name in side.files}
        return report
    finally:
        side.cleanup()


def _may_fork() -> bool:
    # imported only for a big tree: a small lint's start-up skips pickle
    from workbench.breaking.forked import may_fork

    return may_fork()


def _locate_later(side: Side, configs: Iterable[LintConfig]) -> bool:
    """Compile without source info, and fetch it for the files reported on (`workbench.lint.locations`)?
    Only for a big tree (a small one compiles in a few ms: a second compile would cost more than it
    saves) and when no rule reads every element's comments (COMMENT_*)."""
    from workbench.breaking.inputs import source_bytes

    if side.fds is not None or any(r.startswith("COMMENT_") for c in configs for r in c.rule_ids()):
        return False
    return source_bytes(side) >= LOCATE_LATER_MIN_BYTES


def _locator(side: Side, parallel: bool) -> Locator:
    from workbench.lint.locations import Locator

    def fallback(names: list[str]) -> bytes | None:
        from workbench.breaking.inputs import _include_dirs, excluded_paths
        from workbench.contracts.proto_compile import compile_protos

        roots = _include_dirs(side)
        return compile_protos(roots[0], names, includes=roots[1:], hidden=excluded_paths(side)).descriptor_set

    assert side.fds is not None
    return Locator(side.fds, {name: root.dir / name for name, root in side.files.items()}, fallback, parallel)


def module_configs(side: Side) -> dict[str, LintConfig]:
    try:
        if side.layout is None:
            return {"": _contracts_config(side)}
        out: dict[str, LintConfig] = {}
        for root in side.layout.roots:
            if root.module not in out:
                out[root.module] = from_section(root.lint, root.version, root.config_file, root.ignore_prefix) \
                    if root.config_file else without_buf_yaml()
        return out
    except LintConfigError as exc:
        raise LintError(str(exc)) from None


def _contracts_config(side: Side) -> LintConfig:
    """A contracts repository: the buf.yaml in its proto folder or at its root, else buf's default."""
    from workbench.breaking.bufyaml import YamlError
    from workbench.breaking.bufyaml_schema import SchemaError, decode_buf_yaml

    for d in (side.proto_root, side.root):
        for name in ("buf.yaml", "buf.yml"):
            path = d / name if d is not None else None
            if path is not None and path.is_file():
                try:  # decoded as buf decodes it: a malformed buf.yaml reads the same everywhere
                    data = decode_buf_yaml(path.read_text(encoding="utf-8"))
                except (YamlError, SchemaError) as exc:
                    raise LintConfigError(f"{path}: {exc}") from None
                return from_section(data.get("lint") or {}, str(data["version"]), str(path))
    return without_buf_yaml()


def _unused_imports(side: Side) -> dict[tuple[str, str], tuple[int, int] | None]:
    """(file, import) -> where protoc saw the import statement (line, column), for what it called unused."""
    names = {side.prefix(n): n for n in side.files}
    out: dict[tuple[str, str], tuple[int, int] | None] = {}
    for w in side.warnings:
        m = re.match(_UNUSED, w.message)
        if m and w.file in names:
            out[(names[w.file], m["dep"])] = (w.line, w.column)
    return out


def _bufs_unused(fds: pb.FileDescriptorSet, names: set[str],
                 unused: set[tuple[str, str]] | dict[tuple[str, str], tuple[int, int] | None],
                 ) -> dict[tuple[str, str], tuple[int, int] | None]:
    """protoc's unused imports and those only buf's compiler calls unused (imports of files that
    import others publicly: workbench/lint/import_use.py), the latter with no place of protoc's."""
    from workbench.lint.import_use import buf_unused

    places = unused if isinstance(unused, dict) else {}
    return {pair: places.get(pair) for pair in buf_unused(fds, names, unused)}


def lint_set(fds: pb.FileDescriptorSet, names: Iterable[str], config: LintConfig,
             shown: object = None,
             unused: set[tuple[str, str]] | dict[tuple[str, str], tuple[int, int] | None] | None = None,
             source: Callable[[str], str] | None = None, locator: Locator | None = None,
             parallel: bool = False, image: set[str] | None = None) -> list[Violation]:
    """Lint the files `names` of a descriptor set under `config`; `image`: the files names resolve in
    (a module's image, where two modules define the same names), default the whole set.

    `shown(name)` names a file in findings (default: the name itself); `source(name)` reads its text;
    `locator` fills in the source info of files compiled without it, as the rules need it; `parallel`:
    a big tree, whose per-file rules run for half of the files in a forked child."""
    from workbench.lint.build import PER_FILE, RULES
    from workbench.lint.rules import Lint, LintFile

    show = shown if callable(shown) else (lambda n: n)
    all_files = {f.name: LintFile(f, show(f.name), source,
                                  locator if locator is not None and not f.HasField("source_code_info") else None)
                 for f in fds.file if image is None or f.name in image}
    wanted = set(names)
    if unused is not None and any(f.public_dependency for f in fds.file):
        unused = _bufs_unused(fds, wanted, unused)
    files = [all_files[n] for n in sorted(wanted) if n in all_files]
    if config.ignore_unstable_packages:
        files = [f for f in files if not config.unstable(f.package)]
    lint = Lint(files, all_files, config, unused)
    rule_ids = [rule_id for rule_id in config.rule_ids() if rule_id in RULES]
    if parallel and len(files) > 1:
        from workbench.breaking.forked import halves

        per_file = [rule_id for rule_id in rule_ids if rule_id in PER_FILE]
        rule_ids = [rule_id for rule_id in rule_ids if rule_id not in PER_FILE]

        def per_file_findings(part: list[LintFile]) -> list[Named]:
            run = Lint(part, all_files, config, unused)
            _run(run, per_file)
            return run.named_findings()

        for found in halves(files, per_file_findings):
            lint.take(found)
    _run(lint, rule_ids)
    return sorted(set(lint.finish()))


def _run(lint: Lint, rule_ids: Iterable[str]) -> None:
    from workbench.lint.build import RULES

    for rule_id in rule_ids:
        RULES[rule_id].handler(lint, rule_id)
