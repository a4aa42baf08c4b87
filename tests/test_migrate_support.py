"""Helpers shared by the test_migrate_* modules (no tests here).

A test repository is a temp folder with `workbench.toml`, the real tracker migration
(`sql/000_migration_tracker.sql`) and the migrations a test writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from workbench.cli.main import main
from workbench.database.urls import connect

REPO = Path(__file__).resolve().parent.parent
TRACKER = (REPO / "sql" / "000_migration_tracker.sql").read_text(encoding="utf-8")


def make_repo(tmp: Path, migrations: dict[str, str], toml: str = "") -> Path:
    root = tmp / "repo"
    (root / "sql").mkdir(parents=True)
    (root / "workbench.toml").write_text(toml or "# test repository\n", encoding="utf-8")
    (root / "sql" / "000_migration_tracker.sql").write_text(TRACKER, encoding="utf-8")
    for name, text in migrations.items():
        (root / "sql" / name).write_text(text, encoding="utf-8")
    return root


def mig(up: str, down: str = "", *, tx: bool = True) -> str:
    marker = "-- migrate:up" if tx else "-- migrate:up transaction:false"
    return f"-- test migration\n{marker}\n{up}\n-- migrate:down\n{down}\n"


def cli(capsys: Any, root: Path, *args: str) -> tuple[int, str, str]:
    """Run `workbench migrate ...` in-process; returns (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(["--root", str(root), "migrate", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def status_json(capsys: Any, root: Path, url: str) -> dict[str, Any]:
    code, out, _ = cli(capsys, root, "status", "--url", url, "--json")
    data: dict[str, Any] = json.loads(out)
    data["exit"] = code
    return data


def states(capsys: Any, root: Path, url: str) -> dict[str, str]:
    db = status_json(capsys, root, url)["databases"][0]
    return {m["version"]: m["state"] for m in db["migrations"]}


def spawn(root: Path, *args: str) -> subprocess.Popen[str]:
    """`workbench migrate ...` as a separate process (for concurrency and kill tests)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-m", "workbench", "--root", str(root), "migrate", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=root)


def query(url: str, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connect(url) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def table_exists(url: str, name: str) -> bool:
    return bool(query(url, "SELECT to_regclass(%s) IS NOT NULL", [name])[0][0])


def wait_for(predicate: Any, timeout: float = 10.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def running_query(url: str, fragment: str) -> int | None:
    """pid of a backend of this database currently running a query containing `fragment`."""
    dbname = url.split("?")[0].rsplit("/", 1)[-1]
    rows = query(url, "SELECT pid FROM pg_stat_activity WHERE datname = %s AND state = 'active'"
                      " AND query LIKE %s AND pid <> pg_backend_pid()", [dbname, f"%{fragment}%"])
    return rows[0][0] if rows else None
