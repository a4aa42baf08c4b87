"""Compile errors with `--error-format`: buf's forms on stdout, as `buf lint`/`buf breaking` print them.

buf prints its compiler's errors as `COMPILE` lines in the requested format on stdout (exit 100); CI
scripts and problem matchers parse them. Ours come from protoc (its words, its first error, no span),
so each of our lines must be one of buf's forms at a line buf reports too, on stdout, exit 2.
Without the flag, `workbench lint` keeps the usage-error form on stderr.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skips import need_tool

from workbench.breaking.bufcli import buf_executable
from workbench.cli.main import main

EXAMPLES = int(os.environ.get("WB_BREAKING_EXAMPLES", "25"))
BROKEN = 'syntax = "proto3";\npackage p;\nmessage M {\n  int32 x = ;\n}\n'
GOOD = 'syntax = "proto3";\npackage p;\nmessage M {\n  int32 x = 1;\n}\n'
MESSAGE_SET = 'syntax = "proto2";\npackage p;\nmessage M {\n  option message_set_wire_format = true;\n  extensions 4 to max;\n}\n'
FORMS = {
    "text": re.compile(r"^a\.proto:(\d+):(\d+):.+$"),
    "msvs": re.compile(r"^a\.proto\((\d+),(\d+)\) : error COMPILE : .+$"),
    "github-actions": re.compile(r"^::error file=a\.proto,line=(\d+),col=(\d+),endLine=\d+,endColumn=\d+::.+$"),
}


def _module(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "buf.yaml").write_text("version: v2\n")
    (root / "a.proto").write_text(text)
    return root


def _ours(cwd: Path, args: list[str], monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def _bufs(cwd: Path, args: list[str]) -> tuple[int, str, str]:
    exe = buf_executable()
    need_tool(exe, "buf-bin is not installed: pip install -e '.[test]'")
    done = subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    return done.returncode, done.stdout, done.stderr


def _lines_at(out: str, fmt: str) -> set[int]:
    """The lines the errors of `out` name, each checked to be in the format's form."""
    at = set()
    for line in out.splitlines():
        if fmt == "json":
            entry = json.loads(line)
            assert list(entry) == ["path", "start_line", "start_column", "end_line", "end_column", "type", "message"]
            assert entry["path"] == "a.proto" and entry["type"] == "COMPILE" and entry["message"]
            at.add(entry["start_line"])
        else:
            match = FORMS[fmt].match(line)
            assert match, line
            at.add(int(match[1]))
    return at


