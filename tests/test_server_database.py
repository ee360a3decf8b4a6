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
from planner.store.database import close_database, db, write_tx
from planner.store.engine import WRITERS_LOCK_KEY, on_server
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
def test_a_writer_kept_waiting_too_long_gets_a_clear_busy_error_and_nothing_half_done(db_path, db_engine):
    with psycopg.connect(str(db_path)) as other:  # another session in the middle of a long write
        other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITERS_LOCK_KEY,))
        db.obj.lock_wait = 0.3
        with pytest.raises(FollowupError, match=r'database "t\d+" on .*: busy: another followup session'), \
                write_tx():
            Contact.insert(name="Never", search_text="never").execute()
        other.rollback()
    with write_tx():  # the lock is free again, and this session's connection is usable
        Contact.insert(name="Later", search_text="later").execute()
    assert [c.name for c in Contact.select()] == ["Later"]


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
    assert backup.code == 1 and "backed up on the server (pg_dump)" in backup.err
