"""`followup migrate-to`: a personal SQLite file moved into an empty team database on PostgreSQL
under one member, and back into a new file, every row equal; one transaction, verified row by row;
a second run is refused."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import sqlite3
import subprocess
import sys

import psycopg
import pytest
from test_private_notes import as_role, member_role

server_only = pytest.mark.engines("postgresql")


def _all_rows(path) -> dict[str, list[tuple]]:
    """Every row of every table of an SQLite file, as SQLite stores them."""
    with sqlite3.connect(path) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        rows = {name: conn.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in tables}
        rows["user_version"] = conn.execute("PRAGMA user_version").fetchall()
    return rows


@server_only
def test_the_demo_database_goes_to_a_team_server_and_back_with_every_row_equal(cli, tmp_path):
    demo = tmp_path / "demo" / "followup.db"
    cli.ok("demo", "--contacts", "120", db=demo)
    maria = json.loads(cli.ok("contacts", "--json", db=demo))[0]["name"]
    cli.ok("log", maria, "offer 95k", "--notes", "private words", "--private", db=demo)
    with sqlite3.connect(demo) as conn:  # a quick-log note being typed: a draft, the author's too
        conn.execute("INSERT INTO draft (contact_id, started_at, updated_at, kind, outcome, summary, notes, "
                     "next_when, extra) VALUES (1, '2026-11-25 09:00:00', '2026-11-25 09:00:00', 'call', 'spoke', "
                     "'', 'half typed', '', '{}')")
    mia = member_role(cli, "Mia")
    original = _all_rows(demo)
    assert sum(map(len, original.values())) > 1000
    assert original["undo_action"]  # the file's undo history: it stays with the file, not copied
    original = {table: rows for table, rows in original.items() if not table.startswith("undo_")}

    result = cli("migrate-to", as_role(cli, mia), db=demo)
    assert result.code == 0 and result.err == ""  # no progress bar when stderr is no terminal
    assert "every row read back equal" in result.out and f"as Mia (role {mia})" in result.out

    # on the server: Mia's desk, her private note hers (RLS: the admin's superuser session aside)
    with psycopg.connect(as_role(cli, mia)) as conn:
        for table, rows in original.items():
            if table not in ("user_version", "member"):
                assert conn.execute(f'SELECT count(*) FROM "{table}"').fetchone() == (len(rows),), table
        assert conn.execute("SELECT author_role, summary FROM private_note").fetchall() == [(mia, "offer 95k")]
        assert conn.execute("SELECT author_role, notes FROM draft").fetchall() == [(mia, "half typed")]
    history = json.loads(cli.ok("history", maria, "--json", db=as_role(cli, mia)))
    assert history[0]["summary"] == "offer 95k"
    # running it twice is refused, and nothing is added
    again = cli("migrate-to", as_role(cli, mia), db=demo)
    assert again.code == 1 and "not empty" in again.err and again.err.count("\n") == 1

    back = tmp_path / "back" / "followup.db"
    out = cli.ok("migrate-to", str(back), db=as_role(cli, mia))
    assert "every row read back equal" in out
    returned = _all_rows(back)
    assert not any(returned.pop(table) for table in [t for t in returned if t.startswith("undo_")])
    assert returned.keys() == original.keys()
    for table in original:
        assert returned[table] == original[table], table

    # new rows on the server get new ids (its sequences moved past the copied ones)
    new = json.loads(cli.ok("add", "Someone New", "--json", db=as_role(cli, mia)))["id"]
    assert new == max(row[0] for row in original["contact"]) + 1


@server_only
def test_a_team_database_that_is_not_empty_is_refused_and_nothing_is_copied(cli, tmp_path):
    mine = tmp_path / "mine" / "followup.db"
    cli.ok("add", "Maria Schmidt", db=mine)
    mia = member_role(cli, "Mia")
    cli.ok("add", "Jonas Weber", db=as_role(cli, mia))
    result = cli("migrate-to", as_role(cli, mia), db=mine)
    assert result.code == 1 and "not empty (1 in contact" in result.err
    assert [c["name"] for c in json.loads(cli.ok("contacts", "--json", db=as_role(cli, mia)))] == ["Jonas Weber"]


@server_only
def test_a_role_that_is_no_member_is_told_to_name_one(cli, tmp_path):
    mine = tmp_path / "mine" / "followup.db"
    cli.ok("add", "Maria Schmidt", db=mine)
    result = cli("migrate-to", str(cli.db), db=mine)
    assert result.code == 1 and "--member NAME" in result.err
    mia = member_role(cli, "Mia")
    assert "as Mia" in cli.ok("migrate-to", str(cli.db), "--member", "Mia", db=mine)
    assert json.loads(cli.ok("contacts", "--json", db=as_role(cli, mia)))[0]["name"] == "Maria Schmidt"


@server_only
def test_on_a_terminal_a_progress_bar_shows_the_copy_and_the_check(cli, tmp_path):
    mine = tmp_path / "mine" / "followup.db"
    cli.ok("demo", "--contacts", "40", db=mine)
    mia = member_role(cli, "Mia")
    primary, secondary = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "planner", "--db", str(mine), "--today", "2026-11-25",
                           "migrate-to", as_role(cli, mia)], stderr=secondary, stdout=subprocess.PIPE,
                          text=True, timeout=120)
    os.close(secondary)
    drawn = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(primary, 65536):
            drawn += chunk
    os.close(primary)
    assert proc.returncode == 0 and "every row read back equal" in proc.stdout
    text = drawn.decode()
    assert "\rcopying" in text and "\rverifying" in text and "100%" in text


@pytest.mark.engines("sqlite")  # the test's own database is the file here, even under --pg-all
def test_a_file_to_a_file_is_refused(cli, tmp_path):
    result = cli("migrate-to", str(tmp_path / "other.db"))
    assert result.code == 2 and "followup backup" in result.err
