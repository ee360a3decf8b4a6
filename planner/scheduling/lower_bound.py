"""The physical limit of any plan: LB = max over day intervals [a, b] of
ceil(calls whose window lies inside [a, b] / working days in [a, b]).

Windows are intervals of working-day indices, so this is also exactly the smallest feasible peak
(Hall's condition for interval windows). It is computed by an interval scan with prefix sums,
independently of the solver, so each checks the other: for each start `a`, from the last day
back, the windows starting at `a` join a per-end count and one cumulative sum gives the calls
inside [a, b] for every end b at once. O(days^2) time, O(days) memory. With a daily capacity
`cap`, the same scan finds the critical interval: the one whose calls exceed `cap * days` most.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class IntervalBound:
    peak: int  # the lower bound on the highest daily load
    start: int  # the interval (working-day indices) that attains it
    end: int


def _scan(windows: Iterable[tuple[int, int, int]], n_days: int):
    """Yield (a, inside) where inside[b - a] = calls with window inside [a, b], for b = a..n-1."""
    import numpy as np

    by_start: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for lo, hi, count in windows:
        if count:
            by_start[lo].append((hi, count))
    per_end = np.zeros(n_days, dtype=np.int64)
    for a in range(n_days - 1, -1, -1):
        for hi, count in by_start.get(a, ()):
            per_end[hi] += count
        yield a, np.cumsum(per_end[a:])


def lower_bound(windows: Iterable[tuple[int, int, int]], n_days: int) -> IntervalBound:
    """LB over (lo, hi, count) windows on days 0..n_days-1; 0 when there are no calls."""
    import numpy as np

    best = IntervalBound(0, 0, 0)
    if n_days <= 0:
        return best
    for a, inside in _scan(windows, n_days):
        length = np.arange(1, len(inside) + 1)
        need = -(-inside // length)
        i = int(np.argmax(need))
        if need[i] > best.peak or (need[i] == best.peak and need[i] > 0):
            best = IntervalBound(int(need[i]), a, a + i)
    return best


def critical_interval(windows: Iterable[tuple[int, int, int]], n_days: int, cap: int) -> tuple[int, int, int] | None:
    """(a, b, excess) for the interval whose calls exceed `cap` per day by the most; None if none do."""
    import numpy as np

    best: tuple[int, int, int] | None = None
    if n_days <= 0:
        return None
    for a, inside in _scan(windows, n_days):
        excess = inside - cap * np.arange(1, len(inside) + 1)
        i = int(np.argmax(excess))
        if excess[i] > 0 and (best is None or excess[i] >= best[2]):
            best = (a, a + i, int(excess[i]))
    return best
