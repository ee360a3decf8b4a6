"""Touch points in the planner (no database): a sequence step replaces the cadence calls whose
ideal day is within five days of it, pulls the other windows out of that span, and the full plan
and the one-contact placement both keep every call clear of it."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.core.workdays import WorkCalendar
from planner.scheduling.engine import plan_contacts
from planner.scheduling.incremental import place_incremental
from planner.scheduling.touch_points import step_day
from planner.scheduling.windows import TOUCH_POINT_CLEARANCE, ContactPlanInput, PlanSettings, contact_demands

TODAY = dt.date(2026, 11, 25)  # a Wednesday
CAL = WorkCalendar()
PS = PlanSettings(TODAY, horizon_days=180)


def test_a_step_replaces_the_check_in_near_it_and_narrows_the_next():
    monthly = ContactPlanInput(1, 30, True, TODAY - dt.timedelta(days=10))  # ideal 2026-12-15, then every 30 days
    plain = contact_demands(monthly, CAL, PS)
    assert plain[0].ideal == dt.date(2026, 12, 15)
    step = dt.date(2026, 12, 18)  # 3 days after the first ideal day; 27 before the second
    demands = contact_demands(ContactPlanInput(1, 30, True, monthly.last_contact, touch_points=(step,)), CAL, PS)
    assert [d.seq for d in demands] == [d.seq for d in plain][1:]  # the first is gone; seqs are kept
    for demand in demands:
        assert demand.window_start > step + dt.timedelta(days=TOUCH_POINT_CLEARANCE) \
            or demand.window_end < step - dt.timedelta(days=TOUCH_POINT_CLEARANCE)


def test_step_days_move_before_the_event_backwards_and_after_it_forwards():
    blocked = WorkCalendar(blocks=((dt.date(2027, 1, 7), dt.date(2027, 1, 7)),))
    sunday = dt.date(2026, 12, 6)
    assert step_day(blocked, sunday, before_event=True) == dt.date(2026, 12, 4)
    assert step_day(blocked, sunday, before_event=False) == dt.date(2026, 12, 7)
    assert step_day(blocked, dt.date(2027, 1, 7), before_event=False) == dt.date(2027, 1, 8)
    assert step_day(blocked, dt.date(2027, 1, 7), before_event=True) == dt.date(2027, 1, 6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([7, 14, 30, 61, 91]), st.integers(0, 120),
                          st.lists(st.integers(0, 170), max_size=3)), min_size=1, max_size=12))
def test_no_planned_call_is_within_the_clearance_of_its_contacts_steps(cases):
    infos = []
    for cid, (cadence, since, offsets) in enumerate(cases, start=1):
        touches = tuple(sorted({CAL.next_working_day(TODAY + dt.timedelta(days=o)) for o in offsets}))
        infos.append(ContactPlanInput(cid, cadence, True, TODAY - dt.timedelta(days=since), touch_points=touches))
    touches_of = {info.contact_id: info.touch_points for info in infos}
    rows = plan_contacts(infos, [], CAL, PS)
    placed = place_incremental(infos, {}, CAL, PS)
    for row in rows + (placed.rows if placed else []):
        assert all(abs((row.date - touch).days) > TOUCH_POINT_CLEARANCE for touch in touches_of[row.contact_id]), row
