"""Compile errors in buf's compiler's words and spans (`workbench.breaking.compile_words`).

Case folders in tests/compile_word_cases/<case>/ hold a module (buf.yaml and protos) and buf-bin's
`buf lint --error-format json` output for it; ours must be the same lines, nothing on stderr. The
Hypothesis test breaks a generated file once, with a break drawn from the classes claimed exact, and
compares our JSON lines with buf-bin's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skips import need_tool

from workbench.breaking.bufcli import buf_executable
from workbench.cli.main import main

CASES = Path(__file__).parent / "compile_word_cases"
EXAMPLES = int(os.environ.get("WB_BREAKING_EXAMPLES", "25"))


def _ours(cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main(["lint", "--error-format", "json"])
    out = capsys.readouterr()
    return code, out.out, out.err


def _bufs(cwd: Path) -> str:
    exe = buf_executable()
    need_tool(exe, "buf-bin is not installed: pip install -e '.[test]'")
    done = subprocess.run([str(exe), "lint", "--error-format", "json"], cwd=cwd,  # noqa: S603
                          capture_output=True, text=True, check=False)
    assert done.returncode == 100, done.stderr
    return done.stdout


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()))
def test_case(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    here = tmp_path / case
    shutil.copytree(CASES / case, here, ignore=shutil.ignore_patterns("expected.jsonl"))
    code, out, err = _ours(here, monkeypatch, capsys)
    assert (code, err) == (2, "")
    assert out == (CASES / case / "expected.jsonl").read_text()


# ------------------------------------------------------------------ one break per generated file

_names = st.from_regex(r"[A-Z][a-z]{1,6}", fullmatch=True)
_fields = st.from_regex(r"[a-z]{1,6}", fullmatch=True).filter(lambda n: n not in {"required", "optional",
                                                                                  "repeated", "map", "reserved"})
_SCALARS = ("int32", "string", "bool", "bytes", "uint64", "double")


@st.composite
def _broken(draw: st.DrawFn) -> str:
    """A proto3 or proto2 file with one message of distinct fields, one enum and a service, then one
    break."""
    proto3 = draw(st.booleans())
    message = draw(_names)
    enum = draw(_names.filter(lambda n: n != message))
    fields = draw(st.lists(_fields, min_size=2, max_size=5, unique=True))
    types = [draw(st.sampled_from(_SCALARS)) for _ in fields]
    numbers = [str(n) for n in range(1, len(fields) + 1)]
    equals = ["= "] * len(fields)
    prefix = enum.upper()
    values = [f"{prefix}_UNSPECIFIED", f"{prefix}_A", f"{prefix}_B"]
    value_numbers = ["0", "1", "2"]
    extra_message: list[str] = []  # lines inside the message before the fields
    extra_top: list[str] = []  # top-level lines after the header
    header_end = ";"
    package_end = ";"
    close_message = True
    at = draw(st.integers(0, len(fields) - 1))
    kind = draw(st.sampled_from([
        "unknown_type", "import_missing", "self_import", "dup_number", "dup_enum_number", "reserved_number",
        "reserved_name", "enum_first_nonzero", "required", "number_range", "syntax_semicolon",
        "package_semicolon", "field_semicolon", "unmatched_brace", "dup_type", "dup_field_name", "dup_value_name",
        "dup_method", "unknown_nested", "unknown_method_type", "extra_brace", "proto3_group", "proto3_default",
        "proto3_extensions", "alias_unneeded", "value_semicolon", "missing_field_number", "missing_field_name",
        "missing_equals", "missing_value_number", "json_conflict", "second_package", "import_twice", "oneof_label",
        "map_label", "rpc_scalar", "map_key", "unknown_option", "option_value", "unnamed", "proto2_no_label",
        "bad_escape", "big_value", "option_twice", "value_as_type", "range_overlap", "empty_enum", "field_top",
        "enum_as_message", "custom_json", "semicolon_and_unknown"]))
    if not proto3 and kind in ("required", "enum_first_nonzero", "proto3_group", "proto3_default",
                               "proto3_extensions", "missing_field_name", "json_conflict", "custom_json"):
        # all fine in proto2 but the last, where buf reads `optional int32 = 1` as type `optional`
        kind = "dup_number"
    indent = draw(st.sampled_from(["  ", "    ", "\t", " \t"]))  # protoc counts a tab as up to 8 columns
    extra_enum: list[str] = []
    value_end = [";"] * 3
    close_file = ""
    field_end = [";"] * len(fields)
    labels = [""] * len(fields) if proto3 else [draw(st.sampled_from(["optional ", "repeated "])) for _ in fields]
    methods = ["Get", "List"]
    method_types = [message, message]
    if kind == "unknown_type":
        types[at] = draw(_names.filter(lambda n: n not in (message, enum)))
    elif kind == "import_missing":
        extra_top.append(f'import "{draw(_fields)}/missing.proto";')
    elif kind == "self_import":
        extra_top.append('import "a.proto";')
    elif kind == "dup_number":
        other = draw(st.integers(0, len(fields) - 1).filter(lambda i: i != at))
        numbers[at] = numbers[other]
    elif kind == "dup_enum_number":
        value_numbers[2] = "1"
    elif kind == "reserved_number":
        extra_message.append(f"reserved {numbers[at]};")
    elif kind == "reserved_name":
        extra_message.append(f'reserved "{fields[at]}";')
    elif kind == "enum_first_nonzero":
        value_numbers = ["3", "1", "2"]
    elif kind == "required":
        labels[at] = "required "
    elif kind == "number_range":
        numbers[at] = str(draw(st.sampled_from([0, 536870912, 19000, 19999, draw(st.integers(536870912, 2**31 - 1)),
                                                -1])))
    elif kind == "syntax_semicolon":
        header_end = ""
    elif kind == "package_semicolon":
        package_end = ""
    elif kind == "field_semicolon":
        field_end[at] = ""
    elif kind == "unmatched_brace":
        close_message = False
    elif kind == "dup_field_name":
        other = draw(st.integers(0, len(fields) - 1).filter(lambda i: i != at))
        fields[at] = fields[other]
    elif kind == "dup_value_name":
        values[draw(st.sampled_from([1, 2]))] = values[0]
    elif kind == "dup_method":
        methods[1] = methods[0]
    elif kind == "unknown_nested":
        types[at] = f"{message}.{draw(_names)}"
    elif kind == "unknown_method_type":
        method_types[draw(st.integers(0, 1))] = draw(_names.filter(lambda n: n not in (message, enum)))
    elif kind == "extra_brace":
        close_file = "}\n"
    elif kind == "proto3_group":
        extra_message.append("repeated group Grp = 99 {}")
    elif kind == "proto3_default":
        value = {"string": '"x"', "bytes": '"x"', "bool": "true", "double": "-1.5"}.get(types[at], "3")
        field_end[at] = f" [default = {value}];"
    elif kind == "proto3_extensions":
        extra_message.append(draw(st.sampled_from(["extensions 100 to 200;", "extensions 1000;",
                                                   "extensions 500 to max;"])))
    elif kind == "alias_unneeded":
        extra_enum.append("option allow_alias = true;")
    elif kind == "value_semicolon":
        value_end[draw(st.integers(0, 2))] = ""
    elif kind == "missing_field_number":
        numbers[at] = ""
    elif kind == "missing_field_name":
        fields[at] = ""
    elif kind == "missing_equals":
        equals[at] = ""
    elif kind == "missing_value_number":
        value_numbers[draw(st.integers(0, 2))] = ""
    elif kind == "json_conflict":
        extra_message += [f"int32 {fields[at]}_x = 98;", f"int32 {fields[at]}X = 99;"]
    elif kind == "second_package":
        extra_top.append(f"package acme.{draw(_fields)};")
    elif kind == "import_twice":
        extra_top += ['import "google/protobuf/empty.proto";'] * 2
    elif kind == "oneof_label":
        extra_message.append(f"oneof choice {{ {draw(st.sampled_from(['optional', 'repeated']))} int32 pick = 97; }}")
    elif kind == "map_label":
        extra_message.append(f"{draw(st.sampled_from(['optional', 'repeated']))} map<string, int32> pairs = 97;")
    elif kind == "rpc_scalar":
        method_types[draw(st.integers(0, 1))] = draw(st.sampled_from(_SCALARS))
    elif kind == "map_key":
        extra_message.append(f"map<{draw(st.sampled_from(['float', 'double', 'bytes']))}, string> pairs = 97;")
    elif kind == "unknown_option":
        option = f"{draw(_fields)}_opt"
        where = draw(st.sampled_from(["file", "message", "enum", "field", "value"]))
        if where == "file":
            extra_top.append(f"option {option} = true;")
        elif where == "message":
            extra_message.append(f"option {option} = true;")
        elif where == "enum":
            extra_enum.append(f"option {option} = true;")
        elif where == "field":
            field_end[at] = f" [{option} = 1];"
        else:
            value_end[draw(st.integers(0, 2))] = f" [{option} = 1];"
    elif kind == "option_value":
        option, value = draw(st.sampled_from([("java_multiple_files", "3"), ("java_multiple_files", '"yes"'),
                                              ("go_package", "3"), ("go_package", "pkg"), ("optimize_for", "FAST"),
                                              ("deprecated", "-2")]))
        extra_top.append(f"option {option} = {value};")
    elif kind == "proto2_no_label":
        labels[at] = ""  # an error in proto2 only; in proto3 the file is fine: another break then
        if proto3:
            numbers[at] = "0"
        elif draw(st.booleans()):
            types[at] = draw(st.sampled_from([message, f".acme.v1.{message}", enum]))
    elif kind == "unnamed":
        extra_top.append(draw(st.sampled_from(["message {\n  repeated int32 q = 1;\n}", "enum {\n  Q = 0;\n}", "service { }",
                                               "message {}"])))
    elif kind == "bad_escape":
        escape = draw(st.sampled_from(["a\\qb", "a\\xZZ", "\\u12x"]))
        extra_top.append(f'option java_package = "{escape}";')
    elif kind == "big_value":
        value_numbers[draw(st.sampled_from([1, 2]))] = draw(st.sampled_from(["2147483648", "-2147483649"]))
    elif kind == "option_twice":
        extra_top += ['option java_package = "a";', 'option java_package = "b";']
    elif kind == "value_as_type":
        types[at] = draw(st.sampled_from([values[1], "Api"]))
    elif kind == "range_overlap":
        extra_message += draw(st.sampled_from([["reserved 100 to 110;", "reserved 105;"],
                                               ["reserved 100, 101;", "reserved 90 to 100;"]]))
    elif kind == "empty_enum":
        extra_top.append("enum Empty {}")
    elif kind == "field_top":
        # (a proto2 field without a label is one more error there: proto3 only)
        extra_top.append(draw(st.sampled_from(["int32 stray = 1;" if proto3 else "42;", "reserved 5;", "42;"])))
    elif kind == "enum_as_message":
        method_types[draw(st.integers(0, 1))] = enum
    elif kind == "custom_json":
        other = draw(st.integers(0, len(fields) - 1).filter(lambda i: i != at))
        field_end[at] = field_end[other] = ' [json_name = "same"];'
    elif kind == "semicolon_and_unknown":  # a parse and a link error: buf reports both (parse_repair)
        other = draw(st.integers(0, len(fields) - 1).filter(lambda i: i != at))
        field_end[at] = ""
        types[other] = draw(_names.filter(lambda n: n not in (message, enum)))
    elif kind == "dup_type":
        extra_top.append(f"message {draw(st.sampled_from([message, enum]))} {{}}")
    syntax = "proto3" if proto3 else "proto2"
    lines = [f'syntax = "{syntax}"{header_end}', f"package acme.v1{package_end}", *extra_top, f"message {message} {{"]
    lines += [f"{indent}{line}" for line in extra_message]
    lines += [f"{indent}{label}{t} {name} {eq}{number}{end}"
              for label, t, name, eq, number, end in zip(labels, types, fields, equals, numbers, field_end, strict=True)]
    if close_message:
        lines.append("}")
    lines.append(f"enum {enum} {{")
    lines += [f"{indent}{line}" for line in extra_enum]
    lines += [f"{indent}{value} = {number}{end}" for value, number, end in zip(values, value_numbers, value_end,
                                                                              strict=True)]
    lines.append("}")
    if close_message:  # a service inside the message left open is another error (buf's and protoc's differ)
        lines.append("service Api {")
        lines += [f"{indent}rpc {name}({t}) returns ({message});" for name, t in zip(methods, method_types,
                                                                                     strict=True)]
        lines.append("}")
    return "\n".join(lines) + "\n" + close_file


def _in_module(root: Path, text: str) -> Path:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "buf.yaml").write_text("version: v2\n")
    (root / "a.proto").write_text(text)
    return root


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_broken())
def test_generated_breaks_match_buf(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    here = _in_module(tmp_path / "m", text)
    expected = _bufs(here)
    code, out, err = _ours(here, monkeypatch, capsys)
    assert (code, err) == (2, ""), text
    assert out == expected, text


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=_broken(), second=_broken())
def test_two_broken_files_match_buf(first: str, second: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """buf reports every broken file's errors; protoc stops at the first (`every_failure`)."""
    here = _in_module(tmp_path / "m", first)
    (here / "b.proto").write_text(second.replace("acme.v1", "acme.v2").replace('import "a.proto"', 'import "b.proto"'))
    expected = _bufs(here)
    code, out, err = _ours(here, monkeypatch, capsys)
    assert (code, err) == (2, ""), (first, second)
    assert out == expected, (first, second)


