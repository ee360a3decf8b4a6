"""Making room for one call without raising the peak: the shortest chain of moves.

When every day of a call's window already holds the peak, the call can still go in if a call on
one of those days can move to another day of its own window that has room, or on from there to
a third, and so on: an augmenting path in the network calls -> days with the peak as each day's
capacity. A breadth-first search over days finds a chain with the fewest moves; every moved call
stays inside its window, and a call planned for today stays today.

The windows of the calls on one day all contain that day, so together they reach one span of
days: the search needs only each day's span (one grouped query per level for the stored plan),
and reads the calls themselves only for the steps of the chain it finally moves.

When no chain exists, no plan holds all the calls at this peak (max-flow / min-cut), so the peak
must rise by one, unless the search met a call it may not move here: a new contact's first call
that anchors its recurrences (moving it would move the whole chain). Then only the full re-plan
can tell, and `Room.blocked` says so.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from planner.scheduling.calendar import WorkCalendar
from planner.scheduling.engine import PlanRow

Window = tuple[dt.date, dt.date]
Reach = tuple[dict[dt.date, Window], set[dt.date]]  # each day's span; the days holding anchored calls


class StoredCalls(Protocol):
    """The other contacts' unpinned calls, as the search reads them; `skip`: calls this edit has
    already moved (the search knows where they are now)."""

    def reach(self, days: list[dt.date] | None, skip: Collection[PlanRow]) -> Reach:
        """For each of the days (every day when None), the span of days its movable calls'
        windows cover; and the days where an anchored call sits (a new contact's first call
        with recurrences after it)."""

    def mover(self, day: dt.date, target: dt.date, skip: Collection[PlanRow]) -> PlanRow | None:
        """Of the movable calls on `day` whose window holds `target`, the one `mover_rank` puts first."""

    def windows(self, today: dt.date) -> list[tuple[dt.date, dt.date, int]]:
        """(first, last, calls) of the days every stored call from today on could go on (a
        pinned call or today's has its own day alone); the edited contacts' pinned calls count."""


def span_of(calls: Iterable[tuple[PlanRow, bool]]) -> Reach:
    """`StoredCalls.reach` from (call, anchored) pairs."""
    spans: dict[dt.date, Window] = {}
    anchored_days: set[dt.date] = set()
    for row, anchored in calls:
        if anchored:
            anchored_days.add(row.date)
            continue
        lo, hi = spans.get(row.date, (row.window_start, row.window_end))
        spans[row.date] = (min(lo, row.window_start), max(hi, row.window_end))
    return spans, anchored_days


class CallsInMemory:
    """`StoredCalls` over rows held in memory (the benchmark and the property tests), indexed by
    day as the database indexes the stored plan: each day's span is worked out once."""

    def __init__(self, rows: Iterable[PlanRow]) -> None:
        self.by_day: dict[dt.date, list[PlanRow]] = defaultdict(list)
        self.chained: set[int] = set()
        self.rows = list(rows)
        for row in self.rows:
            if not row.pinned:
                self.by_day[row.date].append(row)
                if row.seq == 1:
                    self.chained.add(row.contact_id)
        self._reach: Reach | None = None

    def _calls(self, days: Iterable[dt.date], skip: Collection[PlanRow]) -> list[tuple[PlanRow, bool]]:
        skipped = {(row.contact_id, row.seq) for row in skip}
        return [(row, row.reason == "new" and row.contact_id in self.chained)
                for day in days for row in self.by_day.get(day, ()) if (row.contact_id, row.seq) not in skipped]

    def reach(self, days: list[dt.date] | None, skip: Collection[PlanRow]) -> Reach:
        if days is None and not skip:
            if self._reach is None:
                self._reach = span_of(self._calls(self.by_day, ()))
            return dict(self._reach[0]), set(self._reach[1])
        return span_of(self._calls(self.by_day if days is None else days, skip))

    def mover(self, day: dt.date, target: dt.date, skip: Collection[PlanRow]) -> PlanRow | None:
        return min((row for row, anchored in self._calls([day], skip)
                    if not anchored and row.window_start <= target <= row.window_end),
                   key=lambda row: mover_rank(row, target), default=None)

    def windows(self, today: dt.date) -> list[tuple[dt.date, dt.date, int]]:
        return [((row.date, row.date) if row.pinned or row.date == today else (row.window_start, row.window_end))
                + (1,) for row in self.rows if row.date >= today]


@dataclass
class Room:
    day: dt.date | None  # the day of the window the new call takes; None: no chain exists
    moves: list[tuple[PlanRow, dt.date]] = field(default_factory=list)  # (call, its new day)
    blocked: bool = False  # an anchored call stood in the way: the full re-plan must decide


class MovablePlan:
    """The stored calls as one edit sees them: the store's, with this edit's moves applied.
    Every day's span is read at the first search of the edit (one grouped query); a day a move
    touched is read again, leaving the moved calls out and adding them where they are now."""

    def __init__(self, store: StoredCalls, cal: WorkCalendar, today: dt.date) -> None:
        self.store, self.cal, self.today = store, cal, today
        self.moved: dict[tuple[int, int], PlanRow] = {}  # (contact, seq) -> the row at its new day
        self._days: dict[Window, list[dt.date]] = {}
        self._spans: dict[dt.date, Window] | None = None
        self._anchored: set[dt.date] = set()
        self._touched: set[dt.date] = set()

    def reach(self, days: list[dt.date]) -> tuple[dict[dt.date, Window], bool]:
        """The spans of the given days, and whether an anchored call sits on any of them."""
        if self._spans is None:
            self._spans, self._anchored = self.store.reach(None, ())
        stale = [day for day in days if day in self._touched]
        if stale:
            spans, anchored = self.store.reach(stale, self.moved.values())
            wanted = set(stale)
            here = [(row, False) for row in self.moved.values() if row.date in wanted]
            for day, (lo, hi) in span_of(here)[0].items():
                old = spans.get(day, (lo, hi))
                spans[day] = (min(old[0], lo), max(old[1], hi))
            for day in stale:
                self._spans.pop(day, None)
                self._anchored.discard(day)
                self._touched.discard(day)
            self._spans.update(spans)
            self._anchored |= anchored
        days = [day for day in days if day != self.today]  # calls planned for today stay today
        return ({day: self._spans[day] for day in days if day in self._spans},
                any(day in self._anchored for day in days))

    def mover(self, day: dt.date, target: dt.date) -> PlanRow:
        stored = self.store.mover(day, target, self.moved.values())
        here = [row for row in self.moved.values() if row.date == day and row.window_start <= target <= row.window_end]
        return min(([stored] if stored else []) + here, key=lambda row: mover_rank(row, target))

    def window_days(self, window: Window) -> list[dt.date]:
        days = self._days.get(window)
        if days is None:
            days = self._days[window] = self.cal.working_days(max(window[0], self.today), window[1])
        return days

    def move(self, row: PlanRow, day: dt.date) -> None:
        moved = copy.copy(row)
        moved.date = day
        if moved.reason == "new":  # anywhere in the first cadence: its ideal is where it is
            moved.ideal = day
        self.moved[(row.contact_id, row.seq)] = moved
        self._touched.update((row.date, day))


def mover_rank(row: PlanRow, day: dt.date) -> tuple[int, int, int]:
    """Which call moves to `day` when several could: the one that gets least farther from its
    ideal day (a new contact's first call may go anywhere), then the lowest contact id."""
    shift = 0 if row.reason == "new" else abs((day - row.ideal).days) - abs((row.date - row.ideal).days)
    return shift, row.contact_id, row.seq


def make_room(window: list[dt.date], loads: dict[dt.date, int], limit: int, plan: MovablePlan) -> Room:
    """Free one day of `window` (all of whose days hold `limit` calls) by moving a chain of other
    calls, the last of which lands on a day under `limit`. Applies the moves to `plan` and `loads`
    (the freed day's count drops by one: the caller adds the new call to it)."""
    seen = set(window) | {plan.today}
    parent: dict[dt.date, dt.date] = {}
    frontier = sorted(window)
    blocked = False
    while frontier:
        spans, anchored = plan.reach(frontier)
        blocked = blocked or anchored
        found: list[dt.date] = []
        following: list[dt.date] = []
        for day in frontier:
            if day not in spans:
                continue
            for target in plan.window_days(spans[day]):
                if target not in seen:
                    seen.add(target)
                    parent[target] = day
                    (found if loads.get(target, 0) < limit else following).append(target)
        if found:
            best = min(found, key=lambda t: (loads.get(t, 0), abs((t - parent[t]).days), t))
            return _unwind(best, parent, set(window), loads, plan, blocked)
        frontier = following
    return Room(None, [], blocked)


def _unwind(target: dt.date, parent: dict[dt.date, dt.date], start: set[dt.date],
            loads: dict[dt.date, int], plan: MovablePlan, blocked: bool) -> Room:
    """Walk the chain back from the day with room to the window, moving one call per step: of
    the calls whose window holds the next day, the one that ends up nearest its ideal day."""
    moves: list[tuple[PlanRow, dt.date]] = []
    loads[target] = loads.get(target, 0) + 1
    while True:
        day = parent[target]
        row = plan.mover(day, target)
        moves.append((row, target))
        plan.move(row, target)
        if day in start:
            loads[day] -= 1
            return Room(day, moves, blocked)
        target = day
