"""Migration files: `NNN_snake_name.sql` in the dbmate format.

    -- what this migration does
    -- migrate:up                      (or `-- migrate:up transaction:false`)
    CREATE TABLE ...;
    -- migrate:down
    DROP TABLE ...;

The checksum is sha256 of the file with a BOM dropped and CRLF/CR turned into LF, so a
checkout on another OS is not an edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from workbench.findings import Finding, Severity

# Why not `hashlib.sha256`: importing hashlib loads OpenSSL's _hashlib (~2 ms), a tenth of what
# `migrate status` may add to Python + psycopg (issue 4). CPython's own sha256 module gives
# the same digest and loads in ~0.2 ms; hashlib stays the fallback (3.12+ names it _sha2).
try:
    from _sha256 import sha256 as _sha256
except ImportError:
    try:
        from _sha2 import sha256 as _sha256  # type: ignore[no-redef]
    except ImportError:
        from hashlib import sha256 as _sha256  # type: ignore[assignment]

_NAME = re.compile(r"^(?P<version>\d+)_(?P<name>[a-z0-9_]+)\.sql$")
_MARKER = re.compile(r"^--\s*migrate:(?P<part>up|down)\b(?P<opts>[^\n]*)$", re.MULTILINE)
NO_TRANSACTION_OPTION = "transaction:false"


def normalise(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def checksum(text: str) -> str:
    return _sha256(normalise(text).encode("utf-8")).hexdigest()


def chain(migrations: list[Migration]) -> list[str]:
    """Entry i digests migrations 1..i (paths, checksums, transaction mode): what the state after
    them depends on. The check caches (scratch schema, template databases) are keyed by it."""
    out: list[str] = []
    previous = ""
    for mg in migrations:
        previous = _sha256(f"{previous}|{mg.rel}|{mg.checksum}|{mg.transactional}".encode()).hexdigest()
        out.append(previous)
    return out


@dataclass(frozen=True)
class Migration:
    version: str  # "003", as in the file name (compared numerically)
    name: str  # "create_orders_payments"
    rel: str  # repository-relative path, "sql/003_create_orders_payments.sql"
    text: str  # normalised file text
    up: str
    down: str
    up_line: int  # line of the first line after the up marker (1-based)
    down_line: int
    transactional: bool
    checksum: str

    @property
    def number(self) -> int:
        return int(self.version)

    @property
    def title(self) -> str:
        return f"{self.version} {self.name.replace('_', ' ')}"


def parse_migration(text: str, filename: str, rel: str) -> tuple[Migration | None, list[Finding]]:
    m = _NAME.match(filename)
    if not m:
        return None, [Finding(Severity.ERROR, "MIGRATION_NAME", rel, 0,
                              f"migration file name '{filename}' is not NNN_snake_name.sql")]
    text = normalise(text)
    markers = list(_MARKER.finditer(text))
    ups = [x for x in markers if x["part"] == "up"]
    downs = [x for x in markers if x["part"] == "down"]
    findings: list[Finding] = []
    if len(ups) != 1:
        line = _line(text, ups[1].start()) if len(ups) > 1 else 1
        findings.append(Finding(Severity.ERROR, "MIGRATION_FORMAT", rel, line,
                                "expected exactly one '-- migrate:up' marker"))
    if len(downs) > 1:
        findings.append(Finding(Severity.ERROR, "MIGRATION_FORMAT", rel, _line(text, downs[1].start()),
                                "expected at most one '-- migrate:down' marker"))
    if findings:
        return None, findings
    up_m = ups[0]
    down_m = downs[0] if downs else None
    if down_m is not None and down_m.start() < up_m.start():
        return None, [Finding(Severity.ERROR, "MIGRATION_FORMAT", rel, _line(text, down_m.start()),
                              "'-- migrate:down' must come after '-- migrate:up'")]
    up_start = up_m.end() + 1
    up_end = down_m.start() if down_m else len(text)
    up = text[up_start:up_end]
    down = text[down_m.end() + 1:] if down_m else ""
    if down_m is None:
        findings.append(Finding(Severity.WARNING, "MIGRATION_NO_DOWN", rel, _line(text, up_m.start()),
                                "no '-- migrate:down' part: this migration cannot be reverted"))
    opts = up_m["opts"].split()
    unknown = [o for o in opts if o != NO_TRANSACTION_OPTION]
    if unknown:
        findings.append(Finding(Severity.ERROR, "MIGRATION_FORMAT", rel, _line(text, up_m.start()),
                                f"unknown option {' '.join(unknown)} (only {NO_TRANSACTION_OPTION})"))
    migration = Migration(
        version=m["version"],
        name=m["name"],
        rel=rel,
        text=text,
        up=up,
        down=down,
        up_line=_line(text, up_start),
        down_line=_line(text, down_m.end() + 1) if down_m else 0,
        transactional=NO_TRANSACTION_OPTION not in opts,
        checksum=checksum(text),
    )
    return migration, findings


def load_migrations(sql_dir: Path, rel_prefix: str = "sql/") -> tuple[list[Migration], list[Finding]]:
    """Every migration in `sql_dir`, ordered by version; duplicate versions are errors."""
    migrations: list[Migration] = []
    findings: list[Finding] = []
    if not sql_dir.is_dir():
        return [], [Finding(Severity.ERROR, "MIGRATION_DIR", rel_prefix.rstrip("/"), 0,
                            f"no migrations folder {rel_prefix.rstrip('/')}/")]
    for path in sorted(sql_dir.iterdir()):
        rel = rel_prefix + path.name
        if path.suffix.lower() != ".sql":
            continue
        if path.suffix != ".sql":
            # `001_x.SQL` would be skipped silently by a case-sensitive glob and never run.
            findings.append(Finding(Severity.ERROR, "MIGRATION_NAME", rel, 0,
                                    f"migration file '{path.name}' must end in lower-case .sql to be run"))
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            findings.append(Finding(Severity.ERROR, "MIGRATION_ENCODING", rel, 0, f"not UTF-8: {exc.reason}"))
            continue
        except OSError as exc:
            findings.append(Finding(Severity.ERROR, "MIGRATION_READ", rel, 0, exc.strerror or str(exc)))
            continue
        migration, more = parse_migration(text, path.name, rel)
        findings.extend(more)
        if migration:
            migrations.append(migration)
    migrations.sort(key=lambda mg: (mg.number, mg.name))
    by_version: dict[int, Migration] = {}
    for mg in migrations:
        first = by_version.setdefault(mg.number, mg)
        if first is not mg:
            findings.append(Finding(Severity.ERROR, "MIGRATION_DUPLICATE_VERSION", mg.rel, 1,
                                    f"version {mg.version} is also used by {first.rel} "
                                    "(two branches each added one? renumber this file)"))
    return migrations, findings


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
