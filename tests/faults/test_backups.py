"""A backup is whole and verified under the name asked for, or absent: a killed `followup backup`
never leaves something that passes for a backup, and `check` on a file that is not (yet) a
followup database says so and leaves it as it is."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from store_faults import count, files_in, followup, start

from planner.store import migrations


def big_database(path: Path, contacts: int = 6000, notes: int = 3000) -> Path:
    """A database of ~20 MB, written straight with SQLite (an import of this size takes a minute)."""
    assert followup(path, "add", "First Person").code == 0
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO contact (name, company, title, kind, no_cadence, timezone, notes, source, external_key, "
            "search_text, created_at, updated_at) VALUES (?, '', '', 'other', 0, '', ?, 'csv', '', '', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            ((f"Person {i}", "n" * notes) for i in range(contacts)))
    return path


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    return big_database(tmp_path_factory.mktemp("big") / "followup.db")


def test_a_backup_is_verified_owner_only_and_leaves_no_partial_copy(big_db, tmp_path):
    target = tmp_path / "bk.db"
    result = followup(big_db, "backup", str(target))
    assert result.code == 0 and result.out.strip() == str(target)
    assert files_in(tmp_path) == {"bk.db"}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert count(target) == count(big_db)
    assert followup(target, "check").code == 0


def test_a_killed_backup_never_passes_for_a_backup(big_db, tmp_path):
    started = time.monotonic()
    assert followup(big_db, "backup", str(tmp_path / "timing.db")).code == 0
    whole = time.monotonic() - started
    rng = random.Random(16)
    for attempt in range(5):
        folder = tmp_path / f"kill{attempt}"
        folder.mkdir()
        target = folder / "bk.db"
        proc = start(big_db, "backup", str(target))
        time.sleep(rng.uniform(0.3, whole))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        left = files_in(folder)
        partial = f"bk.db.partial-{proc.pid}"
        assert left <= {"bk.db", partial, f"{partial}-wal", f"{partial}-shm"}, left
        assert "bk.db-journal" not in left and "bk.db-wal" not in left, left
        if "bk.db" in left:  # the kill came after it was complete: then it is whole
            assert count(target) == count(big_db)
            assert followup(target, "check").code == 0
        else:
            result = followup(target, "check")
            assert result.code == 1 and "no such database" in result.err
            assert "bk.db" not in files_in(folder)  # check created nothing
        again = followup(big_db, "backup", str(target)) if "bk.db" not in left else None
        if again is not None:  # the next backup completes, and clears what the killed one left
            assert again.code == 0 and files_in(folder) == {"bk.db"}


KILLED_OLD_STYLE_COPY = textwrap.dedent(
    """
    import os, signal, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1])
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA cache_size = 10")
    conn.execute("BEGIN")
    conn.execute("CREATE TABLE contact (id INTEGER PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO contact (name) VALUES (?)", (("x" * 500,) for _ in range(5000)))
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.parametrize("kind", ["empty file", "fresh sqlite", "other program's sqlite", "interrupted copy"])
def test_check_and_every_command_refuse_what_is_not_a_followup_database(tmp_path, kind):
    path = tmp_path / "bk.db"
    if kind == "empty file":
        path.touch()
    elif kind == "fresh sqlite":
        sqlite3.connect(path).close()
        path.write_bytes(b"")  # what sqlite3.connect leaves: nothing yet
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA page_size = 4096")
            conn.execute("VACUUM")
    elif kind == "other program's sqlite":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE notes (body TEXT)")
    else:
        subprocess.run([sys.executable, "-c", KILLED_OLD_STYLE_COPY, str(path)], check=False)
        assert Path(f"{path}-journal").exists()
    before_files, before_bytes = files_in(tmp_path), path.read_bytes()
    check = followup(path, "check")
    assert check.code == 1 and str(path) in check.err, check
    assert "not a followup database" in check.err or "not a complete database" in check.err, check.err
    for args in (("contacts",), ("add", "Ann"), ("backup", str(tmp_path / "again.db"))):
        result = followup(path, *args)
        assert result.code == 1, (args, result)
    assert files_in(tmp_path) == before_files and path.read_bytes() == before_bytes


def test_a_missing_file_is_created_only_by_commands_that_may_write(tmp_path):
    for args in (("check",), ("backup", str(tmp_path / "x.db"))):
        result = followup(tmp_path / "new.db", *args)
        assert result.code == 1 and "no such database" in result.err
    assert files_in(tmp_path) == set()
    assert followup(tmp_path / "new.db", "add", "Ann").code == 0
    assert files_in(tmp_path) == {"new.db"}  # built aside and linked: no temporary name left
    with sqlite3.connect(tmp_path / "new.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST


def test_a_backup_keeps_the_schema_it_found(tmp_path):
    """`backup` copies the file as it is: an old file is not upgraded first."""
    path = tmp_path / "old.db"
    from planner.store.connect import open_database
    from planner.store.database import close_database, db

    open_database(path, migrate=False)
    migrations.migrate(db, target=2)
    close_database()
    result = followup(path, "backup", str(tmp_path / "bk.db"))
    assert result.code == 0, result.err
    for file in (path, tmp_path / "bk.db"):
        with sqlite3.connect(file) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert not [name for name in os.listdir(tmp_path) if "before" in name]
