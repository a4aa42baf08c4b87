"""The code stays typed and lint-clean: ruff and mypy over the package, as part of the suite."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean() -> None:
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_is_clean() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".workbench" / "mypy-cache")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


CLOCKS = {"perf_counter", "monotonic", "time", "perf_counter_ns", "monotonic_ns", "time_ns"}


def _reads_a_clock(node: ast.AST, timed: set[str]) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in CLOCKS:
            return True
        if isinstance(sub, ast.Name) and sub.id in timed:
            return True
    return False


def test_no_wall_clock_in_asserts() -> None:
    """Tests assert behaviour, never speed (shared 2-core machines): figures belong in bench/.

    Flags an assert that reads a clock, directly or through a variable assigned from one."""
    offenders = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        timed = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign) and _reads_a_clock(node.value, set())
                 for t in node.targets if isinstance(t, ast.Name)}
        offenders += [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
                      if isinstance(node, ast.Assert) and _reads_a_clock(node.test, timed)]
    assert offenders == [], f"wall-clock asserts: {offenders}"