def test_a_good_build_never_translates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The translation is imported only when a compile failed (kept out of the success path)."""
    import sys

    here = _in_module(tmp_path / "m", 'syntax = "proto3";\npackage acme.v1;\nmessage M {}\n')
    failure_only = ("workbench.breaking.compile_words", "workbench.breaking.every_failure",
                    "workbench.breaking.parse_repair", "workbench.breaking.compile_literals",
                    "workbench.breaking.compile_statements", "workbench.breaking.compile_dups")
    for name in failure_only:
        sys.modules.pop(name, None)
    _ours(here, monkeypatch, capsys)
    assert not [name for name in failure_only if name in sys.modules]




# ------------------------------------------------------------------ the against side, as buf names it

_UNKNOWN = 'syntax = "proto3";\npackage acme.v1;\nmessage M {\n  %s b = 1;\n}\n'


def _breaking(cwd: Path, against: str, monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    args = ["breaking", "--against", against, "--error-format", "json"]
    exe = buf_executable()
    need_tool(exe, "buf-bin is not installed: pip install -e '.[test]'")
    bufs = subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    monkeypatch.chdir(cwd)
    assert main(args) == 2
    out = capsys.readouterr()
    assert out.err == ""
    return out.out, bufs.stdout


@pytest.mark.parametrize("after", ["int32", "Missing"])
def test_against_directory(after: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    """The against directory's file is named from here; when the input fails too, buf prints only its
    errors (it builds the input first)."""
    _in_module(tmp_path / "before", _UNKNOWN % "Bar")
    here = _in_module(tmp_path / "after", _UNKNOWN % after)
    ours, bufs = _breaking(here, "../before", monkeypatch, capsys)
    assert ours == bufs


def test_against_git_ref_reads_the_commits_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    here = _in_module(tmp_path / "m", _UNKNOWN % "acme.v1.Bar")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    for git in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "broken"]):
        subprocess.run(["git", *git], cwd=here, check=True, env=env)  # noqa: S607
    (here / "a.proto").write_text("// a longer first line, so that the working tree's text would give other spans\n"
                                  + _UNKNOWN % "int32")
    ours, bufs = _breaking(here, ".git#branch=main", monkeypatch, capsys)
    assert ours == bufs


@pytest.mark.parametrize("fmt", ["json", "text", "msvs", "github-actions"])
def test_breaking_reports_every_broken_file(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """`buf breaking` prints the errors of every broken file of the input (protoc stops at the first)."""
    before = _in_module(tmp_path / "before", 'syntax = "proto3";\npackage p;\nmessage A { int32 x = 1; }\n')
    (before / "b.proto").write_text('syntax = "proto3";\npackage p;\nmessage B { int32 x = 1; }\n')
    here = _in_module(tmp_path / "after", 'syntax = "proto3";\npackage p;\nmessage A { Nope x = 1; }\n')
    (here / "b.proto").write_text('syntax = "proto3";\npackage p;\nmessage B { int32 x = 1 }\n')
    args = ["breaking", "--against", "../before", "--error-format", fmt]
    exe = buf_executable()
    need_tool(exe, "buf-bin is not installed: pip install -e '.[test]'")
    bufs = subprocess.run([str(exe), *args], cwd=here, capture_output=True, text=True, check=False)  # noqa: S603
    monkeypatch.chdir(here)
    assert main(args) == 2
    out = capsys.readouterr()
    assert (out.out, out.err) == (bufs.stdout, "")
    assert out.out.count("\n") == 2


def test_cycle_of_two_files_is_one_of_bufs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Pinned: buf-bin reports a cycle of several files in a file it picks at random (b.proto five runs
    in six, a.proto the other); ours is always the file that closes protoc's chain (b.proto)."""
    header = 'syntax = "proto3";\npackage p;\n'
    here = _in_module(tmp_path / "m", header + 'import "b.proto";\n')
    (here / "b.proto").write_text(header + 'import "a.proto";\n')
    code, out, err = _ours(here, monkeypatch, capsys)
    assert (code, err) == (2, "")
    assert out == ('{"path":"b.proto","start_line":3,"start_column":1,"end_line":3,"end_column":18,"type":"COMPILE",'
                   '"message":"detected cyclic import while importing \\"a.proto\\""}\n')
