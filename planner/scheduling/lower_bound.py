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

import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True)
class IntervalBound:
    peak: int  # the lower bound on the highest daily load
    start: int  # the interval (working-day indices) that attains it
    end: int


def _numpy():
    """numpy when the solver has loaded it already, else None: the plan's figures on their own
    (the plan screen's first visit) must not load it, 13 MiB and a quarter of a second for a scan
    that plain Python does in a few milliseconds more over a few hundred days. Both give the same
    answers, first maximum included."""
    return sys.modules.get("numpy")


def _scan(windows: Iterable[tuple[int, int, int]], n_days: int, np):
    """Yield (a, inside) where inside[b - a] = calls with window inside [a, b], for b = a..n-1."""
    by_start: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for lo, hi, count in windows:
        if count:
            by_start[lo].append((hi, count))
    per_end = np.zeros(n_days, dtype=np.int64) if np is not None else [0] * n_days
    for a in range(n_days - 1, -1, -1):
        for hi, count in by_start.get(a, ()):
            per_end[hi] += count
        yield a, np.cumsum(per_end[a:]) if np is not None else list(accumulate(per_end[a:]))


def _first_max(values, np) -> tuple[int, int]:
    """(the largest value, the first index holding it)."""
    if np is not None:
        i = int(np.argmax(values))
        return int(values[i]), i
    top = max(values)
    return top, values.index(top)


def lower_bound(windows: Iterable[tuple[int, int, int]], n_days: int) -> IntervalBound:
    """LB over (lo, hi, count) windows on days 0..n_days-1; 0 when there are no calls."""
    np = _numpy()
    best = IntervalBound(0, 0, 0)
    if n_days <= 0:
        return best
    for a, inside in _scan(windows, n_days, np):
        if np is not None:
            need = -(-inside // np.arange(1, len(inside) + 1))
        else:
            need = [-(-calls // length) for length, calls in enumerate(inside, 1)]
        peak, i = _first_max(need, np)
        if peak > best.peak or (peak == best.peak and peak > 0):
            best = IntervalBound(peak, a, a + i)
    return best


def critical_interval(windows: Iterable[tuple[int, int, int]], n_days: int, cap: int) -> tuple[int, int, int] | None:
    """(a, b, excess) for the interval whose calls exceed `cap` per day by the most; None if none do."""
    np = _numpy()
    best: tuple[int, int, int] | None = None
    if n_days <= 0:
        return None
    for a, inside in _scan(windows, n_days, np):
        if np is not None:
            excess = inside - cap * np.arange(1, len(inside) + 1)
        else:
            excess = [calls - cap * length for length, calls in enumerate(inside, 1)]
        top, i = _first_max(excess, np)
        if top > 0 and (best is None or top >= best[2]):
            best = (a, a + i, top)
    return best
