"""`workbench serve` without a browser: who is refused (token, Host, Origin), what the page loads,
and that every app process ends when its tab closes and when the server gets Ctrl+C.

Each test starts the real server (`workbench --root COPY serve --port 0`) and talks to it with
aiohttp's client; app processes are counted in /proc. The browser test is test_serve_browser.py.
"""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
from pathlib import Path

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st
from serve_helpers import WORKBENCH, Served, app_pids, in_sessions, served, wait_until

from workbench.tui.web import access


# -- the rules on their own --------------------------------------------------------------------
def test_token_is_random_per_start_and_compared_exactly() -> None:
    token = access.new_token()
    assert len(token) >= 32 and token != access.new_token()
    assert access.token_matches(token, token)
    assert not access.token_matches(None, token) and not access.token_matches("", token)
    assert not access.token_matches(token[:-1], token) and not access.token_matches(token + "x", token)


@given(st.text(max_size=64))
def test_no_other_token_matches(supplied: str) -> None:
    token = access.new_token()
    assert access.token_matches(supplied, token) == (supplied == token)


@pytest.mark.parametrize(("hostname", "bind", "allowed"), [
    ("127.0.0.1", "127.0.0.1", True), ("localhost", "127.0.0.1", True), ("::1", "127.0.0.1", True),
    ("127.0.0.2", "localhost", True),
    ("evil.example", "127.0.0.1", False),  # DNS rebinding: a foreign name resolving to us
    ("192.168.1.9", "127.0.0.1", False), ("localhost.evil.example", "127.0.0.1", False),
    ("10.0.0.5", "10.0.0.5", True), ("10.0.0.6", "10.0.0.5", False), ("localhost", "10.0.0.5", False),
    ("10.0.0.5", "0.0.0.0", True), ("evil.example", "0.0.0.0", False), ("localhost", "0.0.0.0", True),
    ("box.corp", "box.corp", True), ("evil.example", "box.corp", False),
    (None, "127.0.0.1", False), ("", "127.0.0.1", False),
])
def test_host_header_must_name_this_server(hostname: str | None, bind: str, allowed: bool) -> None:
    assert access.host_allowed(hostname, bind) is allowed


@pytest.mark.parametrize(("origin", "host", "allowed"), [
    ("http://127.0.0.1:8000", "127.0.0.1:8000", True), ("https://127.0.0.1:8000", "127.0.0.1:8000", True),
    ("http://127.0.0.1:8001", "127.0.0.1:8000", False), ("http://evil.example", "127.0.0.1:8000", False),
    ("http://evil.example:8000", "evil.example:8000", True),  # the Host check refuses that name first
    ("null", "127.0.0.1:8000", False), (None, "127.0.0.1:8000", False), ("", "127.0.0.1:8000", False),
    ("file://", "127.0.0.1:8000", False), ("http://127.0.0.1:8000/x", "127.0.0.1:8000", False),
    ("http://[::1]:8000", "[::1]:8000", True),
])
def test_websocket_origin_must_be_this_page(origin: str | None, host: str, allowed: bool) -> None:
    assert access.origin_allowed(origin, host) is allowed


@given(st.text(max_size=40))
def test_odd_host_headers_never_crash(header: str) -> None:
    name = access.hostname_of(header)
    assert access.host_allowed(name, "127.0.0.1") in (True, False)
    assert access.origin_allowed(header, header) in (True, False)


# -- the real server ---------------------------------------------------------------------------
async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.text(), dict(response.headers)


async def _ws_status(url: str, origin: str | None, host: str | None = None) -> int:
    headers = {"Origin": origin} if origin else {}
    if host:
        headers["Host"] = host
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, headers=headers, origin=None):
                return 101
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status


def test_every_request_without_the_token_is_refused(repo_copy: Path) -> None:
    with served(repo_copy) as srv:
        async def check() -> None:
            for path in ("/", "/static/js/textual.js", "/static/fonts/RobotoMono-VariableFont_wght.ttf",
                         "/static/", "/ws", "/download/abc", "/favicon.ico", "/no/such/page"):
                for query in ("", "?token=", "?token=wrong", f"?token={srv.token[:-1]}",
                              f"?TOKEN={srv.token}"):
                    status, body, _ = await _get(srv.base + path + query)
                    assert status == 403, (path, query, status)
                    assert srv.token not in body
            for path in ("/", "/static/js/textual.js", "/static/css/xterm.css"):
                status, _, _ = await _get(f"{srv.base}{path}?token={srv.token}")
                assert status == 200, path
            origin = srv.base
            assert await _ws_status(f"ws://{srv.host_port}/ws", origin) == 403
            assert await _ws_status(f"ws://{srv.host_port}/ws/wrong", origin) == 403
        asyncio.run(check())
        assert app_pids(repo_copy) == []  # nothing refused ever started an app


