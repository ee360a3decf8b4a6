"""The one SQLite database: deferred init, pragmas, and the write-transaction helper.

Every write goes through `write_tx()`, which opens `BEGIN IMMEDIATE`: a deferred transaction that
reads and then writes cannot wait for a second writer (another SSH session) and fails at once with
`database is locked`; an immediate one waits up to the busy timeout (shared/PITFALLS.md).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

from planner.errors import FollowupError
from planner.paths import ensure_private_dir

BUSY_TIMEOUT_SECONDS = 10

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL, not NORMAL: a logged call must survive a power cut too; we commit a few times a minute.
    "synchronous": 2,
    "cache_size": -16_000,
}

db = SqliteDatabase(None)


def open_database(path: Path | str, *, migrate: bool = True) -> SqliteDatabase:
    """Bind the global database to `path`, creating it owner-only, and bring its schema up to date."""
    path = Path(path).expanduser()
    if str(path) != ":memory:":
        ensure_private_dir(path.parent.resolve())
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        elif path.is_dir():
            raise FollowupError(f"{path}: is a folder, not a database file")
        _check_is_sqlite(path)
    if not db.is_closed():
        db.close()
    db.init(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    db.connect(reuse_if_open=True)
    if migrate:
        from planner.migrations import migrate as run_migrations

        run_migrations(db)
    return db


def _check_is_sqlite(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head and head != b"SQLite format 3\x00":
        raise FollowupError(f"{path}: not a followup database (not an SQLite file)")


def database_path() -> Path:
    """The file the database is bound to."""
    return Path(db.database)


def write_tx():
    """Open a write transaction (BEGIN IMMEDIATE) or a savepoint when already inside one."""
    return db.atomic("IMMEDIATE")


def close_database() -> None:
    if not db.is_closed():
        db.close()


def sqlite_version() -> str:
    return sqlite3.sqlite_version
