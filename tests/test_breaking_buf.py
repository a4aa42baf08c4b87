"""Differential tests: our proto rules against the real `buf breaking` (PyPI buf-bin) as the oracle.

Every hand-written pair in tests/breaking_cases/<case>/{before,after} and a bounded number of
hypothesis-generated pairs must give the same rule IDs at the same file:line:column as buf, with the
same message text.
"""

from __future__ import annotations

import json as jsonlib
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from skips import need_tool

from workbench.breaking.bufcli import ALL_CATEGORIES_CONFIG, BufFinding, buf_executable, run_buf
from workbench.breaking.catalog import V2
from workbench.breaking.config import BreakingConfig
from workbench.breaking.inputs import Side, compile_sides
from workbench.breaking.proto_diff import diff_sets

CASES = Path(__file__).parent / "breaking_cases"
# Bounded so the file stays fast; WB_BREAKING_EXAMPLES=500 runs a long sweep.
EXAMPLES = int(os.environ.get("WB_BREAKING_EXAMPLES", "25"))
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "before").is_dir())
ALL = BreakingConfig(use=["FILE", "PACKAGE", "WIRE_JSON", "WIRE"])

@pytest.fixture
def _buf() -> None:
    """Tests that run buf itself; the expectation tests run everywhere."""
    need_tool(buf_executable(), "buf-bin is not installed: pip install -e '.[test]'")


needs_buf = pytest.mark.usefixtures("_buf")


def compiles(before: Path, after: Path) -> bool:
    b, a = Side("before", "before", proto_root=before), Side("after", "after", proto_root=after)
    compile_sides(b, a)
    return not b.findings and not a.findings


def ours(before: Path, after: Path) -> list[BufFinding]:
    b, a = Side("before", "before", proto_root=before), Side("after", "after", proto_root=after)
    compile_sides(b, a)
    assert not b.findings and not a.findings, (b.findings, a.findings)
    assert b.fds is not None and a.fds is not None
    changes = diff_sets(b.fds, a.fds, ALL, b.targets, a.targets,
                        before_sources=b.sources(), after_sources=a.sources())
    return sorted(BufFinding(c.rule, c.file, c.line, c.column, c.message) for c in changes)


def assert_same(before: Path, after: Path) -> list[BufFinding]:
    mine = ours(before, after)
    theirs = run_buf(after, before, ALL_CATEGORIES_CONFIG)
    only_ours = sorted(set(mine) - set(theirs))
    only_buf = sorted(set(theirs) - set(mine))
    assert not only_ours and not only_buf, f"\nonly ours: {only_ours}\nonly buf:  {only_buf}"
    return theirs


def expectation(case: str) -> list[BufFinding]:
    """What buf 1.75 printed for the case with every category on (`expected.jsonl`, kept by hand so
    the cases still mean something where buf-bin is not installed)."""
    out = []
    for line in (CASES / case / "expected.jsonl").read_text().splitlines():
        d = jsonlib.loads(line)
        out.append(BufFinding(d["type"], d.get("path", ""), d["start_line"], d["start_column"], d["message"]))
    return sorted(out)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_case_matches_the_expectation(case: str) -> None:
    mine = ours(CASES / case / "before", CASES / case / "after")
    want = expectation(case)
    assert sorted(set(mine)) == sorted(set(want)), f"\nonly ours: {sorted(set(mine) - set(want))}\n" \
                                                   f"only buf:  {sorted(set(want) - set(mine))}"


@needs_buf
@pytest.mark.parametrize("case", CASE_NAMES)
def test_case_matches_buf(case: str) -> None:
    theirs = assert_same(CASES / case / "before", CASES / case / "after")
    assert sorted(set(theirs)) == sorted(set(expectation(case)))


def test_cases_cover_every_rule_buf_reports() -> None:
    seen: set[str] = set()
    for case in CASE_NAMES:
        seen |= {f.rule for f in ours(CASES / case / "before", CASES / case / "after")}
    active = {r for r, spec in V2.items() if not spec.deprecated}
    assert active - seen == set()


# ---------------------------------------------------------------- random pairs

SCALARS = ["int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32",
           "sfixed64", "bool", "string", "bytes", "double", "float"]
LABELS = ["", "optional ", "repeated "]


@st.composite
def message_fields(draw: st.DrawFn, refs: list[str]) -> list[tuple[str, str, str, int, str]]:
    """(label, type, name, number, json_name) with unique names and numbers."""
    count = draw(st.integers(1, 6))
    numbers = draw(st.lists(st.integers(1, 30), min_size=count, max_size=count, unique=True))
    fields = []
    for i, number in enumerate(numbers):
        label = draw(st.sampled_from(LABELS))
        kind = draw(st.sampled_from(SCALARS + refs + ["map<string, int32>"]))
        if kind.startswith("map"):
            label = ""
        json = draw(st.sampled_from(["", "", "", f"j{i}"]))
        fields.append((label, kind, f"f{i}", number, json))
    return fields


