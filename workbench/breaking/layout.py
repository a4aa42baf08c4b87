"""Where a buf module's or workspace's protos are: the module layout `buf breaking`/`buf lint` use.

Read from the directory's own config, as buf does:

- `buf.work.yaml` (v1): `directories`, each a module with its own optional `buf.yaml`;
- `buf.yaml` v2: `modules` (`path`, `excludes`, and a `breaking`/`lint` section of its own that wins
  over the top-level one); without `modules`, one module at the directory;
- `buf.yaml` v1: one module at the directory, `build.excludes` relative to it;
- `buf.yaml` v1beta1: `build.roots` (each a root of its own), `build.excludes` relative to the
  `buf.yaml`;
- no config: the directory itself is the only root.

Each root is compiled with all the others on the include path (a workspace's modules import each
other); findings name files as buf prints them, the module's path joined with the file's name.
"""

from __future__ import annotations

from pathlib import Path

from workbench.breaking.bufyaml import YamlError, parse
from workbench.contracts.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any

CONFIG_NAMES = ("buf.yaml", "buf.yml")
WORK_NAMES = ("buf.work.yaml", "buf.work.yml")


class LayoutError(ValueError):
    """A buf config that cannot be read: a usage error naming the file."""


class Root(Record):
    """One include root: a module (v1, v2) or one of a v1beta1 module's roots."""

    _fields = (
        "path", "dir", "excludes", "version", "config_file", "breaking", "lint", "ignore_prefix", "module",
        "includes", "description", "shown", "target",
    )

    def __init__(self, path: str, dir: Path, excludes: tuple[str, ...] = (), version: str = "v2",
                 config_file: str = "", breaking: dict[str, Any] | None = None,
                 lint: dict[str, Any] | None = None, ignore_prefix: str = "", module: str = "",
                 includes: tuple[str, ...] = (), description: str = "") -> None:
        self.path = path  # relative to the input directory, "" for the directory itself; buf's path prefix
        self.dir = dir
        self.excludes = excludes  # relative to `dir`
        self.version = version
        self.config_file = config_file  # the buf.yaml that configures it ("" for none)
        self.breaking = {} if breaking is None else breaking  # the effective `breaking` section
        self.lint = {} if lint is None else lint  # the effective `lint` section
        # v2 ignore paths are relative to the buf.yaml's directory, which sits above the module
        self.ignore_prefix = ignore_prefix
        self.module = module  # which module it belongs to (a v1beta1 module has several roots): rules run per module
        self.includes = includes  # v2 `includes`, relative to `dir`: when set, only files below them
        # how buf names the module in its errors ('path: "a", excludes: "a/x"'), see module_description
        self.description = description or module_description(path or ".")
        # its path relative to the input directory, where that is a folder of the workspace (`targeted`)
        self.shown = path
        # one of the modules the input holds: linted and compared; the others only resolve imports
        self.target = True

    @property
    def prefix(self) -> str:
        return f"{self.shown}/" if self.shown else ""

    def files(self) -> list[str]:
        """Every .proto below the root, minus the excluded ones, relative to the root, sorted (read
        once: the checks before a compile and the compile itself list the same tree)."""
        listed: list[str] | None = self.__dict__.get("_listed")
        if listed is None:
            listed = self.__dict__["_listed"] = self._list_files()
        return listed

    def _list_files(self) -> list[str]:
        if not self.dir.is_dir():
            return []
        from workbench.contracts.proto_compile import proto_files

        return [rel for rel in proto_files(self.dir)
                if not any(rel == e or rel.startswith(e + "/") for e in self.excludes)
                and (not self.includes or any(rel == i or rel.startswith(i + "/") for i in self.includes))]


def module_description(path: str, excludes: list[str] | tuple[str, ...] = (),
                       includes: list[str] | tuple[str, ...] = ()) -> str:
    """buf's name for a local module in its messages (`Module "<this>" had no .proto files`): the
    path, then the includes and excludes as written in the buf.yaml, sorted, one quoted or a list."""
    def listed(paths: list[str] | tuple[str, ...]) -> str:
        quoted = [f'"{p}"' for p in sorted(set(paths))]
        return quoted[0] if len(quoted) == 1 else f"[{', '.join(quoted)}]"

    out = f'path: "{path}"'
    if includes:
        out += f", includes: {listed(includes)}"
    if excludes:
        out += f", excludes: {listed(excludes)}"
    return out


