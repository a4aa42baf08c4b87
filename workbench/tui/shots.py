"""SVG screenshots of every screen, taken by the app itself (headless), for screenshots/ and the README.

`workbench screenshots` runs this; so they never go stale, regenerate after a UI change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from workbench.tui.app import WorkbenchApp
from workbench.tui.live import JumpTarget
from workbench.tui.screens import available_screens


@dataclass(frozen=True)
class Shot:
    name: str  # file name without .svg
    size: tuple[int, int]
    keys: tuple[str, ...] = ()  # pressed after the jump
    entity: str = ""  # jump here first (the first entity with a fixture when "")
    mode: str = "entities"


ENTITY_SHOTS = [
    Shot("entities-proto", (100, 32)),
    Shot("entities-sql", (100, 32), ("s",)),
    Shot("entities-mapping", (100, 32), ("m",)),
    Shot("entities-seeds", (100, 32), ("d",)),
    Shot("entities-findings", (100, 32), ("f", "a")),
    Shot("entities-80x24", (80, 24), ("m",)),
    Shot("entities-wide", (160, 48), ("right", "down", "down", "down")),
    Shot("help", (100, 32), ("question_mark",)),
    Shot("jump", (100, 32), ("slash", "s", "t", "a", "t", "u", "s")),
]


async def settle(pilot: Pilot[int], timeout: float = 60.0) -> None:
    """Wait for the model and every worker except the long-lived file watcher; stop cursor blink.

    Raises TimeoutError rather than returning mid-load: a screenshot or a test that went on
    would show (or assert on) a half-loaded screen.
    """
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if loop.time() >= deadline:
            names = [w.description or w.name for w in app.workers if w.group != "file-watcher" and not w.is_finished]
            raise TimeoutError(f"the app did not settle within {timeout:g} s (still running: {names})")
        await pilot.pause()
        busy = [w for w in app.workers if w.group != "file-watcher" and not w.is_finished]
        if busy:
            try:
                await asyncio.wait_for(app.workers.wait_for_complete(busy), max(0.1, deadline - loop.time()))
            except TimeoutError:
                pass
            continue
        if getattr(app, "snapshot", None) is not None:
            break
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()
    await pilot.pause()


def _default_entity(app: WorkbenchApp) -> str:
    model = app.snapshot.model if app.snapshot else None
    if model is None:
        return ""
    for msg in model.entities:
        if model.fixture_for(model.table_name(msg)) is not None and model.table_of(msg) is not None:
            return msg.name
    return model.entities[0].name if model.entities else ""


async def take(root: Path, shot: Shot, out_dir: Path) -> Path:
    app = WorkbenchApp(root, watch=False)
    async with app.run_test(size=shot.size) as pilot:
        await settle(pilot)
        if shot.mode != "entities":
            await app.switch_mode(shot.mode)
            await settle(pilot)
        else:
            entity = shot.entity or _default_entity(app)
            if entity:
                app.jump_to(JumpTarget(entity, entity))
                await settle(pilot)
        for key in shot.keys:
            await pilot.press(key)
            await settle(pilot)
        path = out_dir / f"{shot.name}.svg"
        path.write_text(app.export_screenshot(title=f"workbench · {shot.name}"), encoding="utf-8")
    return path


def all_shots() -> list[Shot]:
    shots = list(ENTITY_SHOTS)
    for entry in available_screens():
        if entry.id != "entities":
            shots.append(Shot(f"screen-{entry.id}", (100, 32), mode=entry.id))
    return shots


def take_all(root: Path, out_dir: Path, progress: Callable[[str], None] = print,
             only: str | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for shot in all_shots():
        if only and only not in shot.name:
            continue
        try:
            written.append(asyncio.run(take(root, shot, out_dir)))
            progress(f"wrote {written[-1]}")
        except Exception as exc:  # noqa: BLE001 - one broken screen must not stop the others
            progress(f"skipped {shot.name}: {type(exc).__name__}: {exc}")
    return written
