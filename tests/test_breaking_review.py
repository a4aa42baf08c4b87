"""`workbench breaking` end to end on real git repositories made from tests/breaking_cases/repo_base:
exit codes, formats, merge base, inputs (ref, directory, descriptor set), exemptions, renames,
additions, migrations, seeds and the semver verdict against CHANGELOG.md."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from git_helpers import git, review_repo

from workbench.breaking.bufcli import buf_executable, run_buf
from workbench.cli.main import main

BASE = Path(__file__).parent / "breaking_cases" / "repo_base"
PROTO = "proto/shop/v1/catalog.proto"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A contracts repository with `main` committed and a `feature` branch checked out."""
    return review_repo(BASE, tmp_path / "contracts")


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1))


def bump_changelog(repo: Path, version: str) -> None:
    edit(repo, "CHANGELOG.md", "## [Unreleased]\n", f"## [Unreleased]\n\n## [{version}] - 2026-11-25\n")


def run(repo: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--root", str(repo), "breaking", *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(repo: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code, out, err = run(repo, *args, "--format", "json", capsys=capsys)
    assert "Traceback" not in err
    return code, json.loads(out)


def rules(report: dict, kind: str = "breaking") -> list[tuple[str, str, int]]:
    return sorted((c["rule"], c["file"], c["line"]) for c in report["changes"] if c["kind"] == kind)


def test_done_when_delete_rename_json_retype_and_add(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, PROTO, "  // Manufacturer's web site.\n  optional string website_url = 4;\n", "")
    edit(repo, PROTO, "string slug = 3;", 'string slug = 3 [json_name = "urlSlug"];')
    edit(repo, PROTO, "bool is_active = 5;", "int32 is_active = 5;")
    (repo / PROTO).write_text((repo / PROTO).read_text() + "\n// A loyalty tier.\nmessage LoyaltyTier {\n"
                                                           "  // Primary key.\n  int64 id = 1;\n}\n")
    status_before = git(repo, "status", "--porcelain")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert code == 1
    assert report["semver"] == "major"
    assert rules(report) == [
        ("FIELD_NO_DELETE", PROTO, 13),
        ("FIELD_SAME_JSON_NAME", PROTO, 19),
        ("FIELD_SAME_TYPE", PROTO, 21),
        ("SEMVER_BUMP_TOO_SMALL", "CHANGELOG.md", 5),
    ]
    assert ("MESSAGE_ADDED", PROTO, 37) in rules(report, "compatible")
    by_rule = {c["rule"]: c for c in report["changes"]}
    assert by_rule["FIELD_SAME_TYPE"]["category"] == "PACKAGE"
    assert by_rule["FIELD_SAME_JSON_NAME"]["category"] == "WIRE_JSON"
    assert by_rule["FIELD_SAME_TYPE"]["before"] == "  bool is_active = 5;"
    assert by_rule["FIELD_SAME_TYPE"]["after"] == "  int32 is_active = 5;"
    assert by_rule["FIELD_NO_DELETE"]["before"] == "  optional string website_url = 4;"
    assert by_rule["FIELD_NO_DELETE"]["steps"], "each breaking proto change carries its expand/contract plan"
    assert git(repo, "status", "--porcelain") == status_before, "the working tree is never touched"
    # same rule IDs at the same places as buf on the same pair
    if buf_executable():
        subprocess.run(["git", "-C", str(repo), "worktree", "add", "-q", str(repo.parent / "main"), "main"],
                       check=True)
        theirs = run_buf(repo / "proto", repo.parent / "main" / "proto")
        ours = sorted((c["rule"], c["file"].removeprefix("proto/"), c["line"], c["column"])
                      for c in report["changes"] if c["kind"] == "breaking" and c["file"].startswith("proto/"))
        assert ours == sorted((f.rule, f.path, f.line, f.column) for f in theirs)
    # text output lists the same, with the verdict
    code, out, _ = run(repo, "--against", "main", capsys=capsys)
    assert code == 1
    assert f"{PROTO}:21:3: FIELD_SAME_TYPE [PACKAGE]" in out and "semver: major" in out
    assert "expand/contract:" in out and "Compatible (1):" in out


def test_nothing_changed_is_exit_0(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert (code, report["semver"], report["changes"]) == (0, "none", [])


def test_comment_change_is_patch(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, PROTO, "// Display name.", "// Display name, e.g. Boiron.")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert report["semver"] == "patch" and code == 1  # CHANGELOG.md not bumped: too small
    assert rules(report) == [("SEMVER_BUMP_TOO_SMALL", "CHANGELOG.md", 5)]
    bump_changelog(repo, "1.0.1")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert (code, report["semver"], report["declared"]) == (0, "patch", "patch")


def test_additive_change_is_minor_and_a_patch_bump_is_too_small(repo: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, PROTO, "  DOSAGE_FORM_DILUTION = 2;\n", "  DOSAGE_FORM_DILUTION = 2;\n  DOSAGE_FORM_OINTMENT = 3;\n")
    edit(repo, PROTO, "  DosageForm dosage_form = 4;\n", "  DosageForm dosage_form = 4;\n  // Pack.\n"
                                                             "  optional string pack_label = 5;\n")
    bump_changelog(repo, "1.0.1")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert report["semver"] == "minor" and code == 1
    assert [c["rule"] for c in report["changes"] if c["kind"] == "breaking"] == ["SEMVER_BUMP_TOO_SMALL"]
    assert {c["rule"] for c in report["changes"] if c["kind"] == "compatible"} == {"ENUM_VALUE_ADDED", "FIELD_ADDED"}
    edit(repo, "CHANGELOG.md", "[1.0.1]", "[1.1.0]")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert (code, report["semver"], report["declared"]) == (0, "minor", "minor")


def test_exemption_with_reason_is_listed_as_accepted(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, PROTO, "  // Manufacturer's web site.\n  optional string website_url = 4;\n", "")
    edit(repo, PROTO, "// A manufacturer such as Boiron or Schwabe.\n",
         "// A manufacturer such as Boiron or Schwabe.\n"
         "// workbench:allow FIELD_NO_DELETE nothing ever read website_url (checked in logs)\n")
    bump_changelog(repo, "2.0.0")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert code == 0 and report["semver"] == "major"  # accepted, not hidden: still a major change
    accepted = [c for c in report["changes"] if c["kind"] == "accepted"]
    assert [c["rule"] for c in accepted] == ["FIELD_NO_DELETE"]
    assert "nothing ever read website_url" in accepted[0]["note"]


def test_exemption_without_reason_exempts_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, PROTO, "  bool is_active = 5;", "  int32 is_active = 5; // workbench:allow FIELD_SAME_TYPE")
    bump_changelog(repo, "2.0.0")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert code == 1
    change = next(c for c in report["changes"] if c["rule"] == "FIELD_SAME_TYPE")
    assert change["kind"] == "breaking" and "has no reason" in change["note"]


def test_merge_base_by_default_and_exact_on_request(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "checkout", "-q", "main")
    (repo / PROTO).write_text((repo / PROTO).read_text() + "\n// Added on main later.\nmessage Warehouse {\n"
                                                           "  // Primary key.\n  int64 id = 1;\n}\n")
    git(repo, "commit", "-qam", "main moves on")
    git(repo, "checkout", "-q", "feature")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert code == 0 and report["changes"] == []  # the PR itself changes nothing
    assert report["against"].startswith("merge-base of HEAD and main")
    code, report = run_json(repo, "--against", "main", "--against-exact", capsys=capsys)
    assert code == 1
    assert ("MESSAGE_NO_DELETE", PROTO, 1) in rules(report)


def test_unknown_ref_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(repo, "--against", "no-such-branch", capsys=capsys)
    assert code == 2 and "no-such-branch" in err and "Traceback" not in err


def test_compile_error_is_exit_2_with_location(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, PROTO, "  int64 brand_id = 3;", "  int64 brand_id = 3\n")
    code, out, err = run(repo, "--against", "main", capsys=capsys)
    assert code == 2
    # protoc reports the missing ";" at the next token
    assert f'{PROTO}:36:3: error: Expected ";".' in out and "not a breaking change" in out
    code, out, _ = run(repo, "--against", "main", "--format", "github-actions", capsys=capsys)
    assert code == 2 and out.startswith(f"::error file={PROTO},line=36,col=3,title=PROTO_COMPILE::")


def test_github_actions_annotations(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, PROTO, "bool is_active = 5;", "int32 is_active = 5;")
    code, out, _ = run(repo, "--against", "main", "--format", "github-actions", capsys=capsys)
    assert code == 1
    assert f"::error file={PROTO},line=23,col=3,title=FIELD_SAME_TYPE::Field \"5\" with name \"is_active\"" in out
    assert out.rstrip().endswith("::notice title=semver::major (CHANGELOG.md declares none)")


def test_directory_and_descriptor_set_inputs(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.contracts.proto_compile import compile_protos

    after = tmp_path / "after"
    shutil.copytree(repo / "proto", after)
    edit(after.parent, "after/shop/v1/catalog.proto", "int64 brand_id = 3;", "string brand_id = 3;")
    edit(after.parent, "after/shop/v1/catalog.proto", "package shop.v1;\n",
         'package shop.v1;\n\nimport "google/protobuf/timestamp.proto";\n')
    edit(after.parent, "after/shop/v1/catalog.proto", "  DosageForm dosage_form = 4;\n",
         "  DosageForm dosage_form = 4;\n  // Added.\n  google.protobuf.Timestamp created_at = 5;\n")
    code, report = run_json(repo, str(after), "--against", str(repo / "proto"), "--protos-only", capsys=capsys)
    assert code == 1
    assert rules(report) == [("FIELD_SAME_TYPE", "shop/v1/catalog.proto", 35)]
    sets = {}
    for name, root in (("before", repo / "proto"), ("after", after)):
        result = compile_protos(root)
        assert result.descriptor_set is not None
        sets[name] = tmp_path / f"{name}.binpb"
        sets[name].write_bytes(result.descriptor_set)
    code, report = run_json(repo, str(sets["after"]), "--against", str(sets["before"]), capsys=capsys)
    assert code == 1
    assert rules(report) == [("FIELD_SAME_TYPE", "shop/v1/catalog.proto", 35)]
    # a descriptor set against a directory: the set's well-known imports are not contract files
    code, report = run_json(repo, str(sets["after"]), "--against", str(repo / "proto"), capsys=capsys)
    assert rules(report) == [("FIELD_SAME_TYPE", "shop/v1/catalog.proto", 35)]
    assert rules(report, "compatible") == [("FIELD_ADDED", "shop/v1/catalog.proto", 39)]
    (tmp_path / "junk.binpb").write_bytes(b"\xff\xff not a descriptor set")
    code, out, err = run(repo, str(tmp_path / "junk.binpb"), "--against", "main", capsys=capsys)
    assert code == 2 and "not a FileDescriptorSet" in err


def test_renames_and_moves_are_explained(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (repo / PROTO).read_text()
    product = text[text.index("// A remedy in a pack"):]
    (repo / PROTO).write_text(text.replace(product, "").replace("message Brand {", "message Manufacturer {"))
    (repo / "proto/shop/v1/product.proto").write_text(
        'syntax = "proto3";\n\npackage shop.v1;\n\nimport "shop/v1/catalog.proto";\n\n' + product)
    bump_changelog(repo, "2.0.0")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    notes = {c["message"].split('"')[1]: c.get("note", "") for c in report["changes"]
             if c["rule"] == "MESSAGE_NO_DELETE"}
    assert 'Likely renamed to "shop.v1.Manufacturer"' in notes["Brand"]
    assert "Moved, not deleted" in notes["Product"] and "product.proto" in notes["Product"]


def test_renumbered_field_is_explained(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, PROTO, "string slug = 3;", "string slug = 6;")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    change = next(c for c in report["changes"] if c["rule"] == "FIELD_NO_DELETE")
    assert code == 1 and 'Likely renumbered: "slug" is now field 6' in change["note"]


def test_released_migration_edited_and_destructive_new_one(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "sql/001_create_brands.sql", "varchar(120) NOT NULL,\n    slug", "varchar(200) NOT NULL,\n    slug")
    (repo / "sql/003_brand_changes.sql").write_text(
        "-- Brand changes\n-- migrate:up\n"
        "ALTER TABLE brands DROP COLUMN website_url;\n"
        "ALTER TABLE brands ADD COLUMN country_code char(2) NOT NULL;\n"
        "ALTER TABLE brands ALTER COLUMN slug TYPE varchar(20);\n"
        "ALTER TABLE brands ADD COLUMN note text;\n"
        "CREATE TABLE warehouses (id bigint PRIMARY KEY);\n"
        "\n-- migrate:down\nDROP TABLE warehouses;\n")
    bump_changelog(repo, "2.0.0")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert code == 1
    assert rules(report) == [
        ("FIXTURE_MISSING_COLUMN", "seeders/brands.json", 5),
        ("FIXTURE_MISSING_COLUMN", "seeders/brands.json", 6),
        ("FIXTURE_UNKNOWN_COLUMN", "seeders/brands.json", 5),  # website_url was dropped
        ("FIXTURE_UNKNOWN_COLUMN", "seeders/brands.json", 6),
        ("MIGRATION_EDITED", "sql/001_create_brands.sql", 5),
        ("SQL_ADD_NOT_NULL_WITHOUT_DEFAULT", "sql/003_brand_changes.sql", 4),
        ("SQL_ALTER_COLUMN_TYPE", "sql/003_brand_changes.sql", 5),
        ("SQL_DROP_COLUMN", "sql/003_brand_changes.sql", 3),
    ]
    assert {("SQL_ADD_COLUMN", 6), ("SQL_CREATE_TABLE", 7)} <= {
        (c["rule"], c["line"]) for c in report["changes"] if c["kind"] == "compatible"}
    assert report["semver"] == "major"


def test_buf_yaml_v2_at_the_root_ignores_paths_relative_to_itself(repo: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "buf.yaml").write_text("version: v2\nmodules:\n  - path: proto\nbreaking:\n  use:\n    - FILE\n"
                                   "  ignore:\n    - proto/shop/v1/catalog.proto\n")
    git(repo, "add", "buf.yaml")
    git(repo, "commit", "-qm", "buf.yaml")
    edit(repo, PROTO, "bool is_active = 5;", "int32 is_active = 5;")
    bump_changelog(repo, "1.0.1")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    # ignored by buf.yaml the way buf ignores it, but CONTRACTS.md still calls a type change MAJOR
    assert code == 1 and report["semver"] == "major"
    assert [c["rule"] for c in report["changes"]] == ["SEMVER_BUMP_TOO_SMALL"]
    edit(repo, "CHANGELOG.md", "[1.0.1]", "[2.0.0]")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert (code, report["changes"]) == (0, [])
    (repo / "buf.yaml").write_text("version: v2\nmodules:\n  - path: proto\nbreaking:\n  use: [WIRE]\n")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert code == 0  # bool -> int32 is wire compatible: WIRE does not mind
    edit(repo, PROTO, "int64 brand_id = 3;", "string brand_id = 3;")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    assert code == 1 and [c["rule"] for c in report["changes"] if c["kind"] == "breaking"] == [
        "FIELD_WIRE_COMPATIBLE_TYPE"]


def test_sql_exemption_and_alters_of_new_tables(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "sql/003_warehouses.sql").write_text(
        "-- Warehouses\n-- migrate:up\n"
        "CREATE TABLE warehouses (id bigint PRIMARY KEY, code text);\n"
        "ALTER TABLE warehouses ADD COLUMN name text NOT NULL;\n"
        "-- workbench:allow SQL_DROP_COLUMN website_url was never filled (checked in production)\n"
        "ALTER TABLE brands DROP COLUMN website_url;\n"
        "\n-- migrate:down\nDROP TABLE warehouses;\n")
    edit(repo, "seeders/brands.json", ', "website_url": "https://www.boiron.com"', "")
    edit(repo, "seeders/brands.json", ', "website_url": "https://www.schwabe.de"', "")
    bump_changelog(repo, "2.0.0")
    code, report = run_json(repo, "--against", "main", capsys=capsys)
    by_rule = {c["rule"]: c for c in report["changes"]}
    assert by_rule["SQL_ALTER_NEW_TABLE"]["kind"] == "compatible"  # the table is new: nothing to break
    assert by_rule["SQL_DROP_COLUMN"]["kind"] == "accepted"
    assert "never filled" in by_rule["SQL_DROP_COLUMN"]["note"]
    assert (code, report["semver"]) == (0, "major")


@pytest.mark.parametrize("args, message", [
    (["--against", ""], "an empty ref"),
    (["--against", "HEAD~99"], "neither a directory"),
    ([PROTO, "--against", "main"], "a .proto file"),
])
def test_bad_inputs_are_usage_errors(repo: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                     message: str) -> None:
    if args[0] == PROTO:
        args = [str(repo / PROTO), *args[1:]]
    code, out, err = run(repo, *args, capsys=capsys)
    assert code == 2 and message in err and "Traceback" not in err and out == ""
