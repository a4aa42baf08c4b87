"""One codegen run: resolve toolchains, skip what is unchanged, generate side by side, verify.

A missing toolchain stops only its own language. Generation of all languages shares one
compile; plugins run in parallel threads (each is a subprocess, so the GIL is no obstacle).
`on_event(event)` is told what happens as it happens (typed events: workbench.codegen.events).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.codegen.events import (
    CompileFailed,
    Generated,
    Generating,
    OnCodegenEvent,
    ToolchainMissing,
    Unchanged,
    Verified,
    VerifierStep,
    Verifying,
)
from workbench.codegen.options import LANGUAGES, PARAMETERS, PLUGIN_NAMES, CodegenOptions, read_options
from workbench.codegen.outputs import (
    Stamp,
    WriteReport,
    findings_from_json,
    hash_files,
    hash_text,
    history_dir,
    write_files,
)
from workbench.codegen.toolchains import Toolchain, resolve
from workbench.findings import Finding, Severity, has_errors
from workbench.readonly import refuse_writes

FORMAT = "workbench-codegen-1"  # bump when generation changes for the same inputs
VERIFY_FORMAT = "workbench-verify-1"  # bump when verification or its findings change


@dataclass
class LanguageResult:
    language: str
    plugin: str
    version: str
    out_dir: str  # repository-relative when inside the repository
    status: str = "ok"  # ok | missing | failed
    files: list[str] = field(default_factory=list)  # relative to out_dir
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: bool = False  # inputs unchanged: nothing generated (nor verified) this run
    verified: bool | None = None  # None: not asked; False: could not verify (see findings)
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # tools not found
    hint: str = ""  # how to install what is missing
    cases: int = 0  # fixture rows checked

    def to_json(self) -> dict[str, Any]:
        return {
            "language": self.language, "plugin": self.plugin, "version": self.version,
            "out": self.out_dir, "files": self.files, "written": self.written, "removed": self.removed,
            "unchanged": self.unchanged, "verified": self.verified, "rows": self.cases,
            "seconds": round(self.seconds, 3), "status": self.status, "missing": self.missing,
            "hint": self.hint, "findings": [f.to_json() for f in self.findings],
        }


@dataclass
class CodegenReport:
    languages: list[LanguageResult]
    compile_findings: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.languages for f in r.findings]

    @property
    def exit_code(self) -> int:
        """1 when code or seeds fail (it is the contracts' fault); else 2 if a toolchain is missing."""
        if any(r.status == "failed" for r in self.languages):
            return 1
        if any(r.status == "missing" for r in self.languages):
            return 2
        return 0

    def to_json(self) -> dict[str, Any]:
        return {"languages": [r.to_json() for r in self.languages]}


def stamp_path(state: Path, language: str, lang_dir: Path) -> Path:
    return state / f"stamp-{language}-{hash_text(str(lang_dir.resolve()))[:10]}.json"


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def run_codegen(root: Path, languages: list[str] | None = None, *, out: Path | str | None = None,
                verify: bool = False, on_event: OnCodegenEvent | None = None, force: bool = False) -> CodegenReport:
    """Generate (and verify) `languages` (default: [codegen] languages). One run at a time per
    repository: the TUI's generate-on-save and a CLI run share stamps and verifier folders."""
    import fcntl

    if out is None or (root / out).resolve().is_relative_to(root.resolve()):
        refuse_writes("codegen into the tree")
    state = root / ".workbench" / "codegen"
    state.mkdir(parents=True, exist_ok=True)
    with open(state / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _run_locked(root, languages, out, verify, on_event, force)


def _run_locked(root: Path, languages: list[str] | None, out: Path | str | None, verify: bool,
                on_event: OnCodegenEvent | None, force: bool) -> CodegenReport:
    from workbench.contracts.config import load_config

    log: OnCodegenEvent = on_event or (lambda _event: None)
    config, _ = load_config(root)
    options = read_options(config.raw.get("codegen"))
    langs = [x for x in LANGUAGES if x in (languages or options.languages)]
    base = Path(out) if out is not None else root / options.out
    base = base if base.is_absolute() else (root / base)
    state = root / ".workbench" / "codegen"
    toolchains = resolve(langs, state, options.ts_version)

    proto_root = root / config.proto_dir
    rel_prefix = config.proto_dir.rstrip("/") + "/"
    protos = sorted(proto_root.rglob("*.proto")) if proto_root.is_dir() else []
    proto_hash = hash_files(protos, proto_root) if protos else ""

    results: dict[str, LanguageResult] = {}
    stamps: dict[str, Stamp] = {}
    keys: dict[str, str] = {}
    pending: list[str] = []
    for lang in langs:
        tc = toolchains[lang]
        lang_dir = base / lang
        res = LanguageResult(lang, PLUGIN_NAMES[lang], tc.plugin.version, _shown(lang_dir, root))
        results[lang] = res
        missing = tc.missing(verify=False)
        if missing:
            _missing(res, missing)
            log(ToolchainMissing(lang, tuple(res.missing), res.hint))
            continue
        stamp = Stamp.load(stamp_path(state, lang, lang_dir))
        stamps[lang] = stamp
        keys[lang] = hash_text(FORMAT, lang, proto_hash, options.key(), PARAMETERS[lang], str(lang_dir.resolve()),
                               *_tool_keys(tc.generators))
        if not protos:
            res.status = "failed"
            res.findings.append(Finding(Severity.ERROR, "PROTO_NO_FILES", rel_prefix.rstrip("/"), 0,
                                        f"no .proto files under {rel_prefix}"))
        elif not force and stamp.generation_current(keys[lang], lang_dir):
            res.unchanged = True
            res.files = stamp.files
            log(Unchanged(lang, "generation"))
        else:
            pending.append(lang)

    compile_findings: list[Finding] = []
    if pending:
        from workbench.codegen import generate as gen

        started = time.perf_counter()
        compiled = gen.compile_all(proto_root, rel_prefix)
        compile_findings = compiled.findings
        elapsed = time.perf_counter() - started
        if compiled.descriptor_set is None:
            for lang in pending:
                results[lang].status = "failed"
                results[lang].findings += compiled.findings
                results[lang].seconds += elapsed
                log(CompileFailed(lang))
            pending = []
        from concurrent.futures import ThreadPoolExecutor

        # Longest first: protoc-gen-es (node) is the long pole, so it starts before the others.
        pending.sort(key=("ts", "go", "python").index)
        with ThreadPoolExecutor(max_workers=max(1, len(pending))) as pool:
            futures = {lang: pool.submit(_generate_one, lang, compiled, toolchains[lang], options,
                                         base / lang, stamps[lang], keys[lang], results[lang], log)
                       for lang in pending}
            for lang, fut in futures.items():
                fut.result()
                results[lang].seconds += elapsed

    if verify:
        _verify_all(root, config, state, base, langs, toolchains, results, stamps, keys, log, force)
    for lang, stamp in stamps.items():
        if results[lang].status != "missing" and stamp.data:
            stamp.save()
    return CodegenReport([results[x] for x in langs], compile_findings)


def _tool_keys(tools: tuple[Any, ...]) -> list[str]:
    # Real paths: `.venv/bin/python` and `.venv/bin/python3` are one interpreter, one stamp.
    return [f"{t.name}={os.path.realpath(t.path) if t.path else ''}@{t.version}" for t in tools]


def _missing(res: LanguageResult, tools: list[Any]) -> None:
    res.status = "missing"
    res.missing = [t.name + (f" ({t.note})" if t.note else "") for t in tools]
    hints: list[str] = []
    for t in tools:
        if t.hint and t.hint not in hints:
            hints.append(t.hint)
    res.hint = " && ".join(hints)


def _generate_one(lang: str, compiled: Any, tc: Toolchain, options: CodegenOptions, lang_dir: Path,
                  stamp: Stamp, key: str, res: LanguageResult, log: OnCodegenEvent) -> None:
    started = time.perf_counter()
    log(Generating(lang, tc.plugin.name, tc.plugin.version))
    from workbench.codegen.generate import GENERATORS

    generated = GENERATORS[lang](compiled, tc, options)
    res.findings += generated.findings
    if has_errors(generated.findings):
        res.status = "failed"
        res.seconds += time.perf_counter() - started
        log(Generated(lang, ok=False, findings=len(generated.findings)))
        return
    history = history_dir(stamp.path.parent, lang_dir)
    report: WriteReport = write_files(lang_dir, generated.files, stamp.files, history)
    res.files, res.written, res.removed = report.files, report.written, report.removed
    stamp.record_generation(key, lang_dir, report.files, {"go_packages": generated.go_packages})
    res.seconds += time.perf_counter() - started
    log(Generated(lang, ok=True, files=len(report.files), written=len(report.written),
                  unchanged=len(report.unchanged), removed=len(report.removed)))


def _verify_all(root: Path, config: Any, state: Path, base: Path, langs: list[str],
                toolchains: dict[str, Toolchain], results: dict[str, LanguageResult],
                stamps: dict[str, Stamp], keys: dict[str, str], log: OnCodegenEvent, force: bool) -> None:
    fixtures_dir = root / config.fixtures_dir
    fixture_hash = hash_files(sorted(fixtures_dir.glob("*.json")), fixtures_dir) if fixtures_dir.is_dir() else ""
    config_file = root / "workbench.toml"
    config_hash = hash_files([config_file], root) if config_file.is_file() else ""
    todo: dict[str, str] = {}
    for lang in langs:
        res = results[lang]
        if res.status != "ok":
            continue
        tc = toolchains[lang]
        missing = tc.missing(verify=True)
        if missing:
            _missing(res, missing)
            res.verified = False
            log(ToolchainMissing(lang, tuple(res.missing), res.hint, step="verify"))
            continue
        vkey = hash_text(VERIFY_FORMAT, keys[lang], fixture_hash, config_hash,
                         *_tool_keys(tc.verifiers))
        cached = None if force else stamps[lang].cached_verification(vkey)
        if cached is not None:
            res.findings += findings_from_json(cached.get("findings", []))
            res.cases = int(cached.get("rows", 0))
            res.verified = not has_errors(res.findings)
            res.status = "ok" if res.verified else "failed"
            log(Unchanged(lang, "verification"))
            continue
        todo[lang] = vkey
    if not todo:
        return

    from workbench.codegen.cases import build_cases, compare, read_results, write_cases
    from workbench.codegen.verify import VERIFIERS, VerifyContext, VerifyFailed
    from workbench.workspace import load_model

    started = time.perf_counter()
    model = load_model(root)
    cases = build_cases(model)
    cases_file = state / "cases.jsonl"
    write_cases(cases, cases_file)
    prep = time.perf_counter() - started

    def one(lang: str) -> None:
        res = results[lang]
        t0 = time.perf_counter()
        stamp = stamps[lang]
        ctx = VerifyContext(root, state, base / lang, res.files or stamp.files, toolchains[lang], cases_file,
                            lambda line: log(VerifierStep(lang, line)), dict(stamp.data.get("go_packages", {})))
        log(Verifying(lang, len(cases)))
        try:
            output = VERIFIERS[lang](ctx)
            found = list(output.findings)
            if output.results or not found:
                found += compare(lang, cases, read_results(output.results))
        except VerifyFailed as exc:
            res.findings.append(Finding(Severity.ERROR, "CODEGEN_VERIFIER", "", 0, f"{lang}: {exc}"))
            res.status, res.verified = "failed", False
            res.seconds += time.perf_counter() - t0 + prep
            log(Verified(lang, ok=False, error=str(exc)))
            return
        res.findings += found
        res.cases = len(cases)
        res.verified = not has_errors(found)
        res.status = "ok" if res.verified else "failed"
        stamp.record_verification(todo[lang], {"findings": [f.to_json() for f in found], "rows": len(cases)})
        res.seconds += time.perf_counter() - t0 + prep
        log(Verified(lang, ok=bool(res.verified), findings=len(found)))

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(todo)) as pool:
        for fut in [pool.submit(one, lang) for lang in todo]:
            fut.result()


def current_outputs(root: Path, language: str, out: Path | str | None = None) -> tuple[Path, list[str]]:
    """A language's output folder and the files generated there (per the last run's stamp, else
    whatever the folder holds): what the TUI lists without running anything."""
    from workbench.contracts.config import load_config

    config, _ = load_config(root)
    try:
        options = read_options(config.raw.get("codegen"))
    except Exception:  # noqa: BLE001 - a bad [codegen] section is reported by a run, not here
        options = CodegenOptions()
    base = Path(out) if out is not None else root / options.out
    lang_dir = (base if base.is_absolute() else root / base) / language
    stamp = Stamp.load(stamp_path(root / ".workbench" / "codegen", language, lang_dir))
    files = [f for f in stamp.files if (lang_dir / f).is_file()]
    if not files and lang_dir.is_dir():
        files = sorted(p.relative_to(lang_dir).as_posix() for p in lang_dir.rglob("*") if p.is_file())
    return lang_dir, files
