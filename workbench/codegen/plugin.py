"""Running a protoc plugin on a descriptor set we already compiled.

Why not `protoc --go_out=...` for every language: the in-process protoc holds a process-wide
lock (it redirects fd 2), so plugins started through it run one after another; node-based
protoc-gen-es alone takes ~0.5 s to start. Compiling once with `workbench.contracts.proto_compile` and handing
the same CodeGeneratorRequest to each plugin ourselves (what protoc does, and what buf does)
lets the plugins run side by side. Protoc's built-in Python generator still runs in-process
through `compile_protos(extra_args=["--python_out=..."])`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field

FEATURE_PROTO3_OPTIONAL = 1


@dataclass
class PluginResult:
    files: dict[str, bytes] = field(default_factory=dict)  # output path -> content
    error: str = ""  # the plugin's own error, or why it could not run
    stderr: str = ""


def build_request(descriptor_set: bytes, files_to_generate: Sequence[str], parameter: str) -> bytes:
    """A CodeGeneratorRequest: every file (dependencies first, as protoc orders them) + targets."""
    from google.protobuf import descriptor_pb2
    from google.protobuf.compiler import plugin_pb2

    fds = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set)
    request = plugin_pb2.CodeGeneratorRequest(parameter=parameter)
    request.file_to_generate.extend(files_to_generate)
    request.proto_file.extend(fds.file)
    # `source_file_descriptors` is left out: it only matters for custom options with source
    # retention (none of the plugins we run emit those), and it doubles the request's size.
    return request.SerializeToString(deterministic=True)


def uses_proto3_optional(descriptor_set: bytes, files_to_generate: Sequence[str]) -> bool:
    from google.protobuf import descriptor_pb2

    wanted = set(files_to_generate)
    fds = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set)

    def any_optional(messages: Sequence[descriptor_pb2.DescriptorProto]) -> bool:
        return any(f.proto3_optional for m in messages for f in m.field) or any(
            any_optional(m.nested_type) for m in messages)

    return any(any_optional(f.message_type) for f in fds.file if f.name in wanted)


def start_plugin(argv: Sequence[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes] | str:
    """Start the plugin now (node needs ~0.3 s to load); the request is sent by `finish_plugin`."""
    try:
        return subprocess.Popen(list(argv), stdin=subprocess.PIPE, stdout=subprocess.PIPE,  # noqa: S603
                                stderr=subprocess.PIPE, env=env)
    except OSError as exc:
        return f"cannot run {argv[0]}: {exc.strerror}"


def run_plugin(argv: Sequence[str], request: bytes, *, env: dict[str, str] | None = None,
               timeout: float = 300, needs_proto3_optional: bool = False) -> PluginResult:
    """Feed `request` to the plugin on stdin; parse its CodeGeneratorResponse from stdout."""
    return finish_plugin(start_plugin(argv, env), argv, request, timeout=timeout,
                         needs_proto3_optional=needs_proto3_optional)


def finish_plugin(started: subprocess.Popen[bytes] | str, argv: Sequence[str], request: bytes, *,
                  timeout: float = 300, needs_proto3_optional: bool = False) -> PluginResult:
    from google.protobuf.compiler import plugin_pb2
    from google.protobuf.message import DecodeError

    if isinstance(started, str):
        return PluginResult(error=started)
    try:
        stdout, stderr_bytes = started.communicate(request, timeout=timeout)
    except subprocess.TimeoutExpired:
        started.kill()
        started.communicate()
        return PluginResult(error=f"{argv[-1]} did not finish within {timeout:.0f} s")
    proc = subprocess.CompletedProcess(list(argv), started.returncode, stdout, stderr_bytes)
    stderr = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        return PluginResult(error=stderr or f"{argv[-1]} exited with code {proc.returncode}", stderr=stderr)
    try:
        response = plugin_pb2.CodeGeneratorResponse.FromString(proc.stdout)
    except DecodeError as exc:
        return PluginResult(error=f"{argv[-1]} wrote no valid CodeGeneratorResponse: {exc}", stderr=stderr)
    if response.error:
        return PluginResult(error=response.error, stderr=stderr)
    if needs_proto3_optional and not response.supported_features & FEATURE_PROTO3_OPTIONAL:
        return PluginResult(error=f"{argv[-1]} does not support proto3 optional fields", stderr=stderr)
    files: dict[str, bytes] = {}
    for f in response.file:
        if f.insertion_point:
            return PluginResult(error=f"{argv[-1]} uses insertion points, which are not supported", stderr=stderr)
        if not f.name:  # a continuation of the previous file (protoc's protocol)
            if not files:
                return PluginResult(error=f"{argv[-1]} sent content without a file name", stderr=stderr)
            last = next(reversed(files))
            files[last] += f.content.encode("utf-8")
            continue
        files[f.name] = f.content.encode("utf-8")
    return PluginResult(files=files, stderr=stderr)
