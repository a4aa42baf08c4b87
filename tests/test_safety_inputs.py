"""Bad input never runs and never shows a traceback (issue 11: points 1, 6, 7, 12, 13, the
top-level handler and the fuzz tests). Databases are real; their state is checked afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_migrate_support import cli, make_repo, mig, states, table_exists

from workbench.cli.main import main
from workbench.contracts.config import load_config

CREATE_A = mig("CREATE TABLE a (id int PRIMARY KEY);", "DROP TABLE a;")
CREATE_B = mig("CREATE TABLE b (id int PRIMARY KEY);", "DROP TABLE b;")
CREATE_C = mig("CREATE TABLE c (id int PRIMARY KEY);", "DROP TABLE c;")


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# -- point 1: numeric options -------------------------------------------------------------------
BAD_NUMBERS = ["-1", "0", "-0", "1e3", "1.5", "abc", "", " ", "inf", "nan", "²", "٣", "99999999999999999999999"]


def test_down_steps_must_be_a_positive_whole_number(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_a.sql": CREATE_A, "002_b.sql": CREATE_B, "003_c.sql": CREATE_C})
    assert cli(capsys, root, "up", "--url", fresh_db)[0] == 0
    for bad in BAD_NUMBERS:
        code, _, err = cli(capsys, root, "down", "--yes", "--url", fresh_db, f"--steps={bad}")
        assert code == 2 and "--steps" in err and "Traceback" not in err, bad
    assert states(capsys, root, fresh_db) == {"000": "applied", "001": "applied", "002": "applied",
                                              "003": "applied"}
    # --to names an applied version, else exit 2 and nothing rolled back.
    for bad in ("004", "999", "²"):
        code, _, err = cli(capsys, root, "down", "--yes", "--url", fresh_db, "--to", bad)
        assert code == 2, bad
    assert table_exists(fresh_db, "c")
    code, _, err = cli(capsys, root, "down", "--yes", "--url", fresh_db, "--to", "2")  # 2 is 002: applied
    assert code == 0 and not table_exists(fresh_db, "c") and table_exists(fresh_db, "b")
    code, _, err = cli(capsys, root, "down", "--yes", "--url", fresh_db, "--to", "003")  # rolled back now
    assert code == 2 and "not applied" in err and table_exists(fresh_db, "b")
    assert cli(capsys, root, "down", "--yes", "--url", fresh_db, "--steps", "1")[0] == 0
    assert not table_exists(fresh_db, "b") and table_exists(fresh_db, "a")


@pytest.mark.parametrize(("args", "option"), [
    (["migrate", "status", "--connect-timeout", v], "--connect-timeout") for v in
    ("0", "-1", "inf", "1e308", "nan", "abc", "3601", "true")] + [
    (["migrate", "up", "--lock-wait", v], "--lock-wait") for v in ("-1", "inf", "nan", "1e308", "x")] + [
    (["migrate", "up", "--lock-timeout", v], "--lock-timeout") for v in
    ("abc", "-1s", "5 parsecs", "99999999999s", "1e3", "0.0001ms", "")] + [
    (["seed", "--all", "--rows", v], "--rows") for v in ("-1", "1e9", "x", "10000000")] + [
    (["seed", "--all", "--lock-wait", "inf"], "--lock-wait"),
    (["migrate", "up", "--to", "²"], "--to"), (["migrate", "baseline", "1" * 40], "V"),
    (["migrate", "resolve", "abc", "--applied"], "V"),
])
def test_every_numeric_option_is_checked_while_parsing(tmp_path: Path, capsys: Any, args: list[str],
                                                       option: str) -> None:
    root = make_repo(tmp_path, {"001_a.sql": CREATE_A})
    code, out, err = run(capsys, "--root", str(root), *args, "--url", "postgresql://nobody@/x?host=/nonexistent")
    assert code == 2 and "error: argument" in err and "Traceback" not in err, (args, err)
    assert len(err.strip().splitlines()[-1]) < 300


def test_valid_numbers_still_pass(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_a.sql": CREATE_A})
    code, _, err = cli(capsys, root, "up", "--url", fresh_db, "--lock-timeout", "1.5s", "--lock-wait", "0",
                       "--connect-timeout", "0.5")
    assert code == 0, err
    for value in ("500ms", "0", "1min", "2 h", "100"):
        assert cli(capsys, root, "up", "--url", fresh_db, "--lock-timeout", value)[0] == 0, value


# -- points 6, 7: the configuration --------------------------------------------------------------
def config_findings(tmp_path: Path, text: str) -> list[tuple[str, int, str]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "workbench.toml").write_text(text, encoding="utf-8")
    _, findings = load_config(tmp_path)
    return [(f.rule, f.line, f.message) for f in findings]


def test_config_values_are_checked_at_their_line(tmp_path: Path) -> None:
    text = ('[workbench]\nconnect_timeout = 3\n\n[databases.dev]\nurl = ""\n\n'
            '[databases.staging]\nurl = 5\nprotected = ""\nmigrations = ["abc", "001"]\nread_only = "no"\n')
    found = config_findings(tmp_path, text)
    assert ("CONFIG_TYPE", 8) in [(r, ln) for r, ln, _ in found]  # url = 5, not dev's url on line 5
    assert any(ln == 9 and "protected must be true or false" in m for _, ln, m in found)
    assert any(ln == 10 and "'abc' is not a migration version" in m for _, ln, m in found)
    assert any(ln == 11 and "read_only" in m for _, ln, m in found)
    config, _ = load_config(tmp_path)
    staging = config.database("staging")
    assert staging is not None and staging.protected and staging.read_only  # unreadable guard: guarded
    assert staging.url != "" and staging.migrations == ("001",)  # not the embedded database in its place


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e308", "0", "-3", "true", '"3"', "1e400", "99999999999"])
def test_connect_timeout_out_of_range_is_a_finding(tmp_path: Path, value: str, capsys: Any) -> None:
    found = config_findings(tmp_path, f"[workbench]\n\nconnect_timeout = {value}\n")
    assert [(r, ln) for r, ln, _ in found] == [("CONFIG_TYPE", 3)], found
    assert "connect_timeout" in found[0][2] and len(found[0][2]) < 200
    (tmp_path / "sql").mkdir()
    code, _, err = run(capsys, "--root", str(tmp_path), "migrate", "status")
    assert code == 2 and "workbench.toml:3" in err and "Traceback" not in err
    code, _, err = run(capsys, "--root", str(tmp_path), "seed", "--all")
    assert code == 2 and "workbench.toml:3" in err


def test_lock_timeout_in_config(tmp_path: Path) -> None:
    assert config_findings(tmp_path, '[workbench]\nlock_timeout = "5s"\n') == []
    found = config_findings(tmp_path, '[workbench]\nlock_timeout = "soon"\n')
    assert [(r, ln) for r, ln, _ in found] == [("CONFIG_TYPE", 2)]


def test_deep_nesting_is_a_finding_not_a_recursion_error(tmp_path: Path, capsys: Any) -> None:
    found = config_findings(tmp_path, "x = " + "[" * 3000 + "]" * 3000 + "\n")
    assert found and found[0][0] == "CONFIG_SYNTAX"
    found = config_findings(tmp_path / "t", "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n")
    assert found and found[0][0] == "CONFIG_SYNTAX"
    code, out, err = run(capsys, "--root", str(tmp_path), "check", "--no-db")
    assert code in (1, 2) and "Traceback" not in err and "RecursionError" not in out + err


def test_upper_case_sql_files_are_not_skipped_silently(tmp_path: Path, capsys: Any) -> None:
    root = make_repo(tmp_path, {"001_a.sql": CREATE_A, "002_b.SQL": CREATE_B})
    code, _, err = cli(capsys, root, "up", "--url", "postgresql://x@/x?host=/nonexistent")
    assert code == 1 and "sql/002_b.SQL" in err and "lower-case .sql" in err


# -- point 12, 13 and unreachable databases ------------------------------------------------------
def test_create_with_a_very_long_name(tmp_path: Path, capsys: Any) -> None:
    root = make_repo(tmp_path, {})
    code, _, err = cli(capsys, root, "create", "a" * 300)
    assert code == 2 and "at most 100" in err and "Traceback" not in err
    assert sorted(p.name for p in (root / "sql").iterdir()) == ["000_migration_tracker.sql"]
    assert cli(capsys, root, "create", "a" * 100)[0] == 0


def test_json_into_a_closed_pipe_exits_quietly(tmp_path: Path, fresh_db: str) -> None:
    root = make_repo(tmp_path, {f"{i:03d}_m{i}.sql": CREATE_A for i in range(1, 2)})
    env = {**os.environ, "WORKBENCH_DEBUG": "0"}
    for args in (["migrate", "status", "--url", fresh_db, "--json"], ["migrate", "--help"], ["check", "--help"]):
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter, no shell
            [sys.executable, "-m", "workbench", "--root", str(root), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before anything is written (`| head -0`)
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
        proc.stderr.close()
        assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err, err
        # 141 (128 + SIGPIPE) when a write failed mid-command, as `git log | head` reports; the
        # command's own code when only the last flush found the reader gone.
        assert proc.returncode in (0, 1, 141), (args, proc.returncode, err)


def test_status_exits_2_when_no_database_is_reachable(tmp_path: Path, capsys: Any) -> None:
    toml = ('[databases.one]\nurl = "postgresql://x@/one?host=/nonexistent-one"\n\n'
            '[databases.two]\nurl = "${WB_SAFETY_UNSET_VARIABLE}"\n')
    root = make_repo(tmp_path, {"001_a.sql": CREATE_A}, toml)
    code, out, _ = cli(capsys, root, "status")
    assert code == 2 and "UNREACHABLE" in out
    assert cli(capsys, root, "status", "--json")[0] == 2


# -- the top-level handler -----------------------------------------------------------------------
def test_an_unexpected_exception_is_one_line_naming_a_bug(tmp_path: Path, capsys: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import workbench.migrate.create as create

    def broken(*_a: Any, **_k: Any) -> Path:
        raise RuntimeError("something nobody expected postgresql://u:Pw9-handler@h/db")

    monkeypatch.setattr(create, "create_migration", broken)
    root = make_repo(tmp_path, {})
    with pytest.raises(RuntimeError):  # tests see the real exception
        cli(capsys, root, "create", "x")
    monkeypatch.setenv("WORKBENCH_DEBUG", "0")
    code, out, err = cli(capsys, root, "create", "x")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "internal error (RuntimeError" in lines[0] and "bug report" in lines[0]
    assert "Pw9-handler" not in err and "Traceback" not in err


# -- fuzz: every loader, every command's arguments -----------------------------------------------
TINY = {
    "workbench.toml": "# tiny\n",
    "proto/shop.proto": 'syntax = "proto3";\npackage shop.v1;\n// A remedy.\nmessage Remedy {\n'
                        '  // Latin name.\n  string name = 1;\n}\n',
    "sql/001_create_remedies.sql": "-- remedies\n-- migrate:up\nCREATE TABLE remedies (name text PRIMARY KEY);\n"
                                   "-- migrate:down\nDROP TABLE remedies;\n",
    "seeders/remedies.json": '{"table": "remedies", "rows": [{"name": "Arnica montana"}]}\n',
}
ODD = st.sampled_from(["", "\x00", "\ufeff", "\ud800", "é", "'", '"', "\\", "$$", "--", "/*", "{", "[", "]",
                       "\r\n", "\t", "💊", "inf", "nan", "1e308", "-1", "99999999999999999999", "true", "=",
                       "-- migrate:up", "-- migrate:down", "transaction:false", "COPY t FROM STDIN;",
                       '"rows": [', '"table": "remedies"', "message M {", "}", "${X}", "[databases.x]"])
FRAGMENTS = st.lists(st.one_of(ODD, st.text(max_size=12)), max_size=12).map("".join)


def mutate(original: str) -> st.SearchStrategy[str]:
    """The file as written, cut and with odd pieces spliced in (a person's typo, a bad merge)."""
    return st.tuples(st.integers(0, len(original)), st.integers(0, len(original)), FRAGMENTS).map(
        lambda t: original[:min(t[0], t[1])] + t[2] + original[max(t[0], t[1]):])


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny") / "repo"
    for rel, text in TINY.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    shutil.copy(Path(__file__).resolve().parent.parent / "sql" / "000_migration_tracker.sql", root / "sql")
    return root


@pytest.mark.parametrize("rel", list(TINY))
def test_fuzz_each_loader(tiny: Path, rel: str, capsys: Any) -> None:
    """`check --no-db` (every loader and static check) on a file mangled many ways."""
    path = tiny / rel

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(text=mutate(TINY[rel]), raw=st.none() | st.integers(0, 400))
    def one(text: str, raw: int | None) -> None:
        data = text.encode("utf-8", "surrogatepass")
        if raw is not None and data:
            at = raw % len(data)
            data = data[:at] + b"\xff" + data[at + 1:]  # not UTF-8 at all
        path.write_bytes(data)
        code, out, err = run(capsys, "--root", str(tiny), "check", "--no-db")
        assert code in (0, 1, 2) and "Traceback" not in out + err, (code, out, err)

    try:
        one()
    finally:
        path.write_text(TINY[rel], encoding="utf-8")


VALUES = st.one_of(st.sampled_from(["-1", "0", "1", "2", "001", "1e308", "inf", "nan", "", "²", "abc", "5s",
                                    "x" * 300, "postgresql://u:Pw9#f?z@/x?host=/nonexistent", "dev",
                                    "production", "--json", "--yes", "-v"]), st.text(max_size=8))
OPTIONS = ["--steps", "--to", "--connect-timeout", "--lock-timeout", "--lock-wait", "--db", "--confirm",
           "--rows", "--mode", "--url", "--json", "--yes", "--dry-run", "--all", "--applied", "--rolled-back",
           "--out-of-order", "--read-only", "-v", "--scratch-url", "--no-db"]
COMMANDS = [["migrate", a] for a in ("status", "up", "down", "create", "reset", "baseline", "resolve", "drift",
                                      "protect", "unprotect")] + [["seed"], ["check", "--no-db"], ["migrate"]]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(command=st.sampled_from(COMMANDS),
       rest=st.lists(st.one_of(st.sampled_from(OPTIONS), VALUES), max_size=6))
def test_fuzz_command_arguments(tiny: Path, capsys: Any, command: list[str], rest: list[str]) -> None:
    """Any arguments: exit 0, 1 or 2, never a traceback; nothing reaches a real database
    but the tiny repository's (absent) embedded one, so no server is started either."""
    argv = ["--root", str(tiny), *command, *rest]
    if not ("--url" in rest or "--db" in rest or command[0] == "check") or "--scratch-url" in rest:
        argv += ["--url", "postgresql://nobody@/x?host=/nonexistent"]
    code, out, err = run(capsys, *argv)
    assert code in (0, 1, 2) and "Traceback" not in out + err, (argv, code, err)
    assert "Pw9#f?z" not in out + err
    assert not (tiny / ".workbench").exists() or not any((tiny / ".workbench").rglob("postmaster.pid"))
    for created in (tiny / "sql").glob("00[2-9]_*.sql"):
        created.unlink()  # `migrate create` in an example

