"""Demands: which calls each contact needs, and the window of days each may go on.

Pure functions over plain values (no database), so the service, the benchmark and the property
tests build exactly the same demands. Rules (issue 3):
- cadence calls: ideal = last contact + cadence, window = ideal +/- tolerance, never before today;
- new contacts (never reached): the first call anywhere in [today, today + cadence);
- overdue contacts: ideal today, window over the catch-up span (working days, at most the cadence);
- a pinned next call (snooze, pin, follow-up, retry) replaces the first call; recurrences follow on;
- recurrences every cadence after the previous ideal day while the ideal is inside the horizon;
- a call already planned for today stays there for the rest of the day while it is still due;
- once the day's list is set (`today_fixed`, see `worklist.py`), no other call's window holds today:
  today carries its list as a fixed load and nothing joins it but what the user pins there;
- one contact's windows never share a working day, so nobody is called twice on one day;
- a touch point (a follow-up sequence's pinned step) replaces the cadence calls whose ideal day
  is within TOUCH_POINT_CLEARANCE days of it; the others' windows stop short of that span.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from planner.core.cadence import MAX_DAYS, MIN_DAYS
from planner.core.vocabulary import PlanReason
from planner.core.workdays import WorkCalendar

_NEW = PlanReason.NEW  # read per demand: a module global is cheaper than the enum's attribute lookup
_CATCH_UP = PlanReason.CATCH_UP
_CADENCE = PlanReason.CADENCE

DAY = dt.timedelta(days=1)
TOUCH_POINT_CLEARANCE = 5  # days either side of a sequence step without a cadence check-in


@dataclass(frozen=True)
class PlanSettings:
    """The settings the plan depends on, as plain values."""

    today: dt.date
    horizon_days: int = 90
    tolerance: float = 0.15
    catchup: int = 10
    today_fixed: bool = False  # today's list is set: only calls of contacts on it may go on today

    @property
    def open_from(self) -> dt.date:
        """The first day a call that is not on today's list may go on."""
        return self.today + DAY if self.today_fixed else self.today

    @property
    def horizon_end(self) -> dt.date:
        return self.today + dt.timedelta(days=self.horizon_days)


@dataclass(slots=True)
class ContactPlanInput:
    """What the planner needs to know about one contact (slots: one per contact in a re-plan).
    Never changed once made (`dataclasses.replace` makes a changed copy), but not frozen: a
    frozen dataclass sets each field through object.__setattr__, four times the cost of making
    one, and a full re-plan makes one per contact (100k)."""

    contact_id: int
    cadence: int | None  # effective cadence in days; None: not planned
    active: bool = True
    last_contact: dt.date | None = None
    pinned_next: tuple[dt.date, ...] = ()  # dates of pinned next-call rows (pinned/follow-up/retry)
    today_row: tuple[dt.date, str] | None = None  # (ideal, reason) of an unpinned first call stored for today
    new_anchor: dt.date | None = None  # where the stored first call of a new contact sits
    touch_points: tuple[dt.date, ...] = ()  # days of pinned sequence steps: no check-in near them
    on_today_list: bool = False  # on today's list (`worklist.py`): its call may come back to today (a log undone)


@dataclass(slots=True)
class Demand:
    """One call the solver must place on a working day in [window_start, window_end]."""

    contact_id: int
    seq: int
    ideal: dt.date
    window_start: dt.date
    window_end: dt.date
    reason: str
    tol: int
    frozen: bool = False  # planned for today and still due: the solver sees today alone
    prev: dt.date | None = None  # the day it was planned on before (for stability)
    chained: bool = False  # a new contact's first call with recurrences following on from it


