"""protoc's tab-stop columns (`workbench.contracts.protoc_columns`): the conversions both ways agree."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workbench.contracts.protoc_columns import column_at, index_at

_lines = st.text(alphabet="\t a;", max_size=30)


def test_tab_runs_to_the_next_multiple_of_8() -> None:
    assert column_at("\tx", 1) == 8
    assert column_at(" \tx", 2) == 8
    assert column_at(b"abc\t\tx", 5) == 16
    assert index_at("\t\tx", 16) == 2
    assert index_at(b" \tx", 8) == 2
    assert index_at("\tx", 4) == 1  # inside the tab's run: the next character
    assert index_at("ab", 2) == 2  # the line's end
    assert index_at("ab", 3) == -1


@given(_lines, st.data())
def test_index_of_a_column_is_where_it_came_from(line: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(line)))
    assert index_at(line, column_at(line, index)) == index
    assert index_at(line.encode(), column_at(line.encode(), index)) == index
