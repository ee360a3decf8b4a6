"""`followup backup`: a consistent copy of the database that is either whole and verified under
the requested name, or absent.

The copy is written under a temporary name beside the target (owner-only, no journal of its own:
an interrupted copy is simply an unfinished temporary file), read back and verified (SQLite's
`integrity_check`, the schema version and the row count of every table against the source, all
taken from one read snapshot of the source), flushed to disk, and only then linked to the
requested name. A copy killed or failing half way leaves nothing under that name.

A server database has no file to copy: its history is the server's own backups (pg_dump, or its
base backups and WAL archive), made by whoever runs the server; `backup` refuses it and says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path

from planner.core.errors import BadInput, FollowupError
from planner.store.database import database_path, db
from planner.store.engine import describe, on_server
from planner.store.failures import describe_database_error, describe_os_error


def default_backup_path() -> Path:
    source = database_path()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return source.with_name(f"{source.stem}.backup-{stamp}{source.suffix}")


def partial_name(path: Path) -> Path:
    """Where the copy for `path` is written before it is verified."""
    return path.with_name(f"{path.name}.partial-{os.getpid()}")


def backup_to(target: Path | str | None = None) -> Path:
    """Write a verified copy of the open database to `target` (0600) and return its path.

    The copy is taken while other sessions may keep writing; it is the database of one moment.
    A folder as target gets the default file name inside it.
    """
    if on_server(db):
        raise FollowupError(
            f"{describe(db)}: followup backup copies a database file; a server database is backed up on "
            "the server (pg_dump) by whoever runs it; nothing was written")
    path = Path(target).expanduser() if target else default_backup_path()
    if path.is_dir():
        path = path / default_backup_path().name
    if os.path.lexists(path):  # the path given is unusable: bad input, as export's -o says it
        raise BadInput(f"{path}: already exists; choose another name")
    if not path.parent.is_dir():
        raise BadInput(f"{path.parent}: no such folder")
    remove_abandoned(path, ".partial-")
    temp = partial_name(path)
    try:
        _copy_verified(temp)
        _publish(temp, path)
    except sqlite3.Error as exc:
        raise FollowupError(f"backup failed: {describe_database_error(exc, path)}") from exc
    except OSError as exc:
        raise FollowupError(f"backup failed: {describe_os_error(exc, path)}") from exc
    finally:
        for leftover in (temp, Path(f"{temp}-journal"), Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            leftover.unlink(missing_ok=True)
    return path


def _copy_verified(temp: Path) -> None:
    os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    source = db.connection()
    own_snapshot = not source.in_transaction
    if own_snapshot:
        source.execute("BEGIN")  # one read snapshot for the copy and the counts it is checked against
    try:
        expected = table_counts(source)
        version = source.execute("PRAGMA user_version").fetchone()[0]
        dest = sqlite3.connect(temp)
        try:
            # no journal: until it is verified and renamed the copy is nobody's database
            dest.execute("PRAGMA journal_mode = OFF")
            dest.execute("PRAGMA synchronous = OFF")
            source.backup(dest)
        finally:
            dest.close()
    finally:
        if own_snapshot:
            source.execute("COMMIT")
    _verify(temp, expected, version)
    fd = os.open(temp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _verify(temp: Path, expected: dict[str, int], version: int) -> None:
    copy = sqlite3.connect(f"file:{temp}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check") if row[0] != "ok"]
        if problems:
            raise FollowupError(f"backup failed: the copy does not pass integrity_check ({problems[0]})")
        got_version = copy.execute("PRAGMA user_version").fetchone()[0]
        if got_version != version:
            raise FollowupError(f"backup failed: the copy has schema {got_version}, the database {version}")
        counts = table_counts(copy)
        if counts != expected:
            differ = sorted(name for name in set(counts) | set(expected) if counts.get(name) != expected.get(name))
            raise FollowupError(
                f"backup failed: the copy's row counts differ from the database's ({', '.join(differ)})")
    finally:
        copy.close()


def _publish(temp: Path, path: Path) -> None:
    """Give the verified copy its name without ever replacing a file that appeared meanwhile."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise FollowupError(f"{path}: already exists; choose another name") from None
    except OSError:  # a file system without hard links
        if os.path.lexists(path):
            raise FollowupError(f"{path}: already exists; choose another name") from None
        os.replace(temp, path)
    os.chmod(path, 0o600)
    fsync_folder(path.parent)


def remove_abandoned(path: Path, marker: str) -> None:
    """Remove `NAME{marker}PID` files beside `path` left by a process that was killed (no process
    with that id runs any more): an unfinished copy is nobody's database."""
    prefix = f"{path.name}{marker}"
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return
    for candidate in candidates:
        pid_text = candidate.name[len(prefix):].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _process_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def fsync_folder(folder: Path) -> None:
    """Make a rename or link in `folder` durable."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename itself is still atomic
    finally:
        os.close(fd)
