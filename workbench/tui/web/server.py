"""`WorkbenchServer`: textual-serve's aiohttp server, made private and leak-free.

What it adds to `textual_serve.server.Server` (which has no authentication, starts the app through
a shell, and can leave an app process running when it stops):
- one aiohttp middleware in front of every route (page, /static, /ws, /download): the Host header
  must name this server, the per-start token must be in the URL (`?token=`, or `/ws/<token>` for
  the websocket, whose query the page's JavaScript owns), and the websocket's Origin must be the
  page itself. Anything else gets 403 before any handler runs;
- our own page template: fonts and JavaScript come from the installed textual-serve package
  (its template links a font CDN), every URL carries the token, and a Content-Security-Policy
  keeps the page from loading anything from elsewhere;
- each browser tab's app is `python -m workbench` started with an argument list (no shell) in a
  session of its own, and its whole process group is ended when the tab closes or the server
  stops: no orphans.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import textual_serve
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from workbench.errors import WorkbenchError
from workbench.readonly import READ_ONLY_ENV
from workbench.tui.web import access

log = logging.getLogger("workbench.serve")

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(textual_serve.__file__).parent / "static"
QUIT_GRACE = 5.0  # seconds an app gets to quit when asked, before its process group is terminated
TERM_GRACE = 3.0  # seconds between SIGTERM and SIGKILL
SECURITY_HEADERS = {
    # Only this server: no CDN font, no third-party script, no framing by another site.
    "Content-Security-Policy": ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
                                "style-src 'self' 'unsafe-inline'; font-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; frame-ancestors 'none'"),
    "Referrer-Policy": "no-referrer",  # the token is in the URL: never send it on
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def end_process_group(process: asyncio.subprocess.Process | None) -> None:
    """Terminate `process` and everything it started in its session (SIGTERM, then SIGKILL)."""
    if process is None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)  # the app is its group's leader (start_new_session)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            await asyncio.wait_for(process.wait(), TERM_GRACE)
            if sig is signal.SIGTERM:
                # The leader is gone; a child it left in the group still gets the signal above.
                return
        except TimeoutError:
            continue


class WorkbenchAppService(AppService):
    """One browser tab's app process: started without a shell, ended with its whole group."""

    def __init__(self, argv: list[str], extra_env: dict[str, str], **kwargs: Any) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self.extra_env = extra_env
        self._stopping: asyncio.Future[None] | None = None

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        env = self._build_environment(width=width, height=height)
        env.update(self.extra_env)
        process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=env, start_new_session=True)
        self._process = process
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        """Ask the app to quit, then end its process group; safe to call more than once."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop_once())
        await asyncio.shield(self._stopping)

    async def _stop_once(self) -> None:
        try:
            await asyncio.wait_for(super().stop(), QUIT_GRACE)
        except Exception as exc:  # a hung or already-dead app: the group is ended below anyway
            log.debug("app %s did not quit cleanly: %r", self.pid, exc)
        finally:
            await end_process_group(self._process)


class WorkbenchServer(Server):
    def __init__(self, root: Path, *, host: str = "127.0.0.1", port: int = 8000, read_only: bool = False,
                 token: str | None = None) -> None:
        self.root = root
        self.read_only = read_only
        self.token = token or access.new_token()
        self.argv = [sys.executable, "-m", "workbench", "--root", str(root)]
        super().__init__(shlex.join(self.argv), host=host, port=port, title="Schema Contracts Workbench",
                         statics_path=STATIC, templates_path=TEMPLATES)
        self.services: set[WorkbenchAppService] = set()
        self.sockets: set[web.WebSocketResponse] = set()
        self.bound_port = port

    # -- the aiohttp app -----------------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        app = await super()._make_app()  # textual-serve's routes: /, /ws, /download/{key}, /static
        app.middlewares.append(self._guard)
        # The page's JavaScript appends `?width=..&height=..` to the websocket URL: the token goes
        # in the path there.
        app.router.add_get("/ws/{token}", self.handle_websocket, name="websocket_token")
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        hostname = access.hostname_of(request.host)
        if not access.host_allowed(hostname, self.host):
            return _forbidden(f"this server does not answer to the host name {hostname!r}")
        supplied = request.match_info.get("token") or request.query.get("token")
        if not access.token_matches(supplied, self.token):
            return _forbidden("missing or wrong token: open the URL `workbench serve` printed")
        if request.path == "/ws" or request.path.startswith("/ws/"):
            if not access.origin_allowed(request.headers.get("Origin"), request.host):
                return _forbidden("websocket refused: its Origin is not this page")
        response = await handler(request)
        if not response.prepared:  # a websocket response has sent its headers already
            response.headers.update(SECURITY_HEADERS)
        return response

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        scheme = "wss" if request.secure else "ws"
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{scheme}://{request.host}/ws/{self.token}",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
            "token": self.token,
            "ping_url": "",
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's handler with our app service (no shell, the group ended on close)."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        service: WorkbenchAppService | None = None
        self.sockets.add(websocket)
        try:
            await websocket.prepare(request)
            service = WorkbenchAppService(
                self.argv, self.child_env(), write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                close=websocket.close, download_manager=self.download_manager, debug=self.debug)
            self.services.add(service)
            await service.start(width, height)
            log.info("tab connected: app process %s", service.pid)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            self.sockets.discard(websocket)
            if service is not None:
                await service.stop()
                self.services.discard(service)
                log.info("tab closed: app process %s ended", service.pid)
        return websocket

    def child_env(self) -> dict[str, str]:
        return {READ_ONLY_ENV: "1"} if self.read_only else {}

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints its logo here; we print the URL once the port is bound."""

    async def on_shutdown(self, app: web.Application) -> None:
        for websocket in list(self.sockets):
            await websocket.close()
        await asyncio.gather(*(s.stop() for s in list(self.services)), return_exceptions=True)

    # -- running -------------------------------------------------------------------------------
    def url(self) -> str:
        return f"http://{access.url_host(self.host)}:{self.bound_port}/?token={self.token}"

    def run(self, announce: Callable[[str], None]) -> None:
        """Serve until SIGINT/SIGTERM, then end every app process started; `announce` gets the URL."""
        self.initialize_logging()
        logging.getLogger("aiohttp.access").disabled = True  # its lines would carry the token
        asyncio.run(self._serve(announce))

    async def _serve(self, announce: Callable[[str], None]) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        runner = web.AppRunner(await self._make_app(), handle_signals=False, access_log=None,
                               shutdown_timeout=QUIT_GRACE + 2 * TERM_GRACE)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            try:
                await site.start()
            except OSError as exc:
                raise WorkbenchError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None
            self.bound_port = int(runner.addresses[0][1])
            announce(self.url())
            await stop.wait()
        finally:
            await runner.cleanup()  # closes the websockets (on_shutdown): each tab's app ends
            # A handler cancelled mid-stop must not leave its app behind.
            await asyncio.gather(*(end_process_group(s._process) for s in list(self.services)))


def _forbidden(reason: str) -> web.Response:
    return web.Response(status=403, text=f"403 Forbidden: {reason}\n", headers=SECURITY_HEADERS)
