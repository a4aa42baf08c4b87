"""Service rules: deleted RPCs, streaming, request/response types, idempotency level."""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf import descriptor_pb2 as pb

from workbench.breaking.change import Pair, q
from workbench.breaking.rules import rule
from workbench.breaking.schema import ServiceInfo

IDEMPOTENCY = {0: "IDEMPOTENCY_UNKNOWN", 1: "NO_SIDE_EFFECTS", 2: "IDEMPOTENT"}
Method = tuple[ServiceInfo, int, pb.MethodDescriptorProto]


def service_pairs(p: Pair) -> list[tuple[ServiceInfo, ServiceInfo]]:
    after = {s.full_name: s for s in p.after.target_services()}
    return [(b, after[b.full_name]) for b in p.before.target_services() if b.full_name in after]


def method_pairs(p: Pair) -> Iterator[tuple[Method, Method]]:
    for before, after in service_pairs(p):
        for name, (i, m) in before.methods.items():
            if name in after.methods:
                j, n = after.methods[name]
                yield (before, i, m), (after, j, n)


@rule("RPC_NO_DELETE")
def rpc_no_delete(p: Pair) -> None:
    for before, after in service_pairs(p):
        for name, (i, _m) in before.methods.items():
            if name not in after.methods:
                p.emit(f"Previously present RPC {q(name)} on service {q(after.name)} was deleted.",
                       after.file, [after.path], before.file, [before.method_path(i), before.path],
                       after.full_name)


def _streaming(p: Pair, attr: str, side: str) -> None:
    for (bs, bi, bm), (s, i, m) in method_pairs(p):
        old, new = getattr(bm, attr), getattr(m, attr)
        if old != new:
            words = ("unary", "streaming") if new else ("streaming", "unary")
            p.emit(f"RPC {q(m.name)} on service {q(s.name)} changed from {side} {words[0]} to {side} {words[1]}.",
                   s.file, [s.method_path(i)], bs.file, [bs.method_path(bi)], s.full_name)


@rule("RPC_SAME_CLIENT_STREAMING")
def rpc_same_client_streaming(p: Pair) -> None:
    _streaming(p, "client_streaming", "client")


@rule("RPC_SAME_SERVER_STREAMING")
def rpc_same_server_streaming(p: Pair) -> None:
    _streaming(p, "server_streaming", "server")


def _type(p: Pair, attr: str, number: int, word: str) -> None:
    for (bs, bi, bm), (s, i, m) in method_pairs(p):
        old, new = getattr(bm, attr).lstrip("."), getattr(m, attr).lstrip(".")
        if old != new:
            p.emit(f"RPC {q(m.name)} on service {q(s.name)} changed {word} type from {q(old)} to {q(new)}.",
                   s.file, [(*s.method_path(i), number)], bs.file, [(*bs.method_path(bi), number)], s.full_name)


@rule("RPC_SAME_REQUEST_TYPE")
def rpc_same_request_type(p: Pair) -> None:
    _type(p, "input_type", 2, "request")


@rule("RPC_SAME_RESPONSE_TYPE")
def rpc_same_response_type(p: Pair) -> None:
    _type(p, "output_type", 3, "response")


@rule("RPC_SAME_IDEMPOTENCY_LEVEL")
def rpc_same_idempotency_level(p: Pair) -> None:
    for (bs, bi, bm), (s, i, m) in method_pairs(p):
        old, new = bm.options.idempotency_level, m.options.idempotency_level
        if old != new:
            p.emit(f'RPC {q(m.name)} on service {q(s.name)} changed option "idempotency_level" from '
                   f"{q(IDEMPOTENCY[old])} to {q(IDEMPOTENCY[new])}.",
                   s.file, [(*s.method_path(i), 4, 34)], bs.file, [(*bs.method_path(bi), 4, 34)], s.full_name)
