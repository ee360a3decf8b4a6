"""SQL that differs between the engines, for the database the one `db` is bound to: raw SQL's
placeholders, many rows written by one statement, a date as the driver stores it, a stored day read
back as a date, a day difference, a date read as ISO text, a text's first line, a distinct list, an
unindexed column, sorting names without regard to case, and the server's session locks. Callers
write one query; which engine it runs on is asked here (`store.engine` says how each engine is
driven).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

import peewee
from peewee import fn

from planner.store.database import db
from planner.store.engine import bound, on_server


def portable(sql: str) -> str:
    """Raw SQL written with `?` placeholders, in the bound engine's placeholder style (psycopg's
    `%s`). Our raw statements hold no other `?` and no `%`."""
    param = bound(db).param
    return sql if param == "?" else sql.replace("?", param)


def execute_many(sql: str, rows) -> None:
    """One prepared statement (`?` placeholders) run for every row, its errors Peewee's as any
    query's are (the raw cursor would let the driver's own exceptions through)."""
    with peewee.__exception_wrapper__:  # type: ignore[attr-defined]
        db.cursor().executemany(portable(sql), rows)


ROWS_PER_INSERT = 500  # rows one INSERT carries: fewer cost more statements, more no less time
_MAX_PARAMS = 30000  # under SQLite's bound-variable limit (32,766) and the server's (65,535)


def insert_many(sql: str, rows: Iterable[Sequence], *, returning: str = "") -> list:
    """`rows` inserted by `sql`, an INSERT of one row ending in `VALUES (...)` with a `?` for each
    value of a row (and literals for the values every row shares), as multi-row INSERTs of
    `ROWS_PER_INSERT` rows each: on SQLite a third of the time of running the one-row statement
    for each row (`execute_many`: the driver resets, binds and steps it row by row). Returns the
    column `returning` names of every row inserted, in the order the engine reports them (for an
    id, not necessarily the rows' order); nothing without it. Errors are Peewee's."""
    head, values, marks = sql.rpartition(" VALUES ")
    if not values or not (marks.startswith("(") and marks.endswith(")")):
        raise ValueError(f"not an INSERT of one row of values: {sql[:80]!r}")
    width = marks.count("?")
    per_statement = max(1, min(ROWS_PER_INSERT, _MAX_PARAMS // max(1, width)))
    tail = f' RETURNING "{returning}"' if returning else ""
    reported: list = []
    with peewee.__exception_wrapper__:  # type: ignore[attr-defined]
        cursor = db.cursor()
        for chunk in peewee.chunked(rows, per_statement):
            # the values go as one list: a row one value short would take its neighbour's
            if any(len(row) != width for row in chunk):
                raise ValueError(f"a row of other than {width} values for {sql[:80]!r}")
            cursor.execute(portable(f"{head} VALUES {', '.join([marks] * len(chunk))}{tail}"),
                           [value for row in chunk for value in row])
            if returning:
                reported += [row[0] for row in cursor.fetchall()]
    return reported


def as_stored(value: object) -> object:
    """A date or time as the bound engine is given it: on SQLite the ISO text the sqlite3 module's
    own adapters make of it (which they would make again for every row that holds it; a caller
    that converts each distinct value once spares that), on the server the object itself.
    Anything else as it is."""
    if isinstance(value, dt.date) and not on_server(db):
        return value.isoformat(" ") if isinstance(value, dt.datetime) else value.isoformat()
    return value


class _Days(dict):
    """A stored day (ISO text on SQLite, a date from the server) -> its date, each of the few
    hundred distinct days parsed once: a plain dict look-up per row, no call on a hit."""

    def __missing__(self, value: object) -> dt.date:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        if len(self) < 65536:  # days of a plan: bounded, but never let odd values grow it
            self[value] = day
        return day


as_date: Callable[[object], dt.date] = _Days().__getitem__


def days_between(later: str, earlier: str) -> str:
    """SQL for the days from `earlier` to `later` (date columns or placeholders)."""
    if on_server(db):
        return f"(CAST({later} AS date) - CAST({earlier} AS date))"
    return f"(julianday({later}) - julianday({earlier}))"


def iso_day(column: str) -> str:
    """A date column read as ISO text (SQLite stores it so; the server gives a date object)."""
    return f"to_char({column}, 'YYYY-MM-DD')" if on_server(db) else column


def first_line(column: str, *, server: bool | None = None) -> str:
    """A text column up to its first line end (all of it when it has none), on the bound engine
    (or the one `server` says). Migration 23 indexes this very expression: a query finds rows
    through that index only when it writes the expression the same way."""
    if on_server(db) if server is None else server:
        return f"split_part({column}, E'\\n', 1)"
    return f"substr({column} || char(10), 1, instr({column} || char(10), char(10)) - 1)"


def distinct_list(column: str) -> str:
    """SQL for the distinct values of `column` in a group, joined by commas."""
    if on_server(db):
        return f"string_agg(DISTINCT {column}, ',')"
    return f"GROUP_CONCAT(DISTINCT {column})"


def unindexed(column: str) -> str:
    """`column` in a way SQLite will not read through its index (`+column`: its planner would pick
    the wrong index); PostgreSQL's planner weighs both itself."""
    return column if on_server(db) else f"+{column}"


def unindexed_field(field: peewee.Field) -> peewee.ColumnBase:
    """`unindexed` in a query Peewee writes."""
    return field if on_server(db) else peewee.NodeList((peewee.SQL("+"), field), glue="")


def name_order(field):
    """Sort key for names without regard to case: SQLite's NOCASE, and on the server lower-case in
    byte order ("C"), so both engines list people in the same order."""
    if on_server(db):
        return fn.LOWER(field).collate('"C"')
    return field.collate("NOCASE")


def try_session_lock(key: int) -> bool:
    """Take a session-level advisory lock on the server without waiting; False if another holds it."""
    return bool(db.execute_sql("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0])


def release_session_lock(key: int) -> None:
    db.execute_sql("SELECT pg_advisory_unlock(%s)", (key,))