class EmptyModuleError(ValueError):
    """A module buf refuses to build: it has no .proto file (`Module "..." had no .proto files`), or
    shares a file name with another module or root."""


def check_unique_paths(roots: list[Root]) -> None:
    """Raise buf's error for the first file name (sorted) that two roots hold: in two modules of a
    workspace, `a.proto is contained in multiple modules:` and the modules, one a line, by path; in two
    roots of one v1beta1 module, `a.proto exists in multiple locations: r1/a.proto r2/a.proto`
    (measured with buf 1.75; buf names any one such file there, run to run)."""
    holders: dict[str, list[Root]] = {}
    for root in roots:
        for name in root.files():
            holders.setdefault(name, []).append(root)
    for name in sorted(n for n, held in holders.items() if len(held) > 1):
        held = holders[name]
        modules = sorted({root.module: root.description for root in held}.items())
        if len(modules) > 1:
            raise EmptyModuleError(f"{name} is contained in multiple modules:\n" +
                                   "\n".join(f"  {description}" for _, description in modules))
        module = held[0].module
        located = [f"{root.path.removeprefix(module + '/') if module else root.path}/{name}" for root in held]
        raise EmptyModuleError(f"{name} exists in multiple locations: {' '.join(located)}")


def check_not_empty(roots: list[Root]) -> None:
    """Raise buf's error for the first module (by path) none of whose roots holds a file."""
    having = {root.module for root in roots if root.files()}
    for root in sorted(roots, key=lambda r: r.module):
        if root.module not in having:
            raise EmptyModuleError(f'Module "{root.description}" had no .proto files')


class Layout(Record):
    """A buf module or workspace: its roots and its modules' configs."""

    _fields = ("dir", "roots", "source", "sub")

    def __init__(self, dir: Path, roots: list[Root], source: str = "", sub: str = "") -> None:
        self.dir = dir
        self.roots = roots
        self.source = source  # the config file the layout came from ("" when there is none)
        self.sub = sub  # the input directory relative to `dir`: "" unless the input is a folder of the workspace

    def files(self) -> dict[str, Root]:
        """file name (as protoc knows it) -> its root; the first root wins, as on protoc's path."""
        out: dict[str, Root] = {}
        for root in self.roots:
            for name in root.files():
                out.setdefault(name, root)
        return out


def has_config(directory: Path) -> bool:
    return any((directory / n).is_file() for n in (*CONFIG_NAMES, *WORK_NAMES))


NO_TARGETS = ("no .proto files were targeted. This can occur if no .proto files are found in your input, --path "
              "points to files that do not exist, or --exclude-path excludes all files.")


def read_input_layout(directory: Path, *, label: str = "", top: Path | None = None) -> Layout:
    """The layout `buf lint`/`buf breaking` use for the input directory `directory`, as buf finds it
    (buftarget's terminateAtControllingWorkspace, walked from the input up to `top`, default the
    file system's root): the first folder whose buf.work.yaml lists a directory that is or holds the
    input, or whose v2 buf.yaml has a module that is, holds or lies below the input, controls it, and
    the input's modules are its targets (the workspace's other modules only resolve imports). A
    folder inside a module is refused ("... contained by module at path ..."). Without such a folder,
    the input is a module of its own: its v1/v1beta1 buf.yaml, or none (a v1 buf.yaml above is not
    looked at)."""
    found = _controlling_workspace(directory, top)
    if found is None:
        return read_layout(directory, label=label)
    workspace, sub = found
    layout = read_layout(workspace, label="")
    return _targeted(layout, sub, directory) if sub else layout


