"""Which database a URL reaches: (server endpoints, database name), read the way libpq reads it.

Two spellings reach the same database when their database names are equal and one of their
server endpoints is the same. Both sides are parsed by libpq (`conninfo_to_dict`: URLs and
key=value strings alike) and get libpq's defaults the same way (`PGHOST`, `PGPORT`,
`PGDATABASE`, `PGUSER`, then the compiled ones), so `localhost` and `127.0.0.1`, an omitted port
and 5432, a URL and its key=value form all compare equal.

Deliberate choices, each on the side of guarding:
- every local endpoint (a Unix socket directory, `localhost`, a loopback address) with the same
  port is one server: on one machine a port is held by one server, and its socket file is named
  after that port;
- two host names are the same server when they resolve to a common address (looked up only
  when the database name and port already agree);
- the user is not compared: another role reaches the same data (a guard belongs to the
  database, not to a login).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

LOCAL = "local"


@dataclass(frozen=True)
class Identity:
    dbname: str
    endpoints: frozenset[tuple[str, str]]  # (host or LOCAL, port)


_ENV = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE", "PGSERVICEFILE", "PGSYSCONFDIR")


def identity_of(conninfo: str) -> Identity | None:
    """The database a conninfo string names; None when libpq cannot parse it."""
    # Cached by the string and the environment libpq's defaults come from: `status` over many
    # databases compares each with every configured one.
    return _identity_cached(conninfo, tuple(os.environ.get(k) for k in _ENV))


@lru_cache(maxsize=512)
def _identity_cached(conninfo: str, _env: tuple[str | None, ...]) -> Identity | None:
    from workbench.database.urls import parse

    params = parse(conninfo)
    if params is None:
        return None
    return _identity(params)


def identity_of_connection(conn: psycopg.Connection[Any]) -> Identity:
    """The database an open connection reached (libpq's own final host, port and name)."""
    info = conn.info
    host = info.hostaddr or info.host or ""
    return Identity(info.dbname, frozenset({(_host(host), str(info.port))}))


def same_database(a: Identity | None, b: Identity | None) -> bool:
    if a is None or b is None or a.dbname != b.dbname:
        return False
    for host_a, port_a in a.endpoints:
        for host_b, port_b in b.endpoints:
            if port_a == port_b and (host_a == host_b or _same_server(host_a, host_b)):
                return True
    return False


def _defaults() -> dict[str, str]:
    """libpq's defaults now (environment variables first, then compiled-in values)."""
    from psycopg import pq

    out = {}
    for opt in pq.Conninfo.get_defaults():
        if opt.val is not None:
            out[opt.keyword.decode()] = opt.val.decode(errors="replace")
    return out


def _identity(params: dict[str, str]) -> Identity:
    defaults = _defaults()

    def value(key: str) -> str:
        return params.get(key) or defaults.get(key) or ""

    user = value("user")
    dbname = value("dbname") or user
    hosts = value("hostaddr") or value("host")
    host_list = [h.strip() for h in hosts.split(",")] if hosts else [""]
    port_list = [p.strip() or "5432" for p in (value("port") or "5432").split(",")]
    if len(port_list) == 1:
        port_list *= len(host_list)
    endpoints = frozenset((_host(h), p) for h, p in zip(host_list, port_list, strict=False))
    return Identity(dbname, endpoints)


def _host(host: str) -> str:
    """LOCAL for a socket directory or loopback name/address; otherwise the lower-case host."""
    host = host.strip().strip("[]").lower()
    if not host or host.startswith(("/", "@")) or host == "localhost" or host.endswith(".localhost"):
        return LOCAL
    if _is_loopback(host):
        return LOCAL
    return host


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@lru_cache(maxsize=256)
def _addresses(host: str) -> frozenset[str]:
    """The addresses a host name resolves to (LOCAL for loopback ones); empty when it does not."""
    if host == LOCAL:
        return frozenset({LOCAL})
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):
        return frozenset()
    out = set()
    for info in infos:
        addr = str(info[4][0])
        out.add(LOCAL if _is_loopback(addr) else addr)
    return frozenset(out)


def _same_server(a: str, b: str) -> bool:
    return bool(_addresses(a) & _addresses(b))
