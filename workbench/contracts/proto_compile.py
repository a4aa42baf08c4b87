"""In-process protoc (grpcio-tools): compiles .proto files to a FileDescriptorSet.

Users install no protoc and no buf. Compile errors come back as findings with
file:line:column, never as exceptions.

Why the fd-2 dance: protoc's C++ code writes its diagnostics straight to file descriptor 2,
so redirecting `sys.stderr` catches nothing. We point fd 2 at a temporary file for the call.
That is process-global, so calls are serialised by a lock.
"""

from __future__ import annotations

import os
import re
from _thread import allocate_lock  # threading.Lock without importing threading (a small review's start-up)
from collections.abc import Mapping, Sequence
from pathlib import Path

from workbench.contracts.record import Record
from workbench.findings import Finding, Severity

# Patterns compiled on first use (a clean compile prints nothing): regex compilation is a visible
# share of a small review's start-up.
_DIAG = r"^(?P<file>[^:\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)$"
_FILE_DIAG = r"^(?P<file>[^:\n]+?): (?P<msg>.*)$"
# protoc logs through absl: `W0000 00:00:1796604106.944707   10893 parser.cc:659] message`, preceded
# once per process by absl's own "WARNING: All log messages before absl::InitializeLog() ..." line.
_ABSL_LOG = r"^(?P<level>[IWEF])\d{4} [\d:.]+\s+\d+\s+[^\]\s]+:\d+\] (?P<msg>.*)$"
_ABSL_PREAMBLE = "WARNING: All log messages before absl::InitializeLog()"
_LOG_FILE = r"proto file: (?P<file>[^\s]+?\.proto)\b"
_LOCK = allocate_lock()


def _new_lock_in_child() -> None:
    # A forked child has only the forking thread: a lock another thread held at fork time would never
    # be released there (breaking forks compile workers while the TUI may be running a check).
    global _LOCK
    _LOCK = allocate_lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_lock_in_child)


class CompileResult(Record):
    """What protoc produced: the descriptor set, or none and the errors why."""

    _fields = ("descriptor_set", "findings")

    def __init__(self, descriptor_set: bytes | None, findings: list[Finding] | None = None) -> None:
        self.descriptor_set = descriptor_set  # serialized FileDescriptorSet (imports and source info included)
        self.findings = [] if findings is None else findings

    @property
    def ok(self) -> bool:
        return self.descriptor_set is not None


def wkt_include() -> str:
    """Folder with google/protobuf/*.proto; protoc.main() does not add it by itself."""
    import grpc_tools

    return str(Path(grpc_tools.__file__).parent / "_proto")


def proto_files(proto_root: Path) -> list[str]:
    """Every .proto below `proto_root`, as sorted paths relative to it (what protoc is given): what
    `proto_root.rglob("*.proto")` finds (folders named so too; symlinked folders are not entered).

    os.walk rather than rglob: pathlib's objects per entry made it 25 ms on a 500-file tree, 3 ms so."""
    top = str(proto_root)
    cut = len(os.path.join(top, ""))
    out: list[str] = []
    for folder, dirs, files in os.walk(top):
        base = folder[cut:].replace(os.sep, "/") + "/" if folder != top else ""
        out += [base + name for names in (dirs, files) for name in names if name.endswith(".proto")]
    return sorted(out)


def compile_protos(
    proto_root: Path,
    files: Sequence[str] | None = None,
    *,
    rel_prefix: str = "",
    extra_args: Sequence[str] = (),
    includes: Sequence[Path] = (),
    prefixes: Mapping[str, str] | None = None,
    source_info: bool = True,
    hidden: Sequence[Path] = (),
) -> CompileResult:
    """Compile `files` (paths relative to `proto_root`; default: every .proto below it).

    `rel_prefix` is prepended to file names in findings so they read as repository paths
    (e.g. "proto/"). `extra_args` lets callers add plugin outputs (codegen). `source_info=False`:
    no locations and comments in the set (a third of its size, and of protoc's peak memory).
    `hidden`: folders or files below the roots that imports must not find (see `include_args`).
    """
    proto_root = proto_root.resolve()
    if files is None:
        files = proto_files(proto_root)
    if not files:
        return CompileResult(None, [_finding("PROTO_NO_FILES", rel_prefix.rstrip("/"), 0, 0,
                                             f"no .proto files under {rel_prefix or proto_root}")])
    with _scratch_file() as (out, fd):
        code, findings = run_protoc(proto_root, files, out, rel_prefix=rel_prefix, extra_args=extra_args,
                                    includes=includes, prefixes=prefixes, source_info=source_info,
                                    hidden=hidden)
        if code != 0:
            if not extra_args:  # generated code from a rewritten source would not be the source's
                recovered = recover(proto_root, files, findings, rel_prefix=rel_prefix, includes=includes,
                                    prefixes=prefixes, source_info=source_info, hidden=hidden)
                if recovered is not None:
                    return recovered
            return CompileResult(None, findings)
        return CompileResult(_read_all(fd, out), findings)


