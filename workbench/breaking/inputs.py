"""Resolve INPUT / --against into a tree on disk plus a compiled FileDescriptorSet.

A side is a git ref (read from git objects into a temp dir: the working tree is never touched), a
directory (a repository root with proto/, or a proto root itself) or a FileDescriptorSet file.
Both sides compile in parallel when they are big enough for a forked worker to pay off.
"""

from __future__ import annotations

import os
from pathlib import Path

from workbench.breaking.layout import Layout, Root, has_config, read_input_layout
from workbench.contracts.record import Record
from workbench.findings import Finding, Severity

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from collections.abc import Callable
    from tempfile import TemporaryDirectory

    from google.protobuf import descriptor_pb2 as pb

    from workbench.breaking.forked_compile import Job

# What a side of the comparison needs from a git tree: a contracts repository's parts, and every
# .proto and buf config anywhere (a buf module or workspace may sit in any folder).
TREE_PATHS = ("proto", "sql", "seeders", "CHANGELOG.md", "CONTRACTS.md", "buf.yaml", "buf.yml", "workbench.toml")
BUF_FILES = ("buf.yaml", "buf.yml", "buf.work.yaml", "buf.work.yml")
# Below this many bytes of .proto source per side, forking a worker costs more than it saves. Measured
# on the 2-core dev machine (median of 5, both sides compiled): this repository's 30 KB of protos take
# 33 ms one after the other and 55 ms with a forked worker; a generated 4.4 MB tree 2.6 s vs 1.9 s.
PARALLEL_MIN_BYTES = 256 * 1024


class InputError(Exception):
    """Usage or environment problem (unknown ref, unreadable file): exit 2."""


