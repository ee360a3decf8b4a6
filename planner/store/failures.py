"""Naming what went wrong with the database file: disk full, read-only, permission denied, not a
database, damaged, locked. SQLite and the OS report these with codes; a person needs one line
that says which file and what it means, and whether anything was written. On a PostgreSQL server
the same: the connection lost, the server's disk full, a read-only server, a role without rights,
named from its SQLSTATE (`describe_server_error`)."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

# SQLite's primary result codes (the low byte of an extended code)
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
SQLITE_IOERR_NOMEM = 3082


def sqlite_cause(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 error behind `exc` (Peewee wraps it as its first argument)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.Error):
            return current
        if current.args and isinstance(current.args[0], sqlite3.Error):
            return current.args[0]
        current = current.__cause__ or current.__context__
    return None


# SQLSTATE classes and codes a person can act on (PostgreSQL's errcodes appendix)
SERVER_STATES = {
    "53100": "the server's disk is full; nothing was written",
    "53200": "the server is out of memory; nothing was written",
    "53300": "the server has too many connections; try again",
    "25006": "the server is read-only (a standby, or in read-only mode); nothing was written",
    "42501": "permission denied (ask the desk's administrator for rights on this database)",
    "57P01": "the server ended this session (shut down, or ended by its administrator); nothing was written",
    "57P02": "the server is restarting; nothing was written, try again",
    "57P03": "the server is not accepting connections yet; try again",
    "55P03": "another session is using the database; try again",
    "40P01": "another session wrote the same rows at the same moment; nothing was written, try again",
    "40001": "another session wrote the same rows at the same moment; nothing was written, try again",
}


def server_cause(exc: BaseException):
    """The psycopg error behind `exc` (Peewee wraps it as its first argument), or None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for candidate in (current, current.args[0] if current.args else None):
            if type(candidate).__module__.startswith("psycopg"):
                return candidate
        current = current.__cause__ or current.__context__
    return None


def describe_server_error(cause: BaseException, where: str) -> str:
    """One line for a PostgreSQL failure on the database named `where`."""
    text = " ".join(str(cause).split()) or type(cause).__name__
    state = getattr(cause, "sqlstate", None)
    if state in ("40001", "40P01"):  # the server's own words ("could not serialize...") say nothing to a person
        return f"{where}: {SERVER_STATES[state]}"
    if state in SERVER_STATES:
        return f"{where}: {SERVER_STATES[state]} ({text})"
    if state is None and type(cause).__name__ in ("OperationalError", "InterfaceError"):
        # no SQLSTATE: the connection itself failed (the server went away, the network dropped)
        return (f"{where}: the connection to the server was lost ({text}); what was being written was "
                "not confirmed: run the command again to see what is stored")
    if state is not None and state.startswith("08"):
        return f"{where}: the connection to the server failed ({text}); try again"
    if state is not None and state.startswith("23"):
        return f"{where}: the server refused the change ({text}); nothing was written"
    return f"{where}: server error: {text}"


def describe_database_error(exc: BaseException, path: Path | str) -> str:
    """One line for a database failure on `path` (a file, or a server's database by name),
    naming its cause."""
    server = server_cause(exc)
    if server is not None:
        return describe_server_error(server, str(path))
    cause = sqlite_cause(exc)
    code = getattr(cause, "sqlite_errorcode", None) if cause is not None else None
    text = str(cause if cause is not None else exc)
    primary = code & 0xFF if isinstance(code, int) else None
    if "could not decode to utf-8" in text.lower():
        return f"{path}: damaged text in the database ({text}); run 'followup check'"
    if primary == SQLITE_FULL or "database or disk is full" in text or (
            primary in (SQLITE_IOERR, SQLITE_CANTOPEN) and disk_is_full(Path(path))):
        return f"{path}: disk full (no space left for the database or its journal); nothing was written"
    if primary == SQLITE_READONLY or "readonly database" in text:
        return f"{path}: read-only ({_why_read_only(Path(path))}); nothing was written"
    if primary == SQLITE_PERM:
        return f"{path}: permission denied"
    if primary == SQLITE_NOTADB or "file is not a database" in text:
        return f"{path}: not a database (not an SQLite file, or its header is damaged)"
    if primary == SQLITE_CORRUPT or "malformed" in text:
        return (f"{path}: the database is damaged ({text}); run 'followup check' and restore a backup "
                "if it cannot repair it")
    if primary == SQLITE_CANTOPEN or "unable to open database" in text:
        return f"{path}: cannot open ({_why_cannot_open(Path(path))})"
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return f"{path}: another session is using the database ({text}); try again"
    if primary == SQLITE_IOERR:
        return f"{path}: input/output error ({text}); the disk or its file system failed"
    return f"{path}: database error: {text}"


def describe_os_error(exc: OSError, path: Path | str | None = None) -> str:
    """One line for an OS failure, naming the file it concerns."""
    where = exc.filename or path
    prefix = f"{where}: " if where else ""
    if exc.errno == errno.ENOSPC:
        return f"{prefix}disk full (no space left on device)"
    if exc.errno == errno.EROFS:
        return f"{prefix}read-only (read-only file system)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{prefix}permission denied"
    if exc.errno == errno.EDQUOT:
        return f"{prefix}disk quota exceeded"
    return f"{prefix}{exc.strerror or exc}"


def disk_is_full(path: Path) -> bool:
    """Less room left where `path` lives than SQLite needs for a few pages of journal (a full disk
    also shows up as an I/O error when the shared-memory file cannot grow)."""
    for candidate in (path, path.parent):
        try:
            info = os.statvfs(candidate)
        except OSError:
            continue
        return info.f_bavail * info.f_frsize < 64 * 1024
    return False


def _why_read_only(path: Path) -> str:
    for candidate in (path, path.parent):
        try:
            os.stat(candidate)
        except OSError:
            continue
        if not os.access(candidate, os.W_OK):
            what = "file" if candidate == path else "folder"
            return f"the {what} is not writable" if not on_read_only_mount(candidate) else "read-only file system"
    return "cannot write it"


def _why_cannot_open(path: Path) -> str:
    if not path.parent.exists():
        return "no such folder"
    if path.exists() and not os.access(path, os.R_OK):
        return "permission denied"
    if not os.access(path.parent, os.W_OK):
        return "its folder is not writable, and SQLite needs to create its journal there"
    return "SQLite could not open the file"


def on_read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False
