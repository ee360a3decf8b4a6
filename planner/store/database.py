"""The one database: its binding (bound at start-up by `store.connect` to an SQLite file or a
PostgreSQL server, see `store.engine`), SQLite's pragmas, and the write-transaction helper.

Every write goes through `write_tx()`, which opens `BEGIN IMMEDIATE`: a deferred transaction that
reads and then writes cannot wait for a second writer (another SSH session) and fails at once with
`database is locked`; an immediate one waits (measured: two processes doing read-modify-write with
a plain `atomic()` lost a third of their transactions; with IMMEDIATE none). On PostgreSQL the same
mode takes the writers' advisory lock (`engine.ServerDatabase`), and everything below holds there
too: one short attempt at the lock after another, the same status and the same limit.

Waiting: another session's import can hold the write lock far longer than SQLite's busy timeout.
`write_tx()` then keeps asking for the lock, one short attempt after another, up to
`WRITE_WAIT_LIMIT_SECONDS`, and tells whoever set `set_lock_wait_handler` that it is waiting (the
CLI prints one line, the app shows a status) instead of failing with `database is locked`.

Failing: when SQLite itself ends a transaction on an error (a full disk, an I/O error), a ROLLBACK
afterwards fails with "cannot rollback - no transaction is active", and that message used to
replace the real one. `write_tx()` rolls back only a transaction that is still open, so the error
that surfaces is the one that happened (on the server: a transaction that failed is still open,
and is rolled back; one whose connection was lost is not, and the loss is what surfaces).

Colliding (the server): with the writers' lock, two followup sessions never write at once, but the
server can still end a transaction with a serialization failure or a deadlock (another program
writing the same rows, an administrator's maintenance). A function run by `write_tx` as a
decorator (`@write_tx()`, or `run_write(fn)`) is then run again from the start, after a short
random pause, up to `COLLISION_RETRIES` times: it is one whole transaction, so running it again is
safe, and the person never sees the collision. A `with write_tx():` block cannot be run again by
the code that opened it; its collision is rolled back and reported as one line saying nothing was
written, never the server's "could not serialize" or "deadlock". So every service function that
writes is `@retried`: the whole function, its checks included, runs again, and its `with
write_tx():` / `journaled` blocks with it (a test walks the services for ones without it).
"""

from __future__ import annotations

import contextlib
import functools
import json
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from peewee import DatabaseProxy, OperationalError, SqliteDatabase

from planner.core.errors import FollowupError
from planner.core.textsafe import fold
from planner.store import checkpoints, engine

BUSY_TIMEOUT_SECONDS = 10
# One attempt at the write lock; after the first failed one the waiting is made visible.
LOCK_ATTEMPT_MS = 1000
# A long import of a large file takes minutes; past this, something is wrong with the other session.
WRITE_WAIT_LIMIT_SECONDS = 600
# A transaction the server ended with a serialization failure or a deadlock is run again this often.
COLLISION_RETRIES = 8
# PostgreSQL's SQLSTATEs for them: serialization_failure, deadlock_detected
COLLISION_STATES = ("40001", "40P01")

# Write-ahead logging is the file's own mode: set once as the file is bound (store.connect), SQLite
# keeps it in the file for every later connection. Asked again on each thread worker's new
# connection, it was one more wait for the interpreter in the agenda's first read, made while the
# first frame is drawn.
JOURNAL_MODE = "wal"
# Each connection's own settings: every thread's connection is given them as it opens.
PRAGMAS = {
    "foreign_keys": 1,
    # FULL, not NORMAL: a logged call must survive a power cut too; we commit a few times a minute.
    "synchronous": 2,
    # SQLite's own default (2 MB), per connection: every thread worker opens its own, and a read of
    # 100,000 contacts filled a 16 MB cache with pages it never reads again (28 MiB more at peak,
    # no faster).
    "cache_size": -2_000,
}

# The SQLite engine, bound to a file by `store.connect`; the proxy `db` stands for it or for a
# PostgreSQL server (models and queries go through the proxy, so they run on either unchanged).
sqlite_db = SqliteDatabase(None)
# `fold` in SQL, so a list is sorted by name in the query as the app sorts it (contact_views.py).
sqlite_db.register_function(fold, "followup_fold", 1, deterministic=True)
db = DatabaseProxy()
db.initialize(sqlite_db)

# The file behind `db` (its name may be a read-only URI) and whether it was opened read-only.
_bound_path: Path | None = None
_read_only = False


def bind_path(path: Path | None, *, read_only: bool) -> None:
    """Record which file `db` is bound to (store.connect calls this when it binds; None for a
    server, which is never opened read-only)."""
    global _bound_path, _read_only
    _bound_path, _read_only = path, read_only


def database_path() -> Path:
    """The file the database is bound to (SQLite; `database_name` names either engine)."""
    return _bound_path if _bound_path is not None else Path(db.database or "database")


def database_name() -> str:
    """The open database as a person should see it named: its file, or its server and name."""
    return engine.describe(db) if engine.on_server(db) else str(database_path())