class Side(Record):
    """One side of the comparison: where its protos are and, once compiled, its descriptors."""

    _fields = (
        "spec", "label", "root", "proto_root", "rel_prefix", "fds", "targets", "commit", "findings",
        "warnings", "layout", "_tmp", "_files", "images", "external", "_selected",
    )

    def __init__(self, spec: str, label: str, root: Path | None = None, proto_root: Path | None = None,
                 rel_prefix: str = "", fds: pb.FileDescriptorSet | None = None,
                 targets: set[str] | None = None, commit: str = "", findings: list[Finding] | None = None,
                 warnings: list[Finding] | None = None, layout: Layout | None = None,
                 _tmp: TemporaryDirectory[str] | None = None, _files: dict[str, Root] | None = None) -> None:
        self.spec = spec  # what the user typed
        self.label = label  # what the report calls it (ref + commit, directory, file)
        self.root = root  # contracts repository (sql/, seeders/, CHANGELOG.md ...) when there is one
        self.proto_root = proto_root  # the one proto root when there is no buf layout
        self.rel_prefix = rel_prefix  # proto root relative to the repository root, for file names in findings
        self.fds = fds
        self.targets = targets
        self.commit = commit
        self.findings = [] if findings is None else findings  # compile errors
        self.warnings = [] if warnings is None else warnings  # protoc's warnings (unused imports, no syntax)
        self.layout = layout  # a buf module or workspace: its roots
        self._tmp = _tmp
        self._files = _files
        # module -> the files of its image, when its modules were compiled apart (`module_images`);
        # None when they compiled together and every module's names resolve in the whole set
        self.images: dict[str, set[str]] | None = None
        # the input directory as the command line gave it ("proto/", "../after/"): buf names files by
        # it (its external paths), "" for the current directory
        self.external = ""
        self._source_bytes: int | None = None  # size of its .proto files, once measured
        # file -> its source info's bytes, kept out of `fds` (`compile_sides(source_apart=True)`)
        self.source_infos: dict[str, bytes] = {}
        # --path/--exclude-path (`target_paths.restrict`): a file's path relative to the input -> targeted?
        self._selected: Callable[[str], bool] | None = None

    def restrict_to(self, selected: Callable[[str], bool]) -> None:
        self._selected = selected
        self._files = None

    def forget_files(self) -> None:
        """Its files listed again (its layout was replaced: `config_flag.apply_config`)."""
        self._files = None

    @property
    def roots(self) -> list[Root]:
        if self.layout is not None:
            return self.layout.roots
        if self.proto_root is None:
            return []
        return [Root(self.rel_prefix.strip("/"), self.proto_root)]

    @property
    def files(self) -> dict[str, Root]:
        """Compiled file name -> its root (targets only: excluded files, and those of a workspace's
        modules outside the input folder, are not listed)."""
        if self._files is None:
            self._files = {}
            for root in self.roots:
                if root.target:
                    for name in root.files():
                        if self._selected is None or self._selected(root.prefix + name):
                            self._files.setdefault(name, root)
        return self._files

    def prefix(self, name: str) -> str:
        """How findings name `name`: its root's path joined with it, as buf prints it."""
        root = self.files.get(name) or self._imported_root(name)
        if root is None:
            return name if self.layout is not None or not self.rel_prefix else self.rel_prefix + name
        shown = self.external + root.prefix + name
        if "../" in shown:  # a module beside the input folder, seen from it
            import posixpath

            shown = posixpath.normpath(shown)
            if self.external.startswith("../") and self.layout is not None and not self.layout.sub:
                # the workspace above the current directory as the input (`lint .. --path x` in a
                # module folder): buf 1.75 names a file by its path from the current directory, back
                # down into it. Seen for a v1 and a v2 workspace; a module folder of a workspace as the
                # input (`lint ../../proto` in proto/acme) keeps the joined path (test_breaking_dropin).
                shown = os.path.relpath(os.path.abspath(shown)).replace(os.sep, "/")
        return shown

    def _imported_root(self, name: str) -> Root | None:
        """The root of a file of a module outside the input folder (only imported from it)."""
        return next((root for root in self.roots if not root.target and name in root.files()), None)

    def shown_prefixes(self) -> dict[str, str]:
        """file -> what names it in compile errors: its root's prefix, for every root's files (a target
        may import a file of a module outside the input folder)."""
        out: dict[str, str] = {}
        for root in self.roots:
            for name in root.files() if not root.target else ():
                out.setdefault(name, self.external + root.prefix)
        for name in self.files:
            out[name] = self.prefix(name).removesuffix(name)
        return out

    def source(self, path: str) -> str:
        root = self.files.get(path)
        base = root.dir if root is not None else self.proto_root
        if base is None:
            return ""
        try:
            # bytes as they are: read_text's universal newlines would make a lone carriage return a
            # line break, which it is neither to protoc's line numbers nor to buf's columns
            return (base / path).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def sources(self) -> dict[str, str]:
        return {path: self.source(path) for path in sorted(self.targets or ())}

    def cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def require_files(side: Side) -> None:
    """buf builds no module without a .proto file, nor two modules holding the same file name: a buf module or workspace (or a plain folder, a
    module at ".") with an empty module is a usage error, as `buf lint`/`buf breaking` make it, on
    either side. A contracts repository or a descriptor set is not a buf input and is let through."""
    from workbench.breaking.layout import NO_TARGETS, EmptyModuleError, check_not_empty, check_unique_paths

    if side.layout is not None:
        try:
            check_unique_paths(side.layout.roots)
            check_not_empty(side.layout.roots)
        except EmptyModuleError as exc:
            raise InputError(str(exc)) from None
    if side._selected is not None and not side.files:  # --path/--exclude-path left nothing
        raise InputError(NO_TARGETS)


def git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    import subprocess  # noqa: S404 - git is called with argument lists, never a shell; imported when needed

    try:
        done = subprocess.run(["git", "-C", str(repo), *args], input=input, capture_output=True, check=False)  # noqa: S603, S607
    except OSError as exc:
        raise InputError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        raise InputError(done.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} failed")
    return done.stdout


def resolve_commit(repo: Path, ref: str) -> str | None:
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip() or None
    except InputError:
        return None


def merge_base(repo: Path, a: str, b: str) -> str:
    try:
        return git(repo, "merge-base", a, b).decode().strip()
    except InputError:
        return b  # unrelated histories: fall back to the ref itself


def _wanted(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.endswith(".proto") or name in BUF_FILES or \
        any(path == p or path.startswith(p + "/") for p in TREE_PATHS)


def extract_tree(repo: Path, commit: str, dest: Path, subdir: str = "") -> None:
    """Write the blobs a review reads at `commit` into `dest` with one `git cat-file --batch`."""
    listing = git(repo, "ls-tree", "-r", "-z", commit, *(["--", subdir] if subdir else []))
    entries: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind == "blob" and mode != "120000" and _wanted(path):
            entries.append((oid, path))
    if not entries:
        return
    data = git(repo, "cat-file", "--batch", input="".join(f"{oid}\n" for oid, _ in entries).encode())
    pos = 0
    for _oid, path in entries:
        header_end = data.index(b"\n", pos)
        size = int(data[pos:header_end].split()[2])
        body = data[header_end + 1: header_end + 1 + size]
        pos = header_end + 1 + size + 1
        target = dest / path
        if not target.resolve().is_relative_to(dest.resolve()):
            continue  # never write outside the temp dir, whatever the tree says
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)


