"""`followup backup` (SQLite's online backup API) and `followup check` (integrity and foreign keys)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from planner.core.errors import FollowupError
from planner.store.database import db
from planner.store.engine import describe, on_server


def default_backup_path() -> Path:
    source = Path(db.database)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return source.with_name(f"{source.stem}.backup-{stamp}{source.suffix}")


def backup_to(target: Path | str | None = None) -> Path:
    """Write a consistent copy of the open database to `target` (0600) and return its path.

    The copy is taken page by page while other sessions may keep writing; it is a valid database
    of one moment. A folder as target gets the default file name inside it.
    """
    if on_server(db):
        raise FollowupError(f"{describe(db)}: a server database is backed up on the server (pg_dump)")
    path = Path(target).expanduser() if target else default_backup_path()
    if path.is_dir():
        path = path / default_backup_path().name
    if path.exists():
        raise FollowupError(f"{path}: already exists; choose another name")
    if not path.parent.is_dir():
        raise FollowupError(f"{path.parent}: no such folder")
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    source = db.connection()
    try:
        dest = sqlite3.connect(path)
        try:
            source.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        path.unlink(missing_ok=True)
        raise FollowupError(f"{path}: backup failed: {exc}") from exc
    os.chmod(path, 0o600)
    return path


def check_database() -> list[str]:
    """Problems found by `integrity_check` and `foreign_key_check`; empty when all is well."""
    problems: list[str] = []
    if on_server(db):
        return problems  # the server enforces foreign keys on every write; its pages are its own to check
    rows = db.execute_sql("PRAGMA integrity_check").fetchall()
    problems += [f"integrity: {row[0]}" for row in rows if row[0] != "ok"]
    for table, rowid, parent, _fk in db.execute_sql("PRAGMA foreign_key_check").fetchall():
        problems.append(f"foreign key: {table} row {rowid} points to a missing {parent}")
    return problems
