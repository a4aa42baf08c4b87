"""The streaming fixture reader (what the seeder reads) against the whole-file parser.

The stream reads rows one per line with orjson and falls back to the stdlib decoder; both
paths must give the same values and the same lines as `parse_fixture` (json's semantics).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.contracts.fixture_files import FixtureStreamError, open_fixture_stream, parse_fixture


def stream_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    stream, findings = open_fixture_stream(path, "seeders/t.json")
    assert stream is not None, findings
    return list(stream.rows())


def whole_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    fixture, findings = parse_fixture(path.read_text(encoding="utf-8"), "seeders/t.json")
    assert fixture is not None, findings
    return list(fixture.rows_with_lines())


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types (1 and 1.0 differ here; NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def assert_same_rows(path: Path) -> None:
    fixture, findings = parse_fixture(path.read_text(encoding="utf-8"), "seeders/t.json")
    if fixture is None:  # refused (a column name PostgreSQL cannot take): the stream refuses it alike
        stream, _ = open_fixture_stream(path, "seeders/t.json")
        assert stream is not None
        try:
            list(stream.rows())
        except FixtureStreamError as exc:
            assert (exc.finding.rule, exc.finding.line, exc.finding.message) == \
                (findings[0].rule, findings[0].line, findings[0].message)
        else:
            raise AssertionError(f"the stream accepted what the whole parse refused: {findings}")
        return
    got, want = stream_rows(path), whole_rows(path)
    assert [line for line, _ in got] == [line for line, _ in want]
    for (line, a), (_, b) in zip(got, want, strict=True):
        assert same(a, b), f"line {line}: {a!r} != {b!r}"


TRICKY_ROWS = [
    '{"id": 1, "big": 123456789012345678901234567890, "neg": -98765432109876543210}',  # orjson: float
    '{"id": 2, "edge": 18446744073709551616, "max": 18446744073709551615, "min": -9223372036854775808}',
    '{"id": 3, "nested": {"deep": [1, 99999999999999999999999, {"x": 1e400}]}}',
    '{"id": 4, "nan": NaN, "inf": Infinity, "minus": -Infinity}',  # only the stdlib reads these
    '{"id": 5, "surrogate": "\\ud800", "pair": "\\ud83d\\ude00", "text": "tab\\tnew\\nline"}',
    '{"id": 6, "dup": 1, "dup": 2, "float": 0.1, "exp": 1.5e300, "zero": -0.0, "int_zero": -0}',
    '{"id": 7, "brace": "}", "quote": "\\"}", "unicode": "Arnica montana \\u00e9 \u00e9"}',
    '{"id": 8, "a": 1}, {"id": 9, "b": 2}',  # two rows on one line
    '{"id": 10, "multi":\n  [1,\n 2]}',  # one row over three lines
    '{"id": 11, "x": [{"y": 1},\n{"z": 2}]}',  # a nested array over two lines
    '{"id": 12, "big_float": 3.0e19, "small": 1e-300}',
]


def write(path: Path, rows: list[str], sep: str = ",\n    ", newline: str = "\n") -> Path:
    text = '{\n  "table": "t",\n  "rows": [\n    ' + sep.join(rows) + "\n  ]\n}\n"
    path.write_text(text.replace("\n", newline), encoding="utf-8", newline="")
    return path


def test_tricky_rows_match_the_whole_file_parser(tmp_path: Path) -> None:
    path = write(tmp_path / "t.json", TRICKY_ROWS)
    assert_same_rows(path)
    rows = dict((row["id"], row) for _, row in stream_rows(path))
    assert rows[1]["big"] == 123456789012345678901234567890 and type(rows[1]["big"]) is int
    assert rows[2]["edge"] == 2**64 and type(rows[2]["edge"]) is int
    assert rows[3]["nested"]["deep"][1] == 99999999999999999999999
    assert math.isnan(rows[4]["nan"]) and rows[5]["surrogate"] == "\ud800" and rows[6]["dup"] == 2


def test_crlf_and_one_line_files(tmp_path: Path) -> None:
    assert_same_rows(write(tmp_path / "crlf.json", TRICKY_ROWS, newline="\r\n"))
    assert_same_rows(write(tmp_path / "flat.json", TRICKY_ROWS, sep=", ", newline=" "))


def test_rows_across_buffer_refills(tmp_path: Path) -> None:
    # About 3 MB: the reader's 1 MB buffer is refilled mid-row and mid-line.
    rows = [json.dumps({"id": i, "name": "x" * (i % 997), "big": 10**25 + i if i % 500 == 0 else i})
            for i in range(6_000)]
    path = write(tmp_path / "big.json", rows)
    assert_same_rows(path)
    got = stream_rows(path)
    assert len(got) == 6_000 and got[-1][0] == 6_003 and got[500][1]["big"] == 10**25 + 500


def test_a_bad_row_is_located(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", ['{"id": 1}', '{"id": 2, "x": tru}', '{"id": 3}'])
    stream, _ = open_fixture_stream(path, "seeders/bad.json")
    assert stream is not None
    try:
        list(stream.rows())
    except FixtureStreamError as exc:
        assert (exc.finding.rule, exc.finding.line) == ("FIXTURE_JSON", 5)
    else:
        raise AssertionError("a malformed row must raise FixtureStreamError")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=5), min_size=1, max_size=8),
       indent=st.sampled_from([None, 1]))
def test_generated_rows_match(tmp_path: Path, rows: list[dict[str, Any]], indent: int | None) -> None:
    path = write(tmp_path / "gen.json", [json.dumps(r, indent=indent) for r in rows])
    assert_same_rows(path)
