"""Protos buf 1.75 accepts and protoc refuses compile, with the source's values (`buf_leniency`).

The oracle for the rewritten compile is protoc itself on a twin source: an enum default given by
number is written as the name of the enum's first value with that number, and the generator names
that value with as many characters as the number's literal has, so the twin has every byte where
the source has it and protoc's set for it is what ours must be, source info and all. Where buf-bin is
installed, the descriptors (without source info) must be buf's image too, and what buf refuses
(lint and breaking fail on it) we refuse.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skips import need_tool

from workbench.breaking.bufcli import buf_executable
from workbench.contracts.proto_compile import compile_protos

EXAMPLES = int(os.environ.get("WB_BREAKING_EXAMPLES", "25"))
P2 = 'syntax = "proto2";\npackage p;\n'


def _set(root: Path, names: list[str], source_info: bool = True) -> object:
    from google.protobuf import descriptor_pb2 as pb

    result = compile_protos(root, names, source_info=source_info)
    assert result.ok, result.findings
    assert result.descriptor_set is not None
    return pb.FileDescriptorSet.FromString(result.descriptor_set)


def _buf_image(root: Path, source_info: bool = False) -> object | None:
    """buf's image of the module at `root`, or None when buf refuses it."""
    from google.protobuf import descriptor_pb2 as pb

    exe = buf_executable()
    need_tool(exe, "buf-bin is not installed: pip install -e '.[test]'")
    (root / "buf.yaml").write_text("version: v2\n")
    out = root / "image.binpb"
    done = subprocess.run([str(exe), "build", *([] if source_info else ["--exclude-source-info"]), "-o", str(out)],  # noqa: S603
                          cwd=root, capture_output=True, check=False)
    if done.returncode != 0:
        return None
    image = pb.FileDescriptorSet.FromString(out.read_bytes())
    image.DiscardUnknownFields()  # buf's own per-file extension
    return image


def _buf_lint_fails(root: Path) -> bool:
    """buf refuses the module: its build, or (an image Go's protodesc will not take) its lint."""
    exe = buf_executable()
    need_tool(exe, "buf-bin is not installed: pip install -e '.[test]'")
    (root / "buf.yaml").write_text("version: v2\n")
    built = subprocess.run([str(exe), "build", "-o", "/dev/null"], cwd=root, capture_output=True, check=False)  # noqa: S603
    if built.returncode != 0:
        return True  # compile errors: exit 100 with file annotations, as lint findings have it too
    done = subprocess.run([str(exe), "lint"], cwd=root, capture_output=True, check=False)  # noqa: S603
    return done.returncode not in (0, 100)


def _without_source_info(fds: object) -> dict[str, bytes]:
    """Each file's descriptor without source info, and without unknown fields: buf's image has its own
    per-file extension there, and custom options are unknown to this process either side (the twin
    test compares those)."""
    out = {}
    fds.DiscardUnknownFields()  # type: ignore[attr-defined]
    for f in fds.file:  # type: ignore[attr-defined]
        if not f.name.startswith("google/"):
            f.ClearField("source_code_info")
            out[f.name] = f.SerializeToString(deterministic=True)
    return out


# ------------------------------------------------------------------ a generator of such files

LITERALS = st.sampled_from(["dec", "hex", "oct", "neg"])


