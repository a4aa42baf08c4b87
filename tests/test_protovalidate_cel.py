"""PROTOVALIDATE's compiled parts: `string.pattern` as Go's regexp reads it, `cel` rules as cel-go does.

tests/lint_cases/protovalidate_cel holds what buf-bin printed over bad and good patterns and
expressions (test_proto_lint.py compares both tools there). Here: Go's own error texts for the
pattern shapes buf-bin was asked about, and fuzzing that nothing typed into a pattern or an
expression crashes the lint (a clear finding or nothing, never a traceback).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.cli.main import main
from workbench.lint.cel_check import DYN, ERROR, INT, STRING, compile_expression
from workbench.lint.go_regexp import go_regexp_error

CASE = Path(__file__).parent / "lint_cases" / "protovalidate_cel"

# (pattern, Go's error after "error parsing regexp: ") as buf-bin printed them; None: Go compiles it
GO_ERRORS = [
    ("^a(?=b)", "invalid or unsupported Perl syntax: `(?=`"),
    ("(?<=a)b", "invalid named capture: `(?<=a)b`"),
    ("(a)\\1", "invalid escape sequence: `\\1`"),
    ("a\\Cb", "invalid escape sequence: `\\C`"),
    ("(?P<year>[0-9]{4})", None),
    ("(?<year>[0-9]{4})", None),
    ("^\\pN+$", None),
    ("a*+", "invalid nested repetition operator: `*+`"),
    ("(ab", "missing closing ): `(ab`"),
    ("ab)", "unexpected ): `ab)`"),
    ("(?i)abc", None),
    ("[z-a]", "invalid character class range: `z-a`"),
    ("a{2,1}", "invalid repeat count: `{2,1}`"),
    ("a{1001}", "invalid repeat count: `{1001}`"),
    ("(a{100}){100}", "invalid repeat count: `{100}`"),
    ("ab\\", "trailing backslash at end of expression: ``"),
    ("\\pX", "invalid character class range: `\\pX`"),
    ("\\p{Letter}\\p{greek}\\p{Old Italic}", None),
    ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
    ("\\x{110000}", "invalid escape sequence: `\\x{110000`"),
    ("a{2}{3}", "invalid nested repetition operator: `{2}{3}`"),
    ("(?--i)", "invalid or unsupported Perl syntax: `(?--`"),
    ("[é-a]", "invalid character class range: `é-a`"),
    ("??", "missing argument to repetition operator: `??`"),
    ("(" * 1200 + ")" * 1200, "expression nests too deeply: `" + "(" * 1200 + ")" * 1200 + "`"),
]


@pytest.mark.parametrize(("pattern", "error"), GO_ERRORS)
def test_go_regexp_errors_are_gos(pattern: str, error: str | None) -> None:
    assert go_regexp_error(pattern) == (None if error is None else f"error parsing regexp: {error}")


def test_the_case_covers_what_buf_reported() -> None:
    """Each pattern finding in the case's expectation is what go_regexp says of that pattern."""
    for line in (CASE / "expected.jsonl").read_text().splitlines():
        finding = json.loads(line)
        if "pattern that fails to compile" in finding["message"]:
            source = (CASE / finding["path"]).read_text().splitlines()[finding["start_line"] - 1]
            assert "error parsing regexp" in finding["message"], source


REGEX_ATOMS = ["a", "(", ")", "(?:", "(?i)", "(?P<n>", "(?<n>", "(?", "|", "*", "+", "?", "{2}", "{1,}", "{3,2}",
               "{1001}", "{", "}", "[", "]", "[^", "-", "^", "$", ".", "\\", "\\d", "\\pL", "\\p{Greek}", "\\p{",
               "\\Q", "\\E", "\\x", "\\x{41}", "\\1", "\\0", "\\C", "[:alpha:]", "[:foo:]", "é", "\\z", "(?-"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(st.sampled_from(REGEX_ATOMS), max_size=12).map("".join)))
def test_any_pattern_gets_an_answer_never_a_crash(pattern: str) -> None:
    error = go_regexp_error(pattern)
    assert error is None or (error.startswith("error parsing regexp: ") and "\n" not in error.split("`")[0])


CEL_ATOMS = ["this", "now", "rule", "1", "1u", "1.5", "'a'", "b'x'", "true", "null", "[", "]", "{", "}", "(", ")",
             ".", ",", ":", "?", "!", "-", "+", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", " in ", "size",
             "has", "all", "x", "exists_one", "matches", "startsWith", "isEmail", "int", "duration", "'", "\"",
             "`", "#", "&", "=", "r'", "'''", "\\", "\n", "nope", "package", "strings", "quote", "[?", " "]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(st.sampled_from(CEL_ATOMS), max_size=14).map("".join)),
       st.sampled_from([INT, STRING, ("list", STRING), ("map", STRING, INT), DYN, ("message", "x.v1.M")]))
def test_any_expression_gets_an_answer_never_a_crash(expression: str, this: tuple) -> None:  # type: ignore[type-arg]
    def fields(name: str) -> dict[str, tuple] | None:  # type: ignore[type-arg]
        return {"name": STRING, "count": INT} if name == "x.v1.M" else None

    result, issues = compile_expression(expression, {"this": this, "now": ("message", "google.protobuf.Timestamp")},
                                        fields)
    assert isinstance(result, tuple)
    assert all(isinstance(i, str) and i for i in issues)


