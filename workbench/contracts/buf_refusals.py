"""What protoc builds and buf's lint and breaking refuse: checks on the compiled set.

buf builds its image with protocompile, then hands it to Go's `protodesc`, which refuses a few
things protoc takes; `buf lint` and `buf breaking` then fail on the whole input ("Failure: input
image: proto: ..."), whatever file it is in, imports included. We make such a side a compile error.

- A message with `option message_set_wire_format = true` (a MessageSet, proto1's legacy wire form):
  "proto: message "p.M" is a MessageSet, which is a legacy proto1 feature that is no longer supported".

buf's compiler (protocompile) also refuses, with a location, a few things protoc builds; they are
checked in `workbench.contracts.buf_compile_checks` and reported at buf's line and column.
"""

from __future__ import annotations

import re

from workbench.findings import Finding, Severity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from google.protobuf import descriptor_pb2 as pb

# DescriptorProto.options (field 7) whose first field is message_set_wire_format = true: protoc writes
# fields in number order, so a MessageSet's options start so. A cheap scan of the set's bytes before
# any walk of its messages (a false match only costs that walk).
# protoc's warning (proto2 and proto3) where buf's compiler refuses: a reserved name that is no identifier
_ODD_RESERVED = re.compile(r'^Reserved name ".*" is not a valid identifier\.$')
_MESSAGE_SET_OPTIONS = re.compile(rb"\x3a[\x80-\xff]{0,4}[\x00-\x7f]\x08\x01")


def message_set_errors(data: bytes, fds: pb.FileDescriptorSet) -> list[tuple[str, str]]:
    """(file, message) of each MessageSet in the set `data` parsed as `fds`, as buf names it."""
    if _MESSAGE_SET_OPTIONS.search(data) is None:
        return []
    out: list[tuple[str, str]] = []
    for f in fds.file:
        prefix = f".{f.package}" if f.package else ""
        stack = [(prefix, m) for m in f.message_type]
        while stack:
            scope, m = stack.pop()
            full = f"{scope}.{m.name}"
            if m.options.message_set_wire_format:
                out.append((f.name, f'proto: message "{full[1:]}" is a MessageSet, which is a legacy proto1 '
                                    "feature that is no longer supported (buf's lint and breaking refuse it)"))
            stack += [(full, n) for n in m.nested_type]
    return sorted(out)


def findings(data: bytes, fds: pb.FileDescriptorSet, named: Callable[[str], str],
             source_infos: dict[str, bytes] | None = None, source: Callable[[str], str] | None = None,
             warnings: Sequence[Finding] = ()) -> list[Finding]:
    """`message_set_errors` and `buf_compile_checks.errors` as compile errors; `named(file)` is how
    findings name a file, `source_infos` the files' source info kept apart from `fds` (if it was),
    `source(file)` a file's text, `warnings` protoc's warnings on the set."""
    from workbench.contracts.buf_compile_checks import errors

    warned = {w.file for w in warnings if _ODD_RESERVED.match(w.message)}
    odd_reserved = {f.name for f in fds.file if named(f.name) in warned} if warned else set()
    out = [Finding(Severity.ERROR, "PROTO_COMPILE", named(name), 0, message)
           for name, message in message_set_errors(data, fds)]
    out += [Finding(Severity.ERROR, "PROTO_COMPILE", named(name), line, message, column)
            for name, line, column, message in errors(data, fds, source_infos or {}, source, odd_reserved)]
    return out
