"""buf.yaml's `breaking` section (v1beta1, v1, v2): which rules run and which findings are ignored."""

from __future__ import annotations

from pathlib import Path

from workbench.breaking.buf_sections import rule_lists
from workbench.breaking.bufyaml import YamlError
from workbench.breaking.catalog import BY_VERSION, RuleSpec
from workbench.buf_packages import is_unstable
from workbench.contracts.record import Record

ALL_CATEGORIES = ("FILE", "PACKAGE", "WIRE_JSON", "WIRE", "CSR")


class ConfigError(ValueError):
    pass


class BreakingConfig(Record):
    """The `breaking` section of a buf.yaml: rules used and excepted, ignores."""

    _fields = (
        "version", "use", "except_", "ignore", "ignore_only", "ignore_unstable_packages", "source",
        "module_prefix",
    )

    def __init__(self, version: str = "v2", use: list[str] | None = None, except_: list[str] | None = None,
                 ignore: list[str] | None = None, ignore_only: dict[str, list[str]] | None = None,
                 ignore_unstable_packages: bool = False, source: str = "", module_prefix: str = "") -> None:
        self.version = version
        self.use = ["FILE"] if use is None else use
        self.except_ = [] if except_ is None else except_
        self.ignore = [] if ignore is None else ignore
        self.ignore_only = {} if ignore_only is None else ignore_only
        self.ignore_unstable_packages = ignore_unstable_packages
        self.source = source  # the buf.yaml it came from, for messages
        # v2 ignore paths are relative to buf.yaml's directory, which may sit above the module ("proto/")
        self.module_prefix = module_prefix
        self.written_use: tuple[str, ...] = ()  # `use` as the buf.yaml gives it (none: buf's default)

    @property
    def specs(self) -> dict[str, RuleSpec]:
        return BY_VERSION[self.version]

    def expand(self, ids: list[str]) -> set[str]:
        """IDs and categories to rule IDs; deprecated IDs become their replacements, as buf does."""
        specs = self.specs
        out: set[str] = set()
        for item in ids:
            if item in ALL_CATEGORIES:
                out |= {r.id for r in specs.values() if item in r.categories and not r.deprecated}
            elif item in specs:
                spec = specs[item]
                out |= set(spec.replacements) if spec.deprecated else {item}
            else:
                from workbench.breaking.go_quote import go_quote

                # buf's words, the ID quoted as Go's %q quotes it (a block scalar's "BASIC\\n")
                raise ConfigError(f"{self.source or 'buf.yaml'}: breaking: {go_quote(item)} is not a known rule or category ID")
        return out

    def rule_ids(self, category: str | None = None) -> list[str]:
        use = [category] if category else self.use
        return sorted(self.expand(use) - self.expand(self.except_))

    def primary_category(self, rule_id: str) -> str:
        """The strictest of FILE < PACKAGE < WIRE_JSON < WIRE the rule belongs to: what it still breaks."""
        spec = self.specs.get(rule_id) or BY_VERSION["v2"].get(rule_id)
        cats = [c for c in ("FILE", "PACKAGE", "WIRE_JSON", "WIRE") if spec and c in spec.categories]
        return cats[-1] if cats else ""

    def ignored(self, rule_id: str, path: str, package: str | tuple[str, ...]) -> bool:
        """buf's ignores. `package`: the packages the finding's file has on either side (buf drops a
        file from both sides when it is in an unstable package on either), or a deleted package."""
        candidates = [path, self.module_prefix + path] if path and self.module_prefix else [path]
        if path and any(_under(c, p) for c in candidates for p in self.ignore):
            return True
        categories = self.specs[rule_id].categories if rule_id in self.specs else ()
        for key, paths in self.ignore_only.items():
            if (key == rule_id or key in categories) and path and \
                    any(_under(c, p) for c in candidates for p in paths):
                return True
        packages = (package,) if isinstance(package, str) else package
        if self.ignore_unstable_packages:
            return any(is_unstable(pkg) for pkg in packages)
        return False


