"""buf's `--path` and `--exclude-path`: which of an input's files are checked.

buf (bufctl, buffetch) reads each path relative to the current directory and maps it into every
input it builds: for a directory input, relative to that directory (a path that leaves it is
"<path relative to it>: is outside the context directory"); for a git input or a descriptor set,
as it is (it must be relative). A file is targeted when it is, or lies below, one of the paths and
none of the excluded ones; an input with no targeted file is buf's "no .proto files were targeted".
`buf breaking` applies the same paths to the against input, where a path the input has but the
against input lacks is that same error.
"""

from __future__ import annotations

import os
import posixpath

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from collections.abc import Iterable

    from workbench.breaking.inputs import Side


class TargetPaths:
    """--path and --exclude-path as the command line gave them (relative to the current directory)."""

    def __init__(self, paths: Iterable[str] = (), excludes: Iterable[str] = ()) -> None:
        # an empty value selects nothing and excludes nothing, as buf ignores it
        self.paths = tuple(p for p in paths if p)
        self.excludes = tuple(p for p in excludes if p)

    def __bool__(self) -> bool:
        return bool(self.paths or self.excludes)

    def check(self) -> str | None:
        """buf's refusal of a contradictory pair (before any input is read), or None."""
        for p in self.paths:
            for e in self.excludes:
                if _norm(p) == _norm(e):
                    return f'cannot set the same path for both --path and --exclude-path: "{_norm(p)}"'
        for p in self.paths:
            for e in self.excludes:
                if _below(_norm(p), _norm(e)):
                    return (f'excluded path "{_norm(e)}" contains targeted path "{_norm(p)}", which means all '
                            f'paths in "{_norm(p)}" will be excluded')
        return None


def _norm(path: str) -> str:
    shown = posixpath.normpath(path.replace(os.sep, "/"))
    return "" if shown == "." else shown


def _below(path: str, folder: str) -> bool:
    return not folder or path == folder or path.startswith(folder + "/")


def input_relative(path: str, input_dir: str | None) -> str:
    """`path` (as typed) relative to the input: its directory `input_dir`, or None for an input that
    is not a directory (a git tree, a descriptor set). Raises ValueError with buf's message."""
    if input_dir is not None:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(input_dir)).replace(os.sep, "/")
    else:
        if os.path.isabs(path):
            raise ValueError(f"{path}: expected to be relative")
        rel = posixpath.normpath(path.replace(os.sep, "/"))
    if rel == ".." or rel.startswith("../"):
        raise ValueError(f"{rel}: is outside the context directory")
    return "" if rel == "." else rel


def restrict(side: Side, spec: str, targets: TargetPaths) -> None:
    """Keep `side`'s files to those `targets` select (`side.files` is recomputed through the filter).
    Raises ValueError with buf's message for a path outside the input."""
    if not targets:
        return
    input_dir = spec if os.path.isdir(spec) and "#" not in spec else None
    paths = [input_relative(p, input_dir) for p in targets.paths]
    excludes = [input_relative(p, input_dir) for p in targets.excludes]
    modules = {root.shown for root in side.layout.roots} if side.layout is not None else set()
    for path in paths:
        if not path:
            raise ValueError("given input is equal to a value of --path, this has no effect and is disallowed")
        if path in modules:
            raise ValueError(f'module "{path}" was specified with --path, specify this module path directly as '
                             "an input")
    for path in excludes:
        if not path:
            raise ValueError('given input "." is equal to a value of --exclude-path ".", this would exclude '
                             "everything")
        if path in modules:
            raise ValueError(f'module "{path}" was specified with --exclude-path, this flag cannot be used to '
                             "specify module directories")
    side.restrict_to(lambda shown: (not paths or any(_below(shown, p) for p in paths))
                     and not any(_below(shown, e) for e in excludes))

class Selection:
    """What `buf breaking` compares of both inputs and how: --path/--exclude-path, --exclude-imports,
    --limit-to-input-files, --config and --against-config."""

    def __init__(self, targets: TargetPaths | None = None, exclude_imports: bool = False,
                 limit_to_input_files: bool = False, config: tuple[str, str] | None = None,
                 against_config: tuple[str, str] | None = None) -> None:
        self.targets = targets or TargetPaths()
        self.exclude_imports = exclude_imports
        self.limit_to_input_files = limit_to_input_files
        # --config and --against-config, read (`config_flag.read_config_flag`): (name, text)
        self.config = config
        self.against_config = against_config

    def against_targets(self, after: Side) -> TargetPaths:
        """The against input's paths: the input's own (with --limit-to-input-files, which overrides
        --path, its targeted files as buf names them: relative to the current directory)."""
        if self.limit_to_input_files:
            return TargetPaths([after.prefix(name) for name in sorted(after.files)])
        return self.targets

