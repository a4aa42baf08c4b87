"""buf.yaml / buf.work.yaml that buf refuses, and modules with no .proto file: `workbench lint` and
`workbench breaking` refuse them too (exit 2, buf's 1) with a message naming the file and the line,
never a traceback; whatever buf accepts, they accept and lint alike.

Each config below was run through buf-bin 1.75 (its stderr is kept beside it as `buf_says`); where
buf-bin is installed, it is run again. The Hypothesis test mutates valid configs the ways hands do
(truncated, a tab, a key twice, a wrong type, an unknown key or version) and compares the exit codes.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from skips import need_tool
from test_proto_lint import buf_binary

from workbench.cli.main import main


@pytest.fixture
def _buf() -> None:
    need_tool(buf_binary(), "buf (PyPI buf-bin) is not installed: pip install -e '.[test]'")


needs_buf = pytest.mark.usefixtures("_buf")

PROTO = 'syntax = "proto3";\n\npackage acme.v1;\n\n// Acme.\nmessage Acme {\n  // Name.\n  string Name = 1;\n}\n'

# (buf.yaml text, what buf 1.75 says after "Failure: decode buf.yaml: ")
REFUSED = [
    ("version: [\n", "did not find expected node content"),
    ("version: v2\nlint:\n\tuse: [STANDARD]\n", "line 3: found character that cannot start any token"),
    ("version: v2\nversion: v1\n", 'line 2: mapping key "version" already defined at line 1'),
    ("version: v3\n", 'unknown file version: "v3"'),
    ("version: 2\n", 'unknown file version: "2"'),
    ("version: v2\nfoo: 1\n", "line 2: field foo not found"),
    ("lint:\n  use: [STANDARD]\n", '"version" is not set. Please add "version: v2"'),
    ("", '"version" is not set. Please add "version: v2"'),
    ("version: v2\nlint: []\n", "line 2: cannot unmarshal !!seq into bufconfig.externalBufYAMLFileLintV2"),
    ("version: v2\nlint:\n  use: STANDARD\n", "line 3: cannot unmarshal !!str `STANDARD` into []string"),
    ("version: v2\nlint:\n  use: [STANDARD\n", "did not find expected ',' or ']'"),
    ("version: v2\nlint: {use: [STANDARD]\n", "did not find expected ',' or '}'"),
    ("version: v2\nlint: {use: [STANDARD}}\n", "did not find expected ',' or ']'"),
    ("version: v2\nmodules: {}\n", "line 2: cannot unmarshal !!map into []bufconfig.externalBufYAMLFileModuleV2"),
    ("version: v2\nlint:\n  ignore_unstable_packages: true\n", "line 3: field ignore_unstable_packages not found"),
    ("version: v2\nlint:\n  allow_comment_ignores: true\n", "line 3: field allow_comment_ignores not found"),
    ("version: v1\nlint:\n  disallow_comment_ignores: true\n", "line 3: field disallow_comment_ignores not found"),
    ("version: v1\nmodules: []\n", "line 2: field modules not found"),
    ("version: v2\nbuild:\n  excludes: [a]\n", "line 2: field build not found"),
    ("version: v2\nlint:\n  rpc_allow_same_request_response: maybe\n", "cannot unmarshal !!str `maybe` into bool"),
    ("version: v2\nlint:\n  ignore: [acme, acme/v1]\n", 'ignore "acme/v1" is within ignore "acme" which is not allowed'),
    ("version: v1\ndeps: [x]\n", 'invalid dep: could not parse reference "x"'),
    ("version: v2\nname: x\n", 'could not parse full name "x": must be in the form registry/owner/name'),
    ("version: v2\nmodules:\n  - path: .\n    name: a/b/c\n", 'registry "a" is not a valid hostname'),
    ("version: v2\nlint:\n  except: [*x]\n", "yaml: unknown anchor 'x' referenced"),
    ("version: v2\nlint:\n  <<: [a]\n", "map merge requires map or sequence of maps as the value"),
    # a section that leaves no rule to run: buf's syserror
    ("version: v2\nlint:\n  except: [STANDARD]\n", "resultRules was empty"),
    ("version: v1\nlint:\n  use: [MINIMAL]\n  except: [DIRECTORY_SAME_PACKAGE, PACKAGE_DEFINED, "
     "PACKAGE_DIRECTORY_MATCH, PACKAGE_NO_IMPORT_CYCLE, PACKAGE_SAME_DIRECTORY]\n", "resultRules was empty"),
    ("version: v2\nlint:\n  use: [IMPORT_NO_WEAK]\n", "resultRules was empty"),
    # go-yaml's parser errors name the line of the collection's start counted from 0
    ("version: v2\nlint:\n  use: [BASIC]\n   except: []\n", "line 2: did not find expected key"),
    ("version: [v2]\n  lint: x\n", "line 1: did not find expected key"),
    ("version: v2\nlint:\n  use:\n    - [BASIC]\n      - x\n", "line 3: did not find expected '-' indicator"),
    ("version: v2\nlint:\n  use:\n    - BASIC\n  -  COMMENTS\n", "line 2: did not find expected key"),
    ("version: v2\nlint:\n  service_suffix: 'Svc' x\n", "line 2: did not find expected key"),
    ("version: v2\nlint:\n  use: [BASIC, , COMMENTS]\n", "line 2: did not find expected node content"),
    # and its scanner errors the line itself
    ("version: v2\n lint: x\n", "line 2: mapping values are not allowed in this context"),
    ("version: v2\nlint:\n  service_suffix: - a\n", "line 3: block sequence entries are not allowed in this context"),
    ("version: v2\nlint:\n  service_suffix: ? a\n", "line 3: mapping keys are not allowed in this context"),
    ("version: v2\nlint:\n  use:\n    -\tBASIC\n", "line 4: found character that cannot start any token"),
    ("version: v2\nlint:\n  use: [NOT_A_RULE]\n", '"NOT_A_RULE" is not a known rule or category ID'),
    ("# c\n...\nversion: v2\n", "line 1: did not find expected node content"),
    # explicit keys, tags, directives and documents go-yaml refuses
    ("? version\n: v2\n? version\n: v1\n", 'line 3: mapping key "version" already defined at line 1'),
    ("? [a]\n: v2\n", "line 1: cannot unmarshal !!seq into string"),
    ("version: !!int v2\n", "cannot decode !!str `v2` as a !!int"),
    ("%YAML 1.2\n---\nversion: v2\n", "found incompatible YAML document"),
    ("%YAML 1.1\n%YAML 1.1\n---\nversion: v2\n", "line 1: found duplicate %YAML directive"),
    ("%FOO bar\n---\nversion: v2\n", "found unknown directive name"),
    ("---\n---\nversion: v2\n", '"version" is not set. Please add "version: v2"'),
    ('version: v2\nlint:\n  service_suffix: "a\n  b\nc: d\n', "line 3: found unexpected end of stream"),
]

# refusals whose message is buf's word for word (the others name the same line in words of ours)
WORDED = {text for text, said in REFUSED if not said.startswith(("did not find expected node content", "line 2: cannot"))
          and text != "version: [\n"
          and any(words in said for words in ("did not find expected", "not allowed in this context",
                                              "cannot start any token", "is not a known rule", "YAML document",
                                              "directive", "as a !!int", "already defined", "end of stream"))}

# accepted by buf 1.75, linted as it lints them
ACCEPTED = [
    "version: v2\nlint:\n  use: [\n    STANDARD,\n    COMMENTS,\n  ]\n",
    "version: 'v2'\nlint: {use: [BASIC], except: ['FIELD_LOWER_SNAKE_CASE']}\n",
    "version: v2\nlint:\n  rpc_allow_same_request_response: yes\n  service_suffix: True\n",
    "version: v2\nlint:\n  enum_zero_value_suffix: ''\n  service_suffix:\n",
    "version: v2\nname: buf.build/acme/acme\nplugins: []\npolicies: []\nlint: ~\nbreaking:\n",
    "version: v1\nname: buf.build/acme/acme\ndeps: []\nbuild: {excludes: []}\nlint:\n  allow_comment_ignores: on\n",
    "version: v1beta1\nbuild:\n  roots: [.]\n",
    "# a comment\nversion: v2 # trailing\n---\nlint:\n  use:\n  - STANDARD\n  -   COMMENTS\n",
    "version: v2\nmodules:\n  - path: .\n    includes: [acme]\n",
    # buf skips an empty modules entry: here no module is left, and "." is the default (fuzz-drawn)
    "version: v2\nmodules:\n  -\n",
    "version: v2\nmodules:\n  - ~\n  - lint:\n      use: [MINIMAL]\n",
    # a module inside the "." module: its files are linted in both, each finding printed once
    "version: v2\nmodules:\n  - path: .\n  - path: acme\n",
]


def _module(root: Path, buf_yaml: str | None) -> Path:
    (root / "acme" / "v1").mkdir(parents=True, exist_ok=True)
    (root / "acme" / "v1" / "acme.proto").write_text(PROTO)
    if buf_yaml is not None:
        (root / "buf.yaml").write_text(buf_yaml)
    return root


def _ours(root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
          *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    code = main([*(args or ("lint",)), "--error-format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def _run_buf(root: Path, *args: str) -> tuple[int, str, str]:
    done = subprocess.run([buf_binary() or "buf", *(args or ("lint",)), "--error-format", "json"], cwd=root,
                          capture_output=True, text=True, timeout=120, check=False)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(("text", "buf_says"), REFUSED, ids=[t for t, _ in REFUSED])
def test_a_config_buf_refuses_is_a_usage_error_with_its_line(text: str, buf_says: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = _module(tmp_path, text)
    code, out, err = _ours(root, monkeypatch, capsys)
    assert code == 2 and not out
    assert "buf.yaml" in err
    line = next((word for word in buf_says.split(":")[0].split() if word.isdigit()), None)
    if buf_says.startswith("line ") and line:
        assert f"line {line}" in err  # the location buf gives, ours too
    if text in WORDED:
        assert buf_says in err  # buf's own words


@needs_buf
@pytest.mark.parametrize(("text", "buf_says"), REFUSED, ids=[t for t, _ in REFUSED])
def test_buf_still_refuses(text: str, buf_says: str, tmp_path: Path) -> None:
    code, _, err = _run_buf(_module(tmp_path, text))
    assert code == 1 and buf_says in err


# YAML that go-yaml v3 reads and our parser once refused, with what it means: the rules buf 1.75 then
# reports on PROTO (a field `Name`: FIELD_LOWER_SNAKE_CASE under BASIC, nothing under MINIMAL)
YAML_FORMS = [
    # an anchored section given again by an alias
    ("version: v2\nlint: &l\n  use: [BASIC]\n  except: [FIELD_LOWER_SNAKE_CASE]\nmodules:\n  - path: .\n"
     "    lint: *l\n", []),
    ("version: v2\nlint:\n  use:\n    - &b BASIC\nmodules:\n  - path: .\n    lint:\n      use: [*b]\n",
     ["FIELD_LOWER_SNAKE_CASE"]),
    # a merge key fills in only what the mapping does not set
    ("version: v2\nlint:\n  <<: {use: [BASIC], except: [FIELD_LOWER_SNAKE_CASE]}\n  except: []\n",
     ["FIELD_LOWER_SNAKE_CASE"]),
    ("version: v2\nlint:\n  <<: [{use: [MINIMAL]}, {use: [BASIC]}]\n", []),
    # block scalars, folded and literal
    ("version: >-\n  v2\nlint:\n  use: [BASIC]\n  service_suffix: |\n    Svc # kept: no comment here\n",
     ["FIELD_LOWER_SNAKE_CASE"]),
    # buf decodes the first document only, whatever follows
    ("version: v2\nlint:\n  use: [MINIMAL]\n---\nlint:\n  use: [BASIC]\n", []),
    ("--- # the first document\nversion: v2\nlint:\n  use: [BASIC]\n...\n- [ not read\n", ["FIELD_LOWER_SNAKE_CASE"]),
    # quoted keys, escapes, tags
    ('"version": "\\x76\\x32"\n\'lint\':\n  "use": [BASIC]\n', ["FIELD_LOWER_SNAKE_CASE"]),
    ("version: !!str v2\nlint:\n  use: !!seq [MINIMAL]\n", []),
    # block scalars as list items (with chomping and indentation indicators, a comment after the header)
    ("version: v2\nlint:\n  use:\n    - |-\n      BASIC\n    -  >- # folded\n      COMMENTS\n  except:\n"
     "    - >-\n      FIELD_LOWER_SNAKE_CASE\n", []),
    ("version: v2\nlint:\n  use:\n  - |-\n   BASIC\n\n  - |2-\n    MINIMAL\n", ["FIELD_LOWER_SNAKE_CASE"]),
    ("version: v2\nlint:\n  use:\n  - |-\n   BASIC\n", ["FIELD_LOWER_SNAKE_CASE"]),
    ("version: v2\nlint:\n  use:\n    - >-\n        BASIC\n      # a comment, less indented than the text\n",
     ["FIELD_LOWER_SNAKE_CASE"]),
    # explicit keys: `? key` then `: value`, a compact list or map as the value, in a flow map; null keys
    ("? version\n: v2\nlint:\n  ? use\n  : - BASIC\n", ["FIELD_LOWER_SNAKE_CASE"]),
    ("version: v2\n? lint\n: use: [BASIC]\n  except: [FIELD_LOWER_SNAKE_CASE]\n", []),
    ("version: v2\nlint:\n  ? use\n  :\n  - BASIC\n  ? except\n  : - FIELD_LOWER_SNAKE_CASE\n", []),
    ("? |-\n  version\n: v2\nlint: {use: [BASIC], ? except : [FIELD_LOWER_SNAKE_CASE]}\n", []),
    ("version: v2\n~: x\n? \n: y\nlint:\n  use: [MINIMAL]\n", []),
    ("version: v2\nlint: {~: x, null: y, use: [BASIC], service_suffix: True}\n", ["FIELD_LOWER_SNAKE_CASE"]),
    # a flow list or scalar on the lines below its key, plain and quoted scalars over several lines
    ("version: v2\nlint:\n  use:\n    [BASIC]\n  except:\n    [FIELD_LOWER_SNAKE_CASE,\n     ENUM_VALUE_PREFIX]\n", []),
    ("version:\n  v2\nlint:\n  use: [MINIMAL]\n  service_suffix:\n    Svc\n    X\n", []),
    ('version: "v2"\nlint:\n  use:\n    - "BA\\\n      SIC"\n  service_suffix: \'it\'\'s\n\n    x\'\n', ["FIELD_LOWER_SNAKE_CASE"]),
    # a byte order mark, CRLF line ends, directives and a tag alone on the document start
    ("\ufeffversion: v2\r\nlint:\r\n  use:\r\n    - |-\r\n      BASIC\r\n", ["FIELD_LOWER_SNAKE_CASE"]),
    ("%YAML 1.1\n%TAG ! tag:x,2000:\n--- !!map\nversion: v2\nlint: !!map\n  use: !!seq\n  - BASIC\n",
     ["FIELD_LOWER_SNAKE_CASE"]),
]
ACCEPTED += [text for text, _ in YAML_FORMS]


@pytest.mark.parametrize(("text", "rules"), YAML_FORMS, ids=[t for t, _ in YAML_FORMS])
def test_yaml_that_go_yaml_reads_means_what_it_means_there(text: str, rules: list[str], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Anchors, aliases, merge keys, block scalars, several documents, quoted keys, escapes and tags
    in a buf.yaml: read with go-yaml v3's meaning (hand-kept here; test_a_config_buf_accepts_lints_alike
    runs buf-bin over them too)."""
    code, out, err = _ours(_module(tmp_path, text), monkeypatch, capsys)
    assert (code, sorted(json.loads(line)["type"] for line in out.splitlines())) == (1 if rules else 0, rules), err


