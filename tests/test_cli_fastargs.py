"""`workbench breaking`/`lint` read a plain command line without argparse: both must read it alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli.fastargs import parse_fast
from workbench.cli.main import build_parser

READ_FAST = [
    ["breaking"],
    ["breaking", "--against", "../before", "--error-format", "json"],
    ["breaking", ".", "--against=main", "--against-exact", "--format", "json", "--category", "WIRE"],
    ["--root", "/tmp/x", "breaking", "--protos-only", "HEAD", "--against", ""],
    ["--root=/tmp/x", "breaking", "--error-format=github-actions", "-"],
    ["lint"],
    ["lint", "ws", "--error-format", "msvs"],
    ["lint", "--error-format=json", "."],
    ["lint", "--path", "a", "--path=b/c.proto", "--exclude-path", "d", "--config", "version: v2"],
    ["lint", "--config", ""],
    ["breaking", "--against", "main", "--path", "a", "--exclude-imports", "--limit-to-input-files",
     "--config", "buf.yaml", "--against-config=old.yaml", "--exclude-path", "x", "--exclude-path", "y"],
]
LEFT_TO_ARGPARSE = [
    ["breaking", "--help"],
    ["breaking", "-h"],
    ["--version"],
    ["breaking", "--again", "main"],  # argparse's abbreviations
    ["breaking", "--format", "xml"],  # a bad choice: argparse says what the choices are
    ["breaking", "--against"],
    ["breaking", "--against", "--protos-only"],
    ["breaking", "a", "b"],
    ["breaking", "--protos-only=1"],
    ["breaking", "--exclude-imports=1"],
    ["lint", "--path"],
    ["breaking", "--", "main"],
    ["lint", "--root", "x"],
    ["--root", "breaking"],
    ["check"],
    [],
]


@pytest.mark.parametrize("argv", READ_FAST, ids=" ".join)
def test_fast_reading_matches_argparse(argv: list[str]) -> None:
    fast = parse_fast(argv)
    assert fast is not None
    full = build_parser(argv).parse_args(argv)
    assert vars(fast) == vars(full)


@pytest.mark.parametrize("argv", LEFT_TO_ARGPARSE, ids=" ".join)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert parse_fast(argv) is None


PROBE = """
import atexit, runpy, sys


def loaded():
    print(" ".join(sorted(m for m in ("argparse", "inspect", "typing", "google.protobuf.internal.well_known_types",
                                      "threading", "shutil", "tempfile", "dataclasses", "json")
                          if m in sys.modules)), file=sys.stderr)


atexit.register(loaded)  # these commands end their process at once (no teardown), atexit handlers first
sys.argv = ["workbench", *sys.argv[1:]]
runpy.run_module("workbench", run_name="__main__")
"""


@pytest.mark.parametrize("command", [["breaking", "--against", "../before", "--error-format", "json"],
                                     ["breaking", "--against", "../before"], ["lint", "--error-format", "json"]],
                         ids=" ".join)
def test_a_small_run_loads_only_what_it_uses(tmp_path: Path, command: list[str]) -> None:
    """What a 1-file module's CI run imports (the start-up is most of its time): none of these."""
    text = 'syntax = "proto3";\n\npackage shop.v1;\n\n// An order.\nmessage Order {\n  // id\n  string id = 1;\n}\n'
    for side in ("before", "after"):
        (tmp_path / side / "shop" / "v1").mkdir(parents=True)
        (tmp_path / side / "buf.yaml").write_text("version: v2\n")
        (tmp_path / side / "shop" / "v1" / "order.proto").write_text(text)
    (tmp_path / "after" / "shop" / "v1" / "order.proto").write_text(text.replace("string id", "bytes id"))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", PROBE, *command], cwd=tmp_path / "after", env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == (1 if command[0] == "breaking" else 0), done.stderr
    assert done.stderr.endswith("\n") and done.stderr.strip() == "", done.stderr  # the handler ran, nothing loaded
    if command[0] == "breaking":
        assert "FIELD_SAME_TYPE" in done.stdout