@pytest.mark.parametrize("expression", ["é", "this + é", "a²", "١ + 1", "this.naïve"])
def test_letters_and_digits_outside_ascii_are_token_errors(expression: str) -> None:
    # CEL spells identifiers and numbers in ASCII; a non-ASCII letter once stopped the lexer in place
    result, issues = compile_expression(expression, {"this": INT}, lambda _: None)
    assert result == ERROR and any(i.startswith("token recognition error at: '") for i in issues), issues


def test_deep_nesting_is_an_issue_not_a_crash() -> None:
    result, issues = compile_expression("(" * 5000 + "this" + ")" * 5000, {"this": INT}, lambda _: None)
    assert issues


MODULE = """syntax = "proto3";

package x.v1;

import "buf/validate/validate.proto";

// M.
message M {
  option (buf.validate.message).cel = {id: "m", message: "m", expression: %s};
  string name = 1 [(buf.validate.field).string.pattern = %s, (buf.validate.field).cel = {id: "n", expression: %s}];
  int64 count = 2;
}
"""


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
       st.lists(st.sampled_from(REGEX_ATOMS), max_size=8).map("".join),
       st.lists(st.sampled_from(CEL_ATOMS), max_size=10).map("".join))
def test_lint_over_random_rules_exits_0_or_1_without_a_traceback(
        tmp_path_factory: pytest.TempPathFactory, expression: str, pattern: str, field_expression: str) -> None:
    root = tmp_path_factory.mktemp("m")
    (root / "buf" / "validate").mkdir(parents=True)
    (root / "buf" / "validate" / "validate.proto").write_text((CASE / "buf/validate/validate.proto").read_text())
    (root / "buf.yaml").write_text("version: v2\nlint:\n  use: [PROTOVALIDATE]\n  ignore: [buf]\n")
    (root / "x" / "v1").mkdir(parents=True)
    (root / "x" / "v1" / "m.proto").write_text(MODULE % (json.dumps(expression), json.dumps(pattern),
                                                         json.dumps(field_expression)))
    done = subprocess.run([sys.executable, "-m", "workbench", "lint", "--error-format", "json"], cwd=root,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 1, 2), done.stderr  # 2: protoc refused the file (say, a bad escape)
    # JSON lines end at "\n" only: splitlines() also cuts at U+0085, which a message may quote as it is
    # (buf's Go encoder leaves it unescaped, and so does `workbench lint`; hypothesis found '0\x85')
    for line in filter(None, done.stdout.split("\n")):
        assert json.loads(line)["type"] in ("PROTOVALIDATE", "COMPILE")  # COMPILE: protoc refused the file


PROBE = """
import atexit, runpy, sys


def loaded():
    print(" ".join(sorted(m for m in ("workbench.lint.cel_check", "workbench.lint.go_regexp",
                                      "workbench.lint.protovalidate_cel") if m in sys.modules)), file=sys.stderr)


atexit.register(loaded)  # `workbench lint` ends its process at once (no teardown), atexit handlers first
sys.argv = ["workbench", "lint", "--error-format", "json"]
runpy.run_module("workbench", run_name="__main__")
"""


@pytest.mark.parametrize(("options", "loaded"), [
    ("", ""),
    (' [(buf.validate.field).string.min_len = 1]', ""),
    (' [(buf.validate.field).string.pattern = "^a"]', "workbench.lint.go_regexp"),
    (' [(buf.validate.field).cel = {id: "a", message: "m", expression: "this != \'\'"}]',
     "workbench.lint.cel_check workbench.lint.protovalidate_cel"),
])
def test_the_compilers_load_only_for_files_that_use_them(tmp_path: Path, options: str, loaded: str) -> None:
    (tmp_path / "buf" / "validate").mkdir(parents=True)
    (tmp_path / "buf" / "validate" / "validate.proto").write_text((CASE / "buf/validate/validate.proto").read_text())
    (tmp_path / "buf.yaml").write_text(  # the first file imports validate.proto without using it
        "version: v2\nlint:\n  use: [STANDARD]\n  except: [IMPORT_USED]\n  ignore: [buf]\n")
    (tmp_path / "x" / "v1").mkdir(parents=True)
    (tmp_path / "x" / "v1" / "m.proto").write_text(
        'syntax = "proto3";\n\npackage x.v1;\n\nimport "buf/validate/validate.proto";\n\n'
        f"// M.\nmessage M {{\n  string name = 1{options};\n}}\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=False)
    assert done.stderr.splitlines()[-1:] == [loaded], done.stderr  # the handler ran and printed this
    assert done.stdout == "", done.stdout


def test_a_pattern_finding_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "buf" / "validate").mkdir(parents=True)
    (tmp_path / "buf" / "validate" / "validate.proto").write_text((CASE / "buf/validate/validate.proto").read_text())
    (tmp_path / "buf.yaml").write_text("version: v2\nlint:\n  use: [PROTOVALIDATE]\n  ignore: [buf]\n")
    (tmp_path / "x" / "v1").mkdir(parents=True)
    (tmp_path / "x" / "v1" / "m.proto").write_text(
        'syntax = "proto3";\n\npackage x.v1;\n\nimport "buf/validate/validate.proto";\n\n'
        'message M {\n  string name = 1 [(buf.validate.field).string.pattern = "(?!x)"];\n}\n')
    monkeypatch.chdir(tmp_path)
    assert main(["lint"]) == 1
    out = capsys.readouterr().out
    # what buf-bin 1.75 prints for this module, byte for byte
    assert out.strip() == ("x/v1/m.proto:8:20:Field \"name\" has a (buf.validate.field).string.pattern that fails to "
                           "compile: error parsing regexp: invalid or unsupported Perl syntax: `(?!`.")


