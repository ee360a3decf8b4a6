"""Reading the stored plan for the agenda, the week grid and `followup plan`: plain dataclasses,
never Peewee rows, and user text (names) passed through as stored (callers neutralise on display)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from planner.core import dates
from planner.core.vocabulary import PlanReason
from planner.core.workdays import WorkCalendar
from planner.scheduling.inputs import load_calendar
from planner.scheduling.stats import PlanStats, compute_stats
from planner.store.dialect import name_order
from planner.store.models import Block, Contact, PlannedCall
from planner.store.queries import tuples


@dataclass(frozen=True)
class PlannedCallView:
    id: int
    contact_id: int
    contact_name: str
    date: dt.date
    ideal: dt.date
    window_start: dt.date
    window_end: dt.date
    reason: str
    pinned: bool
    seq: int
    favor_id: int | None = None
    note: str = ""

    def to_json(self) -> dict:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, dt.date):
                data[key] = value.isoformat()
        return data


@dataclass(frozen=True)
class DayLoad:
    date: dt.date
    load: int
    working: bool
    why_not: str  # "weekend", "holiday: NAME", "blocked: NOTE" or "" on working days


@dataclass(frozen=True)
class PlanSummary:
    days: list[DayLoad]
    stats: PlanStats


def _view(row: PlannedCall, name: str) -> PlannedCallView:
    return PlannedCallView(row.id, row.contact_id, name, row.date, row.ideal, row.window_start,
                           row.window_end, row.reason, bool(row.pinned), row.seq, row.favor, row.note or "")


def planned_calls(start: dt.date, end: dt.date) -> list[PlannedCallView]:
    """Every stored call (pinned ones and thank-you tasks included) dated start..end, by date."""
    query = (PlannedCall.select(PlannedCall, Contact.id, Contact.name).join(Contact)
             .where(PlannedCall.date.between(start, end))
             .order_by(PlannedCall.date, name_order(Contact.name), PlannedCall.seq))
    return [_view(row, row.contact.name) for row in query]


def next_call(contact_id: int) -> PlannedCallView | None:
    """The contact's next call (thank-you tasks are extra tasks, not the next call)."""
    row = (PlannedCall.select(PlannedCall, Contact.id, Contact.name).join(Contact)
           .where(PlannedCall.contact == contact_id, PlannedCall.reason != PlanReason.THANK_YOU)
           .order_by(PlannedCall.date, PlannedCall.seq).first())
    return _view(row, row.contact.name) if row else None


def why_not_working(cal: WorkCalendar, day: dt.date, notes: dict[tuple[dt.date, dt.date], str]) -> str:
    if day.weekday() not in cal.weekdays:
        return "weekend"
    if cal.is_holiday(day):
        from planner.core.workdays import holiday_name

        return f"holiday: {holiday_name(cal, day)}"
    for (start, end), note in notes.items():
        if start <= day <= end:
            return f"blocked: {note}" if note else "blocked"
    return ""


def plan_summary(start: dt.date | None = None, days: int = 42) -> PlanSummary:
    """Calls per day from `start` (default today) for `days` days, and the figures of the plan."""
    from planner.scheduling.stored_plan import stored_rows

    cal = load_calendar()
    today = dates.today()
    start = start or today
    end = start + dt.timedelta(days=days - 1)
    counts: dict[dt.date, int] = {}
    for (value,) in tuples(PlannedCall.select(PlannedCall.date).where(PlannedCall.date.between(start, end))):
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        counts[day] = counts.get(day, 0) + 1
    notes = {(b.start, b.end): b.note for b in Block.select()}
    loads = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        why = why_not_working(cal, day, notes)
        loads.append(DayLoad(day, counts.get(day, 0), not why, why))
    return PlanSummary(loads, compute_stats(stored_rows(), cal, today))
