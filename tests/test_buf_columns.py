"""buf's columns (workbench/breaking/buf_columns.py): terminal cells, not protoc's UTF-8 bytes.

CALIBRATED is what buf 1.75 (buf-bin) printed, measured as the column of a field name after
`/*text*/` on its line; the unit tests check the width function against it without buf. The case
folders tests/lint_cases/wide_characters, tests/lint_cases/protovalidate/w and
tests/breaking_cases/dropin/wide_characters hold the same characters before and inside findings'
spans, and the Hypothesis test below runs buf itself over random text where buf-bin is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skips import need_tool

from workbench.breaking.buf_columns import buf_column, display_width, index_at, same_columns
from workbench.breaking.bufcli import buf_executable

# (text, cells) as buf 1.75 measured them
CALIBRATED = [
    ("\u00e9", 1), ("\u00a0", 1), ("\u4e2d", 2), ("\U0001f600", 2),  # é, no-break space, CJK, emoji
    ("\u0085", 0), ("\u2028", 0), ("\u0301", 0),  # NEL, line separator, combining acute: zero width
    ("e\u0301\u0301", 1), ("\uac00", 2), ("\u1100\u1161\u11a8", 2),  # Hangul: syllable; jamo (L V T)
    ("\uac00\u11a8", 3), ("\u1161\u11a8", 2),  # a syllable and a trailing jamo; V T without a leading jamo
    ("\u2764\ufe0f", 2), ("\u263a", 1), ("\u263a\ufe0f", 2), ("\U0001f600\ufe0e", 1),  # presentation selectors
    ("\u00a9\ufe0f", 2), ("#\ufe0f", 1), ("#\ufe0f\u20e3", 1), ("a\ufe0f", 1),  # VS16 widens pictographs only
    ("\u263a\u0301", 1), ("\U0001f600\u0301\ufe0e", 1),
    ("\U0001f469\u200d\U0001f4bb", 2), ("\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466", 2),  # ZWJ
    ("a\u200d\U0001f600", 3), ("\u200d\U0001f600", 2), ("\U0001f600\u200d", 2), ("\u263a\u200d\u263a", 1),
    ("\U0001f44d\U0001f3fd", 2), ("\U0001f3fd", 0),  # skin tone: joins an emoji, zero width alone
    ("\U0001f1fa\U0001f1f8", 2), ("\U0001f1fa", 2), ("\U0001f1fa\U0001f1f8\U0001f1ec", 4),  # flags pair up
    ("\U0001f3f4\U000e0067\U000e0062\U000e007f", 2),  # tag sequence
    ("\u200b", 0), ("\u200c", 0), ("\u200d", 0), ("\u00ad", 0), ("\ufeff", 0), ("\u00ad\u0301", 0),
    ("\x01", 0), ("\x0c", 0), ("\x7f", 0),  # controls
    ("\u00b1", 1), ("\u03b1", 1), ("\u0436", 1),  # East Asian ambiguous: narrow
    ("\uff21", 2), ("\u3000", 2), ("\uff76", 1), ("\uff76\uff9e", 1),  # fullwidth; halfwidth kana + sound mark
    ("\u3030", 1), ("\u3297", 1), ("\u303d", 1),  # wide to East_Asian_Width, not emoji presentation
    ("\u2e3a", 3), ("\u2e3b", 4),  # two- and three-em dash
    ("\u0915\u094d\u0937", 2), ("a\u0903", 2), ("\U0001f600\u0903", 2), ("\u1100\u0903", 2),  # spacing marks
    ("\u0600a", 2), ("\u0600\u0903", 2),  # prepended concatenation mark
    ("\U0001fa75", 2), ("\U00011f00", 0), ("\U0001fc00", 1),  # new in Unicode 15.0; reserved pictograph
    # new in 15.0, unassigned to Python 3.11: a spacing mark joins a pictograph (adding nothing) and a
    # flag; a hieroglyph format control (Cf) is a control, so a spacing mark after it starts a cluster
    ("\U0001f600\u0cf3", 2), ("\U0001f774\u0cf3", 1), ("\U0001f1e6\U00011f03", 2), ("\u1100\U00011f41", 2),
    ("\U0001f600\U00013439\u0903", 3), ("\U00013439", 0), ("\u0cf3", 1),
    ("\U00040000", 1), ("\U00030000", 2), ("\U0002fffe", 1),  # unassigned: plane 4; plane 3; noncharacter
    ("\t\u4e2d\t", 8), ("\u4e2d\t\u4e2d", 6), ("a\tb", 5),  # tabs stop at multiples of 4
]


@pytest.mark.parametrize(("text", "cells"), CALIBRATED, ids=[ascii(t) for t, _ in CALIBRATED])
def test_width_is_what_buf_measured(text: str, cells: int) -> None:
    assert display_width(text) == cells


def test_protoc_columns_become_bufs() -> None:
    line = "\t\u4e2d x"
    # protoc: the tab to 8, 中 its 3 bytes, the space: x at column 13; buf: 4 + 2 + 1
    assert buf_column(line, 13) == 8
    assert buf_column(line, 1) == 1
    assert buf_column(line, 9) == 5  # 中 itself
    assert buf_column(line, 14) == 9  # the end of the line
    assert buf_column(line, 16) == 11  # past it: the excess is kept
    assert buf_column("\u4e2d", 2) == 3  # inside a character's bytes: the next character's column
    assert index_at(line, 8) == 3 and index_at(line, 5) == 1 and index_at(line, 99) == len(line)


def test_only_plain_ascii_keeps_protocs_columns() -> None:
    assert same_columns("message M {\r\n  int32 a = 1;\n}\n")
    assert not same_columns("message M {\n\tint32 a = 1;\n}\n")
    assert not same_columns("// \u00e9\n")
    assert not same_columns("/* \x0c */\n")


# ---------------------------------------------------------------- against buf, random text

VALIDATE = Path(__file__).parent / "lint_cases" / "protovalidate" / "buf" / "validate" / "validate.proto"
POOL = ("a", "\t", " ", "\u00e9", "\u4e2d", "\U0001f600", "\u0301", "\u200d", "\ufe0f", "\ufe0e", "\U0001f3fd",
        "\U0001f1fa", "\u2764", "\u263a", "\u1100", "\u1161", "\u11a8", "\uac00", "\u0903", "\u0085", "\u2028",
        "\u00ad", "\u200b", "\ufeff", "\uff21", "\uff9e", "\u00b1", "\u0600", "\u2e3b", "\U000e0067", "\x0c",
        "\u0cf3", "\U00013439", "\U0001f6dc")  # the last three new in Unicode 15.0, unknown to Python 3.11
CHAR = st.one_of(st.sampled_from(POOL), st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x00"))
# Inside `/*...*/`: no "*/" or "/*" (protoc refuses a nested one), nor a last "*" or "/" that would
# make one with the delimiter after it (CI drew "/": "/*/*/" is a nested comment).
COMMENT = st.text(CHAR, max_size=10).filter(
    lambda s: "*/" not in s and "/*" not in s and not s.endswith(("*", "/")))
STRING = st.text(CHAR, max_size=10).map(lambda s: s.replace('"', "").replace("\\", ""))
MODULE = """syntax = "proto3";

