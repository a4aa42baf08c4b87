"""Run buf's rules over two descriptor sets and apply buf.yaml's ignores."""

from __future__ import annotations

from workbench.breaking.change import Change, Pair
from workbench.breaking.config import BreakingConfig
from workbench.breaking.rules import run_rules
from workbench.breaking.schema import Schema, build_schema

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from google.protobuf import descriptor_pb2 as pb


def diff_schemas(before: Schema, after: Schema, config: BreakingConfig, category: str | None = None) -> list[Change]:
    pair = Pair(before, after)
    changes = run_rules(pair, config.rule_ids(category))
    kept = []
    for change in changes:
        path = change.file or change.against_file
        package = _package_of(before, after, change)
        if config.ignored(change.rule, path, package):
            continue
        if not path and change.rule == "PACKAGE_NO_DELETE":
            # a deleted package has no file: buf ignores it when every file it had is ignored
            paths = [f.path for f in before.files.values() if f.package == change.entity]
            if paths and all(config.ignored(change.rule, p, ()) for p in paths):
                continue
        change.category = config.primary_category(change.rule)
        kept.append(change)
    kept.sort(key=Change.sort_key)
    return _dedupe(kept)


def diff_modules(before: Schema, after: Schema, before_modules: dict[str, set[str]],
                 after_modules: dict[str, set[str]], configs: dict[str, BreakingConfig],
                 category: str | None = None) -> list[Change]:
    """Each module of the input against the module of the same path in the base, with its own config.

    buf compares a module's image, and an image holds the module's files and everything they import
    (`buf breaking` excludes no imports unless told `--exclude-imports`): files of other modules of a
    workspace, and the well-known types. So a well-known type the module stops importing is
    `FILE_NO_DELETE` ("google/protobuf/empty.proto" was deleted), its messages `PACKAGE_MESSAGE_NO_DELETE`
    and, when it was the last one, `google.protobuf` is `PACKAGE_NO_DELETE`; and a vendored one
    (`google/protobuf/*.proto` in the module) that the input no longer holds but still imports is the
    same file from the compiler's own copy: no deletion.
    """
    out: list[Change] = []
    single = len(configs) == 1 and len(after_modules) <= 1 and len(before_modules) <= 1
    for module, config in configs.items():
        b_files = set(before.files) if single else before_modules.get(module, set())
        a_files = set(after.files) if single else after_modules.get(module, set())
        b_names, a_names = _with_imports(before, b_files), _with_imports(after, a_files)
        if b_names == set(before.files) and a_names == set(after.files):
            out += diff_schemas(before, after, config, category)
        else:
            out += diff_schemas(before.restricted(b_names), after.restricted(a_names), config, category)
    out.sort(key=Change.sort_key)
    return _dedupe(out)


def _with_imports(schema: Schema, names: set[str]) -> set[str]:
    """`names` and every file they import, directly or not (the image buf builds for them)."""
    out = set(names)
    todo = list(names)
    while todo:
        f = schema.all_files.get(todo.pop())
        if f is None:
            continue
        for dep in f.proto.dependency:
            if dep not in out and dep in schema.all_files:
                out.add(dep)
                todo.append(dep)
    return out


def diff_sets(before: pb.FileDescriptorSet, after: pb.FileDescriptorSet, config: BreakingConfig,
              before_targets: set[str] | None = None, after_targets: set[str] | None = None,
              category: str | None = None, before_sources: dict[str, str] | None = None,
              after_sources: dict[str, str] | None = None) -> list[Change]:
    """One module's sets compared as buf compares them (its imports included, see `diff_modules`)."""
    b, a = build_schema(before, before_targets, before_sources), build_schema(after, after_targets, after_sources)
    return diff_modules(b, a, {"": set(b.files)}, {"": set(a.files)}, {"": config}, category)


def _package_of(before: Schema, after: Schema, change: Change) -> tuple[str, ...]:
    """The packages of the finding's file on both sides; a deleted package's name when it has no file."""
    out = []
    for schema, path in ((after, change.file), (before, change.file), (before, change.against_file)):
        f = schema.files.get(path) if path else None
        if f is not None:
            out.append(f.package)
    if not out and change.rule == "PACKAGE_NO_DELETE":
        out.append(change.entity)
    return tuple(out)


def _dedupe(changes: list[Change]) -> list[Change]:
    seen: set[tuple[str, str, int, int, str]] = set()
    out = []
    for c in changes:
        key = (c.rule, c.file, c.line, c.column, c.message)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
