"""A second writer waiting for a long write (an import of a big file) says so and waits, instead
of failing with `database is locked` once SQLite's busy timeout (10 s) runs out."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from store_faults import count, followup

from planner.core.errors import FollowupError
from planner.store.connect import open_database
from planner.store.database import BUSY_TIMEOUT_SECONDS, close_database, write_tx
from planner.store.models import Setting

HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO setting (key, value) VALUES ('held', '1')")
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    conn.execute("COMMIT")
    """
)


def hold_write_lock(db, seconds: float) -> subprocess.Popen:
    """Another session holding the write lock, as a long import does."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_cli_write_waits_past_the_busy_timeout_and_says_so(tmp_path):
    db = tmp_path / "f.db"
    assert followup(db, "add", "Ann").code == 0
    holder = hold_write_lock(db, BUSY_TIMEOUT_SECONDS + 1.5)
    result = followup(db, "add", "Bob")
    holder.wait(timeout=30)
    assert result.code == 0, result.err
    assert result.seconds > BUSY_TIMEOUT_SECONDS
    assert result.err.strip() == f"followup: another session is writing to {db}; waiting…"
    assert count(db) == 2 and count(db, "setting") >= 1


def test_the_wait_is_told_to_the_hook_and_ends_when_the_lock_is_free(tmp_path):
    from planner.store.database import set_lock_wait_handler

    db = tmp_path / "f.db"
    open_database(db)
    close_database()
    holder = hold_write_lock(db, 2.5)
    open_database(db)
    events = []
    previous = set_lock_wait_handler(events.append)
    try:
        with write_tx():
            Setting.replace(key="mine", value="1").execute()
    finally:
        set_lock_wait_handler(previous)
        holder.wait(timeout=30)
    assert events and not events[0].finished and events[0].path == db
    assert events[-1].finished and 1.5 < events[-1].waited < 10
    assert Setting.get(Setting.key == "mine").value == "1"


def test_the_wait_has_a_limit_with_a_clear_message(tmp_path):
    db = tmp_path / "f.db"
    open_database(db)
    close_database()
    holder = hold_write_lock(db, 4)
    open_database(db)
    started = time.monotonic()
    try:
        with pytest.raises(FollowupError, match="another session kept writing"), write_tx(limit=1.5):
            Setting.replace(key="mine", value="1").execute()
        gave_up_after = time.monotonic() - started
    finally:
        holder.wait(timeout=30)
    assert 1.5 <= gave_up_after < 3.5
    assert Setting.get_or_none(Setting.key == "mine") is None


EXCLUSIVE_HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")  # no reader may look at the file meanwhile
    conn.execute("UPDATE contact SET name = 'Locked Writer' WHERE name = 'Ann Example'")
    conn.execute("BEGIN EXCLUSIVE")
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    """
)


def test_a_file_another_session_holds_exclusively_is_not_read_as_it_was(tmp_path):
    """A session holding the whole file (SQLite's exclusive locking mode): a command says the
    database is in use and shows nothing, instead of reading the file without its latest
    changes (as if they had not happened) and calling that a read-only open."""
    db = tmp_path / "held.db"
    assert followup(db, "add", "Ann Example").code == 0
    holder = subprocess.Popen([sys.executable, "-c", EXCLUSIVE_HOLDER, str(db), str(BUSY_TIMEOUT_SECONDS + 20)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        run = followup(db, "contacts")
        assert run.code == 1, run
        assert "another session is using the database" in run.err and run.out == ""
        assert "Ann Example" not in run.out + run.err
        assert run.seconds < BUSY_TIMEOUT_SECONDS + 5  # one wait for the lock, not one per way of opening
    finally:
        holder.kill()
        holder.wait()
