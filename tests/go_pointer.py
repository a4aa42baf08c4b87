"""The one part of buf's output that changes from run to run: a Duration, Timestamp or FieldMask example is
printed with Go's %v of a pointer to the message, `&{{} [] [] 0x14000e2c080}`. Comparisons replace only the
address; everything else in such a message must be buf's, byte for byte."""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"^(\"&\{\{\} \[\] \[\] )0x[0-9a-f]+(\}\" is an example value )")


def unpointed(finding: dict[str, object]) -> dict[str, object]:
    message = finding.get("message")
    if isinstance(message, str) and message.startswith('"&{{} [] [] 0x'):
        return {**finding, "message": _ADDRESS.sub(r"\g<1>0x\g<2>", message)}
    return finding
