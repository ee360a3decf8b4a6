"""The two engines followup runs on, and everything that differs between them.

One person keeps an SQLite file; a desk shares one PostgreSQL server, chosen by giving a libpq
URI (`postgresql://USER@HOST:PORT/DBNAME`, `?host=/path/to/socket` for a Unix socket) where a path
would go. Models and Peewee queries are the same on both. This module connects to the server
and holds what differs in how the engines are driven: the writers' lock and its timeouts, the
schema version, the connected role, naming the database. The few SQL pieces that differ for the
bound database (placeholders, a day difference, sorting names without regard to case...) are in
`store.dialect`, which reads the one `db`; this module takes the database as an argument, so
that `store.database` can use it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import threading
import uuid
from pathlib import Path

from peewee import Database, OperationalError, PostgresqlDatabase, Psycopg3Adapter

from planner.core.errors import BadInput, FollowupError

URL_SCHEMES = ("postgresql://", "postgres://")

# Every write transaction on the server takes this transaction-level advisory lock first (the
# bytes of "followup" as a number: any fixed key would do, it is scoped to the one database).
WRITERS_LOCK_KEY = int.from_bytes(b"followup", "big")
# A sync holds this session-level advisory lock from start to end (SQLite: a lock file beside it).
SYNC_LOCK_KEY = int.from_bytes(b"fu-sync", "big")
# The `write_tx` mode: SQLite's BEGIN IMMEDIATE, the writers' lock on the server.
WRITE_MODE = "IMMEDIATE"


def is_server_url(target: object) -> bool:
    """True for a PostgreSQL connection URI, false for a file path."""
    return isinstance(target, str) and target.lower().startswith(URL_SCHEMES)


# A URI of another scheme (mysql://, file://, a misspelt postgresql://) names no file either: taken
# as a path, it would quietly become a new, empty SQLite database in a folder called "mysql:".
_OTHER_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")


def resolve_target(given: str | None, *, what: str = "--db") -> str | Path:
    """The database to open: `given` (--db, or `what` names it), else $FOLLOWUP_DB, else the default
    file. A URI is kept as it is (a path would fold its `//`)."""
    from planner.store.paths import default_db_path

    raw = given or os.environ.get("FOLLOWUP_DB")
    if is_server_url(raw):
        return str(raw)
    if raw and (other := _OTHER_URL.match(raw)):
        raise BadInput(f"{what if given else 'FOLLOWUP_DB'}: {other.group(1)}:// is not a database followup opens; "
                       "give a file's path, or a postgresql://USER@HOST/DBNAME server")
    return Path(raw).expanduser() if raw else default_db_path()


def _conninfo(url: str) -> dict[str, str]:
    import psycopg.conninfo

    try:
        return {key: str(value) for key, value in psycopg.conninfo.conninfo_to_dict(url).items()}
    except psycopg.ProgrammingError as exc:  # not a URI libpq can read: say so, without echoing it
        raise FollowupError(f"--db/FOLLOWUP_DB: not a PostgreSQL URI libpq can read ({_first_line(exc)})") from None


def describe_url(url: str) -> str:
    """'database "D" on HOST:PORT' for a URI: what an error names. Never the password."""
    info = _conninfo(url)
    host = info.get("host") or info.get("hostaddr") or "the local socket"
    port = info.get("port") or "5432"
    name = info.get("dbname") or info.get("user") or os.environ.get("PGDATABASE") or "(default)"
    return f'database "{name}" on {host}:{port}'


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].strip() if text else type(exc).__name__


class ServerAdapter(Psycopg3Adapter):
    """Peewee's psycopg 3 adapter, with psycopg imported when a server is opened. Peewee's own
    reads the driver from its module globals, set when Peewee was imported; the app and commands
    import Peewee without psycopg (planner/__init__.py), so every method that touches the driver
    is here, and nothing depends on what Peewee saw at its import."""

    def __init__(self) -> None:
        import psycopg
        from psycopg.types.json import Json, Jsonb

        super().__init__()
        self.json_type, self.jsonb_type = Json, Jsonb
        self.statuses = psycopg.pq.TransactionStatus
        self.txn_idle = self.statuses.IDLE
        self.txn_inerror = self.statuses.INERROR
        self.txn_unknown = self.statuses.UNKNOWN
        self.driver = psycopg

    def check_driver(self) -> None:
        """The import in `__init__` already failed for a missing psycopg."""

    def get_binary_type(self):
        return self.driver.Binary

    def connect(self, db, **params):
        if db._encoding:
            params.setdefault("client_encoding", db._encoding)
        params.setdefault("conninfo" if db.database.startswith("postgresql://") else "dbname", db.database)
        return self.driver.connect(**params)

    def server_side_cursor(self, conn):
        # As Peewee's: inside a transaction a named cursor streams; outside, the server needs withhold.
        in_txn = self.txn_status(conn) == self.statuses.INTRANS
        return conn.cursor(name=str(uuid.uuid1()), withhold=not in_txn)


class ServerDatabase(PostgresqlDatabase):
    """PostgreSQL through psycopg 3, its write transactions serialised like SQLite's.

    Why a lock and not SERIALIZABLE with retries: a write transaction is a `with write_tx():`
    block, and a block cannot be run again by the code that opened it, so a serialization failure
    could only reach the user. Instead every write transaction first takes one transaction-level
    advisory lock (released by its COMMIT or ROLLBACK): writers run one after another exactly as
    with SQLite's BEGIN IMMEDIATE, each in READ COMMITTED, so every statement after the lock sees
    all that earlier writers committed. Read-modify-write is then safe, and with one lock and no
    SERIALIZABLE there is neither a serialization failure nor a deadlock between writers. Readers
    never wait for it. One attempt at the lock waits `set_lock_attempt`'s time (then PostgreSQL's "lock
    timeout" error, after the transaction is rolled back); `database.write_tx` attempts again and
    again, showing that it waits, up to its limit, exactly as it does for SQLite's lock.
    """

    # the `setting` table exists (checked once: reading a missing table ends a server transaction)
    has_settings = False
    # Peewee picks one of these by the drivers it saw at its import: ours either way.
    psycopg2_adapter = psycopg3_adapter = ServerAdapter

    def __init__(self, url: str, *, lock_wait: float, **kwargs) -> None:
        self.default_wait_ms = int(lock_wait * 1000)
        # one attempt at the writers' lock, and the wait for any other lock once it is held: per
        # thread, as SQLite's busy timeout is per connection (`set_lock_attempt` around each BEGIN)
        self.timeouts = threading.local()
        self.described = describe_url(url)
        # Peewee hands a `postgresql://` database name to libpq as a URI; `postgres://` is the
        # same URI to libpq, so it is spelled the way Peewee recognises.
        if url.lower().startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        super().__init__(url, prefer_psycopg3=True, **kwargs)

    def begin(self, isolation_level=None) -> None:
        if isolation_level != WRITE_MODE:
            super().begin(isolation_level)
            return
        attempt_ms = getattr(self.timeouts, "attempt_ms", self.default_wait_ms)
        wait_ms = getattr(self.timeouts, "wait_ms", self.default_wait_ms)
        super().begin()
        try:
            self.execute_sql(f"SET LOCAL lock_timeout = '{int(attempt_ms)}ms'")
            self.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITERS_LOCK_KEY,))
            self.execute_sql(f"SET LOCAL lock_timeout = '{int(wait_ms)}ms'")
        except Exception:
            if server_in_transaction(self.connection()):
                with contextlib.suppress(Exception):  # the error raised says what went wrong
                    self.rollback()
            raise

    def open(self) -> None:
        """Connect, or raise one clear line naming the host and database (never the password)."""
        try:
            self.connect(reuse_if_open=True)
        except OperationalError as exc:
            raise FollowupError(f"cannot connect to {self.described}: {_connect_reason(exc)}") from None


def _connect_reason(exc: BaseException) -> str:
    """libpq's reason, on one line: 'connection to server on socket "..." failed: No such file'
    becomes 'No such file'; 'FATAL:  database "x" does not exist' loses its 'FATAL:'."""
    text = " ".join(str(exc).split())
    hint = text.find(" Is the server running")
    if hint > 0:
        text = text[:hint]
    text = text.rsplit("failed: ", 1)[-1]
    for prefix in ("FATAL:", "ERROR:"):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    return text or type(exc).__name__


def server_in_transaction(conn) -> bool:
    """A psycopg connection is inside a transaction (a failed one too: it waits for ROLLBACK);
    not after its connection was lost."""
    from psycopg.pq import TransactionStatus

    if conn is None or conn.closed:
        return False
    return conn.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR)


def is_lock_timeout(exc: BaseException) -> bool:
    """PostgreSQL gave up waiting for a lock (SQLSTATE 55P03, "canceling statement due to lock
    timeout"): another writer holds the writers' lock."""
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__
    return getattr(cause, "sqlstate", None) == "55P03" or "lock timeout" in str(exc).lower()


def set_lock_attempt(db, attempt_ms: int, wait_ms: int) -> None:
    """How long one attempt at the write lock waits: SQLite's busy timeout, or the server's lock
    timeout for the writers' lock (and `wait_ms` for other locks once it is held)."""
    engine = bound(db)
    if isinstance(engine, ServerDatabase):
        engine.timeouts.attempt_ms, engine.timeouts.wait_ms = attempt_ms, wait_ms
    else:
        db.execute_sql(f"PRAGMA busy_timeout = {int(attempt_ms)}")


def reset_lock_attempt(db, wait_ms: int) -> None:
    """Back to the ordinary wait, once the write lock is held (or given up)."""
    engine = bound(db)
    if isinstance(engine, ServerDatabase):
        engine.timeouts.attempt_ms = engine.timeouts.wait_ms = wait_ms
    else:
        db.execute_sql(f"PRAGMA busy_timeout = {int(wait_ms)}")


def has_setting_table(db) -> bool:
    """Whether the `setting` table exists; asked once of a server (SQLite just tries the read)."""
    engine = bound(db)
    if not isinstance(engine, ServerDatabase):
        return True
    if not engine.has_settings:
        row = db.execute_sql("SELECT to_regclass('setting') IS NOT NULL").fetchone()
        engine.has_settings = bool(row and row[0])
    return engine.has_settings


def bound(db) -> Database:
    """The engine the proxy `db` stands for."""
    return getattr(db, "obj", db)


def on_server(db) -> bool:
    return isinstance(bound(db), PostgresqlDatabase)


def describe(db) -> str:
    """The open database as a person should see it named: its file, or its server and name."""
    engine = bound(db)
    return engine.described if isinstance(engine, ServerDatabase) else str(engine.database)


# --- who is connected ----------------------------------------------------------------------------


def current_role(db) -> str | None:
    """The PostgreSQL role this session connected as; None for an SQLite file (one implicit member)."""
    if not on_server(db):
        return None
    return db.execute_sql("SELECT current_user").fetchone()[0]


def role_exists(db, role: str) -> bool:
    """Whether the server knows this role (a member must be able to connect as it)."""
    return db.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


# --- the schema version -------------------------------------------------------------------------

_VERSION_TABLE = "schema_version"


def read_schema_version(db) -> int:
    """SQLite keeps it in `PRAGMA user_version`; the server in a one-row `schema_version` table
    (none yet: 0, a fresh database)."""
    if not on_server(db):
        return db.execute_sql("PRAGMA user_version").fetchone()[0]
    if _VERSION_TABLE not in db.get_tables():
        return 0
    row = db.execute_sql(f'SELECT max("version") FROM "{_VERSION_TABLE}"').fetchone()
    return int(row[0] or 0)


def write_schema_version(db, version: int) -> None:
    """Record `version`, inside the migration step's transaction."""
    if not on_server(db):
        db.execute_sql(f"PRAGMA user_version = {int(version)}")
        return
    db.execute_sql(f'CREATE TABLE IF NOT EXISTS "{_VERSION_TABLE}" ("version" integer NOT NULL, '
                   '"applied_at" timestamp NOT NULL)')
    db.execute_sql(f'DELETE FROM "{_VERSION_TABLE}"')
    db.execute_sql(f'INSERT INTO "{_VERSION_TABLE}" ("version", "applied_at") VALUES (%s, %s)',
                   (int(version), dt.datetime.now(dt.UTC).replace(tzinfo=None)))


def schema_owner_if_not_me(db) -> str | None:
    """On a server, the role that owns followup's tables when this session can act as neither it
    nor a superuser (so it cannot upgrade them); None when it can, or on SQLite."""
    if not on_server(db) or _VERSION_TABLE not in db.get_tables():
        return None
    row = db.execute_sql(
        "SELECT t.tableowner, pg_has_role(current_user, t.tableowner, 'MEMBER') OR r.rolsuper "
        "FROM pg_tables t, pg_roles r WHERE t.schemaname = current_schema() AND t.tablename = %s "
        "AND r.rolname = current_user", (_VERSION_TABLE,)).fetchone()
    return None if row is None or row[1] else row[0]


def schema_migrator(db):
    """playhouse.migrate's migrator for the bound engine (adding a column differs)."""
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator

    engine = bound(db)
    return PostgresqlMigrator(engine) if on_server(db) else SqliteMigrator(engine)
