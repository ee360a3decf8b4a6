"""Making room for one call without raising the peak: the shortest chain of moves.

When every day of a call's window already holds the peak, the call can still go in if a call on
one of those days can move to another day of its own window that has room, or on from there to
a third, and so on: an augmenting path in the network calls -> days with the peak as each day's
capacity. A breadth-first search over days finds a chain with the fewest moves.

What may move: another contact's unpinned call, on a day of its own window, not planned for
today, and not a new contact's first call that anchors its recurrences (moving it would move
them all). It moves inside its window, never onto today, nor onto a day where its contact
already has something (a thank-you, say). The windows of the movable calls on one day all hold
that day, so together they reach one span of days: the search needs only each day's span (one
grouped query for the stored plan), and reads the calls themselves only for the chain it moves.

No chain means no plan holds the calls at this peak with only these calls moving; whether the
peak must rise is the lower bound's to say (`incremental.py`).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from typing import Protocol

from planner.core.vocabulary import PlanReason
from planner.core.workdays import WorkCalendar
from planner.scheduling.engine import PlanRow

_NEW = PlanReason.NEW  # read per demand: a module global is cheaper than the enum's attribute lookup

Window = tuple[dt.date, dt.date]


class StoredCalls(Protocol):
    """The other contacts' calls, as the search reads them; `skip`: calls this edit has already
    moved (the search knows where they are now)."""

    def reach(self, days: list[dt.date] | None, skip: Collection[PlanRow]) -> dict[dt.date, Window]:
        """For each of the days (every day when None), the span of days its movable calls'
        windows cover (days without movable calls are left out)."""

    def mover(self, day: dt.date, target: dt.date, skip: Collection[PlanRow]) -> PlanRow | None:
        """Of the movable calls on `day` that may go to `target`, the one `mover_rank` puts first."""

    def busy(self, contact_id: int, day: dt.date) -> bool:
        """Whether the contact has anything stored on `day` (a call, a pin, a thank-you)."""

    def windows(self, today: dt.date) -> list[tuple[dt.date, dt.date, int]]:
        """(first, last, calls) of the days every stored call from today on could go on (a
        pinned call, today's or a late one has its own day alone); the edited contacts' pinned
        calls count."""


def movable(row: PlanRow, anchored: bool) -> bool:
    """An unpinned call on a day of its window that anchors nothing (see the module docstring)."""
    return not row.pinned and not anchored and row.window_start <= row.date <= row.window_end


def span_of(rows: Iterable[PlanRow]) -> dict[dt.date, Window]:
    """`StoredCalls.reach` from movable calls."""
    spans: dict[dt.date, Window] = {}
    for row in rows:
        lo, hi = spans.get(row.date, (row.window_start, row.window_end))
        spans[row.date] = (min(lo, row.window_start), max(hi, row.window_end))
    return spans


def mover_rank(row: PlanRow, day: dt.date) -> tuple[int, int, int]:
    """Which call moves to `day` when several could: the one that gets least farther from its
    ideal day (a new contact's first call may go anywhere), then the lowest contact id."""
    shift = 0 if row.reason == _NEW else abs((day - row.ideal).days) - abs((row.date - row.ideal).days)
    return shift, row.contact_id, row.seq


class CallsInMemory:
    """`StoredCalls` over rows held in memory (the benchmark and the property tests), indexed by
    day as the database indexes the stored plan: each day's span is worked out once."""

    def __init__(self, rows: Iterable[PlanRow], anchored: Collection[int] | None = None) -> None:
        """`anchored`: contacts whose first call anchors recurrences (by default, those with a
        stored seq-1 call, as in the database)."""
        self.rows = list(rows)
        chained = set(anchored) if anchored is not None else {
            row.contact_id for row in self.rows if row.seq == 1 and not row.pinned}
        self.by_day: dict[dt.date, list[PlanRow]] = defaultdict(list)
        self.days_of: dict[int, set[dt.date]] = defaultdict(set)  # every day each contact has something
        for row in self.rows:
            self.days_of[row.contact_id].add(row.date)
            if movable(row, row.reason == _NEW and row.contact_id in chained):
                self.by_day[row.date].append(row)
        self._spans: dict[dt.date, Window] | None = None

    def _calls(self, days: Iterable[dt.date], skip: Collection[PlanRow]) -> list[PlanRow]:
        skipped = {(row.contact_id, row.seq) for row in skip}
        return [row for day in days for row in self.by_day.get(day, ()) if (row.contact_id, row.seq) not in skipped]

    def reach(self, days: list[dt.date] | None, skip: Collection[PlanRow]) -> dict[dt.date, Window]:
        if days is None and not skip:
            if self._spans is None:
                self._spans = span_of(self._calls(self.by_day, ()))
            return dict(self._spans)
        return span_of(self._calls(self.by_day if days is None else days, skip))

    def mover(self, day: dt.date, target: dt.date, skip: Collection[PlanRow]) -> PlanRow | None:
        return min((row for row in self._calls([day], skip) if row.window_start <= target <= row.window_end
                    and target not in self.days_of[row.contact_id]),
                   key=lambda row: mover_rank(row, target), default=None)

    def busy(self, contact_id: int, day: dt.date) -> bool:
        return day in self.days_of[contact_id]

    def windows(self, today: dt.date) -> list[tuple[dt.date, dt.date, int]]:
        counts = Counter((row.window_start, row.window_end) if movable(row, False) and row.date != today
                         else (row.date, row.date) for row in self.rows if row.date >= today)
        return [(start, end, n) for (start, end), n in counts.items()]


class MovablePlan:
    """The stored calls as one edit sees them: the store's, with this edit's moves applied.
    Every day's span is read at the first search of the edit (one grouped query); a day a move
    touched is read again, leaving the moved calls out and adding them where they are now."""

    def __init__(self, store: StoredCalls, cal: WorkCalendar, today: dt.date) -> None:
        self.store, self.cal, self.today = store, cal, today
        self.moved: dict[tuple[int, int], PlanRow] = {}  # (contact, seq) -> the row at its new day
        self._origin: dict[tuple[int, int], dt.date] = {}  # the day each moved call was stored on
        self._days: dict[Window, list[dt.date]] = {}
        self._spans: dict[dt.date, Window] | None = None
        self._touched: set[dt.date] = set()

    def reach(self, days: list[dt.date]) -> dict[dt.date, Window]:
        """The spans of the given days (today's calls stay today: today has none)."""
        if self._spans is None:
            self._spans = self.store.reach(None, ())
        stale = [day for day in days if day in self._touched]
        if stale:
            spans = self.store.reach(stale, self.moved.values())
            wanted = set(stale)
            for day, (lo, hi) in span_of(row for row in self.moved.values() if row.date in wanted).items():
                old = spans.get(day, (lo, hi))
                spans[day] = (min(old[0], lo), max(old[1], hi))
            for day in stale:
                self._spans.pop(day, None)
                self._touched.discard(day)
            self._spans.update(spans)
        return {day: self._spans[day] for day in days if day != self.today and day in self._spans}

    def mover(self, day: dt.date, target: dt.date) -> PlanRow | None:
        """The call to move from `day` to `target`: a stored one, or one this edit moved to `day`;
        never onto a day its contact is busy, counting where this edit has moved calls."""
        def busy_here(contact_id: int) -> bool:
            return any(row.contact_id == contact_id and row.date == target for row in self.moved.values())

        stored = self.store.mover(day, target, self.moved.values())
        found = [stored] if stored is not None and not busy_here(stored.contact_id) else []
        found += [row for row in self.moved.values() if row.date == day and row.window_start <= target <= row.window_end
                  and not self.store.busy(row.contact_id, target) and not busy_here(row.contact_id)]
        return min(found, key=lambda row: mover_rank(row, target), default=None)

    def window_days(self, window: Window) -> list[dt.date]:
        days = self._days.get(window)
        if days is None:
            days = self._days[window] = self.cal.working_days(max(window[0], self.today), window[1])
        return days

    def move(self, row: PlanRow, day: dt.date) -> None:
        key = (row.contact_id, row.seq)
        self._origin.setdefault(key, row.date)
        moved = copy.copy(row)
        moved.date = day
        if moved.reason == _NEW:  # anywhere in the first cadence: its ideal is where it is
            moved.ideal = day
        self.moved[key] = moved
        self._touched.update((row.date, day))

    def moves(self) -> list[PlanRow]:
        """The calls this edit moved, at their new days (one moved and moved back is not listed)."""
        return [row for key, row in self.moved.items() if row.date != self._origin[key]]


def make_room(window: list[dt.date], loads: dict[dt.date, int], limit: int, plan: MovablePlan) -> dt.date | None:
    """Free one day of `window` (all of whose days hold `limit` calls) by moving a chain of other
    calls, the last of which lands on a day under `limit`; returns the freed day, or None when no
    chain exists. Applies the moves to `plan` and `loads` (the freed day's count drops by one:
    the caller adds the new call to it)."""
    seen = set(window) | {plan.today}
    parent: dict[dt.date, dt.date] = {}
    frontier = sorted(window)
    while frontier:
        spans = plan.reach(frontier)
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
        for best in sorted(found, key=lambda t: (loads.get(t, 0), abs((t - parent[t]).days), t)):
            chain = _chain(best, parent, set(window), plan)
            if chain is not None:
                return _apply(chain, loads, plan)
        frontier = following
    return None


def _chain(target: dt.date, parent: dict[dt.date, dt.date], start: set[dt.date],
           plan: MovablePlan) -> list[tuple[PlanRow, dt.date]] | None:
    """The moves from the window to the day with room, one call per step (the one `mover_rank`
    puts first), or None when some step has no call that may go (its contact is busy there)."""
    chain: list[tuple[PlanRow, dt.date]] = []
    while True:
        day = parent[target]
        row = plan.mover(day, target)
        if row is None:
            return None
        chain.append((row, target))
        if day in start:
            return chain
        target = day


def _apply(chain: list[tuple[PlanRow, dt.date]], loads: dict[dt.date, int], plan: MovablePlan) -> dt.date:
    for row, target in chain:
        plan.move(row, target)
    loads[chain[0][1]] = loads.get(chain[0][1], 0) + 1
    freed = chain[-1][0].date
    loads[freed] -= 1
    return freed
