"""Generation per language from one compiled descriptor set.

Python: protoc's built-in generator in-process (`--python_out`) + mypy-protobuf's typed stubs
(protoc's `--pyi_out` stubs fail `mypy --strict`, and both in one folder collide).
Go: protoc-gen-go, `paths=source_relative`, import paths from go_package or `[codegen.go]`.
TypeScript: protoc-gen-es v2, `target=ts,import_extension=js`, run by an absolute node.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from workbench.codegen.options import GO_PARAMETER, MYPY_PARAMETER, TS_PARAMETER, CodegenOptions
from workbench.codegen.plugin import (
    build_request,
    finish_plugin,
    run_plugin,
    start_plugin,
    uses_proto3_optional,
)
from workbench.codegen.toolchains import Toolchain
from workbench.contracts.proto_compile import proto_files
from workbench.findings import Finding, Severity


@dataclass
class Compiled:
    proto_root: Path
    rel_prefix: str  # "proto/": how findings name proto files
    files: list[str]  # relative to proto_root
    descriptor_set: bytes | None
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Generated:
    files: dict[str, bytes] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    go_packages: dict[str, str] = field(default_factory=dict)  # generated .go file -> import path


def compile_all(proto_root: Path, rel_prefix: str) -> Compiled:
    from workbench.contracts.proto_compile import compile_protos

    files = proto_files(proto_root)
    result = compile_protos(proto_root, files, rel_prefix=rel_prefix)
    return Compiled(proto_root, rel_prefix, files, result.descriptor_set, result.findings)


def _plugin_finding(language: str, plugin: str, message: str, compiled: Compiled) -> Finding:
    # Plugins print "file.proto: message" or "file.proto:12:3: message" when they can.
    from workbench.contracts.proto_compile import parse_diagnostics

    parsed = parse_diagnostics(message, compiled.rel_prefix)
    if len(parsed) == 1 and parsed[0].file:
        f = parsed[0]
        return Finding(Severity.ERROR, "CODEGEN_PLUGIN", f.file, f.line, f"{plugin}: {f.message}", f.column)
    return Finding(Severity.ERROR, "CODEGEN_PLUGIN", compiled.rel_prefix.rstrip("/"), 0,
                   f"{plugin} ({language}): {message.strip()}")


def generate_python(compiled: Compiled, toolchain: Toolchain, options: CodegenOptions) -> Generated:
    from workbench.contracts.proto_compile import compile_protos

    out = Generated()
    assert compiled.descriptor_set is not None
    plugin = toolchain.plugin.path
    assert plugin is not None
    started = start_plugin([plugin])  # its interpreter starts while protoc writes the _pb2.py files
    with tempfile.TemporaryDirectory(prefix="wb-python-out-") as tmp:
        result = compile_protos(compiled.proto_root, compiled.files, rel_prefix=compiled.rel_prefix,
                                extra_args=[f"--python_out={tmp}"])
        out.findings += [f for f in result.findings if f.severity is Severity.ERROR]
        for path in sorted(Path(tmp).rglob("*")):
            if path.is_file():
                out.files[path.relative_to(tmp).as_posix()] = path.read_bytes()
    request = build_request(compiled.descriptor_set, compiled.files, MYPY_PARAMETER)
    res = finish_plugin(started, [plugin], request, needs_proto3_optional=True)
    if res.error:
        out.findings.append(_plugin_finding("python", "protoc-gen-mypy", res.error, compiled))
    out.files.update(res.files)
    return out


def go_import_paths(compiled: Compiled, options: CodegenOptions) -> tuple[dict[str, str], list[Finding]]:
    """proto file -> Go import path (`path;name` as written), for every non-WKT file."""
    from google.protobuf import descriptor_pb2

    assert compiled.descriptor_set is not None
    fds = descriptor_pb2.FileDescriptorSet.FromString(compiled.descriptor_set)
    paths: dict[str, str] = {}
    findings: list[Finding] = []
    for fd in fds.file:
        if fd.name.startswith("google/protobuf/"):
            continue
        if fd.name in options.go_m:
            paths[fd.name] = options.go_m[fd.name]
        elif fd.options.go_package:
            paths[fd.name] = fd.options.go_package
        elif options.go_package_prefix:
            folder = PurePosixPath(fd.name).parent.as_posix()
            tail = folder if folder != "." else (fd.package.replace(".", "/") or "pb")
            paths[fd.name] = f"{options.go_package_prefix}/{tail}"
        else:
            findings.append(Finding(
                Severity.ERROR, "CODEGEN_GO_PACKAGE", compiled.rel_prefix + fd.name, 0,
                "no Go import path: add `option go_package = \"example.com/module/pkg;pkg\";` to the file, "
                f"or [codegen.go] M = {{ \"{fd.name}\" = \"...\" }} or package_prefix in workbench.toml"))
    return paths, findings


def generate_go(compiled: Compiled, toolchain: Toolchain, options: CodegenOptions) -> Generated:
    out = Generated()
    assert compiled.descriptor_set is not None
    paths, out.findings = go_import_paths(compiled, options)
    if out.findings:
        return out
    # M options only where workbench.toml decides: the file's own go_package is used as written.
    overrides = {name: p for name, p in sorted(paths.items())
                 if name in options.go_m or not _has_go_package(compiled, name)}
    parameter = ",".join([GO_PARAMETER, *(f"M{name}={p}" for name, p in overrides.items())])
    plugin = toolchain.plugin.path
    assert plugin is not None
    request = build_request(compiled.descriptor_set, compiled.files, parameter)
    res = run_plugin([plugin], request, needs_proto3_optional=uses_proto3_optional(
        compiled.descriptor_set, compiled.files))
    if res.error:
        out.findings.append(_plugin_finding("go", "protoc-gen-go", res.error, compiled))
        return out
    out.files = res.files
    for name in compiled.files:
        generated = str(PurePosixPath(name).with_suffix("")) + ".pb.go"
        if generated in res.files:
            out.go_packages[generated] = paths[name].split(";", 1)[0]
    return out


def _has_go_package(compiled: Compiled, name: str) -> bool:
    from google.protobuf import descriptor_pb2

    assert compiled.descriptor_set is not None
    fds = descriptor_pb2.FileDescriptorSet.FromString(compiled.descriptor_set)
    return any(fd.name == name and fd.options.go_package for fd in fds.file)


def generate_ts(compiled: Compiled, toolchain: Toolchain, options: CodegenOptions) -> Generated:
    out = Generated()
    assert compiled.descriptor_set is not None
    tools = {t.name: t for t in toolchain.generators}
    node, plugin = tools["node"].path, tools["protoc-gen-es"].path
    assert node is not None and plugin is not None
    request = build_request(compiled.descriptor_set, compiled.files, TS_PARAMETER)
    # Run the plugin's script with the node we resolved (its `#!/usr/bin/env node` would search
    # PATH), through a launcher that defers loading the TypeScript compiler (see ES_LAUNCHER).
    res = run_plugin([node, "-e", ES_LAUNCHER, plugin], request, env={**os.environ, "NODE_OPTIONS": ""})
    if res.error:
        out.findings.append(_plugin_finding("ts", "protoc-gen-es", res.error, compiled))
        return out
    out.files = res.files
    return out


# @bufbuild/protoplugin loads the TypeScript compiler (~0.2 s) at start-up for its js/dts targets;
# with target=ts nothing uses it. The launcher hands out a proxy that loads the real module on
# first use, so output is identical either way and only the unused load is saved.
ES_LAUNCHER = """
const Module = require("module");
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request !== "typescript") return load.call(this, request, parent, isMain);
  let real;
  const get = () => (real ??= load.call(this, request, parent, isMain));
  return new Proxy({}, {
    get: (_, key) => (key === "__esModule" ? undefined : Reflect.get(get(), key)),
    has: (_, key) => Reflect.has(get(), key),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(get(), key),
  });
};
require(process.argv[1]);
"""

GENERATORS = {"python": generate_python, "go": generate_go, "ts": generate_ts}
