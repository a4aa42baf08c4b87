"""Service rules: deleted RPCs, streaming, request/response types, idempotency level."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from workbench.breaking.change import Pair, q
from workbench.breaking.rules import Emit, Handler
from workbench.breaking.schema import ServiceInfo

if TYPE_CHECKING:
    from google.protobuf import descriptor_pb2 as pb

    Method = tuple[ServiceInfo, int, pb.MethodDescriptorProto]

IDEMPOTENCY = {0: "IDEMPOTENCY_UNKNOWN", 1: "NO_SIDE_EFFECTS", 2: "IDEMPOTENT"}


def service_pairs(p: Pair) -> list[tuple[ServiceInfo, ServiceInfo]]:
    after = {s.full_name: s for s in p.after.target_services()}
    return [(b, after[b.full_name]) for b in p.before.target_services() if b.full_name in after]


def method_pairs(p: Pair) -> Iterator[tuple[Method, Method]]:
    for before, after in service_pairs(p):
        for name, (i, m) in before.methods.items():
            if name in after.methods:
                j, n = after.methods[name]
                yield (before, i, m), (after, j, n)


def rpc_no_delete(p: Pair, emit: Emit) -> None:
    for before, after in service_pairs(p):
        for name, (i, _m) in before.methods.items():
            if name not in after.methods:
                emit(f"Previously present RPC {q(name)} on service {q(after.name)} was deleted.",
                     after.file, [after.path], before.file, [before.method_path(i), before.path],
                     after.full_name)


def rpc_same_streaming(attr: str, side: str) -> Handler:
    """RPC_SAME_CLIENT_STREAMING / RPC_SAME_SERVER_STREAMING: method attribute `attr` kept its value."""
    def handler(p: Pair, emit: Emit) -> None:
        _streaming(p, emit, attr, side)
    return handler


def _streaming(p: Pair, emit: Emit, attr: str, side: str) -> None:
    for (bs, bi, bm), (s, i, m) in method_pairs(p):
        old, new = getattr(bm, attr), getattr(m, attr)
        if old != new:
            words = ("unary", "streaming") if new else ("streaming", "unary")
            emit(f"RPC {q(m.name)} on service {q(s.name)} changed from {side} {words[0]} to {side} {words[1]}.",
                 s.file, [s.method_path(i)], bs.file, [bs.method_path(bi)], s.full_name)


def rpc_same_type(attr: str, number: int, word: str) -> Handler:
    """RPC_SAME_REQUEST_TYPE / RPC_SAME_RESPONSE_TYPE: method attribute `attr` (field `number`) kept."""
    def handler(p: Pair, emit: Emit) -> None:
        _type(p, emit, attr, number, word)
    return handler


def _type(p: Pair, emit: Emit, attr: str, number: int, word: str) -> None:
    for (bs, bi, bm), (s, i, m) in method_pairs(p):
        old, new = getattr(bm, attr).lstrip("."), getattr(m, attr).lstrip(".")
        if old != new:
            emit(f"RPC {q(m.name)} on service {q(s.name)} changed {word} type from {q(old)} to {q(new)}.",
                 s.file, [(*s.method_path(i), number)], bs.file, [(*bs.method_path(bi), number)], s.full_name)


def rpc_same_idempotency_level(p: Pair, emit: Emit) -> None:
    for (bs, bi, bm), (s, i, m) in method_pairs(p):
        old, new = bm.options.idempotency_level, m.options.idempotency_level
        if old != new:
            emit(f'RPC {q(m.name)} on service {q(s.name)} changed option "idempotency_level" from '
                 f"{q(IDEMPOTENCY[old])} to {q(IDEMPOTENCY[new])}.",
                 s.file, [(*s.method_path(i), 4, 34)], bs.file, [(*bs.method_path(bi), 4, 34)], s.full_name)
