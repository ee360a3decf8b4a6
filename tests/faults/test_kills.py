"""kill -9 at random moments of an import, a re-plan and a schema migration, on real files in
subprocesses: afterwards `check` passes and the data is all or nothing. (Killed backups are in
test_backups.py.)"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from store_faults import count, followup, start, write_csv

from planner.store import migrations
from planner.store.connect import open_database
from planner.store.database import close_database, db

KILLS = 2  # per kind: the suite stays bounded; bench/faults.py kills many more


def settle(path: Path) -> None:
    """Fold the WAL into the file so that copying the file copies the database."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def fresh_copy(source: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(source, target)
    target.chmod(0o600)
    return target


def kill_at_random(db: Path, args: tuple[str, ...], seconds: float, rng: random.Random) -> None:
    proc = start(db, *args)
    time.sleep(rng.uniform(0.25, seconds))
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def timed(db: Path, *args: str) -> float:
    result = followup(db, *args)
    assert result.code == 0, result.err
    return result.seconds


def plan_rows(db: Path) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT contact_id, date, window_start, window_end, reason, pinned, seq "
                            "FROM planned_call ORDER BY contact_id, seq, date").fetchall()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("base") / "f.db"
    assert followup(db, "add", "Ann Example").code == 0
    settle(db)
    return db


def test_a_killed_import_leaves_all_or_nothing(base, tmp_path):
    csv = write_csv(tmp_path / "many.csv", 3000)
    whole = timed(fresh_copy(base, tmp_path / "timing", "f.db"), "import", str(csv))
    rng = random.Random(1)
    for attempt in range(KILLS):
        db = fresh_copy(base, tmp_path / f"kill{attempt}", "f.db")
        kill_at_random(db, ("import", str(csv)), whole, rng)
        assert followup(db, "check").code == 0
        assert count(db) in (1, 3001)
        if count(db) == 3001:
            assert len({row[0] for row in plan_rows(db)}) == 3001  # the contacts came with their plan


def test_a_killed_re_plan_leaves_the_old_plan_or_the_new_one(base, tmp_path):
    source = fresh_copy(base, tmp_path / "source", "f.db")
    assert followup(source, "import", str(write_csv(tmp_path / "some.csv", 2000))).code == 0
    settle(source)
    before = plan_rows(source)
    done = fresh_copy(source, tmp_path / "timing", "f.db")
    whole = timed(done, "plan", "--horizon", "200")
    after = plan_rows(done)
    assert after != before
    rng = random.Random(2)
    for attempt in range(KILLS):
        db = fresh_copy(source, tmp_path / f"kill{attempt}", "f.db")
        kill_at_random(db, ("plan", "--horizon", "200"), whole, rng)
        assert followup(db, "check").code == 0
        assert plan_rows(db) in (before, after)


def test_a_killed_migration_is_completed_by_the_next_command(tmp_path):
    old = tmp_path / "v1" / "old.db"
    old.parent.mkdir()
    open_database(old, migrate=False)
    migrations.migrate(db, target=1)
    db.execute_sql("INSERT INTO contact (name, company, title, kind, no_cadence, timezone, notes, source, "
                   "external_key, search_text, created_at, updated_at) VALUES "
                   "('Old Friend', '', '', 'friend', 0, '', '', 'manual', '', 'old friend', "
                   "'2020-01-01', '2020-01-01')")
    close_database()
    settle(old)
    whole = timed(fresh_copy(old, tmp_path / "timing", "old.db"), "contacts")
    rng = random.Random(3)
    for attempt in range(KILLS):
        copy = fresh_copy(old, tmp_path / f"kill{attempt}", "old.db")
        kill_at_random(copy, ("contacts",), whole, rng)
        with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as conn:
            assert 1 <= conn.execute("PRAGMA user_version").fetchone()[0] <= migrations.LATEST
        assert followup(copy, "check").code == 0
        listing = followup(copy, "contacts")
        assert listing.code == 0 and "Old Friend" in listing.out
        assert followup(copy, "check").code == 0
        with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        names = {p.name for p in copy.parent.iterdir()}
        assert not any(name.endswith("-journal") for name in names), names
