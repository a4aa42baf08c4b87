"""buf.yaml's `lint` section (v1beta1, v1, v2): which rules run, what is ignored, the rules' options."""

from __future__ import annotations

from workbench.breaking.buf_sections import rule_lists
from workbench.buf_packages import is_unstable
from workbench.contracts.record import Record
from workbench.lint.catalog import BY_VERSION, LintRuleSpec

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from typing import Any

COMMENT_IGNORE_PREFIX = "buf:lint:ignore"
# Go's unicode.IsSpace, what strings.TrimSpace trims from each comment line (xstrings.SplitTrimLinesNoEmpty).
# Python's str.strip() trims U+001C..U+001F too, which Go keeps.
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
           "\u2028\u2029\u202f\u205f\u3000"


def comment_lines(comment: str) -> list[str]:
    """buf's xstrings.SplitTrimLinesNoEmpty: the comment's lines at "\n" only (not at U+2028 or a lone
    "\r", where str.splitlines splits too), trimmed of Go's spaces, the empty ones dropped."""
    return [line for line in (part.strip(GO_SPACE) for part in comment.split("\n")) if line]


class LintConfigError(ValueError):
    pass


class LintConfig(Record):
    """The `lint` section of a buf.yaml: rules, ignores and the rules' options."""

    _fields = (
        "version", "use", "except_", "ignore", "ignore_only", "enum_zero_value_suffix",
        "rpc_allow_same_request_response", "rpc_allow_google_protobuf_empty_requests",
        "rpc_allow_google_protobuf_empty_responses", "service_suffix", "comment_ignores",
        "ignore_unstable_packages", "source", "ignore_prefix",
    )

    def __init__(self, version: str = "v2", use: list[str] | None = None, except_: list[str] | None = None,
                 ignore: list[str] | None = None, ignore_only: dict[str, list[str]] | None = None,
                 enum_zero_value_suffix: str = "_UNSPECIFIED", rpc_allow_same_request_response: bool = False,
                 rpc_allow_google_protobuf_empty_requests: bool = False,
                 rpc_allow_google_protobuf_empty_responses: bool = False, service_suffix: str = "Service",
                 comment_ignores: bool = True, ignore_unstable_packages: bool = False, source: str = "",
                 ignore_prefix: str = "") -> None:
        self.version = version
        self.use = ["STANDARD"] if use is None else use
        self.except_ = [] if except_ is None else except_
        self.ignore = [] if ignore is None else ignore
        self.ignore_only = {} if ignore_only is None else ignore_only
        self.enum_zero_value_suffix = enum_zero_value_suffix
        self.rpc_allow_same_request_response = rpc_allow_same_request_response
        self.rpc_allow_google_protobuf_empty_requests = rpc_allow_google_protobuf_empty_requests
        self.rpc_allow_google_protobuf_empty_responses = rpc_allow_google_protobuf_empty_responses
        self.service_suffix = service_suffix
        self.comment_ignores = comment_ignores  # v2: unless disallow_comment_ignores; v1/v1beta1: allow_comment_ignores
        self.ignore_unstable_packages = ignore_unstable_packages  # lint: drop files in unstable packages
        self.source = source
        self.ignore_prefix = ignore_prefix  # v2: ignore paths are relative to the buf.yaml, above the module

    @property
    def specs(self) -> dict[str, LintRuleSpec]:
        return BY_VERSION[self.version]

    def _categories(self) -> set[str]:
        return {c for s in self.specs.values() for c in s.categories}

    def expand(self, ids: list[str]) -> set[str]:
        specs = self.specs
        categories = self._categories()
        out: set[str] = set()
        for item in ids:
            if item in categories:
                out |= {r.id for r in specs.values() if item in r.categories and not r.deprecated}
            elif item in specs:
                spec = specs[item]
                out |= set(spec.replacements) if spec.deprecated else {item}
            else:
                from workbench.breaking.go_quote import go_quote

                # buf's words, the ID quoted as Go's %q quotes it (a block scalar's "BASIC\\n")
                raise LintConfigError(f"{self.source or 'buf.yaml'}: lint: {go_quote(item)} is not a known rule or category ID")
        return out

    def rule_ids(self) -> list[str]:
        return sorted(self.expand(self.use) - self.expand(self.except_))

    def ignored(self, rule_id: str, path: str) -> bool:
        candidates = [path, self.ignore_prefix + path] if self.ignore_prefix else [path]
        if any(_under(c, p) for c in candidates for p in self.ignore):
            return True
        categories = self.specs[rule_id].categories if rule_id in self.specs else ()
        for key, paths in self.ignore_only.items():
            if (key == rule_id or key in categories) and any(_under(c, p) for c in candidates for p in paths):
                return True
        return False

    def unstable(self, package: str) -> bool:
        return self.ignore_unstable_packages and is_unstable(package)


