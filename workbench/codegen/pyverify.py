"""Python round-trip verifier, run as `python -m workbench.codegen.pyverify GEN_DIR CASES`.

A separate process on purpose: generated `_pb2` modules register their files in protobuf's
default descriptor pool, which cannot forget them; regenerating on save in the TUI would then
collide with the previous generation. Reads cases, writes one result line per case (see
`workbench.codegen.cases`).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    gen_dir, cases_file = Path(argv[0]).resolve(), Path(argv[1])
    sys.path.insert(0, str(gen_dir))
    from google.protobuf import descriptor_pool, json_format, message_factory

    for path in sorted(gen_dir.rglob("*_pb2.py")):
        importlib.import_module(".".join(path.relative_to(gen_dir).with_suffix("").parts))
    pool = descriptor_pool.Default()

    def parse(cls: Any, data: dict[str, Any]) -> Any:
        msg = cls()
        json_format.ParseDict(data, msg)  # strict: unknown keys and bad values raise
        return msg

    out = []
    for line in cases_file.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        result: dict[str, Any] = {"case": case["case"]}
        try:
            cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(case["type"]))
        except KeyError:
            result["error"] = f"unknown message type {case['type']}"
            out.append(json.dumps(result))
            continue
        try:
            msg = parse(cls, case["json"])
            result["json"] = json_format.MessageToDict(msg)
        except (json_format.ParseError, ValueError, TypeError) as exc:
            result["error"] = str(exc)
            fields = {}
            if isinstance(case["json"], dict):
                for key, value in case["json"].items():
                    try:
                        parse(cls, {key: value})
                    except (json_format.ParseError, ValueError, TypeError) as one:
                        fields[key] = str(one)
            result["fields"] = fields
        out.append(json.dumps(result, sort_keys=True))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
