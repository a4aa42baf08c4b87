"""`workbench serve`: the TUI in a web browser, private by default (a token in the URL)."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.errors import UsageError


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"--port {text!r}: a TCP port is a number from 0 to 65535 "
                                         "(0: any free port)")
    return port


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "serve", help="serve the TUI to a web browser (private: the printed URL carries a token)",
        description="Serves the workbench TUI to a web browser until Ctrl+C. Each start makes a random "
                    "token; the printed URL carries it and every request without it is refused. "
                    "Listens on 127.0.0.1 unless --host says otherwise.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; anything else is reachable from other "
                        "machines, still behind the token)")
    p.add_argument("--port", type=_port, default=8000, help="TCP port (default 8000; 0: any free port)")
    p.add_argument("--read-only", action="store_true",
                   help="no writing action (apply, roll back, reset, resolve, seed, codegen): hidden in the "
                        "app and refused by the core")
    p.add_argument("--root", type=Path, default=argparse.SUPPRESS,
                   help="contracts repository (default: found upwards from the current directory)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    try:
        from workbench.tui.web.access import is_loopback
        from workbench.tui.web.server import WorkbenchServer
    except ModuleNotFoundError as exc:  # textual-serve is a dependency; a broken install says so
        raise UsageError(f"workbench serve needs the '{exc.name}' package: pip install -e .") from None

    host = str(args.host).strip()
    if not host:
        raise UsageError("--host: give an address to listen on, e.g. 127.0.0.1")
    server = WorkbenchServer(args.root, host=host, port=args.port, read_only=args.read_only)

    def announce(url: str) -> None:
        if not is_loopback(host):
            print(f"workbench serve: warning: listening on {host}, reachable from other machines; anyone "
                  "with this URL (its token) can use the workbench: share it only with people you trust"
                  f"{'' if args.read_only else ', and consider --read-only'}", file=sys.stderr, flush=True)
        mode = " (read-only)" if args.read_only else ""
        print(f"Serving {args.root}{mode}. Open in a browser:\n\n    {url}\n\nCtrl+C stops the server and "
              "every app it started.", flush=True)

    server.run(announce)
    print("workbench serve: stopped", file=sys.stderr)
    return 0
