"""The value of a closed enum option as the source wrote it, a number no value has included.

buf's compiler takes `option optimize_for = 9;` or `[jstype = 5]` (any int32 for an enum); the
runtime keeps such a number of a closed (proto2) enum among the options' unknown fields and reads
the field as unset. buf's breaking rules print the number ("changed from \"9\" to \"SPEED\"").
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from google.protobuf.message import Message


def closed_enum(options: Message, name: str, number: int) -> int:
    """`options.<name>` (field `number`), or the last number the unknown fields hold for it."""
    if options.HasField(name) or not options.ByteSize():
        return getattr(options, name)  # type: ignore[no-any-return]
    from google.protobuf import unknown_fields

    fields = unknown_fields.UnknownFieldSet(options)
    written = [f.data for f in (fields[n] for n in range(len(fields))) if f.field_number == number and f.wire_type == 0]
    if not written:
        return getattr(options, name)  # type: ignore[no-any-return]
    value = int(written[-1])
    return value - (1 << 64) if value >= 1 << 63 else value
