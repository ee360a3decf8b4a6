"""Property tests of the planner engine on small random instances (no database): every call on a
working day inside its window (or counted late), peak equal to a brute-force lower bound,
capacity respected, a re-plan of an unchanged plan moving nothing, and one edit leaving the
other calls where they were when the peak allows."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from planner.core.workdays import WorkCalendar
from planner.scheduling.engine import PlanRow, all_demands, build_plan
from planner.scheduling.incremental import place_incremental
from planner.scheduling.reroute import CallsInMemory
from planner.scheduling.stats import compute_stats
from planner.scheduling.windows import ContactPlanInput, PlanSettings

TODAY = dt.date(2026, 11, 25)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw, capacity: bool = False, dense: bool = False):
    """A calendar, settings, contacts and their pinned rows. `dense`: many short cadences due
    soon, so days fill to the peak and an edit has to make room."""
    weekdays = draw(st.sets(st.integers(0, 6), min_size=2, max_size=6))
    blocks = []
    if draw(st.booleans()):
        start = TODAY + dt.timedelta(days=draw(st.integers(0, 20)))
        blocks.append((start, start + dt.timedelta(days=draw(st.integers(0, 6)))))
    cap = draw(st.integers(1, 3)) if capacity else None
    cal = WorkCalendar(frozenset(weekdays), None, tuple(blocks), cap)
    ps = PlanSettings(TODAY, horizon_days=draw(st.integers(14, 45)), tolerance=0.15,
                      catchup=draw(st.integers(1, 6)))
    infos, pinned = [], []
    for cid in range(1, draw(st.integers(8, 30) if dense else st.integers(1, 18)) + 1):
        cadence = draw(st.sampled_from([7, 10, 14] if dense else [1, 2, 3, 7, 10, 14, 30, 60]))
        kind = draw(st.sampled_from(["due", "due", "overdue", "new"] if dense else ["new", "due", "overdue", "pinned"]))
        last = None
        pins: tuple[dt.date, ...] = ()
        if kind == "due":
            last = TODAY - dt.timedelta(days=draw(st.integers(0, cadence - 1)))
        elif kind == "overdue":
            last = TODAY - dt.timedelta(days=cadence + draw(st.integers(1, 20)))
        elif kind == "pinned":
            day = cal.next_working_day(TODAY + dt.timedelta(days=draw(st.integers(0, 15))))
            pins = (day,)
            pinned.append(PlanRow(cid, day, day, day, day, "pinned", True, 0))
        infos.append(ContactPlanInput(cid, cadence, True, last, pins))
    return cal, ps, infos, pinned


def brute_force_bound(demands, pinned, cal: WorkCalendar) -> int:
    """max over working-day intervals of ceil(calls whose window lies inside / working days)."""
    last = max([d.window_end for d in demands] + [p.date for p in pinned] + [TODAY])
    days = cal.working_days(TODAY, last)
    sets = []
    for d in demands:
        sets.append({TODAY} if d.frozen else set(cal.working_days(d.window_start, d.window_end)))
    sets += [{p.date} for p in pinned if p.date in days]
    best = 0
    for i, a in enumerate(days):
        for j in range(i, len(days)):
            b = days[j]
            inside = sum(1 for s in sets if s and min(s) >= a and max(s) <= b)
            best = max(best, math.ceil(inside / (j - i + 1)))
    return best


def loads(rows) -> Counter:
    return Counter(r.date for r in rows)


@SETTINGS
@given(instances())
def test_every_call_in_its_window_and_peak_meets_the_bound(instance):
    cal, ps, infos, pinned = instance
    demands = all_demands(infos, cal, ps)
    rows, _ = build_plan(demands, pinned, cal, ps)
    assert len(rows) == len(demands)
    for row in rows:
        assert row.date >= TODAY
        assert cal.is_working_day(row.date), row
        assert row.window_start <= row.date <= row.window_end, row
    per_contact_day = Counter((r.contact_id, r.date) for r in rows)
    assert max(per_contact_day.values(), default=1) == 1  # nobody is called twice on one day
    all_rows = rows + pinned
    peak = max(loads(all_rows).values(), default=0)
    assert peak == brute_force_bound(demands, pinned, cal)
    assert compute_stats(all_rows, cal, TODAY).lower_bound == peak


@SETTINGS
@given(instances(capacity=True))
def test_capacity_is_never_exceeded_and_late_calls_are_reported(instance):
    cal, ps, infos, pinned = instance
    demands = all_demands(infos, cal, ps)
    rows, _ = build_plan(demands, pinned, cal, ps)
    pinned_load = loads(pinned)
    for day, load in loads(rows + pinned).items():
        assert load <= max(cal.capacity, pinned_load[day]), (day, load)
    late = [r for r in rows if r.date > r.window_end]
    for row in rows:
        assert cal.is_working_day(row.date) and row.date >= row.window_start
    stats = compute_stats(rows + pinned, cal, TODAY)
    assert stats.late == len(late)
    if late:
        assert stats.critical is not None and stats.critical[2] > 0


@SETTINGS
@given(instances())
def test_replanning_an_unchanged_plan_moves_nothing(instance):
    cal, ps, infos, pinned = instance
    first, _ = build_plan(all_demands(infos, cal, ps), pinned, cal, ps)
    prev = {(r.contact_id, r.seq): r.date for r in first}
    again, _ = build_plan(all_demands(infos, cal, ps, prev), pinned, cal, ps)
    assert {(r.contact_id, r.seq): r.date for r in again} == prev


def window_sets(rows: list[PlanRow], cal: WorkCalendar) -> list[set]:
    """The days each row could go on: its own day when pinned or planned for today."""
    return [{r.date} if r.pinned or r.date == TODAY else set(cal.working_days(r.window_start, r.window_end))
            for r in rows]


def interval_bound(sets: list[set], cal: WorkCalendar) -> int:
    last = max([max(s) for s in sets] + [TODAY])
    days = cal.working_days(TODAY, last)
    best = 0
    for i, a in enumerate(days):
        for j in range(i, len(days)):
            inside = sum(1 for s in sets if min(s) >= a and max(s) <= days[j])
            best = max(best, math.ceil(inside / (j - i + 1)))
    return best


@settings(SETTINGS, max_examples=100)
@given(st.one_of(instances(), instances(dense=True)), st.data())
def test_an_edit_moves_others_only_to_hold_the_peak(instance, data):
    """An edit of one to three contacts keeps every other call in place while a day of each
    window has room; otherwise it moves short chains of others, each inside its window and never
    off today, and the peak rises only to the lower bound, when no plan could hold it."""
    cal, ps, infos, pinned = instance
    rows, _ = build_plan(all_demands(infos, cal, ps), pinned, cal, ps)
    edited = data.draw(st.lists(st.sampled_from(infos), min_size=1, max_size=3, unique_by=lambda i: i.contact_id))
    changed = []
    for info in edited:
        cadence = data.draw(st.sampled_from([7, 30, 90]))
        way = data.draw(st.sampled_from(["busiest", "reached", "new"]))
        if way == "busiest":  # aim the next call at the busiest day, where room is scarce
            busiest = max(loads(rows + pinned).items(), key=lambda item: (item[1], item[0]), default=(TODAY, 0))[0]
            last = min(busiest - dt.timedelta(days=cadence), TODAY)
        else:
            last = None if way == "new" else TODAY - dt.timedelta(days=data.draw(st.integers(0, 100)))
        changed.append(ContactPlanInput(info.contact_id, cadence, True, last, info.pinned_next))
    ids = {info.contact_id for info in edited}
    others = [r for r in rows if r.contact_id not in ids]
    fixed = [r for r in pinned if r.contact_id not in ids]
    mine_pinned = [r for r in pinned if r.contact_id in ids]
    around = loads(others + fixed + mine_pinned)
    held = max(around.values(), default=0)  # the peak around the edited contacts
    placed = place_incremental(changed, around, cal, ps, CallsInMemory(others + fixed + mine_pinned))
    if placed is None:  # the full re-plan decides; it never needed more than the lower bound
        event("full re-plan")
        return
    moved = {(r.contact_id, r.seq): r for r in placed.moves}
    kept = [r for r in others if (r.contact_id, r.seq) not in moved]
    after = kept + list(moved.values()) + fixed + mine_pinned + placed.rows
    for row in placed.rows + placed.moves:
        assert cal.is_working_day(row.date) and row.window_start <= row.date <= row.window_end, row
    for before in others:
        if (before.contact_id, before.seq) in moved:
            assert before.date != TODAY and moved[(before.contact_id, before.seq)].date != TODAY
            assert before.date != moved[(before.contact_id, before.seq)].date
    assert max(Counter((r.contact_id, r.date) for r in after).values()) == 1
    new_peak = max(loads(after).values(), default=0)
    bound = interval_bound(window_sets(after, cal), cal)
    if placed.peak_rose:
        event("peak rose")
        assert held < new_peak == bound
    else:
        assert new_peak <= held
    if placed.moves and not placed.peak_rose:  # only when some call found its whole window at the peak
        event("others moved")
        final = loads(after)
        assert any(all(final[d] >= held for d in cal.working_days(r.window_start, r.window_end))
                   for r in placed.rows)


@SETTINGS
@given(instances(), st.sampled_from(["none", "weak", "steady", "strong"]))
def test_with_todays_list_fixed_nothing_comes_to_today_or_leaves_it_and_the_peak_meets_the_bound(instance, stability):
    """The day's first plan sets today's list; a later re-plan (any stability) holds it as a
    fixed load: exactly those calls on today, every other call after it, the peak still equal to
    the bound of that plan, and the figures say so."""
    from dataclasses import replace

    cal, ps, infos, pinned = instance
    first, _ = build_plan(all_demands(infos, cal, ps), pinned, cal, ps)
    on_today = {r.contact_id: r for r in first if r.date == TODAY and r.seq == 0}
    again = [replace(i, today_row=(on_today[i.contact_id].ideal, on_today[i.contact_id].reason))
             if i.contact_id in on_today else i for i in infos]
    fixed = replace(ps, today_fixed=True)
    demands = all_demands(again, cal, fixed)
    prev = {(r.contact_id, r.seq): r.date for r in first}
    for demand in demands:
        if not demand.frozen:
            demand.prev = prev.get((demand.contact_id, demand.seq))
    rows, _ = build_plan(demands, pinned, cal, fixed, stability=stability)
    assert {r.contact_id for r in rows if r.date == TODAY} == set(on_today)
    for row in rows:
        assert row.window_start <= row.date <= row.window_end, row
        if row.date != TODAY:
            assert row.window_start > TODAY, row
    peak = max(loads(rows + pinned).values(), default=0)
    assert peak == brute_force_bound(demands, pinned, cal)
    assert compute_stats(rows + pinned, cal, TODAY).lower_bound == peak
