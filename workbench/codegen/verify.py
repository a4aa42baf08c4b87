"""Verification in each language: the generated code compiles or type-checks, and every seed
row round-trips through the generated types with that language's strict JSON parser.

Each verifier works in its own folder under `.workbench/codegen/verify/<language>/` and keeps
its build keyed by a hash of the generated code and tool versions, so checking new fixture
data against unchanged contracts costs one run of an already-built program, not a compile.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.codegen import templates
from workbench.codegen.toolchains import Toolchain
from workbench.findings import Finding, Severity

Log = Callable[[str], None]
_MYPY = re.compile(r"^(?P<file>[^:\n]+?):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<sev>error|note): (?P<msg>.*)$")
_GO = re.compile(r"^(?:vet: )?(?P<file>[^:\s][^:\n]*?\.go):(?P<line>\d+):(?:(?P<col>\d+):)? ?(?P<msg>.*)$")
_TSC = re.compile(r"^(?P<file>[^(\n]+?)\((?P<line>\d+),(?P<col>\d+)\): error (?P<msg>.*)$")


@dataclass
class VerifyContext:
    root: Path
    state_dir: Path  # .workbench/codegen
    lang_dir: Path  # where this language's files were generated
    files: list[str]  # generated files, relative to lang_dir
    toolchain: Toolchain
    cases_file: Path
    log: Log
    go_packages: dict[str, str] = field(default_factory=dict)  # generated .go file -> import path

    def shown(self, rel: str) -> str:
        """A generated file's name as findings show it: repository-relative when possible."""
        path = (self.lang_dir / rel).resolve()
        try:
            return path.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


@dataclass
class VerifyOutput:
    results: str = ""  # the round-trip result lines
    findings: list[Finding] = field(default_factory=list)


class VerifyFailed(Exception):
    """The verifier itself could not run (not a finding about the contracts)."""


def _run(argv: list[str], ctx: VerifyContext, *, cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 600) -> subprocess.CompletedProcess[str]:
    ctx.log("$ " + " ".join(_short(a, ctx) for a in argv))
    try:
        return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,  # noqa: S603
                              timeout=timeout, stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError as exc:
        raise VerifyFailed(f"cannot run {argv[0]}: {exc.strerror}") from exc
    except subprocess.TimeoutExpired as exc:
        raise VerifyFailed(f"{Path(argv[0]).name} did not finish within {timeout:.0f} s") from exc


def _short(arg: str, ctx: VerifyContext) -> str:
    return arg.replace(str(ctx.state_dir), "<state>")


def _key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def _write_if_changed(path: Path, data: str | bytes) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.read_bytes() == raw:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)


def _compile_findings(rule: str, lines: str, regex: re.Pattern[str], ctx: VerifyContext,
                      to_generated: Callable[[str], str | None]) -> list[Finding]:
    findings: list[Finding] = []
    for raw in lines.splitlines():
        m = regex.match(raw.strip())
        if not m or m.groupdict().get("sev") == "note":
            continue
        rel = to_generated(m["file"])
        file = ctx.shown(rel) if rel else m["file"]
        findings.append(Finding(Severity.ERROR, rule, file, int(m["line"]), m["msg"].strip(),
                                int(m["col"] or 0)))
    return findings


# --- Python -----------------------------------------------------------------------------------

def verify_python(ctx: VerifyContext) -> VerifyOutput:
    out = VerifyOutput()
    stubs = sorted(f for f in ctx.files if f.endswith(".pyi"))
    py = sys.executable
    if stubs:
        cache = ctx.state_dir / "mypy-cache"
        proc = _run([py, "-m", "mypy", "--strict", "--no-error-summary", "--no-color-output",
                     "--show-column-numbers", "--hide-error-context", "--explicit-package-bases",
                     "--cache-dir", str(cache), *stubs], ctx, cwd=ctx.lang_dir,
                    env={**os.environ, "MYPYPATH": str(ctx.lang_dir)})
        out.findings += _compile_findings("CODEGEN_TYPECHECK", proc.stdout, _MYPY, ctx,
                                          lambda f: f if f in ctx.files else None)
        if proc.returncode not in (0, 1) or (proc.returncode == 1 and not out.findings):
            raise VerifyFailed(f"mypy failed: {(proc.stderr or proc.stdout).strip()[-2000:]}")
    proc = _run([py, "-m", "workbench.codegen.pyverify", str(ctx.lang_dir), str(ctx.cases_file)], ctx,
                cwd=ctx.root)
    if proc.returncode != 0:
        raise VerifyFailed(f"the Python verifier failed: {proc.stderr.strip()[-2000:]}")
    out.results = proc.stdout
    return out