def without_buf_yaml() -> BreakingConfig:
    """What buf checks with where no buf.yaml applies: version v1's FILE rules, not v2's. Measured
    with buf 1.75: a changed proto2 default is no FIELD_SAME_DEFAULT (a v2-only rule) without a
    buf.yaml, and is one under `version: v2`."""
    return BreakingConfig(version="v1")


def _under(path: str, prefix: str) -> bool:
    prefix = prefix.strip("/")
    return path == prefix or path.startswith(prefix + "/") or prefix in (".", "")


def find_config(*dirs: Path, module_path: str = "") -> BreakingConfig:
    """The first buf.yaml found in `dirs`; buf's defaults when there is none (`without_buf_yaml`)."""
    for d in dirs:
        for name in ("buf.yaml", "buf.yml"):
            candidate = d / name
            if candidate.is_file():
                return load_config(candidate.read_text(encoding="utf-8"), str(candidate), module_path)
    return without_buf_yaml()


def load_config(text: str, source: str = "buf.yaml", module_path: str = "") -> BreakingConfig:
    """A buf.yaml's `breaking` section, the file decoded as buf decodes it (`decode_buf_yaml`): a
    malformed one is the same error, with its line, as for a buf module's own."""
    from workbench.breaking.bufyaml_schema import SchemaError, decode_buf_yaml

    try:
        data = decode_buf_yaml(text)
    except (YamlError, SchemaError) as exc:
        raise ConfigError(f"{source}: {exc}") from None
    version = str(data["version"])
    section = data.get("breaking") or {}
    module_prefix = ""
    if version == "v2":
        # a module's own breaking section wins over the top-level one
        modules = [m for m in data.get("modules") or [] if isinstance(m, dict)]  # `- ~` is no module
        for module in modules:
            path = str(module.get("path", ".")).strip("/")
            if module_path and path != module_path.strip("/") and len(modules) > 1:
                continue
            if path not in ("", "."):
                module_prefix = path + "/"
            if module.get("breaking"):
                section = module["breaking"]
            break
    return from_section(section, version, source, module_prefix)


def from_section(section: object, version: str = "v2", source: str = "buf.yaml",
                 module_prefix: str = "") -> BreakingConfig:
    """A `breaking` section (already parsed) of a `buf.yaml` of `version`."""
    if not isinstance(section, dict):
        raise ConfigError(f"{source}: 'breaking' must be a mapping")
    if version not in BY_VERSION:
        raise ConfigError(f"{source}: unknown version {version!r} (expected v1beta1, v1 or v2)")
    config = BreakingConfig(version=version, source=source, module_prefix=module_prefix)
    use, config.except_, config.ignore, config.ignore_only = rule_lists(section, source, ConfigError)
    if module_prefix:
        # v2 paths are relative to the buf.yaml: buf keeps for a module only those inside it, and a
        # key of `ignore_only` left with no path is dropped before its ID is checked
        module = module_prefix.rstrip("/")
        config.ignore = [p for p in config.ignore if _under(p.strip("/"), module)]
        config.ignore_only = {key: kept for key, paths in config.ignore_only.items()
                              if (kept := [p for p in paths if _under(p.strip("/"), module)])}
    config.use = use or ["FILE"]
    config.written_use = tuple(use)  # as written: buf tells modules' configs apart by it (review._config_key)
    config.ignore_unstable_packages = bool(section.get("ignore_unstable_packages", False))
    config.expand(config.use + config.except_ + list(config.ignore_only))  # validates IDs now
    if section.get("disable_builtin") is not True and not config.expand(config.use) - config.expand(config.except_):
        # buf refuses a section that leaves no rule to run (`except` removing all of `use`, or only
        # deprecated rules with no replacement): its syserror "resultRules was empty", exit 1
        raise ConfigError(f"{source}: no rule left to run (buf: resultRules was empty)")
    if section.get("disable_builtin") is True:
        config.use, config.except_ = [], []  # buf's own rules off (only plugins' would run): none here
    return config

