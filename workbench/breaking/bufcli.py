"""Run the real `buf breaking` (PyPI buf-bin) as the oracle for tests and the peer in benchmarks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # noqa: S404 - fixed argument lists, no shell
import sys
from dataclasses import dataclass
from pathlib import Path

ALL_CATEGORIES_CONFIG = {"version": "v2", "breaking": {"use": ["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]}}


@dataclass(frozen=True, order=True)
class BufFinding:
    rule: str
    path: str  # relative to the input directory, "" when buf names no file
    line: int
    column: int
    message: str = ""


def buf_executable() -> str | None:
    local = Path(sys.executable).parent / "buf"
    if local.exists():
        return str(local)
    return shutil.which("buf")


def run_buf(after: Path, before: Path, config: dict[str, object] | None = None,
            timeout: float = 600) -> list[BufFinding]:
    exe = buf_executable()
    if exe is None:
        raise RuntimeError("buf is not installed (pip install buf-bin)")
    args = [exe, "breaking", str(after), "--against", str(before), "--error-format", "json"]
    if config is not None:
        args += ["--config", json.dumps(config)]
    env = {**os.environ, "BUF_CACHE_DIR": os.environ.get("BUF_CACHE_DIR", "/tmp/wb-buf-cache")}
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, check=False)  # noqa: S603
    if done.returncode not in (0, 100):
        raise RuntimeError(f"buf failed ({done.returncode}): {done.stderr.strip()}")
    prefix = str(after).rstrip("/") + "/"
    out = []
    for line in done.stdout.split("\n"):  # not splitlines: buf's JSON keeps U+0085 in a message raw
        if not line.strip():
            continue
        data = json.loads(line)
        path = data.get("path", "")
        out.append(BufFinding(data["type"], path.removeprefix(prefix), int(data.get("start_line", 0)),
                              int(data.get("start_column", 0)), data.get("message", "")))
    return sorted(out)
