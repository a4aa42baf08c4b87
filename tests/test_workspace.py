"""The core workspace: one load sequence, folders that must exist, loud registries, the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.contracts.config import load_config
from workbench.workspace import load_model, reload, unreadable_parts


@pytest.mark.parametrize("key", ["proto", "migrations", "fixtures"])
def test_a_configured_folder_that_does_not_exist_is_an_error_at_its_line(
        repo_copy: Path, key: str, capsys: pytest.CaptureFixture[str]) -> None:
    toml = repo_copy / "workbench.toml"
    # after other sections and a [databases] table that also has a `migrations` key
    toml.write_text(toml.read_text() + f'\n[workbench]\nlock_timeout = "5s"\n{key} = "typo/"\n')
    line = toml.read_text().splitlines().index(f'{key} = "typo/"') + 1
    _, findings = load_config(repo_copy)
    assert [(f.rule, f.file, f.line) for f in findings] == [("CONFIG_FOLDER", "workbench.toml", line)]
    code = main(["--root", str(repo_copy), "check", "--no-db"])
    out = capsys.readouterr().out
    assert code == 1 and f"workbench.toml:{line}:1: error: [workbench] {key} = 'typo/'" in out
    part = {"proto": "proto", "migrations": "sql", "fixtures": "seeds"}[key]
    snap = reload(repo_copy)
    assert part in snap.unreadable and any(f.rule == "CONFIG_FOLDER" for f in snap.findings)
    assert not any(f.rule == "MIGRATION_DIR" for f in snap.findings)  # said once, where the typo is


def test_a_folder_typo_while_open_keeps_the_last_good_for_browsing(repo_copy: Path) -> None:
    first = reload(repo_copy)
    toml = repo_copy / "workbench.toml"
    toml.write_text('[workbench]\nproto = "protos"\n' + toml.read_text())
    second = reload(repo_copy, first, frozenset({"workbench.toml"}))
    assert second.stale == ("proto",) and len(second.model.entities) == len(first.model.entities)
    assert second.current.entities == []  # what `check` sees, and what every finding is about
    assert "proto unreadable (showing its last good load): workbench.toml:2" in second.unreadable_summary()


def test_cli_and_tui_load_the_same_way(repo_copy: Path) -> None:
    cli = load_model(repo_copy)
    tui = reload(repo_copy, checks=False)
    assert sorted(cli.findings, key=str) == sorted(tui.current.findings, key=str)
    assert [m.checksum for m in cli.migrations] == [m.checksum for m in tui.current.migrations]
    assert cli.descriptor_set == tui.current.descriptor_set


def test_unparseable_edit_of_an_applied_migration_is_current_not_last_good(repo_copy: Path) -> None:
    first = reload(repo_copy)
    sql = repo_copy / "sql" / "003_create_orders_payments.sql"
    sql.write_text(sql.read_text().replace("CREATE TABLE order_items", "CREATE TABEL order_items"))
    second = reload(repo_copy, first, frozenset({"sql/003_create_orders_payments.sql"}))
    assert "sql" in second.stale and "sql" in unreadable_parts(second.parts)  # type: ignore[arg-type]
    browse = next(m for m in second.model.migrations if m.version == "003")
    now = next(m for m in second.current.migrations if m.version == "003")
    assert "CREATE TABEL" in now.text and "CREATE TABEL" not in browse.text


def test_half_written_file_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench import workspace

    calls: list[int] = []
    target = tmp_path / "f"
    target.write_text("half")

    def read() -> str:
        calls.append(1)
        text = target.read_text()
        if len(calls) == 1:
            target.write_text("half and the rest")  # the editor's second write lands meanwhile
        return text

    assert workspace.settled(read, lambda text: text == "half", tmp_path, ["f"]) == "half and the rest"
    assert len(calls) == 2
    calls.clear()
    target.write_text("broken")  # stays broken: reported after one look
    assert workspace.settled(lambda: (calls.append(1), target.read_text())[1], lambda t: True, tmp_path, ["f"]) == \
        "broken"
    assert len(calls) == 1


@pytest.mark.parametrize("registry", [
    ("workbench.cli.main", "COMMAND_MODULES", "workbench.cli.renamed"),
    ("workbench.checks", "STATIC_CHECKS", "workbench.checks.renamed"),
])
def test_registries_fail_loudly_on_a_missing_module(registry: tuple[str, str, str]) -> None:
    module, name, missing = registry
    code = (f"import {module} as m\nm.{name}.append({missing!r})\n"
            "from workbench.cli.main import build_parser\nfrom workbench.checks import static_check_modules\n"
            "build_parser(['--help']) if 'cli' in m.__name__ else static_check_modules()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode != 0 and f"No module named '{missing}'" in done.stderr


def test_screen_and_tab_registries_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.tui.screens import SCREENS, RegistryError, ScreenEntry, available_screens, entity_tabs

    monkeypatch.setattr("workbench.tui.screens.SCREENS", [*SCREENS, ScreenEntry("x", "X", "9", "workbench.tui.no:X")])
    with pytest.raises(RegistryError, match="workbench.tui.no:X"):
        available_screens()
    monkeypatch.setattr(entity_tabs, "ENTITY_TABS", [entity_tabs.EntityTab("x", "X", "x", "workbench.tui.no:X")])
    with pytest.raises(RegistryError, match="workbench.tui.no:X"):
        entity_tabs.available_tabs()


def test_the_terminal_is_textuals_alone(tmp_path: Path) -> None:
    """While the TUI runs, fd 2 (where protoc and forked children write) is a log file, and what
    Textual draws through sys.__stderr__ reaches the terminal, even while a compile captures fd 2."""
    log = tmp_path / "tui-stderr.log"
    code = (
        "import os, sys\nfrom pathlib import Path\nfrom workbench.tui.terminal import own_terminal\n"
        "from workbench.contracts.proto_compile import _run_capturing_fd2\n"
        f"with own_terminal(Path({str(log)!r})):\n"
        "    def call():\n"
        "        sys.__stderr__.write('FRAME'); sys.__stderr__.flush()\n"
        "        os.write(2, b'protoc: noise\\n'); return 0\n"
        "    code, captured = _run_capturing_fd2(call)\n"
        "    assert captured == 'protoc: noise\\n', captured\n"
        "    os.write(2, b'child noise\\n')\n"
        "os.write(2, b'AFTER')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ})
    assert done.returncode == 0, done.stderr
    assert done.stderr == "FRAMEAFTER"
    assert log.read_text() == "child noise\n"