def recover(proto_root: Path, files: Sequence[str], findings: list[Finding], *, rel_prefix: str = "",
            includes: Sequence[Path] = (), prefixes: Mapping[str, str] | None = None, source_info: bool = True,
            hidden: Sequence[Path] = ()) -> CompileResult | None:
    """After protoc failed with `findings`: the set of a rewritten copy, when every error is one of the
    classes buf accepts and protoc refuses (`workbench.contracts.buf_leniency`); a failed rewrite's
    findings when it got further; None when there is nothing to rewrite."""
    from workbench.contracts import buf_leniency

    if not buf_leniency.may_recover(findings):
        return None
    roots = [proto_root.resolve(), *(r.resolve() for r in includes)]
    names = {(prefixes[n] + n if prefixes and n in prefixes else _rel(n, rel_prefix)): n for n in files}

    def name_of(file: str) -> str:  # an import that is no target has only the common prefix
        return names.get(file) or (file.removeprefix(rel_prefix) if rel_prefix else file)

    def compile_overlay(overlay: Path, names: Sequence[str]) -> tuple[int, list[Finding], bytes | None]:
        with _scratch_file() as (out, fd):
            code, found = run_protoc(overlay, names, out, rel_prefix=rel_prefix, includes=roots, prefixes=prefixes,
                                     hidden=hidden)  # with source info: it finds the rewritten elements
            return code, found, (_read_all(fd, out) if code == 0 else None)

    outcome = buf_leniency.Recovery(roots, files, name_of, compile_overlay).run(findings)
    if outcome is None:
        return None
    data, found = outcome
    if data is not None and not source_info:
        data = buf_leniency.without_source_info(data)
    return CompileResult(data, found)


class _scratch_file:
    """A file protoc can write by path: an anonymous in-memory file on Linux (`/proc/self/fd/N`),
    else one in a temporary directory. Why: importing `tempfile` (and the `shutil`, `random` ...
    it pulls in) is a noticeable share of a small review's start-up."""

    def __enter__(self) -> tuple[str, int]:
        self._tmp = None
        if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
            self.fd = os.memfd_create("wb-protoc-set")
            return f"/proc/self/fd/{self.fd}", self.fd
        import tempfile

        self._tmp = tempfile.TemporaryDirectory(prefix="wb-protoc-")
        self.fd = -1
        return os.path.join(self._tmp.name, "set.binpb"), -1

    def __exit__(self, *exc: object) -> None:
        if self.fd >= 0:
            os.close(self.fd)
        if self._tmp is not None:
            self._tmp.cleanup()


def _read_all(fd: int, path: str) -> bytes:
    """Everything written to `fd` (or, without one, to the file at `path`)."""
    if fd < 0:
        with open(path, "rb") as fh:
            return fh.read()
    os.lseek(fd, 0, os.SEEK_SET)
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_protoc(
    proto_root: Path,
    files: Sequence[str],
    descriptor_set_out: str,
    *,
    rel_prefix: str = "",
    extra_args: Sequence[str] = (),
    includes: Sequence[Path] = (),
    prefixes: Mapping[str, str] | None = None,
    source_info: bool = True,
    diagnostics_path: str | None = None,
    hidden: Sequence[Path] = (),
) -> tuple[int, list[Finding]]:
    """protoc's exit code and findings; the descriptor set (imports and source info included) goes to
    `descriptor_set_out`, which may be a FIFO whose reader gets the set as protoc writes it.

    `includes`: more roots after `proto_root` (a buf workspace's other modules, v1beta1 roots);
    `prefixes`: file -> its root's prefix in findings, when the roots have different ones;
    `diagnostics_path`: a file that gets protoc's diagnostics as it prints them (a forked compile's
    parent reads them there when it ends the child as soon as the set is written);
    `hidden`: see `include_args`.
    """
    proto_root = proto_root.resolve()
    roots = [proto_root, *(r.resolve() for r in includes)]
    args = [
        "protoc",
        *include_args(roots, hidden),
        f"-I{wkt_include()}",
        "--include_imports",
        *(["--include_source_info"] if source_info else []),
        f"--descriptor_set_out={descriptor_set_out}",
        *extra_args,
        *files,
    ]
    load_compiler()  # imported before fd 2 is redirected: `python -X importtime` lines are not diagnostics
    code, diagnostics = _run_capturing_fd2(lambda: _protoc_main(args), diagnostics_path)
    return code, protoc_findings(diagnostics, code, roots, rel_prefix=rel_prefix, prefixes=prefixes)


