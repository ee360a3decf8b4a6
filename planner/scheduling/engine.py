"""The planner on plain values: contacts' inputs and the stored rows in, the new plan out.

No database here, so the service, the benchmark and the property tests run the same code.
`plan_contacts` is the full (stable) re-plan through the flow model (`build_plan`); re-planning a
few contacts after an edit lives in `incremental.py`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from operator import attrgetter

from planner.core.errors import FollowupError
from planner.core.vocabulary import PlanReason
from planner.core.workdays import WorkCalendar
from planner.scheduling.flow import Group, solve
from planner.scheduling.lower_bound import lower_bound
from planner.scheduling.windows import (
    ContactPlanInput,
    Demand,
    PlanSettings,
    contact_demands,
)

_NEW = PlanReason.NEW  # read per demand: a module global is cheaper than the enum's attribute lookup

DAY = dt.timedelta(days=1)
MAX_LATE_DAYS = 520  # two years of working days: a cap that needs more is reported, not planned


@dataclass(slots=True)
class PlanRow:
    """One call of the plan, stored or about to be."""

    contact_id: int
    date: dt.date
    ideal: dt.date
    window_start: dt.date
    window_end: dt.date
    reason: str
    pinned: bool = False
    seq: int = 0
    favor_id: int | None = None
    note: str = ""
    id: int | None = None

    def same_placement(self, other: PlanRow) -> bool:
        return (self.date, self.ideal, self.window_start, self.window_end, self.reason) == (
            other.date, other.ideal, other.window_start, other.window_end, other.reason)


class DayIndex:
    """The working days from today on, with date <-> index lookups."""

    def __init__(self, cal: WorkCalendar, start: dt.date, end: dt.date) -> None:
        self.days = cal.working_days(start, end)
        self.index = {day: i for i, day in enumerate(self.days)}

    def __len__(self) -> int:
        return len(self.days)

    def span(self, start: dt.date, end: dt.date) -> tuple[int, int]:
        """Indices of the first working day >= start and the last <= end (lo > hi when none)."""
        return bisect.bisect_left(self.days, start), bisect.bisect_right(self.days, end) - 1

    def spans(self) -> _Spans:
        """(start, end) -> `span(start, end)`, each distinct window worked out once: 100k demands
        have a few thousand windows."""
        return _Spans(self)


class _Spans(dict):
    def __init__(self, index: DayIndex) -> None:
        super().__init__()
        self.span = index.span

    def __missing__(self, window: tuple[dt.date, dt.date]) -> tuple[int, int]:
        found = self[window] = self.span(*window)
        return found


def all_demands(infos: list[ContactPlanInput], cal: WorkCalendar, ps: PlanSettings,
                prev: dict[tuple[int, int], dt.date] | None = None) -> list[Demand]:
    """Every contact's demands. Contacts with the same cadence, last contact and pins need the
    same calls, so each distinct case is worked out once (a few thousand at 100k contacts)."""
    demands: list[Demand] = []
    append = demands.append
    cases: dict[tuple, list[tuple]] = {}
    for info in infos:
        case = (info.cadence, info.active, info.last_contact, info.pinned_next, info.today_row, info.new_anchor,
                info.touch_points, info.on_today_list)
        template = cases.get(case)
        if template is None:  # as plain tuples: 100k contacts read them without attribute look-ups
            template = cases[case] = [(t.seq, t.ideal, t.window_start, t.window_end, t.reason, t.tol, t.frozen,
                                       t.prev, t.chained)
                                      for t in contact_demands(replace(info, contact_id=0), cal, ps)]
        cid = info.contact_id
        for seq, ideal, start, end, reason, tol, frozen, before, chained in template:
            if prev and not frozen:
                before = prev.get((cid, seq))
            append(Demand(cid, seq, ideal, start, end, reason, tol, frozen, before, chained))
    return demands


def _closeness(demand: Demand, days: list[dt.date]) -> list[float]:
    if demand.reason == _NEW and not demand.chained:  # anywhere in the first cadence is as good
        return [0.0] * len(days)
    return [abs((day - demand.ideal).days) / max(1, demand.tol) for day in days]


def build_plan(demands: list[Demand], pinned: list[PlanRow], cal: WorkCalendar, ps: PlanSettings,
               *, stability: str = "weak") -> tuple[list[PlanRow], int]:
    """Place every demand; returns the new unpinned rows and the peak the solver was held to."""
    if not demands:
        return [], 0
    last = max(max(d.window_end for d in demands), max((p.date for p in pinned), default=ps.today))
    index = DayIndex(cal, ps.today, last)
    late_horizon = 0
    fixed = daily_loads(pinned, index)
    keyed: dict[tuple, list[Demand]] = defaultdict(list)
    spans = index.spans()
    for demand in demands:
        lo, hi = (0, 0) if demand.frozen else spans[demand.window_start, demand.window_end]
        keyed[(lo, hi, demand.ideal, demand.tol, demand.reason == _NEW, demand.chained)].append(demand)
    windows = [(lo, hi, len(members)) for (lo, hi, *_), members in keyed.items()]
    windows += [(d, d, n) for d, n in enumerate(fixed) if n]
    peak = lower_bound(windows, len(index)).peak
    day_cap = peak
    if cal.capacity is not None and peak > cal.capacity:
        day_cap = cal.capacity
        total = sum(len(m) for m in keyed.values()) + sum(fixed)
        late_horizon = min(total // max(1, cal.capacity) + 5, MAX_LATE_DAYS)
        index = DayIndex(cal, ps.today, cal.add_working_days(last, late_horizon))
        fixed = daily_loads(pinned, index)
    groups, members_of = [], []
    for (lo, hi, *_), members in keyed.items():
        days = index.days[lo : hi + 1]
        prev: dict[int, int] = defaultdict(int)
        for member in members:
            if member.prev is not None and member.prev in index.index:
                prev[index.index[member.prev]] += 1
        groups.append(Group(lo, hi, len(members), _closeness(members[0], days), dict(prev)))
        members_of.append(members)
    try:
        result = solve(groups, fixed, day_cap, late_horizon=late_horizon, stability=stability)
    except FollowupError:
        if not late_horizon:
            raise
        raise FollowupError(f"capacity {cal.capacity} a day cannot hold the calls even two years late; "
                            "raise it with 'followup config capacity N' or set it to none") from None
    rows: list[PlanRow] = []
    for members, placed in zip(members_of, result.placed, strict=True):
        rows += _assign(members, placed, index)
    return rows, day_cap


def plan_contacts(infos: list[ContactPlanInput], pinned: list[PlanRow], cal: WorkCalendar, ps: PlanSettings,
                  prev: dict[tuple[int, int], dt.date] | None = None, *, stability: str = "weak") -> list[PlanRow]:
    """The full re-plan. A new contact's first call may go anywhere in its first cadence, but its
    recurrences follow on from wherever it lands: when the solver put such a first call away from
    the anchor its recurrences assumed, those recurrences are re-anchored and placed again around
    everything else (a small second solve held to the same peak; a full one if that cannot hold)."""
    demands = all_demands(infos, cal, ps, prev)
    rows, peak = _split_solve(demands, pinned, cal, ps, stability)
    chained = {d.contact_id for d in demands if d.seq == 1}
    anchors = {d.contact_id: d.ideal for d in demands if d.seq == 0 and d.reason == _NEW and d.contact_id in chained}
    moved = {row.contact_id: row.date for row in rows
             if row.seq == 0 and row.contact_id in anchors and row.date != anchors[row.contact_id]} if anchors else {}
    if not moved:
        return rows
    by_id = {info.contact_id: info for info in infos}
    redo: dict[int, ContactPlanInput] = {cid: replace(by_id[cid], new_anchor=day) for cid, day in moved.items()}
    keep = [r for r in rows if r.contact_id not in redo or r.seq == 0]
    again = [d for info in redo.values() for d in contact_demands(info, cal, ps)[1:]]
    extra, new_peak = build_plan(again, pinned + keep, cal, ps, stability="none")  # keep: fixed loads
    if new_peak <= peak and not any(r.date > r.window_end for r in extra):
        return keep + extra
    placed = {(r.contact_id, r.seq): r.date for r in rows}
    demands = [d for d in demands if d.contact_id not in redo or d.seq == 0] + again
    for demand in demands:
        if not demand.frozen:
            demand.prev = placed.get((demand.contact_id, demand.seq))
    rows, _ = build_plan(demands, pinned, cal, ps, stability="strong")
    return rows


def _split_solve(demands: list[Demand], pinned: list[PlanRow], cal: WorkCalendar, ps: PlanSettings,
                 stability: str) -> tuple[list[PlanRow], int]:
    """Solve the calls that may fall inside the horizon with the flow model, then place the next
    calls whose whole window lies beyond it (long cadences) around them: on their previous day if
    any, else the day nearest ideal, never above the peak. Those far windows are wide and hold
    half the network's arcs at 10k contacts, while their days carry a few calls against a peak of
    hundreds, so their squares weigh nothing. When a far call finds no room under the peak, one
    joint solve decides."""
    horizon_end = ps.horizon_end
    far = [d for d in demands if d.window_start > horizon_end and not d.frozen]
    if not far or len(far) == len(demands):
        return build_plan(demands, pinned, cal, ps, stability=stability)
    near = [d for d in demands if d.window_start <= horizon_end or d.frozen]
    rows, peak = build_plan(near, pinned, cal, ps, stability=stability)
    index = DayIndex(cal, ps.today, max(d.window_end for d in far))
    loads = daily_loads(rows + pinned, index)
    later = []
    keep_prev = stability != "none"
    spans = index.spans()
    for demand in sorted(far, key=attrgetter("ideal", "window_end", "contact_id")):
        lo, hi = spans[demand.window_start, demand.window_end]
        prev = index.index.get(demand.prev) if keep_prev and demand.prev else None
        best: int | None
        if prev is not None and lo <= prev <= hi and loads[prev] < peak:
            best = prev
        else:
            best = _nearest_free(index.days, loads, lo, hi, demand.ideal, peak)
            if best is None:
                return build_plan(demands, pinned, cal, ps, stability=stability)
        loads[best] += 1
        day = index.days[best]
        # demand_row inlined: a call per row costs as much as the row (a third of the calls at 100k)
        later.append(PlanRow(demand.contact_id, day, day if demand.reason == _NEW else demand.ideal,
                             demand.window_start, demand.window_end, demand.reason, False, demand.seq))
    return rows + later, peak


def _nearest_free(days: list[dt.date], loads: list[int], lo: int, hi: int, ideal: dt.date,
                  peak: int) -> int | None:
    """The day index in lo..hi nearest `ideal` whose load is under `peak` (the less loaded of two
    equally near ones, then the earlier); None when every day is full. Walks outwards from ideal."""
    right = max(lo, min(hi + 1, bisect.bisect_left(days, ideal, lo, hi + 1)))
    left = right - 1
    while left >= lo or right <= hi:
        dl = (ideal - days[left]).days if left >= lo else None
        dr = (days[right] - ideal).days if right <= hi else None
        if dr is None or (dl is not None and dl < dr):
            candidates, left = [left], left - 1
        elif dl is None or dr < dl:
            candidates, right = [right], right + 1
        else:
            candidates, left, right = [left, right], left - 1, right + 1
        free = [c for c in candidates if loads[c] < peak]
        if free:
            return min(free, key=lambda c: (loads[c], c))
    return None


def daily_loads(rows: list[PlanRow], index: DayIndex) -> list[int]:
    """Calls per working day of `index` (rows on other days are not counted)."""
    loads = [0] * len(index)
    for row in rows:
        position = index.index.get(row.date)
        if position is not None:
            loads[position] += 1
    return loads


def _assign(members: list[Demand], placed: dict[int, int], index: DayIndex) -> list[PlanRow]:
    """Hand the group's day counts to its members: calls already on a chosen day keep it."""
    left = dict(placed)
    position_of = index.index.get
    chosen: list[int | None] = []
    keep = chosen.append
    for member in members:  # a steady re-plan keeps nearly every call: one look-up each
        day = position_of(member.prev)  # type: ignore[arg-type]  # None (no previous day) is no key: None
        if day is not None and left.get(day, 0) > 0:
            left[day] -= 1
            keep(day)
        else:
            keep(None)
    slots = [day for day in sorted(left) for _ in range(left[day])]
    rest = [i for i, day in enumerate(chosen) if day is None]
    if rest or slots:
        rest.sort(key=lambda i: (members[i].prev or dt.date.max, members[i].contact_id, members[i].seq))
        for i, day in zip(rest, slots, strict=True):
            chosen[i] = day
    days = index.days
    # demand_row inlined: a call per row costs as much as the row at 100k contacts
    return [PlanRow(m.contact_id, day, day if m.reason == _NEW else m.ideal, m.window_start, m.window_end,
                    m.reason, False, m.seq)
            for m, day in zip(members, [days[c] for c in chosen], strict=True)]  # type: ignore[index]


def demand_row(demand: Demand, day: dt.date) -> PlanRow:
    ideal = day if demand.reason == _NEW else demand.ideal
    return PlanRow(demand.contact_id, day, ideal, demand.window_start, demand.window_end,
                   demand.reason, False, demand.seq)
