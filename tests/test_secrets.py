"""No password is ever shown (issue 11, point 5): generated URL shapes, real libpq errors, every
output path (text, --json, the core's strings the TUI shows)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_migrate_support import cli, make_repo, mig

from workbench.database.urls import mask_url, passwords_of, redact

NOWHERE = "/nonexistent-wb-socket-dir"  # a socket directory that does not exist: fails at once
# Passwords start with a marker so "not in the output" cannot pass by luck, and contain
# every character libpq treats specially somewhere in URLs or key=value strings.
SPECIAL = "#?/@:%'\\ =&;,\"[]{}~!$^*()+|<>`é€"
passwords = st.builds(lambda body: "Pw9" + body,
                      st.text(alphabet=st.sampled_from("abcXYZ0189" + SPECIAL), min_size=3, max_size=14))


def url_shapes(pw: str) -> list[str]:
    """The ways a person writes a password into a conninfo string, libpq-valid or not."""
    kv = pw.replace("\\", "\\\\").replace("'", "\\'")
    return [
        # Raw, often malformed. The user is a socket path so that when a '/' in the password
        # makes libpq read the user as the host, it looks up no name in DNS.
        f"postgresql://{NOWHERE.replace('/', '%2F')}:{pw}@{NOWHERE.replace('/', '%2F')}:5432/shop",
        f"postgresql://app:{quote(pw, safe='')}@localhost:1/shop",  # encoded, valid
        f"postgres://app:{quote(pw, safe='#?')}@127.0.0.1:1/shop?sslmode=disable",  # unencoded # and ?
        f"postgresql://app@/shop?host={NOWHERE}&password={quote(pw, safe='')}",
        f"postgresql://app@/shop?host={NOWHERE}&PASSWORD={quote(pw, safe='')}",
        f"postgresql://app@/shop?host={NOWHERE}&PassWord={pw}",
        f"host={NOWHERE} dbname=shop password='{kv}'",
        f"host={NOWHERE} dbname=shop PASSWORD='{kv}'",
        f"host={NOWHERE} password = '{kv}' port=5432",
    ]


def leaks(pw: str, text: str) -> bool:
    """The password, or its percent-encoded form, in `text`."""
    return any(form in text for form in {pw, quote(pw, safe=""), json.dumps(pw)[1:-1]} if len(form) >= 3)


@settings(max_examples=100, deadline=None)
@given(passwords)
def test_mask_and_scrub_by_libpq_parsing(pw: str) -> None:
    import psycopg

    for url in url_shapes(pw):
        assert not leaks(pw, mask_url(url)), url
        # What libpq itself says about the string (parse errors quote it): scrubbed.
        try:
            psycopg.conninfo.conninfo_to_dict(url)
            message = ""
        except (psycopg.ProgrammingError, UnicodeDecodeError) as exc:  # %80: not UTF-8 once decoded
            message = str(exc)
        assert not leaks(pw, redact(message, url)), (url, message)
        # A message quoting the URL that was never passed along: still masked, once remembered.
        assert not leaks(pw, redact(f"cannot connect to {url}: timeout")), url


def test_the_issue_cases() -> None:
    cases = {
        "postgresql://app:Secr3t#Hash?Q@host/db": "Secr3t#Hash?Q",
        "postgresql://app:Secr3t/Slash@host/db": "Secr3t/Slash",
        "postgresql://app:Secr3t@At@host/db": "Secr3t@At",
        "postgresql://host/db?PASSWORD=Secr3tQuery": "Secr3tQuery",
        "host=h Password=Secr3tKv dbname=x": "Secr3tKv",
    }
    for url, pw in cases.items():
        shown = mask_url(url)
        assert pw not in shown and "***" in shown, shown
    # libpq splits a password holding '/' into host, port and dbname and quotes the pieces.
    assert "Slash" not in redact('invalid integer value "Secr3t" for connection option "port"; database '
                                 '"Slash@host/db"', "postgresql://app:Secr3t/Slash@host/db")
    assert passwords_of("postgresql://u:p%40ss@h/db") >= {"p%40ss", "p@ss"}
    # Known passwords are masked wherever they show up, in any later message.
    redact("", "postgresql://app:Zz-unique-Pw@h/db")
    assert redact('{"error": "auth failed for Zz-unique-Pw"}') == '{"error": "auth failed for ***"}'


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(passwords)
def test_no_password_in_any_command_output(tmp_path: Path, capsys: Any, pw: str) -> None:
    root = tmp_path / "repo"
    if not root.exists():
        make_repo(tmp_path, {"001_a.sql": mig("CREATE TABLE a (id int);", "DROP TABLE a;")})
        (root / "seeders").mkdir()
    for url in url_shapes(pw):
        for args in (("status", "--url", url), ("status", "--url", url, "--json"), ("up", "--url", url),
                     ("up", "--url", url, "--json"), ("up", "--dry-run", "--url", url), ("drift", "--url", url),
                     ("down", "--yes", "--url", url), ("status", "--connect-timeout", url)):
            code, out, err = cli(capsys, root, *args)
            assert code in (0, 1, 2), (args, out, err)  # a dry-run of an unreachable database shows all
            assert not leaks(pw, out + err), (args, out, err)


def test_passwords_with_a_real_server(tmp_path: Path, fresh_db: str, capsys: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A reachable database (the test server trusts local connections, so a password is sent
    and ignored): the server's own errors and every result line are clean too."""
    pw = "Pw9#real?/secret"
    url = fresh_db.replace("postgres@", f"postgres:{quote(pw, safe='#?')}@")
    root = make_repo(tmp_path, {"001_a.sql": mig("CREATE TABLE a (id int);", "DROP TABLE a;"),
                                "002_bad.sql": mig("SELECT * FROM no_such_table;")})
    outputs = [cli(capsys, root, *args) for args in (
        ("up", "--url", url), ("up", "--url", url, "--json"), ("status", "--url", url),
        ("status", "--url", url, "--json"), ("status", "--url", url, "-v"))]
    assert outputs[0][0] == 1
    for _, out, err in outputs:
        assert not leaks(pw, out + err), out + err
    # The strings the TUI shows come from the core: masked there too.
    from workbench.contracts.migration_files import load_migrations
    from workbench.migrate.status import database_status
    from workbench.migrate.targets import Target

    files, _ = load_migrations(root / "sql")
    st_ = database_status(root, Target("x", url=url, configured=False), files, timeout=3)
    assert not leaks(pw, st_.url) and not leaks(pw, str(st_.error))
    monkeypatch.setenv("PGPASSWORD", "Pw9-from-the-environment")
    assert "Pw9-from-the-environment" not in redact("libpq said Pw9-from-the-environment")


