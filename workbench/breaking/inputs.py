"""Resolve INPUT / --against into a tree on disk plus a compiled FileDescriptorSet.

A side is a git ref (read from git objects into a temp dir: the working tree is never touched), a
directory (a repository root with proto/, or a proto root itself) or a FileDescriptorSet file.
Both sides compile in parallel when they are big enough for a forked worker to pay off.
"""

from __future__ import annotations

import os
import subprocess  # noqa: S404 - git is called with argument lists, never a shell
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf import descriptor_pb2 as pb
from google.protobuf.message import DecodeError

from workbench.findings import Finding, Severity
from workbench.protoc import proto_files

# What a side of the comparison needs from a git tree.
TREE_PATHS = ("proto", "sql", "seeders", "CHANGELOG.md", "CONTRACTS.md", "buf.yaml", "buf.yml", "workbench.toml")
# Below this many bytes of .proto source per side, forking a worker costs more than it saves. Measured
# on the 2-core dev machine (median of 5, both sides compiled): this repository's 30 KB of protos take
# 33 ms one after the other and 55 ms with a forked worker; a generated 4.4 MB tree 2.6 s vs 1.9 s.
PARALLEL_MIN_BYTES = 256 * 1024


class InputError(Exception):
    """Usage or environment problem (unknown ref, unreadable file): exit 2."""


@dataclass
class Side:
    spec: str  # what the user typed
    label: str  # what the report calls it (ref + commit, directory, file)
    root: Path | None = None  # repository-like tree (proto/, sql/, seeders/ ...) when there is one
    proto_root: Path | None = None
    rel_prefix: str = ""  # proto root relative to the repository root, for file names in findings
    fds: pb.FileDescriptorSet | None = None
    targets: set[str] | None = None
    commit: str = ""
    findings: list[Finding] = field(default_factory=list)
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def source(self, path: str) -> str:
        if self.proto_root is None:
            return ""
        try:
            return (self.proto_root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def sources(self) -> dict[str, str]:
        return {path: self.source(path) for path in sorted(self.targets or ())}

    def cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
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


def extract_tree(repo: Path, commit: str, dest: Path) -> None:
    """Write the blobs of TREE_PATHS at `commit` into `dest` with one `git cat-file --batch`."""
    listing = git(repo, "ls-tree", "-r", "-z", commit, "--", *TREE_PATHS)
    entries: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        if kind == "blob" and mode != "120000":
            entries.append((oid, raw_path.decode("utf-8", "surrogateescape")))
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


def open_side(spec: str, repo: Path, *, proto_dir: str = "proto", base_of: str | None = None) -> Side:
    """Resolve `spec` (directory, descriptor set file or git ref). `base_of`: use merge-base(base_of, spec)."""
    if not spec.strip():
        raise InputError("an empty ref: give a git ref, a directory or a FileDescriptorSet file")
    path = Path(spec)
    if not path.is_absolute():
        path = Path.cwd() / spec
    if path.is_dir():
        return _directory_side(spec, path, proto_dir)
    if path.is_file():
        return _descriptor_set_side(spec, path)
    commit = resolve_commit(repo, spec)
    if commit is None:
        raise InputError(f"{spec!r} is neither a directory, a FileDescriptorSet file nor a git ref in {repo}")
    label = f"{spec} ({commit[:12]})"
    if base_of is not None:
        base = merge_base(repo, base_of, commit)
        if base != commit:
            label = f"merge-base of {base_of} and {spec} ({base[:12]})"
        commit = base
    tmp = tempfile.TemporaryDirectory(prefix="wb-breaking-")
    root = Path(tmp.name)
    extract_tree(repo, commit, root)
    side = Side(spec, label, root=root, commit=commit, _tmp=tmp)
    side.proto_root = root / proto_dir
    side.rel_prefix = f"{proto_dir.strip('/')}/"
    return side


def _directory_side(spec: str, path: Path, proto_dir: str) -> Side:
    nested = path / proto_dir
    if nested.is_dir() and any(nested.rglob("*.proto")):
        return Side(spec, str(path), root=path, proto_root=nested, rel_prefix=f"{proto_dir.strip('/')}/")
    return Side(spec, str(path), root=path, proto_root=path)


def _descriptor_set_side(spec: str, path: Path) -> Side:
    if path.suffix == ".proto":
        raise InputError(f"{spec}: a .proto file; give the directory that holds the protos (or a ref)")
    fds = pb.FileDescriptorSet()
    try:
        fds.ParseFromString(path.read_bytes())
    except (DecodeError, OSError, RuntimeError) as exc:
        raise InputError(f"{spec}: not a FileDescriptorSet ({exc})") from None
    if not fds.file:
        raise InputError(f"{spec}: the FileDescriptorSet holds no files")
    # protoc's --include_imports puts the well-known types in the set; they are nobody's contract
    return Side(spec, spec, fds=fds, targets={f.name for f in fds.file if not f.name.startswith("google/protobuf/")})


def _compile(proto_root: str, rel_prefix: str) -> tuple[bytes | None, list[Finding]]:
    from workbench.protoc import compile_protos

    result = compile_protos(Path(proto_root), rel_prefix=rel_prefix)
    return result.descriptor_set, result.findings


def compile_sides(*sides: Side) -> None:
    """Compile every side that has sources; in parallel (forked workers) when they are big."""
    todo = [s for s in sides if s.fds is None]
    for side in todo:
        if side.proto_root is None or not side.proto_root.is_dir() or not proto_files(side.proto_root):
            side.fds = pb.FileDescriptorSet()
            side.targets = set()
    todo = [s for s in todo if s.fds is None]
    # every side still to compile has a proto root: the loop above settled the ones without
    sizes = [sum(f.stat().st_size for f in s.proto_root.rglob("*.proto"))
             for s in todo if s.proto_root is not None]
    results: list[tuple[bytes | None, list[Finding]]]
    if len(todo) > 1 and min(sizes) >= PARALLEL_MIN_BYTES and hasattr(os, "fork") and hasattr(os, "mkfifo"):
        from workbench.breaking.forked_compile import Job, compile_forked

        # protoc runs in forked children, staggered so their memory peaks do not coincide
        results = compile_forked([Job(s.proto_root, s.rel_prefix, size)  # type: ignore[arg-type]
                                  for s, size in zip(todo, sizes, strict=True)])
    else:
        results = [_compile(str(s.proto_root), s.rel_prefix) for s in todo]
        _release_freed_memory()
    for side, (data, findings) in zip(todo, results, strict=True):
        side.findings = [f for f in findings if f.severity is Severity.ERROR]
        if data is None:
            continue
        fds = pb.FileDescriptorSet()
        try:
            fds.ParseFromString(data)
        except DecodeError as exc:
            # A compile that died while writing its set (a forked child is read as it writes):
            # a usage error with the side's name, never a traceback.
            side.findings.append(Finding(Severity.ERROR, "PROTO_COMPILE", side.rel_prefix.rstrip("/") or side.label,
                                         0, f"protoc's descriptor set for {side.label} is unreadable ({exc})"))
            continue
        side.fds = fds
        side.targets = set(proto_files(side.proto_root))  # type: ignore[arg-type]


def _release_freed_memory() -> None:
    """Give protoc's freed heap back to the OS (glibc keeps it otherwise): the diff that follows and a
    long-running TUI should not carry a compile's worth of dead memory."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to do
