"""The database file: owner-only, WAL, foreign keys, migrations, backup, check, two writers."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading

import pytest

from planner.store import migrations
from planner.store.connect import open_database
from planner.store.database import close_database, db


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_database_is_owner_only_even_with_a_lax_umask(cli, tmp_path):
    target = tmp_path / "fresh" / "nested" / "followup.db"
    result = cli("add", "Ann", db=target)
    assert result.code == 0
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    assert mode(target.parent.parent) == 0o700


def _settings() -> tuple:
    return tuple(db.execute_sql(f"PRAGMA {name}").fetchone()[0]
                 for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout"))


def test_pragmas_wal_foreign_keys_full_sync(db_path):
    journal, foreign_keys, synchronous, busy = _settings()
    assert (journal, foreign_keys, synchronous) == ("wal", 1, 2)
    assert busy >= 5000


def test_every_threads_connection_has_them_too(db_path):
    """Each thread worker opens its own connection: WAL (the file's mode, set once), foreign keys
    and full sync hold there as on the first."""
    seen: list[tuple] = []
    worker = threading.Thread(target=lambda: seen.append(_settings()))
    worker.start()
    worker.join()
    journal, foreign_keys, synchronous, busy = seen[0]
    assert (journal, foreign_keys, synchronous) == ("wal", 1, 2)
    assert busy >= 5000


def test_fresh_file_migrates_to_latest(db_path):
    assert migrations.schema_version(db) == migrations.LATEST
    tables = set(db.get_tables())
    assert {"contact", "contact_email", "planned_call", "interaction", "favor", "draft"} <= tables
    assert list(db_path.parent.glob("*before*")) == []  # nothing to copy for an empty file


def test_version_one_file_is_copied_then_upgraded(tmp_path):
    path = tmp_path / "old.db"
    open_database(path, migrate=False)
    migrations.migrate(db, target=1)
    db.execute_sql("INSERT INTO contact (name, company, title, kind, no_cadence, timezone, notes, source, "
                   "external_key, search_text, created_at, updated_at) VALUES "
                   "('Old Friend', '', '', 'friend', 0, '', '', 'manual', '', 'old friend', "
                   "'2020-01-01', '2020-01-01')")
    close_database()

    open_database(path)
    assert migrations.schema_version(db) == migrations.LATEST
    assert "planned_call" in db.get_tables()
    copies = list(tmp_path.glob("old.v1-before-v*.db"))
    assert len(copies) == 1 and mode(copies[0]) == 0o600
    with sqlite3.connect(copies[0]) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert old.execute("SELECT name FROM contact").fetchall() == [("Old Friend",)]
    assert db.execute_sql("SELECT name FROM contact").fetchall() == [("Old Friend",)]


def test_newer_schema_is_refused(tmp_path, cli):
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.LATEST + 5}")
    result = cli("contacts", db=path)
    assert result.code == 1 and "newer than this followup knows" in result.err


def test_not_a_database_is_a_clear_error(tmp_path, cli):
    path = tmp_path / "notes.txt"
    path.write_text("hello, I am not SQLite")
    result = cli("contacts", db=path)
    assert result.code == 1 and "not a followup database" in result.err
    assert path.read_text() == "hello, I am not SQLite"


def test_backup_is_consistent_and_owner_only(cli, tmp_path):
    cli("add", "Ann Example", "--email", "ann@example.com")
    target = tmp_path / "copy.db"
    result = cli("backup", str(target))
    assert result.code == 0 and str(target) in result.out
    assert mode(target) == 0o600
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT name FROM contact").fetchall() == [("Ann Example",)]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = cli("backup", str(target))
    assert again.code == 2 and "already exists" in again.err  # as export-contacts -o says a bad path
    nowhere = cli("backup", str(tmp_path / "no-such-folder" / "copy.db"))
    assert nowhere.code == 2 and nowhere.err == f"followup: {tmp_path / 'no-such-folder'}: no such folder\n"


def test_backup_default_lands_beside_the_database(cli):
    cli("add", "Ann")
    result = cli("backup")
    path = result.out.strip()
    assert result.code == 0 and path.startswith(str(cli.db.parent)) and "backup" in path
    assert mode(path) == 0o600


def test_check_reports_ok_and_finds_broken_foreign_keys(cli):
    cli("add", "Ann", "--email", "ann@example.com")
    assert cli("check").code == 0
    with sqlite3.connect(cli.db) as conn:  # a raw writer with foreign keys off leaves an orphan
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM contact")
    result = cli("check")
    assert result.code == 1 and "foreign key" in result.out


WRITER = textwrap.dedent(
    """
    import sys
    from planner.store.connect import open_database
    from planner.store.database import write_tx
    from planner.store.models import Setting
    open_database(sys.argv[1])
    for _ in range(int(sys.argv[2])):
        with write_tx():  # read-modify-write: the pattern that fails under DEFERRED
            row = Setting.get_or_none(Setting.key == "counter")
            value = int(row.value) if row else 0
            Setting.replace(key="counter", value=str(value + 1)).execute()
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "shared.db"
    open_database(path)
    close_database()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), "150"], stderr=subprocess.PIPE)
             for _ in range(2)]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM setting WHERE key='counter'").fetchone()[0] == "300"


