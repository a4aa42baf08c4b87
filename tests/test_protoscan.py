"""The quick proto scan (the TUI's first look) sees what protoc sees, or says it is unsure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.contracts.proto_compile import compile_protos
from workbench.contracts.proto_model import build_model
from workbench.contracts.proto_scan import Unsure, scan_protos

REPO = Path(__file__).resolve().parents[1]
CASES = sorted({p.parent for p in (REPO / "tests").rglob("*.proto")})


def test_the_repository_protos_scan_as_protoc_compiles_them() -> None:
    result = compile_protos(REPO / "proto", rel_prefix="proto/")
    assert result.descriptor_set is not None
    full = build_model(result.descriptor_set, "proto/")
    scan = scan_protos(REPO / "proto", "proto/")
    assert scan.messages == full.messages
    assert scan.enums == full.enums
    assert scan.files == full.files


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_a_scan_matches_protoc_or_is_unsure(folder: Path) -> None:
    result = compile_protos(folder, rel_prefix="p/")
    try:
        scan = scan_protos(folder, "p/")
    except Unsure:
        return  # the first look compiles instead
    if result.descriptor_set is None:
        return  # protoc rejects the folder (a case of broken input): the scan only had to not crash
    full = build_model(result.descriptor_set, "p/")
    assert (scan.messages, scan.enums) == (full.messages, full.enums)


def test_unsure_on_what_it_does_not_follow(tmp_path: Path) -> None:
    (tmp_path / "a.proto").write_text('syntax = "proto3";\npackage a;\nmessage A { int64 id = 1; }\n')
    with pytest.raises(Unsure):
        scan_protos(tmp_path, "p/")
    (tmp_path / "a.proto").write_text('syntax = "proto2";\npackage a;\nmessage A {\n  optional int64 id = 1;\n}\n')
    with pytest.raises(Unsure):
        scan_protos(tmp_path, "p/")


FRAGMENTS = ['syntax = "proto3";', "syntax = 'proto3';", 'syntax = "proto2";', "package a.v1;", "package", "a.v1;",
             'import "b.proto";', "import", '"b.proto";', "import 'b.proto';", "import public", "message A {",
             "message A {}", "enum E {", "oneof o {", "service S {", "rpc R(A) returns (A);", "}", "};", "{",
             "int64 id = 1;", "repeated string tags = 2 [", "(x) = 1,", 'json_name = "t"];', "map<string, A> m = 3;",
             "E_UNSPECIFIED = 0;", "option (o) = {", "a: 1", "};", "reserved 4, 5;", "// c", "/* c */", "/* c",
             "*/", "/* a */ int64 x = 9;", "'", '"', "\\", "\t", "é", ";", "=", "[", "]", "<", ">"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(*[st.sampled_from(FRAGMENTS)] * 4, st.text(max_size=20)), max_size=30), st.data())
def test_any_text_scans_or_is_unsure_never_a_crash(tmp_path: Path, lines: list[str], data: st.DataObject) -> None:
    """Whatever is on disk mid-edit, the first look gets a model or Unsure (then protoc), never another error."""
    real = (REPO / "proto").rglob("*.proto")
    base = data.draw(st.sampled_from(["", *sorted(p.read_text() for p in real)]))
    text = base.split("\n")
    at = data.draw(st.integers(0, len(text)))
    (tmp_path / "a.proto").write_text("\n".join([*text[:at], *lines, *text[at:]]))
    try:
        scan_protos(tmp_path, "p/")
    except Unsure:
        pass


COMMENT_FORMS = ["", "// c", "// buf:lint:ignore X", "/* c */", "/*\n * c\n */", "/* c */\n// d", "// c\n/* d */",
                 "// c\n\n", "/* c */\n", "// \x1cc", "/** doc */",
                 "// c\n\n// d", "\n// c", "\n/* c */\n", "// c\n// d\n\n// e"]


@settings(max_examples=int(os.environ.get("WB_SCAN_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(COMMENT_FORMS), min_size=5, max_size=5))
def test_comments_above_declarations_scan_as_protoc_reads_them_or_unsure(tmp_path: Path, above: list[str]) -> None:
    """Line and block comments above each declaration of a file protoc builds: the scan's comments are
    protoc's leading (else trailing) comments, or the scan gives up (a block comment used to be skipped,
    and the entity kept no comment where protoc gave one)."""
    parts = ['syntax = "proto3";', "package a.v1;", above[0], "message A {", above[1], "  int64 id = 1;",
             above[2], "  enum K {", "    K_UNSPECIFIED = 0;", "  }", "}", above[3], "enum E {", above[4],
             "  E_UNSPECIFIED = 0;", "}"]
    (tmp_path / "a.proto").write_text("\n".join(parts) + "\n")
    result = compile_protos(tmp_path, rel_prefix="p/")
    assert result.descriptor_set is not None
    try:
        scan = scan_protos(tmp_path, "p/")
    except Unsure:
        return
    full = build_model(result.descriptor_set, "p/")
    assert (scan.messages, scan.enums) == (full.messages, full.enums)
