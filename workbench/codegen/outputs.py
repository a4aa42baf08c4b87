"""Writing generated files (only those that changed) and the stamp that skips unchanged runs.

A stamp per language and output folder records a hash of every input (protos, options,
plugin paths and versions) and, per generated file, its size and mtime as we left it. A run
whose input hash matches and whose files are untouched does nothing. Files we generated
before and no longer generate are removed; files we never wrote are never touched.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STAMP_FORMAT = 1


def findings_from_json(items: list[dict[str, Any]]) -> list[Any]:
    """Findings as `Finding.to_json` wrote them (a cached verification result)."""
    from workbench.findings import Finding, Severity

    out = []
    for item in items:
        data = dict(item)
        data["severity"] = Severity(str(data["severity"]))
        out.append(Finding(**data))
    return out


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)  # relative to the language folder
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return sorted(self.written + self.unchanged)


def hash_files(paths: Iterable[Path], base: Path) -> str:
    """One hash over (relative name, content) of every file, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0missing"
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def hash_text(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def write_files(out_dir: Path, files: dict[str, bytes], previous: Iterable[str] = (),
                history: Path | None = None) -> WriteReport:
    """Write what differs; with `history`, keep each replaced file's old content there (for diffs)."""
    report = WriteReport()
    for rel in sorted(files):
        data = files[rel]
        target = out_dir / rel
        try:
            old: bytes | None = target.read_bytes()
        except OSError:
            old = None
        if old == data:
            report.unchanged.append(rel)
            continue
        if history is not None:
            _keep(history / rel, old)
        import tempfile

        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside and rename: a reader (an IDE, `go build`) never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        report.written.append(rel)
    for rel in sorted(set(previous) - set(files)):
        try:
            (out_dir / rel).unlink()
            report.removed.append(rel)
        except FileNotFoundError:
            pass
        _prune_empty(out_dir, (out_dir / rel).parent)
    return report


def _keep(path: Path, old: bytes | None) -> None:
    """The previous generation of a file; absent when the file is new this run."""
    if old is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(old)


def history_dir(state_dir: Path, lang_dir: Path) -> Path:
    """Where the previous content of a language folder's replaced files is kept."""
    return state_dir / "previous" / f"{lang_dir.name}-{hash_text(str(lang_dir.resolve()))[:10]}"


def _prune_empty(top: Path, folder: Path) -> None:
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


@dataclass
class Stamp:
    path: Path
    data: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False  # only a run that changed something rewrites its stamp

    @classmethod
    def load(cls, path: Path) -> Stamp:
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("format") != STAMP_FORMAT:
                data = {}
        except (OSError, ValueError):
            data = {}
        return cls(path, data)

    @property
    def files(self) -> list[str]:
        return list(self.data.get("files", {}))

    def outputs_intact(self, out_dir: Path) -> bool:
        for rel, (size, mtime) in self.data.get("files", {}).items():
            try:
                st = (out_dir / rel).stat()
            except OSError:
                return False
            if st.st_size != size or st.st_mtime_ns != mtime:
                return False
        return True

    def generation_current(self, key: str, out_dir: Path) -> bool:
        return self.data.get("key") == key and self.outputs_intact(out_dir)

    def record_generation(self, key: str, out_dir: Path, files: Iterable[str], meta: dict[str, Any]) -> None:
        entries = {}
        for rel in sorted(files):
            st = (out_dir / rel).stat()
            entries[rel] = [st.st_size, st.st_mtime_ns]
        keep: dict[str, Any] = {k: self.data[k] for k in ("verify_key", "verify")
                                if k in self.data and self.data.get("key") == key}
        self.data = {"format": STAMP_FORMAT, "key": key, "files": entries, **meta, **keep}
        self.dirty = True

    def cached_verification(self, verify_key: str) -> dict[str, Any] | None:
        if self.data.get("verify_key") == verify_key:
            result = self.data.get("verify")
            return result if isinstance(result, dict) else None
        return None

    def record_verification(self, verify_key: str, result: dict[str, Any]) -> None:
        self.data["verify_key"] = verify_key
        self.data["verify"] = result
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        self.dirty = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, sort_keys=True, indent=1), "utf-8")
        os.replace(tmp, self.path)
