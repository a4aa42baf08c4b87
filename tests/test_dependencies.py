"""The declared runtime dependencies are exactly what the code uses, and they are enough.

- every distribution in `[project] dependencies` is imported somewhere in `workbench/` (mapped
  from the distribution to the modules it installs), or is a program the code runs and locates
  by its distribution's name (squawk-cli, mypy-protobuf, ...);
- after the README's first command alone (`pip install -e .`, no extras), in a fresh venv,
  Python codegen generates and verifies.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "workbench"

# Distributions used as programs or data rather than imported: each must be located in the code
# by its distribution name (the string below must appear in workbench/).
USED_AS_PROGRAMS = {
    "squawk-cli": "installed_script(\"squawk-cli\", \"squawk\")",  # the migration lint engine
    "mypy-protobuf": "installed_script(\"mypy-protobuf\", \"protoc-gen-mypy\")",  # Python stubs plugin
    "mypy": "\"-m\", \"mypy\"",  # verifies the generated Python (python -m mypy --strict)
    "types-protobuf": "_dist_version(\"types-protobuf\")",  # the stubs mypy reads; doctor shows them
}


def declared() -> list[str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    return [re.split(r"[\[<>=!~; ]", d, maxsplit=1)[0] for d in deps]


def imported_modules() -> set[str]:
    """Top-level module names imported anywhere in the package (also inside functions, and
    through importlib.util.find_spec("name"), which is how the embedded server finds its wheel)."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("find_spec", "import_module") and node.args
                  and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def modules_of(distribution: str) -> set[str]:
    """Importable modules a distribution installs (from its RECORD; `google.protobuf` for protobuf)."""
    files = metadata.distribution(distribution).files or []
    out: set[str] = set()
    for f in files:
        parts = f.parts
        if not parts or parts[0].endswith((".dist-info", ".data")) or parts[0] in ("..", "__pycache__"):
            continue
        if f.name == "__init__.py" and len(parts) >= 2:
            out.add(".".join(parts[:-1]))
        elif len(parts) == 1 and f.suffix in (".py", ".so", ".pyd"):
            out.add(f.name.split(".", 1)[0])
    return out


def unused(names: list[str], imported: set[str], source: str) -> list[str]:
    out = []
    for dist in names:
        if dist in USED_AS_PROGRAMS:
            if USED_AS_PROGRAMS[dist] not in source:
                out.append(f"{dist} (a program the code runs, but never located)")
            continue
        modules = modules_of(dist)
        assert modules, f"cannot tell which modules {dist} installs"
        if not any(m == i or i.startswith(m + ".") or m.startswith(i + ".") for m in modules for i in imported):
            out.append(f"{dist} (modules {sorted(modules)[:5]})")
    return out


def test_every_declared_dependency_is_used() -> None:
    names = declared()
    assert "sqlparse" not in names  # pglast does the SQL work
    source = "\n".join(p.read_text("utf-8") for p in PACKAGE.rglob("*.py"))
    assert unused(names, imported_modules(), source) == [], "declared in pyproject.toml but never used"


def test_dependency_check_can_fail() -> None:
    """The check above must be able to fail: with pglast's imports and squawk's lookup gone, it says so."""
    imported = {i for i in imported_modules() if not i.startswith("pglast")}
    source = "\n".join(p.read_text("utf-8") for p in PACKAGE.rglob("*.py")).replace("squawk-cli", "x")
    found = unused(declared(), imported, source)
    assert [f.split()[0] for f in found] == ["pglast", "squawk-cli"], found


@pytest.mark.timeout(900)
def test_python_codegen_after_runtime_only_install(tmp_path: Path) -> None:
    """The README's first command in a fresh venv, nothing else: Python codegen generates and verifies.

    Slow (a real `pip install`, from pip's cache): one test. PATH holds no venv, so the plugin
    must be found from the installed distribution itself.
    """
    repo = tmp_path / "repo"
    for name in ("workbench", "proto", "sql", "seeders"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", "workbench.toml"):
        shutil.copy2(ROOT / name, repo / name)
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = "/usr/bin:/bin"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True, env=env, timeout=120)  # noqa: S603
    py = venv / "bin" / "python"
    proc = subprocess.run([str(py), "-m", "pip", "install", "-q", "-e", str(repo)],  # noqa: S603
                          env=env, capture_output=True, text=True, timeout=800, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    freeze = subprocess.run([str(py), "-m", "pip", "freeze"], env=env, capture_output=True,  # noqa: S603
                            text=True, check=True).stdout.lower()
    installed = {re.split(r"[=@ ]", line, maxsplit=1)[0] for line in freeze.splitlines()}
    assert "pytest" not in installed and "ruff" not in installed, installed  # the runtime install only
    workbench = str(venv / "bin" / "workbench")
    run = subprocess.run([workbench, "--root", str(repo), "codegen", "python", "--verify"],  # noqa: S603
                         env=env, capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "missing" not in run.stdout and "nothing changed since the last run" not in run.stdout
    assert "verified" in run.stdout
    generated = repo / "gen" / "python"
    assert (generated / "entities_pb2.py").is_file() and (generated / "entities_pb2.pyi").is_file()
    # the stubs are mypy-protobuf's (typed nested classes), not protoc's own --pyi_out
    assert "mypy-protobuf" in (generated / "entities_pb2.pyi").read_text("utf-8")
    # the plugin came from the fresh venv, not from the test runner's environment
    doctor = subprocess.run([workbench, "--root", str(repo), "doctor", "--json"],  # noqa: S603
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    import json

    tools = {r["tool"]: r for r in json.loads(doctor.stdout)["toolchains"]}
    assert tools["protoc-gen-mypy"]["path"].startswith(str(venv))
    assert all(tools[t]["found"] for t in ("grpcio-tools", "protoc-gen-mypy", "mypy", "types-protobuf"))
    # a second run reuses the first: now "nothing changed" is true
    again = subprocess.run([workbench, "--root", str(repo), "codegen", "python", "--verify"],  # noqa: S603
                           env=env, capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path)
    assert again.returncode == 0 and "nothing changed since the last run" in again.stdout, again.stdout
