"""`workbench lint` on a big tree: compiled without source info, locations fetched afterwards for the
files reported on (workbench/lint/locations.py). Whatever path a location comes by, the findings must
be buf's: every case of tests/lint_cases (each with buf's own expected.jsonl, run against buf-bin by
tests/test_proto_lint.py) is linted through the second-pass path here too.

tests/lint_cases/located holds the odd shapes: unused imports written in every way protoc accepts
(indented, single quotes, a tab, over two lines, after a comment with a non-ASCII character, with a
`buf:lint:ignore` comment), RPC findings, options set with message literals of imported types (one
from another file than its extension: the stubbed imports cannot take it, the real ones are given),
public imports, an extension of an imported message, editions, proto2 without a syntax line, a file
with no package.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from go_pointer import unpointed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workbench.lint.run as lint_run
from workbench.breaking.descriptors import parse_set
from workbench.breaking.inputs import compile_sides, open_side
from workbench.cli.main import main
from workbench.contracts.proto_compile import compile_protos
from workbench.lint.locations import Locator

CASES = Path(__file__).parent / "lint_cases"
MODULES = sorted(p.name for p in CASES.iterdir() if p.is_dir())
COMPILED_APART = {"v2_modules_same_symbol"}  # see workbench/breaking/module_images.py


def lines(text: str) -> list[dict[str, object]]:
    # a message example's pointer is left out (go_pointer.py): its address changes from run to run
    return sorted((unpointed(json.loads(line)) for line in text.splitlines() if line.strip()), key=json.dumps)


@pytest.fixture
def fills(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every batch of files the locator compiled."""
    seen: list[list[str]] = []
    original = Locator._fill

    def spy(self: Locator, names: list[str]) -> None:
        seen.append(list(names))
        original(self, names)

    monkeypatch.setattr(Locator, "_fill", spy)
    return seen


