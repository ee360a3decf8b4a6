"""SQL that differs between the engines, for the database the one `db` is bound to: raw SQL's
placeholders, a stored day read back as a date, a day difference, a date read as ISO text, a
text's first line, a distinct list, an unindexed column, sorting names without regard to case,
and the server's session locks. Callers write one query; which engine it runs on is asked here
(`store.engine` says how each engine is driven).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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