def include_args(roots: Sequence[Path], hidden: Sequence[Path] = ()) -> list[str]:
    """protoc's -I arguments for `roots` (resolved) such that no import finds a `hidden` path.

    Why: buf's `excludes` (v1beta1/v1 `build.excludes`, v2 `modules[].excludes`) take files out of the
    module altogether, so importing one is buf's "imported file does not exist". protoc cannot hide a
    folder of a root (a mapping that finds nothing falls through to the next), so a root with hidden
    paths is given as one `-IVIRTUAL=DISK` mapping per entry beside each hidden path, and per entry
    of the folders above it: a handful of mappings, and nothing else in the root changes.
    """
    hidden_abs = [h.resolve() for h in hidden]
    args: list[str] = []
    for root in roots:
        inside = [h.relative_to(root).as_posix() for h in hidden_abs if h != root and h.is_relative_to(root)]
        if not inside or ":" in str(root) or "=" in str(root):
            args.append(f"-I{root}")  # protoc splits a mapping on ':' and '=': such a root cannot be mapped
            continue
        args += [f"-I{virtual}={disk}" for virtual, disk in _visible(root, "", inside)]
    return args


def _visible(folder: Path, virtual: str, hidden: list[str]) -> list[tuple[str, Path]]:
    """(virtual name, disk path) of each entry of `folder` that is neither hidden nor above a hidden
    path, descending into those above one; `hidden` is relative to `folder`."""
    out: list[tuple[str, Path]] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return out
    for name in names:
        if name in hidden:
            continue
        below = [h[len(name) + 1:] for h in hidden if h.startswith(name + "/")]
        child = virtual + name
        if below and (folder / name).is_dir():
            out += _visible(folder / name, child + "/", below)
        elif ":" not in child and "=" not in child:
            out.append((child, folder / name))
    return out


def protoc_findings(diagnostics: str, code: int, roots: Sequence[Path], *, rel_prefix: str = "",
                    prefixes: Mapping[str, str] | None = None) -> list[Finding]:
    """What protoc printed while compiling with the (resolved) `roots`, and its exit code, as findings."""
    findings = parse_diagnostics(diagnostics, rel_prefix, strip=tuple(f"{r}/" for r in roots))
    if prefixes:
        def named(f: Finding) -> Finding:
            name = f.file.removeprefix(rel_prefix) if rel_prefix else f.file
            if name not in prefixes:
                return f
            return Finding(f.severity, f.rule, prefixes[name] + name, f.line, f.message, f.column, f.entity)

        findings = [named(f) for f in findings]
    if code != 0 and not any(f.severity is Severity.ERROR for f in findings):
        findings.append(_finding("PROTO_COMPILE", rel_prefix.rstrip("/"), 0, 0,
                                 diagnostics.strip() or f"protoc exited with {code}"))
    return findings


def locate(files: Mapping[str, Path], imports: bytes) -> bytes | None:
    """`locate_or_why` without the why."""
    return locate_or_why(files, imports)[0]


def locate_or_why(files: Mapping[str, Path], imports: bytes) -> tuple[bytes | None, bool]:
    """The FileDescriptorSet, with source info, of `files` (name -> the file on disk), their imports
    read from `imports` (a serialized set holding them) instead of compiled again: locations for a few
    files of a tree that was compiled without them. None when protoc fails (a name or path it cannot
    take as a mapping, a set that lacks an import): the caller compiles them the ordinary way.

    Each file is its own `-INAME=PATH` mapping, so protoc finds no other source: every import comes
    from the set (protoc looks in the source tree first, then in `--descriptor_set_in`).

    With the set, whether a failure is protoc refusing what buf takes (`buf_leniency`): no other
    set of imports gets past that, only the ordinary compile (which rewrites such files) does.
    """
    if any(":" in n or "=" in n or ":" in str(p) for n, p in files.items()):
        return None, False  # protoc splits -I on ':' and '='
    with _scratch_file() as (set_in, set_fd), _scratch_file() as (out, fd):
        with open(set_in if set_fd < 0 else os.dup(set_fd), "wb") as fh:
            fh.write(imports)
        args = ["protoc", *(f"-I{name}={path}" for name, path in files.items()), f"--descriptor_set_in={set_in}",
                "--include_source_info", f"--descriptor_set_out={out}", *files]
        load_compiler()
        code, diagnostics = _run_capturing_fd2(lambda: _protoc_main(args))  # its warnings were had before
        if code == 0:
            return _read_all(fd, out), False
    from workbench.contracts.buf_leniency import may_recover

    return None, may_recover(parse_diagnostics(diagnostics))


