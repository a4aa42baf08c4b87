"""PROTOVALIDATE: CEL rules and predefined rules evaluated on `example` values, against buf-bin 1.75.

The case folder tests/lint_cases/protovalidate_cel_eval (run by test_proto_lint and test_lint_located)
holds ~250 messages whose rules buf evaluates on examples: cel-go's strings extension, protovalidate's
functions, macros, conversions, escapes, heterogeneous equality, Duration/Timestamp/FieldMask values,
predefined rules of every rules type, and constant conversions or patterns that keep cel-go from planning a
program (buf then checks no example of the field). Here: the expressions that fail at run time on an
example, which stop buf with `Failure: ... runtime error: error evaluating <id>: <error>` (exit 1) and
workbench with the same words after `workbench lint: ` (exit 2); each module has one such field, as the
first failure stops buf. The table is buf-bin's output; `test_buf_still_fails_so` checks it again.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.lint.cel_check import Parser, lex
from workbench.lint.cel_eval import evaluate
from workbench.lint.cel_plan import plan_fails
from workbench.lint.cel_values import CelError, UInt

CASE = Path(__file__).parent / "lint_cases" / "protovalidate_cel_eval"
BUF = Path(__file__).parent.parent / ".venv" / "bin" / "buf"
PREFIX = "Failed with code unknown: unexpected error from protovalidate: runtime error: error evaluating "
EXTENSIONS = """syntax = "proto2";

package p.v1;

import "buf/validate/validate.proto";

