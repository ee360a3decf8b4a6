"""Opening the database: bind the one connection to a file created owner-only (or to a PostgreSQL
server, for a `postgresql://` URI), refuse what is not a followup database, and bring its schema
up to date (copying the file first)."""

from __future__ import annotations

import os
from pathlib import Path

from peewee import DatabaseProxy

from planner.core.errors import FollowupError
from planner.store import migrations
from planner.store.backup import backup_to
from planner.store.database import BUSY_TIMEOUT_SECONDS, PRAGMAS, db, sqlite_db
from planner.store.engine import ServerDatabase, is_server_url
from planner.store.paths import ensure_private_dir


def open_database(path: Path | str, *, migrate: bool = True) -> DatabaseProxy:
    """Bind the global database to `path` (a file, created owner-only, or a PostgreSQL URI) and
    bring its schema up to date."""
    if is_server_url(path):
        return _open_server(str(path), migrate=migrate)
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
    db.initialize(sqlite_db)
    db.init(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
    db.connect(reuse_if_open=True)
    if migrate:
        migrations.migrate(db, copy_before=backup_to)
    return db


def _open_server(url: str, *, migrate: bool) -> DatabaseProxy:
    if not db.is_closed():
        db.close()
    server = ServerDatabase(url, lock_wait=BUSY_TIMEOUT_SECONDS)
    server.open()
    db.initialize(server)
    if migrate:
        migrations.migrate(db)  # no file to copy: the server's own backups keep its history
    return db


def _check_is_sqlite(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head and head != b"SQLite format 3\x00":
        raise FollowupError(f"{path}: not a followup database (not an SQLite file)")