def _controlling_workspace(directory: Path, top: Path | None) -> tuple[Path, str] | None:
    import os

    start = os.path.abspath(directory)
    stop = os.path.abspath(top) if top is not None else None
    current = start
    while True:
        here = Path(current)
        work = next((here / n for n in WORK_NAMES if (here / n).is_file()), None)
        config = next((here / n for n in CONFIG_NAMES if (here / n).is_file()), None)
        if work is not None and config is not None:
            raise LayoutError(f'cannot have a buf.work.yaml and buf.yaml in the same directory "{current.lstrip("/")}"')
        sub = "" if current == start else os.path.relpath(start, current).replace(os.sep, "/")
        if config is not None:
            data = _load(config, "")
            if str(data["version"]) == "v2":
                modules = [_module_dir(m) for m in [m for m in data.get("modules") or [] if m] or [{"path": "."}]]
                if not sub or any(_holds(m, sub) or _holds(sub, m) for m in modules):
                    return here, sub
        elif work is not None:
            data = _load(work, "")
            if not sub or any(_holds(str(d).strip("/"), sub) for d in data.get("directories") or ()):
                return here, sub
        parent = os.path.dirname(current)
        if current == stop or parent == current:
            return None
        current = parent


def _module_dir(module: object) -> str:
    path = str(module.get("path") or ".") if isinstance(module, dict) else "."
    path = path.strip("/")
    return "" if path in ("", ".") else path


def _holds(folder: str, path: str) -> bool:
    """Is `path` (relative to the workspace, "" for it) `folder` or below it?"""
    return not folder or path == folder or path.startswith(folder + "/")


def _targeted(layout: Layout, sub: str, directory: Path) -> Layout:
    """`layout` seen from its folder `sub`: the modules at or below it are the targets, every path is
    shown relative to it; a folder inside a module is buf's usage error."""
    import os

    targets = [root for root in layout.roots if _holds(sub, root.module)]
    if not targets:
        holder = next((m for m in sorted({r.module for r in layout.roots}) if _holds(m, sub)), None)
        if not any(files for _, _, files in os.walk(directory)):
            raise LayoutError(NO_TARGETS)
        raise LayoutError(f'failed to build input "{sub}" because it is contained by module at path '
                          f'"{holder or "."}" specified in your configuration, you must provide the workspace '
                          "or module as the input, and filter to this path using --path")
    for root in layout.roots:
        root.target = any(root is t for t in targets)
        shown = os.path.relpath(root.path or ".", sub).replace(os.sep, "/")
        root.shown = "" if shown == "." else shown
    layout.sub = sub
    return layout


def read_layout(directory: Path, *, label: str = "") -> Layout:
    """The layout of `directory` (`label`: how messages name it, default the path)."""
    for name in WORK_NAMES:
        work = directory / name
        if work.is_file():
            return _workspace(directory, work, label)
    for name in CONFIG_NAMES:
        config = directory / name
        if config.is_file():
            return Layout(directory, _module(directory, "", config, label), str(config))
    return Layout(directory, [Root("", directory)])