def test_json_stays_json_whatever_the_passwords(tmp_path: Path, fresh_db: str, capsys: Any) -> None:
    """Masking never breaks --json: passwords that look like JSON syntax, literals or small
    numbers are masked only where a URL or password= holds them."""
    root = make_repo(tmp_path, {"001_a.sql": mig("CREATE TABLE a (id int);", "DROP TABLE a;")})
    for pw in ("[]", "null", "12", "true", '":', "{}", "a/[]/null/12@x"):
        redact("", f"postgresql://app:{quote(pw, safe='')}@h/db", f"postgresql://app:{pw}@h/db")
    for args in (("up", "--url", fresh_db, "--json"), ("status", "--url", fresh_db, "--json"),
                 ("down", "--yes", "--url", fresh_db, "--json")):
        code, out, _ = cli(capsys, root, *args)
        assert code == 0 and json.loads(out)["databases"], (args, out)



def test_the_streams_mask_a_password_split_across_writes() -> None:
    import io

    from workbench.cli.streams import RedactingStream

    redact("", "postgresql://u:Pw9-split-across@h/db")
    for by_line in (False, True):
        inner = io.StringIO()
        stream = RedactingStream(inner, by_line=by_line)  # type: ignore[arg-type]
        for piece in ("error: Pw9-spl", "it-acr", "oss was refused\n", '{"x": "Pw9-split-', 'across"}'):
            stream.write(piece)
        stream.flush()
        assert "Pw9" not in inner.getvalue() and inner.getvalue().count("***") == 2, inner.getvalue()
