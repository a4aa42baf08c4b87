"""One action over many databases, a bounded number at a time (`migrate up --jobs N`, the TUI's
"apply to all").

Each database runs in its own thread through `runner.execute`, which never raises for a
database's own problems, so one failure (or one unreachable server) never stops the others.
Results come back in the targets' order; `on_done` hears each as it finishes (progress lines,
TUI rows).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.migrate.runner import RunResult

if TYPE_CHECKING:
    from workbench.migrate.targets import Target

Log = Callable[[str], None]  # the fleet's own lines (a database skipped); the runner speaks in typed events
DEFAULT_JOBS = 4  # a small bound: enough to hide network round trips, gentle on one server


def skip_reason(target: Target, *, explicit: bool) -> str | None:
    """Why "every database" leaves `target` out, or None.

    "All databases" means all we may write to and can reach from here: a read-only one, or one
    whose URL needs a variable this machine does not set (staging on a laptop), is skipped, not
    failed. Named explicitly (`--db`), it runs and fails loudly (a deploy job that lost its
    secret must not pass).
    """
    if explicit:
        return None
    if target.read_only:
        return "read-only"
    unset = target.unset_variable()
    return f"{unset} is not set" if unset else None


def run_many(root: Path, targets: list[Target], action: str, run_one: Callable[[Target], RunResult], *,
             log: Log, jobs: int = DEFAULT_JOBS, explicit: bool = False,
             on_done: Callable[[RunResult], None] | None = None) -> list[RunResult]:
    """`run_one(target)` (a `runner.execute` call) on every target that is not skipped, at most
    `jobs` at once; one result per target, in the targets' order."""
    results: list[RunResult | None] = [None] * len(targets)
    runnable: list[int] = []
    for i, target in enumerate(targets):
        reason = skip_reason(target, explicit=explicit)
        if reason is None:
            runnable.append(i)
            continue
        results[i] = RunResult(target.name, target.display_url(root), action, note=f"skipped: {reason}")
        log(f"{target.name}: skipped ({reason})")
        if on_done is not None:
            on_done(results[i])  # type: ignore[arg-type]
    if any(targets[i].embedded for i in runnable):
        _start_embedded(root)

    def one(i: int) -> None:
        result = run_one(targets[i])
        results[i] = result
        if on_done is not None:
            on_done(result)

    if len(runnable) == 1 or jobs <= 1:
        for i in runnable:
            one(i)
    else:
        with ThreadPoolExecutor(max_workers=min(jobs, len(runnable)), thread_name_prefix="migrate") as pool:
            for future in [pool.submit(one, i) for i in runnable]:
                future.result()
    return [r for r in results if r is not None]


def _start_embedded(root: Path) -> None:
    # Several threads must not race to start (initdb) the embedded server; a failure shows per
    # database when each connects.
    from workbench.database.embedded import server_for
    from workbench.errors import WorkbenchError

    try:
        server_for(root).ensure_running()
    except WorkbenchError:
        pass