def test_websocket_refused_from_another_origin_or_host_name(repo_copy: Path) -> None:
    with served(repo_copy) as srv:
        ws = f"ws://{srv.host_port}/ws/{srv.token}"
        port = srv.host_port.rsplit(":", 1)[1]

        async def check() -> None:
            assert await _ws_status(ws, "http://evil.example") == 403
            assert await _ws_status(ws, f"http://evil.example:{port}") == 403
            assert await _ws_status(ws, None) == 403  # no Origin at all
            assert await _ws_status(ws, "null") == 403
            # DNS rebinding: evil.example resolves to 127.0.0.1; the browser sends its own name.
            assert await _ws_status(ws, f"http://evil.example:{port}", host=f"evil.example:{port}") == 403
            status, _, _ = await _get(srv.url, headers={"Host": f"evil.example:{port}"})
            assert status == 403
            # localhost is this machine too: allowed with the token and a matching Origin.
            status, _, _ = await _get(srv.url.replace("127.0.0.1", "localhost"))
            assert status == 200
        asyncio.run(check())
        assert app_pids(repo_copy) == []


def test_the_page_loads_nothing_from_elsewhere(repo_copy: Path) -> None:
    with served(repo_copy) as srv:
        status, html, headers = asyncio.run(_get(srv.url))
    assert status == 200
    urls = [a or b for a, b in re.findall(r'(?:src|href)="([^"]+)"|url\("([^"]+)"\)', html)]
    urls.remove("data:,")  # no favicon request (it would be refused: no token)
    assert urls and all(u.startswith("/static/") and u.endswith(f"?token={srv.token}") for u in urls), urls
    assert set(re.findall(r"[a-z]+://[^\s\"'<>]+", html)) == {  # the only absolute URLs
        "http://www.w3.org/2000/svg", f"ws://{srv.host_port}/ws/{srv.token}"}
    assert f'data-session-websocket-url="ws://{srv.host_port}/ws/{srv.token}"' in html
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    # What the page asks for exists in the installed package (offline works).
    from workbench.tui.web.server import STATIC
    for url in urls:
        assert (STATIC / url.split("?")[0].removeprefix("/static/")).is_file(), url


async def _open_tab(srv: Served) -> tuple[aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]:
    """What the page's JavaScript does: open the websocket and wait for the app's first bytes."""
    session = aiohttp.ClientSession()
    ws = await session.ws_connect(f"ws://{srv.host_port}/ws/{srv.token}?width=100&height=30",
                                  origin=srv.base)
    while True:
        message = await asyncio.wait_for(ws.receive(), 120)
        if message.type == aiohttp.WSMsgType.BINARY and len(message.data) > 10:
            return session, ws
        assert message.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY), message


def test_closing_a_tab_ends_its_app_process(repo_copy: Path) -> None:
    with served(repo_copy) as srv:
        async def check() -> None:
            session, ws = await _open_tab(srv)
            second_session, second = await _open_tab(srv)
            pids = app_pids(repo_copy)
            assert len(pids) == 2  # one app per tab
            await ws.close()
            await session.close()
            await asyncio.to_thread(wait_until, lambda: len(app_pids(repo_copy)) == 1, "the closed tab's app to end")
            await second.close()
            await second_session.close()
            await asyncio.to_thread(wait_until, lambda: not app_pids(repo_copy), "the second app to end")
            assert in_sessions(set(pids)) == []  # nothing the apps started is left either
        asyncio.run(check())


def test_ctrl_c_with_open_tabs_leaves_no_process(repo_copy: Path) -> None:
    sessions: set[int] = set()
    with served(repo_copy) as srv:
        async def open_two() -> list[tuple[aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]]:
            return [await _open_tab(srv), await _open_tab(srv)]

        loop = asyncio.new_event_loop()
        tabs = loop.run_until_complete(open_two())
        sessions = set(app_pids(repo_copy))
        assert len(sessions) == 2
        # Leaving the block sends SIGINT with both tabs open and asserts no app process is left.
    assert in_sessions(sessions) == []
    for session, _ in tabs:
        loop.run_until_complete(session.close())
    loop.close()


def test_read_only_apps_get_the_core_flag(repo_copy: Path) -> None:
    with served(repo_copy, "--read-only") as srv:
        async def check() -> None:
            session, ws = await _open_tab(srv)
            [pid] = app_pids(repo_copy)
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert b"WORKBENCH_READ_ONLY=1" in environ
            await ws.close()
            await session.close()
        asyncio.run(check())


def test_non_loopback_bind_warns_and_still_needs_the_token(repo_copy: Path, tmp_path: Path) -> None:
    with (tmp_path / "stderr").open("w+") as err, served(repo_copy, "--host", "0.0.0.0", stderr=err) as srv:
        err.flush()
        port = srv.host_port.rsplit(":", 1)[1]
        status, _, _ = asyncio.run(_get(f"http://127.0.0.1:{port}/"))
        assert status == 403
        status, _, _ = asyncio.run(_get(f"http://127.0.0.1:{port}/?token={srv.token}"))
        assert status == 200
    warning = (tmp_path / "stderr").read_text()
    assert "warning: listening on 0.0.0.0" in warning and "token" in warning


@pytest.mark.parametrize("port", ["-1", "65536", "http", ""])
def test_bad_port_is_one_line_exit_2(repo_copy: Path, port: str) -> None:
    out = subprocess.run([str(WORKBENCH), "--root", str(repo_copy), "serve", "--port", port],  # noqa: S603
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "--port" in out.stderr and "Traceback" not in out.stderr


def test_port_in_use_is_one_line_exit_2(repo_copy: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = subprocess.run([str(WORKBENCH), "serve", "--root", str(repo_copy), "--port", str(port)],  # noqa: S603
                             capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip().startswith("workbench: cannot listen on 127.0.0.1:")
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
