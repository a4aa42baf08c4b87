"""Text for what is happening on a database right now (status, watch): the running migration,
the sessions it waits on, the sessions queued behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.migrate.activity import Activity, Session
    from workbench.migrate.lock import LockHolder


def _one_line(query: str, width: int = 100) -> str:
    text = " ".join(query.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _seconds(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:.1f} s" if value < 120 else f"{value / 60:.0f} min"


def _session(s: Session) -> str:
    who = f"{s.user or '?'}{'@' + s.client if s.client else ''}"
    xact = f", transaction open {_seconds(s.xact_seconds)}" if s.xact_start else ""
    app = f" {s.application}" if s.application else ""
    return f"pid {s.pid} ({who}{app}; {s.state or 'state hidden'}{xact}): {_one_line(s.query) or '(no query)'}"


def activity_lines(holder: LockHolder | None, activity: Activity | None) -> list[str]:
    """Lines (indented two spaces) about the runner at work; empty when none is."""
    if holder is None:
        return []
    lines = [f"  a runner is at work: {holder.describe()}"]
    running = activity.running if activity else None
    if running is None or activity is None:
        return lines
    if running.version:
        lines.append(f"    RUNNING: migration {running.version} {running.name} ({running.action})".rstrip())
    lines.append(f"    statement ({_seconds(running.session.query_seconds)}): {_one_line(running.session.query)}")
    if running.lock is not None:
        rel = f" on {running.lock.relation}" if running.lock.relation else ""
        lines.append(f"    WAITING {_seconds(activity.waited_seconds)} for {running.lock.mode}{rel}"
                     + (" -- STUCK" if activity.stuck else ""))
    for s in activity.waiting_on:
        lines.append(f"    blocked by {_session(s)}")
    for s in activity.blocking:
        lines.append(f"    queued behind it: {_session(s)}")
    return lines
