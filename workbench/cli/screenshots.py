"""`workbench screenshots`: regenerate screenshots/ (SVG) with the TUI itself, headless."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("screenshots", help="regenerate the TUI screenshots (SVG) in screenshots/",
                       description="Runs the TUI headless on the repository and saves one SVG per view.")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: <root>/screenshots)")
    p.add_argument("--only", default=None, help="only shots whose name contains this text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from workbench.tui.shots import take_all

    out = args.out or args.root / "screenshots"
    written = take_all(args.root, out, progress=lambda line: print(line, file=sys.stderr), only=args.only)
    print(f"{len(written)} screenshots in {out}")
    return 0 if written else 2
