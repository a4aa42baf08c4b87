"""The fleet of databases as rows: one line per database with its overall state, problems first,
a summary line (`200 up to date · 1 unreachable · 0 behind`) and a filter.

Pure helpers (`fleet_state`, `summary`, `matches`, `ordered`) take `DatabaseStatus` objects (or
None for a database that has not answered yet) so tests check them without a screen; the
`FleetTable` widget only renders what the screen pushes in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

if TYPE_CHECKING:
    from workbench.migrate.status import DatabaseStatus
    from workbench.migrate.targets import Target

NAME_WIDTH = 16
STATE_WIDTH = 14


@dataclass(frozen=True)
class FleetState:
    rank: int  # 0 first: what needs attention sorts to the top
    word: str  # summary bucket: unreachable, failed, edited, behind, ahead, up to date, checking
    label: str
    style: str


CHECKING = FleetState(6, "checking", "… checking", "dim")


def fleet_state(st: DatabaseStatus | None) -> FleetState:
    """One database's overall state, for its fleet row."""
    if st is None:
        return CHECKING
    if not st.reachable:
        return FleetState(0, "unreachable", "✗ unreachable", "bold red")
    states = [str(m.state) for m in st.migrations]
    if any(s in ("failed", "partial") for s in states):
        return FleetState(1, "failed", "✗ failed", "bold red")
    if any(s in ("checksum_mismatch", "missing") for s in states):
        return FleetState(1, "edited", "≠ edited" if "checksum_mismatch" in states else "? missing file", "bold red")
    if st.error:
        return FleetState(1, "failed", "✗ error", "bold red")
    behind = sum(s in ("pending", "out_of_order") for s in states)
    if behind:
        return FleetState(2, "behind", f"· {behind} behind", "yellow")
    if "future" in states:
        return FleetState(3, "ahead", "» ahead", "magenta")
    return FleetState(5, "up to date", "✓ up to date", "green")


def newest_applied(st: DatabaseStatus | None) -> str:
    if st is None or not st.reachable:
        return ""
    applied = [m.version for m in st.migrations if m.row is not None and m.row.success]
    return max(applied, key=int) if applied else "—"


def summary(targets: list[Target], statuses: dict[str, DatabaseStatus]) -> str:
    """`200 up to date · 1 unreachable · 0 behind` (+ the other states that occur)."""
    counts: dict[str, int] = {}
    for t in targets:
        word = fleet_state(statuses.get(t.name)).word
        counts[word] = counts.get(word, 0) + 1
    parts = [f"{counts.get('up to date', 0)} up to date", f"{counts.get('unreachable', 0)} unreachable",
             f"{counts.get('behind', 0)} behind"]
    parts += [f"{n} {word}" for word, n in counts.items() if word not in ("up to date", "unreachable", "behind")]
    return " · ".join(parts)


PROBLEM_WORDS = ("problems", "problem", "!")


def matches(target: Target, st: DatabaseStatus | None, query: str) -> bool:
    """The filter: every word must match the name or the state (`problems` or `!`: not up to date)."""
    state = fleet_state(st)
    haystack = f"{target.name} {state.word} {state.label}".lower()
    for word in query.lower().split():
        if word in PROBLEM_WORDS:
            if state.rank > 2:
                return False
        elif word not in haystack:
            return False
    return True


def ordered(targets: list[Target], statuses: dict[str, DatabaseStatus], query: str = "") -> list[Target]:
    """Problems first (configuration order within a state), filtered by `query`."""
    shown = [t for t in targets if matches(t, statuses.get(t.name), query)]
    position = {t.name: i for i, t in enumerate(targets)}
    return sorted(shown, key=lambda t: (fleet_state(statuses.get(t.name)).rank, position[t.name]))


class FleetTable(DataTable[object]):
    """Databases as rows; the screen calls `show_fleet` with the current statuses."""

    HELP_TITLE = "Databases"

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column("database", key="database", width=NAME_WIDTH)
        self.add_column("state", key="state", width=STATE_WIDTH)
        self.add_column("at", key="at", width=3)  # the newest applied version

    def show_fleet(self, rows: list[Target], statuses: dict[str, DatabaseStatus]) -> None:
        """Replace the rows, keeping the cursor on the same database."""
        keep = self.selected_name()
        self.clear()
        for t in rows:
            st = statuses.get(t.name)
            state = fleet_state(st)
            flags = "".join(f for f, on in ((" ⚿", st.protected if st else t.protected), (" ro", st.read_only if st else t.read_only)) if on)
            name = Text(t.name, style="bold" if st is None or st.reachable else "dim")
            if flags:
                name.append(flags, style="dim")
            self.add_row(name, Text(state.label, style=state.style), Text(newest_applied(st), style="dim"),
                         key=t.name)
        names = [t.name for t in rows]
        if keep in names:
            self.move_cursor(row=names.index(keep), animate=False)

    def update_row(self, target: Target, st: DatabaseStatus) -> bool:
        """One database answered: update its row in place (cheap: no re-sort while answers stream
        in; the screen re-sorts when all have answered). False when it has no row (filtered out)."""
        if target.name not in self.rows:
            return False
        state = fleet_state(st)
        self.update_cell(target.name, "state", Text(state.label, style=state.style))
        self.update_cell(target.name, "at", Text(newest_applied(st), style="dim"))
        return True

    def selected_name(self) -> str | None:
        if not self.row_count:
            return None
        row = min(max(self.cursor_row, 0), self.row_count - 1)
        key = self.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value
        return str(key) if key is not None else None
