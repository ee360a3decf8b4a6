"""The one database: its binding (bound at start-up by `store.connect` to an SQLite file or a
PostgreSQL server, see `store.engine`), SQLite's pragmas, and the write-transaction helper.

Every write goes through `write_tx()`, which opens `BEGIN IMMEDIATE`: a deferred transaction that
reads and then writes cannot wait for a second writer (another SSH session) and fails at once with
`database is locked`; an immediate one waits up to the busy timeout (measured: two processes
doing read-modify-write with a plain `atomic()` lost a third of their transactions; with IMMEDIATE
none). On PostgreSQL the same mode takes the writers' lock (`engine.ServerDatabase`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import DatabaseProxy, SqliteDatabase

BUSY_TIMEOUT_SECONDS = 10

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL, not NORMAL: a logged call must survive a power cut too; we commit a few times a minute.
    "synchronous": 2,
    "cache_size": -16_000,
}

# The SQLite engine, bound to a file by `store.connect`; the proxy `db` stands for it or for a
# PostgreSQL server (models and queries go through the proxy, so they run on either unchanged).
sqlite_db = SqliteDatabase(None)
db = DatabaseProxy()
db.initialize(sqlite_db)


def database_path() -> Path:
    """The file the database is bound to (SQLite; `engine.describe` names either engine)."""
    return Path(db.database)


def write_tx():
    """Open a write transaction (BEGIN IMMEDIATE) or a savepoint when already inside one."""
    return db.atomic("IMMEDIATE")


def close_database() -> None:
    if db.obj is not None and not db.is_closed():
        db.close()


def sqlite_version() -> str:
    return sqlite3.sqlite_version
