"""`workbench.toml`: typed, frozen configuration. Unknown keys are findings, never crashes.

Layout (every section optional):

    [workbench]            proto = "proto", migrations = "sql", fixtures = "seeders",
                           lock_timeout = "5s", connect_timeout = 3
    [domains]              Core = ["User", "Role"], ...   (entity grouping in the UI)
    [mapping]              exclude_messages = [...], exclude_tables = [...]
    [mapping.tables]       MessageName = "table_name"
    [mapping.columns.Msg]  field_name = "column_name"
    [databases.NAME]       url = "${ENV_VAR}" (empty: a database on the embedded server),
                           protected = false, read_only = false, migrations = ["000", "002"]
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from workbench import bounds
from workbench.findings import Finding, Severity

CONFIG_FILE = "workbench.toml"
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class DatabaseConfig:
    name: str
    url: str = ""  # raw, may hold ${VARS}; "" means a database on the embedded server
    protected: bool = False
    read_only: bool = False
    migrations: tuple[str, ...] | None = None  # versions this database owns; None: all

    @property
    def embedded(self) -> bool:
        return not self.url

    def resolved_url(self) -> str:
        """The URL with ${VARS} substituted; raises KeyError naming a missing variable."""
        def sub(m: re.Match[str]) -> str:
            value = os.environ.get(m[1])
            if value is None:
                raise KeyError(m[1])
            return value

        return _ENV.sub(sub, self.url)


@dataclass(frozen=True)
class MappingConfig:
    exclude_messages: frozenset[str] = frozenset()
    exclude_tables: frozenset[str] = frozenset()
    tables: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    columns: MappingProxyType[str, MappingProxyType[str, str]] = field(
        default_factory=lambda: MappingProxyType({})
    )


@dataclass(frozen=True)
class Config:
    proto_dir: str = "proto"
    migrations_dir: str = "sql"
    fixtures_dir: str = "seeders"
    lock_timeout: str = "5s"
    connect_timeout: float = 3.0
    domains: MappingProxyType[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    mapping: MappingConfig = field(default_factory=MappingConfig)
    databases: tuple[DatabaseConfig, ...] = ()
    raw: MappingProxyType[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def database(self, name: str) -> DatabaseConfig | None:
        return next((d for d in self.databases if d.name == name), None)

    def domain_of(self, message: str) -> str:
        for domain, members in self.domains.items():
            if message in members:
                return domain
        return "Other"


_KNOWN = {
    "workbench": {"proto", "migrations", "fixtures", "lock_timeout", "connect_timeout"},
    "mapping": {"exclude_messages", "exclude_tables", "tables", "columns"},
    "database": {"url", "protected", "read_only", "migrations"},
}
# Sections other parts of the workbench read themselves (codegen options, keymap, ...).
_FOREIGN_SECTIONS = {"codegen", "keymap", "seeds", "breaking", "lint"}


def load_config(root: Path) -> tuple[Config, list[Finding]]:
    path = root / CONFIG_FILE
    if not path.is_file():
        return Config(), []
    findings: list[Finding] = []
    try:
        text = path.read_text(encoding="utf-8")  # read once: parsed here, searched for line numbers below
        data = tomllib.loads(text)
    except RecursionError:
        # tomllib recurses once per nesting level: ~1,000 nested arrays exhaust the stack.
        return Config(), [Finding(Severity.ERROR, "CONFIG_SYNTAX", CONFIG_FILE, 0,
                                  "nested too deeply to read (arrays or tables inside each other)")]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        m = _TOML_POS.search(str(exc))
        line, col = (int(m[1]), int(m[2])) if m else (0, 0)
        msg = _TOML_POS.sub("", str(exc)).strip()
        return Config(), [Finding(Severity.ERROR, "CONFIG_SYNTAX", CONFIG_FILE, line, msg, col)]

    text_lines = text.splitlines()

    def line_of(key: str, section: str | None = None) -> int:
        pattern = re.compile(rf"^\s*(\[\s*)?[\w.\"]*\b{re.escape(key)}\b")
        if section is not None:
            # The key inside its own [section] first (every [databases.*] has a `url`).
            header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]")
            start = next((i for i, ln in enumerate(text_lines) if header.match(ln)), None)
            if start is not None:
                for i in range(start + 1, len(text_lines)):
                    if text_lines[i].lstrip().startswith("["):
                        break
                    if pattern.match(text_lines[i]):
                        return i + 1
        return next((i for i, ln in enumerate(text_lines, 1) if pattern.match(ln)), 0)

    def bad(rule: str, key: str, msg: str, section: str | None = None) -> None:
        findings.append(Finding(Severity.ERROR, rule, CONFIG_FILE, line_of(key, section), msg))

    def unknown(section: str, table: dict[str, Any], known: set[str]) -> None:
        for key in table:
            if key not in known:
                findings.append(Finding(Severity.WARNING, "CONFIG_UNKNOWN_KEY", CONFIG_FILE, line_of(key),
                                        f"unknown key '{key}' in [{section}]"))

    for key in data:
        if key not in {"workbench", "domains", "mapping", "databases"} | _FOREIGN_SECTIONS:
            findings.append(Finding(Severity.WARNING, "CONFIG_UNKNOWN_KEY", CONFIG_FILE, line_of(key),
                                    f"unknown section [{key}]"))

    wb = _table(data.get("workbench"), "workbench", bad)
    unknown("workbench", wb, _KNOWN["workbench"])
    kwargs: dict[str, Any] = {}
    for key, attr in (("proto", "proto_dir"), ("migrations", "migrations_dir"), ("fixtures", "fixtures_dir")):
        if key in wb:
            if isinstance(wb[key], str):
                kwargs[attr] = wb[key]
            else:
                bad("CONFIG_TYPE", key, f"[workbench] {key} must be a string", "workbench")
    checks: tuple[tuple[str, Callable[[object, str], object]], ...] = (
        ("lock_timeout", bounds.lock_timeout), ("connect_timeout", _number(bounds.connect_timeout)))
    for key, check in checks:
        if key in wb:
            try:
                kwargs[key] = check(wb[key], f"[workbench] {key}")
            except ValueError as exc:
                bad("CONFIG_TYPE", key, str(exc), "workbench")

    for key in ("proto", "migrations", "fixtures"):
        folder = kwargs.get(f"{key}_dir")
        if isinstance(folder, str) and not (root / folder).is_dir():
            # A typo here would otherwise read as "no protos" (0 entities, exit 0): say where it is.
            findings.append(Finding(Severity.ERROR, "CONFIG_FOLDER", CONFIG_FILE,
                                    _line_in_section(text_lines, "workbench", key),
                                    f"[workbench] {key} = {folder!r}: no folder {folder.rstrip('/')}/ in the repository",
                                    1))

    domains: dict[str, tuple[str, ...]] = {}
    for name, members in _table(data.get("domains"), "domains", bad).items():
        if isinstance(members, list) and all(isinstance(m, str) for m in members):
            domains[name] = tuple(members)
        else:
            bad("CONFIG_TYPE", name, f"[domains] {name} must be a list of message names")

    mp = _table(data.get("mapping"), "mapping", bad)
    unknown("mapping", mp, _KNOWN["mapping"])
    mapping = MappingConfig(
        exclude_messages=frozenset(_str_list(mp.get("exclude_messages", []), "exclude_messages", bad)),
        exclude_tables=frozenset(_str_list(mp.get("exclude_tables", []), "exclude_tables", bad)),
        tables=MappingProxyType({k: v for k, v in _table(mp.get("tables"), "tables", bad).items()
                                 if isinstance(v, str)}),
        columns=MappingProxyType({
            msg: MappingProxyType({f: c for f, c in cols.items() if isinstance(c, str)})
            for msg, cols in _table(mp.get("columns"), "columns", bad).items() if isinstance(cols, dict)
        }),
    )

    databases: list[DatabaseConfig] = []
    for name, db in _table(data.get("databases"), "databases", bad).items():
        if not isinstance(db, dict):
            bad("CONFIG_TYPE", name, f"[databases.{name}] must be a table")
            continue
        databases.append(_database(name, db, bad, unknown))

    config = Config(domains=MappingProxyType(domains), mapping=mapping, databases=tuple(databases),
                    raw=MappingProxyType(data), **kwargs)
    return config, findings


def _line_in_section(lines: list[str], section: str, key: str) -> int:
    """Line of `key = ...` inside `[section]` (0: not found)."""
    header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]")
    any_header = re.compile(r"^\s*\[")
    assignment = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
    inside = False
    for i, ln in enumerate(lines, 1):
        if any_header.match(ln):
            inside = bool(header.match(ln))
        elif inside and assignment.match(ln):
            return i
    return 0


def _number(check: Callable[[object, str], float]) -> Callable[[object, str], float]:
    """`check` for a TOML value, where "3" (a string) is not a number as it is on a command line."""
    def checked(value: object, what: str) -> float:
        if isinstance(value, str):
            raise ValueError(f"{what} must be a number, not the string {value[:40]!r}")
        return check(value, what)

    return checked


def _database(name: str, db: dict[str, Any], bad: Any, unknown: Any) -> DatabaseConfig:
    """One [databases.NAME] table. A wrong type is a finding, and the guard errs on the safe
    side: `protected = "yes"` is not silently "unprotected", it counts as protected."""
    section = f"databases.{name}"
    unknown(section, db, _KNOWN["database"])
    url = db.get("url", "")
    if not isinstance(url, str):
        bad("CONFIG_TYPE", "url", f"[{section}] url must be a string (a URL or \"${{VARIABLE}}\")", section)
        # Not the embedded database in its place: a URL that cannot be read reaches nothing.
        url = "${WORKBENCH_TOML_URL_OF_" + re.sub(r"\W", "_", name).upper() + "_IS_NOT_A_STRING}"
    flags = {}
    for key in ("protected", "read_only"):
        value = db.get(key, False)
        if not isinstance(value, bool):
            bad("CONFIG_TYPE", key, f"[{section}] {key} must be true or false, not {value!r:.40}", section)
            value = True
        flags[key] = value
    migrations: tuple[str, ...] | None = None
    if "migrations" in db:
        raw = db["migrations"]
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            bad("CONFIG_TYPE", "migrations", f"[{section}] migrations must be a list of version strings "
                                             "such as [\"001\", \"004\"]", section)
        else:
            good = []
            for v in raw:
                try:
                    good.append(bounds.version(v.strip(), "version"))
                except ValueError as exc:
                    bad("CONFIG_TYPE", "migrations", f"[{section}] migrations: {exc}", section)
            migrations = tuple(good)
    return DatabaseConfig(name=name, url=url, protected=flags["protected"], read_only=flags["read_only"],
                          migrations=migrations)


def _table(value: Any, name: str, bad: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        bad("CONFIG_TYPE", name, f"[{name}] must be a table")
        return {}
    return value


def _str_list(value: Any, name: str, bad: Any) -> list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    bad("CONFIG_TYPE", name, f"{name} must be a list of strings")
    return []
