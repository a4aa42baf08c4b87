"""The folders show the architecture, and this test keeps them honest: what each core package may
import. `contracts/` reads the repository's files into typed models and `database/` talks to
PostgreSQL; neither reaches up into the services (migrate, seed, breaking, lint, checks, codegen),
the workspace or the shells (cli, tui). No core module imports a shell."""

from __future__ import annotations

import ast
from pathlib import Path

import workbench

PACKAGE = Path(workbench.__file__).parent
BASICS = {"workbench", "workbench.findings", "workbench.errors", "workbench.bounds", "workbench.readonly"}
ALLOWED = {
    "contracts": BASICS | {"workbench.contracts"},
    "database": BASICS | {"workbench.database"},
}
SHELLS = ("workbench.cli", "workbench.tui")


def imports_of(path: Path) -> set[str]:
    """Every workbench module `path` imports, at the top or inside a function."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return {name for name in out if name == "workbench" or name.startswith("workbench.")}


def within(name: str, allowed: set[str]) -> bool:
    return any(name == a or (a != "workbench" and name.startswith(a + ".")) for a in allowed)


def test_contracts_and_database_import_only_what_is_below_them() -> None:
    bad = []
    for folder, allowed in ALLOWED.items():
        files = sorted((PACKAGE / folder).rglob("*.py"))
        assert files, folder
        for path in files:
            bad += [f"{path.relative_to(PACKAGE.parent)} imports {name}"
                    for name in sorted(imports_of(path)) if not within(name, allowed)]
    assert bad == []


def test_no_core_module_imports_a_shell() -> None:
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in ("cli", "tui") or rel.name == "__main__.py":
            continue
        bad += [f"{rel} imports {name}" for name in sorted(imports_of(path)) if name.startswith(SHELLS)]
    assert bad == []


def test_the_root_holds_only_the_shared_basics() -> None:
    # A new flat module belongs in the package of its layer; the root keeps what every layer shares.
    flat = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__", "__main__", "bounds", "buf_packages", "errors", "findings", "readonly", "repo",
                    "testing", "workspace"]
