"""Opening the database: bind the one connection to a file (or to a PostgreSQL server, for a
`postgresql://` URI), refuse what is not a followup database, keep the file owner-only, open
read-only media read-only, and bring the schema up to date (copying the file first).

Which files become a database: only a file that does not exist yet, and only for a command that
may write. A new database is built under a temporary name beside the requested one and linked
into place once its schema is complete, so the requested name is either absent or a whole
followup database. An existing file is never given a schema: an empty file, an SQLite file
without followup's tables, or a file with an interrupted journal beside it (a copy killed half
way) is reported as not a followup database, by every command, and left as it is.

How a command opens it (`access`):
- "write": may create, migrate and write; a read-only file is refused before anything happens.
- "read": reads; on read-only media (or a file we may not write) it is opened with SQLite's
  read-only mode, not migrated, and any write attempt is refused with a one-line message.
- "inspect" (`check`, `backup`): never creates, never migrates; read-only when it must be.

A server database is created by its administrator (`createdb`), never by followup: every access
connects to it, "inspect" leaves its schema as it is, the others bring it up to date.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from peewee import DatabaseProxy

from planner.core.errors import FollowupError
from planner.store import database, migrations
from planner.store.backup import backup_to, fsync_folder, remove_abandoned
from planner.store.database import BUSY_TIMEOUT_SECONDS, JOURNAL_MODE, PRAGMAS, db, sqlite_db
from planner.store.engine import ServerDatabase, is_server_url, schema_owner_if_not_me
from planner.store.failures import describe_database_error, describe_os_error, on_read_only_mount, sqlite_cause
from planner.store.paths import data_dir, ensure_private_dir

ACCESS_MODES = ("write", "read", "inspect")
SQLITE_HEADER = b"SQLite format 3\x00"
READ_ONLY_PRAGMAS = {"foreign_keys": 1, "cache_size": PRAGMAS["cache_size"], "query_only": 1}

Notify = Callable[[str], None]


def open_database(path: Path | str, *, migrate: bool = True, access: str = "write", strict: bool = False,
                  notify: Notify | None = None) -> DatabaseProxy:
    """Bind the global database to `path` (see the module docstring for what each `access` does).
    `strict` refuses a file open to group or others instead of tightening it; `notify` receives
    one-line notices (a tightened file, a read-only open)."""
    if access not in ACCESS_MODES:
        raise ValueError(f"access must be one of {ACCESS_MODES}, got {access!r}")
    say = notify or (lambda _message: None)
    if is_server_url(path):
        return _open_server(str(path), migrate=migrate and access != "inspect")
    if str(path) == ":memory:":
        _bind(":memory:", PRAGMAS, read_only=False, path=Path(":memory:"))
        if migrate:
            migrations.migrate(db)
        return db
    path = Path(path).expanduser()
    try:
        exists = os.path.lexists(path) and path.exists()
    except OSError as exc:
        raise FollowupError(describe_os_error(exc, path)) from exc
    if not exists:
        if access == "inspect":
            raise FollowupError(f"{path}: no such database")
        try:
            _create(path, migrate=migrate)
        except OSError as exc:  # named for the file asked for, not the temporary one
            raise FollowupError(describe_os_error(OSError(exc.errno, exc.strerror), path)) from exc
        _bind(str(path), PRAGMAS, read_only=False, path=path)
        return db
    _refuse_what_is_not_a_database(path)
    version, uri = _probe_version(path)  # uri: how to open it read-only
    writable = _writable(path)
    _keep_owner_only(path, strict=strict, writable=writable, say=say)
    if access == "write" and not writable:
        raise FollowupError(f"{path}: read-only ({_read_only_reason(path)}); nothing was written")
    if version > migrations.LATEST:
        raise FollowupError(
            f"{path}: schema version {version} is newer than this followup knows ({migrations.LATEST}); "
            "upgrade followup")
    if not writable:
        if access == "read" and version < migrations.LATEST:
            raise FollowupError(
                f"{path}: read-only ({_read_only_reason(path)}) and written by an older followup "
                f"(schema {version}, now {migrations.LATEST}); copy it somewhere writable to upgrade it")
        _bind(uri, READ_ONLY_PRAGMAS, read_only=True, path=path)
        say(f"{path}: read-only ({_read_only_reason(path)}); opened for reading only")
        wal = Path(f"{path}-wal")
        if uri.endswith("immutable=1") and wal.exists() and wal.stat().st_size > 0:
            say(f"{wal}: changes in it cannot be read on read-only media; what is shown may be older")
        return db
    try:
        _bind(str(path), PRAGMAS, read_only=False, path=path)
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as exc:
        if access == "write" or sqlite_cause(exc) is None:
            raise
        # a full disk (or another fault) stops SQLite preparing to write: reading still works
        reason = describe_database_error(exc, path)
        _bind(uri, READ_ONLY_PRAGMAS, read_only=True, path=path)
        say(f"{reason.removesuffix('; nothing was written')}; opened for reading only")
        return db
    if migrate and access != "inspect":
        migrations.migrate(db, copy_before=backup_to)
    return db


def _open_server(url: str, *, migrate: bool) -> DatabaseProxy:
    database.close_database()
    server = ServerDatabase(url, lock_wait=BUSY_TIMEOUT_SECONDS)
    server.open()
    db.initialize(server)
    database.bind_path(None, read_only=False)
    version = migrations.schema_version(db)
    if version > migrations.LATEST:
        raise FollowupError(
            f"{server.described}: schema version {version} is newer than this followup knows "
            f"({migrations.LATEST}); upgrade followup")
    if migrate and version < migrations.LATEST:
        owner = schema_owner_if_not_me(db) if version else None
        if owner is not None:  # a member cannot alter tables they do not own: say who can
            raise FollowupError(
                f"{server.described}: its tables are at schema version {version}, this followup needs "
                f"{migrations.LATEST}; their owner, role {owner}, upgrades them once: "
                f"followup --db postgresql://{owner}@HOST/DBNAME config")
        migrations.migrate(db)  # no file to copy: the server's own backups keep its history
    return db


def _bind(name: str, pragmas: dict, *, read_only: bool, path: Path) -> None:
    database.close_database()
    db.initialize(sqlite_db)
    sqlite_db.init(name, pragmas=pragmas, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, uri=read_only)
    database.bind_path(path, read_only=read_only)
    db.connect(reuse_if_open=True)
    if not read_only:
        db.execute_sql(f"PRAGMA journal_mode = {JOURNAL_MODE}")


def _create(path: Path, *, migrate: bool) -> None:
    """A new database: built and migrated under a temporary name, then linked to `path` so that
    a process killed half way leaves nothing under the requested name."""
    ensure_private_dir(path.parent.resolve())
    if not migrate:  # tests build old schemas step by step in the file itself
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        return
    remove_abandoned(path, ".new-")
    temp = path.with_name(f"{path.name}.new-{os.getpid()}")
    try:
        os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        _bind(str(temp), PRAGMAS, read_only=False, path=temp)
        migrations.migrate(db)
        database.close_database()  # the last connection checkpoints the WAL into the file and removes it
        _fsync(temp)
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another session created it at the same moment: use theirs
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temp, path)
        fsync_folder(path.parent)
    finally:
        database.bind_path(None, read_only=False)
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm"), Path(f"{temp}-journal")):
            leftover.unlink(missing_ok=True)


def _refuse_what_is_not_a_database(path: Path) -> None:
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise FollowupError(f"{path}: is a folder, not a database file")
        if not stat.S_ISREG(info.st_mode):
            raise FollowupError(f"{path}: not a regular file (a device or a pipe); name a database file")
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise FollowupError(describe_os_error(exc, path)) from exc
    if not head:
        raise FollowupError(f"{path}: an empty file, not a followup database (left as it is)")
    if head != SQLITE_HEADER:
        raise FollowupError(f"{path}: not a followup database (not an SQLite file)")
    journal = Path(f"{path}-journal")
    if journal.exists() and journal.stat().st_size > 0:
        raise FollowupError(
            f"{path}: not a complete database: {journal.name} beside it is left from a write or copy "
            "that was interrupted (if this is a backup, it is unusable: make a new one)")


def _probe_version(path: Path) -> tuple[int, str]:
    """The schema version, read without writing anything, and the URI that read it (see
    `_connect_read_only`); refuses an SQLite file that is not ours."""
    try:
        conn, uri = _connect_read_only(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise FollowupError(describe_database_error(exc, path)) from exc
    if version == 0:
        what = "an SQLite database of another program" if tables else "an empty SQLite database"
        raise FollowupError(f"{path}: {what}, not a followup database (left as it is)")
    return version, uri


def _connect_read_only(path: Path) -> tuple[sqlite3.Connection, str]:
    """A read-only connection that has read the file, and its URI: `mode=ro`, plus `immutable`
    where SQLite cannot even open its shared-memory file (a read-only folder holding a database
    whose last session closed cleanly). One connection: each one opened reads the whole schema."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        return _opened(uri), uri
    except sqlite3.OperationalError as exc:
        if (exc.sqlite_errorcode & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise  # another session holds it: immutable would read past its changes, as if none
        return _opened(uri + "&immutable=1"), uri + "&immutable=1"


def _opened(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        conn.execute("PRAGMA user_version").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def _writable(path: Path) -> bool:
    """May we write the file and create its journal beside it?"""
    if on_read_only_mount(path):
        return False
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _read_only_reason(path: Path) -> str:
    if on_read_only_mount(path):
        return "read-only file system"
    if not os.access(path, os.W_OK):
        return "the file is not writable"
    return "its folder is not writable"


def _keep_owner_only(path: Path, *, strict: bool, writable: bool, say: Notify) -> None:
    """A database open to group or others (copied with the wrong umask, chmod'ed by hand) is made
    owner-only again: the file, its -wal and -shm, and followup's own data folder. A folder the
    user chose is theirs to set (it may be a home or a shared folder), so it is left alone."""
    loose = [(p, stat.S_IMODE(p.stat().st_mode)) for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
             if p.exists() and stat.S_IMODE(p.stat().st_mode) & 0o077]
    folder = path.parent.resolve()
    # only followup's own data folder: a FOLLOWUP_DB or --db path lies in a folder the user chose
    # (FOLLOWUP_DB=/tmp/x.db must never make /tmp owner-only)
    if folder == data_dir().resolve() and stat.S_IMODE(folder.stat().st_mode) & 0o077:
        loose.append((folder, stat.S_IMODE(folder.stat().st_mode)))
    if not loose:
        return
    listed = ", ".join(f"{p} ({mode:04o})" for p, mode in loose)
    if strict:
        raise FollowupError(f"{path}: open to group or others: {listed}; refused (--strict): make it owner-only "
                            f"with chmod 600 (folder 700)")
    if not writable:
        say(f"{path}: open to group or others ({listed}) and on read-only media: left as it is")
        return
    try:
        for p, _mode in loose:
            os.chmod(p, 0o700 if p.is_dir() else 0o600)
    except OSError as exc:
        say(f"{path}: open to group or others ({listed}); could not make it owner-only: {describe_os_error(exc)}")
        return
    say(f"{path}: was open to group or others ({listed}); made owner-only")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
