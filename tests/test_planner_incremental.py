"""Re-planning one contact after an edit (no database): the others stay put while there is room,
a shortest chain of them moves inside their windows when there is not, and the peak rises only
when no plan could hold it."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from planner.core.workdays import WorkCalendar
from planner.scheduling.engine import PlanRow
from planner.scheduling.incremental import place_incremental
from planner.scheduling.reroute import CallsInMemory
from planner.scheduling.windows import ContactPlanInput, PlanSettings

TODAY = dt.date(2026, 11, 25)  # a Wednesday
MON, TUE, WED, THU, FRI = (dt.date(2026, 11, 30) + dt.timedelta(days=i) for i in range(5))
CAL = WorkCalendar()
PS = PlanSettings(TODAY, horizon_days=5)  # no recurrences: one call per contact
WEEKLY_DUE_WED = ContactPlanInput(99, 7, True, WED - dt.timedelta(days=7))  # window Tue..Thu (+/- 1 day)


def call(cid: int, day: dt.date, start: dt.date, end: dt.date, reason: str = "cadence", ideal=None) -> PlanRow:
    return PlanRow(cid, day, ideal or day, start, end, reason, False, 0, id=cid)


def stored(rows: list[PlanRow], anchored: frozenset[int] = frozenset()) -> CallsInMemory:
    """The other calls; `anchored`: contacts whose first call has recurrences chained to it."""
    return CallsInMemory(rows, anchored)


def place(rows: list[PlanRow], info=WEEKLY_DUE_WED, cal=CAL, anchored=frozenset()):
    loads = Counter(r.date for r in rows)
    return place_incremental([info], loads, cal, PS, stored(rows, anchored))


def test_a_call_with_room_in_its_window_moves_nobody():
    rows = [call(1, TUE, MON, FRI), call(2, WED, MON, FRI), call(3, MON, MON, FRI)]
    placed = place(rows)
    assert placed.moves == [] and not placed.peak_rose
    assert [r.date for r in placed.rows] == [THU]  # the one day of Tue..Thu under the peak


def test_a_full_window_is_freed_by_the_shortest_chain_of_moves_inside_windows():
    # Tue..Thu all hold the peak (1) and nobody there can go straight to a free day, but Wed's
    # call can go back to Mon, whose call can go on to Fri, which is free: two moves, peak kept.
    rows = [call(1, TUE, TUE, TUE), call(2, WED, MON, WED), call(3, THU, THU, THU), call(4, MON, MON, FRI)]
    placed = place(rows)
    assert not placed.peak_rose
    assert [r.date for r in placed.rows] == [WED]
    assert sorted((r.contact_id, r.date) for r in placed.moves) == [(2, MON), (4, FRI)]
    assert all(r.window_start <= r.date <= r.window_end for r in placed.moves)
    after = Counter(r.date for r in rows if r.contact_id not in (2, 4)) + Counter(
        r.date for r in placed.moves + placed.rows)
    assert max(after.values()) == 1


def test_one_move_is_preferred_to_a_chain():
    rows = [call(1, TUE, TUE, TUE), call(2, WED, MON, WED), call(3, THU, THU, FRI), call(4, MON, MON, FRI)]
    placed = place(rows)
    assert [(r.contact_id, r.date) for r in placed.moves] == [(3, FRI)]
    assert [r.date for r in placed.rows] == [THU]


def test_the_peak_rises_only_when_no_chain_exists():
    rows = [call(1, TUE, TUE, TUE), call(2, WED, WED, WED), call(3, THU, THU, THU)]
    placed = place(rows)
    assert placed.peak_rose and placed.moves == []
    assert [r.date for r in placed.rows] == [WED]  # all three at 1: the one nearest ideal takes 2


def test_calls_planned_for_today_stay_today():
    thursday = dt.date(2026, 11, 26)
    cal = WorkCalendar()
    info = ContactPlanInput(99, 7, True, TODAY - dt.timedelta(days=8))  # overdue: today onwards
    friday = dt.date(2026, 11, 27)
    rows = [call(1, TODAY, TODAY, FRI), call(2, thursday, thursday, thursday), call(3, friday, friday, friday)]
    ps = PlanSettings(TODAY, horizon_days=5, catchup=3)  # window Wed 25 .. Fri 27
    placed = place_incremental([info], Counter(r.date for r in rows), cal, ps, stored(rows))
    assert all(m.contact_id != 1 for m in placed.moves)
    assert placed.peak_rose  # the only movable-looking call is today's, which does not move


def test_an_anchored_first_call_in_the_way_leaves_the_decision_to_the_full_replan():
    # Wed's call is a new contact's first call with recurrences chained to it: moving it would
    # move the chain, so the incremental path cannot tell whether the peak must rise.
    rows = [call(1, TUE, TUE, TUE), call(2, WED, TODAY, FRI, reason="new"), call(3, THU, THU, THU)]
    assert place(rows, anchored=frozenset({2})) is None
    placed = place(rows)  # the same call without recurrences moves freely, its ideal with it
    (moved,) = placed.moves
    assert moved.contact_id == 2 and moved.date == moved.ideal and moved.date not in (TUE, WED, THU)
    assert TODAY < moved.date <= FRI


def test_an_anchored_call_in_the_way_does_not_matter_when_no_plan_could_hold_the_peak():
    # the anchored call could only move inside Tue..Thu, which holds four calls on three days:
    # the lower bound is 2, so the peak rises here without the full re-plan
    rows = [call(1, TUE, TUE, TUE), call(2, WED, TUE, THU, reason="new"), call(3, THU, THU, THU)]
    placed = place(rows, anchored=frozenset({2}))
    assert placed is not None and placed.peak_rose and placed.moves == []


def test_the_edits_own_calls_in_the_way_leave_the_decision_to_the_full_replan():
    # A weekly contact's first call takes Wed 2 Dec; its second call's window (8-10 Dec) is full
    # and only contact 4 could leave it, for Wed 2. A plan at peak 1 exists (the first call on
    # Tue 1, contact 4 on Wed 2), but only by moving this edit's own call: no rise here.
    day = lambda d: dt.date(2026, 12, d)  # noqa: E731
    rows = [call(1, day(3), day(3), day(3)), call(2, day(4), day(4), day(4)), call(3, day(7), day(7), day(7)),
            call(4, day(8), day(2), day(8)), call(5, day(9), day(9), day(9)), call(6, day(10), day(10), day(10))]
    weekly = ContactPlanInput(99, 7, True, TODAY)
    placed = place_incremental([weekly], Counter(r.date for r in rows), CAL, PlanSettings(TODAY, horizon_days=15),
                               stored(rows))
    assert placed is None or not placed.peak_rose


def test_a_late_call_on_a_full_day_is_left_where_it_is():
    # With a daily cap the full re-plan may store a call after its window (contact 7 on Thu 3,
    # window Fri 27 .. Mon 30). It does not move, and it does not make Thursday's reach look
    # wider than the calls that can really leave (Tue 1 is free but nobody may go there).
    day = lambda m, d: dt.date(2026, m, d)  # noqa: E731
    one = lambda cid, d: call(cid, d, d, d)  # noqa: E731
    rows = [one(1, day(11, 27)), one(2, day(11, 27)), one(3, day(11, 30)), one(4, day(11, 30)),
            one(5, day(12, 2)), one(6, day(12, 2)), call(7, day(12, 3), day(11, 27), day(11, 30)),
            call(8, day(12, 3), day(12, 3), day(12, 4)), one(9, day(12, 4)), one(10, day(12, 4))]
    due_thursday = ContactPlanInput(99, 7, True, day(11, 26))  # window Wed 2 .. Fri 4, all full
    placed = place_incremental([due_thursday], Counter(r.date for r in rows), WorkCalendar(capacity=2),
                               PlanSettings(TODAY, horizon_days=5), stored(rows))
    assert placed is None  # three calls more than the cap allows on those days: the full re-plan reports it
    placed = place_incremental([due_thursday], Counter(r.date for r in rows), CAL,
                               PlanSettings(TODAY, horizon_days=5), stored(rows))
    assert placed.peak_rose and all(m.contact_id != 7 for m in placed.moves)


def test_a_call_never_moves_onto_a_day_its_contact_is_busy():
    # contact 3 could leave Thursday for Friday, but its thank-you is due on Friday
    thank_you = PlanRow(3, FRI, FRI, FRI, FRI, "thank-you", True, 0, id=30)
    rows = [call(1, TUE, TUE, TUE), call(2, WED, WED, WED), call(3, THU, THU, FRI), thank_you]
    placed = place_incremental([WEEKLY_DUE_WED], Counter(r.date for r in rows if not r.pinned), CAL, PS,
                               stored(rows))
    assert placed is None or all(m.date != FRI for m in placed.moves if m.contact_id == 3)


def test_a_binding_daily_cap_leaves_late_calls_to_the_full_replan():
    rows = [call(1, TUE, TUE, TUE), call(2, WED, WED, WED), call(3, THU, THU, THU)]
    capped = WorkCalendar(capacity=1)
    assert place(rows, cal=capped) is None


def test_the_first_contact_of_an_empty_plan_goes_near_its_ideal_day():
    placed = place_incremental([WEEKLY_DUE_WED], {}, CAL, PS)
    assert [r.date for r in placed.rows] == [WED] and placed.peak_rose