# Well-known types a field may use: a module's image holds the ones it imports, so a side that stops
# importing one deletes it (buf's FILE_NO_DELETE "google/protobuf/empty.proto", PACKAGE_*_NO_DELETE).
WKTS = {"google.protobuf.Timestamp": "google/protobuf/timestamp.proto",
        "google.protobuf.Duration": "google/protobuf/duration.proto",
        "google.protobuf.Empty": "google/protobuf/empty.proto",
        "google.protobuf.Struct": "google/protobuf/struct.proto"}


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, object]:
    refs = ["E0", "M0", *draw(st.lists(st.sampled_from(sorted(WKTS)), max_size=2, unique=True))]
    messages = {f"M{i}": draw(message_fields(refs)) for i in range(draw(st.integers(1, 3)))}
    enum_values = draw(st.lists(st.integers(1, 9), max_size=4, unique=True))
    oneof = draw(st.booleans())
    reserved = draw(st.lists(st.integers(40, 60), max_size=3, unique=True))
    rpcs = draw(st.lists(st.tuples(st.sampled_from(list(messages)), st.sampled_from(list(messages)),
                                   st.booleans()), max_size=2))
    return {"messages": messages, "enum": enum_values, "oneof": oneof, "reserved": reserved, "rpcs": rpcs,
            "package": draw(st.sampled_from(["r.v1", "r.v1", "r.v2"]))}


def render(schema: dict[str, object]) -> str:
    used = sorted({WKTS[f[1]] for fields in schema["messages"].values() for f in fields  # type: ignore[attr-defined]
                   if f[1] in WKTS})
    out = ['syntax = "proto3";', f"package {schema['package']};", *(f'import "{path}";' for path in used),
           "enum E0 {", "  E0_UNSPECIFIED = 0;"]
    out += [f"  E0_V{n} = {n};" for n in schema["enum"]]  # type: ignore[attr-defined]
    out.append("}")
    for name, fields in schema["messages"].items():  # type: ignore[attr-defined]
        out.append(f"message {name} {{")
        if schema["reserved"] and name == "M0":
            out.append("  reserved " + ", ".join(str(n) for n in schema["reserved"]) + ";")  # type: ignore[attr-defined]
        in_oneof = schema["oneof"] and len(fields) > 1
        for i, (label, kind, fname, number, json) in enumerate(fields):
            opt = f' [json_name = "{json}"]' if json else ""
            if in_oneof and i == len(fields) - 1 and not label and not kind.startswith("map"):
                out.append(f"  oneof choice {{ {kind} {fname} = {number}{opt}; }}")
            else:
                out.append(f"  {label}{kind} {fname} = {number}{opt};")
        out.append("}")
    if schema["rpcs"]:
        out.append("service S {")
        for i, (req, res, stream) in enumerate(schema["rpcs"]):  # type: ignore[attr-defined]
            out.append(f"  rpc R{i}({'stream ' if stream else ''}{req}) returns ({res});")
        out.append("}")
    return "\n".join(out) + "\n"


@needs_buf
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=schemas(), after=schemas())
def test_random_pairs_match_buf(tmp_path_factory: pytest.TempPathFactory, before: dict[str, object],
                                after: dict[str, object]) -> None:
    root = tmp_path_factory.mktemp("pair")
    (root / "before").mkdir()
    (root / "after").mkdir()
    (root / "before" / "r.proto").write_text(render(before))
    (root / "after" / "r.proto").write_text(render(after))
    assert_same(root / "before", root / "after")


