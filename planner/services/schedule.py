"""Moving one contact's next call by hand: snooze, pin, unpin, skip a cycle.

A pin is a PlannedCall row with `pinned=True`: the solver never moves it and the contact's
cadence recurrences follow on from it. Each change and the re-plan it causes are one
transaction. The day is always a working day: a pin or snooze onto a weekend, holiday or
blocked day goes to the next working day (callers compare and say so).
"""

from __future__ import annotations

import datetime as dt
import re

from planner.core import dates
from planner.core.errors import BadInput
from planner.core.textsafe import clean_line
from planner.core.vocabulary import NEXT_CALL_REASONS, PlanReason
from planner.scheduling.inputs import contact_calendar
from planner.scheduling.plan_views import PlannedCallView, next_call
from planner.scheduling.service import replan
from planner.store.database import retried
from planner.store.journal import journaled
from planner.store.models import Contact, PlannedCall, get_contact
from planner.store.plan_rows import insert_pinned


def _contact(contact_id: int) -> Contact:
    contact = get_contact(contact_id)
    if contact.archived_at is not None:
        raise BadInput(f"{clean_line(contact.name)} is archived: unarchive them before planning a call")
    return contact


def _pin_to(contact_id: int, day: dt.date, note: str = "", verb: str = "Pinned",
            at_time: str | None = None) -> PlannedCallView:
    """`at_time` "HH:MM" puts the call at that time of day in the contact's zone, "" at any time
    that day; None keeps the time a pinned call already has (a snooze moves the day only)."""
    contact = _contact(contact_id)
    today = dates.today()
    if day < today:
        raise BadInput(f"date {day.isoformat()} is in the past (today is {today.isoformat()})")
    day = contact_calendar(contact_id).next_working_day(day)  # a day its owner works
    with journaled(f"{verb} the call with {contact.name} to {day.isoformat()}"):
        pins = list(PlannedCall.select().where(PlannedCall.contact == contact,
                                               PlannedCall.pinned == True,
                                               PlannedCall.reason.in_(NEXT_CALL_REASONS))
                    .order_by(PlannedCall.date))
        if pins:
            row = pins[0]
            row.date = row.ideal = row.window_start = row.window_end = day
            row.note = note or row.note
            if at_time is not None:
                row.at_time = at_time
            row.save()
        else:
            PlannedCall.delete().where(PlannedCall.contact == contact, PlannedCall.pinned == False,
                                       PlannedCall.seq == 0).execute()
            insert_pinned(contact_id, day, PlanReason.PINNED, note, at_time=at_time or "")
        replan([contact_id])
    view = next_call(contact_id)
    assert view is not None
    return view


@retried
def snooze(contact_id: int, to: dt.date) -> PlannedCallView:
    """Move the contact's next call to `to` (or the next working day after it) and pin it there."""
    return _pin_to(contact_id, to, verb="Snoozed")


@retried
def pin(contact_id: int, day: dt.date, at_time: str = "") -> PlannedCallView:
    """'Call them on Friday' (at 14:30): the next call goes on `day` (next working day if it is
    not one), at `at_time` in the contact's zone when given."""
    return _pin_to(contact_id, day, at_time=check_time(at_time))


def check_time(text: str) -> str:
    """"HH:MM" (24-hour) as stored, "" for none; anything else is one clear line."""
    text = (text or "").strip()
    if not text:
        return ""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise BadInput(f"time {clean_line(text)!r}: use HH:MM, e.g. 14:30")
    return f"{int(match[1]):02d}:{match[2]}"


@retried
def unpin(contact_id: int) -> PlannedCallView | None:
    """Hand the contact's next call back to the planner; returns where it lands now."""
    contact = _contact(contact_id)
    with journaled(f"Unpinned the call with {contact.name}"):
        removed = (PlannedCall.delete()
                   .where(PlannedCall.contact == contact, PlannedCall.pinned == True,
                          PlannedCall.reason.in_(NEXT_CALL_REASONS))
                   .execute())
        if not removed:
            raise BadInput(f"{clean_line(contact.name)} has no pinned call")
        replan([contact_id])
    return next_call(contact_id)


@retried
def skip_cycle(contact_id: int) -> PlannedCallView:
    """Skip this cycle: the next call moves one cadence on from its ideal day, and is pinned there."""
    from planner.services.contacts import get_view

    _contact(contact_id)
    view = get_view(contact_id)
    if view.cadence_days is None:
        raise BadInput(f"{clean_line(view.name)} has no cadence: there is no cycle to skip")
    current = next_call(contact_id)
    base = max(current.ideal, dates.today()) if current else dates.today()
    return _pin_to(contact_id, base + dt.timedelta(days=view.cadence_days), note="skipped a cycle",
                   verb="Skipped a cycle: moved")
