"""Opening the database: bind the one connection to a file created owner-only, refuse what is
not a followup database, and bring its schema up to date (copying the file first)."""

from __future__ import annotations

import os
from pathlib import Path

from peewee import SqliteDatabase

from planner.core.errors import FollowupError
from planner.store import migrations
from planner.store.backup import backup_to
from planner.store.database import BUSY_TIMEOUT_SECONDS, PRAGMAS, db
from planner.store.paths import ensure_private_dir


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
        migrations.migrate(db, copy_before=backup_to)
    return db


def _check_is_sqlite(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head and head != b"SQLite format 3\x00":
        raise FollowupError(f"{path}: not a followup database (not an SQLite file)")
