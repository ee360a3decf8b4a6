"""One database on either engine: migrations from the same steps, the version kept in the
database, connection errors as one line, and writers serialised (a real PostgreSQL server on a
Unix socket, started by the test session; see conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import psycopg
import pytest

from planner.cli import main
from planner.core.errors import FollowupError
from planner.store import migrations
from planner.store.connect import open_database
from planner.store.database import LockWait, close_database, db, set_lock_wait_handler, write_tx
from planner.store.engine import SYNC_LOCK_KEY, WRITERS_LOCK_KEY, on_server
from planner.store.models import Contact, Setting

pytestmark = pytest.mark.engines


@pytest.fixture
def empty_db(db_engine, new_db, request):
    """Where a database with no tables yet goes (a new file, or an empty server database)."""
    if db_engine == "sqlite":
        return new_db("empty")
    return request.getfixturevalue("pg_cluster").empty_database()


def test_a_new_database_is_migrated_to_the_latest_version_and_records_it(empty_db, db_engine):
    open_database(empty_db)
    assert on_server(db) == (db_engine == "postgresql")
    assert migrations.schema_version(db) == migrations.LATEST
    assert {"contact", "contact_email", "planned_call", "interaction", "favor", "draft"} <= set(db.get_tables())
    if db_engine == "postgresql":
        assert db.execute_sql("SELECT version FROM schema_version").fetchall() == [(migrations.LATEST,)]
    close_database()
    open_database(empty_db)  # opening again changes nothing
    assert migrations.schema_version(db) == migrations.LATEST


def test_an_old_database_keeps_its_rows_through_every_later_step(empty_db):
    open_database(empty_db, migrate=False)
    migrations.migrate(db, target=1)
    assert migrations.schema_version(db) == 1 and "planned_call" not in db.get_tables()
    with write_tx():
        Contact.insert(name="Old Friend", search_text="old friend").execute()
    close_database()

    open_database(empty_db)
    assert migrations.schema_version(db) == migrations.LATEST
    assert [c.name for c in Contact.select()] == ["Old Friend"]
    assert "consumed_pins" in {c.name for c in db.get_columns("interaction")}  # the step that adds a column ran


def test_a_newer_schema_is_refused_naming_the_database(empty_db, cli):
    open_database(empty_db)
    with write_tx():
        from planner.store.engine import write_schema_version

        write_schema_version(db, migrations.LATEST + 5)
    close_database()
    result = cli("contacts", db=empty_db)
    assert result.code == 1 and "newer than this followup knows" in result.err


def test_the_engine_comes_from_followup_db_too(db_path, monkeypatch, capsys):
    close_database()
    monkeypatch.setenv("FOLLOWUP_DB", str(db_path))
    assert main(["--today", "2026-11-25", "add", "Mia Example"]) == 0
    assert main(["--today", "2026-11-25", "contacts", "--json"]) == 0
    assert "Mia Example" in capsys.readouterr().out


WRITER = textwrap.dedent(
    """
    import sys
    from planner.store.connect import open_database
    from planner.store.database import write_tx
    from planner.store.models import Setting
    open_database(sys.argv[1])
    for _ in range(int(sys.argv[2])):
        with write_tx():  # read-modify-write: loses updates unless writers take turns
            row = Setting.get_or_none(Setting.key == "counter")
            value = int(row.value) if row else 0
            (Setting.insert(key="counter", value=str(value + 1))
             .on_conflict(conflict_target=[Setting.key], update={Setting.value: str(value + 1)}).execute())
    """
)


def test_two_processes_writing_at_once_lose_nothing(db_path):
    close_database()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), "150"], stderr=subprocess.PIPE)
             for _ in range(2)]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    open_database(db_path)
    assert Setting.get(Setting.key == "counter").value == "300"


# --- the server only ---

server_only = pytest.mark.engines("postgresql")


@server_only
def test_a_writer_kept_waiting_says_so_then_gives_up_with_a_clear_error_and_nothing_half_done(db_path):
    """The writers' lock waits like SQLite's: the status handler hears about the wait, and past the
    limit the writer gives up with one line naming the database; nothing was written."""
    heard: list[LockWait] = []
    previous = set_lock_wait_handler(heard.append)
    try:
        with psycopg.connect(str(db_path)) as other:  # another session in the middle of a long write
            other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITERS_LOCK_KEY,))
            with pytest.raises(FollowupError, match=r'database "t\d+" on .*: another session kept writing'), \
                    write_tx(limit=1.5):
                Contact.insert(name="Never", search_text="never").execute()
            other.rollback()
        assert heard and not heard[0].finished and heard[-1].finished
        assert str(heard[0].path).startswith('database "t')
        with write_tx():  # the lock is free again, and this session's connection is usable
            Contact.insert(name="Later", search_text="later").execute()
        assert [c.name for c in Contact.select()] == ["Later"]
    finally:
        set_lock_wait_handler(previous)


@server_only
def test_a_writer_waits_for_the_other_to_finish_and_then_writes(db_path):
    """A write held up for a few seconds by another session's write goes through once it ends."""
    import threading

    heard: list[LockWait] = []
    previous = set_lock_wait_handler(heard.append)
    other = psycopg.connect(str(db_path))
    try:
        other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITERS_LOCK_KEY,))
        threading.Timer(2.5, other.rollback).start()
        with write_tx():
            Contact.insert(name="Patient", search_text="patient").execute()
        assert [c.name for c in Contact.select()] == ["Patient"]
        assert [w.finished for w in heard][-1] and any(not w.finished for w in heard)
    finally:
        set_lock_wait_handler(previous)
        other.close()