def is_read_only() -> bool:
    """The database was opened read-only (read-only media or a file we may not write)."""
    return _read_only


@dataclass(frozen=True)
class LockWait:
    """What a writer waiting for another session's write lock reports to its handler."""

    path: Path | str  # the file, or the server and database (`database_name`)
    waited: float  # seconds waited so far
    finished: bool  # the lock was obtained (or the wait given up): any status shown can go


_lock_wait_handler: Callable[[LockWait], None] | None = None


def set_lock_wait_handler(handler: Callable[[LockWait], None] | None) -> Callable[[LockWait], None] | None:
    """Install the function told about a write waiting for another session (called about once a
    second while waiting, then once with `finished=True`), from the thread doing the write.
    Returns the previous handler."""
    global _lock_wait_handler
    previous, _lock_wait_handler = _lock_wait_handler, handler
    return previous


@dataclass
class WriteStats:
    """Write transactions run by this process, for the team benchmark: how many were run again
    after a collision."""

    retried: int = 0


write_stats = WriteStats()


def is_collision(exc: BaseException) -> bool:
    """The server ended the transaction with a serialization failure or a deadlock (SQLSTATE
    40001 / 40P01): running the whole transaction again will do."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for candidate in (current, current.args[0] if current.args else None):
            if getattr(candidate, "sqlstate", None) in COLLISION_STATES:
                return True
        current = current.__cause__ or current.__context__
    return False


def _is_locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or engine.is_lock_timeout(exc)


class _WriteTransaction:
    """`BEGIN IMMEDIATE` that waits for another writer, or a savepoint when already inside one;
    commit or roll back without letting a failed rollback hide the error that caused it."""

    def __init__(self, limit: float | None = None, *, repairing: bool = False) -> None:
        self._limit = WRITE_WAIT_LIMIT_SECONDS if limit is None else limit
        self._repairing = repairing
        self._savepoint: Any = None  # peewee's savepoint context, when nested

    def __enter__(self):
        if db.in_transaction():
            self._savepoint = db.savepoint()
            return self._savepoint.__enter__()
        self._begin()
        if not self._repairing:
            damage = damage_mark()
            if damage is not None:
                _rollback_if_open()
                raise FollowupError(f"{database_name()}: {damage}")
        db.push_transaction(self)
        return self

    def _begin(self) -> None:
        if _read_only:
            raise FollowupError(f"{database_path()}: read-only (opened for reading only); nothing was written")
        started = time.monotonic()
        waiting = False
        where: Path | str = database_path() if not engine.on_server(db) else database_name()
        # each attempt at the lock waits this long (on the server: the writers' lock, see
        # engine.ServerDatabase.begin, which sets its own timeout per transaction)
        engine.set_lock_attempt(db, LOCK_ATTEMPT_MS, BUSY_TIMEOUT_SECONDS * 1000)
        try:
            while True:
                try:
                    db.begin("IMMEDIATE")
                    break
                except OperationalError as exc:
                    if not _is_locked(exc):
                        raise
                    waited = time.monotonic() - started
                    if waited >= self._limit:
                        _tell(LockWait(where, waited, True))
                        raise FollowupError(
                            f"{where}: another session kept writing for {waited / 60:.0f} minutes; "
                            "nothing was written, try again later") from None
                    waiting = True
                    _tell(LockWait(where, waited, False))
            if waiting:
                _tell(LockWait(where, time.monotonic() - started, True))
        finally:
            engine.reset_lock_attempt(db, BUSY_TIMEOUT_SECONDS * 1000)

    def __exit__(self, exc_type, exc_val, exc_tb):
        if self._savepoint is not None:
            if exc_type is not None and not _connection_in_transaction():
                # SQLite already ended the whole transaction (a full disk does): no savepoint is
                # left to roll back to, and the outer write_tx, which pushed the one entry on
                # Peewee's stack, pops it and sees nothing left to roll back
                return False
            return self._savepoint.__exit__(exc_type, exc_val, exc_tb)
        db.pop_transaction()
        if exc_type is not None:
            _rollback_if_open()
            if is_collision(exc_val) and not _retrying.active:
                raise Collision(f"{database_name()}: another session wrote the same rows at the same moment; "
                                "nothing was written, try again") from exc_val
            return False
        try:
            db.commit()
            _retrying.commits += 1
        except BaseException as exc:
            _rollback_if_open()
            if is_collision(exc) and not _retrying.active:
                raise Collision(f"{database_name()}: another session wrote the same rows at the same moment; "
                                "nothing was written, try again") from exc
            raise
        if _bound_path is not None and not engine.on_server(db):  # the log copied after, not in, a later commit
            checkpoints.after_commit(_bound_path)
        return False

    def __call__(self, fn):
        limit, repairing = self._limit, self._repairing

        def wrapped(*args, **kwargs):
            return run_write(lambda: fn(*args, **kwargs), limit=limit, repairing=repairing)
        return wrapped


T = TypeVar("T")


class Collision(FollowupError):
    """A `with write_tx():` block the server ended with a serialization failure or a deadlock."""


class _Retrying(threading.local):
    active = False  # inside run_write or `retried`: a collision propagates as it is, to be run again
    commits = 0  # write transactions this thread committed (a function that committed one is not run again)


_retrying = _Retrying()


def run_write(fn: Callable[[], T], *, limit: float | None = None, repairing: bool = False) -> T:
    """`fn()` in one write transaction; when the server ends it with a serialization failure or a
    deadlock, everything is rolled back and `fn` runs again from the start (a short random pause
    first, so two colliding sessions do not collide again), up to COLLISION_RETRIES times. Inside
    another write transaction it is just a savepoint: the outer one is what runs again."""
    if db.in_transaction() or _retrying.active:  # a savepoint, or a `retried` function runs it again
        with _WriteTransaction(limit, repairing=repairing):
            return fn()
    return _run_again_after_collisions(lambda: _in_transaction(fn, limit, repairing))


def _in_transaction(fn: Callable[[], T], limit: float | None, repairing: bool) -> T:
    with _WriteTransaction(limit, repairing=repairing):
        return fn()


def _run_again_after_collisions(attempt_once: Callable[[], T]) -> T:
    attempt = 0
    while True:
        committed = _retrying.commits
        _retrying.active = True
        try:
            return attempt_once()
        except Exception as exc:
            if not is_collision(exc):
                raise
            if attempt >= COLLISION_RETRIES or _retrying.commits != committed:
                if _retrying.commits != committed:  # what this attempt committed must not be written twice
                    raise Collision(f"{database_name()}: another session wrote the same rows at the same moment; "
                                    "the last step was not written, try again") from exc
                raise Collision(f"{database_name()}: another session kept writing the same rows; "
                                "nothing was written, try again") from exc
        finally:
            _retrying.active = False
        attempt += 1
        write_stats.retried += 1
        time.sleep(random.uniform(0.005, 0.05) * attempt)


F = TypeVar("F", bound=Callable[..., Any])


def retried(fn: F) -> F:
    """A service function whose write transactions (`with write_tx():`, `journaled`) are run again
    from the start, arguments and all, when the server ends one with a serialization failure or a
    deadlock, as `run_write` does for one transaction. Its checks before the transaction stay
    outside it (no lock is taken to refuse bad input). Nothing it did before the collision
    remains: its transaction was rolled back, and one that had already committed (a function
    writing in two steps) makes the collision a one-line error instead of a second write. Called
    inside a transaction, or by another `retried` function, it runs once: the outer one runs again."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if db.in_transaction() or _retrying.active:
            return fn(*args, **kwargs)
        return _run_again_after_collisions(lambda: fn(*args, **kwargs))

    wrapper.retries_collisions = True  # type: ignore[attr-defined]  # what the services' test looks for
    return cast(F, wrapper)