@st.composite
def lenient_files(draw: st.DrawFn) -> tuple[str, str]:
    """(source, twin): proto2 with enum defaults by number, `unverified_lazy` extensions and a lite
    file's services, in any order, spacing and company of other options."""
    numbers = draw(st.lists(st.integers(-20, 40), min_size=1, max_size=5, unique=True))
    forms = [draw(LITERALS) for _ in numbers]
    literals = []
    for n, form in zip(numbers, forms, strict=True):
        if n < 0 or form == "neg":
            literals.append(f"-{abs(n)}" if n < 0 else str(n))
        elif form == "hex":
            literals.append(hex(n))
        elif form == "oct" and n > 0:
            literals.append("0" + oct(n)[2:])
        else:
            literals.append(str(n))
    # the first value with each number is named with as many characters as the literal has
    names = ["ABCDFGHIJKL"[i] + "X" * (len(lit) - 1) for i, lit in enumerate(literals)]  # not E, M or S
    values = [f"  {name} = {n};" for name, n in zip(names, numbers, strict=True)]
    aliases = draw(st.booleans())
    if aliases:
        values.append(f"  ZZALIAS = {numbers[0]};")
    if 0 not in numbers:
        values.insert(0, "  ZERO = 0;")
    clash = draw(st.booleans())  # a value named as another with the enum's prefix (a closed enum's right)
    if clash:
        values.append(f"  E_{names[0]} = 99;")
    enum = "enum E {\n" + ("  option allow_alias = true;\n" if aliases else "") + "\n".join(values) + "\n}\n"
    space = st.sampled_from([" ", "  ", "\t", "\n    ", " /* c */ "])
    fields, twin_fields = [], []
    others = ["deprecated = true", 'json_name = "j%d"', "(opt) = 1"]
    for i, (lit, name) in enumerate(zip(literals, names, strict=True)):
        extra = draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
        at = draw(st.integers(0, len(extra)))
        sp = draw(space)
        opts = [o % i if "%d" in o else o for o in extra]
        src_opts = opts[:at] + [f"default{sp}={sp}{lit}"] + opts[at:]
        twin_opts = opts[:at] + [f"default{sp}={sp}{name}"] + opts[at:]
        sep = draw(st.sampled_from([", ", ",\n    ", ","]))
        line = f"  optional E f{i} = {i + 1} [{{}}];{draw(st.sampled_from(['', ' // t', ' /* t */']))}"
        fields.append(line.format(sep.join(src_opts)))
        twin_fields.append(line.format(sep.join(twin_opts)))
    lazy_opts = draw(st.lists(st.sampled_from(["deprecated = true", "debug_redact = true", "(opt) = 2"]),
                              max_size=2, unique=True))
    lazy_at = draw(st.integers(0, len(lazy_opts)))
    lazy = ", ".join(lazy_opts[:lazy_at] + [f"unverified_lazy{draw(space)}={draw(space)}true"] + lazy_opts[lazy_at:])
    lite = draw(st.booleans())
    head = P2 + 'import "google/protobuf/descriptor.proto";\n' + \
        ("option optimize_for = LITE_RUNTIME;\noption cc_generic_services = true;\n" if lite else "") + \
        "extend google.protobuf.FieldOptions { optional int32 opt = 50000; }\n" + enum
    tail = f"extend M {{\n  // lazy\n  optional M lazy_ext = 100 [{lazy}];\n}}\n" \
        "service S {\n  rpc Get(M) returns (M);\n}\n"
    if clash and draw(st.booleans()):  # a default naming the clashing value
        fields.append(f"  optional E clashing = 99 [default = E_{names[0]}];")
        twin_fields.append(fields[-1])
    doc = draw(st.sampled_from(["", "/* doc /* nested */\n", "/* a /*/\n", "/*\n * x /* y\n */\n", "// ~ a\n/* b /* c */\n"]))
    source = head + doc + "message M {\n  extensions 100 to 200;\n" + "\n".join(fields) + "\n}\n" + tail
    twin = head + doc + "message M {\n  extensions 100 to 200;\n" + "\n".join(twin_fields) + "\n}\n" + tail
    return source, twin


def _without_comments(proto: object) -> None:
    for loc in proto.source_code_info.location:  # type: ignore[attr-defined]
        for name in ("leading_comments", "trailing_comments", "leading_detached_comments"):
            loc.ClearField(name)


def _comments(proto: object) -> dict[tuple[int, ...], tuple[str, str, list[str]]]:
    return {tuple(loc.path): (loc.leading_comments, loc.trailing_comments, list(loc.leading_detached_comments))
            for loc in proto.source_code_info.location  # type: ignore[attr-defined]
            if loc.leading_comments or loc.trailing_comments or loc.leading_detached_comments}


def _unnested(text: str) -> str:
    """`text` with the '/' of each "/*" inside a block comment made a space (comments cannot hold
    strings in the generated files, so a plain scan finds them)."""
    out, at, inside = [], 0, False
    while at < len(text):
        two = text[at:at + 2]
        if not inside and two == "//":
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            out.append(text[at:end])
            at = end
        elif two == "/*" and inside:
            out.append(" ")  # its '*' may close the comment: `/* a /*/`
            at += 1
        elif two == "/*":
            out.append("/*")
            inside, at = True, at + 2
        elif inside and two == "*/":
            out.append("*/")
            inside, at = False, at + 2
        else:
            out.append(text[at])
            at += 1
    return "".join(out)


