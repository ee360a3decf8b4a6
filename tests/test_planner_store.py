"""The stored plan as the incremental search reads it: the SQL store (real SQLite file) answers
exactly what the in-memory one answers for the same rows, so the property tests of the search,
which run in memory, speak for the service too."""

from __future__ import annotations

import datetime as dt
import random

from planner.core import dates
from planner.scheduling import service
from planner.scheduling.reroute import CallsInMemory
from planner.scheduling.stored_plan import StoredPlanCalls, stored_rows
from planner.services import schedule
from planner.store.database import write_tx
from planner.store.models import Contact, Interaction

TODAY = dt.date(2026, 11, 25)
DAY = dt.timedelta(days=1)


def _mixed_plan() -> None:
    """150 contacts: weekly to yearly, some never reached (new, with and without recurrences),
    some overdue, a few snoozed (pinned)."""
    rng = random.Random(11)
    with write_tx():
        for i in range(150):
            cadence = rng.choice([7, 14, 30, 60, 182])
            contact = Contact.create(name=f"Person {i}", cadence_days=cadence)
            roll = rng.random()
            if roll < 0.8:
                last = TODAY - rng.randint(0, cadence + 20) * DAY
                Interaction.create(contact=contact, happened_at=dt.datetime.combine(last, dt.time(12)), outcome="spoke")
    service.update_plan(None)
    for cid in (3, 40, 77):
        schedule.snooze(cid, to=TODAY + 9 * DAY)


def test_the_sql_store_answers_like_the_in_memory_one(db_path):
    dates.set_today(TODAY)
    _mixed_plan()
    rows = stored_rows()
    assert any(r.pinned for r in rows) and any(r.reason == "new" and r.seq == 0 for r in rows)
    excluded = [5, 6]
    memory = CallsInMemory(r for r in rows if r.contact_id not in excluded or r.pinned)
    sql = StoredPlanCalls(excluded)
    assert sql.reach(None, ()) == memory.reach(None, ())
    days = sorted({r.date for r in rows})
    skip = [r for r in rows if not r.pinned and r.contact_id not in excluded][::7]
    assert sql.reach(days[:12], skip) == memory.reach(days[:12], skip)
    spans = memory.reach(None, ())
    anchored = [r for r in rows if r.reason == "new" and r.seq == 0 and any(
        o.contact_id == r.contact_id and o.seq == 1 for o in rows)]
    assert anchored  # new contacts whose first call anchors their recurrences: never moved
    for row in anchored:
        for target in (row.window_start, row.window_end):
            found = sql.mover(row.date, target, ())
            assert found is None or found.contact_id != row.contact_id
    for day, (lo, hi) in list(spans.items())[:25]:
        for target in (lo, day, hi):
            assert sql.mover(day, target, skip) == memory.mover(day, target, skip)
    assert sorted(sql.windows(TODAY)) == sorted(_merged(memory.windows(TODAY)))
    for row in [r for r in rows if r.contact_id not in excluded][::5]:
        for day in (row.date, row.date + DAY):
            assert sql.busy(row.contact_id, day) == memory.busy(row.contact_id, day)


def _merged(windows):
    counts: dict = {}
    for start, end, n in windows:
        counts[(start, end)] = counts.get((start, end), 0) + n
    return [(start, end, n) for (start, end), n in counts.items()]
