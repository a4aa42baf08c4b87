"""cel-go's two depth limits in workbench/lint/cel_check.py, against a model of them and against buf-bin.

cel-go (buf 1.75) stops a CEL expression in two places, both at 250:
- while ANTLR parses, its recursionListener counts the rules entered and not yet left, per rule: more
  than 250 of one rule is "expression recursion limit exceeded: 250". Every nested operand (in
  parentheses, a list, a map, a call's arguments, an index, a ternary's else branch) enters `expr` once
  more; the right side of an operator enters `relation` or `calc` once more, so `1 + (1 + (...))`
  reaches the limit at 125 levels and `1 + 1 * (...)` at 84.
- then its visitor counts, along each path of the tree, the ternaries, operators (other than '&&' and
  '||', which it balances), selections, member calls and indexes: more than 250 is "max recursion
  depth exceeded". Chains need no nesting for that: `'a' + 'a' + ...` with 251 operators.

THRESHOLDS holds what buf-bin printed for each shape around its limit (bisected with buf 1.75);
tests/lint_cases/protovalidate_cel/depth holds the same shapes as findings, placed as buf places them.
Here the model (`Nest`) predicts the answer for nestings built from several shapes, and Hypothesis
checks that cel_check gives that answer (and never reaches Python's recursion limit); where buf-bin is
installed, it is asked the same and must agree with the model.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skips import need_tool
from test_proto_lint import buf_binary

from workbench.lint.cel_check import ERROR, compile_expression

LIMIT = "expression recursion limit exceeded: 250"  # the parse's (recursionListener)
DEPTH = "max recursion depth exceeded"  # the visitor's
CASE = Path(__file__).parent / "lint_cases" / "protovalidate_cel"

# shape -> (expression of n, the first n buf refuses, its message); n - 1 passes. Most compare their result
# with something so that below the limit they compile without a finding.
THRESHOLDS = {
    "parentheses": (lambda n: "(" * n + "true" + ")" * n, 250, LIMIT),
    "lists": (lambda n: "[" * n + "true" + "]" * n + " == []", 250, LIMIT),
    "map values": (lambda n: "{'a': " * n + "true" + "}" * n + " == {}", 250, LIMIT),
    "map keys": (lambda n: "{" * n + "true: true" + "}: true" * (n - 1) + "} == {}", 250, LIMIT),
    "message literals": (lambda n: "depth.v1.M{m: " * n + "depth.v1.M{}" + "}" * n + " == this", 250, LIMIT),
    "global calls": (lambda n: "string(" * n + "this.name" + ")" * n + " != ''", 250, LIMIT),
    "member call arguments": (lambda n: "'a'.replace('a', " * n + "'a'" + ")" * n, 250, LIMIT),
    "index arguments": (lambda n: "[0][" * n + "0" + "]" * n + " > 0", 250, LIMIT),
    "ternary else branches": (lambda n: "true ? 'a' : " * n + "'b'", 250, LIMIT),
    "ternaries in parentheses": (lambda n: "(" * n + "true" + " ? true : false)" * n, 249, LIMIT),
    "all() bodies": (lambda n: "this.tags.all(t, " * n + "true" + ")" * n, 250, LIMIT),
    "! on parentheses": (lambda n: "!(" * n + "true" + ")" * n, 250, LIMIT),
    "- on parentheses": (lambda n: "-(" * n + "1" + ")" * n + " > 0", 250, LIMIT),
    "|| with parentheses": (lambda n: "true || (" * n + "true" + ")" * n, 250, LIMIT),
    "+ with parentheses": (lambda n: "'a' + (" * n + "'a'" + ")" * n, 125, LIMIT),
    "== with parentheses": (lambda n: "true == (" * n + "true" + ")" * n, 125, LIMIT),
    "+ and * with parentheses": (lambda n: "1 + 1 * (" * n + "1" + ")" * n + " > 0", 84, LIMIT),
    "+ chain": (lambda n: "'a'" + " + 'a'" * n, 251, DEPTH),
    "* chain": (lambda n: "1" + " * 1" * n + " > 0", 250, DEPTH),  # and the '>'
    "- chain": (lambda n: "1" + " - 1" * n + " > 0", 250, DEPTH),
    "== chain": (lambda n: "true" + " == true" * n, 251, DEPTH),
    "< chain": (lambda n: "1" + " < 1" * n, 251, DEPTH),  # ill-typed below the limit: bool < int
    "selection chain": (lambda n: "this" + ".m" * n + ".name", 250, DEPTH),  # n + 1 selections
    "member call chain": (lambda n: "this.name" + ".lowerAscii()" * n, 250, DEPTH),  # and this.name
    "index chain": (lambda n: "dyn(this.tags)" + "[0]" * n, 250, DEPTH),  # and this.tags
    "has() of a selection chain": (lambda n: "has(this" + ".m" * n + ")", 251, DEPTH),
    "+ chain after 101 selections": (lambda n: "this" + ".m" * 100 + ".name" + " + 'a'" * n, 150, DEPTH),
}
# no limit at any length: cel-go balances '&&' and '||', and a run of '!' or '-' is one rule
UNLIMITED = {
    "&& chain": lambda n: "true" + " && true" * n,
    "|| chain": lambda n: "true" + " || true" * n,
    "! run": lambda n: "!" * n + "true",
    "- run": lambda n: "-" * n + "this.count > 0",
}
VARIABLES = {"this": ("message", "depth.v1.M"), "now": ("message", "google.protobuf.Timestamp")}
FIELDS = {"m": ("message", "depth.v1.M"), "name": ("string",), "tags": ("list", ("string",)), "count": ("int",)}


def fields(message: str) -> dict[str, tuple] | None:  # type: ignore[type-arg]
    return FIELDS if message == "depth.v1.M" else None


def depth_issues(expression: str) -> list[str]:
    _, issues = compile_expression(expression, VARIABLES, fields)
    return [i for i in issues if i in (LIMIT, DEPTH)]


@pytest.mark.parametrize("shape", THRESHOLDS)
def test_each_shape_stops_where_buf_stops(shape: str) -> None:
    make, first, message = THRESHOLDS[shape]
    assert depth_issues(make(first - 1)) == []
    assert depth_issues(make(first)) == [message]
    assert depth_issues(make(first + 1)) == [message]


@pytest.mark.parametrize("shape", UNLIMITED)
def test_balanced_and_flat_shapes_have_no_limit(shape: str) -> None:
    assert depth_issues(UNLIMITED[shape](5000)) == []


def test_far_past_the_limits_is_the_same_message() -> None:
    """Thousands of levels: buf's message, from an explicit count, not Python's RecursionError."""
    assert depth_issues("(" * 20000 + "1" + ")" * 20000) == [LIMIT]
    assert depth_issues("1" + " + 1" * 20000) == [DEPTH]
    assert depth_issues("this" + ".m" * 20000) == [DEPTH]


@pytest.mark.parametrize(("expression", "issues"), [
    # the visitor reports what it met before the path that is too deep, not what comes after it
    ("has(1) == (" + "'a'" + " + 'a'" * 300 + ")", ["invalid argument to has() macro", DEPTH]),
    ("('a'" + " + 'a'" * 300 + ") == has(1)", [DEPTH]),
    ("if == ('a'" + " + 'a'" * 300 + ")", ["reserved identifier: if", DEPTH]),
    ("this.tags[?0] == ('a'" + " + 'a'" * 300 + ")", ["unsupported syntax '[?'", DEPTH]),
    ("[has(1), 'a'" + " + 'a'" * 300 + "]", ["invalid argument to has() macro", DEPTH]),
    # the parse's limit stops before anything is visited; syntax errors before it stay
    ("has(1) == " + "(" * 300 + "1" + ")" * 300, [LIMIT]),
    (") " + "(" * 300 + "1" + ")" * 300, ["extraneous input ')' expecting {'[', '{', '(', '.', '-', '!', 'true', "
                                          "'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}",
                                          LIMIT]),
    # cel-go measures the text first: 100000 code points at most
    ("1" + " " * 99999, []),
    ("1" + " " * 100000, ["expression code point size exceeds limit: size: 100001, limit 100000"]),
    ("(" * 60000 + "1" + ")" * 40000, ["expression code point size exceeds limit: size: 100001, limit 100000"]),
])
def test_depth_issues_beside_others_as_buf_lists_them(expression: str, issues: list[str]) -> None:
    result, found = compile_expression(expression, VARIABLES, fields)
    assert sorted(found) == sorted(issues)
    assert (result == ERROR) == bool(issues)


# ------------------------------------------------------------ nestings of several shapes, and the model of both limits

@dataclass(frozen=True)
class Nest:
    """An expression and the model's count of it: the most rules of each kind entered at once while ANTLR
    parses it as a whole expression, and the most counted nodes on a path of its tree."""

    text: str
    expr: int
    relation: int
    calc: int
    path: int

    def answer(self) -> list[str]:
        if max(self.expr, self.relation, self.calc) > 250:
            return [LIMIT]  # the parse stops; nothing is visited
        return [DEPTH] if self.path > 250 else []


LEAVES = [Nest("1", 1, 1, 1, 0), Nest("this", 1, 1, 1, 0), Nest("this.name", 1, 1, 1, 1)]

# name -> (text around the inner expression `{}`; what it adds to expr, relation and calc; the counted nodes
# above the inner expression, and the most on any path beside it). The inner expression is a whole expr
# inside each (parenthesised where the grammar would not take one), so what it enters adds to what the
# wrapper has entered around it.
WRAPPERS: dict[str, tuple[str, int, int, int, int, int]] = {
    "parentheses": ("({})", 1, 1, 1, 0, 0),
    "list": ("[{}]", 1, 1, 1, 0, 0),
    "map value": ("{{'a': {}}}", 1, 1, 1, 0, 0),
    "map key": ("{{{}: 1}}", 1, 1, 1, 0, 0),
    "message field": ("depth.v1.M{{m: {}}}", 1, 1, 1, 0, 0),
    "global call": ("size({})", 1, 1, 1, 0, 0),
    "member call argument": ("this.name.startsWith({})", 1, 1, 1, 1, 2),  # beside it: the call on this.name
    "all() body": ("this.tags.all(t, {})", 1, 1, 1, 1, 2),
    "index": ("this.tags[{}]", 1, 1, 1, 1, 2),
    "ternary condition": ("({}) ? 1 : 2", 1, 1, 1, 1, 1),
    "ternary middle": ("true ? ({}) : 1", 1, 1, 1, 1, 1),
    "right of +": ("1 + ({})", 1, 1, 2, 1, 1),
    "right of *": ("1 * ({})", 1, 1, 2, 1, 1),
    "right of * after +": ("1 + 1 * ({})", 1, 1, 3, 2, 2),
    "right of ==": ("1 == ({})", 1, 2, 1, 1, 1),
    "right of + after <": ("1 < 1 + ({})", 1, 2, 2, 2, 2),
    "left of +": ("({}) + 1", 1, 1, 1, 1, 1),
    "right of &&": ("true && ({})", 1, 1, 1, 0, 0),
    "right of ||": ("true || ({})", 1, 1, 1, 0, 0),
    "!": ("!({})", 1, 1, 1, 0, 0),
    "-": ("-({})", 1, 1, 1, 0, 0),
    "has() of a selection": ("has(({}).m)", 2, 2, 2, 1, 1),
}
# name -> (text after the parenthesised inner expression, repeated n times; counted nodes each adds)
CHAINS: dict[str, tuple[str, int]] = {
    "+": (" + 1", 1),
    "==": (" == 1", 1),
    "selections": (".m", 1),
    "member calls": (".size()", 1),
    "indexes": ("[0]", 1),
    "&&": (" && true", 0),
}


def wrap(inner: Nest, wrapper: str) -> Nest:
    template, expr, relation, calc, above, beside = WRAPPERS[wrapper]
    return Nest(template.format(inner.text), inner.expr + expr, inner.relation + relation, inner.calc + calc,
                max(inner.path + above, beside))


def else_branch(inner: Nest) -> Nest:
    """`true ? 1 : inner`: ANTLR's `e2=expr` is entered inside the ternary's expr, after its condition and
    middle have left relation and calc (1 each at most)."""
    return Nest(f"true ? 1 : {inner.text}", inner.expr + 1, max(1, inner.relation), max(1, inner.calc),
                max(inner.path + 1, 1))


def chain(inner: Nest, name: str, n: int) -> Nest:
    """`(inner) op x op x ...`: the operand left of a chain is under every node of it."""
    after, counted = CHAINS[name]
    return Nest(f"({inner.text}){after * n}", inner.expr + 1, inner.relation + 1, inner.calc + 1,
                inner.path + counted * n)


def build(leaf: int, steps: list[tuple[str, int]]) -> Nest:
    nest = LEAVES[leaf]
    for name, n in steps:
        if name in CHAINS:
            nest = chain(nest, name, n)
        else:
            for _ in range(n):
                nest = else_branch(nest) if name == "else branch" else wrap(nest, name)
    return nest


STEP_NAMES = [*WRAPPERS, "else branch", *CHAINS]
# repetitions small, around half of a limit, and around a whole one
REPEATS = st.one_of(st.integers(1, 12), st.integers(80, 130), st.integers(240, 256))
NESTINGS = st.builds(build, st.integers(0, len(LEAVES) - 1),
                     st.lists(st.tuples(st.sampled_from(STEP_NAMES), REPEATS), min_size=1, max_size=4))


@settings(max_examples=300, deadline=None)
@given(NESTINGS)
def test_nestings_get_the_models_answer(nest: Nest) -> None:
    assert depth_issues(nest.text) == nest.answer()


def buf_depth_issues(root: Path, expressions: list[str]) -> list[list[str]]:
    """buf-bin's depth issues for each expression, as message rules of depth.v1.M in a module at `root`."""
    buf = buf_binary()
    need_tool(buf, "buf (PyPI buf-bin) is not installed: pip install -e '.[test]'")
    shutil.copytree(CASE / "buf", root / "buf")
    (root / "buf.yaml").write_text("version: v2\nlint:\n  use: [PROTOVALIDATE]\n  ignore: [buf]\n")
    (root / "depth" / "v1").mkdir(parents=True)
    options = "".join(f'  option (buf.validate.message).cel = {{id: "e{i}", expression: {json.dumps(text)}}};\n'
                      for i, text in enumerate(expressions))
    (root / "depth" / "v1" / "a.proto").write_text(
        'syntax = "proto3";\npackage depth.v1;\nimport "buf/validate/validate.proto";\n// M.\nmessage M {\n'
        f"{options}  M m = 1;\n  string name = 2;\n  repeated string tags = 3;\n  int64 count = 4;\n}}\n")
    done = subprocess.run([str(buf), "lint", "--error-format", "json"], cwd=root, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode in (0, 100), done.stderr
    found: list[list[str]] = [[] for _ in expressions]
    for line in done.stdout.splitlines():
        finding = json.loads(line)
        issue = finding["message"].split("fails to compile: ", 1)[-1]
        if issue in (LIMIT, DEPTH):
            found[finding["start_line"] - 6].append(issue)  # the options start on line 6
    return found


def test_the_thresholds_are_bufs(tmp_path: Path) -> None:
    expressions, want = [], []
    for make, first, message in THRESHOLDS.values():
        expressions += [make(first - 1), make(first), make(first + 1)]
        want += [[], [message], [message]]
    expressions += [make(2000) for make in UNLIMITED.values()]
    want += [[] for _ in UNLIMITED]
    assert buf_depth_issues(tmp_path, expressions) == want


def test_the_model_is_buf(tmp_path: Path) -> None:
    """The model against buf-bin itself over 150 random nestings (many at a limit), and cel_check with them."""
    rng = random.Random(14)
    nests = []
    for _ in range(150):
        steps = [(rng.choice(STEP_NAMES), rng.choice([rng.randint(1, 12), rng.randint(80, 130),
                                                      rng.randint(240, 256)])) for _ in range(rng.randint(1, 3))]
        nests.append(build(rng.randrange(len(LEAVES)), steps))
    assert sum(bool(nest.answer()) for nest in nests) > 30  # both sides of the limits are asked about
    assert buf_depth_issues(tmp_path, [nest.text for nest in nests]) == [nest.answer() for nest in nests]
    assert [depth_issues(nest.text) for nest in nests] == [nest.answer() for nest in nests]


def test_the_case_holds_every_shape() -> None:
    """tests/lint_cases/protovalidate_cel/depth has each shape one below its limit and at it, with buf's
    findings in expected.jsonl (test_proto_lint.py lints it with both tools)."""
    text = (CASE / "depth" / "v1" / "a.proto").read_text()
    for make, first, _ in THRESHOLDS.values():
        assert json.dumps(make(first - 1)) in text and json.dumps(make(first)) in text


def test_the_deepest_types_are_checked_from_deep_callers() -> None:
    """248 list levels under 249 map() calls on both sides of a '+', about as deep as the two limits let
    types nest (~500); the checker's type functions recurse through them. From 300 frames deep they still
    give cel-go's answer (the start of it checked against buf-bin), not the RecursionError guard's."""
    side = "[" * 248 + "{}" + "]" * 248 + ".map(a, [a])" * 249
    expression = side.format("'a'") + " + " + side.format("1")

    def from_depth(frames: int) -> tuple[tuple, list[str]]:  # type: ignore[type-arg]
        return from_depth(frames - 1) if frames else compile_expression(expression, VARIABLES, lambda _: None)

    left, right = ("list(" * 497 + name + ")" * 497 for name in ("string", "int"))
    assert from_depth(300) == (ERROR, [f"found no matching overload for '_+_' applied to '({left}, {right})'"])