def _load(path: Path, label: str, text: str | None = None) -> dict[str, Any]:
    """A buf.yaml or buf.work.yaml, parsed and checked against what buf's strict decode accepts
    (`text`: its content given, as --config gives it)."""
    from workbench.breaking.bufyaml_schema import SchemaError, check_buf_work_yaml, decode_buf_yaml

    shown = _shown(path, label)
    try:
        if text is None:
            text = path.read_text(encoding="utf-8")
        if path.name in WORK_NAMES:
            data = parse(text)
            check_buf_work_yaml(data)
        else:
            data = decode_buf_yaml(text)
    except (YamlError, SchemaError, OSError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{shown}: {exc}") from None
    return data  # type: ignore[no-any-return]


def _shown(path: Path, label: str) -> str:
    return f"{label}/{path.name}" if label else str(path)


def _strings(data: dict[str, Any], key: str, where: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip("/") for v in value]
    raise LayoutError(f"{where}: '{key}' must be a list of paths")


def _section(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise LayoutError(f"{where}: '{key}' must be a mapping")
    return value


def _workspace(directory: Path, work: Path, label: str) -> Layout:
    data = _load(work, label)
    where = _shown(work, label)
    dirs = _strings(data, "directories", where)
    if not dirs:
        raise LayoutError(f"{where}: 'directories' lists no module")
    roots: list[Root] = []
    for d in dirs:
        module_dir = directory / d
        config = next((module_dir / n for n in CONFIG_NAMES if (module_dir / n).is_file()), None)
        if config is None:
            roots.append(Root(d, module_dir, version="v1", module=d))
        else:
            roots += _module(module_dir, d, config, label and f"{label}/{d}")
    return Layout(directory, roots, str(work))


def override_layout(directory: Path, source: str, text: str) -> Layout:
    """buf's --config: the buf.yaml `text` (named `source` in messages) as if it were the input
    directory's own; the buf.yaml or buf.work.yaml on disk, here or above, is not read."""
    return Layout(directory, _module(directory, "", Path(source), "", text), source)


def _module(directory: Path, path: str, config: Path, label: str, text: str | None = None) -> list[Root]:
    """The roots a buf.yaml at `directory` (`path` relative to the input) defines."""
    data = _load(config, label, text)
    where = _shown(config, label)
    version = str(data["version"])  # checked by _load: one of v1beta1, v1, v2
    breaking = _section(data, "breaking", where)
    lint = _section(data, "lint", where)
    build = _section(data, "build", where)

    def join(rel: str) -> str:
        """`rel` (relative to the buf.yaml) relative to the input directory."""
        if rel in ("", "."):
            return path
        return f"{path}/{rel}" if path else rel

    if version == "v2":
        modules = data.get("modules") or []
        if not isinstance(modules, list) or not all(m is None or isinstance(m, dict) for m in modules):
            raise LayoutError(f"{where}: 'modules' must be a list of mappings with a 'path'")
        # `- ~` is no module at all for buf (`[~, {path: .}]` is one module, `[~, ~]` the default one)
        modules = [m for m in modules if m is not None] or [{"path": "."}]
        roots: list[Root] = []
        for module in modules:
            rel = str(module.get("path") or ".").strip("/") or "."
            module_dir = directory if rel == "." else directory / rel
            written = _strings(module, "excludes", where)
            excludes = [e if rel == "." else e.removeprefix(rel + "/") for e in written]
            shown_includes = _strings(module, "includes", where)
            includes = [i if rel == "." else i.removeprefix(rel + "/") for i in shown_includes]
            description = module_description(join(rel) or ".", written, shown_includes)
            if any(r.description == description for r in roots):
                raise LayoutError(f"{where}: multiple module configs found with the same description: {description}")
            roots.append(Root(join(rel), module_dir, tuple(excludes), version, str(config),
                              _section(module, "breaking", where) or breaking,
                              _section(module, "lint", where) or lint,
                              "" if rel == "." else rel + "/", join(rel), tuple(includes), description))
        return roots
    excludes = _strings(build, "excludes", where)
    if version == "v1":
        roots_v1 = _strings(build, "roots", where)
        if roots_v1:  # buf: "decode buf.yaml: build.roots cannot be set on version v1: [a b]"
            raise LayoutError(f"{where}: build.roots cannot be set on version v1: [{' '.join(roots_v1)}] "
                              "(roots are a v1beta1 setting; v1 has one root per module)")
        return [Root(path, directory, tuple(excludes), version, str(config), breaking, lint, "", path,
                     description=module_description(path or ".", excludes))]
    # v1beta1: several roots; excludes are relative to the buf.yaml and fall inside one root
    roots = []
    listed = [root.strip("/") or "." for root in _strings(build, "roots", where) or ["."]]
    # buf names a v1beta1 module by its path, with its excludes only when its one root is the module
    description = module_description(path or ".", excludes if listed == ["."] else ())
    for r in listed:
        if r != "." and not (directory / r).is_dir():
            # A root whose files were all deleted is absent from a checkout (git keeps no empty
            # folders): it holds no files, so it is left out rather than made a protoc -I error.
            continue
        kept = [e.removeprefix(r + "/") for e in excludes if r == "." or e.startswith(r + "/")]
        roots.append(Root(join(r), directory if r == "." else directory / r, tuple(kept), version,
                          str(config), breaking, lint, "", path, description=description))
    if not roots:  # every root is missing: the module has no files, which buf refuses (check_not_empty)
        roots.append(Root(join(listed[0]), directory / listed[0], (), version, str(config), breaking, lint, "",
                          path, description=description))
    return roots
