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
from planner.core.zones import aware
from planner.store.database import db
from planner.store.models import Contact, Interaction

LIVE_KINDS = ("call", "meeting")
WRITTEN_KINDS = ("email", "message")
WRITTEN_STREAK = 3  # this many written touches in a row, and no live one since: nudge
CHUNK = 500

_TABLE = Interaction._meta.table_name
_LIVE = "(i.\"kind\" IN ('call', 'meeting') AND i.\"outcome\" = 'spoke')"
_WRITTEN = "(i.\"kind\" IN ('email', 'message'))"


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
    select = (f'SELECT i."contact_id", SUM({_LIVE}), SUM({_WRITTEN}), '
              f'MAX(CASE WHEN {_LIVE} THEN i."happened_at" END) FROM "{_TABLE}" i ')
    if len(contact_ids) > 4 * CHUNK:  # most of a list: one pass over the table beats many IN lists
        wanted = set(contact_ids)
        cursors = [db.execute_sql(select + 'GROUP BY i."contact_id"')]
    else:
        wanted = None
        cursors = [db.execute_sql(select + f'WHERE i."contact_id" IN ({", ".join("?" * len(chunk))}) '
                                  'GROUP BY i."contact_id"', chunk)
                   for chunk in (contact_ids[s : s + CHUNK] for s in range(0, len(contact_ids), CHUNK))]
    for cursor in cursors:
        for cid, live, written, last in cursor:
            if (live or written) and (wanted is None or cid in wanted):
                result[cid] = Presence(int(live or 0), int(written or 0), _moment(last))
    return result


def _moment(value: object) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def nudges(contact_ids: list[int]) -> dict[int, str]:
    """"only emails since March: call them" for the contacts whose last WRITTEN_STREAK touches
    were all written, leaving out those who prefer email."""
    result: dict[int, str] = {}
    for start in range(0, len(contact_ids), CHUNK):
        chunk = contact_ids[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        sql = (f'SELECT i."contact_id", COUNT(*), MIN(i."happened_at"), GROUP_CONCAT(DISTINCT i."kind"), '
               f'MIN(i."tz") FROM "{_TABLE}" i JOIN "{Contact._meta.table_name}" c ON c."id" = i."contact_id" '
               f'WHERE i."contact_id" IN ({marks}) AND NOT c."prefers_email" AND {_WRITTEN} '
               f'AND i."happened_at" > COALESCE((SELECT MAX(j."happened_at") FROM "{_TABLE}" j '
               f'WHERE j."contact_id" = i."contact_id" AND j."kind" IN (\'call\', \'meeting\') '
               'AND j."outcome" = \'spoke\'), \'\') GROUP BY i."contact_id"')
        for cid, count, first, kinds, tz in db.execute_sql(sql, chunk):
            if count >= WRITTEN_STREAK:
                result[cid] = nudge_text(sorted(set(kinds.split(","))), aware(_moment(first), tz or "").date())
    return result


def nudge_text(kinds: list[str], since: dt.date) -> str:
    words = " and ".join(f"{kind}s" for kind in kinds)
    month = f"{since:%B}" if since.year == today().year else f"{since:%B %Y}"
    return f"only {words} since {month}: call them"
