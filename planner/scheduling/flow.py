"""The transportation model: groups of interchangeable calls -> working days, solved as an LP
with HiGHS (highspy, imported lazily so start-up does not pay for it).

Network: one row per group (its calls must all be placed), one row per day (what flows in leaves
through the day's cost segments). Arcs group->day exist for the days of the group's window (and,
when a daily cap cannot hold everything, for later days at a large per-day lateness cost). A day's
load beyond its pinned calls leaves through segments of width `seg` whose unit costs follow
(load)^2, so the LP minimises a piecewise-linear sum of squares that is within 2% of the exact one
(1% bound, see `segment_width`) and exact when segments are one call wide. The per-day capacity
is the peak (the lower bound, computed apart), so the peak is met exactly.

Priorities are carried by weights: lateness >> flatness >> closeness (|day - ideal| / tolerance)
>> a small bonus for leaving a call on the day it was planned before (stability "weak": a re-plan
that may level the plan and tidy calls nearer their ideal days). With "steady" (re-planning
everyone: a new day, a settings change) keeping a call outweighs any closeness gain but not
flatness, so calls move only to keep the load flat; with "strong" (an edit the incremental path
could not place) keeping a call on its day outweighs flatness too, so within the peak the solver
moves as few other calls as it can; "none" ignores where calls were (`--rebalance`). The
constraint matrix is a network matrix with integer data, so the simplex optimum is integral;
rounding only cleans noise.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field

from planner.core.errors import FollowupError

WEAK_MOVE_COST = 0.25  # in tolerance units: a planned call moves only to get this much closer to ideal
STABILITY = ("none", "weak", "steady", "strong")


_banner_lock = threading.Lock()
_banner_done = False


def quiet_solver():
    """A Highs instance that prints nothing. HiGHS 1.16 writes its banner to file descriptor 1
    when the first instance of the process is created, before any option can be set; that would
    land in `--json` output or on the user's terminal under the TUI. So the first construction
    happens with fd 1 pointed at /dev/null for that instant; later ones are silent. (Textual
    draws on fd 2, so the TUI's frames are not affected by the brief redirect.)"""
    global _banner_done
    import highspy

    with _banner_lock:
        if not _banner_done:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "wb") as sink:
                    os.dup2(sink.fileno(), 1)
                    highs = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _banner_done = True
        else:
            highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    # the model is a bare network with no redundancy to remove: presolve costs more than it
    # saves (at 10k contacts it takes 0.17 s against 0.06 s for the dual simplex without it)
    highs.setOptionValue("presolve", "off")
    return highs


@dataclass
class Group:
    """`count` interchangeable calls that may go on days lo..hi (indices into the day list)."""

    lo: int
    hi: int
    count: int
    closeness: list[float]  # cost per call on day lo + i
    prev: dict[int, int] = field(default_factory=dict)  # day -> calls of this group planned there before


@dataclass
class FlowResult:
    placed: list[dict[int, int]]  # per group: day -> calls
    late_calls: int


def segment_width(total_calls: int, n_days: int) -> int:
    """Widest cost segment keeping the piecewise-linear sum of squares within 1% of the exact one:
    the error is at most n*seg^2/4 and the minimum at least total^2/n."""
    if n_days <= 0 or total_calls <= 0:
        return 1
    return max(1, int(0.2 * total_calls / n_days))


