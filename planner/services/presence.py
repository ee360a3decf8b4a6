"""Be present: live touches (a call or meeting that reached them) against written ones (email,
message), per contact, and the nudge when someone has only been written to lately.

When the last WRITTEN_STREAK touches with someone were all written, their agenda rows say so
("only emails since March: call them"), unless the contact prefers email. Notes are not touches;
a missed call is neither live nor written (we tried to connect), so it neither starts nor ends a
run of written touches. Counted in SQL over the interaction table, a fixed number of queries for
any number of contacts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.core.dates import today
from planner.core.vocabulary import REACHED_OUTCOMES, InteractionKind
from planner.core.zones import aware, stored_moment
from planner.store.database import db
from planner.store.dialect import distinct_list, portable
from planner.store.models import Contact, Interaction
from planner.store.queries import CHUNK_SIZE, chunked

LIVE_KINDS = (InteractionKind.CALL, InteractionKind.MEETING)
WRITTEN_KINDS = (InteractionKind.EMAIL, InteractionKind.MESSAGE)
WRITTEN_STREAK = 3  # this many written touches in a row, and no live one since: nudge

_TABLE = Interaction._meta.table_name


def _words(values: tuple[str, ...]) -> str:
    """The vocabulary's own words as SQL literals (they hold no quote)."""
    return ", ".join(f"'{value}'" for value in values)


def _live(table: str) -> str:
    """A live touch, one that reached them (`is_reaching`, core/vocabulary.py): a call or meeting."""
    return f'({table}."kind" IN ({_words(LIVE_KINDS)}) AND {table}."outcome" IN ({_words(REACHED_OUTCOMES)}))'


_LIVE = _live("i")
_WRITTEN = f"(i.\"kind\" IN ({_words(WRITTEN_KINDS)}))"


@dataclass(frozen=True)
class Presence:
    live: int
    written: int
    last_live: dt.datetime | None  # naive UTC, as stored

    @property
    def live_share(self) -> float | None:
        touches = self.live + self.written
        return round(self.live / touches, 2) if touches else None


def presence_of(contact_ids: list[int]) -> dict[int, Presence]:
    """Live and written touches and the last live one, for the contacts that have any."""
    result: dict[int, Presence] = {}
    # a condition summed as 1 or 0 (SQLite sums its booleans; PostgreSQL sums no boolean)
    select = (f'SELECT i."contact_id", SUM(CASE WHEN {_LIVE} THEN 1 ELSE 0 END), '
              f'SUM(CASE WHEN {_WRITTEN} THEN 1 ELSE 0 END), '
              f'MAX(CASE WHEN {_LIVE} THEN i."happened_at" END) FROM "{_TABLE}" i ')
    if len(contact_ids) > 4 * CHUNK_SIZE:  # most of a list: one pass over the table beats many IN lists
        wanted = set(contact_ids)
        cursors = [db.execute_sql(select + 'GROUP BY i."contact_id"')]
    else:
        wanted = None
        cursors = [db.execute_sql(portable(select + f'WHERE i."contact_id" IN ({", ".join("?" * len(chunk))}) '
                                           'GROUP BY i."contact_id"'), list(chunk))
                   for chunk in chunked(contact_ids)]
    for cursor in cursors:
        for cid, live, written, last in cursor:
            if (live or written) and (wanted is None or cid in wanted):
                result[cid] = Presence(int(live or 0), int(written or 0),
                                       None if last is None else stored_moment(last))
    return result


def nudges(contact_ids: list[int]) -> dict[int, str]:
    """"only emails since March: call them" for the contacts whose last WRITTEN_STREAK touches
    were all written, leaving out those who prefer email."""
    result: dict[int, str] = {}
    for chunk in chunked(contact_ids):
        result.update(_nudges_where(f'IN ({", ".join("?" * len(chunk))})', list(chunk)))
    return result


def nudges_among(contacts) -> dict[int, str]:
    """`nudges` for the contacts a subquery selects (their ids): one query for the agenda's
    thousands at 100k contacts, no lists of ids."""
    sql, params = contacts.sql()
    return _nudges_where(f"IN ({sql})", list(params))


def _nudges_where(which: str, params: list) -> dict[int, str]:
    """`nudges` for the contacts whose id is `which` (an SQL `IN (...)` with its `params`)."""
    result: dict[int, str] = {}
    # written touches after the last live one: no live touch at or after them
    kinds_of = distinct_list('i."kind"')
    sql = (f'SELECT i."contact_id", COUNT(*), MIN(i."happened_at"), {kinds_of}, '
           f'MIN(i."tz") FROM "{_TABLE}" i JOIN "{Contact._meta.table_name}" c ON c."id" = i."contact_id" '
           f'WHERE i."contact_id" {which} AND NOT c."prefers_email" AND {_WRITTEN} '
           f'AND NOT EXISTS (SELECT 1 FROM "{_TABLE}" j WHERE j."contact_id" = i."contact_id" '
           f'AND {_live("j")} AND j."happened_at" >= i."happened_at") '
           'GROUP BY i."contact_id"')
    for cid, count, first, kinds, tz in db.execute_sql(portable(sql), params):
        if count >= WRITTEN_STREAK:
            result[cid] = nudge_text(sorted(set(kinds.split(","))), aware(stored_moment(first), tz or "").date())
    return result


def nudge_text(kinds: list[str], since: dt.date) -> str:
    words = " and ".join(f"{kind}s" for kind in kinds)
    month = f"{since:%B}" if since.year == today().year else f"{since:%B %Y}"
    return f"only {words} since {month}: call them"