extend buf.validate.StringRules {
  optional int32 rt = 47895 [(buf.validate.predefined).cel = {id: "string.rt", message: "rt", expression: "size(this) / rule > 0"}];
}
extend buf.validate.Int32Rules {
  optional int32 mult = 47892 [(buf.validate.predefined).cel = {id: "int32.mult", message: "not multiple", expression: "this % rule == 0"}];
}
"""
# (name, field, what buf prints after "error evaluating "), from buf-bin 1.75
FAILURES = [
    ('all_error_short', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "[0, 1].all(x, 1 / x > 0) || this == \'a\'"}, (buf.validate.field).string = {example: "a", example: "b"}];',
     'r: division by zero'),
    ('bool_conv', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "bool(this)"}, (buf.validate.field).string = {example: "true", example: "f", example: "FALSE", example: "t", example: "1", example: "x"}];',
     "r: type conversion error from 'string' to 'bool'"),
    ('bytes_cel_str', 'bytes f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "string(this) == \'ab\'"}, (buf.validate.field).bytes = {example: "ab", example: "\\xff"}];',
     'r: invalid UTF-8 in bytes, cannot convert to string'),
    ('c_charat', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "\'abc\'.charAt(9) == \'\' || this == \'a\'"}, (buf.validate.field).string = {min_len: 5, example: "a", example: "b"}];',
     'r: index out of range: 9'),
    ('c_div', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "1 / 0 == 1 || this == \'a\'"}, (buf.validate.field).string = {min_len: 5, example: "a", example: "b"}];',
     'r: division by zero'),
    ('c_div_b', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "1 / 0 == 1 && this == \'a\'"}, (buf.validate.field).string = {min_len: 5, example: "a", example: "b"}];',
     'r: division by zero'),
    ('c_idx', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "[1][5] == 1 || this == \'a\'"}, (buf.validate.field).string = {min_len: 5, example: "a", example: "b"}];',
     'r: index out of bounds: 5'),
    ('c_key', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "{\'a\': 1}[\'b\'] == 1 || this == \'a\'"}, (buf.validate.field).string = {min_len: 5, example: "a", example: "b"}];',
     'r: no such key: b'),
    ('c_ovf', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "9223372036854775807 + 1 > 0 || this == \'a\'"}, (buf.validate.field).string = {min_len: 5, example: "a", example: "b"}];',
     'r: integer overflow'),
    ('c_substr', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "\'abc\'.substring(5) == \'\' || this == \'a\'"}, (buf.validate.field).string = {min_len: 5, example: "a", example: "b"}];',
     'r: index out of range: 5'),
    ('ca_neg', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this.charAt(-1) == \'\'"}, (buf.validate.field).string = {example: "ab"}];',
     'r: index out of range: -1'),
    ('charAt_oob', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this.charAt(5) == \'\'"}, (buf.validate.field).string = {example: "ab"}];',
     'r: index out of range: 5'),
    ('double_conv', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "double(this) > 3.5"}, (buf.validate.field).string = {example: "5", example: "1e1", example: "x2"}];',
     "r: type conversion error from 'string' to 'double'"),
    ('double_int_conv', 'double f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "int(this) == 2"}, (buf.validate.field).double = {example: 2.7, example: 1e30, example: nan}];',
     'r: integer overflow'),
    ('dur_conv_err', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "duration(this) > duration(\'1s\')"}, (buf.validate.field).string = {example: "x"}];',
     "r: type conversion error from 'string' to 'google.protobuf.Duration'"),
    ('int_conv_err', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "int(this) > 3"}, (buf.validate.field).string = {example: "x"}];',
     "r: type conversion error from 'string' to 'int'"),
    ('int_div0', 'int64 f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "10 / this > 0"}, (buf.validate.field).int64 = {example: 0}];',
     'r: division by zero'),
    ('int_div_min', 'int64 f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this / -1 > 0"}, (buf.validate.field).int64 = {example: -9223372036854775808}];',
     'r: integer overflow'),
    ('int_mod0', 'int64 f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "10 % this == 0"}, (buf.validate.field).int64 = {example: 0}];',
     'r: modulus by zero'),
    ('int_mod_min', 'int64 f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this % -1 == 0"}, (buf.validate.field).int64 = {example: -9223372036854775808}];',
     'r: integer overflow'),
    ('int_overflow_add', 'int64 f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this + 9223372036854775807 > 0"}, (buf.validate.field).int64 = {example: 1, example: 0}];',
     'r: integer overflow'),
    ('int_overflow_mul', 'int64 f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this * 9223372036854775807 > 0"}, (buf.validate.field).int64 = {example: 2}];',
     'r: integer overflow'),
    ('int_overflow_neg', 'int64 f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "-this > 0"}, (buf.validate.field).int64 = {example: -9223372036854775808}];',
     'r: integer overflow'),
    ('io_neg', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this.indexOf(\'b\', -1) == -1"}, (buf.validate.field).string = {example: "ab"}];',
     'r: index out of range: -1'),
    ('lio_neg', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this.lastIndexOf(\'b\', -1) == -1"}, (buf.validate.field).string = {example: "ab"}];',
     'r: index out of range: -1'),
    ('list_index_oob', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "[1, 2][size(this)] == 2"}, (buf.validate.field).string = {example: "a", example: "aaa"}];',
     'r: index out of bounds: 3'),
    ('list_neg_index', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "[1, 2][-1] == 2 || this == \'\'"}, (buf.validate.field).string = {example: "a"}];',
     'r: index out of bounds: -1'),
    ('map_int_key', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "{1: \'x\'}[size(this)] == \'x\'"}, (buf.validate.field).string = {example: "a", example: "ab"}];',
     'r: no such key: 2'),
    ('map_key_missing', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "{\'a\': 1}[this] == 1"}, (buf.validate.field).string = {example: "a", example: "b"}];',
     'r: no such key: b'),
    ('or_error2', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this == \'a\' || 1 / 0 == 1"}, (buf.validate.field).string = {example: "a", example: "b"}];',
     'r: division by zero'),
    ('pd_int_mult0', 'int32 f1 = 1 [(buf.validate.field).int32 = {[p.v1.mult]: 0, example: 3}];',
     'int32.mult: modulus by zero'),
    ('format_dyn', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "\'%d\'.format([dyn(this)]) == \'\'"}, (buf.validate.field).string = {example: "ab"}];',
     'r: error during formatting: decimal clause can only be used on ints, uints, and doubles, was given string'),
    ('pd_str_rt', 'string f1 = 1 [(buf.validate.field).string = {[p.v1.rt]: 0, example: "x"}];',
     'string.rt: division by zero'),
    ('sub_end_big', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this.substring(1, 5) == \'\'"}, (buf.validate.field).string = {example: "ab"}];',
     'r: index out of range: 5'),
    ('sub_neg', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this.substring(-1) == \'\'"}, (buf.validate.field).string = {example: "ab"}];',
     'r: index out of range: -1'),
    ('sub_neg_end', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this.substring(1, 0) == \'\'"}, (buf.validate.field).string = {example: "ab"}];',
     'r: invalid substring range. start: 1, end: 0'),
    ('substring_bad', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this.substring(2, 1) == \'\'"}, (buf.validate.field).string = {example: "abc"}];',
     'r: invalid substring range. start: 2, end: 1'),
    ('substring_oob', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "this.substring(5) == \'\'"}, (buf.validate.field).string = {example: "ab"}];',
     'r: index out of range: 5'),
    ('ts_conv_err', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "timestamp(this) > timestamp(\'2000-01-01T00:00:00Z\')"}, (buf.validate.field).string = {example: "x"}];',
     'r: invalid RFC 3339 timestamp "x"'),
    ('uint_conv_neg', 'int64 f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "uint(this) > 0u"}, (buf.validate.field).int64 = {example: -3}];',
     'r: unsigned integer overflow'),
    ('uint_neg', 'string f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "uint(this) > 3u"}, (buf.validate.field).string = {example: "-1"}];',
     "r: type conversion error from 'string' to 'uint'"),
    ('uint_sub', 'int64 f1 = 1 [(buf.validate.field).cel = {id: "r", message: "m", expression: "uint(this) - 5u > 0u"}, (buf.validate.field).int64 = {example: 3, example: 10}];',
     'r: unsigned integer overflow'),
    ('pd_str_rt', 'string f1 = 1 [(buf.validate.field).string = {[p.v1.rt]: 0, example: "x"}];',
     'string.rt: division by zero'),
    ('pd_int_mult0', 'int32 f1 = 1 [(buf.validate.field).int32 = {[p.v1.mult]: 0, example: 3}];',
     'int32.mult: modulus by zero'),
]


def _module(root: Path, field: str) -> Path:
    (root / "buf" / "validate").mkdir(parents=True)
    (root / "buf" / "validate" / "validate.proto").write_text((CASE / "buf/validate/validate.proto").read_text())
    (root / "buf.yaml").write_text("version: v2\nlint:\n  use: [PROTOVALIDATE]\n  ignore: [buf]\n")
    (root / "p" / "v1").mkdir(parents=True)
    header = (CASE / "p/v1/a.proto").read_text().split("// E.")[0]
    (root / "p" / "v1" / "a.proto").write_text(f"{header}// M.\nmessage M {{\n  {field}\n}}\n")
    (root / "p" / "v1" / "ext.proto").write_text(EXTENSIONS)
    return root


@pytest.mark.parametrize(("name", "field", "error"), FAILURES, ids=[row[0] for row in FAILURES])
def test_a_runtime_error_stops_the_run_in_bufs_words(name: str, field: str, error: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(_module(tmp_path, field))
    code = main(["lint", "--error-format", "json"])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", f"workbench lint: {PREFIX}{error}\n")


@pytest.mark.skipif(not BUF.exists(), reason="buf (PyPI buf-bin) is not installed")
@pytest.mark.parametrize(("name", "field", "error"), FAILURES[::7], ids=[row[0] for row in FAILURES[::7]])
def test_buf_still_fails_so(name: str, field: str, error: str, tmp_path: Path) -> None:
    done = subprocess.run([str(BUF), "lint", "--error-format", "json"], cwd=_module(tmp_path, field),
                          capture_output=True, text=True, timeout=300, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", f"Failure: {PREFIX}{error}\n")


def _eval(expression: str, this: object = None) -> object:
    return evaluate(Parser(lex(expression, [])).parse(), {"this": this})


@pytest.mark.parametrize(("expression", "value"), [
    ("'héllo'.charAt(1)", "é"), ("'abcabc'.lastIndexOf('bc')", 4), ("'ab'.lastIndexOf('')", 2),
    ("'ab'.indexOf('', 10)", -1), ("'a,b,c'.split(',', 2)", ["a", "b,c"]), ("'ab'.split('')", ["a", "b"]),
    ("' \\u0085a\\t'.trim()", "a"), ("strings.quote('a\\n\"')", '"a\\n\\""'),
    ("'%d-%s-%.2f'.format([1, 'x', 2.5])", "1-x-2.50"), ("[1, 2u, 3.0] == [1.0, 2, 3u]", True),
    ("{1: 'a'}[1u]", "a"), ("[0, 1].all(x, 1 / x > 0) || true", True), ("[0, 1].exists(x, 1 / x == 1)", True),
    ("[1, 2, 3].filter(x, x > 1).map(x, x * 2)", [4, 6]), ("[1, 1].exists_one(x, x == 1)", False),
    ("string(timestamp('2000-01-01T00:00:00.5+01:00'))", "2000-01-01T00:00:00.5+01:00"),
    ("string(duration('1.5s'))", "1.5s"), ("duration('-90m').getHours()", -1), ("uint(2.7)", 2),
    ("b'\\303\\251' == bytes('é')", True), ("'\\U0001F600'.size()", 1), ("int('-12')", -12),
])
def test_evaluates_as_cel_go(expression: str, value: object) -> None:
    assert _eval(expression) == value


@pytest.mark.parametrize(("expression", "error"), [
    ("9223372036854775807 + 1", "integer overflow"), ("-(-9223372036854775807 - 1)", "integer overflow"),
    ("1u - 2u", "unsigned integer overflow"), ("1 % 0", "modulus by zero"), ("[1][1]", "index out of bounds: 1"),
    ("'ab'.substring(3)", "index out of range: 3"), ("'ab'.substring(2, 1)", "invalid substring range. start: 2, end: 1"),
    ("{'a': 1}.b", "no such key: b"), ("int(1e19)", "integer overflow"),
    ("timestamp('2000-13-01')", 'invalid RFC 3339 timestamp "2000-13-01"'),
])
def test_runtime_errors_in_cel_gos_words(expression: str, error: str) -> None:
    with pytest.raises(CelError) as caught:
        _eval(expression)
    assert str(caught.value) == error


@pytest.mark.parametrize(("expression", "fails"), [
    ("int('x') == this", True), ("int(string('x')) > 0", True), ("this.matches('(')", True),
    ("int('x' + 'y') == this", False), ("1 / 0 == this", False), ("this.matches(this)", False),
    ("uint(-1) > 0u", True), ("[string(1), 'b'].size() > this", False),
])
def test_cel_gos_planner_folds_constant_conversions(expression: str, fails: bool) -> None:
    assert plan_fails(Parser(lex(expression, [])).parse()) is fails


@pytest.mark.parametrize(("expression", "issue"), [
    ("'%d'.format(['a'])", "error during formatting: decimal clause can only be used on ints, uints, and doubles, "
                           "was given string"),
    ("'%s %s'.format([1])", "index 1 out of range"), ("'%s'.format([1, 2])",
                                                     "too many arguments supplied to string.format (expected 1, got 2)"),
    ("'%q'.format([1])", 'could not parse formatting clause: unrecognized formatting clause "q"'),
    ("'%x'.format([1.5])", "error during formatting: only ints, uints, bytes, and strings can be formatted as hex, "
                           "was given double"),
    ("'%s %s'.format([[now, duration('1s')], this])", None),
])
def test_format_calls_are_checked_when_compiled(expression: str, issue: str | None) -> None:
    from workbench.lint.cel_check import STRING, TIMESTAMP, compile_expression

    _, issues = compile_expression(expression, {"this": STRING, "now": TIMESTAMP}, lambda _: None)
    assert issues == ([issue] if issue else [])


@pytest.mark.parametrize(("expression", "value"), [
    ("'%s'.format([{'b': 1, 'a': [2.5, null, b'x']}])", "{a: [2.5, null, x], b: 1}"),
    ("'%d|%.1f|%e|%b|%o|%X'.format([2.5, 1, 12345.678, true, 8, 'ab'])", "2.5|%!f(int64=1)|1.234568e+04|1|10|6162"),
    ("'%s'.format([timestamp('2000-01-01T00:00:00+01:00')])", "1999-12-31T23:00:00Z"),
])
def test_format_runs_as_cel_go(expression: str, value: str) -> None:
    assert _eval(expression) == value


def test_a_uint_stays_a_uint() -> None:
    assert isinstance(_eval("this + 1u", UInt(1)), UInt)


def test_the_pointer_buf_prints_for_a_message_example_is_the_only_difference() -> None:
    """buf prints a Duration/Timestamp/FieldMask example as a Go pointer (`&{{} [] [] 0x...}`) whose address
    changes from run to run: every such line of the case is ours but for the address."""
    expected = (CASE / "expected.jsonl").read_text()
    pointers = re.findall(r'"message":"\\"\\u0026\{\{\} \[\] \[\] 0x[0-9a-f]+\}\\" is an example value', expected)
    assert len(pointers) == 14


@pytest.mark.parametrize(("pattern", "text", "found"), [
    ("^a$", "a\n", False), ("(?m)^b$", "a\nb", True), ("a\\z", "a", True), ("^[[:alpha:]]+$", "ab", True),
    ("^[[:alpha:]]+$", "a1", False), ("^\\pL+$", "éa", True), ("^\\p{Nd}+$", "١٢", True), ("^\\PL$", "1", True),
    ("^\\Qa.b\\E$", "axb", False), ("^\\w+$", "é", False), ("^\\s$", "\v", False), ("\\bé", "é", False),
    ("(?i)^É$", "é", True), ("^[\\d\\pL]+$", "a1é", True),
])
def test_go_regexp_semantics_in_python(pattern: str, text: str, found: bool) -> None:
    from workbench.lint.re2_python import compile_re2

    compiled = compile_re2(pattern)
    assert compiled is not None
    assert (compiled.search(text) is not None) is found


@pytest.mark.parametrize("pattern", ["\\p{Greek}", "(?U)a+", "[[:^alpha:]]", "[\\PL]"])
def test_what_is_not_rewritten_is_left_to_buf(pattern: str) -> None:
    from workbench.lint.re2_python import compile_re2

    assert compile_re2(pattern) is None
