"""Command palette providers.

- `WorkbenchCommands` (in the app's palette, ctrl+p): every action of the app and the current
  screen, every registered screen, and "Jump to …" hits. Actions come from the bindings themselves
  (description + tooltip), so a new binding shows up here without touching this file.
- `JumpProvider` (`/`): entities, fields and enum values only.

Why the prefilter: a 500-entity repository has ~5,500 jump targets, and running Textual's fuzzy
matcher over all of them costs about a second per keystroke; a C-speed subsequence regex first
leaves only the few hundred that can match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.live import JumpTarget

Command = tuple[str, str, Callable[[], object]]  # (title, help, callback)
MAX_CANDIDATES = 300
MAX_DISCOVERED = 100


def candidates(query: str, targets: list[JumpTarget]) -> list[JumpTarget]:
    """Targets whose label holds the query's characters in order, shortest labels first."""
    pattern = re.compile(".*?".join(map(re.escape, query.strip())), re.IGNORECASE)
    found = [t for t in targets if pattern.search(t.label)]
    if len(found) > MAX_CANDIDATES:
        found.sort(key=lambda t: len(t.label))  # entities, then fields, then enum values
        found = found[:MAX_CANDIDATES]
    return found


class JumpProvider(Provider):
    """`/`: fuzzy jump to any entity, field or enum value."""

    async def discover(self) -> Hits:
        app = cast("WorkbenchApp", self.app)
        for target in [t for t in app.jump_targets() if t.kind == "entity"][:MAX_DISCOVERED]:
            yield DiscoveryHit(target.label, partial(app.jump_to, target), help=target.help)

    async def search(self, query: str) -> Hits:
        app = cast("WorkbenchApp", self.app)
        matcher = self.matcher(query)
        for target in candidates(query, app.jump_targets()):
            score = matcher.match(target.label)
            if score > 0:
                yield Hit(score, matcher.highlight(target.label), partial(app.jump_to, target), help=target.help)


class WorkbenchCommands(Provider):
    """Every screen, and every action of every screen (run on its screen, switching to it first),
    so "apply", "roll back", "seed", "generate" are found from anywhere."""

    def _commands(self) -> Iterator[Command]:
        from workbench.tui.screens.help import _class_bindings

        app = cast("WorkbenchApp", self.app)
        for entry in app.screen_entries:
            yield f"Go to {entry.title}", entry.description, partial(app.switch_mode, entry.id)
        seen: set[str] = set()
        current = getattr(self.screen, "SCREEN_TITLE", "")
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.id or not binding.description or binding.action.startswith("switch_mode"):
                continue
            if binding.id in seen:
                continue
            seen.add(binding.id)
            key = binding.key_display or app.get_key_display(binding)
            owner = current if active.node is not app and current else ""
            title = f"{owner}: {binding.description}" if owner else binding.description
            yield (title, f"{binding.tooltip or binding.description} ({key})",
                   partial(app.run_action, binding.action, active.node))
        for entry in app.screen_entries:
            if entry.title == current:
                continue
            kind = entry.load()
            for binding in _class_bindings(kind):
                if not binding.id or not binding.description or binding.id in seen:
                    continue
                seen.add(binding.id)
                key = binding.key_display or app.get_key_display(binding)
                yield (f"{entry.title}: {binding.description}",
                       f"{binding.tooltip or binding.description} ({key} on {entry.title})",
                       partial(_run_on_screen, app, entry.id, binding.action))

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        app = cast("WorkbenchApp", self.app)
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
        # "Jump to X": match the target's label without the prefix, so "ordsta" finds Order.status.
        jump_query = re.sub(r"^\s*(j(u(m(p( to?)?)?)?)?\s+)", "", query, flags=re.IGNORECASE)
        jump_matcher = self.matcher(jump_query)
        for target in candidates(jump_query, app.jump_targets()):
            score = jump_matcher.match(target.label)
            if score > 0:
                yield Hit(score, matcher.highlight(f"Jump to {target.label}"), partial(app.jump_to, target),
                          help=target.help)


async def _run_on_screen(app: WorkbenchApp, mode: str, action: str) -> None:
    """Switch to the screen that owns `action`, then run it there (as its key would)."""
    await app.switch_mode(mode)
    screen = app.screen
    # After the screen's first refresh: a fresh screen's own start-up focus must not undo the action's.
    app.call_after_refresh(app.run_action, action, screen)
