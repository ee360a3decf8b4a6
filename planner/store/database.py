"""The one SQLite database: its binding (bound at start-up by `store.connect`), pragmas, and the
write-transaction helper.

Every write goes through `write_tx()`, which opens `BEGIN IMMEDIATE`: a deferred transaction that
reads and then writes cannot wait for a second writer (another SSH session) and fails at once with
`database is locked`; an immediate one waits up to the busy timeout (measured: two processes doing read-modify-write with a plain `atomic()` lost a third of
their transactions; with IMMEDIATE none).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

BUSY_TIMEOUT_SECONDS = 10

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL, not NORMAL: a logged call must survive a power cut too; we commit a few times a minute.
    "synchronous": 2,
    "cache_size": -16_000,
}

db = SqliteDatabase(None)


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
