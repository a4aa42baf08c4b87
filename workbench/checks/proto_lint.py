"""Proto lint for `workbench check`: buf's lint rules, the same code as `workbench lint`.

The rules, messages and locations are buf's (`workbench.lint`, compared with `buf lint` in
tests/test_proto_lint.py). The configuration is the repository's `buf.yaml` `lint` section when it has
one; otherwise the house default: STANDARD plus COMMENTS (every message, field, enum, value, oneof,
service and RPC documented), without PACKAGE_DIRECTORY_MATCH (the contracts keep one package in
`proto/` whatever its name).
"""

from __future__ import annotations

import re

from workbench.contracts.model import Model
from workbench.findings import Finding, Severity

HOUSE_USE = ["STANDARD", "COMMENTS"]
HOUSE_EXCEPT = ["PACKAGE_DIRECTORY_MATCH"]
_UNUSED = re.compile(r"^Import (?P<dep>\S+) is unused\.$")


def inputs(model: Model) -> tuple[object, ...]:
    return (model.config, model.descriptor_set)


def check(model: Model) -> list[Finding]:
    if model.descriptor_set is None:
        return []
    from google.protobuf import descriptor_pb2

    from workbench.lint.run import lint_set

    prefix = model.config.proto_dir.rstrip("/") + "/"
    proto_root = model.root / model.config.proto_dir
    fds = descriptor_pb2.FileDescriptorSet.FromString(model.descriptor_set)
    names = {f.name for f in fds.file if (proto_root / f.name).is_file()}
    unused = set()
    for f in model.findings:
        m = _UNUSED.match(f.message)
        if m and f.file.startswith(prefix):
            unused.add((f.file.removeprefix(prefix), m["dep"]))
    try:
        config = house_config(model)
    except ValueError as exc:
        return [Finding(Severity.ERROR, "LINT_CONFIG", "buf.yaml", 0, str(exc))]
    return [Finding(Severity.ERROR, v.rule, v.path, v.line, v.message, v.column, v.entity)
            for v in lint_set(fds, names, config, lambda n: prefix + n, unused)]


def house_config(model: Model):  # type: ignore[no-untyped-def]
    """The repository's buf.yaml `lint` section (proto folder first, then the root), else the house's."""
    from workbench.breaking.bufyaml import YamlError
    from workbench.breaking.bufyaml_schema import SchemaError, decode_buf_yaml
    from workbench.lint.config import LintConfig, from_section

    for folder in (model.root / model.config.proto_dir, model.root):
        for name in ("buf.yaml", "buf.yml"):
            path = folder / name
            if not path.is_file():
                continue
            try:  # decoded as buf decodes it: a malformed buf.yaml reads the same everywhere
                data = decode_buf_yaml(path.read_text(encoding="utf-8"))
            except (YamlError, SchemaError) as exc:
                raise ValueError(f"{path.name}: {exc}") from None
            if data.get("lint"):
                return from_section(data["lint"], str(data.get("version", "v1beta1")), path.name)
    return LintConfig(use=list(HOUSE_USE), except_=list(HOUSE_EXCEPT))


def lint_file(fd, rel: str) -> list[Finding]:  # type: ignore[no-untyped-def]
    """One compiled file under the house rules (kept for callers that lint a single file)."""
    from google.protobuf import descriptor_pb2

    from workbench.lint.config import LintConfig
    from workbench.lint.run import lint_set

    fds = descriptor_pb2.FileDescriptorSet()
    fds.file.append(fd)
    config = LintConfig(use=list(HOUSE_USE), except_=list(HOUSE_EXCEPT))
    return [Finding(Severity.ERROR, v.rule, rel, v.line, v.message, v.column, v.entity)
            for v in lint_set(fds, {fd.name}, config)]