def load_compiler() -> None:
    try:
        from grpc_tools import _protoc_compiler  # noqa: F401
    except ImportError:
        pass  # _protoc_main falls back to grpc_tools.protoc


def _protoc_main(args: list[str]) -> int:
    """grpc_tools.protoc.main without importing grpc_tools.protoc, whose import-time set-up of
    `importlib.resources` for its dynamic stubs costs a small review's start-up and is not used here."""
    try:
        from grpc_tools import _protoc_compiler
    except ImportError:  # a grpcio-tools laid out differently: its public entry point
        from grpc_tools import protoc

        return int(protoc.main(args))
    return int(_protoc_compiler.run_main([a.encode() for a in args]))


def _run_capturing_fd2(call, sink_path: str | None = None) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with _LOCK, _scratch_file() as (path, fd):
        if sink_path is not None:
            path, fd = sink_path, -1
        sink = fd if fd >= 0 else os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        saved = os.dup(2)
        try:
            os.dup2(sink, 2)
            code = int(call())
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        text = _read_all(sink, path).decode("utf-8", "replace")
        if sink != fd:
            os.close(sink)
        return code, text


def parse_diagnostics(text: str, rel_prefix: str = "", strip: str | tuple[str, ...] = "") -> list[Finding]:
    """Turn protoc's `file:line:col: message` lines into findings (protoc counts from 1).

    protoc's warnings (`warning:` diagnostics, absl `W` log lines such as "No edition or syntax
    specified", a file with no syntax line being valid proto2) are WARNING findings, never errors;
    absl's preamble line is not a diagnostic at all.
    """
    findings: list[Finding] = []
    strips = (strip,) if isinstance(strip, str) else strip

    def rel(name: str) -> str:
        for prefix in strips:
            if prefix and name.startswith(prefix):
                name = name[len(prefix):]
                break
        return _rel(name, rel_prefix)

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(_ABSL_PREAMBLE):
            continue
        log = re.match(_ABSL_LOG, line)
        if log:
            named = re.search(_LOG_FILE, log["msg"])
            severity = Severity.ERROR if log["level"] in "EF" else \
                Severity.WARNING if log["level"] == "W" else Severity.INFO
            findings.append(Finding(severity, "PROTO_COMPILE", rel(named["file"]) if named else rel_prefix.rstrip("/"),
                                    0, log["msg"], 0))
            continue
        m = re.match(_DIAG, line)
        if m:
            msg = m["msg"]
            is_warning = msg.startswith("warning:")
            msg = msg.removeprefix("warning:").strip()
            findings.append(
                Finding(
                    Severity.WARNING if is_warning else Severity.ERROR,
                    "PROTO_COMPILE",
                    rel(m["file"]),
                    int(m["line"]),
                    msg,
                    int(m["col"]),
                )
            )
            continue
        m = re.match(_FILE_DIAG, line)
        if m and not m["file"].startswith("--"):
            # a file-wide warning has no line ("a.proto: warning: pb.JavaFeatures.utf8_validation has
            # been deprecated in edition 2024" for a file-level feature): still a warning
            msg = m["msg"]
            severity = Severity.WARNING if msg.startswith("warning:") else Severity.ERROR
            findings.append(Finding(severity, "PROTO_COMPILE", rel(m["file"]), 0,
                                    msg.removeprefix("warning:").strip(), 0))
        else:
            findings.append(_finding("PROTO_COMPILE", rel_prefix.rstrip("/"), 0, 0, line))
    return findings


def _rel(name: str, prefix: str) -> str:
    return name if not prefix or name.startswith(prefix) or name.startswith("google/") else prefix + name


def _finding(rule: str, file: str, line: int, col: int, msg: str) -> Finding:
    return Finding(Severity.ERROR, rule, file, line, msg, col)


def text_of(value: str | bytes | None) -> str:
    """A descriptor string as text. protobuf hands back `bytes` for a string field that is not
    valid UTF-8 (a Latin-1 byte in a comment: protoc copies it as is); decode it the way the
    sources are read, with U+FFFD for the bad bytes (workbench.contracts.proto_model's
    `encoding_finding` says where they are)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""
