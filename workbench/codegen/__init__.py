"""Code generation (Python, Go, TypeScript) from the contracts, verified against the seeds.

Entry point: `workbench.codegen.run.run_codegen(root, languages, out=..., verify=...)`.
No UI imports here: the CLI and the TUI both drive this package.
"""

from __future__ import annotations

LANGUAGES = ("python", "go", "ts")
