"""Touch points: the pinned calls that stand for the pending steps of follow-up sequences.

A sequence run (table SequenceRun) copies its steps (SequenceStep) when it starts; this module
keeps one pinned PlannedCall row (reason PlanReason.SEQUENCE, the step's purpose as its note) for
every step still to do, so the agenda shows it, the planner counts it in the day's load and
clears the cadence check-ins near it (windows.TOUCH_POINT_CLEARANCE).

Whether a step is done is never stored: any attempt (a call, email, meeting or message, reached
or not) logged on or after its day satisfies it, as it satisfies a pinned call. So logging,
editing or deleting history, blocking days or changing working days all come out right by
syncing again, which the planner service does inside the transaction of every re-plan.

Where a step falls: its day is the event day plus its offset; on a weekend, holiday or blocked
day it moves to the nearest working day before it for steps before the event ("good luck for
tomorrow" must not come after the start), after it otherwise. Steps due before the run started
(a placement recorded late) are never planned.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from peewee import fn

from planner.core.vocabulary import PlanReason
from planner.core.workdays import WorkCalendar
from planner.core.zones import aware, stored_moment
from planner.store.dialect import as_date
from planner.store.models import Contact, Interaction, PlannedCall, SequenceRun, SequenceStep
from planner.store.plan_rows import insert_pinned
from planner.store.queries import attempt_condition, chunked, tuples

DAY = dt.timedelta(days=1)
_SEARCH_LIMIT = 400  # days to look for a working day before giving up on that direction


def step_day(cal: WorkCalendar, due: dt.date, *, before_event: bool) -> dt.date:
    """The working day a step due on `due` goes on (see the module docstring)."""
    if cal.is_working_day(due):
        return due
    if before_event:
        day = due - DAY
        for _ in range(_SEARCH_LIMIT):
            if cal.is_working_day(day):
                return day
            day -= DAY
    return cal.next_working_day(due)


def step_place(cal: WorkCalendar, step: SequenceStep) -> tuple[dt.date, dt.date]:
    """(the working day a step goes on, the first day a log satisfies it). A step snoozed to
    another day goes on the first working day from there, and only a log from that day on
    satisfies it: the attempt that made someone snooze it does not."""
    if step.moved_to is not None:
        day = cal.next_working_day(as_date(step.moved_to))
        return day, day
    day = step_day(cal, step.due, before_event=is_before_event(step.offset))
    return day, min(day, step.due)


def is_before_event(offset: str) -> bool:
    return offset.strip().startswith("-")


# More contacts than this (an import of thousands): read everyone's sequence rows, a few, and keep
# the given contacts' in Python, instead of sending their ids in chunked IN lists
SCOPE_IN_SQL = 1000


def newest_attempt_days(contact_ids: list[int]) -> dict[int, dt.date]:
    """The local day (in the zone it was logged in) of each contact's newest attempt."""
    result: dict[int, dt.date] = {}
    for chunk in chunked(contact_ids):
        # the row holding each contact's newest moment, joined back for its zone (SQLite would take
        # a bare `tz` beside MAX from that row; PostgreSQL takes no bare column)
        newest = (Interaction.select(Interaction.contact.alias("cid"), fn.MAX(Interaction.happened_at).alias("moment"))
                  .where(attempt_condition(), Interaction.contact.in_(list(chunk)))
                  .group_by(Interaction.contact).alias("newest"))
        query = (Interaction.select(Interaction.contact, Interaction.happened_at, Interaction.tz)
                 .join(newest, on=((Interaction.contact == newest.c.cid)
                                   & (Interaction.happened_at == newest.c.moment)))
                 .where(attempt_condition()))
        for cid, moment, tz in tuples(query):
            result[cid] = aware(stored_moment(moment), tz or "").date()
    return result


