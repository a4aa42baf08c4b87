"""The core never imports Textual or Rich: only workbench.tui may (style guide rule 2)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import workbench


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(workbench.__path__, "workbench."):
        # The shells may use Textual/Rich; `__main__` runs the CLI when imported.
        shells = ("workbench.tui", "workbench.cli", "workbench.__main__")
        if any(info.name == s or info.name.startswith(s + ".") for s in shells):
            continue
        names.append(info.name)
    return sorted(names)


def test_core_modules_import_neither_textual_nor_rich() -> None:
    modules = core_modules()
    assert "workbench.contracts.model" in modules and "workbench.checks" in modules
    # the one workspace both shells load through, and the runners' typed events, are core
    assert {"workbench.workspace", "workbench.contracts.entity_findings", "workbench.migrate.events",
            "workbench.seed.events", "workbench.codegen.events"} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print('\\n'.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         timeout=120)  # noqa: S603
    assert out.stdout.strip() == "", f"core imports: {out.stdout.strip()[:500]}"


def test_tui_pure_helpers_import_no_textual() -> None:
    # live.py, seedrows.py, watching.py, uistate.py, generations.py and terminal.py are plain Python
    # so workers and tests can use them.
    code = ("import sys\nimport workbench.tui.live, workbench.tui.seedrows, workbench.tui.watching, "
            "workbench.tui.uistate, workbench.tui.generations, workbench.tui.terminal\nprint(any(m.startswith('textual') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         timeout=120)  # noqa: S603
    assert out.stdout.strip() == "False"
