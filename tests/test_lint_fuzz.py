"""Random buf modules linted by `workbench lint` and by buf-bin: every line the same.

A module is drawn as a few packages (version suffixes buf calls stable, unstable or malformed:
v1, v1alpha1, v1beta, v1test, v2p1alpha, none), each in a directory that does or does not match
it, with files setting the options PACKAGE_SAME_* compare; names in the shapes buf's casing
rules split differently (digits, leading, doubled and trailing underscores); enums whose values
have or lack the prefix and the zero suffix; services whose RPCs take standard, foreign or
google.protobuf.Empty types; comments leading, trailing, detached, empty (`//`) or a
`buf:lint:ignore`; and a config drawn from the categories and options of buf.yaml v1 and v2.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from skips import need_tool
from test_proto_lint import buf_binary

from workbench.contracts.proto_compile import compile_protos

PACKAGES = ["acme.v1", "acme.v1alpha1", "acme.v1beta", "acme.v1test", "acme.v2p1alpha", "acme", "acme.shop.v1beta1",
            "Acme.V1", "acme_co.v1", "acme.v0"]
NAMES = ["Order", "order", "ORDER", "order_item", "OrderItem", "Order2", "order2_b", "f1_a", "_x", "x__y", "x_", "fooBar",
         "A1b", "a1B", "HTTPServer", "get_v2_thing", "Foo_Bar"]
VALUE_NAMES = ["UNSPECIFIED", "KIND_UNSPECIFIED", "KIND_UNKNOWN", "KIND_A", "A", "kind_b", "KIND_2", "KINDA_C", "Kind_D",
               "KIND__E", "KIND_NONE"]
COMMENTS = ["", "// Doc.\n", "//\n", "// \n", "/* Block. */\n", "// Detached.\n\n", "// buf:lint:ignore COMMENT_MESSAGE\n",
            "// buf:lint:ignore FIELD_LOWER_SNAKE_CASE\n// Doc too.\n", "// buf:lint:ignore\n",
            # buf matches a line's start: a second ID, a comma, text or more letters after the ID still
            # ignore it, a tab or two spaces after `ignore` do not; Go trims neither U+001C nor a line
            # split at U+2028 or a lone CR
            "// buf:lint:ignore COMMENT_MESSAGE MESSAGE_PASCAL_CASE\n", "// buf:lint:ignore MESSAGE_PASCAL_CASE, why\n",
            "// buf:lint:ignore FIELD_LOWER_SNAKE_CASEX\n", "// buf:lint:ignore\tCOMMENT_FIELD\n",
            "// buf:lint:ignore  COMMENT_MESSAGE\n", "// \x1cbuf:lint:ignore MESSAGE_PASCAL_CASE\n",
            "// Doc\u2028buf:lint:ignore FIELD_LOWER_SNAKE_CASE\n", "// \u3000buf:lint:ignore COMMENT_FIELD\n"]
TRAILING = ["", " // trailing", " //", " /* t */"]
CONFIGS = [
    "version: v2\nlint:\n  use: [STANDARD, COMMENTS]\n",
    "version: v2\nlint:\n  use: [MINIMAL, UNARY_RPC, COMMENTS]\n  disallow_comment_ignores: true\n",
    "version: v2\nlint:\n  use: [STANDARD]\n  enum_zero_value_suffix: _UNKNOWN\n  service_suffix: API\n"
    "  rpc_allow_same_request_response: true\n  rpc_allow_google_protobuf_empty_requests: true\n",
    "version: v1\nlint:\n  use: [DEFAULT, COMMENTS, UNARY_RPC, PACKAGE_NO_IMPORT_CYCLE]\n  allow_comment_ignores: true\n",
    "version: v1\nlint:\n  use: [BASIC, FILE_LOWER_SNAKE_CASE]\n  rpc_allow_google_protobuf_empty_responses: true\n",
    "version: v1beta1\nlint:\n  use: [DEFAULT, COMMENTS]\n",
    None,
]


@st.composite
def enum(draw: st.DrawFn, name: str) -> str:
    values = draw(st.lists(st.sampled_from(VALUE_NAMES), min_size=1, max_size=4, unique=True))
    lines = [f"{draw(st.sampled_from(COMMENTS))}enum {name} {{"]
    for i, value in enumerate(values):
        lines.append(f"  {draw(st.sampled_from(COMMENTS))}  {value} = {i};{draw(st.sampled_from(TRAILING))}")
    return "\n".join(lines) + "\n}\n"


@st.composite
def message(draw: st.DrawFn, name: str) -> str:
    fields = draw(st.lists(st.sampled_from(NAMES), min_size=0, max_size=4, unique_by=str.lower))
    lines = [f"{draw(st.sampled_from(COMMENTS))}message {name} {{"]
    for i, field in enumerate(fields, 1):
        lines.append(f"  {draw(st.sampled_from(COMMENTS))}  string {field} = {i};{draw(st.sampled_from(TRAILING))}")
    if draw(st.booleans()):
        lines.append(f"  {draw(st.sampled_from(COMMENTS))}  oneof {draw(st.sampled_from(NAMES)).lower()}_choice {{ int32 "
                     f"picked = {len(fields) + 1}; }}")
    return "\n".join(lines) + "\n}\n"


@st.composite
def proto_file(draw: st.DrawFn, package: str, index: int) -> str:
    parts = ['syntax = "proto3";', "", f"package {package};", ""]
    uses_empty = draw(st.booleans())
    if uses_empty:
        parts += ['import "google/protobuf/empty.proto";', ""]
    for option, values in (("go_package", ['"x/a"', '"x/b"']), ("java_package", ['"com.a"', '"com.b"']),
                           ("csharp_namespace", ['"A"', '"B"']), ("java_multiple_files", ["true", "false"])):
        if draw(st.booleans()):
            parts.append(f"option {option} = {draw(st.sampled_from(values))};")
    names = draw(st.lists(st.sampled_from(["Get", "ListThings", "get_thing", "Do2"]), max_size=3, unique=True))
    parts.append(draw(enum(f"Kind{index}")))
    parts.append(draw(message(f"Thing{index}")))
    for rpc in names:
        parts.append(f"message {rpc}Request {{}}\nmessage {rpc}Response {{}}")
    if names:
        service = draw(st.sampled_from(["ThingService", "Things", "ThingAPI", "thing_service"]))
        lines = [f"{draw(st.sampled_from(COMMENTS))}service {service}{index} {{"]
        for rpc in names:
            request = draw(st.sampled_from([f"{rpc}Request", f"Thing{index}"] +
                                           (["google.protobuf.Empty"] if uses_empty else [])))
            response = draw(st.sampled_from([f"{rpc}Response", f"Thing{index}", f"{rpc}Request"] +
                                            (["google.protobuf.Empty"] if uses_empty else [])))
            stream = draw(st.sampled_from(["", "stream "]))
            lines.append(f"  {draw(st.sampled_from(COMMENTS))}  rpc {rpc}({stream}{request}) returns ({response});")
        parts.append("\n".join(lines) + "\n}\n")
    return "\n".join(parts)


@st.composite
def module(draw: st.DrawFn) -> dict[str, str]:
    files: dict[str, str] = {}
    config = draw(st.sampled_from(CONFIGS))
    if config is not None:
        files["buf.yaml"] = config
    for i in range(draw(st.integers(1, 4))):
        package = draw(st.sampled_from(PACKAGES))
        directory = draw(st.sampled_from([package.replace(".", "/"), package.replace(".", "/").lower(), "misc",
                                          "acme/v1", "."]))
        # and names that are not ASCII: buf's snake case looks at single bytes around a capital and
        # takes Go's categories and simple lower case (Ⅸ is no capital, İ lowers to i, Σ never to ς)
        base = draw(st.sampled_from(["thing", "Thing", "thing_v2", "thing-x", "\u0391\u03a3", "a\u2168b", "\u0130x",
                                     "x\u00b5Y", "\u00c0\u00c0b", "\U0001d400b", "x\u0661Y", "\u01c4a"]))
        path = f"{directory}/{base}{i}.proto" if directory != "." else f"{base}{i}.proto"
        files[path] = draw(proto_file(package, i))
    return files


OTHER = 'syntax = "proto3";\n\npackage other.v1;\n\n// Other.\nmessage Other {}\n'


def in_workspace(files: dict[str, str], per_module: bool = False) -> dict[str, str]:
    """The module as the folder `m` of a workspace beside a module `other`: a v2 buf.yaml's config
    becomes the workspace's (both modules; `per_module`: the module's own `lint` section in its
    `modules` entry, `other` with the defaults), a v1/v1beta1 one (or none) stays the module's own
    under a buf.work.yaml."""
    out = {f"m/{name}": text for name, text in files.items() if name != "buf.yaml"}
    out["other/other.proto"] = OTHER
    config = files.get("buf.yaml")
    if config is not None and config.startswith("version: v2\n") and per_module:
        section = "".join(f"    {line}\n" for line in config.removeprefix("version: v2\n").splitlines())
        out["buf.yaml"] = f"version: v2\nmodules:\n  - path: m\n{section}  - path: other\n"
    elif config is not None and config.startswith("version: v2\n"):
        out["buf.yaml"] = config.replace("version: v2\n", "version: v2\nmodules:\n  - path: m\n  - path: other\n", 1)
    else:
        out["buf.work.yaml"] = "version: v1\ndirectories: [m, other]\n"
        if config is not None:
            out["m/buf.yaml"] = config
    return out


@settings(max_examples=int(os.environ.get("WB_LINT_EXAMPLES", "10")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=module(), placement=st.sampled_from(["here", "here", "module folder", "input path"]))
def test_random_modules_lint_as_buf_lints_them(files: dict[str, str], placement: str,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    """`placement`: the module linted in its own folder, or as a workspace's module, linted from the
    module's folder (the workspace above configures it) or from the workspace with the folder as input."""
    need_tool(buf_binary(), "buf (PyPI buf-bin) is not installed: pip install -e '.[test]'")
    assert_lints_as_buf(files, files, placement, tmp_path_factory.mktemp("mod"))


