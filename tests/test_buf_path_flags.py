"""buf's file selection and config flags on `workbench lint` and `workbench breaking`: --path,
--exclude-path, --exclude-imports, --limit-to-input-files, --config, --against-config.

Each row is a command line run in a small tree built here, with what buf 1.75 printed for it
(`--error-format text`), kept by hand so the test means something without buf-bin; where buf-bin
is installed it is run too and must still print exactly that. buf's usage errors ("Failure: ...",
exit 1) are ours as "workbench <command>: ..." with exit 2; its findings' exit 100 is our 1.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from skips import need_tool

from workbench.breaking.bufcli import buf_executable
from workbench.breaking.layout import NO_TARGETS
from workbench.cli.main import main

V1_A = 'syntax="proto3";\npackage acme.v1;\nimport "other/c.proto";\nmessage foo_bar { string X = 1; other.lower l = 2; }\n'
V1_A_AFTER = 'syntax="proto3";\npackage acme.v1;\nimport "other/c.proto";\nmessage foo_bar { other.lower l = 2; }\n'
V2_B = 'syntax="proto3";\npackage acme.v2;\nmessage baz_q { string Y = 1; }\n'
C = 'syntax="proto3";\npackage other;\nmessage lower { string Z = 1; }\n'
C_AFTER = 'syntax="proto3";\npackage other;\nmessage lower { int32 Z = 1; }\n'

LINT_A = ['acme/v1/a.proto:4:9:Message name "foo_bar" should be PascalCase, such as "FooBar".',
          'acme/v1/a.proto:4:26:Field name "X" should be lower_snake_case, such as "x".']
LINT_B = ['acme/v2/b.proto:3:9:Message name "baz_q" should be PascalCase, such as "BazQ".',
          'acme/v2/b.proto:3:24:Field name "Y" should be lower_snake_case, such as "y".']
LINT_C = ['other/c.proto:2:1:Package name "other" should be suffixed with a correctly formed version, such as '
          '"other.v1".',
          'other/c.proto:3:9:Message name "lower" should be PascalCase, such as "Lower".',
          'other/c.proto:3:24:Field name "Z" should be lower_snake_case, such as "z".']
DELETED_B = '<input>:1:1:Previously present file "acme/v2/b.proto" was deleted.'
DELETED_X = 'acme/v1/a.proto:4:1:Previously present field "1" with name "X" on message "foo_bar" was deleted.'
C_TYPE = 'other/c.proto:3:17:Field "1" with name "Z" on message "lower" changed type from "string" to "int32".'
OUTSIDE = "{}: is outside the context directory"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                   check=True, capture_output=True)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """m/: a v2 module (acme/v1 imports other/); repo/: a git repository whose working tree deletes
    acme/v2, a field of acme/v1 and changes a type in other/ since its commit; w/: a v2 workspace
    with modules proto/ and vendor/."""
    before = {"buf.yaml": "version: v2\nlint:\n  use: [STANDARD]\n", "acme/v1/a.proto": V1_A,
              "acme/v2/b.proto": V2_B, "other/c.proto": C}
    write(tmp_path / "m", before)
    repo = tmp_path / "repo"
    write(repo, before)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    (repo / "acme/v2/b.proto").unlink()
    write(repo, {"acme/v1/a.proto": V1_A_AFTER, "other/c.proto": C_AFTER,
                 "new/n.proto": 'syntax="proto3";\npackage nn;\n'})
    write(tmp_path, {"lint-only-suffix.yaml": "version: v2\nlint:\n  use: [PACKAGE_VERSION_SUFFIX]\n"})
    write(tmp_path / "w", {"buf.yaml": "version: v2\nmodules:\n  - path: proto\n  - path: vendor\n",
                           "proto/acme/a.proto": 'syntax="proto3";\npackage acme.v1;\nmessage Ab {}\n',
                           "vendor/v/v1/v.proto": 'syntax="proto3";\npackage v.v1;\nmessage bad_name {}\n'})
    return tmp_path


AGAINST = ["--against", ".git#branch=main"]
# (folder to run in, arguments, buf's lines on stdout or its Failure message, buf's exit code)
ROWS: list[tuple[str, list[str], list[str] | str, int]] = [
    ("m", ["lint", "--path", "acme/v1"], LINT_A, 100),
    ("m", ["lint", "--path", "acme/v1/a.proto"], LINT_A, 100),  # a single file
    ("m", ["lint", "--path", "./acme/v1/"], LINT_A, 100),
    ("m", ["lint", "--path", "acme/v1/../v2"], LINT_B, 100),  # `..` inside the input
    ("m", ["lint", "--path=acme", "--exclude-path", "acme/v1"], LINT_B, 100),
    ("m", ["lint", "--path", "acme/v2", "--path", "other"], LINT_B + LINT_C, 100),  # repeated: the union
    ("m", ["lint", "--exclude-path", "acme", "--exclude-path", "nope"], LINT_C, 100),
    ("m", ["lint", "--path", "nope"], NO_TARGETS, 1),
    ("m", ["lint", "--path", "acme/v"], NO_TARGETS, 1),  # a name prefix is not a folder
    ("m", ["lint", "--path", "buf.yaml"], NO_TARGETS, 1),
    ("m", ["lint", "--path", "../x"], OUTSIDE.format("../x"), 1),
    ("m", ["lint", "--path", "."], "given input is equal to a value of --path, this has no effect and is disallowed", 1),
    ("m", ["lint", "--exclude-path", "."],
     'given input "." is equal to a value of --exclude-path ".", this would exclude everything', 1),
    ("m", ["lint", "--path", "acme/v1", "--exclude-path", "acme/v1/"],
     'cannot set the same path for both --path and --exclude-path: "acme/v1"', 1),
    ("m", ["lint", "--path", "acme/v1", "--exclude-path", "acme"],
     'excluded path "acme" contains targeted path "acme/v1", which means all paths in "acme/v1" will be excluded', 1),
    (".", ["lint", "m", "--path", "m/acme/v1"], ["m/" + line for line in LINT_A], 100),
    (".", ["lint", "m", "--path", "acme/v1"], OUTSIDE.format("../acme/v1"), 1),  # relative to the current directory
    ("w", ["lint", "--path", "vendor/v/v1/v.proto"],
     ['vendor/v/v1/v.proto:3:9:Message name "bad_name" should be PascalCase, such as "BadName".'], 100),
    ("w", ["lint", "--path", "proto"],
     'module "proto" was specified with --path, specify this module path directly as an input', 1),
    ("w", ["lint", "--exclude-path", "vendor/"],
     'module "vendor" was specified with --exclude-path, this flag cannot be used to specify module directories', 1),
    ("repo", ["breaking", *AGAINST, "--path", "acme"], [DELETED_B, DELETED_X, C_TYPE], 100),  # imports compared
    ("repo", ["breaking", *AGAINST, "--path", "acme/v1", "--exclude-imports"], [DELETED_X], 100),
    ("repo", ["breaking", *AGAINST, "--exclude-path", "other", "--exclude-path", "new"],
     [DELETED_B, DELETED_X, C_TYPE], 100),
    ("repo", ["breaking", *AGAINST, "--exclude-path", "other", "--exclude-imports"], [DELETED_B, DELETED_X], 100),
    ("repo", ["breaking", *AGAINST, "--path", "other"], [C_TYPE], 100),
    ("repo", ["breaking", *AGAINST, "--limit-to-input-files"], [DELETED_X, C_TYPE], 100),
    ("repo", ["breaking", *AGAINST, "--path", "acme", "--limit-to-input-files"], [DELETED_X, C_TYPE], 100),
    ("repo", ["breaking", *AGAINST, "--path", "acme/v2"], NO_TARGETS, 1),  # gone from the input
    ("repo", ["breaking", *AGAINST, "--path", "new"], NO_TARGETS, 1),  # not yet in the against input
    ("repo", ["breaking", *AGAINST, "--path", "../x"], OUTSIDE.format("../x"), 1),
    ("repo", ["breaking", "--against", "../m", "--path", "acme"], OUTSIDE.format("../repo/acme"), 1),
]
WIRE_X = ('acme/v1/a.proto:4:1:Previously present field "1" with name "X" on message "foo_bar" was deleted '
          'without reserving the number "1".')
WIRE_C = ('other/c.proto:3:17:Field "1" with name "Z" on message "lower" changed type from "string" to "int32". '
          "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.")
ROWS += [
    ("m", ["lint", "--config", '{"version":"v2","lint":{"use":["MINIMAL"]}}'], [], 0),  # JSON data
    ("m", ["lint", "--config", "version: v1\nlint:\n  use: [FIELD_LOWER_SNAKE_CASE]"],
     [LINT_A[1], LINT_B[1], LINT_C[2]], 100),  # YAML data
    ("m", ["lint", "--config", "../lint-only-suffix.yaml"], [LINT_C[0]], 100),  # a file
    ("m", ["lint", "--config", "nope.yaml"], "could not read file: open nope.yaml: no such file or directory", 1),
    ("m", ["lint", "--config", ""], LINT_A + LINT_B + LINT_C, 100),  # empty: the input's own
    ("w", ["lint", "--config", '{"version":"v2","modules":[{"path":"vendor"}]}'],  # the workspace on disk unread
     ['vendor/v/v1/v.proto:3:9:Message name "bad_name" should be PascalCase, such as "BadName".'], 100),
    ("m", ["lint", "--config", '{"version":"v2","lint":{"use":["MINIMAL"]}}', "--path", "acme"], [], 0),
    ("repo", ["breaking", *AGAINST, "--config", '{"version":"v2","breaking":{"ignore":["other"]}}'],
     [DELETED_B, DELETED_X], 100),
    ("repo", ["breaking", *AGAINST, "--config", '{"version":"v2","breaking":{"use":["WIRE"]}}'], [WIRE_X, WIRE_C], 100),
    ("repo", ["breaking", *AGAINST, "--against-config", '{"version":"v2","breaking":{"use":["WIRE"]}}'],
     [DELETED_B, DELETED_X, C_TYPE], 100),  # the against input's config sets no rules
    ("repo", ["breaking", *AGAINST, "--against-config", "nope.json"],
     "could not read file: open nope.json: no such file or directory", 1),
]
PDM = ('acme/a.proto:2:1:Files with package "acme.v1" must be within a directory "acme/v1" relative to root but were '
       'in directory "acme".')
ROWS += [
    # the workspace as the input from a module folder, as the refusal of a folder input says to do:
    # files are named from the current directory, back down into it
    ("w/proto", ["lint", "..", "--path", "acme"], [PDM], 100),
    ("w/proto", ["lint", ".."], [PDM, '../vendor/v/v1/v.proto:3:9:Message name "bad_name" should be PascalCase, '
                                      'such as "BadName".'], 100),
    ("m", ["lint", "--path=", "--path", "other", "--exclude-path="], LINT_C, 100),  # empty values: ignored
]
ABSOLUTE_IN_GIT = "{}: expected to be relative"  # an absolute path, read into the git input as it is


def _ids() -> list[str]:
    return [f"{cwd}:{' '.join(args)}" for cwd, args, _, _ in ROWS]


def _want(expected: list[str] | str, code: int) -> tuple[int, str, str]:
    if isinstance(expected, str):
        return 2, "", expected
    return (1 if code == 100 else 0), "".join(line + "\n" for line in sorted(expected)), ""


@pytest.mark.parametrize(("cwd", "args", "expected", "code"), ROWS, ids=_ids())
def test_ours(cwd: str, args: list[str], expected: list[str] | str, code: int, tree: Path,
              monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tree / cwd)
    extra = ["--error-format", "text"] if args[0] == "breaking" else []
    got = main([*args, *extra])
    out, err = capsys.readouterr()
    want_code, want_out, want_err = _want(expected, code)
    assert "Traceback" not in err
    assert got == want_code, err
    assert "".join(line + "\n" for line in sorted(out.splitlines())) == want_out
    if want_err:
        assert err == f"workbench {args[0]}: {want_err}\n"


@pytest.mark.parametrize(("cwd", "args", "expected", "code"), ROWS, ids=_ids())
def test_buf_still_prints_it(cwd: str, args: list[str], expected: list[str] | str, code: int, tree: Path) -> None:
    buf = buf_executable()
    need_tool(buf, "buf-bin is not installed: pip install -e '.[test]'")
    done = subprocess.run([str(buf), *args], cwd=tree / cwd, capture_output=True, text=True, check=False,
                          timeout=300)
    assert done.returncode == code, done.stderr
    if isinstance(expected, str):
        assert done.stderr.strip() == f"Failure: {expected}"
    else:
        assert sorted(done.stdout.splitlines()) == sorted(expected)


def test_an_absolute_path_into_a_git_input(tree: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The input (the current directory) takes it; the git against input cannot place it (buf too)."""
    monkeypatch.chdir(tree / "repo")
    path = str(tree / "repo" / "acme")
    assert main(["breaking", *AGAINST, "--path", path, "--error-format", "text"]) == 2
    assert capsys.readouterr().err == f"workbench breaking: {ABSOLUTE_IN_GIT.format(path)}\n"
    buf = buf_executable()
    if buf:
        done = subprocess.run([str(buf), "breaking", *AGAINST, "--path", path], cwd=tree / "repo",
                              capture_output=True, text=True, check=False, timeout=300)
        assert done.stderr.strip() == f"Failure: {ABSOLUTE_IN_GIT.format(path)}"


