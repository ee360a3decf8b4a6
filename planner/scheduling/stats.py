"""Figures about a plan, from its rows alone: load per working day, peak against the lower bound,
flatness, shift from ideal, late calls and the critical interval when a daily cap binds."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from planner.core.vocabulary import FREE_REASONS
from planner.core.workdays import WorkCalendar
from planner.scheduling.engine import DayIndex, PlanRow, daily_loads
from planner.scheduling.lower_bound import critical_interval, lower_bound


@dataclass(frozen=True)
class PlanStats:
    calls: int
    peak: int
    lower_bound: int
    sum_sq_load: int
    mean_shift_days: float
    max_shift_days: int
    late: int
    critical: tuple[dt.date, dt.date, int] | None = None  # over-full interval and by how much
    overdue: int = 0  # pinned calls on days already past: still owed

    def to_json(self) -> dict:
        return {
            "calls": self.calls, "peak": self.peak, "lower_bound": self.lower_bound,
            "sum_sq_load": self.sum_sq_load, "mean_shift_days": round(self.mean_shift_days, 3),
            "max_shift_days": self.max_shift_days, "late": self.late,
        }


def row_window(row: PlanRow, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days the row could go on: a pinned call or today's call has only its own day."""
    if row.pinned or row.date == today:
        return row.date, row.date
    return row.window_start, row.window_end


def compute_stats(rows: list[PlanRow], cal: WorkCalendar, today: dt.date) -> PlanStats:
    current = [row for row in rows if row.date >= today]
    overdue = sum(1 for row in rows if row.date < today)
    if not current:
        return PlanStats(len(rows), 0, 0, 0, 0.0, 0, 0, None, overdue)
    last = max(max(row.date for row in current), max(row.window_end for row in current))
    index = DayIndex(cal, today, last)
    loads = daily_loads(current, index)
    per_window: Counter = Counter()
    late = 0
    for row in current:
        per_window[row_window(row, today)] += 1
        if row.date > row.window_end and not row.pinned:
            late += 1
    bound, critical = _bound(per_window, index, cal)
    shifts = [abs((row.date - row.ideal).days) for row in current if not row.pinned and row.reason in FREE_REASONS]
    return PlanStats(
        calls=len(rows), peak=max(loads, default=0), lower_bound=bound,
        sum_sq_load=sum(n * n for n in loads),
        mean_shift_days=sum(shifts) / len(shifts) if shifts else 0.0,
        max_shift_days=max(shifts, default=0), late=late, critical=critical, overdue=overdue,
    )


def grouped_stats(rows: list[PlanRow], counts: list[int], cal: WorkCalendar, today: dt.date) -> PlanStats:
    """`compute_stats` of a plan read grouped (by day, ideal day, window, reason and pinned): each
    row stands for `counts` calls, so 100k calls are a few hundred rows."""
    weighted = list(zip(rows, counts, strict=True))
    calls = sum(n for _, n in weighted)
    current = [(row, n) for row, n in weighted if row.date >= today]
    overdue = sum(n for row, n in weighted if row.date < today)
    if not current:
        return PlanStats(calls, 0, 0, 0, 0.0, 0, 0, None, overdue)
    last = max(max(row.date for row, _ in current), max(row.window_end for row, _ in current))
    index = DayIndex(cal, today, last)
    loads = [0] * len(index)
    per_window: Counter = Counter()
    late = 0
    shift_sum = shift_count = max_shift = 0
    for row, n in current:
        position = index.index.get(row.date)
        if position is not None:
            loads[position] += n
        per_window[row_window(row, today)] += n
        if row.date > row.window_end and not row.pinned:
            late += n
        if not row.pinned and row.reason in FREE_REASONS:
            shift = abs((row.date - row.ideal).days)
            shift_sum += shift * n
            shift_count += n
            max_shift = max(max_shift, shift)
    bound, critical = _bound(per_window, index, cal)
    return PlanStats(
        calls=calls, peak=max(loads, default=0), lower_bound=bound,
        sum_sq_load=sum(n * n for n in loads),
        mean_shift_days=shift_sum / shift_count if shift_count else 0.0,
        max_shift_days=max_shift, late=late, critical=critical, overdue=overdue,
    )


def _bound(per_window: Counter, index: DayIndex, cal: WorkCalendar) -> tuple[int, tuple[dt.date, dt.date, int] | None]:
    """The lower bound on the peak, and the critical interval when a daily cap binds."""
    windows: dict[tuple[int, int], int] = {}
    for (start, end), count in per_window.items():  # a few thousand distinct windows: span each once
        lo, hi = index.span(start, end)
        if lo <= hi:
            windows[(lo, hi)] = windows.get((lo, hi), 0) + count
    triples = [(lo, hi, n) for (lo, hi), n in windows.items()]
    bound = lower_bound(triples, len(index)).peak
    critical = None
    if cal.capacity is not None:
        found = critical_interval(triples, len(index), cal.capacity)
        if found:
            critical = (index.days[found[0]], index.days[found[1]], found[2])
    return bound, critical
