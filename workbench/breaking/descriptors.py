"""FileDescriptorSet messages without importing `descriptor_pb2`.

Why: `descriptor_pb2` builds Python classes for all of descriptor.proto and pulls in most of the
protobuf runtime (~40 ms of a ~0.3 s review of a 1-file module, the common case in CI). With the upb
runtime, a pool holding descriptor.proto gives the same message type, its sub-messages' classes made
on first use. Elsewhere (the pure-Python or C++ runtimes) `descriptor_pb2` is used as before.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a small review's start-up
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from google.protobuf import descriptor_pb2 as pb

_SET_CLASS: Any = None
_LEAN = False
_WELL_KNOWN_TYPES = "google.protobuf.internal.well_known_types"


def lean_process() -> None:
    """This process ends with the command and makes no other protobuf message classes: the first
    class upb makes need not import the well-known types' mixins (Timestamp.ToDatetime ...).

    Why: upb imports `google.protobuf.internal.well_known_types` (with datetime, calendar and
    field_mask) when it makes its first message class, to give Timestamp, Duration ... their extra
    methods; descriptor.proto's messages have none. ~9 ms of a ~0.09 s review of a 1-file module. upb
    keeps the mapping it read for the life of the process, so a well-known type made later in the
    same process would lack its methods: only the CLI's own process (`workbench breaking`, `workbench
    lint`) says this, never the TUI nor a test calling main().
    """
    global _LEAN
    _LEAN = True


def _set_class() -> Any:
    global _SET_CLASS
    if _SET_CLASS is None:
        try:
            from google._upb import _message
            from google.protobuf import message

            from workbench.breaking._descriptor_proto import DESCRIPTOR_PROTO

            pool = _message.DescriptorPool()
            pool.AddSerializedFile(DESCRIPTOR_PROTO)
            descriptor = pool.FindMessageTypeByName("google.protobuf.FileDescriptorSet")
            stub = None
            if _LEAN and _WELL_KNOWN_TYPES not in sys.modules:
                import types

                stub = types.ModuleType(_WELL_KNOWN_TYPES)
                stub.WKTBASES = {}  # type: ignore[attr-defined]
                sys.modules[_WELL_KNOWN_TYPES] = stub
            try:
                _SET_CLASS = _message.MessageMeta("FileDescriptorSet", (message.Message,),
                                                  {"DESCRIPTOR": descriptor, "__module__": __name__})
            finally:
                if stub is not None and sys.modules.get(_WELL_KNOWN_TYPES) is stub:
                    del sys.modules[_WELL_KNOWN_TYPES]  # an import of it from now on gets the real one
        except (ImportError, AttributeError, TypeError):
            from google.protobuf import descriptor_pb2

            _SET_CLASS = descriptor_pb2.FileDescriptorSet
    return _SET_CLASS


def new_set() -> pb.FileDescriptorSet:
    return _set_class()()  # type: ignore[no-any-return]


def parse_set(data: bytes) -> pb.FileDescriptorSet:
    """Raises google.protobuf.message.DecodeError for bytes that are not a set."""
    fds = new_set()
    fds.ParseFromString(data)
    return fds



def parse_set_apart(data: bytes) -> tuple[pb.FileDescriptorSet, dict[str, bytes]]:
    """`parse_set` for a review: each file's `source_code_info` kept as the bytes it came as (by file
    name), out of the parsed set.

    Why: the source info is ~70% of protoc's set with locations (on the 5,000-message benchmark tree
    4.7 of 6.8 MB a side), and parsing it into messages was ~0.15 s a side, more than the rest of the
    set. A review reads locations only for the elements it reports on, and finds them in these bytes
    (`schema.find_location`); the rest of the set parses in ~0.01 s. Bytes this scan does not expect
    are parsed whole, as `parse_set` does.
    """
    split = _split_source_info(data)
    if split is None:
        return parse_set(data), {}
    stripped, infos = split
    fds = parse_set(stripped)
    return fds, {fds.file[i].name: info for i, info in infos.items()}


def _split_source_info(data: bytes) -> tuple[bytes, dict[int, bytes]] | None:
    """(the set without source info, file index -> its source info's bytes), or None when `data` is not
    a set of files as protoc writes it (one source info a file at most, no other top-level field)."""
    pieces: list[bytes] = []
    infos: dict[int, bytes] = {}
    i, end, index = 0, len(data), 0
    try:
        while i < end:
            if data[i] != 0x0A:  # FileDescriptorSet.file, length-delimited: nothing else is expected
                return None
            length, start = read_varint(data, i + 1)
            stop = start + length
            if stop > end:
                return None
            found = _source_info_at(data, start, stop)
            if found is None:
                pieces.append(data[i:stop])
            else:
                tag_at, info_at, info_stop = found
                infos[index] = data[info_at:info_stop]
                kept = length - (info_stop - tag_at)
                pieces += [b"\x0a", encode_varint(kept), data[start:tag_at], data[info_stop:stop]]
            i, index = stop, index + 1
    except (IndexError, ValueError):
        return None
    return b"".join(pieces), infos


def _source_info_at(data: bytes, i: int, stop: int) -> tuple[int, int, int] | None:
    """(where its tag starts, where its bytes start, where they stop) of the one source info among a
    FileDescriptorProto's fields in data[i:stop]; None when it has none. Raises ValueError for bytes
    that are not fields, or a second source info."""
    found = None
    for number, wire, tag_at, value_at, end in wire_fields(data, i, stop):
        if number == 9 and wire == 2:  # FileDescriptorProto.source_code_info
            if found is not None:
                raise ValueError("two source infos")
            found = (tag_at, value_at, end)
    return found


def wire_fields(data: bytes, i: int = 0, stop: int | None = None) -> Iterator[tuple[int, int, int, int, int]]:
    """(number, wire type, where the field starts, where its value starts, where the field ends) of each
    field of the serialized message in data[i:stop]: a varint's value is read at its start, a
    length-delimited field's bytes are data[value start:end]. Raises ValueError for bytes that are no
    fields (groups included, which descriptors never hold)."""
    stop = len(data) if stop is None else stop
    while i < stop:
        tag_at = i
        tag, i = read_varint(data, i)
        wire, value_at = tag & 7, i
        if wire == 0:
            _, i = read_varint(data, i)
        elif wire == 2:
            length, value_at = read_varint(data, i)
            i = value_at + length
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ValueError(f"wire type {wire}")
        if i > stop:
            raise ValueError("a field runs past its message")
        yield tag >> 3, wire, tag_at, value_at, i


def read_varint(data: bytes, i: int) -> tuple[int, int]:
    byte = data[i]
    if byte < 0x80:
        return byte, i + 1
    result, shift = byte & 0x7F, 7
    while True:
        i += 1
        byte = data[i]
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, i + 1
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def encode_varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int32s are sign-extended to ten bytes, as protobuf does
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)
