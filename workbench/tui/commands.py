"""The command palette provider: every action of the app and the current screen, every
registered screen, and "jump to" hits for every entity, field and enum value.

Actions come from the bindings themselves (description + tooltip), so a new binding shows up
here without touching this file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp

Command = tuple[str, str, Callable[[], object]]  # (title, help, callback)


class WorkbenchCommands(Provider):
    def _commands(self) -> Iterator[Command]:
        app = cast("WorkbenchApp", self.app)
        for entry in app.screen_entries:
            yield f"Go to {entry.title}", entry.description, partial(app.switch_mode, entry.id)
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or binding.action.startswith("switch_mode"):
                continue
            if binding.action in ("command_palette", "help_quit"):
                continue
            seen.add(binding.action)
            node = active.node
            action = binding.action
            key = binding.key_display or app.get_key_display(binding)
            yield (binding.description, f"{binding.tooltip or binding.description} ({key})",
                   partial(app.run_action, action, node))

    def _jumps(self) -> Iterator[Command]:
        app = cast("WorkbenchApp", self.app)
        if app.snapshot is None:
            return
        from workbench.tui.live import jump_targets

        for target in jump_targets(app.snapshot.model):
            yield f"Jump to {target.label}", target.help, partial(app.jump_to, target)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in (*self._commands(), *self._jumps()):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