def without_buf_yaml() -> LintConfig:
    """What buf lints with where no buf.yaml applies: version v1's defaults (its DEFAULT rules), not
    v2's. Measured with buf 1.75: a module with no buf.yaml gets neither FIELD_NOT_REQUIRED (v2 only)
    nor FIELD_NO_DESCRIPTOR (v1beta1 only), and does get IMPORT_USED and SYNTAX_SPECIFIED (v1); and, as
    v1 without `allow_comment_ignores`, `// buf:lint:ignore` comments ignore nothing."""
    return LintConfig(version="v1", use=["DEFAULT"], comment_ignores=False)


def _under(path: str, prefix: str) -> bool:
    prefix = prefix.strip("/")
    return path == prefix or path.startswith(prefix + "/") or prefix in (".", "")


def from_section(section: dict[str, Any] | None, version: str = "v2", source: str = "buf.yaml",
                 ignore_prefix: str = "") -> LintConfig:
    """A `lint` section (already parsed) of a `buf.yaml` of `version`; buf's defaults without one."""
    section = section or {}
    if not isinstance(section, dict):
        raise LintConfigError(f"{source}: 'lint' must be a mapping")
    if version not in BY_VERSION:
        raise LintConfigError(f"{source}: unknown version {version!r} (expected v1beta1, v1 or v2)")
    config = LintConfig(version=version, source=source, ignore_prefix=ignore_prefix)
    use, config.except_, config.ignore, config.ignore_only = rule_lists(section, source, LintConfigError)
    config.use = use or ["STANDARD"]
    # an empty suffix is buf's default, not "no suffix" (its lint config falls back when unset or "")
    suffix = section.get("enum_zero_value_suffix")
    if suffix:
        config.enum_zero_value_suffix = str(suffix)
    suffix = section.get("service_suffix")
    if suffix:
        config.service_suffix = str(suffix)
    config.rpc_allow_same_request_response = _flag(section, "rpc_allow_same_request_response", source)
    config.rpc_allow_google_protobuf_empty_requests = _flag(section, "rpc_allow_google_protobuf_empty_requests", source)
    config.rpc_allow_google_protobuf_empty_responses = _flag(section, "rpc_allow_google_protobuf_empty_responses",
                                                             source)
    if version == "v2":
        config.comment_ignores = not _flag(section, "disallow_comment_ignores", source)
    else:
        config.comment_ignores = _flag(section, "allow_comment_ignores", source)
    config.ignore_unstable_packages = _flag(section, "ignore_unstable_packages", source)
    config.expand(config.use + config.except_ + list(config.ignore_only))  # validates IDs now
    if not _flag(section, "disable_builtin", source) and not config.expand(config.use) - config.expand(config.except_):
        # buf refuses a section that leaves no rule to run (`except` removing all of `use`, or only
        # deprecated rules with no replacement): its syserror "resultRules was empty", exit 1
        raise LintConfigError(f"{source}: no rule left to run (buf: resultRules was empty)")
    if _flag(section, "disable_builtin", source):
        config.use, config.except_ = [], []  # buf's own rules off (only plugins' would run): none here
    return config


def _flag(section: dict[str, Any], key: str, source: str) -> bool:
    from workbench.breaking.bufyaml_schema import as_bool

    value = as_bool(section.get(key))  # as Go reads a bool: YAML 1.1's yes/no/on/off too
    if value is None:
        raise LintConfigError(f"{source}: '{key}' must be true or false")
    return value

