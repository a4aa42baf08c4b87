"""What the seeder reports while it runs, as typed events (after Atlas's `migrate.Logger`).

The CLI prints them (a progress bar, a line); the TUI renders them (its progress bar); neither
parses text. `text()` is the one wording both show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TableProgress:
    """A chunk of `table`'s rows was staged; `fraction` of all the fixtures' bytes are read."""

    table: str
    rows: int  # rows in this chunk
    fraction: float

    def text(self) -> str:
        return f"{self.table}: {self.rows:,} rows ({self.fraction * 100:.0f}%)"


@dataclass(frozen=True)
class LockWaiting:
    """Another session holds the workbench's advisory lock on the database: waiting for it."""

    database: str
    holder: str  # who, as `LockHolder.describe()` words it

    def text(self) -> str:
        return f"{self.database}: waiting for the workbench lock held by {self.holder}"


SeedEvent = TableProgress | LockWaiting
OnSeedEvent = Callable[[SeedEvent], None]
