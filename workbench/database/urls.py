"""Database URLs: keeping passwords out of everything shown, and connecting with clear errors.

One function, `redact(text, *conninfos)`, decides what a person may see: every output path
(CLI text and --json through the streams `workbench.cli.main` installs, the TUI's messages,
the core's error strings) goes through it. It removes

- every password it has been told about: those of the conninfo strings passed to it and of
  every one `remember()`ed before (a resolved `--url`, a configured database's URL, the
  `DATABASE_URL`, `PGPASSWORD`), found the way libpq finds them (`conninfo_to_dict`: URLs and
  key=value strings, an unencoded `#` or `?` in a password), plus what a malformed URL would
  give libpq (a password holding `/` or `@` that libpq splits into host, port or dbname and may
  then quote in an error), in raw, percent-decoded and JSON-escaped spellings;
- anything shaped like a password in a URL (`scheme://user:...@`), a `password=` query
  parameter or key=value pair, in any letter case, even for a string never seen before.

`mask_url(url)` and `scrub(text, url)` are the same function under the names callers use.
"""

from __future__ import annotations

import os
import re
from _thread import allocate_lock  # threading's Lock, without importing threading (every CLI start)
from urllib.parse import unquote

from workbench.errors import DatabaseError, first_line  # noqa: F401 - re-exported

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any

    import psycopg

MASK = "***"
_SHORT = 4  # known passwords shorter than this are masked only inside URLs and password= pairs

# Shapes of a password in text we know nothing about. Quotes end a run so compact JSON
# ("url":"...","x":"a@b") is never swallowed past the string holding the URL. Compiled on first use
# (re caches them), not at import: most output has no "://" nor "=", and compiling these four was
# ~1 ms of every CLI start (a 1-file module's `workbench lint` is ~45 ms).
_URL_USERINFO = r"(://[^\s/?#@:\"']*:)[^\s\"']*@"
_QUERY_PASSWORD = r"(?i)([?&]password=)[^&#\s\"']*"
_KV_PASSWORD = r"(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s\"',;&]+)"
_SCHEME = r"^\s*[A-Za-z][A-Za-z0-9+.-]*://"

_lock = allocate_lock()
_snapshot: frozenset[str] = frozenset()  # every password seen in this process (replaced, never mutated)
_ordered: tuple[frozenset[str], list[str]] = (frozenset(), [])


def parse(conninfo: str) -> dict[str, str] | None:
    """The parameters libpq reads from a URL or key=value string; None when libpq refuses it."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    try:
        return {k: str(v) for k, v in conninfo_to_dict(conninfo).items() if v is not None}
    except (ProgrammingError, ValueError, TypeError):
        return None


def passwords_of(conninfo: str) -> set[str]:
    """Every spelling of the password(s) a conninfo string holds or might hold (see module doc)."""
    found: set[str] = set()
    if not conninfo or not isinstance(conninfo, str):
        return found
    parsed = parse(conninfo) if ("=" in conninfo or "://" in conninfo) else None
    if parsed and parsed.get("password"):
        found.add(parsed["password"])
    for m in re.finditer(_QUERY_PASSWORD, conninfo):
        found.add(m.group(0)[len(m.group(1)):])
    for m in re.finditer(_KV_PASSWORD, conninfo):
        value = m.group(2)
        found.add(value)
        if value.startswith("'") and value.endswith("'") and len(value) >= 2:
            found.add(re.sub(r"\\(.)", r"\1", value[1:-1]))
    scheme = re.match(_SCHEME, conninfo)
    if scheme:
        rest = conninfo[scheme.end():]
        if "@" in rest:
            userinfo = rest[:rest.rindex("@")]
            if ":" in userinfo:
                # Up to the LAST '@': a password holding '/' or '@' that libpq cuts short.
                guess = userinfo.split(":", 1)[1]
                found.add(guess)
                if _misread(parsed, unquote(guess)):
                    # libpq read it differently (as host, port or dbname pieces) and may quote a
                    # piece in an error: remember the pieces too.
                    found.update(p for p in re.split(r"[/?#@:,]", guess) if len(p) >= _SHORT)
    out: set[str] = set()
    for s in found:
        if not s:
            continue
        out.add(s)
        out.add(unquote(s))
    return out


def _misread(parsed: dict[str, str] | None, guess: str) -> bool:
    """True when libpq's reading of a URL does not end its password where the last '@' does.

    A URL with no password but an '@' later on (`?user=me@corp`) parses cleanly with numeric
    ports: not a misreading. One whose password holds '/' makes libpq see a port like "pa".
    """
    if parsed is None:
        return True
    if parsed.get("password"):
        return parsed["password"] != guess
    return not all(p.strip().isdigit() for p in parsed.get("port", "5432").split(",") if p.strip())


def remember(*conninfos: str | None) -> None:
    """Add these strings' passwords to the ones every later `redact` removes."""
    new: set[str] = set()
    for c in conninfos:
        if c:
            new |= passwords_of(c)
    global _snapshot
    if not new <= _snapshot:
        with _lock:
            _snapshot = _snapshot | new