def test_domain_never_imports_textual():
    code = ("import sys, pkgutil, importlib, planner\n"
            "for m in pkgutil.walk_packages(planner.__path__, 'planner.'):\n"
            "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
            "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'screens'))\n"
            "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


@pytest.mark.parametrize("argv", [["--help"], ["contacts", "--help"]])
def test_help_exits_cleanly(cli, argv):
    assert cli(*argv).code == 0


# The interaction table as version 4 wrote it (followup before logs remembered the pin they fulfilled).
V4_INTERACTION = (
    ('CREATE TABLE "interaction" ("id" INTEGER NOT NULL PRIMARY KEY, "contact_id" INTEGER NOT NULL, '
     '"happened_at" DATETIME NOT NULL, "tz" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, '
     '"outcome" VARCHAR(255) NOT NULL, "duration_min" INTEGER, "summary" TEXT NOT NULL, "notes" TEXT NOT NULL, '
     '"thanked" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, '
     'FOREIGN KEY ("contact_id") REFERENCES "contact" ("id") ON DELETE CASCADE)'),
    'CREATE INDEX "interaction_contact_id" ON "interaction" ("contact_id")',
    'CREATE INDEX "interaction_happened_at" ON "interaction" ("happened_at")',
)


def _interaction_columns(conn) -> list[tuple]:
    return [row[1:] for row in conn.execute("PRAGMA table_info(interaction)")]


def _maria_and_an_old_call() -> None:
    """A contact and one call, written with the columns every version since 3 has."""
    db.execute_sql("INSERT INTO contact (name, company, title, kind, cadence_days, no_cadence, timezone, notes, "
                   "source, external_key, search_text, created_at, updated_at) VALUES ('Maria Schmidt', '', '', "
                   "'client', 30, 0, '', '', 'manual', '', 'maria schmidt', '2026-01-01', '2026-01-01')")
    db.execute_sql("INSERT INTO interaction (contact_id, happened_at, tz, kind, outcome, summary, notes, thanked, "
                   "created_at) VALUES (1, '2026-11-02 10:00:00', 'UTC', 'call', 'spoke', 'Old call', '', 0, "
                   "'2026-11-02 10:00:00')")


def test_version_four_file_with_history_gains_the_fulfilled_pin_column(tmp_path, cli):
    path = tmp_path / "v4.db"
    open_database(path, migrate=False)
    migrations.migrate(db, target=4)
    db.execute_sql("DROP TABLE interaction")
    for statement in V4_INTERACTION:
        db.execute_sql(statement)
    _maria_and_an_old_call()
    db.execute_sql("INSERT INTO planned_call (contact_id, date, ideal, window_start, window_end, reason, pinned, "
                   "seq, note) VALUES (1, '2026-11-27', '2026-11-27', '2026-11-27', '2026-11-27', 'pinned', 1, 0, "
                   "'after her holiday')")
    close_database()

    open_database(path)
    assert migrations.schema_version(db) == migrations.LATEST
    assert db.execute_sql("SELECT summary, consumed_pins FROM interaction").fetchall() == [("Old call", None)]
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    close_database()
    copies = list(tmp_path.glob(f"v4.v4-before-v{migrations.LATEST}.*.db"))
    assert len(copies) == 1 and mode(copies[0]) == 0o600
    with sqlite3.connect(copies[0]) as old, sqlite3.connect(path) as upgraded:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 4
        assert "consumed_pins" not in {column[0] for column in _interaction_columns(old)}
        assert old.execute("SELECT summary FROM interaction").fetchall() == [("Old call",)]
        fresh = tmp_path / "fresh.db"
        open_database(fresh)
        close_database()
        with sqlite3.connect(fresh) as new:
            assert _interaction_columns(upgraded) == _interaction_columns(new)  # old and new files alike

    friday = "2026-11-27"
    pin = ("2026-11-27", "pinned", "after her holiday")
    stored_pins = "SELECT date, reason, note FROM planned_call WHERE pinned = 1"
    assert cli("delete-log", "1", db=path, today=friday).code == 0
    with sqlite3.connect(path) as conn:  # an old log remembers nothing to give back, nor to take
        assert conn.execute(stored_pins).fetchall() == [pin]
    call = json.loads(cli("log", "Maria", "Caught her", "--json", db=path, today=friday).out)["id"]
    with sqlite3.connect(path) as conn:
        assert conn.execute(stored_pins).fetchall() == []
    assert cli("delete-log", str(call), db=path, today=friday).code == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute(stored_pins).fetchall() == [pin]


def _plan_of(query) -> str:
    sql, params = query.sql()
    return " | ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())


def test_version_five_file_gains_the_last_reached_index_and_the_planner_reads_only_it(tmp_path):
    from planner.store.queries import last_reached_query

    path = tmp_path / "v5.db"
    open_database(path, migrate=False)
    migrations.migrate(db, target=5)
    # a file made by version 5 of followup: its interaction table has no such index
    db.execute_sql('DROP INDEX "interaction_contact_id_outcome_happened_at"')
    _maria_and_an_old_call()
    assert "COVERING INDEX" not in _plan_of(last_reached_query(None))
    close_database()

    open_database(path)
    assert migrations.schema_version(db) == migrations.LATEST
    for contacts in (None, [1]):
        assert "COVERING INDEX interaction_contact_id_outcome_happened_at" in _plan_of(last_reached_query(contacts))
    assert db.execute_sql("SELECT summary FROM interaction").fetchall() == [("Old call",)]
    close_database()
    assert len(list(tmp_path.glob(f"v5.v5-before-v{migrations.LATEST}.*.db"))) == 1
    fresh = tmp_path / "fresh.db"
    open_database(fresh)
    assert "COVERING INDEX interaction_contact_id_outcome_happened_at" in _plan_of(last_reached_query(None))
    close_database()


def test_a_file_from_before_the_plan_reason_index_gains_it_and_the_agenda_reads_through_it(tmp_path):
    """The agenda's condition (the week's calls, or any thank-you whatever its day) comes from two
    indexes once the file has the one on the plan's reason; without it, a pass over the whole plan."""
    from sql_trace import Statements

    from planner.services.agenda import build_agenda, week_range

    path = tmp_path / "before.db"
    open_database(path, migrate=False)
    migrations.migrate(db, target=19)  # the step before the index (step 20)
    db.execute_sql('DROP INDEX "planned_call_reason"')  # as a file of the step before has it
    _maria_and_an_old_call()
    db.execute_sql("INSERT INTO planned_call (contact_id, date, ideal, window_start, window_end, reason, pinned, "
                   "seq, note) VALUES (1, '2026-12-20', '2026-12-20', '2026-12-20', '2026-12-20', 'thank-you', 1, "
                   "0, '')")

    def agenda_plans() -> list[str]:
        with Statements() as seen:
            agenda = build_agenda(*week_range("this"))
        assert [item.name for item in agenda.thank_yous] == ["Maria Schmidt"]
        reads = [s for s in seen if s.startswith("SELECT") and "'thank-you'" in s and "planned_call" in s]
        assert reads
        return [" | ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + s).fetchall()) for s in reads]

    assert not any("planned_call_reason" in plan for plan in agenda_plans())
    close_database()

    open_database(path)
    assert migrations.schema_version(db) == migrations.LATEST
    assert "planned_call_reason" in {row[1] for row in db.execute_sql("PRAGMA index_list('planned_call')")}
    assert any("planned_call_reason" in plan for plan in agenda_plans())
    close_database()


def test_a_version_nineteen_file_gains_the_lookup_indexes_and_names_are_found_through_them(tmp_path, cli):
    from planner.services.contacts import resolve
    from planner.store.dialect import first_line

    path = tmp_path / "v19.db"
    open_database(path, migrate=False)
    migrations.migrate(db, target=19)
    _maria_and_an_old_call()
    db.execute_sql("UPDATE contact SET search_text = 'maria schmidt' || char(10) || 'initech' WHERE id = 1")
    assert "contact_name_key" not in {row[0] for row in db.execute_sql("SELECT name FROM sqlite_master")}
    close_database()

    open_database(path)
    assert migrations.schema_version(db) == migrations.LATEST
    column = 'c."search_text"'
    probe = f'SELECT c."id" FROM "contact" c WHERE {first_line(column)} = ?'
    plan = " | ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + probe, ["maria schmidt"]).fetchall())
    assert "USING INDEX contact_name_key" in plan
    assert resolve("MARIA SCHMIDT") == 1
    emails = ('SELECT (SELECT group_concat(v, char(31)) FROM (SELECT x."address" AS v FROM "contact_email" x '
              'WHERE x."contact_id" = c."id" ORDER BY x."position", x."id")) FROM "contact" c')
    plan = " | ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + emails).fetchall())
    assert "COVERING INDEX contact_email_in_order" in plan and "TEMP B-TREE" not in plan  # as lists read them
    next_call = ('SELECT (SELECT p."date" FROM "planned_call" p WHERE p."contact_id" = c."id" '
                 'AND p."reason" <> \'thank-you\' ORDER BY p."date", p."seq" LIMIT 1) FROM "contact" c')
    plan = " | ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + next_call).fetchall())
    assert "COVERING INDEX planned_call_next_of_contact" in plan and "TEMP B-TREE" not in plan
    close_database()
    assert cli("show", "schmidt", db=path).code == 0


def test_a_file_from_before_drafts_were_journaled_gives_a_merged_draft_back_on_undo(tmp_path, cli):
    """A file of the step before: its journal did not follow drafts; once upgraded, `followup undo`
    of a merge gives the removed contact its draft back."""
    path = tmp_path / "before.db"
    open_database(path, migrate=False)
    migrations.migrate(db, target=migrations.STEPS.index(migrations._v23_draft_contact_journaled))
    db.execute_sql('DROP TRIGGER "undo_journal_draft_U"')  # as the step before left the file: no such trigger
    close_database()
    for name in ("Ana Lopez", "Ana López"):
        assert cli("add", name, db=path).code == 0
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO draft (contact_id, started_at, updated_at, kind, outcome, summary, notes, "
                     "next_when, extra) VALUES (2, '2026-11-24 10:00:00', '2026-11-24 10:05:00', 'call', 'spoke', "
                     "'half a note', '', '', '{}')")
    assert cli("merge", "1", "2", db=path).code == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        assert conn.execute("SELECT contact_id FROM draft").fetchall() == [(1,)]
    assert cli("undo", db=path).code == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT contact_id, summary FROM draft").fetchall() == [(2, "half a note")]


def test_a_copy_left_this_same_second_by_a_stopped_migration_does_not_stop_the_next(tmp_path):
    """The copy before a migration is named to the second; one left by a run killed that second
    (a kill, a closed terminal) gets a numbered neighbour instead of refusing to migrate."""
    import datetime as dt

    path = tmp_path / "v5.db"
    open_database(path, migrate=False)
    migrations.migrate(db, target=5)
    close_database()
    now = dt.datetime.now()
    for seconds in range(60):  # whichever second the migration starts in, even on a loaded machine
        moment = now + dt.timedelta(seconds=seconds)
        left = tmp_path / f"v5.v5-before-v{migrations.LATEST}.{moment:%Y%m%d-%H%M%S}.db"
        left.write_bytes(b"half a copy")
    open_database(path)
    assert migrations.schema_version(db) == migrations.LATEST
    close_database()
    (copy,) = tmp_path.glob(f"v5.v5-before-v{migrations.LATEST}.*-2.db")
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 5


def test_rows_written_many_to_a_statement_all_go_in_and_a_row_of_the_wrong_width_leaves_none(db_path):
    from planner.store.database import write_tx
    from planner.store.dialect import ROWS_PER_INSERT, insert_many
    from planner.store.models import Setting

    sql = 'INSERT INTO "setting" ("key", "value") VALUES (?, ?)'
    many = ROWS_PER_INSERT * 2 + 3
    with write_tx():
        insert_many(sql, ((f"bulk.{n:04}", str(n)) for n in range(many)))
    stored = dict(Setting.select(Setting.key, Setting.value).where(Setting.key.startswith("bulk.")).tuples())
    assert stored == {f"bulk.{n:04}": str(n) for n in range(many)}

    rows = [("short.1", "1", "short.2"), ("2",)]  # the values add up, the rows do not
    with pytest.raises(ValueError, match="other than 2 values"), write_tx():
        insert_many(sql, rows)
    assert not Setting.select().where(Setting.key.startswith("short.")).exists()


def test_a_commit_reaches_the_database_file_by_a_checkpoint_outside_the_writer(db_path, tmp_path):
    """In the app, a small write is copied from the log into the database file by a checkpoint of
    its own, after the commit (which SQLite would leave in the log until it held 1,000 pages, and then
    make some later commit copy): the file alone, without its -wal, holds it."""
    import shutil

    from planner.store import checkpoints
    from planner.store.database import write_tx
    from planner.store.models import Setting

    checkpoints.checkpoint_outside_commits()  # as the app does
    with write_tx():
        Setting.insert(key="checkpointed", value="yes").execute()
    assert checkpoints.settle(10)
    alone = tmp_path / "alone.db"
    shutil.copyfile(db_path, alone)  # the file without its log
    con = sqlite3.connect(alone)
    try:
        assert con.execute("SELECT value FROM setting WHERE key = 'checkpointed'").fetchall() == [("yes",)]
    finally:
        con.close()