package x.v1;

import "buf/validate/validate.proto";

// M.
message M {
%s
}
"""


def _module(root: Path, rows: list[tuple[str, str, str]], field_type: str) -> None:
    (root / "buf" / "validate").mkdir(parents=True)
    shutil.copy(VALIDATE, root / "buf" / "validate" / "validate.proto")
    (root / "buf.yaml").write_text("version: v2\nlint:\n  use: [STANDARD]\n  ignore: [buf]\nbreaking:\n  use: [FILE]\n")
    (root / "x" / "v1").mkdir(parents=True)
    body = "\n".join(
        f'  /*{before}*/ {field_type} c{k} = {k} [(buf.validate.field).string.prefix = "{inside}"]; '
        f"/*{after}*/ {field_type} bad{k}X = {k + 10};"
        for k, (before, inside, after) in enumerate(rows, 1))
    (root / "x" / "v1" / "m.proto").write_text(MODULE % body, encoding="utf-8")


def _findings(*args: str, cwd: Path) -> list[str]:
    done = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, check=False, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.returncode in (0, 1, 100), done.stderr
    return sorted(filter(None, done.stdout.split("\n")))  # at "\n" only: a message may quote U+2028 raw


@settings(max_examples=int(os.environ.get("WB_COLUMN_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(COMMENT, STRING, COMMENT), min_size=1, max_size=4))
def test_random_text_columns_match_buf(rows: list[tuple[str, str, str]],
                                       tmp_path_factory: pytest.TempPathFactory) -> None:
    """Findings after and around random text: PROTOVALIDATE's span ends after the string, the field
    names start after it and a comment, and `breaking` types (int32 -> int64) start after a comment."""
    buf = buf_executable()
    need_tool(buf, "buf-bin is not installed: pip install -e '.[test]'")
    root = tmp_path_factory.mktemp("columns")
    _module(root / "before", rows, "int32")
    _module(root / "after", rows, "int64")
    after = root / "after"
    theirs = _findings(str(buf), "lint", "--error-format", "json", cwd=after)
    assert theirs, "every row has findings"
    assert _findings(sys.executable, "-m", "workbench", "lint", "--error-format", "json", cwd=after) == theirs
    against = ("breaking", "--against", "../before", "--error-format", "json")
    theirs = _findings(str(buf), *against, cwd=after)
    assert theirs
    assert _findings(sys.executable, "-m", "workbench", *against, cwd=after) == theirs
    assert all(json.loads(line)["type"] == "FIELD_SAME_TYPE" for line in theirs)