@pytest.mark.parametrize("fmt", ["json", "text", "msvs", "github-actions"])
@pytest.mark.parametrize("command", ["lint", "breaking"])
def test_compile_errors_in_bufs_format_on_stdout(command: str, fmt: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _module(tmp_path / "before", GOOD)
    here = _module(tmp_path / "after", BROKEN)
    args = [command, "--error-format", fmt] + (["--against", "../before"] if command == "breaking" else [])
    buf_code, buf_out, buf_err = _bufs(here, args)
    assert buf_code == 100 and buf_out and not buf_err
    code, out, err = _ours(here, args, monkeypatch, capsys)
    assert code == 2 and out and not err
    assert _lines_at(out, fmt) <= _lines_at(buf_out, fmt)


def test_the_against_sides_errors_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """buf names the against directory's file from the current directory (`../before/a.proto`)."""
    _module(tmp_path / "before", GOOD.replace("int32 x", "Missing x"))
    here = _module(tmp_path / "after", GOOD)
    args = ["breaking", "--against", "../before", "--error-format", "json"]
    code, out, err = _ours(here, args, monkeypatch, capsys)
    assert code == 2 and not err
    assert out == _bufs(here, args)[1]
    assert json.loads(out)["path"] == "../before/a.proto"


def test_without_the_flag_lint_keeps_the_usage_error_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _ours(_module(tmp_path, BROKEN), ["lint"], monkeypatch, capsys)
    assert code == 2 and not out
    assert re.match(r"a\.proto:4:\d+: error: .+ \[PROTO_COMPILE\]$", err.strip())


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_refusal_at_no_line_is_bufs_failure_on_stderr(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    here = _module(tmp_path, MESSAGE_SET)
    buf_code, buf_out, buf_err = _bufs(here, ["lint", "--error-format", fmt])
    assert buf_code != 0 and not buf_out and "MessageSet" in buf_err
    code, out, err = _ours(here, ["lint", "--error-format", fmt], monkeypatch, capsys)
    assert code == 2 and not out and "MessageSet" in err


# ------------------------------------------------------------------ what buf's compiler refuses and protoc builds

REFUSALS = Path(__file__).parent / "buf_compile_refusals"


def _without_ends(text: str) -> list[dict[str, object]]:
    """buf's JSON lines without the ends (protoc reports no span; ours end where they start)."""
    out = []
    for line in text.splitlines():
        entry = json.loads(line)
        del entry["end_line"], entry["end_column"]
        out.append(entry)
    return out


def _copy(case: str, tmp_path: Path) -> Path:
    import shutil

    here = tmp_path / case
    shutil.copytree(REFUSALS / case, here, ignore=shutil.ignore_patterns("expected.jsonl"))
    return here


@pytest.mark.parametrize("case", sorted(p.name for p in REFUSALS.iterdir()))
def test_what_bufs_compiler_refuses_is_refused_at_bufs_places(case: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Each of our errors is one of buf's (line, column, words); for these checks of ours, all of them
    but what buf reports after the first error of a file it cannot parse (an unknown edition)."""
    want = _without_ends((REFUSALS / case / "expected.jsonl").read_text())
    code, out, err = _ours(_copy(case, tmp_path), ["lint", "--error-format", "json"], monkeypatch, capsys)
    assert code == 2 and not err
    got = _without_ends(out)
    assert got and all(entry in want for entry in got)
    if case != "unstable_edition":
        assert got == want


@pytest.mark.parametrize("case", sorted(p.name for p in REFUSALS.iterdir()))
def test_buf_still_refuses_them_so(case: str, tmp_path: Path) -> None:
    code, out, _ = _bufs(_copy(case, tmp_path), ["lint", "--error-format", "json"])
    assert code == 100 and out == (REFUSALS / case / "expected.jsonl").read_text()


# ------------------------------------------------------------------ a generator of such files

TYPES = ["int32", "int64", "uint32", "uint64", "sint64", "fixed64", "sfixed64", "string", "bytes", "bool", "double",
         "E", "M", "map<string, int64>"]
OPTIONS = ["jstype = JS_NORMAL", "jstype = JS_STRING", "ctype = CORD", "ctype = STRING_PIECE", "ctype = STRING",
           "deprecated = true", 'json_name = "fooBar"', 'json_name = "x"', 'json_name = "[x]"']


@st.composite
def refusable_files(draw: st.DrawFn) -> str:
    """A file of fields with jstype/ctype/json_name options, JSON-name clashes and reserved names, in
    proto2, proto3 or edition 2023, for buf to refuse or not."""
    syntax = draw(st.sampled_from(['syntax = "proto2";', 'syntax = "proto3";', 'edition = "2023";']))
    proto2 = "proto2" in syntax
    lines = [syntax, "package p;", "enum E { E_ZERO = 0; }"]
    body = []
    if draw(st.booleans()):
        body.append("option deprecated_legacy_json_field_conflicts = true;")
    names = draw(st.lists(st.sampled_from(["foo_bar", "fooBar", "FooBar", "x", "a", "b_c", "bC"]), min_size=1,
                          max_size=4, unique=True))
    for number, name in enumerate(names, 1):
        kind = draw(st.sampled_from(TYPES))
        opts = draw(st.lists(st.sampled_from(OPTIONS), max_size=2, unique_by=lambda o: o.split(" ")[0]))
        label = "repeated " if draw(st.integers(0, 4)) == 0 and not kind.startswith("map") else \
            ("optional " if proto2 and not kind.startswith("map") else "")
        body.append(f"{label}{kind} {name} = {number}" + (f" [{', '.join(opts)}]" if opts else "") + ";")
    reserved = draw(st.lists(st.sampled_from(["ok", "1a", "b.c", "_z"]), max_size=2, unique=True))
    if reserved and "edition" not in syntax:  # (an editions file reserves identifiers, not strings)
        body.append("reserved " + ", ".join(f'"{r}"' for r in reserved) + ";")
    if draw(st.booleans()):
        body.append("extensions 100 to 200;" if "proto3" not in syntax else "")
    lines.append("message M {\n  " + "\n  ".join(b for b in body if b) + "\n}")
    if "extensions 100 to 200;" in body:
        kind = draw(st.sampled_from(["string", "bytes", "int32", "uint64"]))
        opt = draw(st.sampled_from(["ctype = CORD", "jstype = JS_NORMAL", "deprecated = true"]))
        lines.append(f"extend M {{\n  {'optional ' if proto2 else ''}{kind} ext = 100 [{opt}];\n}}")
    return "\n".join(lines) + "\n"


@st.composite
def literal_files(draw: st.DrawFn) -> str:
    """A proto2 file with message literals in options: bools given as numbers or words, groups named
    by field or type name, `#` comments of words and numbers, nested and repeated, for buf to refuse
    or not (protoc takes them all)."""
    space = st.sampled_from([" ", "\t", "\n  ", "  "])

    def value(depth: int, key: str) -> str:
        if key == "b":
            got = f"b:{draw(space)}{draw(st.sampled_from(['true', 'false', 't', 'True', '0', '1', '0x1', '00']))}"
        elif key == "rb":
            items = draw(st.lists(st.sampled_from(["true", "0", "1", "false"]), min_size=1, max_size=3))
            got = f"rb: [{', '.join(items)}]"
        elif key == "i":
            got = f"i: {draw(st.sampled_from(['1', '0x2', '-3']))}"
        else:
            inner = fields(depth + 1, 2)
            sep = draw(st.sampled_from([" ", ": "]))
            got = f"{key}{sep}{{ {inner} }}" if key == "o" else f"{key}{sep}< {inner} >"
        if draw(st.integers(0, 5)) == 0:
            words = draw(st.lists(st.sampled_from(["note", "x", "a_b", "12", "B"]), min_size=1, max_size=3))
            got = f"# {' '.join(words)}\n  {got}"
        return got

    def fields(depth: int, most: int) -> str:
        # a message field set twice is merged by buf and refused by protoc (pinned in test_buf_leniency)
        keys = draw(st.lists(st.sampled_from(["b", "rb", "i", "o", "g", "G"] if depth < 2 else ["b", "rb", "i"]),
                             min_size=1 if depth == 0 else 0, max_size=most))
        kept = [k for n, k in enumerate(keys) if k.lower() not in "og" or k.lower() not in [x.lower() for x in keys[:n]]]
        return " ".join(value(depth, key) for key in kept)

    head = ('syntax = "proto2";\npackage p;\nimport "google/protobuf/descriptor.proto";\n'
            "message O { optional bool b = 1; repeated bool rb = 2; optional int32 i = 3; optional O o = 4;\n"
            "  optional group G = 5 { optional bool b = 1; optional int32 i = 2; } }\n"
            "extend google.protobuf.FileOptions { optional O x = 50000; optional O y = 50001; }\n"
            "extend google.protobuf.FieldOptions { optional O fx = 50000; }\n")
    body = [f"option (x) = {{ {fields(0, 3)} }};"]
    if draw(st.booleans()):
        body.append(f"option (y).o = {{ {fields(1, 1)} }};")
    if draw(st.booleans()):
        body.append(f"message M {{ optional int32 a = 1 [deprecated = true, (fx) = {{ {fields(1, 1)} }}]; }}")
    return head + "\n".join(body) + "\n"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=literal_files())
def test_we_refuse_the_literals_buf_refuses_at_its_places(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    _same_refusals(tmp_path_factory, text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=refusable_files())
def test_we_refuse_what_buf_refuses_at_its_places(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    _same_refusals(tmp_path_factory, text)


def _same_refusals(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    """buf fails the lint with COMPILE lines exactly when we exit 2; when protoc built the file (our
    errors are the checks after it), ours are buf's (line, column, words)."""
    from workbench.contracts.proto_compile import compile_protos

    root = _module(tmp_path_factory.mktemp("refusable"), text)
    buf_code, buf_out, _ = _bufs(root, ["lint", "--error-format", "json"])
    want = [e for e in _without_ends(buf_out) if e["type"] == "COMPILE"]
    protoc_ok = compile_protos(root, ["a.proto"]).ok
    with pytest.MonkeyPatch.context() as monkeypatch:
        import io
        import sys

        out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.chdir(root)
        code = main(["lint", "--error-format", "json"])
    assert (code == 2) == bool(want), (text, buf_out, out.getvalue())
    if want and protoc_ok:
        assert _without_ends(out.getvalue()) == want, text


def test_a_tree_compiled_without_source_info_refuses_them_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A big lint tree compiles without source info (locations fetched later for findings): buf's
    refusals are still refused, at no line (on stderr) where the set has none."""
    from workbench.lint import run

    monkeypatch.setattr(run, "LOCATE_LATER_MIN_BYTES", 0)
    code, _, err = _ours(_copy("jstype_normal", tmp_path), ["lint", "--error-format", "json"], monkeypatch, capsys)
    assert code == 2 and "expected 64-bit integer type, found scalar type `int32`" in err
