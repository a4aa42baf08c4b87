"""What `workbench check` already proved on a server: migrations verified, and a template database.

A migration's round trip (up applies, down reverts it) depends on its text and on the state it
starts from, i.e. on every earlier migration. So verification is recorded per *chain*: entry i is
a digest of migrations 1..i (their checksums and transaction mode). After a run that found
nothing, the state after every up but the newest is kept on the server as a template database
(named from its chain digest, the PostgreSQL version and the repository): the migration being
written is the newest one, so the next run clones the template (`CREATE DATABASE ... TEMPLATE`),
replays the proven migrations after it (none, or the one a new file was appended to) and tries
only the migrations after the longest unchanged prefix. With nothing changed, no database work is
done at all. A different PostgreSQL version, or another server, never reuses a record.

The record lives in `.workbench/check/databases.json`, keyed by the server (user, host, port;
never the password).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from workbench.contracts.migration_files import Migration

TEMPLATE_PREFIX = "wbtpl_"

try:  # CPython's own sha256 loads faster than hashlib's OpenSSL (see contracts/migration_files.py)
    from _sha256 import sha256 as _sha256
except ImportError:
    try:
        from _sha2 import sha256 as _sha256  # type: ignore[no-redef]
    except ImportError:
        from hashlib import sha256 as _sha256  # type: ignore[assignment]


@dataclass(frozen=True)
class Record:
    server_version: int
    chain: tuple[str, ...]  # digests of the verified migrations, in order
    template: str  # database holding the state after the ups of the first `template_prefix` of them
    template_prefix: int = 0


def chain(migrations: list[Migration]) -> list[str]:
    from workbench.contracts.migration_files import chain as digests

    return digests(migrations)


def template_name(digest: str, server_version: int, root: Path) -> str:
    """Per repository too: two checkouts with the same migrations never drop each other's template."""
    where = _sha256(str(root.resolve()).encode()).hexdigest()[:8]
    return f"{TEMPLATE_PREFIX}{server_version}_{where}_{digest[:16]}"


def server_key(admin_url: str) -> str:
    """The server, without credentials: host (or socket folder), port, user."""
    parts = urlsplit(admin_url)
    query = dict(q.split("=", 1) for q in parts.query.split("&") if "=" in q)
    host = parts.hostname or query.get("host", "")
    port = parts.port or query.get("port", "")
    return f"{parts.username or query.get('user', '')}@{host}:{port}"


def _path(root: Path) -> Path:
    return root / ".workbench" / "check" / "databases.json"


def load(root: Path, admin_url: str) -> Record | None:
    try:
        data = json.loads(_path(root).read_text("utf-8")).get(server_key(admin_url))
        if not data:
            return None
        return Record(int(data["server_version"]), tuple(data["chain"]), str(data["template"]),
                      int(data["template_prefix"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save(root: Path, admin_url: str, record: Record | None) -> None:
    path = _path(root)
    try:
        data = json.loads(path.read_text("utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    key = server_key(admin_url)
    if record is None:
        data.pop(key, None)
    else:
        data[key] = {"server_version": record.server_version, "chain": list(record.chain),
                     "template": record.template, "template_prefix": record.template_prefix}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1), "utf-8")
        os.replace(tmp, path)  # two checks at once: one whole file wins, never a torn one
    except OSError:
        pass  # a read-only checkout: the next run is just not faster


def verified_prefix(record: Record | None, current: list[str], server_version: int) -> int:
    """How many leading migrations are proven on this server (0 when the record does not apply)."""
    if record is None or record.server_version != server_version:
        return 0
    n = 0
    for a, b in zip(record.chain, current, strict=False):
        if a != b:
            break
        n += 1
    return n