def lint_json(root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.chdir(root)
    code = main(["lint", "--error-format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out


@pytest.mark.parametrize("case", MODULES)
def test_every_case_is_exact_with_locations_fetched_later(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str],
                                                          fills: list[list[str]]) -> None:
    # every tree takes the big-tree path, also those under COMMENT_* rules (which read every comment)
    monkeypatch.setattr(lint_run, "_locate_later", lambda side, configs: side.fds is None)
    shutil.copytree(CASES / case, tmp_path / case)
    code, out = lint_json(tmp_path / case, monkeypatch, capsys)
    want = lines((CASES / case / "expected.jsonl").read_text())
    assert lines(out) == want
    assert code == (1 if want else 0)
    # a workspace whose modules define the same names compiles module by module, with source info
    assert fills or not want or case in COMPILED_APART, "findings came with locations: the second pass ran"


@pytest.mark.parametrize("child_fails", [False, True], ids=["child", "child failed"])
@pytest.mark.parametrize("case", MODULES)
def test_every_case_is_exact_linted_in_two_processes(case: str, child_fails: bool, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A big tree's per-file rules, and its locations, are done for half of the files in a forked child
    (workbench/breaking/forked.py): the findings are the same, also when the child fails and this process
    does its half itself."""
    from workbench.breaking import inputs
    from workbench.breaking.forked import Forked
    from workbench.lint import locations

    monkeypatch.setattr(lint_run, "_locate_later", lambda side, configs: side.fds is None)
    monkeypatch.setattr(inputs, "PARALLEL_MIN_BYTES", 0)  # every tree is big
    monkeypatch.setattr(locations, "SPLIT_MIN_FILES", 2)
    forks: list[Forked] = []
    original = Forked.__init__

    def counted(self: Forked, work: object) -> None:
        forks.append(self)
        original(self, (lambda: 1 / 0) if child_fails else work)  # type: ignore[arg-type]

    monkeypatch.setattr(Forked, "__init__", counted)
    shutil.copytree(CASES / case, tmp_path / case)
    code, out = lint_json(tmp_path / case, monkeypatch, capsys)
    want = lines((CASES / case / "expected.jsonl").read_text())
    assert lines(out) == want
    assert code == (1 if want else 0)
    if case == "located":
        assert len(forks) >= 2  # the per-file rules' child, the locations' (one per batch)


def test_a_forked_call_returns_its_value_or_none_when_the_child_fails() -> None:
    from workbench.breaking.forked import Forked

    assert Forked(lambda: [("rule", "a.proto", (4, 0), None, "message")]).result() == [
        ("rule", "a.proto", (4, 0), None, "message")]
    assert Forked(lambda: 1 / 0).result() is None
    assert Forked(lambda: "x" * (1 << 20)).result() == "x" * (1 << 20)  # more than a pipe holds


def test_located_case_fetches_only_reported_files_in_few_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str],
                                                              fills: list[list[str]]) -> None:
    monkeypatch.setattr(lint_run, "_locate_later", lambda side, configs: side.fds is None)
    shutil.copytree(CASES / "located", tmp_path / "located")
    _, out = lint_json(tmp_path / "located", monkeypatch, capsys)
    fetched = {name for batch in fills for name in batch}
    # SYNTAX_SPECIFIED reads where the proto2 files' syntax statements are (one run for both), the
    # rest is one run over the files with findings (not the whole tree: no opts/, no money.proto)
    assert len(fills) == 2
    assert fetched == {"base/v1/open.proto", "legacy/v1/legacy.proto", "base/v1/base.proto", "ed/v1/ed.proto",
                       "nopkg/nopkg.proto", "shop/v1/shop.proto"}
    assert "opts/v1/opts.proto" not in fetched and lines(out)


def _compiled(root: Path, source_info: bool) -> tuple[object, dict[str, Path]]:
    side = open_side(str(root), None)
    compile_sides(side, source_info=source_info)
    assert side.fds is not None and not side.findings
    if side.images is not None:  # COMPILED_APART
        pytest.skip("modules that define the same names compile apart, with source info: nothing is fetched later")
    return side.fds, {name: r.dir / name for name, r in side.files.items()}


# protovalidate's files that set Duration/Timestamp/FieldMask values by message literals
LITERALS_OF_WKT = [["f/v1/a.proto"], ["l/v1/a.proto"], ["t/v1/a.proto"]]


@pytest.mark.parametrize("case", MODULES)
def test_fetched_source_info_is_protocs_own(case: str, tmp_path: Path) -> None:
    """Byte for byte what one compile with source info records, whether the imports were stubs, the
    real ones (when a stub lacks what an option literal needs) or the sources (protoc cannot map)."""
    root = tmp_path / case
    shutil.copytree(CASES / case, root)
    full, disk = _compiled(root, True)
    bare, _ = _compiled(root, False)
    names = sorted(disk)
    assert not any(f.HasField("source_code_info") for f in bare.file)  # type: ignore[attr-defined]

    def fallback(wanted: list[str]) -> bytes | None:
        side = open_side(str(root), None)
        dirs = [r.dir for r in side.roots]
        return compile_protos(dirs[0], wanted, includes=dirs[1:]).descriptor_set

    want = {f.name: f.source_code_info.SerializeToString() for f in full.file}  # type: ignore[attr-defined]
    # all files in one run (every import is a source too), then each file alone (its imports stubs)
    for batch in [names, *([n] for n in names)]:
        bare, _ = _compiled(root, False)
        locator = Locator(bare, disk, fallback)  # type: ignore[arg-type]
        locator.want(batch)
        locator.load(batch[0])
        got = {f.name: f.source_code_info.SerializeToString() for f in bare.file}  # type: ignore[attr-defined]
        for name in batch:
            assert got[name] == want[name], (name, batch)
        # these set an option with a literal of a type the stubbed import lacks: real imports
        needs_real = batch in (["shop/v1/shop.proto"], ["fwd/v1/any_type.proto"], ["fwd/v1/literal_ext.proto"]) or (
            case == "protovalidate" and batch in LITERALS_OF_WKT) or \
            (case == "protovalidate_cel_eval" and batch == ["p/v1/a.proto"])  # Duration/Timestamp examples
        # protoc refuses what buf accepts here: the located compile fails with one of those errors, and
        # the ordinary compile (which rewrites) follows at once, not a second located one
        lenient = case == "buf_accepts_protoc_refuses"
        assert locator.compiles == (2 if lenient or needs_real else 1), batch


def test_unmappable_files_fall_back_to_an_ordinary_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str],
                                                           fills: list[list[str]]) -> None:
    monkeypatch.setattr(lint_run, "_locate_later", lambda side, configs: side.fds is None)
    import workbench.contracts.proto_compile as proto_compile

    monkeypatch.setattr(proto_compile, "locate", lambda files, imports: None)
    shutil.copytree(CASES / "located", tmp_path / "located")
    _, out = lint_json(tmp_path / "located", monkeypatch, capsys)
    assert lines(out) == lines((CASES / "located" / "expected.jsonl").read_text())
    assert fills


def test_a_big_tree_takes_the_second_pass_and_matches_one_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   fills: list[list[str]]) -> None:
    """No override: a tree above the size threshold is linted through the second pass; its findings
    are those of the one-compile path (the one tests/test_proto_lint.py holds against buf)."""
    root = tmp_path / "big"
    (root / "big" / "v1").mkdir(parents=True)
    (root / "buf.yaml").write_text("version: v2\nlint:\n  use: [STANDARD]\n")
    padding = "\n".join(f"  // {'x' * 70}" for _ in range(60))
    size = 0
    i = 0
    while size < lint_run.LOCATE_LATER_MIN_BYTES + 10_000:
        imports = f'import "big/v1/f{i - 1}.proto";\n' if i else ""
        text = (f'syntax = "proto3";\n\npackage big.v1;\n\n{imports}\n// M{i}.\nmessage M{i} {{\n{padding}\n'
                f'  string Name{i} = 1;\n}}\n')
        if i % 10 == 0:
            text += f"\n// S{i}.\nservice S{i}Service {{\n  // C.\n  rpc Call(M{i}) returns (M{i});\n}}\n"
        (root / "big" / "v1" / f"f{i}.proto").write_text(text)
        size += len(text)
        i += 1
    code, later = lint_json(root, monkeypatch, capsys)
    assert code == 1 and fills
    reported = {d["path"] for d in lines(later)}
    fetched = {f"{n}" for batch in fills for n in batch}
    assert fetched <= reported | {f"big/v1/f{n}.proto" for n in range(i)}
    # unused imports' spans came from protoc's warning and the text: those files were not fetched
    only_unused = {d["path"] for d in lines(later) if d["type"] == "IMPORT_USED"} - \
        {d["path"] for d in lines(later) if d["type"] != "IMPORT_USED"}
    assert not only_unused & fetched
    monkeypatch.setattr(lint_run, "_locate_later", lambda side, configs: False)
    _, once = lint_json(root, monkeypatch, capsys)
    assert lines(later) == lines(once)


# ---------------------------------------------------------------- unused imports, written any way

SPACES = st.sampled_from(["", " ", "  ", "\t", " \t"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lead=st.sampled_from(["", "  ", "\t", "/* é */ ", "/* c */", "  /* ü\t*/ "]),
       middle=st.sampled_from([" ", "  ", "\t", "\n  ", " /* x; */ "]),
       quote=st.sampled_from(['"', "'"]), before_semi=SPACES,
       tail=st.sampled_from(["", " // trailing", "  /* z */", " // buf:lint:ignore IMPORT_USED"]),
       leading=st.sampled_from(["", "// about it\n", "// buf:lint:ignore IMPORT_USED\n"]))
def test_any_unused_import_statement_is_located_as_in_one_compile(
        lead: str, middle: str, quote: str, before_semi: str, tail: str, leading: str, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path_factory.mktemp("imports")
    (root / "a" / "v1").mkdir(parents=True)
    (root / "buf.yaml").write_text("version: v2\nlint:\n  use: [STANDARD]\n")
    (root / "a" / "v1" / "dep.proto").write_text('syntax = "proto3";\n\npackage a.v1;\n\nmessage Dep {}\n')
    statement = f"import{middle}{quote}a/v1/dep.proto{quote}{before_semi};{tail}"
    (root / "a" / "v1" / "use.proto").write_text(
        f'syntax = "proto3";\n\npackage a.v1;\n\n{leading}{lead}{statement}\n\nmessage Use {{}}\n')
    results = []
    for later in (True, False):
        monkeypatch.setattr(lint_run, "_locate_later", lambda side, configs, later=later: later and side.fds is None)
        report = lint_run.lint_input(str(root))
        assert not report.errors
        results.append(sorted((v.rule, v.path, v.line, v.column, v.end_line, v.end_column, v.message)
                              for v in report.violations))
    assert results[0] == results[1]


def test_import_span_from_the_text_only_where_it_is_certain() -> None:
    from workbench.lint.rules import LintFile, _import_span

    def span(line: str, column: int) -> tuple[int, int, int, int] | None:
        fds = parse_set(b"")
        proto = fds.file.add()
        proto.name = "x.proto"
        return _import_span(LintFile(proto, "x.proto", lambda _n: f"// first\n{line}\n"), (2, column))

    assert span('import "a.proto";', 1) == (2, 1, 2, 18)
    assert span('  import public "a.proto" ;', 3) == (2, 3, 2, 28)
    assert span("import 'a.proto';", 1) == (2, 1, 2, 18)
    assert span('import\t"a.proto";', 1) is None  # protoc counts the tab to column 8
    assert span('/* é */ import "a.proto";', 10) is None  # protoc counts é as two columns
    assert span('import /* c */ "a.proto";', 1) is None
    assert span("import", 1) is None  # the path is on the next line
    assert span('import "a.proto";', 5) is None  # not where a statement starts
    assert span('import "a.proto";', 0) is None and span('x', 1) is None


def test_a_stub_keeps_what_an_importer_can_name_and_nothing_it_would_have_to_import(tmp_path: Path) -> None:
    from workbench.lint.locations import _stub

    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "other.proto").write_text('syntax = "proto2";\npackage o;\nmessage Far { extensions 1 to 9; }\n'
                                                'message Pub {}\n')
    (tmp_path / "o" / "pub.proto").write_text('syntax = "proto2";\npackage o;\nmessage Public {}\n')
    (tmp_path / "o" / "d.proto").write_text(
        'syntax = "proto2";\npackage o;\nimport "o/other.proto";\nimport public "o/pub.proto";\n'
        'import "google/protobuf/descriptor.proto";\n'
        'message Opt { optional Far far = 1; optional int32 n = 2; optional Inner inner = 3;\n'
        '  message Inner { optional string s = 1; } }\n'
        'message Plain { optional Far far = 1; oneof k { int32 a = 2; } enum E { E_A = 0; }\n'
        '  extensions 100 to 200; }\n'
        'extend google.protobuf.MessageOptions { optional Opt opt = 50000; }\n'
        'extend Far { optional int32 far_ext = 5; }\n'
        'extend Plain { optional Far plain_ext = 150; }\n'
        'service S { rpc M(Opt) returns (Opt); }\n')
    data = compile_protos(tmp_path, ["o/d.proto"], source_info=False).descriptor_set
    assert data is not None
    d = next(f for f in parse_set(data).file if f.name == "o/d.proto")
    stub = _stub(d)
    assert list(stub.dependency) == ["o/pub.proto", "google/protobuf/descriptor.proto"]
    assert list(stub.public_dependency) == [0] and not stub.service
    by_name = {m.name: m for m in stub.message_type}
    # Opt is an option's type: its fields stay (Far's became bytes), and Inner's, reached from it
    assert [(f.name, f.type, f.type_name) for f in by_name["Opt"].field] == [
        ("far", 12, ""), ("n", 5, ""), ("inner", 11, ".o.Opt.Inner")]
    assert [f.name for f in by_name["Opt"].nested_type[0].field] == ["s"]
    # Plain can only be named: no fields, no oneofs; its enum and extension range stay
    assert not by_name["Plain"].field and not by_name["Plain"].oneof_decl
    assert by_name["Plain"].enum_type[0].value[0].name == "E_A" and by_name["Plain"].extension_range
    # the extension of another file's message goes; the option and the one of its own message stay
    assert [(x.name, x.type) for x in stub.extension] == [("opt", 11), ("plain_ext", 12)]


# ---------------------------------------------------------------- the name conversions' shortcuts

NAMES = st.text(alphabet=st.sampled_from("abcXYZ019_.- \tǅé"), max_size=10)


@given(NAMES)
def test_names_already_converted_are_returned_as_buf_would_convert_them(name: str) -> None:
    """The shortcuts (a name already in snake or Pascal case is its own conversion) agree with buf's
    stringutil as written out in workbench/lint/rules.py, on any name."""
    from workbench.lint import rules
    from workbench.lint.go_case import go_to_snake

    # a name that is not ASCII (only a file's can be) takes buf's byte-wise look-around (go_case)
    assert rules.to_snake(name) == (rules._to_snake(name) if name.isascii() else go_to_snake(name))
    out, previous = "", ""
    for i, c in enumerate(name.strip()):  # buf's ToPascalCase, without the shortcut
        if not rules._is_delimiter(c):
            out += c.upper() if i == 0 or rules._is_delimiter(previous) or c.isupper() else c.lower()
        previous = c
    assert rules.to_pascal(name) == out


@given(st.text(alphabet=st.sampled_from("abcXYZ019_.- \t\r\n"), max_size=12))
def test_the_byte_wise_snake_case_is_the_ascii_one_on_ascii_names(name: str) -> None:
    """go_case.go_to_snake (buf's toSnakeCase byte for byte, for file names that are not ASCII)
    converts an ASCII name as the character-wise conversion calibrated against buf does."""
    from workbench.lint import rules
    from workbench.lint.go_case import go_lower, go_to_snake

    assert go_to_snake(name) == rules._to_snake(name)
    assert go_lower(go_to_snake(name)) == rules._to_snake(name).lower()


def test_a_forked_compile_ended_early_keeps_protocs_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A big tree compiles in a forked child that is ended as soon as its set is written: the warnings
    protoc printed before (unused imports, which IMPORT_USED reports; no syntax line) are still had,
    as an in-process compile has them."""
    from workbench.breaking import inputs

    shutil.copytree(CASES / "located", tmp_path / "located")
    got = []
    for threshold in (0, 1 << 40):  # forked, then in-process
        monkeypatch.setattr(inputs, "PARALLEL_MIN_BYTES", threshold)
        side = open_side(str(tmp_path / "located"), None)
        compile_sides(side, source_info=False)
        assert side.fds is not None and not side.findings
        got.append(sorted((w.file, w.line, w.column, w.message) for w in side.warnings))
    assert got[0] == got[1]
    assert ("shop/v1/shop.proto", 7, 1, "Import google/protobuf/empty.proto is unused.") in got[0]
    assert any("legacy/v1/legacy.proto" == f and "syntax" in m for f, _, _, m in got[0])