def _variants(secret: str) -> set[str]:
    """The secret as it can appear in output: as is, and JSON-escaped (ASCII-only or not)."""
    import json

    return {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}


def _maskable(spelling: str) -> bool:
    """Whether a known secret is masked wherever it appears. Not when masking would mangle the
    output more than it protects: shorter than 4 characters (every "ab" in every word), a JSON
    literal, a short number (`"inserted": 12` would stop being JSON). Such passwords are still
    masked where a URL or `password=` holds them."""
    return (len(spelling) >= _SHORT and spelling.lower() not in ("null", "true", "false")
            and not (spelling.isdigit() and len(spelling) < 6))


def _spellings(secrets: frozenset[str]) -> list[str]:
    """Every spelling to mask, longest first (a password is masked whole before any piece of it)."""
    global _ordered
    cached, ordered = _ordered
    if cached is secrets or cached == secrets:
        return ordered
    ordered = sorted({v for s in secrets for v in _variants(s) if _maskable(v)}, key=lambda v: (-len(v), v))
    _ordered = (secrets, ordered)
    return ordered


def redact(text: str, *conninfos: str | None) -> str:
    """`text` with every known password masked (the one function every output path uses)."""
    if not isinstance(text, str):
        text = str(text)
    remember(*conninfos)
    secrets = _snapshot
    env_password = os.environ.get("PGPASSWORD")
    if env_password and env_password not in secrets:
        secrets = secrets | {env_password}
    for spelling in _spellings(secrets):
        if spelling in text:
            text = text.replace(spelling, MASK)
    if "://" in text:
        text = re.sub(_URL_USERINFO, rf"\g<1>{MASK}@", text)
    if "=" in text:
        text = re.sub(_QUERY_PASSWORD, rf"\g<1>{MASK}", text)
        text = re.sub(_KV_PASSWORD, rf"\g<1>{MASK}", text)
    return text


def mask_url(url: str) -> str:
    """The URL (or key=value string) as shown to people: its password masked."""
    return redact(url, url)


def scrub(text: str, url: str = "") -> str:
    """An error message that might quote `url` (or any known URL), with passwords masked."""
    return redact(text, url)


def connect(url: str, *, timeout: float = 3.0, autocommit: bool = True, application: str = "workbench",
            **kwargs: Any) -> psycopg.Connection[Any]:
    """psycopg connection or a DatabaseError naming the masked URL and the reason (no traceback)."""
    import psycopg

    remember(url)
    try:
        return psycopg.connect(url, connect_timeout=connect_timeout_seconds(timeout), autocommit=autocommit,
                               application_name=application, **kwargs)
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to {mask_url(url)}: {scrub(first_line(exc), url)}") from None
    except (ValueError, TypeError) as exc:  # malformed conninfo
        raise DatabaseError(f"invalid database URL {mask_url(url)}: {scrub(first_line(exc), url)}") from None


MAX_CONNECT_TIMEOUT = 3600.0  # seconds; libpq takes whole seconds, and an hour is patience enough


def connect_timeout_seconds(timeout: float) -> int:
    """libpq's connect_timeout (whole seconds, at least 1) for any float, even inf or nan."""
    if not timeout == timeout:  # nan
        return 3
    return int(round(min(max(timeout, 1.0), MAX_CONNECT_TIMEOUT)))
