"""FileDescriptorSet messages without importing `descriptor_pb2`.

Why: `descriptor_pb2` builds Python classes for all of descriptor.proto and pulls in most of the
protobuf runtime (~40 ms of a ~0.3 s review of a 1-file module, the common case in CI). With the upb
runtime, a pool holding descriptor.proto gives the same message type, its sub-messages' classes made
on first use. Elsewhere (the pure-Python or C++ runtimes) `descriptor_pb2` is used as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from google.protobuf import descriptor_pb2 as pb

_SET_CLASS: Any = None


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
            _SET_CLASS = _message.MessageMeta("FileDescriptorSet", (message.Message,),
                                              {"DESCRIPTOR": descriptor, "__module__": __name__})
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
