"""`workbench serve` in a real browser: Debian's Chromium, headless, driven by Playwright for Python
(`executable_path` points at the system Chromium; Playwright's own browser download is never used).

The terminal is drawn on a canvas, so what is on screen is read from what the app sends to it:
every websocket frame the page receives, with the terminal escape sequences removed.

Without Chromium (or Playwright) the tests skip and say why; `WORKBENCH_REQUIRE_BROWSER=1` (set by
.ci/run after installing it) turns that skip into a failure, so CI cannot pass by skipping.
`WORKBENCH_UPDATE_SCREENSHOTS=1` writes the README's screenshot to screenshots/serve-browser.png.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serve_helpers import Served, app_pids, served, wait_until

from workbench.tui.screens import available_screens

REQUIRE_ENV = "WORKBENCH_REQUIRE_BROWSER"
SCREENSHOT = Path(__file__).resolve().parent.parent / "screenshots" / "serve-browser.png"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT = 90.0  # upper bound for what the screen must show (a shared 2-core machine); not a timing assert
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b.")


def chromium_or_skip() -> str:
    """The system Chromium's path; skip (locally) or fail (WORKBENCH_REQUIRE_BROWSER=1) without it."""
    path = os.environ.get("WORKBENCH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    reason = "" if path else "no chromium on PATH: apt-get install chromium (.ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = reason or "playwright is not installed: pip install -e '.[test]'"
    if reason:
        if os.environ.get(REQUIRE_ENV, "") not in ("", "0"):
            pytest.fail(f"{reason} ({REQUIRE_ENV} is set: a missing browser fails)")
        pytest.skip(reason)
    assert path is not None
    return path


class Terminal:
    """The text the app has drawn in the page so far (from the websocket frames)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.chunks: list[bytes] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            self.chunks.append(payload)

    def mark(self) -> int:
        return len(self.chunks)

    def text(self, since: int = 0) -> str:
        return ESCAPES.sub("", b"".join(self.chunks[since:]).decode("utf-8", "replace"))

    def wait_for(self, needle: str, since: int = 0) -> None:
        deadline = time.monotonic() + WAIT
        while needle not in self.text(since):
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} never appeared on screen; last text: {self.text(since)[-600:]!r}")
            self.page.wait_for_timeout(100)  # lets Playwright deliver the frames

    def press(self, key: str) -> int:
        since = self.mark()
        self.page.keyboard.press(key)
        return since


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=path, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 800})
        try:
            yield context
        finally:
            context.close()


def _entity_names(root: Path) -> list[str]:
    return sorted({m for f in (root / "proto").rglob("*.proto")
                   for m in re.findall(r"^message (\w+)", f.read_text(), flags=re.MULTILINE)})


def _first_footer_text(entry_target: Any) -> str:
    """A footer label the screen shows (its first shown binding's description)."""
    shown = [b for bs in entry_target._merged_bindings.key_to_bindings.values() for b in bs if b.show]
    return shown[0].description


def _open(context: Any, srv: Served) -> tuple[Any, Terminal, list[str]]:
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    terminal = Terminal(page)
    response = page.goto(srv.url)
    assert response is not None and response.status == 200
    page.wait_for_selector("body.-first-byte", timeout=WAIT * 1000)
    page.locator(".xterm-helper-textarea").focus()  # keys go to the terminal
    return page, terminal, requested


def test_the_workbench_in_chromium(repo_copy: Path, browser: Any, tmp_path: Path) -> None:
    with served(repo_copy) as srv:
        # Without the token, the browser gets 403 and no app starts.
        refused = browser.new_page()
        response = refused.goto(srv.base + "/")
        assert response is not None and response.status == 403
        refused.close()

        page, terminal, requested = _open(browser, srv)
        assert len(app_pids(repo_copy)) == 1
        names = _entity_names(repo_copy)
        wait_until_any(terminal, names)  # the entity tree is drawn

        # Every screen with its key: its own footer appears.
        entries = available_screens()
        for entry in [*entries[1:], entries[0]]:
            since = terminal.press(entry.key)
            terminal.wait_for(_first_footer_text(entry.load()), since)
        since = terminal.press("/")
        terminal.wait_for("Jump to an entity", since)
        since = terminal.press("Escape")
        page.wait_for_timeout(500)  # the palette's close animation, for a clean screenshot
        shot = SCREENSHOT if os.environ.get("WORKBENCH_UPDATE_SCREENSHOTS") else tmp_path / "serve-browser.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000

        # Everything the page loaded came from this server (offline works), all with the token.
        assert requested and all(u.startswith(srv.base + "/") and srv.token in u for u in requested), requested

        # Another origin's page (here about:blank: Origin "null") cannot open the app's websocket.
        other = browser.new_page()
        outcome = other.evaluate("""url => new Promise(done => {
            const ws = new WebSocket(url);
            ws.onopen = () => done("open");
            ws.onerror = () => done("refused");
        })""", f"ws://{srv.host_port}/ws/{srv.token}")
        assert outcome == "refused"
        other.close()
        assert len(app_pids(repo_copy)) == 1

        # Closing the tab ends its app.
        page.close()
        wait_until(lambda: not app_pids(repo_copy), "the closed tab's app to end")


def test_read_only_in_chromium(repo_copy: Path, browser: Any) -> None:
    password = "s3cret-Pa55"  # a test value, to prove it is never drawn
    env = {"STAGING_DATABASE_URL": f"postgresql://wb:{password}@127.0.0.1:9/staging"}
    with served(repo_copy, "--read-only", env=env) as srv:
        page, terminal, _ = _open(browser, srv)
        terminal.wait_for("read-only")
        since = terminal.press("2")
        terminal.wait_for("Refresh", since)
        terminal.wait_for("staging", since)  # the database with the password in its URL is on screen
        assert password not in terminal.text()
        # The server is stopped (Ctrl+C) with the tab still open: no app is left (checked by `served`).


def wait_until_any(terminal: Terminal, needles: list[str]) -> None:
    deadline = time.monotonic() + WAIT
    while not any(n in terminal.text() for n in needles):
        if time.monotonic() > deadline:
            raise AssertionError(f"none of {needles[:5]}… appeared on screen")
        terminal.page.wait_for_timeout(100)
