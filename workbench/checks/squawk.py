"""squawk (PyPI squawk-cli, a native binary in its wheel) run once over the up parts of all migrations.

One process for every file: each migration is written to a temporary folder twice, with its down
part blanked (line numbers unchanged): once as written, and once with its `squawk-ignore`
comments neutralised. What squawk reports on the second copy but not on the first is what an
ignore comment accepted, by squawk's own rules (file-level, line-level, rule lists, `--` trailing
reasons), so the workbench lists accepted findings without re-implementing how squawk matches them.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from workbench.contracts.migration_files import Migration

RULE_PAGE = "https://squawkhq.com/docs/{rule}"
_IGNORE = "squawk-ignore"
_NEUTRAL = "squawk-ign0re"  # same length: columns stay where squawk reported them
_NO_TRANSACTION = "-- squawk-disable-assume-in-transaction"  # squawk's own per-file override


class SquawkUnavailable(Exception):
    """squawk is not installed, or it failed without a report (message says which)."""


@dataclass(frozen=True, slots=True)
class Violation:
    migration: Migration
    rule: str  # squawk's rule name, e.g. "ban-drop-column"
    line: int  # 1-based line in the migration file
    column: int  # 1-based
    message: str
    help: str
    level: str  # squawk's "Warning" | "Error"
    ignored: bool  # accepted by a `-- squawk-ignore` comment in the file

    @property
    def page(self) -> str:
        return RULE_PAGE.format(rule=self.rule)


def binary() -> str | None:
    from workbench.codegen.toolchains import installed_script

    return installed_script("squawk-cli", "squawk")


def up_only(mg: Migration) -> str:
    """The file with everything from the down marker on blanked, so lines and columns still match."""
    lines = mg.text.split("\n")
    if mg.down_line > mg.up_line:
        keep = mg.down_line - 2  # lines before the down marker (down_line is the line after it)
        lines = lines[:keep] + [""] * (len(lines) - keep)
    text = "\n".join(lines)
    if not mg.transactional:
        text += "\n" + _NO_TRANSACTION + "\n"
    return text


def run(migrations: list[Migration], root: Path, pg_version: str, *, timeout: float = 60.0) -> list[Violation]:
    """Every violation squawk finds in the up parts, accepted ones marked `ignored`."""
    exe = binary()
    if exe is None:
        raise SquawkUnavailable("squawk is not installed (it comes with the workbench: pip install squawk-cli)")
    if not migrations:
        return []
    with tempfile.TemporaryDirectory(prefix="wb-squawk-") as tmp:
        paths: dict[str, tuple[Migration, bool]] = {}
        for i, mg in enumerate(migrations):
            text = up_only(mg)
            for suffix, ignores_honoured, body in (("", True, text), (".all", False, text.replace(_IGNORE, _NEUTRAL))):
                path = os.path.join(tmp, f"{i:05d}{suffix}.sql")
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(body)
                paths[path] = (mg, ignores_honoured)
        argv = [exe, "--reporter", "json", "--assume-in-transaction", "--pg-version", pg_version,
                "--no-error-on-unmatched-pattern"]
        config = root.resolve() / ".squawk.toml"
        if config.is_file():
            argv += ["--config", str(config)]
        try:
            proc = subprocess.run([*argv, *paths], capture_output=True, text=True, timeout=timeout,  # noqa: S603
                                  cwd=tmp, check=False, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError) as exc:
            raise SquawkUnavailable(f"squawk could not run: {exc}") from None
        try:
            # squawk exits 1 when it reports violations; with no report at all, it failed
            report = json.loads(proc.stdout or "[]") if proc.stdout.strip() or proc.returncode == 0 else None
        except ValueError:
            report = None
        if not isinstance(report, list) or (proc.returncode not in (0, 1)):
            why = (proc.stderr or proc.stdout).strip().splitlines()
            raise SquawkUnavailable(f"squawk failed (exit {proc.returncode}): {why[0] if why else 'no output'}")
    honoured: set[tuple[str, str, int, int]] = set()
    everything: list[tuple[Migration, dict[str, object]]] = []
    for v in report:
        path = str(v.get("file", ""))
        entry = paths.get(path) or paths.get(os.path.join(tmp, os.path.basename(path)))
        if entry is None:
            continue
        mg, ignores_honoured = entry
        if ignores_honoured:
            honoured.add((mg.rel, str(v["rule_name"]), int(str(v["line"])), int(str(v["column"]))))
            if v["rule_name"] == "unused-ignore":  # only the copy with its comments can say so
                everything.append((mg, v))
        else:
            everything.append((mg, v))
    out = []
    for mg, v in everything:
        rule, line, column = str(v["rule_name"]), int(str(v["line"])), int(str(v["column"]))
        out.append(Violation(mg, rule, line + 1, column + 1, str(v.get("message") or ""),
                             str(v.get("help") or ""), str(v.get("level") or "Warning"),
                             ignored=(mg.rel, rule, line, column) not in honoured))
    return out