def repo_root(start: Path) -> Path | None:
    try:
        return Path(git(start, "rev-parse", "--show-toplevel").decode().strip())
    except InputError:
        return None


def open_side(spec: str, repo: Path | None, *, proto_dir: str = "proto", base_of: str | None = None,
              subdir: str = "", inner: str = "", as_given: bool = False) -> Side:
    """Resolve `spec`: a directory, a descriptor set file, a git ref, or buf's `PATH.git#branch=B,subdir=D`.

    `base_of`: use merge-base(base_of, spec); `subdir`: the folder of the git tree to read (the input
    directory's place in its repository, so `--against main` in a module folder compares that folder);
    `inner`: the input's folder below it, when the input is a folder of the workspace at `subdir`.
    `as_given`: a directory's files are named by the path as the command line gave it (`external_path`),
    as buf prints them; otherwise relative to the directory.
    """
    if not spec.strip():
        raise InputError("an empty ref: give a git ref, a directory or a FileDescriptorSet file")
    if "#" in spec:
        return _buf_git_side(spec)
    path = Path(spec)
    if not path.is_absolute():
        path = Path.cwd() / spec
    if path.is_dir():
        side = directory_side(spec, path, proto_dir)
        if side.layout is not None and as_given:
            side.external = external_path(spec)
        return side
    if path.is_file():
        return _descriptor_set_side(spec, path)
    if repo is None:
        raise InputError(f"{spec!r} is neither a directory nor a FileDescriptorSet file (and {Path.cwd()} is "
                         "not in a git repository, so it cannot be a git ref)")
    commit = resolve_commit(repo, spec)
    if commit is None:
        raise InputError(f"{spec!r} is neither a directory, a FileDescriptorSet file nor a git ref in {repo}")
    label = f"{spec} ({commit[:12]})"
    if base_of is not None:
        base = merge_base(repo, base_of, commit)
        if base != commit:
            label = f"merge-base of {base_of} and {spec} ({base[:12]})"
        commit = base
    return git_side(spec, label, repo, commit, subdir, proto_dir, inner)


def external_path(spec: str) -> str:
    """The prefix buf gives a directory input's files in what it prints: an absolute path as it is,
    a relative one relative to the current directory ("./after/" -> "after/", "." -> "", "../proto"
    in proto -> "")."""
    if os.path.isabs(spec):
        shown = os.path.normpath(spec)
    else:
        shown = os.path.relpath(os.path.abspath(spec), os.getcwd())
    shown = shown.replace(os.sep, "/")
    return "" if shown == "." else shown.rstrip("/") + "/"


def git_side(spec: str, label: str, repo: Path, commit: str, subdir: str, proto_dir: str = "proto",
             inner: str = "") -> Side:
    import tempfile

    tmp = tempfile.TemporaryDirectory(prefix="wb-breaking-")
    root = Path(tmp.name)
    try:
        extract_tree(repo, commit, root, subdir.strip("/"))
    except InputError:
        tmp.cleanup()
        raise
    where = root / subdir.strip("/") if subdir.strip("/") else root
    side = directory_side(spec, where / inner if inner else where, proto_dir, label, top=root)
    side.commit = commit
    side._tmp = tmp
    return side


