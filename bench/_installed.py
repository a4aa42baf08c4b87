"""Run benchmarked commands as an installed package runs: with cached bytecode.

Why: some environments (this sandbox among them) export PYTHONDONTWRITEBYTECODE=1, so an
editable checkout recompiles every workbench module from source on each start, while the
peers we compare with (psycopg, buf) run from compiled code. `pip install` byte-compiles a
package; we do the same once, then run without the variable.
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def installed_env(base: dict[str, str] | None = None) -> dict[str, str]:
    compileall.compile_dir(str(ROOT / "workbench"), quiet=1)
    env = dict(os.environ if base is None else base)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
