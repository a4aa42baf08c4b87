"""Database URLs: masking passwords everywhere they are shown, and connecting with clear errors."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from workbench.errors import DatabaseError, first_line

if TYPE_CHECKING:
    import psycopg

_KV_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***, for URLs and key=value conninfo strings."""
    if "://" in url:
        try:
            parts = urlsplit(url)
        except ValueError:
            return re.sub(r"//([^:/@]*):[^@]*@", r"//\1:***@", url)
        if parts.password is not None:
            netloc = parts.netloc.rsplit("@", 1)
            user = netloc[0].split(":", 1)[0]
            parts = parts._replace(netloc=f"{user}:***@{netloc[1]}")
        masked = urlunsplit(parts)
        return re.sub(r"([?&]password=)[^&]*", r"\1***", masked)
    return _KV_PASSWORD.sub(r"\1***", url)


def scrub(text: str, url: str) -> str:
    """Remove the password of `url` from an error message that might echo it."""
    try:
        password = urlsplit(url).password if "://" in url else None
    except ValueError:
        password = None
    if password:
        text = text.replace(password, "***")
    return _KV_PASSWORD.sub(r"\1***", text)


def connect(url: str, *, timeout: float = 3.0, autocommit: bool = True, application: str = "workbench",
            **kwargs: Any) -> psycopg.Connection[Any]:
    """psycopg connection or a DatabaseError naming the masked URL and the reason (no traceback)."""
    import psycopg

    try:
        return psycopg.connect(url, connect_timeout=max(1, int(round(timeout))), autocommit=autocommit,
                               application_name=application, **kwargs)
    except psycopg.Error as exc:
        reason = scrub(first_line(exc), url)
        raise DatabaseError(f"cannot connect to {mask_url(url)}: {reason}") from None
    except (ValueError, TypeError) as exc:  # malformed conninfo
        raise DatabaseError(f"invalid database URL {mask_url(url)}: {scrub(str(exc), url)}") from None