@pytest.mark.parametrize("text", ACCEPTED)
def test_a_config_buf_accepts_lints_alike(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = _module(tmp_path, text)
    code, out, err = _ours(root, monkeypatch, capsys)
    assert code in (0, 1), err
    if buf_binary() is not None:
        buf_code, buf_out, _ = _run_buf(root)
        assert {0: 0, 100: 1}[buf_code] == code
        assert sorted(buf_out.splitlines()) == sorted(out.splitlines())


@pytest.mark.parametrize("section", ["  use: [FILE]\n  except: [FILE]\n", "  use: [FIELD_NO_DELETE, PACKAGE]\n  except: [PACKAGE]\n"])
def test_a_breaking_section_that_leaves_no_rule_is_refused_as_buf_does(section: str, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """buf's "resultRules was empty" (exit 1): `breaking` with every rule of `use` in `except`."""
    root = _module(tmp_path, "version: v2\nbreaking:\n" + section)
    code, out, err = _ours(root, monkeypatch, capsys, "breaking", "--against", ".")
    assert (code, out) == (2, "") and "resultRules was empty" in err
    if buf_binary() is not None:
        buf_code, _, buf_err = _run_buf(root, "breaking", "--against", ".")
        assert buf_code == 1 and "resultRules was empty" in buf_err


# ---------------------------------------------------------------- modules with no .proto file

EMPTY = [  # (files: path -> text, buf's message)
    ({}, 'Module "path: "."" had no .proto files'),
    ({"buf.yaml": "version: v1\nbuild:\n  excludes: [acme/v1, acme/v2]\n", "acme/v1/acme.proto": PROTO},
     'Module "path: ".", excludes: ["acme/v1", "acme/v2"]" had no .proto files'),
    ({"buf.yaml": "version: v2\nmodules:\n  - path: c\n  - path: b\n", "c/acme/v1/acme.proto": PROTO},
     'Module "path: "b"" had no .proto files'),
    ({"buf.yaml": "version: v2\nmodules:\n  - path: a\n    includes: [a/q, a/r]\n    excludes: [a/q/z]\n",
      "a/acme/v1/acme.proto": PROTO},
     'Module "path: "a", includes: ["a/q", "a/r"], excludes: "a/q/z"" had no .proto files'),
    ({"buf.work.yaml": "version: v1\ndirectories: [c, b]\n", "c/acme/v1/acme.proto": PROTO},
     'Module "path: "b"" had no .proto files'),
    ({"buf.work.yaml": "version: v1\ndirectories: [a]\n", "a/buf.yaml": "version: v1\nbuild:\n  excludes: [x]\n",
      "a/x/acme.proto": PROTO}, 'Module "path: "a", excludes: "x"" had no .proto files'),
    ({"buf.yaml": "version: v1beta1\nbuild:\n  roots: [c]\n"}, 'Module "path: "."" had no .proto files'),
    ({"buf.yaml": "version: v1beta1\nbuild:\n  excludes: [a/x]\n", "a/x/acme.proto": PROTO},
     'Module "path: ".", excludes: "a/x"" had no .proto files'),
]


def _tree(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(("files", "message"), EMPTY, ids=[m for _, m in EMPTY])
def test_an_empty_module_is_bufs_usage_error(files: dict[str, str], message: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = _tree(tmp_path / "m", files)
    code, out, err = _ours(root, monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert message in err
    if buf_binary() is not None:
        assert _run_buf(root)[0] == 1 and f"Failure: {message}" in _run_buf(root)[2]


@pytest.mark.parametrize("empty_side", ["input", "against"])
def test_breaking_with_an_empty_side_is_a_usage_error(empty_side: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    full = _module(tmp_path / "full", "version: v2\n")
    empty = _tree(tmp_path / "empty", {"buf.yaml": "version: v2\n"})
    here, there = (empty, full) if empty_side == "input" else (full, empty)
    code, out, err = _ours(here, monkeypatch, capsys, "breaking", "--against", str(there))
    assert (code, out) == (2, "")
    assert 'Module "path: "."" had no .proto files' in err
    if buf_binary() is not None:
        assert _run_buf(here, "breaking", "--against", str(there))[0] == 1


# ---------------------------------------------------------------- fuzzed configs: same verdict as buf

BASES = [
    "version: v2\nlint:\n  use:\n    - STANDARD\n  except:\n    - FIELD_LOWER_SNAKE_CASE\n  service_suffix: Svc\n",
    "version: v1\nbuild:\n  excludes: [other]\nlint:\n  use: [DEFAULT, COMMENTS]\n  allow_comment_ignores: true\n",
    "version: v2\nmodules:\n  - path: .\n    lint:\n      use: [BASIC]\n      ignore_only:\n        COMMENTS: [acme]\n",
]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(BASES))
    lines = text.splitlines(keepends=True)
    how = draw(st.sampled_from(["truncate", "tab", "duplicate", "wrong_type", "unknown_key", "version", "drop"]))
    i = draw(st.integers(0, len(lines) - 1))
    if how == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if how == "tab":
        return "".join(lines[:i] + [lines[i].replace("  ", "\t", 1)] + lines[i + 1:])
    if how == "duplicate":
        return "".join(lines[: i + 1] + [lines[i]] + lines[i + 1:])
    if how == "wrong_type":
        key = lines[i].split(":")[0]
        value = draw(st.sampled_from(["[a]", "{a: b}", "x", "1", "true", "~", "''"]))
        return "".join(lines[:i] + [f"{key}: {value}\n"] + lines[i + 1:])
    if how == "unknown_key":
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip(" -"))].replace("-", " ")
        key = draw(st.sampled_from(["foo", "name", "deps", "plugins", "disable_builtin", "includes", "roots"]))
        return "".join(lines[: i + 1] + [f"{indent}{key}: {draw(st.sampled_from(['[]', 'x', 'true']))}\n"] + lines[i + 1:])
    if how == "version":
        return text.replace(text.split("\n")[0], f"version: {draw(st.sampled_from(['v1beta1', 'v1', 'v2', 'v3', '', 'V2']))}")
    return "".join(lines[:i] + lines[i + 1:])


@needs_buf
@settings(max_examples=int(os.environ.get("WB_LINT_EXAMPLES", "20")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated())
def test_fuzzed_configs_get_bufs_verdict(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    _assert_bufs_verdict(text, tmp_path_factory.mktemp("cfg"))


def _assert_bufs_verdict(text: str, where: Path) -> int:
    """`workbench lint` in a two-package module with `text` as its buf.yaml: buf's exit code and, where
    buf lints, its findings. Returns buf's exit code."""
    root = _module(where, text)
    (root / "other" / "v1").mkdir(parents=True)
    (root / "other" / "v1" / "other.proto").write_text(PROTO.replace("acme", "other").replace("Acme", "Other"))
    buf_code, buf_out, buf_err = _run_buf(root)
    done = subprocess.run([str(Path(buf_binary() or "buf").parent / "workbench"), "lint", "--error-format", "json"],
                          cwd=root, capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in done.stderr
    assert {0: 0, 100: 1, 1: 2}.get(buf_code) == done.returncode, (buf_err, done.stderr)
    if buf_code != 1:
        assert sorted(map(json.loads, buf_out.splitlines()), key=json.dumps) == \
            sorted(map(json.loads, done.stdout.splitlines()), key=json.dumps)
    return buf_code


# ---------------------------------------------------------------- one config, many YAML spellings

# configs buf accepts, each spelled by `spelled` in the YAML forms go-yaml v3 reads: keys plain, quoted
# or explicit (`? key` / `: value`), scalars plain, quoted, tagged or as block scalars (`|-`, `>-`, also
# as list items), lists in block or flow style (over several lines, with comments), maps in block,
# flow or compact style, comments and blank lines between, and a document start, end, directive,
# byte order mark or CRLF line ends around it
SPELLED = [
    {"version": "v2", "lint": {"use": ["BASIC"], "except": ["FIELD_LOWER_SNAKE_CASE"]}},
    {"version": "v2", "lint": {"use": ["BASIC", "COMMENTS"], "service_suffix": "Svc"}},
    {"version": "v1", "lint": {"use": ["DEFAULT"], "allow_comment_ignores": True, "ignore": ["other"]}},
    {"version": "v2", "modules": [{"path": ".", "lint": {"use": ["MINIMAL"]}}], "breaking": {"use": ["FILE"]}},
]


def _scalar_lines(draw: st.DrawFn, value: str, column: int, head: str) -> list[str]:
    """`head` followed by `value` as a scalar (its text lines at `column` for a block scalar)."""
    style = draw(st.sampled_from(["plain", "single", "double", "tagged", "literal", "folded", "broken"]))
    if style in ("literal", "folded"):
        indicator = ("|" if style == "literal" else ">") + "-"
        return [f"{head}{indicator}{draw(st.sampled_from(['', ' # text below']))}", " " * (column + 2) + value]
    if style == "broken":  # a double-quoted scalar broken over lines with an escaped line break
        cut = draw(st.integers(1, len(value)))
        return [f'{head}"{value[:cut]}\\', " " * (column + 2) + f'{value[cut:]}"']
    text = {"plain": value, "single": f"'{value}'", "double": f'"{value}"', "tagged": f"!!str {value}"}[style]
    return [f"{head}{text}"]


def _flow(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return str(value)


def _node_lines(draw: st.DrawFn, value: object, column: int, head: str) -> list[str]:
    """`head` (a key with its colon, or a `- ` / `: ` indicator) and `value` after it, in a drawn style."""
    pad = " " * column
    if isinstance(value, bool):
        return [head + str(value).lower()]  # quoted, it would be a string, which buf refuses for a bool
    if isinstance(value, str):
        return _scalar_lines(draw, value, column, head)
    if isinstance(value, list):
        style = draw(st.sampled_from(["flow", "flow-lines", "block", "block-same"]))
        if style == "flow":
            return [head + _flow(value)]
        if style == "flow-lines":
            return [head + "[ # listed below", *(f"{pad}    {_flow(v)}, # item" for v in value), pad + "  ]"]
        # a block list may sit at its key's (or explicit `:`'s) indentation, not at a list item's
        inner = column if style == "block-same" and head.endswith(": ") and not head.strip().startswith("-") \
            else column + 2
        out = [head.rstrip()]
        for item in value:
            out += _node_lines(draw, item, inner + 2, " " * inner + "- ")
        return out
    assert isinstance(value, dict)
    if draw(st.booleans()) and all(not isinstance(v, dict) for v in value.values()):
        return [head + _flow(value)]
    return [head.rstrip(), *_map_lines(draw, value, column + 2)]


def _map_lines(draw: st.DrawFn, mapping: dict[str, object], column: int) -> list[str]:
    pad = " " * column
    out: list[str] = []
    for key, value in mapping.items():
        style = draw(st.sampled_from(["plain", "plain", "single", "double", "explicit"]))
        if draw(st.integers(0, 5)) == 0:
            out.append(pad + "# a comment line")
        if style == "explicit":
            out.append(f"{pad}? {key}")
            out += _node_lines(draw, value, column, pad + ": ")
            continue
        shown = {"plain": key, "single": f"'{key}'", "double": f'"{key}"'}[style]
        out += _node_lines(draw, value, column, f"{pad}{shown}: ")
    return out


@st.composite
def spelled(draw: st.DrawFn) -> str:
    lines = _map_lines(draw, draw(st.sampled_from(SPELLED)), 0)
    start = draw(st.sampled_from(["", "---\n", "--- # start\n", "%YAML 1.1\n---\n", "%TAG ! tag:x,2000:\n--- !!map\n"]))
    end = draw(st.sampled_from(["", "...\n", "---\nlint: {use: [STANDARD]}\n", "\n\n# the end\n"]))
    text = start + "\n".join(lines) + "\n" + end
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if draw(st.booleans()) else "") + text


@needs_buf
@settings(max_examples=int(os.environ.get("WB_LINT_EXAMPLES", "20")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=spelled())
def test_configs_spelled_any_way_go_yaml_reads_lint_as_buf(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    assert _assert_bufs_verdict(text, tmp_path_factory.mktemp("spelled")) in (0, 100)  # buf accepts each spelling


@pytest.mark.parametrize("buf_yaml", [
    "version: v1\nbuild:\n  excludes: [dep]\n",
    "version: v2\nmodules:\n  - path: .\n    excludes: [dep]\n",
    "version: v2\nmodules:\n  - path: .\n    includes: [acme]\n",
])
def test_an_import_of_an_excluded_file_fails_the_build_as_in_buf(buf_yaml: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """protoc finds an excluded file on the include path; buf does not (it is in no module): the
    importer fails to build, at its import statement."""
    root = _tree(tmp_path / "m", {
        "buf.yaml": buf_yaml,
        "dep/v1/dep.proto": 'syntax = "proto3";\n\npackage dep.v1;\n\n// Dep.\nmessage Dep {}\n',
        "acme/v1/acme.proto": 'syntax = "proto3";\n\npackage acme.v1;\n\nimport "dep/v1/dep.proto";\n\n'
                              "// Acme.\nmessage Acme {\n  // Dep.\n  dep.v1.Dep dep = 1;\n}\n",
    })
    code, out, _ = _ours(root, monkeypatch, capsys)
    assert code == 2  # buf's COMPILE line on stdout (--error-format json), in buf's words and span
    assert {"path": "acme/v1/acme.proto", "start_line": 5, "start_column": 1, "end_line": 5, "end_column": 27,
            "type": "COMPILE", "message": "imported file does not exist"} in map(json.loads, out.splitlines())
    if buf_binary() is not None:
        buf_code, buf_out, _ = _run_buf(root)
        found = [json.loads(line) for line in buf_out.splitlines()]
        assert buf_code == 100
        assert {"path": "acme/v1/acme.proto", "start_line": 5, "start_column": 1, "end_line": 5, "end_column": 27,
                "type": "COMPILE", "message": "imported file does not exist"} in found


WORK_REFUSED = [  # (buf.work.yaml, what buf 1.75 says after "Failure: decode buf.work.yaml: ")
    ("directories: [a]\n", '"version" is not set. Please add "version: v1"'),
    ("version: v1\n", "directories is empty"),
    ("version: v2\ndirectories: [a]\n", "v2 is not supported for buf.work.yaml files"),
    ("version: v1\ndirectories: [a]\nfoo: 1\n", "line 3: field foo not found"),
    ("version: v1\ndirectories: a\n", "line 2: cannot unmarshal !!str `a` into []string"),
    ("version: v1\ndirectories: [a, a]\n", 'directory "a" is listed more than once'),
    ("version: v1\ndirectories: [.]\n", 'directory "." is listed'),
    ("version: v1\ndirectories:\n\t- a\n", "found character that cannot start any token"),
]


@pytest.mark.parametrize(("text", "buf_says"), WORK_REFUSED, ids=[t for t, _ in WORK_REFUSED])
def test_a_workspace_buf_refuses_is_a_usage_error(text: str, buf_says: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = _tree(tmp_path / "w", {"buf.work.yaml": text, "a/acme/v1/acme.proto": PROTO})
    code, out, err = _ours(root, monkeypatch, capsys)
    assert (code, out) == (2, "") and "buf.work.yaml" in err
    if buf_says.startswith("line "):
        assert buf_says.split(":")[0] in err
    if buf_binary() is not None:
        buf_code, _, buf_err = _run_buf(root)
        assert buf_code == 1 and buf_says in buf_err


def test_an_excluded_vendored_well_known_type_is_still_importable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """buf has the well-known types of its own: excluding a vendored copy breaks no import."""
    root = _tree(tmp_path / "m", {
        "buf.yaml": "version: v1\nbuild:\n  excludes: [google]\n",
        "google/protobuf/empty.proto": 'syntax = "proto3";\npackage google.protobuf;\nmessage Empty {}\n',
        "acme/v1/acme.proto": 'syntax = "proto3";\n\npackage acme.v1;\n\nimport "google/protobuf/empty.proto";\n\n'
                              "message Acme {\n  google.protobuf.Empty e = 1;\n}\n",
    })
    code, out, err = _ours(root, monkeypatch, capsys)
    assert code == 0 and not out, err
    if buf_binary() is not None:
        assert _run_buf(root)[0] == 0


@pytest.mark.parametrize(("text", "buf_says"), [c for c in REFUSED if c[1].startswith("line ")][:6],
                         ids=[t for t, said in REFUSED if said.startswith("line ")][:6])
def test_a_contracts_repositorys_buf_yaml_is_decoded_as_bufs_own(text: str, buf_says: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A contracts repository's buf.yaml (proto/ beside sql/) is read by the same strict decode as a buf
    module's: `workbench lint`, `workbench breaking` and `workbench check`'s proto lint all name its
    line, and lint and breaking exit 2."""
    from workbench.checks.proto_lint import house_config

    line = buf_says.split(":")[0]
    for side in ("before", "after"):
        _module(tmp_path / side / "proto", text)
        (tmp_path / side / "sql").mkdir()
    code, out, err = _ours(tmp_path / "after", monkeypatch, capsys)
    assert (code, out) == (2, "") and "buf.yaml" in err and line in err
    code, out, err = _ours(tmp_path / "after", monkeypatch, capsys, "breaking", ".", "--against", "../before")
    assert (code, out) == (2, "") and "buf.yaml" in err and line in err

    class Model:  # what house_config reads of a loaded repository
        root = tmp_path / "after"

        class config:  # noqa: N801 - the attribute's name on the real model
            proto_dir = "proto"

    with pytest.raises(ValueError, match=line):
        house_config(Model)
