"""`workbench check` with nothing changed answers from its last result, without loading anything.

The key is everything the result depends on: the content of every input file (config, squawk's
config, protos, migrations, fixtures; a file over 1 MB by size and mtime instead, to stay fast on
big fixtures), the workbench's own code and the installed packages it runs (squawk, protoc,
pglast, ...), the command's options, and the PostgreSQL server's identity and version. Any
change is a miss, and the check runs as usual (itself incremental on the database side,
`workbench.checks.db_cache`). A result that depends on the environment rather than the files
(the server refused a scratch database, squawk failed to run) is never stored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from workbench.findings import Finding, from_json

try:  # CPython's own sha256 loads faster than hashlib's OpenSSL (see contracts/migration_files.py)
    from _sha256 import sha256 as _sha256
except ImportError:
    try:
        from _sha2 import sha256 as _sha256  # type: ignore[no-redef]
    except ImportError:
        from hashlib import sha256 as _sha256  # type: ignore[assignment]

_BIG = 1 << 20
_ENVIRONMENTAL = {"DB_SCRATCH", "workbench-lint-engine"}
_PACKAGE = Path(__file__).resolve().parent.parent


def _walk(folder: Path) -> list[str]:
    out: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return out
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in ("__pycache__", ".workbench", "node_modules"):
                out += _walk(Path(entry.path))
        else:
            out.append(entry.path)
    return out


def key(root: Path, folders: list[str], options: str) -> str:
    digest = _sha256(options.encode())
    for name in ("workbench.toml", ".squawk.toml"):
        _add_file(digest, root / name, root)
    for folder in folders:
        for path in sorted(_walk(root / folder)):
            _add_file(digest, Path(path), root)
    # the code that computes the result: our own sources, and every installed distribution's version
    for path in sorted(_walk(_PACKAGE)):
        if path.endswith((".py", ".tcss")):
            st = os.stat(path)
            digest.update(f"{path}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    from workbench.codegen.toolchains import _dist_info_dirs

    for name, (version, _) in sorted(_dist_info_dirs().items()):
        digest.update(f"{name}=={version}\n".encode())
    return digest.hexdigest()


def _add_file(digest: object, path: Path, root: Path) -> None:
    update = digest.update  # type: ignore[attr-defined]
    try:
        st = os.stat(path)
    except OSError:
        update(f"{path.name}|missing\n".encode())
        return
    update(f"{os.path.relpath(path, root)}|{st.st_size}\n".encode())
    if st.st_size > _BIG:
        update(f"{st.st_mtime_ns}\n".encode())
        return
    try:
        update(path.read_bytes())
    except OSError:
        update(b"unreadable\n")


def _path(root: Path) -> Path:
    return root / ".workbench" / "check" / "result.json"


def load(root: Path, cache_key: str) -> tuple[list[Finding], list[tuple[Finding, str]], list[int]] | None:
    """(findings, dropped, [entities, migrations, fixtures]) of the last run with this key, else None."""
    try:
        data = json.loads(_path(root).read_text("utf-8"))
        if data.get("key") != cache_key:
            return None
        findings = [from_json(f) for f in data["findings"]]
        dropped = [(from_json(d), str(d["reason"])) for d in data["dropped"]]
        return findings, dropped, [int(n) for n in data["counts"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save(root: Path, cache_key: str, findings: list[Finding], dropped: list[tuple[Finding, str]],
         counts: list[int]) -> None:
    if any(f.rule in _ENVIRONMENTAL for f in findings):
        return
    data = {"key": cache_key, "counts": counts, "findings": [f.to_json() for f in findings],
            "dropped": [{**f.to_json(), "reason": why} for f, why in dropped]}
    path = _path(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only checkout: the next run is just not faster

