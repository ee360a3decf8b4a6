"""What `followup check` verifies about the stored plan: every unpinned call from today on is
inside its window (unless a daily cap may push it late) and on a working day, and when nothing is
late the busiest day carries no more calls than the lower bound says it must. A plan breaking
the first two was not made by this planner (or the calendar changed under it): re-planning fixes
it. The third holds after a full re-plan, but an edit re-plans only the contacts it touches and
may leave the busiest day one above the bound (a received favour's thank-you pinned on a day
that already had a call): that is a note, not damage."""

from __future__ import annotations

from planner.core import dates
from planner.core.workdays import WorkCalendar
from planner.scheduling.engine import PlanRow
from planner.scheduling.inputs import load_calendar
from planner.scheduling.owners import member_of, owner_keys
from planner.scheduling.stats import compute_stats
from planner.scheduling.stored_plan import plan_row, raw_rows, stored_rows

MAX_LISTED = 20


def plan_problems() -> tuple[list[str], list[str]]:
    """(problems, notes), each owner's calls checked on that owner's calendar (`owners.py`)."""
    keys = owner_keys()
    if len(keys) <= 1:
        return _problems(load_calendar(member_of(keys[0]) if keys else None), stored_rows())
    problems: list[str] = []
    notes: list[str] = []
    for owner in keys:
        found, said = _problems(load_calendar(member_of(owner)), [plan_row(t) for t in raw_rows(None, owner)])
        problems += found
        notes += said
    return problems, notes


def _problems(cal: WorkCalendar, rows: list[PlanRow]) -> tuple[list[str], list[str]]:
    today = dates.today()
    problems: list[str] = []
    for row in rows:
        if row.pinned or row.date < today:  # a pin is the user's day; past rows wait for the next re-plan
            continue
        if row.date < row.window_start or (cal.capacity is None and row.date > row.window_end):
            problems.append(f"plan: contact {row.contact_id}'s call on {row.date} is outside its window "
                            f"{row.window_start}..{row.window_end}")
        elif not cal.is_working_day(row.date):
            problems.append(f"plan: contact {row.contact_id}'s call on {row.date} is not on a working day")
    if len(problems) > MAX_LISTED:
        problems = problems[:MAX_LISTED] + [f"plan: {len(problems) - MAX_LISTED} more calls like these"]
    notes: list[str] = []
    stats = compute_stats(rows, cal, today)
    if stats.late == 0 and stats.peak > stats.lower_bound:
        notes.append(f"plan: the busiest day has {stats.peak} calls where {stats.lower_bound} would do "
                     "('followup plan' evens it out)")
    return problems, notes
