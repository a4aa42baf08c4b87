"""Generations of background results: a result older than the one shown is dropped.

Every background computation is started with `start(kind)` and carries the number it got; its
result is shown only if `accept(kind, number)` (no newer result of that kind is on screen). With
exclusive workers (a re-run supersedes the running one) and `is_cancelled` checked before posting,
this is what keeps a slow, superseded computation from overwriting a newer one.
"""

from __future__ import annotations


class Generations:
    def __init__(self) -> None:
        self._started: dict[str, int] = {}
        self._shown: dict[str, int] = {}

    def start(self, kind: str) -> int:
        """A new computation of `kind`: its generation (greater than every earlier one)."""
        self._started[kind] = self._started.get(kind, 0) + 1
        return self._started[kind]

    def latest(self, kind: str) -> int:
        """The newest computation of `kind` started."""
        return self._started.get(kind, 0)

    def shown(self, kind: str) -> int:
        """The generation of the result of `kind` on screen (0: none yet)."""
        return self._shown.get(kind, 0)

    def accept(self, kind: str, generation: int) -> bool:
        """Whether a result of `generation` may be shown (and, if so, it is now the one shown)."""
        if generation < self._shown.get(kind, 0):
            return False
        self._shown[kind] = generation
        return True