@server_only
def test_a_lost_connection_is_named_in_one_line_and_the_write_is_not_half_done(db_path, cli, monkeypatch):
    """The server ends this session in the middle of a write: one line naming the database and
    what happened, no traceback, and the rows as they were."""
    from planner.cli import admin_cmds, open_db_from_args

    cli.ok("add", "Mia Example")

    def write_while_the_server_ends_the_session(args):
        open_db_from_args(args)
        with write_tx():
            Contact.insert(name="Half", search_text="half").execute()
            ours = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
            with psycopg.connect(str(db_path), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s, 5000)", (ours,))
            Contact.insert(name="Second", search_text="second").execute()
        return 0

    monkeypatch.setattr(admin_cmds, "cmd_config", write_while_the_server_ends_the_session)
    result = cli("config")
    assert result.code == 1, result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err, result.err
    assert result.err.startswith('followup: database "t') and "the server ended this session" in result.err
    assert [c["name"] for c in json.loads(cli.ok("contacts", "--json"))] == ["Mia Example"]


@server_only
def test_connection_errors_are_one_line_naming_host_and_database_never_the_password(cli, db_engine, request):
    cluster = request.getfixturevalue("pg_cluster")
    cases = [
        (f"postgresql://postgres:s3cret@/no_such_desk?host={cluster.root}",
         f'database "no_such_desk" on {cluster.root}:5432', 'database "no_such_desk" does not exist'),
        (f"postgresql://mia:s3cret@/desk?host={cluster.root}", f'database "desk" on {cluster.root}:5432',
         'role "mia" does not exist'),
        ("postgresql://mia:s3cret@/desk?host=/nonexistent/socket", 'database "desk" on /nonexistent/socket:5432',
         "No such file or directory"),
        ("postgres://mia:s3cret@127.0.0.1:1/desk", 'database "desk" on 127.0.0.1:1', "Connection refused"),
    ]
    for url, names, reason in cases:
        result = cli("contacts", db=url)
        assert result.code == 1, result.err
        assert result.err.count("\n") == 1 and names in result.err and reason in result.err, result.err
        assert "s3cret" not in result.err and "Traceback" not in result.err


@server_only
def test_a_uri_libpq_cannot_read_is_a_clear_error(cli, db_engine):
    result = cli("contacts", db="postgresql://mia:s3cret@/desk?nonsense=1")
    assert result.code == 1 and "not a PostgreSQL URI libpq can read" in result.err
    assert "s3cret" not in result.err and result.err.count("\n") == 1