# --- Go ---------------------------------------------------------------------------------------

def go_env(ctx: VerifyContext) -> dict[str, str]:
    gocache = os.environ.get("WORKBENCH_GOCACHE") or str(ctx.root / ".workbench" / "go-cache")
    return {
        **os.environ,
        "GOCACHE": gocache,
        "GOPROXY": "off",  # offline by design: the protobuf module comes from a local folder
        "GOFLAGS": "-mod=mod",
        "GOSUMDB": "off",
        "GOWORK": "off",  # never pick up a go.work of the user's
        "GO111MODULE": "on",
        "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "0",  # pure Go: no C compiler needed, and faster
    }


def verify_go(ctx: VerifyContext) -> VerifyOutput:
    out = VerifyOutput()
    work = ctx.state_dir / "verify" / "go"
    tools = {t.name: t for t in ctx.toolchain.verifiers}
    go = tools["go"].path or "go"
    src = tools["google.golang.org/protobuf"].path or ""
    version = tools["google.golang.org/protobuf"].version
    require_version = version if re.fullmatch(r"v?\d+\.\d+\.\d+", version) else "1.0.0"
    require_version = "v" + require_version.lstrip("v")

    packages: dict[str, list[str]] = {}
    for rel in ctx.files:
        if rel.endswith(".go"):
            packages.setdefault(ctx.go_packages.get(rel, ""), []).append(rel)
    if "" in packages:
        raise VerifyFailed(f"no Go import path known for {', '.join(packages[''])}")
    mods = {path: f"mods/m{i}" for i, path in enumerate(sorted(packages))}
    origin: dict[str, str] = {}  # file in the work folder -> generated file
    expected_files: set[str] = {"go.mod", "main.go"}
    for path, folder in mods.items():
        _write_if_changed(work / folder / "go.mod", f"module {path}\n\ngo 1.19\n")
        expected_files.add(f"{folder}/go.mod")
        for rel in packages[path]:
            name = f"{folder}/{Path(rel).name}"
            _write_if_changed(work / name, (ctx.lang_dir / rel).read_bytes())
            origin[name] = rel
            expected_files.add(name)
    _clean(work, expected_files, keep={"verify.bin", "verify.key"})
    gomod = templates.go_mod(require_version, src, mods)
    main_go = templates.go_main(sorted(mods))
    _write_if_changed(work / "go.mod", gomod)
    _write_if_changed(work / "main.go", main_go)

    key = _key(gomod, main_go, tools["go"].version, *(f"{n}\0" + (work / n).read_text("utf-8") for n in sorted(origin)))
    binary = work / "verify.bin"
    key_file = work / "verify.key"
    if not (binary.is_file() and _read(key_file) == key):
        env = go_env(ctx)
        proc = _run([go, "vet", ".", *sorted(mods)], ctx, cwd=work, env=env)
        text = proc.stdout + proc.stderr
        out.findings += _compile_findings("CODEGEN_TYPECHECK", text, _GO, ctx,
                                          lambda f: origin.get(_rel_work(f, work)))
        if proc.returncode != 0:
            if not out.findings:
                raise VerifyFailed(f"go vet failed: {text.strip()[-2000:]}")
            return out
        proc = _run([go, "build", "-o", str(binary), "."], ctx, cwd=work, env=env)
        if proc.returncode != 0:
            out.findings += _compile_findings("CODEGEN_TYPECHECK", proc.stderr, _GO, ctx,
                                              lambda f: origin.get(_rel_work(f, work)))
            if not out.findings:
                raise VerifyFailed(f"go build failed: {proc.stderr.strip()[-2000:]}")
            return out
        key_file.write_text(key, "utf-8")
    else:
        ctx.log("go vet and go build: generated code unchanged since the last build")
    proc = _run([str(binary), str(ctx.cases_file)], ctx, cwd=work)
    if proc.returncode != 0:
        raise VerifyFailed(f"the Go verifier failed: {proc.stderr.strip()[-2000:]}")
    out.results = proc.stdout
    return out


