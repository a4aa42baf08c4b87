"""`migrate create NAME`: the next numbered migration file, in the documented dbmate format."""

from __future__ import annotations

import re
from pathlib import Path

from workbench.contracts.migration_files import Migration
from workbench.errors import UsageError
from workbench.readonly import refuse_writes

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_NAME = 100

TEMPLATE = """-- {title}
-- migrate:up


-- migrate:down

"""


def create_migration(sql_dir: Path, name: str, existing: list[Migration]) -> Path:
    refuse_writes("migrate create")
    name = name.strip().lower().replace("-", "_").replace(" ", "_")
    if not _SNAKE.match(name):
        raise UsageError(f"migration name {name[:60]!r} must be snake_case (letters, digits, underscores)")
    if len(name) > MAX_NAME:
        # A file name is at most 255 bytes; a description this long belongs in the file.
        raise UsageError(f"migration name is {len(name)} characters long; at most {MAX_NAME}, "
                         "please (describe the change in the file's first comment)")
    numbers = [mg.number for mg in existing]
    width = max((len(mg.version) for mg in existing), default=3)
    version = str(max(numbers, default=-1) + 1).zfill(width)
    path = sql_dir / f"{version}_{name}.sql"
    try:
        sql_dir.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as fh:  # "x": never overwrite a colleague's file
            fh.write(TEMPLATE.format(title=name.replace("_", " ").capitalize()))
    except FileExistsError:
        raise UsageError(f"{path} exists already") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