def _without_clock(data):
    """JSON output less the moments rows were written (the two builds ran a moment apart)."""
    if isinstance(data, dict):
        return {k: _without_clock(v) for k, v in data.items() if k not in ("created_at", "updated_at")}
    if isinstance(data, list):
        return [_without_clock(v) for v in data]
    return data


@server_only
def test_the_demo_on_a_server_reads_back_exactly_as_on_a_file(cli, tmp_path):
    """The same seeded demo built on both engines: every list, the plan and the ledger agree."""
    file = tmp_path / "demo" / "followup.db"
    out = cli.ok("demo", "--no-ui", "--contacts", "60")
    assert out.startswith('demo database: database "t') and "contacts: 60" in out
    cli.ok("demo", "--no-ui", "--contacts", "60", db=file)
    for command in (["contacts", "--json"], ["plan", "--json"], ["agenda", "--format", "json", "--week", "next"],
                    ["ledger", "--json"], ["contacts", "--archived", "--json"]):
        on_server, on_file = (_without_clock(json.loads(cli.ok(*command, **where))) for where in ({}, {"db": file}))
        assert on_server == on_file, command
    assert len(json.loads(cli.ok("contacts", "--json"))) > 0
    assert cli.ok("check").strip().endswith(":5432: ok")
    backup = cli("backup")
    assert backup.code == 2 and "name it (followup backup PATH)" in backup.err
    # with a PATH: a verified file copy of what this session may read, which reads as the server does
    copy = tmp_path / "copy.db"
    assert "every row read back equal" in cli.ok("backup", str(copy))
    assert json.loads(cli.ok("contacts", "--json", db=copy)) == json.loads(cli.ok("contacts", "--json"))
    assert cli("backup", str(copy)).code == 2  # never over an existing file


@server_only
def test_check_on_a_server_says_what_it_checks_finds_orphans_refuses_writes_and_repairs(cli):
    """The server keeps its own pages, text and dates; `check` says so, checks the plan and the
    rows the server cannot judge, and its damage mark refuses writes there as on a file."""
    for args in (("add", "Ann Example"), ("add", "Bob Other", "--every", "30d"),
                 ("add", "Cleo Third", "--every", "60d")):
        cli.ok(*args)
    first = cli.ok("check").strip().splitlines()
    assert "a server database" in first[0] and "checked by the server" in first[0] and first[-1].endswith(": ok")
    with psycopg.connect(str(cli.db), autocommit=True) as other:
        other.execute("UPDATE contact SET archived_at = '2026-11-01 10:00:00' WHERE name = 'Cleo Third'")
        other.execute("UPDATE planned_call SET date = window_start - 3 "
                      "WHERE id = (SELECT min(id) FROM planned_call WHERE NOT pinned AND date >= '2026-12-01')")
    found = cli("check")
    assert found.code == 1 and "archived contact" in found.out and "outside its window" in found.out, found.out
    assert "writes are refused" in found.out
    refused = cli("add", "Dan Later")
    assert refused.code == 1 and "check --repair" in refused.err and refused.err.count("\n") == 1, refused.err
    repaired = cli("check", "--repair")
    assert repaired.code == 0 and repaired.out.strip().endswith(": ok"), repaired.out
    cli.ok("add", "Dan Later")


@server_only
def test_two_syncs_of_one_server_database_do_not_run_at_once(db_path):
    """The sync lock on a server is an advisory lock (there is no file to lock beside)."""
    from planner.sync.dav import SyncError
    from planner.sync.state import sync_lock

    with psycopg.connect(str(db_path), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (SYNC_LOCK_KEY,))  # a sync running elsewhere
        with pytest.raises(SyncError, match="another sync of this database is running"), sync_lock():
            pass
        other.execute("SELECT pg_advisory_unlock(%s)", (SYNC_LOCK_KEY,))
        with sync_lock():
            assert other.execute("SELECT pg_try_advisory_lock(%s)", (SYNC_LOCK_KEY,)).fetchone()[0] is False
        assert other.execute("SELECT pg_try_advisory_lock(%s)", (SYNC_LOCK_KEY,)).fetchone()[0] is True
