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