def _twin_set(root: Path, twin: str) -> object:
    """protoc's set for the twin, with what it cannot compile put as buf has it: the extension's
    option compiled as `lazy` (protoc refuses `unverified_lazy` on an extension), and the lite file's
    optimize_for (protoc refuses its services) written as SPEED, both moved back by hand."""
    twin_root = root / "twin"
    twin_root.mkdir()
    lazy_at = twin.index("unverified_lazy")
    text = twin[:lazy_at] + "lazy           " + twin[lazy_at + len("unverified_lazy"):]
    text = text.replace("optimize_for = LITE_RUNTIME;", "optimize_for = SPEED       ;")
    # a "/*" inside a block comment: protoc refuses it, the twin has " *" there (comments compared
    # with buf's, not here); the clashing enum value compiled under a fresh name, named back below
    text = _unnested(text)
    clash = re.search(r"\n  (E_\w+) = 99;", text)
    if clash:
        text = text.replace(f"  {clash[1]} = 99;", f"  {'Q' * len(clash[1])} = 99;")
        text = text.replace(f"[default = {clash[1]}]", f"[default = {'Q' * len(clash[1])}]")
    (twin_root / "a.proto").write_text(text)
    fds = _set(twin_root, ["a.proto"])
    for f in fds.file:  # type: ignore[attr-defined]
        if f.name != "a.proto":
            continue
        if "LITE_RUNTIME" in twin:
            f.options.optimize_for = 3
        if clash:
            f.enum_type[0].value[-1].name = clash[1]
            for field in f.message_type[0].field:
                if field.default_value == "Q" * len(clash[1]):
                    field.default_value = clash[1]
        for ext in f.extension:
            if ext.options.lazy:
                ext.options.ClearField("lazy")
                ext.options.unverified_lazy = True
        for loc in f.source_code_info.location:
            if len(loc.path) == 4 and loc.path[0] == 7 and list(loc.path[-2:]) == [8, 5]:
                loc.path[-1] = 15
    return fds


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=lenient_files())
def test_rewritten_compile_is_protocs_set_of_the_twin(tmp_path_factory: pytest.TempPathFactory,
                                                       files: tuple[str, str]) -> None:
    source, twin = files
    root = tmp_path_factory.mktemp("lenient")
    (root / "a.proto").write_text(source)
    ours = _set(root, ["a.proto"])
    want = _twin_set(root, twin)
    mine = {f.name: f for f in ours.file}  # type: ignore[attr-defined]
    for f in want.file:  # type: ignore[attr-defined]
        _without_comments(f)
        _without_comments(mine[f.name])
        assert mine[f.name] == f, f.name
    bare = _set(root, ["a.proto"], source_info=False)
    assert not any(f.HasField("source_code_info") for f in bare.file)  # type: ignore[attr-defined]


