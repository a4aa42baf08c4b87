"""Who may talk to `workbench serve`: the per-start token, the Host header and the Origin header.

Plain functions (no aiohttp) so the rules are tested on their own:
- the token is random per start and compared in constant time;
- the Host header must name this server (an IP literal it answers on, `localhost`, or the name it
  was started with); a DNS-rebinding page reaches us under *its* domain name, so it is refused;
- the websocket's Origin must be this very page (same scheme-less host and port), so another
  site's page cannot drive the app even from the user's own browser.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def token_matches(supplied: str | None, token: str) -> bool:
    return bool(supplied) and hmac.compare_digest(str(supplied).encode(), token.encode())


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: only this machine can connect."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    ip = _ip(host)
    return ip is not None and ip.is_loopback


def hostname_of(host_header: str | None) -> str | None:
    """`example.org:8000` / `[::1]:8000` -> `example.org` / `::1` (lower case); None if unparsable."""
    if not host_header:
        return None
    try:
        parts = urlsplit("//" + host_header)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    return parts.hostname


def host_allowed(hostname: str | None, bind_host: str) -> bool:
    """May a request whose Host header names `hostname` be served by a server bound to `bind_host`?"""
    if not hostname:
        return False
    bind = bind_host.strip("[]").lower()
    ip = _ip(hostname)
    if ip is not None:
        if bind in WILDCARDS:
            return True
        if is_loopback(bind):
            return ip.is_loopback
        return ip == _ip(bind)
    if hostname in LOOPBACK_NAMES:
        return is_loopback(bind) or bind in WILDCARDS
    names = {bind}
    if bind in WILDCARDS:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return hostname in names


def origin_allowed(origin: str | None, host_header: str | None) -> bool:
    """The websocket's Origin must be the page this server served: http(s)://<the Host header>."""
    if not origin or not host_header or origin == "null":
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host_header.lower() \
        and not parts.path.strip("/") and not parts.query


def url_host(host: str) -> str:
    """`host` as it goes in a URL (IPv6 in brackets); a wildcard bind is shown as this machine's name."""
    if host.strip("[]") in WILDCARDS:
        host = socket.gethostname()
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
