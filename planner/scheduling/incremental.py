"""Re-planning a few contacts after an edit, on plain values.

Every other call stays where it is unless the peak would otherwise rise: each of the edited
contacts' calls goes on the least-loaded day of its window (nearest ideal on ties) while that
keeps the peak; when every day of the window is already at the peak, `reroute.make_room` moves
the shortest chain of other calls, each inside its own window, to free one.

The first time a call finds its window full, the lower bound over every call's window (the
stored ones and this edit's) says whether any plan could hold the old peak. If none could, the
peak rises to that bound at once, before anything is moved. If one could but no chain is found
(it would need calls the search may not move: this edit's own, a new contact's first call that
anchors its recurrences, a late call), or a daily cap would make calls late, `place_incremental`
returns None and the full re-plan decides.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from planner.core.vocabulary import PlanReason
from planner.core.workdays import WorkCalendar
from planner.scheduling.engine import DayIndex, PlanRow, demand_row
from planner.scheduling.lower_bound import lower_bound
from planner.scheduling.reroute import (
    CallsInMemory,
    MovablePlan,
    StoredCalls,
    make_room,
)
from planner.scheduling.windows import (
    ContactPlanInput,
    Demand,
    PlanSettings,
    contact_demands,
)

_NEW = PlanReason.NEW  # read per demand: a module global is cheaper than the enum's attribute lookup


@dataclass
class Placement:
    rows: list[PlanRow]  # the edited contacts' calls
    moves: list[PlanRow] = field(default_factory=list)  # other contacts' calls at their new days
    peak_rose: bool = False  # no plan could hold the calls at the old peak: it rose to the lower bound


def place_incremental(infos: list[ContactPlanInput], loads: dict[dt.date, int], cal: WorkCalendar,
                      ps: PlanSettings, others: StoredCalls | None = None) -> Placement | None:
    """Place the given contacts' calls around the others (`loads`: every other call per day,
    pinned ones included; `others`: the stored plan without the given contacts' unpinned calls,
    an empty plan when omitted). None when only the full re-plan can decide."""
    loads = defaultdict(int, {day: n for day, n in loads.items() if day >= ps.today})
    limit = held = max(loads.values(), default=0)
    if cal.capacity is not None:
        limit = held = min(limit, cal.capacity)
    plan = MovablePlan(others if others is not None else CallsInMemory(()), cal, ps.today)
    rows: list[PlanRow] = []
    peak_rose = bound_checked = False
    chains = [contact_demands(info, cal, ps) for info in seed_new_anchors(infos, loads, cal, ps)]
    for number, info in enumerate(infos):
        # anchored with the loads as they are now, so new contacts of one edit do not bunch
        info = seed_new_anchors([info], loads, cal, ps)[0]
        demands = chains[number] = contact_demands(info, cal, ps)
        position = 0
        while position < len(demands):
            demand = demands[position]
            if demand.frozen:
                day: dt.date | None = ps.today
            elif demand.reason == _NEW and loads[demand.ideal] + 1 <= limit and cal.is_working_day(demand.ideal):
                day = demand.ideal  # the anchor chosen for the whole chain
            else:
                day = _best_day(demand, loads, limit, cal)
            if day is None and not bound_checked:
                bound_checked = True
                bound = lower_bound_with(plan.store, chains, cal, ps)
                if bound > limit:  # no plan holds the old peak: raise it now, before moving anyone
                    if cal.capacity is not None and bound > cal.capacity:
                        return None  # calls would go late: the full re-plan reports them
                    limit, peak_rose = bound, True
                    day = _best_day(demand, loads, limit, cal)
            if day is None:
                day = make_room(plan.window_days((demand.window_start, demand.window_end)), loads, limit, plan)
            if day is None:
                return None
            loads[day] += 1
            rows.append(demand_row(demand, day))
            if demand.reason == _NEW and day != demand.ideal:
                demands = demands[: position + 1] + contact_demands(replace(info, new_anchor=day), cal, ps)[1:]
                chains[number] = demands
            position += 1
    if peak_rose and lower_bound_with(plan.store, chains, cal, ps) <= held:
        return None  # new contacts' first calls landed elsewhere than first assumed: the old peak can hold
    return Placement(rows, plan.moves(), peak_rose)


def lower_bound_with(store: StoredCalls, chains: list[list[Demand]], cal: WorkCalendar, ps: PlanSettings) -> int:
    """The lowest peak any plan could have: the lower bound over the other calls' windows
    (`StoredCalls.windows`) and the edited contacts' demands."""
    windows = store.windows(ps.today)
    windows += [((ps.today, ps.today) if d.frozen else (d.window_start, d.window_end)) + (1,)
                for demands in chains for d in demands]
    index = DayIndex(cal, ps.today, max((end for _, end, _ in windows), default=ps.today))
    spans = [(lo, hi, count) for start, end, count in windows for lo, hi in [index.span(start, end)] if lo <= hi]
    return lower_bound(spans, len(index)).peak


def seed_new_anchors(infos: list[ContactPlanInput], loads: dict[dt.date, int], cal: WorkCalendar,
                     ps: PlanSettings) -> list[ContactPlanInput]:
    """For new contacts without a stored first call: anchor the first call on the day of its
    window whose whole chain of recurrences fits best into the current loads (fewest windows
    already full, then the least loaded), so their calls fit without moving others."""
    loads = defaultdict(int, loads)
    limit = max(loads.values(), default=0)
    result = []
    for info in infos:
        demands = contact_demands(info, cal, ps)
        if demands and demands[0].reason == _NEW and info.new_anchor is None:
            best, best_key = None, None
            for day in cal.working_days(demands[0].window_start, demands[0].window_end):
                chain = contact_demands(replace(info, new_anchor=day), cal, ps)[1:]
                lows = [min(loads[d] for d in cal.working_days(c.window_start, c.window_end)) for c in chain]
                key = (loads[day] >= limit, sum(low >= limit for low in lows), loads[day] + sum(lows), day)
                if best_key is None or key < best_key:
                    best, best_key = day, key
            info = replace(info, new_anchor=best)
        result.append(info)
    return result


def _best_day(demand: Demand, loads: dict[dt.date, int], limit: int, cal: WorkCalendar) -> dt.date | None:
    best, best_key = None, None
    for day in cal.working_days(demand.window_start, demand.window_end):
        if loads[day] + 1 > limit:
            continue
        close = 0 if demand.reason == _NEW else abs((day - demand.ideal).days)
        key = (loads[day], close, day)
        if best_key is None or key < best_key:
            best, best_key = day, key
    return best