def _buf_git_side(spec: str) -> Side:
    """buf's git input: `.git#branch=main`, `../repo/.git#tag=v1.0.0,subdir=proto`, `#ref=HEAD~1`."""
    location, _, options = spec.partition("#")
    opts: dict[str, str] = {}
    for part in options.split(","):
        key, eq, value = part.partition("=")
        if not eq or not value:
            raise InputError(f"{spec}: expected KEY=VALUE options after '#' (branch, tag, ref, commit, subdir)")
        opts[key.strip()] = value.strip()
    unknown = set(opts) - {"branch", "tag", "ref", "commit", "subdir", "depth", "recurse_submodules"}
    if unknown:
        raise InputError(f"{spec}: unknown option {sorted(unknown)[0]!r}")
    path = Path(location or ".")
    repo = path.parent if path.name == ".git" else path
    if not (repo / ".git").exists():
        raise InputError(f"{spec}: {repo} is not a git repository")
    ref = opts.get("commit") or opts.get("ref") or opts.get("tag") or opts.get("branch") or "HEAD"
    commit = resolve_commit(repo, ref)
    if commit is None:
        raise InputError(f"{spec}: no {ref!r} in {repo}")
    # the whole tree: the workspace that controls `subdir` may be configured above it (`read_input_layout`)
    return git_side(spec, f"{spec} ({commit[:12]})", repo, commit, "", inner=opts.get("subdir", "").strip("/"))


def is_contracts_repo(path: Path) -> bool:
    return (path / "workbench.toml").is_file() or ((path / "proto").is_dir() and (path / "sql").is_dir())


def directory_side(spec: str, path: Path, proto_dir: str = "proto", label: str = "", top: Path | None = None) -> Side:
    """A contracts repository (its proto folder), a buf module or workspace (its config's layout, found
    from `path` up to `top` as buf finds it: `layout.read_input_layout`), or a folder of protos (the
    folder itself is the only root, as buf does without a config)."""
    label = label or str(path)
    nested = path / proto_dir
    if is_contracts_repo(path) or (not has_config(path) and nested.is_dir() and any(nested.rglob("*.proto"))):
        return Side(path.as_posix(), label, root=path, proto_root=nested, rel_prefix=f"{proto_dir.strip('/')}/")
    from workbench.breaking.layout import LayoutError

    try:
        layout = read_input_layout(path, label="" if label == str(path) else label, top=top)
    except LayoutError as exc:
        raise InputError(str(exc)) from None
    return Side(spec, label, root=None, proto_root=path, layout=layout)


def _descriptor_set_side(spec: str, path: Path) -> Side:
    if path.suffix == ".proto":
        raise InputError(f"{spec}: a .proto file; give the directory that holds the protos (or a ref)")
    from google.protobuf.message import DecodeError

    from workbench.breaking.descriptors import parse_set

    try:
        fds = parse_set(path.read_bytes())
    except (DecodeError, OSError, RuntimeError) as exc:
        raise InputError(f"{spec}: not a FileDescriptorSet ({exc})") from None
    if not fds.file:
        raise InputError(f"{spec}: the FileDescriptorSet holds no files")
    # protoc's --include_imports puts the well-known types in the set; they are nobody's contract
    return Side(spec, spec, fds=fds, targets={f.name for f in fds.file if not f.name.startswith("google/protobuf/")})


def _compile(side: Side, source_info: bool = True, files: list[str] | None = None
             ) -> tuple[bytes | None, list[Finding]]:
    from workbench.contracts.proto_compile import compile_protos

    roots = _include_dirs(side)
    files = sorted(side.files) if files is None else files
    result = compile_protos(roots[0], files, includes=roots[1:],
                            prefixes=side.shown_prefixes(),
                            source_info=source_info, hidden=excluded_paths(side))
    return result.descriptor_set, result.findings


def _recovered(job: Job, findings: list[Finding]) -> tuple[bytes | None, list[Finding]]:
    """A forked compile that failed, once more in this process when buf accepts what protoc refused
    (`proto_compile.recover`: only ever after a failure)."""
    from workbench.contracts.proto_compile import proto_files, recover

    result = recover(job.proto_root, job.files or proto_files(job.proto_root), findings, rel_prefix=job.rel_prefix,
                     includes=job.includes, prefixes=job.prefixes, source_info=job.source_info, hidden=job.hidden)
    return (None, findings) if result is None else (result.descriptor_set, result.findings)


def _compile_modules_apart(side: Side, findings: list[Finding]) -> tuple[bytes | None, list[Finding]]:
    """A workspace whose modules define the same name: each module compiled on its own, as buf
    builds it (`workbench.breaking.module_images`); any other failure is kept as it is.

    Always with source info: lint's second pass (`workbench.lint.locations`) compiles the files it
    reports on together, which such a workspace cannot do."""
    from workbench.breaking.module_images import compile_apart, defined_twice

    modules: dict[str, list[str]] = {}
    for name, root in sorted(side.files.items()):
        modules.setdefault(root.module, []).append(name)
    if len(modules) < 2 or not defined_twice(findings):
        return None, findings
    from workbench.contracts.proto_compile import compile_protos

    roots = _include_dirs(side)
    prefixes = side.shown_prefixes()

    def compile_files(names: list[str]) -> tuple[bytes | None, list[Finding]]:
        result = compile_protos(roots[0], names, includes=roots[1:], prefixes=prefixes, hidden=excluded_paths(side))
        return result.descriptor_set, result.findings

    data, findings, side.images = compile_apart(modules, compile_files)
    return data, findings


