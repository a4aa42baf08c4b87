"""`workbench codegen [python|go|ts|all] [--out DIR] [--verify] [--json]`.

Exit codes: 0 generated (and verified) cleanly; 1 generation or verification failed (the
contracts or seeds are at fault: findings name the file and line); 2 usage error, or a
toolchain is missing (the message gives the command that installs it). When both happen, 1 wins:
the findings are real whatever else is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.codegen.events import CodegenEvent

CHOICES = ("python", "go", "ts", "all")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "codegen", help="generate Python, Go and TypeScript code from the contracts (and verify it)",
        description="Generate code from the protos into <out>/<language>/ (default gen/). Only changed "
                    "files are written; a run whose inputs did not change does nothing.",
    )
    p.add_argument("language", nargs="?", choices=CHOICES, default="all", help="default: all")
    p.add_argument("--out", type=Path, default=None,
                   help="base folder; each language goes to OUT/<language> (default: [codegen] out or gen)")
    p.add_argument("--verify", action="store_true",
                   help="type-check the generated code and round-trip every seed row through it")
    p.add_argument("--format", choices=("text", "json", "github-actions"), default="text",
                   help="github-actions: text plus ::error annotations on the fixture rows and files")
    p.add_argument("--json", action="store_true", help="same as --format json (see README)")
    p.add_argument("--force", action="store_true", help="regenerate and re-verify even if nothing changed")
    p.add_argument("-v", "--verbose", action="store_true", help="print every step (commands run, timings)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.codegen.run import run_codegen
    from workbench.errors import UsageError

    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out}: not a directory")
    # "all": [codegen] languages in workbench.toml decides (default: every language)
    languages = None if args.language == "all" else [args.language]
    fmt = "json" if args.json else args.format
    progress = _Progress(enabled=fmt != "json", verbose=args.verbose)
    # --out is relative to where the command runs (a service generating into its own tree);
    # [codegen] out in workbench.toml is relative to the repository.
    out = args.out.resolve() if args.out is not None else None
    report = run_codegen(args.root, languages, out=out, verify=args.verify, on_event=progress.line,
                         force=args.force)
    progress.done()
    if fmt == "json":
        print(json.dumps(report.to_json(), indent=2, sort_keys=False))
        return report.exit_code
    _print_text(report)
    if fmt == "github-actions":
        _print_annotations(report)
    code = report.exit_code
    if code == 1:
        failed = [r.language for r in report.languages if r.status == "failed"]
        print(f"workbench: codegen failed for {', '.join(failed)}: {len(report.findings)} finding(s)",
              file=sys.stderr)
    elif code == 2:
        for r in report.languages:
            if r.status == "missing":
                print(f"workbench: {r.language} toolchain missing ({', '.join(r.missing)}); install with: {r.hint}",
                      file=sys.stderr)
    return code


def _escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def _print_annotations(report: Any) -> None:
    """GitHub workflow commands: one annotation per finding, on its file and line."""
    for r in report.languages:
        for f in r.findings:
            level = "error" if str(f.severity) == "error" else "warning"
            props = [f"title={_escape(f'codegen {r.language}: {f.rule}', True)}"]
            if f.file:
                props.insert(0, f"file={_escape(f.file, True)}")
                if f.line:
                    props.insert(1, f"line={f.line}")
                if f.column:
                    props.insert(2, f"col={f.column}")
            print(f"::{level} {','.join(props)}::{_escape(f.message)}")
        if r.status == "missing":
            print(f"::error title=codegen {r.language}: toolchain missing::{_escape(r.hint)}")


class _Progress:
    """One live status line on a terminal; every line with --verbose; nothing otherwise."""

    def __init__(self, enabled: bool, verbose: bool) -> None:
        self.live = enabled and sys.stderr.isatty() and not verbose
        self.verbose = enabled and verbose

    def line(self, event: CodegenEvent) -> None:
        if self.verbose:
            print(f"[{event.language}] {event.text()}", file=sys.stderr, flush=True)
        elif self.live:
            msg = f"[{event.language}] {event.text()}"[:120]
            sys.stderr.write(f"\r\x1b[K{msg}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.live:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _print_text(report: Any) -> None:
    from workbench.codegen.options import LABELS

    for r in report.languages:
        name = f"{LABELS[r.language]:<11}"
        if r.status == "missing" and not r.files:
            print(f"{name} missing   {', '.join(r.missing)}")
            print(f"{'':<11} install:  {r.hint}")
            continue
        tool = f"{r.plugin} {r.version}".strip()
        if r.unchanged:
            what = f"unchanged ({len(r.files)} files in {r.out_dir})"
        else:
            what = f"{len(r.files)} files in {r.out_dir} ({len(r.written)} written"
            what += f", {len(r.removed)} removed)" if r.removed else ")"
        verify = ""
        if r.verified is True:
            verify = f", verified ({r.cases} seed rows)"
        elif r.verified is False and r.status == "missing":
            verify = f", NOT verified: missing {', '.join(r.missing)}"
        elif r.verified is False:
            verify = ", verification FAILED"
        status = {"ok": "ok", "failed": "FAILED", "missing": "missing"}[r.status]
        print(f"{name} {status:<9} {tool}: {what}{verify}  [{r.seconds:.2f} s]")
        if r.status == "missing" and r.hint:
            print(f"{'':<11} install:  {r.hint}")
    # The same seed row rejected by several languages reads best as one line naming them all,
    # with each language's own parser message below it.
    grouped: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for r in report.languages:
        label = LABELS[r.language]
        for f in r.findings:
            text = f.message.removeprefix(f"{label}: ")
            head, sep, tail = text.partition(" rejected by ")
            if not sep:
                head, sep, tail = text.partition(" (round trip through ")
                sep = " did not round-trip in " if sep else ""
            grouped.setdefault((f.location, f.rule, head if sep else text), []).append((label, tail))
    for (where, rule, head), langs in sorted(grouped.items()):
        prefix = f"{where}: " if where else ""
        details = [(label, tail) for label, tail in langs if tail]
        verb = " rejected by " if rule == "CODEGEN_FIXTURE_REJECTED" else " in " if not details else " did not round-trip in "
        print(f"{prefix}error: {head}{verb}{', '.join(label for label, _ in langs)} [{rule}]")
        for label, tail in details:
            print(f"    {label}: {tail.rstrip(')')}")
    ran = [r for r in report.languages if r.status != "missing"]
    # Only when a previous run's result was actually reused: with every language missing (or no
    # stamp yet) there was no "last run" to speak of.
    if ran and all(r.unchanged for r in ran):
        print("nothing changed since the last run" + ("" if not report.findings else
                                                      "; its findings are repeated above"))
