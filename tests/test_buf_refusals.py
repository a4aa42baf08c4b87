"""What protoc builds and buf's lint and breaking refuse (`workbench.contracts.buf_refusals`): a
MessageSet anywhere in the image, imports included. buf fails the whole run ("Failure: input image:
proto: message ... is a MessageSet"); we make it a compile error (exit 2)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from skips import need_tool

from workbench.breaking.bufcli import buf_executable
from workbench.breaking.inputs import Side, compile_sides

P2 = 'syntax = "proto2";\npackage p;\n'
MODULES = {
    "top-level": {"a.proto": P2 + "message MS { option message_set_wire_format = true; extensions 4 to max; }\n"},
    "nested, among other options": {"a.proto": P2 + "message O { message MS { option deprecated = true;\n"
                                    "option message_set_wire_format = true; option no_standard_descriptor_accessor = true;\n"
                                    "extensions 4 to max; } }\n"},
    "in an import only": {"m.proto": 'syntax = "proto2";\npackage q;\nmessage MS { option message_set_wire_format = true; '
                                     "extensions 4 to max; }\n",
                          "a.proto": P2 + 'import "m.proto";\nmessage M { optional q.MS x = 1; }\n'},
}
ACCEPTED = {
    "set to false": {"a.proto": P2 + "message M { option message_set_wire_format = false; optional int32 a = 1; }\n"},
    "other message options": {"a.proto": P2 + "message M { option deprecated = true; option no_standard_descriptor_accessor = true;\n"
                              "map<int32, int32> m = 1; optional bool b = 2 [default = true]; }\n"},
}


def _side(root: Path, files: dict[str, str]) -> Side:
    for name, text in files.items():
        (root / name).write_text(text)
    side = Side("s", "s", proto_root=root)
    compile_sides(side)
    return side


@pytest.mark.parametrize("case", sorted(MODULES))
def test_a_message_set_is_a_compile_error(case: str, tmp_path: Path) -> None:
    side = _side(tmp_path, MODULES[case])
    assert [f.message.split(",")[0] for f in side.findings] == [
        f'proto: message "{"p.O.MS" if "nested" in case else "q.MS" if "import" in case else "p.MS"}" is a MessageSet']


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_other_messages_are_not(case: str, tmp_path: Path) -> None:
    assert _side(tmp_path, ACCEPTED[case]).findings == []


@pytest.mark.parametrize("case", sorted(MODULES))
def test_buf_refuses_them(case: str, tmp_path: Path) -> None:
    exe = buf_executable()
    need_tool(exe, "buf-bin is not installed: pip install -e '.[test]'")
    for name, text in MODULES[case].items():
        (tmp_path / name).write_text(text)
    (tmp_path / "buf.yaml").write_text("version: v2\n")
    done = subprocess.run([str(exe), "lint"], cwd=tmp_path, capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 1 and "is a MessageSet" in done.stderr