@pytest.mark.parametrize(("path", "expected"), [
    ("m/acme/v1", LINT_A),  # an absolute path inside the input
    ("repo/acme", OUTSIDE.format("../repo/acme")),  # beside it
    ("/etc", ""),  # far outside: the message names it relative to the input
])
def test_absolute_paths(path: str, expected: list[str] | str, tree: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    import os

    absolute = path if path.startswith("/") else str(tree / path)
    if expected == "":
        expected = OUTSIDE.format(os.path.relpath(path, tree / "m"))
    monkeypatch.chdir(tree / "m")
    code = main(["lint", "--path", absolute])
    out, err = capsys.readouterr()
    want_code, want_out, want_err = _want(expected, 100 if isinstance(expected, list) else 1)
    got_out = "".join(line + "\n" for line in sorted(out.splitlines()))
    assert (code, got_out, err) == (want_code, want_out, f"workbench lint: {want_err}\n" if want_err else "")
    buf = buf_executable()
    if buf:
        done = subprocess.run([str(buf), "lint", "--path", absolute], cwd=tree / "m", capture_output=True, text=True,
                              check=False, timeout=300)
        assert sorted((done.stdout + done.stderr).splitlines()) == sorted(want_out.splitlines() or [f"Failure: {want_err}"])


@pytest.mark.parametrize("command", ["lint", "breaking"])
@pytest.mark.parametrize("given", ["file", "data"])
def test_a_config_that_does_not_parse_is_a_usage_error(command: str, given: str, tree: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Named (the file, or --config) with its line, exit 2, no traceback. buf's words differ (Go's
    JSON then YAML errors: `decode config file: invalid character ...`)."""
    text = "version: v2\nlint: [\n"
    (tree / "bad.yaml").write_text(text)
    monkeypatch.chdir(tree / ("m" if command == "lint" else "repo"))
    value = str(tree / "bad.yaml") if given == "file" else text
    extra = AGAINST if command == "breaking" else []
    assert main([command, *extra, "--config", value]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    shown = str(tree / "bad.yaml") if given == "file" else "--config"
    assert err.startswith(f"workbench {command}: {shown}: line 2: "), err


M_IGNORE_YAML = """version: v1
lint:
  ignore_only:
    FIELD_LOWER_SNAKE_CASE:
      - acme/v1/a.proto
      - acme/v2/b.proto
      - other/c.proto
    MESSAGE_PASCAL_CASE:
      - acme/v1/a.proto
      - acme/v2/b.proto
      - other/c.proto
    PACKAGE_VERSION_SUFFIX:
      - other/c.proto
"""
# module-relative names (v/v1/v.proto, not vendor/v/v1/v.proto), `version: v1` for a v2 workspace
W_IGNORE_YAML = """version: v1
lint:
  ignore_only:
    MESSAGE_PASCAL_CASE:
      - v/v1/v.proto
    PACKAGE_DIRECTORY_MATCH:
      - acme/a.proto
"""


@pytest.mark.parametrize(("cwd", "args", "want", "code"), [
    ("m", [], M_IGNORE_YAML, 1),
    (".", ["m"], M_IGNORE_YAML, 1),  # named in its module, not from the current directory
    ("m", ["--path", "other"], M_IGNORE_YAML.replace("      - acme/v1/a.proto\n      - acme/v2/b.proto\n", ""), 1),
    ("w", [], W_IGNORE_YAML, 1),
    ("m", ["--config", '{"version":"v2","lint":{"use":["MINIMAL"]}}'], "", 0),  # nothing: not even the header
])
def test_config_ignore_yaml(cwd: str, args: list[str], want: str, code: int, tree: Path,
                            monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tree / cwd)
    assert main(["lint", *args, "--error-format", "config-ignore-yaml"]) == code
    assert capsys.readouterr().out == want
    buf = buf_executable()
    if buf:
        done = subprocess.run([str(buf), "lint", *args, "--error-format", "config-ignore-yaml"], cwd=tree / cwd,
                              capture_output=True, text=True, check=False, timeout=300)
        assert (done.returncode, done.stdout) == (100 if code else 0, want)