def _rel_work(name: str, work: Path) -> str:
    path = Path(name)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(work.resolve()).as_posix()
        except ValueError:
            return name
    return path.as_posix().removeprefix("./")


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except OSError:
        return ""


def _clean(work: Path, expected: set[str], keep: set[str]) -> None:
    """Remove files left from an earlier generation (a deleted proto's output)."""
    if not work.is_dir():
        return
    for path in sorted(work.rglob("*"), reverse=True):
        rel = path.relative_to(work).as_posix()
        if path.is_file() and rel not in expected and rel not in keep and not rel.startswith(("build/", "node_modules")):
            path.unlink()


# --- TypeScript -------------------------------------------------------------------------------

def verify_ts(ctx: VerifyContext) -> VerifyOutput:
    out = VerifyOutput()
    work = ctx.state_dir / "verify" / "ts"
    tools = {t.name: t for t in ctx.toolchain.generators + ctx.toolchain.verifiers}
    node = tools["node"].path or "node"
    tsc = tools["tsc"].path or ""
    modules = Path(ctx.toolchain.extra["node_modules"])
    sources = sorted(f for f in ctx.files if f.endswith(".ts"))
    expected = {"package.json", "tsconfig.json", "verify.mjs"}
    for rel in sources:
        _write_if_changed(work / "gen" / rel, (ctx.lang_dir / rel).read_bytes())
        expected.add(f"gen/{rel}")
    _clean(work, expected, keep={"build.key"})
    link = work / "node_modules"
    # The generated code imports @bufbuild/protobuf: resolve it from the workbench's toolchain
    # folder through a link, so nothing is installed into (or looked up in) the user's project.
    if link.is_symlink() and Path(os.readlink(link)) != modules:
        link.unlink()
    if not link.exists() and not link.is_symlink():
        link.symlink_to(modules, target_is_directory=True)
    _write_if_changed(work / "package.json", '{"private": true, "type": "module"}\n')
    tsconfig = templates.ts_config([f"gen/{rel}" for rel in sources])
    _write_if_changed(work / "tsconfig.json", tsconfig)
    verify_js = templates.ts_verify([f"./build/gen/{rel[:-3]}.js" for rel in sources])
    _write_if_changed(work / "verify.mjs", verify_js)

    key = _key(tsconfig, tools["tsc"].version, tools["@bufbuild/protobuf"].version,
               *(rel + "\0" + (work / "gen" / rel).read_text("utf-8") for rel in sources))
    key_file = work / "build.key"
    if _read(key_file) != key or not (work / "build").is_dir():
        shutil.rmtree(work / "build", ignore_errors=True)
        proc = _run([node, tsc, "-p", "tsconfig.json", "--pretty", "false"], ctx, cwd=work)
        out.findings += _compile_findings("CODEGEN_TYPECHECK", proc.stdout, _TSC, ctx,
                                          lambda f: f.removeprefix("gen/") if f.startswith("gen/") else None)
        if proc.returncode != 0:
            if not out.findings:
                raise VerifyFailed(f"tsc failed: {(proc.stdout + proc.stderr).strip()[-2000:]}")
            return out
        key_file.write_text(key, "utf-8")
    else:
        ctx.log("tsc: generated code unchanged since the last build")
    proc = _run([node, "verify.mjs", str(ctx.cases_file)], ctx, cwd=work)
    if proc.returncode != 0:
        raise VerifyFailed(f"the TypeScript verifier failed: {proc.stderr.strip()[-2000:]}")
    out.results = proc.stdout
    return out


VERIFIERS: dict[str, Callable[[VerifyContext], VerifyOutput]] = {
    "python": verify_python, "go": verify_go, "ts": verify_ts,
}


__all__ = ["VERIFIERS", "VerifyContext", "VerifyFailed", "VerifyOutput"]