@lru_cache(maxsize=4096)
def tolerance_days(cadence: int, fraction: float) -> int:
    """max(1, round(fraction * cadence)), but never so wide that two consecutive calls' windows
    overlap (a contact is never called twice on one day): at most (cadence - 1) // 2, so daily
    and two-day cadences have no slack at all."""
    return min(max(1, round(fraction * cadence)), max(0, (cadence - 1) // 2))


def clip_window(cal: WorkCalendar, start: dt.date, end: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """Never before today, and always at least one working day: an empty window (a vacation
    covering it) stretches to the next working day after it."""
    start = max(start, today)
    first = cal._next.get(start) or cal.next_working_day(start)  # memo hit without the call
    if first > end:
        return start, first
    return start, end


def contact_demands(info: ContactPlanInput, cal: WorkCalendar, ps: PlanSettings) -> list[Demand]:
    """The unpinned calls one contact needs (pinned rows are not demands: nobody moves them)."""
    if not info.active or info.cadence is None:
        return []
    # Every way in checks the cadence (parse_cadence), but a database written before that may
    # hold 0 or 100000: held to the range here, the loop below always steps forward and its
    # windows stay inside the calendar.
    cad, today = min(max(info.cadence, MIN_DAYS), MAX_DAYS), ps.today
    first_day = today if info.on_today_list else ps.open_from  # a call not on today's list starts no earlier
    tol = tolerance_days(cad, ps.tolerance)
    demands: list[Demand] = []
    if info.pinned_next:
        base = max(max(info.pinned_next), today)
    elif info.last_contact is None:
        start, end = clip_window(cal, today, today + (cad - 1) * DAY, today)
        if info.today_row is None:
            start, end = clip_window(cal, start, end, first_day)
        anchor = info.new_anchor if info.new_anchor and start <= info.new_anchor <= end else None
        if info.today_row is not None:
            anchor = today
        base = anchor or today + ((cad - 1) // 2) * DAY
        demands.append(Demand(info.contact_id, 0, base, start, end, _NEW, tol))
    else:
        ideal = info.last_contact + cad * DAY
        if ideal < today:
            # the catch-up span: never longer than the cadence, nor reaching the next call's window
            span_end = min(cal.add_working_days(today, ps.catchup - 1), today + (cad - tol - 1) * DAY)
            start, end = clip_window(cal, today, span_end, today if info.today_row is not None else first_day)
            demands.append(Demand(info.contact_id, 0, today, start, end, _CATCH_UP, tol))
            base = today
        else:
            start, end = clip_window(cal, ideal - tol * DAY, ideal + tol * DAY, today)
            if info.today_row is None or start != today:
                start, end = clip_window(cal, start, end, first_day)
            demands.append(Demand(info.contact_id, 0, ideal, start, end, _CADENCE, tol))
            base = ideal
    if demands and info.today_row is not None and demands[0].window_start == today:
        # already planned for today and still due today: it stays for the rest of the day
        demands[0].frozen, demands[0].prev = True, today
    seq = 1  # seq 0 is the first call: a pinned row or the demand above
    step, slack = cad * DAY, tol * DAY
    ideal = base + step
    horizon_end = today + dt.timedelta(days=ps.horizon_days)
    while ideal <= horizon_end:
        start, end = clip_window(cal, ideal - slack, ideal + slack, first_day)
        if demands and start <= demands[-1].window_end and cal.next_working_day(start) <= demands[-1].window_end:
            # the previous call's window reaches into this one (a daily cadence over a weekend,
            # a first call pushed past a vacation): start after it, or skip a cycle whose days
            # are all taken, so nobody is called twice on one day
            start = demands[-1].window_end + DAY
            if cal.next_working_day(start) > end:
                ideal += step
                continue
        demands.append(Demand(info.contact_id, seq, ideal, start, end, _CADENCE, tol))
        seq += 1
        ideal += step
    if seq > 1 and demands and demands[0].reason == _NEW:
        demands[0].chained = True
    if info.touch_points:
        demands = _clear_touch_points(demands, info.touch_points, cal)
    return demands


def _clear_touch_points(demands: list[Demand], touches: tuple[dt.date, ...], cal: WorkCalendar) -> list[Demand]:
    """Drop the calls a touch point replaces (ideal day within the clearance of one) and pull the
    other windows out of the clearance spans, dropping a call left without a working day. Seqs are
    kept, so the calls that stay keep their identity (and their place in exported calendars)."""
    gap = TOUCH_POINT_CLEARANCE * DAY
    kept = []
    for demand in demands:
        if any(abs((demand.ideal - touch).days) <= TOUCH_POINT_CLEARANCE for touch in touches):
            continue
        start, end = demand.window_start, demand.window_end
        for touch in touches:
            if touch - gap <= end and start <= touch + gap:
                if demand.ideal < touch:
                    end = min(end, touch - gap - DAY)
                else:
                    start = max(start, touch + gap + DAY)
        if start > end or not cal.working_days(start, end):
            continue
        if demand.frozen and start != demand.window_start:
            continue
        demand.window_start, demand.window_end = start, end
        kept.append(demand)
    return kept
