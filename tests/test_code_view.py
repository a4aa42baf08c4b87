"""CodeView highlights protobuf a chunk at a time: the same lines and styles as the whole file at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.tui.widgets.code_view import CHUNK_LINES, HighlightedText, highlighted_lines

REPO = Path(__file__).resolve().parents[1]


def _same(text: str, language: str) -> None:
    whole = highlighted_lines(text, language)
    chunked = HighlightedText(text, language)
    assert len(chunked) == len(whole)
    assert [(line.plain, line.spans) for line in (chunked[i] for i in range(len(chunked)))] == \
        [(line.plain, line.spans) for line in whole]
    assert chunked.widest == max((line.cell_length for line in whole), default=0)


def test_the_repository_proto_in_chunks_is_the_whole_file_highlighted() -> None:
    text = (REPO / "proto" / "entities.proto").read_text()
    assert len(HighlightedText(text, "protobuf")._starts) > 1  # it is chunked
    _same(text, "protobuf")


@pytest.mark.parametrize("tail", ["", "\n", "\n\n", "\n\n\n// end\n"])
def test_chunk_edges(tail: str) -> None:
    message = 'message M {\n  // a "quoted" word\n  string name = 1;\n}\n'
    text = 'syntax = "proto3";\n\npackage p;\n\n' + (message + "\n") * (CHUNK_LINES // 2) + tail
    _same(text, "protobuf")
    _same(text.replace("// a", "/* a */ // a"), "protobuf")  # block comments: highlighted whole
