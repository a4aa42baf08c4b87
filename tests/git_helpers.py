"""Git for tests: a contracts repository with `main` committed and a `feature` branch checked out
(what a reviewer has in front of them when `workbench breaking` runs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

IDENTITY = ("-c", "user.email=t@example.com", "-c", "user.name=t")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *IDENTITY, *args], capture_output=True, text=True,
                          check=True).stdout


def review_repo(base: Path, root: Path) -> Path:
    """A copy of `base` at `root`, committed on `main`, with `feature` checked out."""
    shutil.copytree(base, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    return root