@needs_buf
@settings(max_examples=max(EXAMPLES * 3 // 5, 1), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=schemas(), data=st.data())
def test_random_edits_match_buf(tmp_path_factory: pytest.TempPathFactory, base: dict[str, object],
                                data: st.DataObject) -> None:
    """Small edits of one schema (the realistic case): a field's type, label, name or number changes."""
    edited = {**base, "messages": {k: list(v) for k, v in base["messages"].items()}}  # type: ignore[attr-defined]
    name = data.draw(st.sampled_from(sorted(edited["messages"])))  # type: ignore[arg-type]
    fields = edited["messages"][name]  # type: ignore[index]
    i = data.draw(st.integers(0, len(fields) - 1))
    label, kind, fname, number, json = fields[i]
    edit = data.draw(st.sampled_from(["type", "label", "name", "delete", "json"]))
    if edit == "type":
        kind = data.draw(st.sampled_from(SCALARS))
    elif edit == "label" and not kind.startswith("map"):
        label = data.draw(st.sampled_from(LABELS))
    elif edit == "name":
        fname = fname + "_renamed"
    elif edit == "json":
        json = "changed"
    if edit == "delete" and len(fields) > 1:
        del fields[i]
    else:
        fields[i] = (label, kind, fname, number, json)
    root = tmp_path_factory.mktemp("edit")
    (root / "before").mkdir()
    (root / "after").mkdir()
    (root / "before" / "r.proto").write_text(render(base))
    (root / "after" / "r.proto").write_text(render(edited))
    assert_same(root / "before", root / "after")


# ---------------------------------------------------------------- proto2 and editions

P2_SCALARS = ["int32", "int64", "uint32", "sint64", "fixed32", "sfixed64", "bool", "string", "bytes", "double",
              "float"]


def render_legacy(rng: random.Random, syntax: str) -> str:
    """proto2 / edition 2023 files: required fields, defaults, presence and UTF-8 features, delimited
    messages, closed enums, extensions and their ranges, jstype."""
    editions = syntax.startswith("edition")
    out = [syntax, "package q;", f"enum E {{ E_A = {rng.choice([0, 1])}; E_B = 2; E_C = 3; }}",
           f"message Ext {{ extensions 100 to {rng.choice(['199', 'max', '150'])}; }}"]
    for m in range(rng.randint(1, 2)):
        out.append(f"message M{m} {{")
        if rng.random() < 0.5:
            out.append("  reserved " + ", ".join(str(n) for n in rng.sample(range(40, 50), 2)) + ";")
        for i, number in enumerate(rng.sample(range(1, 12), rng.randint(1, 5))):
            kind = rng.choice(P2_SCALARS + ["E", "M0"])
            opts = []
            if editions:
                label = rng.choice(["", "repeated "])
                if kind != "M0" and not label and rng.random() < 0.3:
                    opts.append("features.field_presence = " + rng.choice(["IMPLICIT", "EXPLICIT", "LEGACY_REQUIRED"]))
                if kind == "string" and rng.random() < 0.3:
                    opts.append("features.utf8_validation = " + rng.choice(["NONE", "VERIFY"]))
                if kind == "M0" and not label and rng.random() < 0.3:
                    opts.append("features.message_encoding = DELIMITED")
            else:
                label = rng.choice(["optional ", "required ", "repeated "])
                if label != "repeated " and kind not in ("M0", "bytes") and rng.random() < 0.3:
                    default = {"E": "E_B", "string": f'"x{rng.randint(0, 2)}"', "bool": rng.choice(["true", "false"]),
                               "double": rng.choice(["1.5", "2", "nan", "inf"]),
                               "float": rng.choice(["1.5", "2"])}.get(kind, str(rng.randint(0, 3)))
                    opts.append(f"default = {default}")
            if kind in ("int64", "sint64", "sfixed64") and rng.random() < 0.2:
                opts.append("jstype = " + rng.choice(["JS_STRING", "JS_NUMBER", "JS_NORMAL"]))
            shown = f" [{', '.join(opts)}]" if opts else ""
            indent = rng.choice(["  ", "\t", "\t  ", "  \t"])  # protoc and buf count tabs differently
            out.append(f"{indent}{label}{kind} f{i} = {number}{shown};")
        out.append("}")
    if editions and rng.random() < 0.3:
        out.append(f"enum Closed {{ option features.enum_type = {rng.choice(['OPEN', 'CLOSED'])}; CLOSED_A = 0; }}")
    if rng.random() < 0.5:
        out.append(f"extend Ext {{ {'' if editions else 'optional '}int32 x1 = {rng.choice([100, 101])}; }}")
    return "\n".join(out) + "\n"


@needs_buf
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=False), data=st.data())
def test_random_proto2_and_editions_pairs_match_buf(tmp_path_factory: pytest.TempPathFactory, rng: random.Random,
                                                    data: st.DataObject) -> None:
    syntaxes = ['syntax = "proto2";', 'edition = "2023";']
    before_syntax = data.draw(st.sampled_from(syntaxes))
    after_syntax = data.draw(st.sampled_from([before_syntax, before_syntax, before_syntax, *syntaxes]))
    root = tmp_path_factory.mktemp("legacy")
    (root / "before").mkdir()
    (root / "after").mkdir()
    (root / "before" / "q.proto").write_text(render_legacy(rng, before_syntax))
    (root / "after" / "q.proto").write_text(render_legacy(rng, after_syntax))
    assume(compiles(root / "before", root / "after"))  # a random file may be invalid (e.g. a closed enum in proto3)
    assert_same(root / "before", root / "after")
