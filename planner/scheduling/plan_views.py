"""Reading the stored plan for the agenda, the week grid and `followup plan`: plain dataclasses,
never Peewee rows, and user text (names) passed through as stored (callers neutralise on display)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from peewee import fn

from planner.core import dates
from planner.core.vocabulary import PlanReason
from planner.core.workdays import WorkCalendar
from planner.scheduling.inputs import load_calendar
from planner.scheduling.stats import PlanStats, grouped_stats
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


_VIEW_COLUMNS = (PlannedCall.id, PlannedCall.contact, Contact.name, PlannedCall.date, PlannedCall.ideal,
                 PlannedCall.window_start, PlannedCall.window_end, PlannedCall.reason, PlannedCall.pinned,
                 PlannedCall.seq, PlannedCall.favor, PlannedCall.note)


def _views(query) -> list[PlannedCallView]:
    """The rows of a select of `_VIEW_COLUMNS` as views: raw tuples, days converted here (a Peewee
    model, or even its per-field conversion, per row cost seconds at 100k contacts)."""
    from planner.store.dialect import as_date

    return [PlannedCallView(rid, cid, name, as_date(day), as_date(ideal), as_date(start), as_date(end), reason,
                            bool(pinned), seq, favor, note or "")
            for rid, cid, name, day, ideal, start, end, reason, pinned, seq, favor, note
            in query.coerce(False).tuples()]


def planned_calls(start: dt.date, end: dt.date) -> list[PlannedCallView]:
    """Every stored call (pinned ones and thank-you tasks included) dated start..end, by date."""
    query = (PlannedCall.select(*_VIEW_COLUMNS).join(Contact)
             .where(PlannedCall.date.between(start, end))
             .order_by(PlannedCall.date, name_order(Contact.name), PlannedCall.seq))
    return _views(query)


def late_calls(start: dt.date, end: dt.date) -> list[PlannedCallView]:
    """The calls dated start..end (pinned ones included) that fall after their window ends, by
    date: chosen in SQL, since nearly every call of a large plan is on time."""
    query = (PlannedCall.select(*_VIEW_COLUMNS).join(Contact)
             .where(PlannedCall.date.between(start, end), PlannedCall.date > PlannedCall.window_end)
             .order_by(PlannedCall.date, name_order(Contact.name), PlannedCall.seq))
    return _views(query)


def next_call(contact_id: int) -> PlannedCallView | None:
    """The contact's next call (thank-you tasks are extra tasks, not the next call)."""
    query = (PlannedCall.select(*_VIEW_COLUMNS).join(Contact)
             .where(PlannedCall.contact == contact_id, PlannedCall.reason != PlanReason.THANK_YOU)
             .order_by(PlannedCall.date, PlannedCall.seq).limit(1))
    views = _views(query)
    return views[0] if views else None


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
    """Calls per day from `start` (default today) for `days` days, and the figures of the plan.

    The plan is read grouped (day, ideal day, window, reason, pinned: what the figures need), so
    100k calls come back as a few hundred rows with their counts."""
    from planner.scheduling.engine import PlanRow
    from planner.store.dialect import as_date

    cal = load_calendar()
    today = dates.today()
    start = start or today
    end = start + dt.timedelta(days=days - 1)
    shape = (PlannedCall.date, PlannedCall.ideal, PlannedCall.window_start, PlannedCall.window_end,
             PlannedCall.reason, PlannedCall.pinned)
    grouped = PlannedCall.select(*shape, fn.COUNT(PlannedCall.id)).group_by(*shape)
    rows: list[PlanRow] = []
    counts: list[int] = []
    per_day: dict[dt.date, int] = {}
    for day, ideal, window_start, window_end, reason, pinned, n in tuples(grouped.coerce(False)):
        row = PlanRow(0, as_date(day), as_date(ideal), as_date(window_start), as_date(window_end), reason,
                      bool(pinned))
        rows.append(row)
        counts.append(n)
        if start <= row.date <= end:
            per_day[row.date] = per_day.get(row.date, 0) + n
    notes = {(b.start, b.end): b.note for b in Block.select()}
    loads = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        why = why_not_working(cal, day, notes)
        loads.append(DayLoad(day, per_day.get(day, 0), not why, why))
    return PlanSummary(loads, grouped_stats(rows, counts, cal, today))
