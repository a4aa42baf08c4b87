"""`[codegen]` in workbench.toml, typed.

    [codegen]
    out = "gen"                          # base folder; each language goes to <out>/<language>
    languages = ["python", "go", "ts"]   # what `workbench codegen all` means

    [codegen.go]
    # Go import path per proto file, for files without `option go_package` (or to override it):
    M = { "entities.proto" = "example.com/contracts/gen/go/contractsv1;contractsv1" }
    # or one prefix for every file without go_package: <prefix>/<the file's folder or package>
    package_prefix = "example.com/contracts/gen/go"

    [codegen.ts]
    version = "2.13.0"                   # @bufbuild/protoc-gen-es and @bufbuild/protobuf, same exact
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from workbench.codegen.toolchains import TS_PLUGIN_VERSION
from workbench.errors import UsageError

LANGUAGES = ("python", "go", "ts")
LABELS = {"python": "Python", "go": "Go", "ts": "TypeScript"}
PLUGIN_NAMES = {"python": "protoc-gen-mypy", "go": "protoc-gen-go", "ts": "protoc-gen-es"}
# Plugin parameters; part of every input stamp.
GO_PARAMETER = "paths=source_relative"
TS_PARAMETER = "target=ts,import_extension=js"
MYPY_PARAMETER = "quiet"
PARAMETERS = {"python": MYPY_PARAMETER, "go": GO_PARAMETER, "ts": TS_PARAMETER}


@dataclass(frozen=True)
class CodegenOptions:
    out: str = "gen"
    languages: tuple[str, ...] = LANGUAGES
    go_m: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    go_package_prefix: str = ""
    ts_version: str = TS_PLUGIN_VERSION

    def key(self) -> str:
        """Everything here that changes generated output, as text for the input stamp."""
        return repr((sorted(self.go_m.items()), self.go_package_prefix, self.ts_version))


def read_options(raw: Any) -> CodegenOptions:
    """Options from `config.raw["codegen"]`; a wrong type is a usage error naming the key."""
    if raw is None:
        return CodegenOptions()
    if not isinstance(raw, dict):
        raise UsageError("workbench.toml: [codegen] must be a table")
    kwargs: dict[str, Any] = {}
    if "out" in raw:
        if not isinstance(raw["out"], str) or not raw["out"]:
            raise UsageError("workbench.toml: [codegen] out must be a non-empty string")
        kwargs["out"] = raw["out"]
    if "languages" in raw:
        langs = raw["languages"]
        if not (isinstance(langs, list) and all(x in LANGUAGES for x in langs)):
            raise UsageError(f"workbench.toml: [codegen] languages must be a list of {', '.join(LANGUAGES)}")
        kwargs["languages"] = tuple(x for x in LANGUAGES if x in langs)
    go = raw.get("go", {})
    if not isinstance(go, dict):
        raise UsageError("workbench.toml: [codegen.go] must be a table")
    m = go.get("M", {})
    if not (isinstance(m, dict) and all(isinstance(v, str) for v in m.values())):
        raise UsageError('workbench.toml: [codegen.go] M must map proto files to Go import paths')
    kwargs["go_m"] = MappingProxyType(dict(m))
    prefix = go.get("package_prefix", "")
    if not isinstance(prefix, str):
        raise UsageError("workbench.toml: [codegen.go] package_prefix must be a string")
    kwargs["go_package_prefix"] = prefix.rstrip("/")
    ts = raw.get("ts", {})
    if not isinstance(ts, dict) or not isinstance(ts.get("version", TS_PLUGIN_VERSION), str):
        raise UsageError("workbench.toml: [codegen.ts] version must be a string such as \"2.13.0\"")
    kwargs["ts_version"] = ts.get("version", TS_PLUGIN_VERSION)
    return CodegenOptions(**kwargs)
