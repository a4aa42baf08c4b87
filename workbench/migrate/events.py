"""What the migration runner reports while it runs, as typed events.

The model is Atlas's `migrate.Logger` (`ariga/atlas:sql/migrate/migrate.go`: LogExecution,
LogFile, LogStmt, LogDone, LogError): the runner says what happens as values, the CLI prints
`text()`, and the TUI renders them (its progress bar counts `MigrationDone`, its log shows the
text); nothing parses log lines or re-spells the runner's states as strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LockWaiting:
    """Another session holds the workbench's advisory lock on the database: waiting for it."""

    database: str
    holder: str  # as `LockHolder.describe()` words it

    def text(self) -> str:
        return f"{self.database}: waiting for the workbench lock held by {self.holder}"


@dataclass(frozen=True)
class NothingToDo:
    database: str
    action: str  # "up" | "down"

    def text(self) -> str:
        return f"{self.database}: nothing to do, up to date" if self.action == "up" else \
            f"{self.database}: nothing to roll back"


@dataclass(frozen=True)
class MigrationStarted:
    """A migration file starts (Atlas's LogFile): applying (up) or rolling back (down)."""

    database: str
    action: str  # "up" | "down"
    version: str
    name: str
    transactional: bool = True

    def text(self) -> str:
        if self.action == "down":
            return f"{self.database}: rolling back {self.version} {self.name}"
        return f"{self.database}: applying {self.version} {self.name}" + ("" if self.transactional else
                                                                           " (no transaction)")


@dataclass(frozen=True)
class MigrationResumed:
    """A transaction:false migration stopped part-way continues where it stopped (up or down)."""

    database: str
    action: str  # "up" | "down"
    version: str
    statement: int  # 1-based, the first one run now
    total: int

    def text(self) -> str:
        what = f"the rollback of {self.version}" if self.action == "down" else self.version
        return f"{self.database}: resuming {what} at statement {self.statement} of {self.total}"


@dataclass(frozen=True)
class InvalidIndexDropped:
    """An interrupted CREATE INDEX CONCURRENTLY left an INVALID index: dropped to build it again."""

    database: str
    index: str
    table: str

    def text(self) -> str:
        return (f"{self.database}: dropping INVALID index {self.index} on {self.table} "
                "(left by an interrupted concurrent build) to build it again")


@dataclass(frozen=True)
class EditedDownUsed:
    """Rolling back with the file's down part, edited since the migration was applied (its up is the same)."""

    database: str
    version: str
    file: str

    def text(self) -> str:
        return f"{self.database}: {self.version}: using the down part of {self.file} (edited since it was applied)"


@dataclass(frozen=True)
class MigrationDone:
    """A migration file finished (Atlas's LogDone per file): applied (up) or rolled back (down)."""

    database: str
    action: str  # "up" | "down"
    version: str
    name: str
    ms: int

    def text(self) -> str:
        verb = "rolled back" if self.action == "down" else "applied"
        return f"{self.database}: {verb} {self.version} {self.name} ({self.ms} ms)"


@dataclass(frozen=True)
class TrackerChanged:
    """baseline / resolve / protect recorded something in the tracker (its note says what)."""

    database: str
    note: str

    def text(self) -> str:
        return f"{self.database}: {self.note}"


MigrateEvent = LockWaiting | NothingToDo | MigrationStarted | MigrationResumed | MigrationDone | TrackerChanged | \
    InvalidIndexDropped | EditedDownUsed
OnMigrateEvent = Callable[[MigrateEvent], None]