def _every_failure(side: Side, findings: list[Finding]) -> list[Finding]:
    """A failed side's errors with those of the files protoc stopped before (buf reports every broken
    file's: `workbench.breaking.every_failure`), and the link errors of files protoc could not parse
    for a missing `;` (`workbench.breaking.parse_repair`)."""
    from workbench.breaking.every_failure import every_failure
    from workbench.breaking.parse_repair import with_link_errors
    from workbench.contracts.proto_compile import compile_protos

    prefixes = side.shown_prefixes()
    files = sorted(side.files)
    modules: dict[str, list[str]] = {}
    paths: dict[str, str] = {}  # module -> the first path of its roots (a v1beta1 module has several)
    for name in files:
        root = side.files[name]
        modules.setdefault(root.module, []).append(name)
        paths[root.module] = min(paths.get(root.module, root.path), root.path)
    if len(modules) > 1:
        # buf builds a workspace's modules one by one, in the order of their paths, and stops at the
        # first that fails (its files' errors and those of the files they import; checked with
        # buf-bin): that module is compiled on its own
        for module in sorted(modules, key=paths.__getitem__):
            data, found = _compile(side, source_info=False, files=modules[module])
            if data is None:
                files, findings = modules[module], found
                break
    findings = every_failure(files, lambda name: prefixes.get(name, "") + name, findings,
                             lambda names: _compile(side, source_info=False, files=names))
    from workbench.breaking.compile_dups import in_other_files

    findings += in_other_files({prefixes.get(name, "") + name: (name, side.source(name)) for name in files})

    def compile_copy(folder: Path, name: str) -> list[Finding]:
        return compile_protos(folder, [name], includes=_include_dirs(side), prefixes=prefixes, source_info=False,
                              hidden=excluded_paths(side)).findings

    names = {prefixes.get(name, "") + name: name for name in side.files}
    return with_link_errors(findings, names, lambda name: side.source(name) or None, compile_copy)


def _include_dirs(side: Side) -> list[Path]:
    out: list[Path] = []
    for root in side.roots:
        if root.dir not in out:
            out.append(root.dir)
    return out


def excluded_paths(side: Side) -> tuple[Path, ...]:
    """What no import may find (`proto_compile.include_args` hides it from protoc): the roots' excluded
    folders, and with v2 `includes` everything of the root outside them. buf takes those files out of
    the module altogether, so importing one is its "imported file does not exist" (and what the
    import would have defined is undefined), as protoc then reports it."""
    out: list[Path] = []
    for root in side.roots:
        out += [root.dir / e for e in root.excludes]
        if root.includes:
            out += _outside(root.dir, root.includes)
    return tuple(out)


def _outside(folder: Path, includes: tuple[str, ...] | list[str]) -> list[Path]:
    """The entries of `folder` that neither are nor lead to one of `includes` (relative to it)."""
    below: dict[str, list[str]] = {}
    for include in includes:
        head, _, rest = include.strip("/").partition("/")
        below.setdefault(head, []).append(rest)
    out: list[Path] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return out
    for name in names:
        if name not in below:
            out.append(folder / name)
        elif all(below[name]) and (folder / name).is_dir():  # no include is the whole entry
            out += _outside(folder / name, below[name])
    return out


def source_bytes(side: Side) -> int:
    """Size of the side's .proto files: what decides whether a forked compile pays off."""
    if side._source_bytes is None:
        dirs: dict[Path, str] = {}
        total = 0
        for name, root in side.files.items():
            base = dirs.get(root.dir)
            if base is None:
                base = dirs[root.dir] = str(root.dir)
            total += os.stat(os.path.join(base, name)).st_size  # not pathlib: thousands of files
        side._source_bytes = total
    return side._source_bytes