def pending_steps(cal: WorkCalendar, contact_ids: list[int] | None = None) -> dict[int, tuple[int, dt.date, str]]:
    """step id -> (contact, working day, agenda note) of every step still to do of the running
    sequences of active contacts (the given ones, or everyone)."""
    query = (SequenceStep.select(SequenceStep, SequenceRun).join(SequenceRun).join(Contact)
             .where(SequenceRun.stopped_on.is_null(), Contact.archived_at.is_null()))
    if contact_ids is None:
        steps = list(query)
    elif len(contact_ids) > SCOPE_IN_SQL:
        scope = set(contact_ids)
        steps = [step for step in query if step.run.contact_id in scope]
    else:
        steps = [step for chunk in chunked(contact_ids) for step in query.where(SequenceRun.contact.in_(list(chunk)))]
    newest = newest_attempt_days(sorted({step.run.contact_id for step in steps}))
    result = {}
    for step in steps:
        run = step.run
        if step.due < run.started_on:
            continue
        day, satisfied_from = step_place(cal, step)
        if day < run.started_on:
            day = cal.next_working_day(run.started_on)
        last = newest.get(run.contact_id)
        if last is not None and last >= satisfied_from:
            continue  # satisfied by a log on or after its day
        result[step.id] = (run.contact_id, day, step_note(step.label, step.purpose))
    return result


def step_note(label: str, purpose: str) -> str:
    return f"{label}: {purpose}" if purpose else label


def sync_touch_points(cal: WorkCalendar, contact_ids: list[int] | None = None) -> None:
    """Make the pinned touch-point rows of the given contacts (everyone when None) match their
    pending steps, touching only rows that change. Runs inside the caller's write transaction."""
    existing_query = PlannedCall.select().where(PlannedCall.reason == PlanReason.SEQUENCE)
    if contact_ids is None:
        existing = {row.id: row for row in existing_query}
    elif len(contact_ids) > SCOPE_IN_SQL:
        scope = set(contact_ids)
        existing = {row.id: row for row in existing_query if row.contact_id in scope}
    else:
        existing = {row.id: row for chunk in chunked(contact_ids)
                    for row in existing_query.where(PlannedCall.contact.in_(list(chunk)))}
    wanted = pending_steps(cal, contact_ids)
    if not wanted and not existing:
        return
    links = {step_id: row_id for chunk in chunked(list(wanted)) for step_id, row_id in
             tuples(SequenceStep.select(SequenceStep.id, SequenceStep.planned_call)
                    .where(SequenceStep.id.in_(list(chunk))))}
    used: set[int] = set()
    relinks: dict[int, list[int]] = defaultdict(list)
    for step_id, (contact_id, day, note) in wanted.items():
        row = existing.get(links.get(step_id) or -1)
        if row is not None and row.contact_id == contact_id and row.id not in used:
            used.add(row.id)
            if (as_date(row.date), row.note) != (day, note):
                row.date = row.ideal = row.window_start = row.window_end = day
                row.note = note
                row.save()
            continue
        row = insert_pinned(contact_id, day, PlanReason.SEQUENCE, note)
        used.add(row.id)
        relinks[row.id].append(step_id)
    for row_id, step_ids in relinks.items():
        SequenceStep.update(planned_call=row_id).where(SequenceStep.id.in_(step_ids)).execute()
    gone = [row_id for row_id in existing if row_id not in used]
    for chunk in chunked(gone):
        PlannedCall.delete().where(PlannedCall.id.in_(list(chunk))).execute()
        SequenceStep.update(planned_call=None).where(SequenceStep.planned_call.in_(list(chunk))).execute()


def steps_of_rows(planned_call_ids: list[int]) -> dict[int, int]:
    """planned call id -> the id of the sequence step it stands for."""
    result: dict[int, int] = {}
    for chunk in chunked(planned_call_ids):
        result.update({row_id: step_id for step_id, row_id in
                       tuples(SequenceStep.select(SequenceStep.id, SequenceStep.planned_call)
                              .where(SequenceStep.planned_call.in_(list(chunk))))})
    return result