# ------------------------------------------------------------ random well-formed expressions, buf-bin as oracle

OPERANDS = {
    "string": ["this.name", "'a'", "this.name.lowerAscii()", "string(this.count)", "this.tags[0]"],
    "int": ["this.count", "1", "this.name.size()", "size(this.tags)", "int(this.ratio)", "-1", "this.counts['a']",
            "this.e", "f.v1.E.E_ONE"],
    "other": ["1u", "this.big", "this.ratio", "1.5", "true", "this.flag", "has(this.inner)", "null", "this.ts", "now",
              "duration('1s')", "this.d", "this.inner", "this.w", "this.opt", "this.tags", "['a']", "[1, 2]",
              "this.counts", "{'a': 1}", "this.any", "this.tags.map(t, t.size())", "this.tags.filter(t, t == 'a')",
              "this.tags.all(t, t != '')", "this.name.matches('^a')", "this.name.isEmail()", "this.ts < now"],
}
BINARY = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", " in "]
METHODS = ["size", "contains", "startsWith", "endsWith", "matches", "isHostname", "isIp", "unique", "charAt",
           "indexOf", "split", "join", "getFullYear", "isNan", "replace", "trim", "nope"]


def _expression(rng: random.Random, depth: int = 0) -> str:
    r = rng.random()
    if depth > 2 or r < 0.3:
        return rng.choice(rng.choice(list(OPERANDS.values())))
    if r < 0.65:
        return f"{_expression(rng, depth + 1)} {rng.choice(BINARY)} {_expression(rng, depth + 1)}"
    if r < 0.8:
        args = ", ".join(_expression(rng, depth + 1) for _ in range(rng.randint(0, 2)))
        return f"{_expression(rng, depth + 1)}.{rng.choice(METHODS)}({args})"
    if r < 0.9:
        return f"{_expression(rng, depth + 1)} ? {_expression(rng, depth + 1)} : {_expression(rng, depth + 1)}"
    return f"!{_expression(rng, depth + 1)}" if rng.random() < 0.5 else f"[{_expression(rng, depth + 1)}]"


RANDOM_MODULE = """syntax = "proto3";
package f.v1;
import "buf/validate/validate.proto";
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
message Inner {
  string label = 1;
}
enum E {
  E_UNSPECIFIED = 0;
  E_ONE = 1;
}
message M {
%s
  string name = 1;
  int64 count = 2;
  uint64 big = 3;
  double ratio = 4;
  bool flag = 5;
  repeated string tags = 6;
  map<string, int32> counts = 7;
  google.protobuf.Timestamp ts = 8;
  google.protobuf.Duration d = 9;
  Inner inner = 10;
  google.protobuf.Int32Value w = 11;
  optional string opt = 12;
  E e = 13;
  google.protobuf.Any any = 14;
}
"""


@pytest.mark.parametrize("seed", [int(s) for s in os.environ.get("CEL_SEEDS", "1 2 3").split()])
def test_random_expressions_match_buf(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """200 well-formed, mostly ill-typed expressions per seed: the same findings as buf-bin, text and place."""
    buf = Path(sys.executable).parent / "buf"
    if not buf.exists():
        pytest.skip("buf (PyPI buf-bin) is not installed: pip install -e '.[test]'")
    rng = random.Random(seed)
    options = "\n".join(f'  option (buf.validate.message).cel = {{id: "e{i}", message: "m", expression: '
                        f'{json.dumps(_expression(rng))}}};' for i in range(200))
    (tmp_path / "buf" / "validate").mkdir(parents=True)
    (tmp_path / "buf" / "validate" / "validate.proto").write_text((CASE / "buf/validate/validate.proto").read_text())
    (tmp_path / "buf.yaml").write_text("version: v2\nlint:\n  use: [PROTOVALIDATE]\n  ignore: [buf]\n")
    (tmp_path / "f" / "v1").mkdir(parents=True)
    (tmp_path / "f" / "v1" / "a.proto").write_text(RANDOM_MODULE % options)
    done = subprocess.run([str(buf), "lint", "--error-format", "json"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode in (0, 100), done.stderr
    monkeypatch.chdir(tmp_path)
    main(["lint", "--error-format", "json"])
    mine = capsys.readouterr().out
    assert sorted(mine.splitlines()) == sorted(done.stdout.splitlines())