def compile_sides(*sides: Side, source_info: bool = True, source_apart: bool = False) -> None:
    """Compile every side that has sources; in parallel (forked workers) when they are big.

    `source_info=False`: without locations and comments (lint asks for them afterwards, for the few
    files it reports on: `workbench.lint.locations`). `source_apart`: each file's source info in
    `side.source_infos` as bytes, not parsed into `side.fds` (`descriptors.parse_set_apart`)."""
    from google.protobuf.message import DecodeError

    from workbench.breaking.descriptors import new_set, parse_set, parse_set_apart

    todo = [s for s in sides if s.fds is None]
    for side in todo:
        if not side.files:
            side.fds = new_set()
            side.targets = set()
    todo = [s for s in todo if s.fds is None]
    sizes = [source_bytes(s) for s in todo]
    results: list[tuple[bytes | None, list[Finding]]]
    # also a single big side: its child is ended as soon as its set is written, so protoc's teardown
    # (0.1-0.2 s on the benchmark's trees) costs nothing
    if todo and min(sizes) >= PARALLEL_MIN_BYTES and hasattr(os, "fork") and hasattr(os, "mkfifo"):
        from workbench.breaking.forked_compile import Job, compile_forked

        # protoc runs in forked children, staggered so their memory peaks do not coincide
        jobs = []
        for s, size in zip(todo, sizes, strict=True):
            dirs = _include_dirs(s)
            jobs.append(Job(dirs[0], s.rel_prefix, size, tuple(sorted(s.files)), tuple(dirs[1:]),
                            s.shown_prefixes(), source_info,
                            excluded_paths(s)))
        results = [r if r[0] is not None else _recovered(job, r[1])
                   for job, r in zip(jobs, compile_forked(jobs), strict=True)]
    else:
        results = [_compile(s, source_info) for s in todo]
        if sum(sizes) >= PARALLEL_MIN_BYTES:
            _release_freed_memory()  # a small compile leaves little to give back (and ctypes costs a start)
    for side, (data, findings) in zip(todo, results, strict=True):
        if data is None:
            data, findings = _compile_modules_apart(side, findings)
        if data is None:
            findings = _every_failure(side, findings)
        side.findings = [f for f in findings if f.severity is Severity.ERROR]
        side.warnings = [f for f in findings if f.severity is not Severity.ERROR]
        if data is None:
            continue
        try:
            if source_apart:
                fds, side.source_infos = parse_set_apart(data)
            else:
                fds = parse_set(data)
        except DecodeError as exc:
            # A compile that died while writing its set (a forked child is read as it writes):
            # a usage error with the side's name, never a traceback.
            side.findings.append(Finding(Severity.ERROR, "PROTO_COMPILE", side.rel_prefix.rstrip("/") or side.label,
                                         0, f"protoc's descriptor set for {side.label} is unreadable ({exc})"))
            continue
        from workbench.contracts.buf_refusals import findings as refusals

        side.findings += refusals(data, fds, side.prefix, side.source_infos, side.source, side.warnings)
        side.fds = fds
        side.targets = set(side.files)
        _with_bufs_descriptor_proto(side)


DESCRIPTOR_FILE = "google/protobuf/descriptor.proto"


def _with_bufs_descriptor_proto(side: Side) -> None:
    """The compiler's own `google/protobuf/descriptor.proto` as buf 1.75 has it.

    buf compiles against its own copy of the well-known types and checks imports like any file: when
    descriptor.proto leaves an image (an editions file drops its `(pb.cpp)` features) while other
    `google.protobuf` files stay, buf lists every message of it as a `PACKAGE_MESSAGE_NO_DELETE`.
    grpcio-tools bundles an older copy (no `FeatureSet.ProtoLimitsFeature`); the runtime's copy kept
    in `_descriptor_proto` has buf's elements. A module's own (vendored) copy is left as it is.
    """
    fds = side.fds
    if fds is None or DESCRIPTOR_FILE in side.files:
        return
    for proto in fds.file:
        if proto.name == DESCRIPTOR_FILE:
            from workbench.breaking._descriptor_proto import DESCRIPTOR_PROTO

            proto.Clear()  # its locations are protoc's copy's: buf names no line in an import it drops
            proto.MergeFromString(DESCRIPTOR_PROTO)
            return


def _release_freed_memory() -> None:
    """Give protoc's freed heap back to the OS (glibc keeps it otherwise): the diff that follows and a
    long-running TUI should not carry a compile's worth of dead memory."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to do