# `followup check` leaves this setting when it found damage, and removes it when all is well again.
DAMAGE_KEY = "health.damaged"


def damage_mark() -> str | None:
    """What the last `followup check` found wrong, with its fix, while it is not repaired; a write
    is refused meanwhile. Checking every write would cost a full scan; this is one row read."""
    if not engine.has_setting_table(db):
        return None  # a database being created (on a server, a failed read would end the transaction)
    try:
        sql = f"SELECT value FROM setting WHERE key = {engine.bound(db).param}"
        row = db.execute_sql(sql, (DAMAGE_KEY,)).fetchone()
    except (OperationalError, sqlite3.OperationalError):
        return None  # no setting table yet
    if row is None:
        return None
    try:
        return str(json.loads(row[0]))
    except (ValueError, TypeError):
        return "followup check found damage; run 'followup check'"


def _tell(wait: LockWait) -> None:
    if _lock_wait_handler is not None:
        _lock_wait_handler(wait)


def _connection_in_transaction() -> bool:
    conn = db.connection()
    if isinstance(conn, sqlite3.Connection):
        return conn.in_transaction
    return engine.server_in_transaction(conn)


def _rollback_if_open() -> None:
    """Roll back what is still open; a rollback that fails too must not replace the first error."""
    if db.is_closed() or not _connection_in_transaction():
        return
    with contextlib.suppress(Exception):  # the error being raised already says what went wrong
        db.rollback()


def write_tx(limit: float | None = None, *, repairing: bool = False) -> _WriteTransaction:
    """Open a write transaction (BEGIN IMMEDIATE, or the writers' lock on a server, waiting for
    another writer up to `limit` seconds) or a savepoint when already inside one. Refused while
    `followup check` has marked the database damaged, except for the repair itself (`repairing`)."""
    return _WriteTransaction(limit, repairing=repairing)


def close_database(*, checkpoint_wait: float | None = None) -> None:
    """Close this thread's connection. A checkpoint running outside the writers ends first (PASSIVE:
    it never waits for a lock; `checkpoint_wait`: seconds at most, None for as long as it takes),
    so this connection, if it is the last, folds the log into the file and removes it."""
    checkpoints.settle(checkpoint_wait)
    if db.obj is not None and not db.is_closed():
        db.close()


def sqlite_version() -> str:
    return sqlite3.sqlite_version
