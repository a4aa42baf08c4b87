"""Start-up work a short CLI run can skip, without changing what any code sees.

`dataclasses` imports `inspect` (with ast, dis, tokenize, linecache: ~8 ms, a tenth of a 1-file
module's review) for one use: `inspect.signature` when a dataclass has no docstring. The module is
imported here with a stand-in for `inspect` that imports the real one on first use of any of its
names, then leaves: every later `import inspect` gets the real module. The one dataclass a breaking
review or a lint run makes (`Finding`; the others are `workbench.contracts.record` classes) has a docstring, so
it does not load it (tests/test_cli_fastargs.py checks that such a run imports neither inspect nor
argparse).
"""

from __future__ import annotations

import sys
import types


def import_dataclasses() -> None:
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    stand_in = types.ModuleType("inspect")

    def real(name: str) -> object:
        import importlib

        return getattr(importlib.import_module("inspect"), name)

    stand_in.__getattr__ = real  # type: ignore[method-assign]  # PEP 562: names it lacks come from inspect
    sys.modules["inspect"] = stand_in
    try:
        import dataclasses  # noqa: F401
    finally:
        if sys.modules.get("inspect") is stand_in:
            del sys.modules["inspect"]
