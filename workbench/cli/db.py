"""`workbench db start|stop|status|url`: the embedded PostgreSQL server of this repository."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("db", help="the embedded PostgreSQL server (data in .workbench/pg)")
    p.add_argument("action", choices=["start", "stop", "status", "url"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.database.embedded import server_for

    server = server_for(args.root)
    if args.action == "start":
        print(server.ensure_running())
    elif args.action == "stop":
        print("stopped" if server.stop() else "not running")
    elif args.action == "status":
        pid = server.running_pid()
        print(f"running (pid {pid}) at {server.url()}" if pid else f"not running (data in {server.data})")
        return 0 if pid else 1
    else:
        print(server.url())
    return 0
