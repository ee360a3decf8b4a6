"""Today's list of calls: the day is a worklist that only shrinks as the user works through it.

The first plan of a day sets the list: every call it puts on today. After that no re-plan puts a
call on today (a favour, a thank-you, a block, a new contact, `followup plan`, another session's
edit: the planner sees `PlanSettings.today_fixed`), and none it kept there leaves. Only the
user's own action on a contact puts its call on today (a pin, a snooze, a log's `--next today`):
such a pinned row joins the list at the plan that follows it. The list lives in the database so
a second session, another process and a restart agree on it; the next day's first plan starts a
new one.

The list keeps a call after it is made, so the agenda can show it done (see `services/agenda.py`).
Every function here runs inside the caller's write transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from peewee import fn

from planner.core.vocabulary import PlanReason
from planner.store.models import PlannedCall, Worklist, WorklistCall
from planner.store.queries import chunked, tuples

DAY = dt.timedelta(days=1)


def is_set(day: dt.date) -> bool:
    """Whether the day's list was set (by the day's first plan)."""
    return Worklist.select().where(Worklist.day == day).exists()


def record(day: dt.date) -> bool:
    """After a plan is written: set the day's list if this was its first plan, and add every call
    now on the day that is not on it yet (the user pinned it there). Returns True when the list
    was set just now."""
    first = not is_set(day)
    if first and not PlannedCall.select().exists():
        return False  # nothing planned yet (an empty database): the first real plan sets it
    if first:
        Worklist.insert(day=day).execute()
        # the plan just written was free to use today; from now on today is a fixed load, so the
        # other calls' windows start after it (the figures are then worked out on that basis)
        (PlannedCall.update(window_start=day + DAY)
         .where(PlannedCall.pinned == False, PlannedCall.date > day,
                PlannedCall.window_start <= day)
         .execute())
    # only the day's calls whose contact is not on the list yet (rarely any): the list and the
    # day's calls run to thousands at 100k contacts, read on every edit
    on_list = WorklistCall.select().where(WorklistCall.day == day, WorklistCall.contact == PlannedCall.contact)
    rows = (PlannedCall.select(PlannedCall.contact, PlannedCall.reason)
            .where(PlannedCall.date == day, PlannedCall.reason != PlanReason.THANK_YOU, ~fn.EXISTS(on_list))
            .order_by(PlannedCall.contact, PlannedCall.seq))
    joining: dict[int, str] = {}
    for cid, reason in tuples(rows):
        joining.setdefault(cid, reason)
    if joining:
        WorklistCall.insert_many([{"day": day, "contact": cid, "reason": reason} for cid, reason in joining.items()]
                                 ).execute()
    return first


def listed(day: dt.date, contact_ids: Sequence[int] | None = None) -> dict[int, str]:
    """Who is on the day's list (of the given contacts, or everyone): contact id -> the reason
    their call had when it joined."""
    query = (WorklistCall.select(WorklistCall.contact, WorklistCall.reason)
             .where(WorklistCall.day == day).order_by(WorklistCall.id))
    if contact_ids is None:
        return dict(tuples(query))
    return {cid: reason for chunk in chunked(contact_ids)
            for cid, reason in tuples(query.where(WorklistCall.contact.in_(list(chunk))))}
