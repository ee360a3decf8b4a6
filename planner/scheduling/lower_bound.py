"""The physical limit of any plan: LB = max over day intervals [a, b] of
ceil(calls whose window lies inside [a, b] / working days in [a, b]).

Windows are intervals of working-day indices, so this is also exactly the smallest feasible peak
(Hall's condition for interval windows). It is computed by an interval scan with 2-D prefix sums,
independently of the solver, so each checks the other. With a daily capacity `cap`, the same scan
finds the critical interval: the one whose demand exceeds `cap * days` by the most.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class IntervalBound:
    peak: int  # the lower bound on the highest daily load
    start: int  # the interval (working-day indices) that attains it
    end: int


def _inside_counts(windows: Iterable[tuple[int, int, int]], n_days: int):
    """inside[a, b] = number of calls whose window [lo, hi] has a <= lo and hi <= b."""
    import numpy as np

    counts = np.zeros((n_days, n_days), dtype=np.int64)
    for lo, hi, count in windows:
        if count:
            counts[lo, hi] += count
    inside = np.flip(np.cumsum(np.flip(counts, axis=0), axis=0), axis=0)  # lo >= a
    return np.cumsum(inside, axis=1)  # hi <= b


def lower_bound(windows: Iterable[tuple[int, int, int]], n_days: int) -> IntervalBound:
    """LB over (lo, hi, count) windows on days 0..n_days-1; 0 when there are no calls."""
    import numpy as np

    if n_days <= 0:
        return IntervalBound(0, 0, 0)
    inside = _inside_counts(windows, n_days)
    idx = np.arange(n_days)
    length = idx[None, :] - idx[:, None] + 1
    valid = length > 0
    need = np.where(valid, -(-inside // np.maximum(length, 1)), 0)
    flat = int(np.argmax(need))
    a, b = divmod(flat, n_days)
    return IntervalBound(int(need[a, b]), int(a), int(b))


def critical_interval(windows: Iterable[tuple[int, int, int]], n_days: int, cap: int) -> tuple[int, int, int] | None:
    """(a, b, excess) for the interval whose calls exceed `cap` per day by the most; None if none do."""
    import numpy as np

    if n_days <= 0:
        return None
    inside = _inside_counts(windows, n_days)
    idx = np.arange(n_days)
    length = idx[None, :] - idx[:, None] + 1
    excess = np.where(length > 0, inside - cap * length, np.iinfo(np.int64).min)
    flat = int(np.argmax(excess))
    a, b = divmod(flat, n_days)
    if excess[a, b] <= 0:
        return None
    return int(a), int(b), int(excess[a, b])