@settings(max_examples=max(EXAMPLES // 5, 1), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=lenient_files())
def test_rewritten_compile_is_bufs_image(tmp_path_factory: pytest.TempPathFactory, files: tuple[str, str]) -> None:
    root = tmp_path_factory.mktemp("lenient-buf")
    (root / "a.proto").write_text(files[0])
    image = _buf_image(root, source_info=True)
    assert image is not None, "buf refused a generated file"
    ours = _set(root, ["a.proto"])
    # the top-level elements' comments (where the generator puts nested "/*"); buf and protoc differ
    # on a field's trailing line comment anyway (" t" against " t\n"), whatever the rewrite
    assert {p: c for p, c in _comments(ours.file[-1]).items() if len(p) == 2} == \
        {p: c for p, c in _comments(image.file[-1]).items() if len(p) == 2}  # type: ignore[attr-defined]
    assert _without_source_info(ours) == _without_source_info(image)


# ------------------------------------------------------------------ what buf refuses stays refused

REFUSED = {
    # buf builds it, but its lint and breaking fail: "invalid default: could not parse value for enum"
    "enum default with no such value": {"a.proto": P2 + "enum E { A = 0; B = 3; }\nmessage M { optional E e = 1 [default = 4]; }\n"},
    "enum default as float": {"a.proto": P2 + "enum E { A = 0; B = 3; }\nmessage M { optional E e = 1 [default = 3.0]; }\n"},
    "unverified_lazy on a scalar extension": {"a.proto": P2 + "message M { extensions 10 to 20; }\n"
                                              "extend M { optional int32 e = 10 [unverified_lazy = true]; }\n"},
    "unverified_lazy on a group extension": {"a.proto": P2 + "message M { extensions 10 to 20; }\n"
                                             "extend M { optional group G = 10 [unverified_lazy = true] {} }\n"},
    "a non-lite file imports a lite one with services": {
        "a.proto": P2 + 'import "b.proto";\nmessage M { optional q.R r = 1; }\n',
        "b.proto": 'syntax = "proto2";\npackage q;\noption optimize_for = LITE_RUNTIME;\noption cc_generic_services = true;\n'
                   "message R {}\nservice S { rpc G(R) returns (R); }\n"},
    # both names compiled as letters of their own: the clash is checked on the names put back
    "proto3 json_names in brackets alike": {"a.proto": 'syntax = "proto3";\npackage p;\nmessage M {\n'
                                            '  int32 a = 1 [json_name = "[x]"];\n  int32 b = 2 [json_name = "\\x5bx]"];\n}\n'},
    "a lite file with services and a syntax error after": {
        "a.proto": P2 + "option optimize_for = LITE_RUNTIME;\noption cc_generic_services = true;\nmessage R {}\n"
                   "service S { rpc G(R) returns (R); }\nmessage Broken { optional int32 x = ; }\n"},
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_buf_refuses_stays_a_compile_error(case: str, tmp_path: Path) -> None:
    for name, text in REFUSED[case].items():
        (tmp_path / name).write_text(text)
    result = compile_protos(tmp_path, sorted(REFUSED[case]))
    assert not result.ok and result.findings
    # protoc's words on the source, never on a rewrite of it
    assert not any("SPEED" in f.message or '"lazy"' in f.message for f in result.findings)


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_buf_refuses_them_too(case: str, tmp_path: Path) -> None:
    for name, text in REFUSED[case].items():
        (tmp_path / name).write_text(text)
    assert _buf_lint_fails(tmp_path)


def test_a_big_tree_compiled_in_a_forked_child_is_rewritten_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.breaking import inputs

    monkeypatch.setattr(inputs, "PARALLEL_MIN_BYTES", 0)
    (tmp_path / "a.proto").write_text(P2 + "enum E { A = 0; B = 3; }\nmessage M { optional E e = 1 [default = 3]; }\n")
    side = inputs.Side("s", "s", proto_root=tmp_path)
    inputs.compile_sides(side)
    assert not side.findings and side.fds is not None
    assert side.fds.file[-1].message_type[0].field[0].default_value == "B"


def test_a_clean_compile_never_takes_the_rewrite_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.contracts import buf_leniency

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("the rewrite path ran for a file protoc accepts")

    monkeypatch.setattr(buf_leniency, "may_recover", fail)
    (tmp_path / "a.proto").write_text(P2 + "enum E { A = 0; B = 3; }\nmessage M { optional E e = 1 [default = B]; }\n")
    assert compile_protos(tmp_path, ["a.proto"]).ok


@pytest.mark.parametrize("options", ['json_name = "[x]"', "deprecated = true, json_name = '[a.b]'",
                                     'json_name\t=  "[]", deprecated = true', 'json_name = "[[x]]"',
                                     # escapes, a NUL ("json_name cannot have embedded null characters.")
                                     'json_name = "[\\x41]"', 'json_name = "\\x5bq\\135"', "json_name = '[a' \"b]\"",
                                     'json_name = "a\\0b"', 'deprecated = true, json_name = "\\000"',
                                     'json_name = "[\\u00e9]"', 'json_name = "x\\0"  "y"'])
@pytest.mark.parametrize("syntax", ["proto2", "proto3"])
def test_a_json_name_in_brackets_is_bufs_image(options: str, syntax: str, tmp_path: Path) -> None:
    label = "optional " if syntax == "proto2" else ""
    (tmp_path / "a.proto").write_text(f'syntax = "{syntax}";\npackage p;\nmessage M {{\n  {label}int32 e = 1 [{options}];\n'
                                      f'  {label}int32 f = 2 [json_name = "[f]"];\n}}\n')
    image = _buf_image(tmp_path)
    assert image is not None
    assert _without_source_info(_set(tmp_path, ["a.proto"])) == _without_source_info(image)


@pytest.mark.parametrize("text", ["// a\x00b\nmessage M {}\n", "/* c\x00d \x00 */\nmessage M {}\n// e\x00\nmessage N {}\n",
                                  "message M {\n  // \x00\x00\n  optional int32 f = 1;\n  /* \x00 */\n}\n"])
def test_a_nul_in_a_comment_is_bufs_image_comments_and_all(text: str, tmp_path: Path) -> None:
    (tmp_path / "a.proto").write_text(P2 + text)
    image = _buf_image(tmp_path, source_info=True)
    assert image is not None
    ours = _set(tmp_path, ["a.proto"])
    assert _comments(ours.file[-1]) == _comments(image.file[-1])  # type: ignore[attr-defined]
    assert _without_source_info(ours) == _without_source_info(image)


def test_a_nul_outside_comments_stays_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.proto").write_text(P2 + "message M {}\x00\n")
    (tmp_path / "b.proto").write_text(P2.replace("p;", "q;") + 'message N { optional string s = 1 [default = "a\x00"]; }\n')
    assert _buf_lint_fails(tmp_path)
    for name in ("a.proto", "b.proto"):
        assert not compile_protos(tmp_path, [name]).ok


# ------------------------------------------------------------------ differences left (found by probing)

DESC = 'import "google/protobuf/descriptor.proto";\n'
# buf builds, lints and compares these; protoc refuses them and no rewrite covers them yet
STILL_REFUSED = {
    # in a message literal, protoc wants a closed enum's value to be one of its values; buf any int32
    "a literal's closed enum given a number no value has": P2 + DESC + "enum E { A = 0; B = 1; }\n"
    "message O { optional E e = 1; }\nextend google.protobuf.FileOptions { optional O x = 50000; }\noption (x) = { e: 7 };\n",
    # in a message literal, protoc refuses a message field set twice; buf merges the two
    "a literal's message field set twice": P2 + DESC + "message O { optional O o = 1; optional int32 i = 2; }\n"
    "extend google.protobuf.FileOptions { optional O x = 50000; }\noption (x) = { o { i: 1 } o { } };\n",
}
# buf refuses these (compile errors, exit 100); protoc builds them, so we report findings (what
# workbench.contracts.buf_compile_checks refuses is in tests/buf_compile_refusals instead)
STILL_ACCEPTED: dict[str, str] = {}


def _we_refuse(root: Path) -> bool:
    """Our compile of the module at `root` fails: protoc, or the checks after it (`buf_refusals`)."""
    from workbench.breaking import inputs

    side = inputs.Side("s", "s", proto_root=root)
    inputs.compile_sides(side)
    return bool(side.findings)


@pytest.mark.parametrize("case", sorted(STILL_REFUSED))
def test_known_protos_buf_accepts_and_we_refuse(case: str, tmp_path: Path) -> None:
    """The differences left, pinned: a case that starts to compile belongs with the rewrites above."""
    (tmp_path / "a.proto").write_text(STILL_REFUSED[case])
    assert not _buf_lint_fails(tmp_path), "buf refuses it now: not a difference any more"
    assert _we_refuse(tmp_path), "fixed: test it with the rewrites and drop it here"


@pytest.mark.parametrize("case", sorted(STILL_ACCEPTED) or [pytest.param("", marks=pytest.mark.skip("none left"))])
def test_known_protos_buf_refuses_and_we_accept(case: str, tmp_path: Path) -> None:
    (tmp_path / "a.proto").write_text(STILL_ACCEPTED[case])
    assert _buf_lint_fails(tmp_path), "buf accepts it now: not a difference any more"
    assert not _we_refuse(tmp_path), "fixed: test it with the refusals and drop it here"


# ------------------------------------------------------------------ options buf evaluates and protoc refuses

ENUMS = "enum Color { COLOR_UNSPECIFIED = 0; COLOR_RED = 1; COLOR_BLUE = 2; }\n"
COLOR_OPTIONS = (
    "extend google.protobuf.FileOptions { optional Color fcolor = 50001; repeated Color fcolors = 50002; "
    "optional Wrap fwrap = 50003; }\n"
    "extend google.protobuf.MessageOptions { optional Color mcolor = 50001; }\n"
    "extend google.protobuf.FieldOptions { optional Color color = 50001; repeated Color colors = 50002; }\n"
    "extend google.protobuf.EnumOptions { optional Color ecolor = 50001; }\n"
    "extend google.protobuf.EnumValueOptions { optional Color vcolor = 50001; }\n"
    "extend google.protobuf.ServiceOptions { optional Color scolor = 50001; }\n"
    "extend google.protobuf.MethodOptions { optional Color rcolor = 50001; }\n"
    "extend google.protobuf.OneofOptions { optional Color ocolor = 50001; }\n"
    "message Wrap { optional Color c = 1; repeated Color cs = 2; optional Wrap w = 3; }\n")
# `%s` is the value: a number here, a value's name of the same length in the twin
BY_NUMBER = {
    "every element's custom option": P2 + DESC + ENUMS + COLOR_OPTIONS + (
        "// doc\noption (fcolor) = %s; // trailing\nmessage Msg {\n  option (mcolor) = %s;\n"
        "  oneof o {\n    option (ocolor) = %s;\n    int32 a = 1;\n  }\n  enum In {\n    option (ecolor) = %s;\n"
        "    IN_UNSPECIFIED = 0 [(vcolor) = %s];\n  }\n}\nservice MsgService {\n  option (scolor) = %s;\n"
        "  rpc Get(Msg) returns (Msg) {\n    option (rcolor) = %s;\n  }\n}\n"),
    "in option lists, repeated and nested": P2 + DESC + ENUMS + COLOR_OPTIONS + (
        "message Msg {\n  optional int32 a = 1 [(color) = %s];\n"
        "  optional int32 b = 2 [deprecated = true,\t(color) = %s, (colors) = %s, (colors) = %s];\n"
        "  optional int32 c = 3 [(colors) = %s, deprecated = true, (colors) = COLOR_RED];\n}\n"
        "option (fwrap).w.c = %s;\noption (fwrap).cs = %s;\noption (fwrap).cs = COLOR_RED;\noption (fcolors) = %s;\n"),
}


def _twin_locations(root: Path, text: str) -> list[tuple[list[int], list[int]]]:
    (root / "a.proto").write_text(text)
    f = _set(root, ["a.proto"]).file[-1]  # type: ignore[attr-defined]
    return [(list(loc.path), list(loc.span)) for loc in f.source_code_info.location]


@pytest.mark.parametrize("case", sorted(BY_NUMBER))
@pytest.mark.parametrize("number", ["1", "2", "0"])
def test_an_enum_option_by_number_is_protocs_set_of_the_twin(case: str, number: str, tmp_path: Path) -> None:
    """The set has the value and protoc's locations (the twin names the value); the statement's
    comments are dropped (neither lint nor breaking reads an option's)."""
    # the values named with one letter, so that a value's name is as long as its number
    text = BY_NUMBER[case].replace("COLOR_UNSPECIFIED", "Z").replace("COLOR_RED", "R").replace("COLOR_BLUE", "B")
    count = text.count("%s")
    (tmp_path / "n").mkdir()
    (tmp_path / "t").mkdir()
    ours = _twin_locations(tmp_path / "n", text % ((number,) * count))
    assert ours == _twin_locations(tmp_path / "t", text % (({"0": "Z", "1": "R", "2": "B"}[number],) * count))


@pytest.mark.parametrize("text", [
    BY_NUMBER["every element's custom option"] % (("-1",) * 7),
    BY_NUMBER["in option lists, repeated and nested"] % (("0x2",) * 8),
    P2 + "option optimize_for = 3;\nmessage M { optional string s = 1 [ctype = 1]; optional int64 i = 2 [jstype = 2]; }\n",
    P2 + "option optimize_for = 9;\nmessage M {}\nservice S { rpc G(M) returns (M) { option idempotency_level = 1; } }\n",
    'edition = "2023";\npackage p;\noption features.field_presence = 2;\nmessage M { int32 a = 1 [features.field_presence = 3]; }\n'
    "enum E { option features.enum_type = 1; E_UNSPECIFIED = 0; }\n",
    P2 + DESC + "extend google.protobuf.FieldOptions { optional int32 r = 50001 [retention = 1, targets = 4, targets = 1]; }\n",
])
def test_an_enum_option_by_number_is_bufs_image(text: str, tmp_path: Path) -> None:
    (tmp_path / "a.proto").write_text(text)
    image = _buf_image(tmp_path)
    assert image is not None
    ours = _set(tmp_path, ["a.proto"], source_info=False)
    assert _without_source_info(ours) == _without_source_info(image)
    # custom options are unknown fields either side: the same ones, in any order
    mine = {f.name: f for f in ours.file}  # type: ignore[attr-defined]
    for f in image.file:  # type: ignore[attr-defined]
        if not f.name.startswith("google/"):  # buf's own descriptor.proto is newer than protoc's
            assert sorted(_options(f)) == sorted(_options(mine[f.name])), f.name


def _options(proto: object) -> list[list[bytes]]:
    """Every element's options: the records of each, serialized (unknown fields included), in any order."""
    out = []

    def walk(node: object) -> None:
        for field, value in node.ListFields():  # type: ignore[attr-defined]
            if field.name == "options":
                out.append(sorted(_records(value.SerializeToString(deterministic=True))))
            elif field.message_type is not None and field.name != "source_code_info":
                for item in (value if field.is_repeated else [value]):
                    walk(item)
    walk(proto)
    return out


def _records(data: bytes) -> list[bytes]:
    """The records of a serialized message, each as written."""
    out = []
    at = 0

    def varint() -> int:
        nonlocal at
        value = shift = 0
        while True:
            value |= (data[at] & 0x7F) << shift
            shift += 7
            at += 1
            if data[at - 1] < 0x80:
                return value

    while at < len(data):
        start = at
        wire = varint() & 7
        if wire == 0:
            varint()
        elif wire == 2:
            size = varint()
            at += size
        else:
            at += 8 if wire == 1 else 4
        out.append(data[start:at])
    return out


@pytest.mark.parametrize("feature", ["field_presence = EXPLICIT", "enum_type = CLOSED", "json_format = LEGACY_BEST_EFFORT",
                                     "utf8_validation = NONE", "message_encoding = DELIMITED",
                                     "repeated_field_encoding = EXPANDED", "field_presence = 1"])
def test_a_feature_on_a_service_method_or_extension_range_is_bufs_image(feature: str, tmp_path: Path) -> None:
    # (no `verification = UNVERIFIED` with it: protoc leaves that out of a range's options, buf keeps it)
    (tmp_path / "a.proto").write_text(
        'edition = "2023";\npackage p;\nmessage M {\n  extensions 10 to 20, 30 to max '
        f"[features.{feature}];\n  extensions 21 [features.{feature}];\n}}\n"
        f"// s\nservice S {{\n  // o\n  option features.{feature};\n  option deprecated = true;\n"
        f"  rpc G(M) returns (M) {{ option features.{feature}; option idempotency_level = NO_SIDE_EFFECTS; }}\n"
        f"  rpc H(M) returns (M) {{\toption features.{feature}; }}\n}}\n")
    image = _buf_image(tmp_path)
    assert image is not None
    assert _without_source_info(_set(tmp_path, ["a.proto"], source_info=False)) == _without_source_info(image)


@pytest.mark.parametrize("text", [
    'edition = "2023";\npackage p;\noption features.field_presence = 0;\n',  # buf: "must resolve to a known value"
    P2 + "option optimize_for = 4294967296;\n",  # buf: "literal out of range for `int32`"
])
def test_an_enum_option_by_number_buf_refuses_stays_refused(text: str, tmp_path: Path) -> None:
    (tmp_path / "a.proto").write_text(text)
    assert _buf_lint_fails(tmp_path)
    assert _we_refuse(tmp_path)


@st.composite
def enum_option_files(draw: st.DrawFn) -> tuple[str, str]:
    """(source, twin): enum-typed options given by number on every kind of element, as statements
    or in `[...]` lists among other options, repeated and nested; the twin names each value (the
    enum's values are named with as many characters as the numbers have)."""
    numbers = ["0", "1", "2"]
    names = {"0": "Z", "1": "R", "2": "B"}
    picks: list[str] = []

    def number() -> str:
        picks.append(draw(st.sampled_from(numbers)))
        return "%s"

    def field_options() -> str:
        opts = draw(st.lists(st.sampled_from(["deprecated = true", "(color)", "(colors)", "(colors) ", "jstype = JS_NORMAL"]),
                             max_size=4, unique=True))
        written = [o if not o.startswith("(") else f"{o.strip()} = {number()}" for o in opts]
        sep = draw(st.sampled_from([", ", ",", ",\n    ", ",\t"]))
        return f" [{sep.join(written)}]" if written else ""

    space = st.sampled_from(["", "  // c\n", "  /* d */\n", "\n"])
    lines = [P2 + DESC + "enum Color { Z = 0; R = 1; B = 2; }\n" + COLOR_OPTIONS.replace("COLOR_", "")]
    kinds = draw(st.lists(st.sampled_from(["(fcolor)", "(fcolors)", "(fwrap).c", "(fwrap).w.cs", "(fwrap).cs"]),
                          max_size=3, unique=True))
    for kind in kinds:
        lines.append(f"{draw(space)}option {kind} = {number()};")
    fields = [f"  optional int32 f{n} = {n + 1}{field_options()};" for n in range(draw(st.integers(1, 3)))]
    message = [f"{draw(space)}  option (mcolor) = {number()};"] if draw(st.booleans()) else []
    lines.append("message Msg {\n" + "\n".join(message + fields) + "\n}")
    if draw(st.booleans()):
        value_opts = f" [(vcolor) = {number()}]" if draw(st.booleans()) else ""
        enum_opt = f"  option (ecolor) = {number()};\n" if draw(st.booleans()) else ""
        lines.append(f"enum En {{\n{enum_opt}  EN_UNSPECIFIED = 0{value_opts};\n}}")
    if draw(st.booleans()):
        rpc = f" {{ option (rcolor) = {number()}; }}" if draw(st.booleans()) else ";"
        lines.append(f"service S {{\n  option (scolor) = {number()};\n  rpc G(Msg) returns (Msg){rpc}\n}}")
    text = "\n".join(lines) + "\n"
    return text % tuple(picks), text % tuple(names[p] for p in picks)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=enum_option_files())
def test_enum_options_by_number_are_protocs_set_of_the_twin(tmp_path_factory: pytest.TempPathFactory,
                                                            files: tuple[str, str]) -> None:
    root = tmp_path_factory.mktemp("by-number")
    (root / "n").mkdir()
    (root / "t").mkdir()
    source, twin = files
    if source == twin:
        return
    assert _twin_locations(root / "n", source) == _twin_locations(root / "t", twin), source
    (root / "n" / "a.proto").write_text(source)
    (root / "t" / "a.proto").write_text(twin)
    mine, theirs = _set(root / "n", ["a.proto"], False), _set(root / "t", ["a.proto"], False)
    # the values, read with the set's own types (protoc merges a message option's settings in one record)
    assert _option_values(theirs, mine) == _option_values(theirs, theirs)


def _option_values(types: object, fds: object) -> list[str]:
    from google.protobuf import descriptor_pool, message_factory, text_format

    pool = descriptor_pool.DescriptorPool()
    for f in types.file:  # type: ignore[attr-defined]
        pool.AddSerializedFile(f.SerializeToString())
    out = []
    for options in _options_messages(fds.file[-1]):  # type: ignore[attr-defined]
        cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(options.DESCRIPTOR.full_name))
        out.append(text_format.MessageToString(cls.FromString(options.SerializeToString())))
    return out


def _options_messages(proto: object) -> list[object]:
    out = []

    def walk(node: object) -> None:
        for field, value in node.ListFields():  # type: ignore[attr-defined]
            if field.name == "options":
                out.append(value)
            elif field.message_type is not None and field.name != "source_code_info":
                for item in (value if field.is_repeated else [value]):
                    walk(item)
    walk(proto)
    return out


DECLARED = P2 + ('message M {\n  extensions 10 to 20 [declaration = {number: 10, full_name: ".p.N.x", type: ".p.M", repeated: true},\n'
                 '    declaration = {number: 15, reserved: true}];\n'
                 '  extensions 30 to 40 [declaration = {number: 30, full_name: ".p.z", type: "string"}];\n}\n'
                 "message N { extend M { repeated M x = 10; optional int32 w = 12; } }\n")


@pytest.mark.parametrize("extensions", ["optional string z = 30; optional bytes q = 31;", "optional bytes q = 39;"])
def test_an_extension_number_no_declaration_names_compiles(extensions: str, tmp_path: Path) -> None:
    """buf takes an extension whose number a range with declarations leaves out (protoc: "Missing
    extension declaration"); the declarations themselves are source-retention options protoc leaves
    out of its sets, with them or without."""
    (tmp_path / "a.proto").write_text(DECLARED + f"extend M {{ {extensions} }}\n")
    assert not _buf_lint_fails(tmp_path)
    assert not _we_refuse(tmp_path)
    fds = _set(tmp_path, ["a.proto"], source_info=False)
    assert all(not r.HasField("options") for r in fds.file[-1].message_type[0].extension_range)  # type: ignore[attr-defined]


@pytest.mark.parametrize("extension", ["optional int32 z = 30;", "repeated string z = 30;", "optional string y = 30;",
                                       "optional int32 r = 15;"])
def test_a_declared_extension_buf_refuses_stays_refused(extension: str, tmp_path: Path) -> None:
    """With an undeclared number beside it (compiled with the declarations away), a declared one of
    another name, type or repetition, or a reserved number, is refused as buf refuses it."""
    (tmp_path / "a.proto").write_text(DECLARED + f"extend M {{ {extension} optional int32 free = 35; }}\n")
    assert _buf_lint_fails(tmp_path)
    assert _we_refuse(tmp_path)
