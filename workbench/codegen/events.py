"""What a codegen run reports while it runs, as typed events (after Atlas's `migrate.Logger`).

Every event names its language; `text()` is the one wording the CLI prints and the TUI's log
shows. The TUI's progress counts `LanguageFinished` events; nothing parses the text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ToolchainMissing:
    language: str
    missing: tuple[str, ...]
    hint: str
    step: str = "generate"  # or "verify"

    def text(self) -> str:
        verb = "cannot verify, missing" if self.step == "verify" else "missing"
        return f"{verb}: {', '.join(self.missing)}; install with: {self.hint}"


@dataclass(frozen=True)
class Unchanged:
    """Inputs unchanged since the last run: nothing to do for `step` (the previous result stands)."""

    language: str
    step: str  # "generation" | "verification"

    def text(self) -> str:
        return "generation: inputs unchanged, nothing to do" if self.step == "generation" else \
            "verification: inputs unchanged, previous result reused"


@dataclass(frozen=True)
class CompileFailed:
    language: str

    def text(self) -> str:
        return "protos do not compile: nothing generated"


@dataclass(frozen=True)
class Generating:
    language: str
    plugin: str
    version: str

    def text(self) -> str:
        return f"generating with {self.plugin} {self.version}"


@dataclass(frozen=True)
class Generated:
    language: str
    ok: bool
    files: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    findings: int = 0

    def text(self) -> str:
        if not self.ok:
            return f"generation failed: {self.findings} finding(s)"
        return (f"generated {self.files} file(s): {self.written} written, {self.unchanged} unchanged, "
                f"{self.removed} removed")


@dataclass(frozen=True)
class Verifying:
    language: str
    cases: int

    def text(self) -> str:
        return f"verifying: type-check and {self.cases} fixture row(s)"


@dataclass(frozen=True)
class VerifierStep:
    """A command the verifier runs, or what it skips (its own words)."""

    language: str
    line: str

    def text(self) -> str:
        return self.line


@dataclass(frozen=True)
class Verified:
    language: str
    ok: bool
    findings: int = 0
    error: str = ""  # the verifier itself could not run

    def text(self) -> str:
        if self.error:
            return f"verifier failed: {self.error}"
        return "verified" if self.ok else f"verification failed: {self.findings} finding(s)"


CodegenEvent = ToolchainMissing | Unchanged | CompileFailed | Generating | Generated | Verifying | VerifierStep | \
    Verified
OnCodegenEvent = Callable[[CodegenEvent], None]