def assert_lints_as_buf(files: dict[str, str], in_ws: dict[str, str], placement: str, root: Path,
                        flags: tuple[tuple[str, str], ...] = (), error_format: str = "json",
                        per_module: bool = False) -> None:
    """`files` linted by buf and by us, in `root` ("here") or as the module `m` of a workspace holding
    `in_ws` (the files as a workspace's config names them); `flags`: (--path or --exclude-path, a path
    in the module), given as the command line names it from where it runs."""
    protos = sorted(n for n in files if n.endswith(".proto"))
    if compile_protos(_written(root / "alone", files), protos).descriptor_set is None:
        event("protoc refuses")
        return  # protoc refuses the draw (two packages' types clash): nothing to compare
    cwd, args = root / "alone", list[str]()
    if placement != "here":
        _written(root / "ws", in_workspace(in_ws, per_module))
        cwd, args = (root / "ws" / "m", []) if placement == "module folder" else (root / "ws", ["m"])
    for flag, path in flags:
        args += [flag, f"m/{path}" if placement == "input path" else path]
    buf = subprocess.run([buf_binary() or "buf", "lint", *args, "--error-format", error_format], cwd=cwd,
                         capture_output=True, text=True, timeout=120, check=False)
    ours = subprocess.run([str(Path(buf_binary() or "buf").parent / "workbench"), "lint", *args, "--error-format",
                           error_format], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    if "is not a known rule or category ID" in buf.stderr:
        event("buf refuses the config")
        assert ours.returncode == 2, ours.stderr  # buf's exit 1 (a usage error) is our 2
        return
    if buf.returncode not in (0, 100) or '"type":"COMPILE"' in buf.stdout:
        event("buf refuses")
        return  # buf refuses what protoc took (a duplicate across files it checks first): not lint's concern
    assert "Traceback" not in ours.stderr
    event("compared")
    assert {0: 0, 100: 1}[buf.returncode] == ours.returncode, ours.stderr
    if error_format == "json":
        key = json.dumps
        assert sorted(map(json.loads, _one_cycle(ours.stdout).splitlines()), key=key) == \
            sorted(map(json.loads, _one_cycle(buf.stdout).splitlines()), key=key)
    else:
        assert sorted(_one_cycle(ours.stdout).splitlines()) == sorted(_one_cycle(buf.stdout).splitlines())


def _one_cycle(out: str) -> str:
    """The output with each import cycle named by its first package only.

    Why: buf names the first cycle its search finds, searching imported packages in Go's map order,
    which is random: where two cycles pass through a package, buf names either from run to run
    (workbench/lint/rules.py `_cycle` takes its likeliest)."""
    return re.sub(r"(Package import cycle: [^ ]*) -(?:>|\\u003e) [^\n\"]*", r"\1 ...", out)


def _written(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.sampled_from("ab /*\n\t;="), max_size=40), line=st.integers(-2, 12),
       column=st.integers(-2, 30))
def test_the_block_comment_reading_takes_any_place_in_any_text(text: str, line: int, column: int) -> None:
    """A place past the text's end (a file whose text was unavailable, an element on its last line)
    means no such comment, never an IndexError (CI drew lines [""] with line 2)."""
    from workbench.lint.rules import _block_after_token

    assert isinstance(_block_after_token(text.split("\n"), line, column), str)