def solve(groups: list[Group], fixed: list[int], day_cap: int, *, late_horizon: int = 0,
          stability: str = "weak") -> FlowResult:
    """Place every group's calls; each day holds at most `day_cap` calls including `fixed[d]`.

    `late_horizon` > 0 allows calls on up to that many days after their window (when the cap binds).
    """
    import highspy
    import numpy as np

    n_days = len(fixed)
    if not groups:
        return FlowResult([], 0)
    total = sum(g.count for g in groups)
    seg = segment_width(total + sum(fixed), n_days)
    if stability not in STABILITY:
        raise ValueError(f"stability must be one of {STABILITY}")
    weak = WEAK_MOVE_COST if stability == "weak" else 0.0
    max_other = max((max(g.closeness) for g in groups if g.closeness), default=0.0) + weak
    weight = 2.0 * max_other + 1.0
    pwl_max = weight * (2.0 * (day_cap + max(fixed, default=0)) / seg + 3.0)  # most one call can change it
    move = {"none": 0.0, "weak": weak, "steady": max_other + 0.5, "strong": pwl_max + max_other}[stability]
    late_day = (pwl_max + move) * 2.0
    late_count = late_day * (n_days + 1)

    costs: list[float] = []
    uppers: list[float] = []
    rows: list[int] = []  # group row of each arc column (day row follows)
    days: list[int] = []
    for gi, group in enumerate(groups):
        for offset, close in enumerate(group.closeness):
            day = group.lo + offset
            stay = group.prev.get(day, 0) if move else 0
            if stay:
                costs.append(close - move)
                uppers.append(float(min(stay, group.count)))
                rows.append(gi)
                days.append(day)
            costs.append(close)
            uppers.append(float(group.count))
            rows.append(gi)
            days.append(day)
        if late_horizon:
            for day in range(group.hi + 1, min(n_days, group.hi + 1 + late_horizon)):
                costs.append(late_count + late_day * (day - group.hi))
                uppers.append(float(group.count))
                rows.append(gi)
                days.append(day)
    n_arcs = len(costs)
    n_groups = len(groups)
    seg_day: list[int] = []
    for day in range(n_days):
        room = max(0, day_cap - fixed[day])
        start = fixed[day]
        while room > 0:
            width = min(seg, room)
            slope = ((start + width) ** 2 - start**2) / width
            costs.append(weight * slope / seg)
            uppers.append(float(width))
            seg_day.append(day)
            start += width
            room -= width

    n_cols = len(costs)
    arc_rows = np.asarray(rows, dtype=np.int32)
    arc_days = np.asarray(days, dtype=np.int32) + n_groups
    seg_rows = np.asarray(seg_day, dtype=np.int32) + n_groups
    index = np.empty(2 * n_arcs + len(seg_day), dtype=np.int32)
    value = np.empty(len(index), dtype=np.float64)
    index[0 : 2 * n_arcs : 2] = arc_rows
    index[1 : 2 * n_arcs : 2] = arc_days
    value[: 2 * n_arcs] = 1.0
    index[2 * n_arcs :] = seg_rows
    value[2 * n_arcs :] = -1.0
    col_starts = np.concatenate([np.arange(0, 2 * n_arcs + 1, 2, dtype=np.int32),
                                 2 * n_arcs + np.arange(1, len(seg_day) + 1, dtype=np.int32)])

    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_groups + n_days
    lp.col_cost_ = np.asarray(costs, dtype=np.float64)
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.asarray(uppers, dtype=np.float64)
    demand = np.asarray([g.count for g in groups], dtype=np.float64)
    lp.row_lower_ = np.concatenate([demand, np.zeros(n_days)])
    lp.row_upper_ = np.concatenate([demand, np.zeros(n_days)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = col_starts
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value

    highs = quiet_solver()
    highs.passModel(lp)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise FollowupError(f"planner: the solver found no plan ({highs.modelStatusToString(highs.getModelStatus())})")
    flows = np.asarray(highs.getSolution().col_value[:n_arcs])
    return FlowResult(*_integral(groups, arc_rows, np.asarray(days, dtype=np.int32), flows))


def _integral(groups: list[Group], arc_rows, arc_days, flows) -> tuple[list[dict[int, int]], int]:
    """Per-group day counts from the (integral up to noise) LP flows; every group sums exactly."""
    import numpy as np

    rounded = np.rint(flows).astype(np.int64)
    placed: list[dict[int, int]] = [{} for _ in groups]
    for gi, day, amount in zip(arc_rows.tolist(), arc_days.tolist(), rounded.tolist(), strict=True):
        if amount > 0:
            placed[gi][day] = placed[gi].get(day, 0) + amount
    late = 0
    for gi, group in enumerate(groups):
        counts = placed[gi]
        have = sum(counts.values())
        while have > group.count:  # noise: take from the busiest entry
            day = max(counts, key=counts.__getitem__)
            counts[day] -= 1
            have -= 1
        if have < group.count:  # noise the other way: nearest to the window's ideal cost
            best = min(range(len(group.closeness)), key=group.closeness.__getitem__)
            placed[gi][group.lo + best] = placed[gi].get(group.lo + best, 0) + group.count - have
        placed[gi] = {d: n for d, n in placed[gi].items() if n > 0}
        late += sum(n for d, n in placed[gi].items() if d > group.hi)
    return placed, late
