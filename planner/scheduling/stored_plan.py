"""The stored plan (table PlannedCall) as plain rows: reading it, writing a new plan over it,
and the calls the incremental search (`reroute.py`) reads a day at a time.

Rows go through the raw cursor as tuples: at 100k contacts Peewee's per-field conversion costs
more than the solver does. Every function here runs inside the caller's write transaction. The raw
SQL is written for both engines (`?` made the engine's placeholder, booleans as TRUE/FALSE, days
as ISO text); what cannot be written alike comes from `store.engine`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from peewee import SQL, fn

from planner.core.vocabulary import PlanReason
from planner.scheduling.engine import PlanRow
from planner.scheduling.owners import owned, owner_clause
from planner.scheduling.reroute import Window
from planner.store.database import db
from planner.store.dialect import as_date, days_between, execute_many, insert_many, iso_day, portable, unindexed
from planner.store.models import Contact, PlannedCall
from planner.store.queries import chunked

TABLE = PlannedCall._meta.table_name

_COLUMNS = (PlannedCall.id, PlannedCall.contact, PlannedCall.date, PlannedCall.ideal,
            PlannedCall.window_start, PlannedCall.window_end, PlannedCall.reason, PlannedCall.pinned,
            PlannedCall.seq, PlannedCall.favor, PlannedCall.note)
_DATE_COLUMNS = {c.column_name for c in _COLUMNS if c.field_type == "DATE"}


def _select() -> str:
    """The columns of a raw row (the table is aliased p everywhere), its days as ISO text."""
    return ", ".join(iso_day(f'p."{c.column_name}"') if c.column_name in _DATE_COLUMNS else f'p."{c.column_name}"'
                     for c in _COLUMNS)


def _execute(sql: str, params=()):
    return db.execute_sql(portable(sql), params)


def _not_in(column: str, count: int) -> str:
    """`column NOT IN (?, ...)`; TRUE for no values (PostgreSQL has no empty list)."""
    return f'{column} NOT IN ({", ".join("?" * count)})' if count else "TRUE"


class _Shared(dict):
    """A value -> the one copy of it kept, for one read of the plan (its days and reasons)."""

    def __missing__(self, value: object) -> object:
        self[value] = value
        return value


def plan_row(t: tuple) -> PlanRow:
    rid, cid, day, ideal, ws, we, reason, pinned, seq, favor, note = t
    return PlanRow(cid, as_date(day), as_date(ideal), as_date(ws), as_date(we), reason,
                   bool(pinned), seq, favor, note or "", rid)


def raw_rows(contact_ids: list[int] | None = None, owner: int | None = None) -> list[tuple]:
    """The stored plan as raw tuples (dates as ISO text), in `_COLUMNS` order, through the raw
    cursor: at 100k contacts Peewee's per-field conversion costs more than the solver does.
    Everyone's when no ids are given, or one owner's partition (`owners.py`)."""
    if contact_ids is None:
        where = "" if owner is None else f" WHERE {owner_clause(owner)}"
        # the cursor makes a new string of every day and reason it reads: the whole plan's rows
        # share one copy of each of the few hundred distinct ones (at 100k contacts 62 to 24 MiB)
        one = _Shared().__getitem__
        return [(rid, cid, one(day), one(ideal), one(ws), one(we), one(reason), pinned, seq, favor, note)
                for rid, cid, day, ideal, ws, we, reason, pinned, seq, favor, note
                in _execute(f'SELECT {_select()} FROM "{TABLE}" p{where}')]
    rows: list[tuple] = []
    for chunk in chunked(contact_ids):
        marks = ", ".join("?" * len(chunk))
        rows += _execute(f'SELECT {_select()} FROM "{TABLE}" p WHERE p."contact_id" IN ({marks})', chunk)
    return rows


def stored_rows(contact_ids: list[int] | None = None) -> list[PlanRow]:
    """The stored plan as plain rows (everyone's when None)."""
    return [plan_row(t) for t in raw_rows(contact_ids)]


def loads_without(contact_ids: list[int], today: dt.date, owner: int | None = None) -> dict[dt.date, int]:
    """Calls per day from today on, leaving out the given contacts' rows (within one owner's
    partition when `owner` is given)."""
    # every call counted from the day index alone, then the given contacts' few calls taken off:
    # a NOT IN on the contact makes the count look up each of the 100k+ rows (3-4x slower)
    query = (PlannedCall.select(PlannedCall.date, fn.COUNT(SQL("*")))
             .where(PlannedCall.date >= today)
             .group_by(PlannedCall.date))
    if owner is not None:
        query = query.where(PlannedCall.contact.in_(Contact.select(Contact.id).where(owned(owner))))
    loads: dict[dt.date, int] = defaultdict(int)
    for day, count in db.execute(query):  # the raw cursor: a row a day, no per-field conversion
        loads[as_date(day)] += count
    for chunk in chunked(contact_ids):
        theirs = (PlannedCall.select(PlannedCall.date)
                  .where(PlannedCall.date >= today, PlannedCall.contact.in_(list(chunk))))
        if owner is not None:
            theirs = theirs.where(PlannedCall.contact.in_(Contact.select(Contact.id).where(owned(owner))))
        for (day,) in db.execute(theirs):
            date = as_date(day)
            loads[date] -= 1
            if not loads[date]:
                del loads[date]  # a day only they had: absent, as when it was never counted
    return loads


class StoredPlanCalls:
    """`reroute.StoredCalls` over the stored plan, leaving out the contacts being re-planned.
    Movable (`reroute.movable`): unpinned, on a day of its window, and not anchored, that is a new
    contact's first call with a seq-1 call after it (its recurrences follow on from its day)."""

    _ANCHORED = (f"CASE WHEN p.\"reason\" = '{PlanReason.NEW}' THEN EXISTS (SELECT 1 FROM \"{TABLE}\" q WHERE "
                 'q."contact_id" = p."contact_id" AND q."seq" = 1 AND NOT q."pinned") ELSE FALSE END')

    def __init__(self, excluded: list[int], owner: int | None = None) -> None:
        self.excluded = excluded
        # only the owner's partition: another member's calls are neither load nor movable here
        not_excluded = _not_in('p."contact_id"', len(excluded))
        self._owned = owner_clause(owner)
        self._not_excluded = not_excluded if owner is None else f"{not_excluded} AND {self._owned}"

    def _movable(self, days: list[str] | None, skip: Collection[PlanRow]) -> tuple[str, list]:
        """The WHERE clause (and its parameters) of the movable calls on the given days."""
        ids = [row.id for row in skip]
        not_skipped = _not_in('p."id"', len(ids))
        sql = (f'NOT p."pinned" AND p."date" BETWEEN p."window_start" AND p."window_end" '
               f'AND {self._not_excluded} AND {not_skipped} '
               f'AND NOT ({self._ANCHORED})')
        if days is None:
            return sql, self.excluded + ids
        return f'p."date" IN ({", ".join("?" * len(days))}) AND {sql}', days + self.excluded + ids

    def reach(self, days: list[dt.date] | None, skip: Collection[PlanRow]) -> dict[dt.date, Window]:
        spans: dict[dt.date, Window] = {}
        chunks = [None] if days is None else list(chunked(days))
        for chunk in chunks:
            where, params = self._movable(None if chunk is None else [day.isoformat() for day in chunk], skip)
            sql = (f'SELECT p."date", MIN(p."window_start"), MAX(p."window_end") FROM "{TABLE}" p '
                   f'WHERE {where} GROUP BY p."date"')
            for day, lo, hi in _execute(sql, params):
                spans[as_date(day)] = (as_date(lo), as_date(hi))
        return spans

    def mover(self, day: dt.date, target: dt.date, skip: Collection[PlanRow]) -> PlanRow | None:
        """`reroute.mover_rank` in SQL, so only the chosen call is read."""
        where, params = self._movable([day.isoformat()], skip)
        text = target.isoformat()
        busy_day = unindexed('busy."date"')  # look the contact's few rows up by contact, not the day's hundreds
        planned, ideal = 'p."date"', 'p."ideal"'
        gain = f"abs({days_between('?', ideal)}) - abs({days_between(planned, ideal)})"
        sql = (f'SELECT {_select()} FROM "{TABLE}" p WHERE {where} AND p."window_start" <= ? '
               f'AND p."window_end" >= ? AND NOT EXISTS (SELECT 1 FROM "{TABLE}" busy '
               f'WHERE busy."contact_id" = p."contact_id" AND {busy_day} = ?) '
               f"ORDER BY CASE WHEN p.\"reason\" = 'new' THEN 0 ELSE {gain} END, p.\"contact_id\", p.\"seq\" LIMIT 1")
        found = _execute(sql, params + [text] * 4).fetchone()
        return plan_row(found) if found else None

    def busy(self, contact_id: int, day: dt.date) -> bool:
        day_column = unindexed('"date"')
        sql = f'SELECT 1 FROM "{TABLE}" WHERE "contact_id" = ? AND {day_column} = ? LIMIT 1'
        return _execute(sql, [contact_id, day.isoformat()]).fetchone() is not None  # by contact: few rows

    def windows(self, today: dt.date) -> list[tuple[dt.date, dt.date, int]]:
        day = today.isoformat()
        fixed = ('p."pinned" OR p."date" = ? OR p."date" NOT BETWEEN p."window_start" AND p."window_end"')
        sql = (f'SELECT CASE WHEN {fixed} THEN p."date" ELSE p."window_start" END AS a, '
               f'CASE WHEN {fixed} THEN p."date" ELSE p."window_end" END AS b, COUNT(*) '
               f'FROM "{TABLE}" p WHERE p."date" >= ? AND {self._owned} '
               f'AND (p."pinned" OR {self._not_excluded}) '
               'GROUP BY a, b')
        return [(as_date(a), as_date(b), n) for a, b, n in _execute(sql, [day, day, day] + self.excluded)]


def move_rows(rows: list[PlanRow], write: bool) -> int:
    """Store other contacts' calls at the new days `make_room` gave them; returns how many."""
    if write and rows:
        execute_many(f'UPDATE "{TABLE}" SET "date" = ?, "ideal" = ? WHERE "id" = ?',
                     [(r.date.isoformat(), r.ideal.isoformat(), r.id) for r in rows])
    return len(rows)


class _IsoDays(dict):
    """day -> its ISO text, each of the few hundred distinct days formatted once."""

    def __missing__(self, day: dt.date) -> str:
        text = self[day] = day.isoformat()
        return text


def write_plan(old: list[tuple], new: list[PlanRow], write: bool) -> int:
    """Store `new` in place of the unpinned rows `old` (raw tuples), touching only rows that
    changed: a call still there (same contact and seq) is updated in place when its placement
    changed, keeping its id; calls gone are deleted, new ones inserted. Returns how many calls
    changed day."""
    by_key = {(t[1], t[8]): t for t in old}
    keep: set[int] = set()
    inserts: list[PlanRow] = []
    updates: list[tuple] = []  # day or reason changed: every column
    reshaped: list[tuple] = []  # only the ideal day or the window changed: no indexed column
    moved = 0
    iso = _IsoDays()
    for row in new:
        before = by_key.pop((row.contact_id, row.seq), None)  # popped: one new row per stored one
        if before is None:
            inserts.append(row)
            continue
        rid = before[0]
        keep.add(rid)
        row.id = rid
        placement = (iso[row.date], iso[row.ideal], iso[row.window_start], iso[row.window_end], row.reason)
        if before[2:7] != placement:
            if before[2] != placement[0]:
                moved += 1
                updates.append((*placement, None, "", "", rid))
            elif before[6] != placement[4]:
                updates.append((*placement, None, "", "", rid))
            else:
                reshaped.append((*placement[1:4], None, "", "", rid))
    if not write:
        return moved
    # one prepared statement per row gone, not chunks of IN lists Peewee builds value by value
    execute_many(f'DELETE FROM "{TABLE}" WHERE "id" = ?', [(t[0],) for t in old if t[0] not in keep])
    # a changed call updated in place: on a new day every overdue and new contact's window moves
    # (a third of the plan at 100k), and an update rewrites the indexes of the columns it sets
    # where a delete and an insert rewrote all four twice; its other columns as an insert sets them
    execute_many(f'UPDATE "{TABLE}" SET "date" = ?, "ideal" = ?, "window_start" = ?, "window_end" = ?, '
                 '"reason" = ?, "favor" = ?, "note" = ?, "at_time" = ? WHERE "id" = ?', updates)
    # most of a new day's changes: a window clipped to the new today, the call on the same day; an
    # update that sets no indexed column (day, reason, contact) leaves every index as it is
    execute_many(f'UPDATE "{TABLE}" SET "ideal" = ?, "window_start" = ?, "window_end" = ?, '
                 '"favor" = ?, "note" = ?, "at_time" = ? WHERE "id" = ?', reshaped)
    # the new rows as raw multi-row INSERTs, the values already as stored (Peewee's insert_many
    # converts each field, several times slower for a first plan)
    sql = (f'INSERT INTO "{TABLE}" ("contact_id", "date", "ideal", "window_start", "window_end", '
           '"reason", "pinned", "seq", "favor", "note", "at_time") '
           "VALUES (?, ?, ?, ?, ?, ?, FALSE, ?, NULL, '', '')")
    insert_many(sql, [
        (r.contact_id, iso[r.date], iso[r.ideal], iso[r.window_start], iso[r.window_end], r.reason, r.seq)
        for r in inserts
    ])
    return moved
