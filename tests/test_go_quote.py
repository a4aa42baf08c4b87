"""Names and option values in messages are quoted as Go's %q quotes them (buf's messages): invisible
characters escaped, the rest as they are. The table is Go's output; the module below is checked
against buf-bin when it is installed, its output kept here."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_proto_lint import buf_binary

from workbench.breaking.go_quote import go_quote
from workbench.breaking.unicode15 import go_is_print
from workbench.cli.main import main

GO = [  # text, what Go's strconv.Quote gives
    ("x.v1", '"x.v1"'),
    ('say "hi" \\ bye', '"say \\"hi\\" \\\\ bye"'),
    ("a\u200db", '"a\\u200db"'),  # zero width joiner (Cf)
    ("\t\n\r\a\b\f\v", '"\\t\\n\\r\\a\\b\\f\\v"'),
    ("\x01\x7f", '"\\x01\\x7f"'),
    ("\u00a0\u00ad\u2028", '"\\u00a0\\u00ad\\u2028"'),  # a non-ASCII space, a soft hyphen, a line separator
    ("é中😀\u0301", '"é中😀\u0301"'),  # printable, combining mark included
    ("\U000e0001\ue000", '"\\U000e0001\\ue000"'),  # a tag character, a private-use one
    ("\udcff", '"\\ufffd"'),  # an undecodable byte kept as a lone surrogate: Go's invalid rune
    # new in Unicode 15.0 (Go's version; unassigned to Python 3.11): an emoji and a spacing mark are
    # printed as they are, a hieroglyph format control (Cf) escaped; buf-bin printed the same
    ("\U0001f6dc\u0cf3\U00013439", '"\U0001f6dc\u0cf3\\U00013439"'),
    ("\u2ffc\u31ef", '"\\u2ffc\\u31ef"'),  # new in 15.1: unassigned to Go's 15.0, whatever Python's is
]


@pytest.mark.parametrize(("text", "quoted"), GO)
def test_go_quote_quotes_as_go_does(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted


@given(st.text())
def test_go_quote_round_trips_what_it_leaves_printable(text: str) -> None:
    quoted = go_quote(text)
    assert quoted[0] == quoted[-1] == '"' and all(map(go_is_print, quoted[1:-1]))
    if all(map(go_is_print, text)):
        assert quoted == '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


LINT = [f"x/v1/{name}.proto:3:1:Files in package \"x.v1\" have multiple values \"a\\u200db\\t\\u00a0é\\x01,c\" "
        "for option \"java_package\" and all values must be equal." for name in ("a", "b")]


def test_an_option_value_with_invisible_characters_is_quoted_as_buf_quotes_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x" / "v1").mkdir(parents=True)
    (tmp_path / "x" / "v1" / "a.proto").write_text(
        'syntax = "proto3";\npackage x.v1;\noption java_package = "a\u200db\\t\u00a0é\\001";\nmessage A {}\n')
    (tmp_path / "x" / "v1" / "b.proto").write_text(
        'syntax = "proto3";\npackage x.v1;\noption java_package = "c";\nmessage B {}\n')
    (tmp_path / "buf.yaml").write_text("version: v2\nlint:\n  use: [PACKAGE_SAME_JAVA_PACKAGE]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "--error-format", "text"]) == 1
    assert capsys.readouterr().out.split("\n")[:-1] == LINT
    buf = buf_binary()
    if buf is not None:
        done = subprocess.run([buf, "lint"], cwd=tmp_path, capture_output=True, text=True, check=False)  # noqa: S603
        assert done.stdout.split("\n")[:-1] == LINT, done.stderr
