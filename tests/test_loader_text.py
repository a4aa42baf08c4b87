"""Text the loaders cannot pass on as is: a non-UTF-8 byte in a proto comment, a lone surrogate
or a NUL character in a fixture value. Each is a located finding (file, line, column), from
`check` as from `seed`, never a traceback; the database is left as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_seed_support import migrate

from workbench.cli.main import main
from workbench.contracts.fixture_column_fit import text_problem, value_problem
from workbench.workspace import load_model


def _check(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    code = main(["--root", str(root), "check", "--json", *extra])
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_non_utf8_byte_in_a_proto_comment(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo_copy / "proto" / "entities.proto"
    data = path.read_bytes()
    at = data.index(b"\nmessage ")
    path.write_bytes(data[:at] + b"\n// caf\xe9 au lait" + data[at:])
    line = data.count(b"\n", 0, at) + 2
    code, findings = _check(repo_copy, capsys, "--no-db")
    assert code == 1
    assert [(f["file"], f["line"], f["column"]) for f in findings if f["rule"] == "PROTO_ENCODING"] == \
        [("proto/entities.proto", line, 7)]
    # The model decodes the comment the way it reads the source: a replacement character.
    model = load_model(repo_copy)
    assert any("caf\ufffd au lait" in m.comment for m in model.protos.messages)


LONE = '"x\\ud800y"'
NUL = '"a\\u0000b"'


def _break_brands(root: Path) -> tuple[int, int]:
    """A lone surrogate in row 1's name and a NUL in row 2's; their lines."""
    path = root / "seeders" / "brands.json"
    text = path.read_text(encoding="utf-8")
    text = text.replace('"name": "Boiron"', f'"name": {LONE}', 1).replace('"name": "Schwabe"', f'"name": {NUL}', 1)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    return (next(i for i, ln in enumerate(lines, 1) if LONE in ln), next(i for i, ln in enumerate(lines, 1) if NUL in ln))


def test_lone_surrogate_and_nul_in_fixtures_from_check(repo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lone, nul = _break_brands(repo_copy)
    code, findings = _check(repo_copy, capsys, "--no-db")
    located = sorted((f["line"], f["message"].split(":")[0]) for f in findings
                     if f["rule"] == "FIXTURE_TYPE" and f["file"] == "seeders/brands.json")
    assert code == 1 and located == [(lone, "brands.name"), (nul, "brands.name")]
    assert all(f["column"] > 0 for f in findings if f["rule"] == "FIXTURE_TYPE")


def test_lone_surrogate_and_nul_in_fixtures_from_seed(repo_copy: Path, fresh_db: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from test_migrate_support import query

    migrate(repo_copy, fresh_db)
    lone, nul = _break_brands(repo_copy)
    code = main(["--root", str(repo_copy), "seed", "brands", "--url", fresh_db, "--json"])
    out = capsys.readouterr()
    findings = json.loads(out.out)["findings"]
    assert code == 1 and "Traceback" not in out.err
    located = sorted((f["file"], f["line"]) for f in findings if f["rule"] == "SEED_TYPE")
    assert located == [("seeders/brands.json", lone), ("seeders/brands.json", nul)]
    assert not [f for f in findings if f["rule"] == "SEED_DATABASE"]
    assert query(fresh_db, "SELECT count(*) FROM brands") == [(0,)]
    # Text output too (a terminal would have choked on a lone surrogate printed as is).
    assert main(["--root", str(repo_copy), "seed", "brands", "--url", fresh_db]) == 1
    text = capsys.readouterr()
    assert f"seeders/brands.json:{lone}" in text.out + text.err


def _break_names(root: Path) -> None:
    """A lone surrogate in a column name (brands, row 1) and in a table name (categories)."""
    brands = root / "seeders" / "brands.json"
    brands.write_text(brands.read_text(encoding="utf-8").replace('"country_code": "FR"', '"coun\\ud800try": "FR"', 1),
                      encoding="utf-8")
    cats = root / "seeders" / "categories.json"
    cats.write_text(cats.read_text(encoding="utf-8").replace('"table": "categories"', '"table": "c\\u0000ats"', 1),
                    encoding="utf-8")


def test_bad_text_in_table_and_column_names(repo_copy: Path, fresh_db: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    migrate(repo_copy, fresh_db)
    _break_names(repo_copy)
    # Text output too: a lone surrogate printed as is would fail to encode on the way out.
    code = main(["--root", str(repo_copy), "check", "--no-db"])
    out = capsys.readouterr().out
    assert code == 1 and "seeders/brands.json:5:" in out and "seeders/categories.json:2:" in out
    code = main(["--root", str(repo_copy), "seed", "brands", "categories", "--url", fresh_db])
    text = capsys.readouterr()
    assert code == 1 and "Traceback" not in text.err
    assert "seeders/brands.json:5" in text.out + text.err and "lone surrogate" in text.out + text.err


@pytest.mark.parametrize("value", ["x\ud800y", "a\x00b", ["ok", "\udfff"], {"k\x00": 1}, {"k": ["\ud83d"]}])
def test_text_problem_finds_bad_text_at_any_depth(value: object) -> None:
    assert text_problem(value) is not None
    assert value_problem(value, "jsonb") is not None


@pytest.mark.parametrize("value", ["plain", "Arnica montana 30C \U0001f33f", ["a", {"b": "c"}], 5, None])
def test_text_problem_accepts_real_text(value: object) -> None:
    assert text_problem(value) is None


def _names_table() -> object:
    from workbench.seed.live import LiveColumn, LiveTable

    cols = {
        "id": LiveColumn("id", "bigint", "bigint", "bigint", True, None, "", False),
        "name": LiveColumn("name", "text", "text", "text", True, None, "", False),
        "note": LiveColumn("note", "varchar", "varchar(40)", "character varying(40)", False, None, "", False),
        "extra": LiveColumn("extra", "jsonb", "jsonb", "jsonb", False, None, "", False),
    }
    return LiveTable("names", "public", "names", cols, ("id",))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=12), st.one_of(st.none(), st.text(max_size=50)),
       st.one_of(st.none(), st.dictionaries(st.text(max_size=4), st.text(max_size=6), max_size=2)))
def test_the_seed_fast_path_never_lets_text_postgresql_refuses_through(name: str, note: str | None,
                                                                      extra: dict[str, str] | None) -> None:
    """Whatever the text, a row is either encoded as UTF-8 COPY text PostgreSQL accepts, or is a
    finding at its line (SEED_TYPE when the text is the reason)."""
    from workbench.seed.validate import RowEncoder

    enc = RowEncoder(_names_table(), ("id",))  # type: ignore[arg-type]
    out = enc.encode(7, {"id": 1, "name": name, "note": note, "extra": extra})
    bad = any(text_problem(v) for v in (name, note, extra))
    if out is None:
        assert enc.problems and all(p.line == 7 for p in enc.problems)
        assert bad or any(p.rule != "SEED_TYPE" or "characters do not fit" in p.message for p in enc.problems)
    else:
        assert not bad
        out.encode("utf-8")  # a lone surrogate would raise here, as it did in the COPY stage
        assert "\x00" not in out


def test_non_finite_numbers_in_a_json_column(repo_copy: Path, fresh_db: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from test_migrate_support import query

    migrate(repo_copy, fresh_db)
    rows = ['{"id": 1, "action": "create", "entity_type": "product", "details": {"ratio": NaN}}',
            '{"id": 2, "action": "create", "entity_type": "product", "details": {"big": [1e400]}}',
            '{"id": 3, "action": "create", "entity_type": "product", "details": {"ok": 1.5}}']
    (repo_copy / "seeders" / "audit_logs.json").write_text(
        '{\n  "table": "audit_logs",\n  "rows": [\n    ' + ",\n    ".join(rows) + "\n  ]\n}\n", encoding="utf-8")
    code, findings = _check(repo_copy, capsys, "--no-db")
    located = sorted(f["line"] for f in findings if f["file"] == "seeders/audit_logs.json")
    assert code == 1 and located == [4, 5]
    code = main(["--root", str(repo_copy), "seed", "audit_logs", "--url", fresh_db, "--json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1 and sorted((f["rule"], f["line"]) for f in findings) == [("SEED_TYPE", 4), ("SEED_TYPE", 5)]
    assert query(fresh_db, "SELECT count(*) FROM audit_logs") == [(0,)]
