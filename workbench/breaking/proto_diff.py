"""Run buf's rules over two descriptor sets and apply buf.yaml's ignores."""

from __future__ import annotations

from workbench.breaking.change import Change, Pair
from workbench.breaking.config import BreakingConfig
from workbench.breaking.rules import run_rules
from workbench.breaking.schema import Schema, build_schema

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from google.protobuf import descriptor_pb2 as pb


def diff_schemas(before: Schema, after: Schema, config: BreakingConfig, category: str | None = None,
                 parallel: bool = False) -> list[Change]:
    """`parallel`: a big review may run half of its message and field rules in a forked child (`run_rules`)."""
    pair = Pair(before, after)
    changes = run_rules(pair, config.rule_ids(category), parallel)
    kept = []
    for change in changes:
        path = change.file or change.against_file
        package = _package_of(before, after, change)
        # buf ignores a finding when either of its locations is ignored: a file moved out of an
        # ignored directory carries the ignore along (client.go, ignoreAnnotation). The base side has
        # a location only where the element had source there (an option set, not one added)
        if config.ignored(change.rule, path, package) or (
                _has_against_location(change) and change.against_file != path
                and config.ignored(change.rule, change.against_file, package)):
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


def diff_modules(before: Schema | dict[str, Schema], after: Schema | dict[str, Schema],
                 before_modules: dict[str, set[str]], after_modules: dict[str, set[str]],
                 configs: dict[str, BreakingConfig], category: str | None = None,
                 parallel: bool = False, exclude_imports: bool = False) -> list[Change]:
    """Each module of the input against the module of the same path in the base, with its own config.
    `exclude_imports` (buf's --exclude-imports): each module's own (targeted) files only.

    buf checks a module's image: its files and every file they import, transitively (other modules'
    files, well-known types, `google/protobuf/cpp_features.proto`, vendored copies), with no
    `--exclude-imports`. Imports that are the same on both sides report nothing; an import the input
    no longer reaches is a deleted file (`FILE_NO_DELETE`, and `PACKAGE_*` when its package or its
    messages go with it), while a vendored well-known type the input drops but still imports is
    still there (protoc's own copy).

    A side given as module -> Schema was compiled module by module (`module_images`): each schema is
    that module's image already.
    """
    out: list[Change] = []
    single = len(configs) == 1 and len(after_modules) <= 1 and len(before_modules) <= 1
    for module, config in configs.items():
        b = _module_image(before, before_modules.get(module, set()), module, single, exclude_imports)
        a = _module_image(after, after_modules.get(module, set()), module, single, exclude_imports)
        out += diff_schemas(b, a, config, category, parallel)
    if single:
        return out
    out.sort(key=Change.sort_key)
    return _dedupe(out)


def _module_image(schema: Schema | dict[str, Schema], names: set[str], module: str, single: bool,
                  exclude_imports: bool = False) -> Schema:
    if isinstance(schema, dict):
        found = schema.get(module)
        if found is None:
            return Schema()
        return found.restricted(names) if exclude_imports else found
    if exclude_imports:
        return schema.restricted(names)
    return schema.restricted(_image(schema, names) if not single else set(schema.all_files))


def _image(schema: Schema, names: set[str]) -> set[str]:
    """`names` and every file they import, transitively: a module's image as buf builds it."""
    out = set(names)
    todo = list(names)
    while todo:
        f = schema.all_files.get(todo.pop())
        if f is None:
            continue
        # edition 2024's `import option` files are in the image too
        for dep in (*f.proto.dependency, *f.proto.option_dependency):
            if dep not in out and dep in schema.all_files:
                out.add(dep)
                todo.append(dep)
    return out


def diff_sets(before: pb.FileDescriptorSet, after: pb.FileDescriptorSet, config: BreakingConfig,
              before_targets: set[str] | None = None, after_targets: set[str] | None = None,
              category: str | None = None, before_sources: dict[str, str] | None = None,
              after_sources: dict[str, str] | None = None) -> list[Change]:
    """One module's sets: the targets and their imports, as `diff_modules` compares them."""
    b, a = build_schema(before, before_targets, before_sources), build_schema(after, after_targets, after_sources)
    return diff_modules(b, a, {"": set(b.files)}, {"": set(a.files)}, {"": config}, category)


def _has_against_location(change: Change) -> bool:
    """Whether buf's annotation has an against location: the base element's source was found
    (`emit` found a span), or the finding has no input location at all (a deletion)."""
    return bool(change.against_file) and (bool(change.against_line) or not change.file)


def _package_of(before: Schema, after: Schema, change: Change) -> tuple[str, ...]:
    """The packages of the finding's locations (buf's ignoreAnnotation checks each location's file:
    the input's, and the base's only where it has one); a deleted package's name when it has no file.

    A file moved from an unstable package to a stable one and given a new option is reported: the
    option's base location is nil in buf, so the base file's package is not looked at."""
    out = []
    f = after.files.get(change.file) if change.file else None
    if f is not None:
        out.append(f.package)
    if _has_against_location(change):
        f = before.files.get(change.against_file)
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
