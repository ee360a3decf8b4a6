"""The planner service: keeps the stored plan (table PlannedCall) in step with contacts.

`update_plan(None)` re-plans everyone through the flow model, steadily (a call already planned
stays unless moving it keeps the load flat: never just to bring it nearer its ideal day);
`rebalance=True` ignores where calls were. `update_plan(ids)` places only those contacts' calls
while every other call stays put unless the peak would rise: then it moves the shortest chain of
other calls that frees a day (see `incremental.py` and `reroute.py`). When that cannot decide (a
daily cap making calls late), when many contacts changed, or when the stored plan is from an
earlier day, it re-plans everyone with keeping calls in place ranked above flatness, so it moves
only as many as holding the peak needs. On a desk, all of this happens per owner, over that
owner's calendar (`owners.py`). Reading, solving and writing happen in one IMMEDIATE
transaction, so two sessions cannot interleave their plans. Pinned rows belong to whoever made
them: they are read, never rewritten. The day's first plan sets today's list of calls; every
later plan that day holds it as a fixed load (`worklist.py`)."""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

from planner.core import dates
from planner.core.collector import cycle_collection_paused
from planner.core.workdays import WorkCalendar
from planner.scheduling import worklist
from planner.scheduling.engine import PlanRow, plan_contacts
from planner.scheduling.incremental import place_incremental, seed_new_anchors
from planner.scheduling.inputs import load_calendar, load_inputs
from planner.scheduling.owners import contacts_of, member_of, owner_keys, owners_of
from planner.scheduling.stats import PlanStats, compute_stats
from planner.scheduling.stored_plan import (
    StoredPlanCalls,
    as_date,
    loads_without,
    move_rows,
    plan_row,
    raw_rows,
    stored_rows,
    write_plan,
)
from planner.scheduling.touch_points import sync_touch_points
from planner.scheduling.windows import ContactPlanInput, PlanSettings
from planner.store import settings
from planner.store.database import retried, write_tx
from planner.store.models import PlannedCall

INCREMENTAL_LIMIT = 50  # more changed contacts than this: one full re-plan is cheaper and flatter
_BY_DATE = attrgetter("date", "contact_id", "seq")  # the plan's order; in C, no call per row (100k+)


class PlanResult:
    """A plan computed (and stored unless it was a dry run). After an incremental update the
    rows and figures are read back from the database only when asked for, so an edit stays fast."""

    def __init__(self, today: dt.date, horizon_end: dt.date, rows: list[PlanRow] | None,
                 stats: PlanStats | None, moved: int, full: bool, cal: WorkCalendar) -> None:
        self.today, self.horizon_end = today, horizon_end
        self.moved = moved  # unpinned calls whose day changed
        self.full = full  # True: the flow model ran; False: incremental placement
        self._rows, self._stats, self._cal = rows, stats, cal

    def forget_rows(self) -> None:
        """Read the rows and figures back from the database when next asked for."""
        self._rows, self._stats = None, None

    @property
    def rows(self) -> list[PlanRow]:
        """Every row of the plan, pinned ones included, by date."""
        if self._rows is None:
            self._rows = sorted(stored_rows(), key=_BY_DATE)
        return self._rows

    @property
    def stats(self) -> PlanStats:
        if self._stats is None:
            self._stats = compute_stats(self.rows, self._cal, self.today)
        return self._stats


def plan_settings(horizon: int | None = None) -> PlanSettings:
    today = dates.today()
    return PlanSettings(
        today=today,
        horizon_days=horizon if horizon is not None else settings.get("horizon"),
        tolerance=settings.get("tolerance"),
        catchup=settings.get("catchup"),
        today_fixed=worklist.is_set(today),
    )


@retried
def replan(contact_ids: list[int] | None = None, *, rebalance: bool = False, dry_run: bool = False,
           horizon: int | None = None, owners: list[int] | None = None) -> PlanResult:
    """Re-plan (see the module docstring) and return the whole plan with its figures. Each
    owner's calls are planned on their own (`owners.py`); `owners` also re-plans everyone of
    those owners' partitions, keeping every call that can stay, as moving contacts between
    owners needs."""
    with cycle_collection_paused():
        if dry_run:
            return _replan(contact_ids, rebalance, False, horizon, owners)
        with write_tx():
            result = _replan(contact_ids, rebalance, True, horizon, owners)
            if worklist.record(result.today):
                result.forget_rows()  # the list was set just now: figures on its basis, as stored
    return result


@retried
def update_plan(contact_ids: list[int] | None, *, rebalance: bool = False) -> PlanStats:
    """Re-plan the given contacts, or everyone when None; returns the figures of the new plan."""
    return replan(contact_ids, rebalance=rebalance).stats


def plan_is_stale() -> bool:
    """The stored plan still has unpinned calls on days already past (made on an earlier day)."""
    return _stale(dates.today())


@retried
def refresh_if_stale() -> bool:
    """Re-plan everyone when the stored plan still has unpinned calls on days already past
    (a new day began since the last plan). Returns True when it re-planned."""
    if _stale(dates.today()):
        replan(None)  # nobody reads its figures: the day's first plan is not read back to count them
        return True
    return False


def _replan(contact_ids: list[int] | None, rebalance: bool, write: bool, horizon: int | None,
            owners: list[int] | None = None) -> PlanResult:
    ps = plan_settings(horizon)
    keys = owner_keys()
    if len(keys) <= 1 and not owners:  # one partition (a personal file): the whole plan at once
        cal = load_calendar(member_of(keys[0]) if keys else None)
        rows, moved, full = _replan_part(None, contact_ids, rebalance, write, horizon, ps, cal)
        if rows is not None:
            rows.sort(key=_BY_DATE)
        return PlanResult(ps.today, ps.horizon_end, rows, None, moved, full, cal)
    parts: dict[int, list[int] | None] = {}
    parts.update(dict.fromkeys(keys) if contact_ids is None else owners_of(contact_ids))
    parts.update(dict.fromkeys(key for key in owners or () if key in keys))  # whole, keeping calls (strong)
    combined: list[PlanRow] | None = []
    moved, full = 0, True
    for owner in sorted(parts):
        cal = load_calendar(member_of(owner))
        keep = contact_ids is not None and owner in (owners or ())
        rows, part_moved, part_full = _replan_part(owner, None if keep else parts[owner], rebalance, write,
                                                   horizon, ps, cal, keep=keep)
        moved, full = moved + part_moved, full and part_full
        combined = None if rows is None or combined is None else combined + rows
    if combined is not None and len(parts) < len(keys):
        combined = None  # the other owners' rows were not read: read the whole plan when asked
    if combined is not None:
        combined.sort(key=_BY_DATE)
    return PlanResult(ps.today, ps.horizon_end, combined, None, moved, full, load_calendar())


def _replan_part(owner: int | None, contact_ids: list[int] | None, rebalance: bool, write: bool,
                 horizon: int | None, ps: PlanSettings, cal: WorkCalendar,
                 *, keep: bool = False) -> tuple[list[PlanRow] | None, int, bool]:
    """Re-plan within one owner's partition (everyone's when `owner` is None) on that owner's
    calendar: the given contacts, or the whole partition (with `keep`, as after an edit: every
    call that can stay, stays). Returns (the partition's rows when it was planned whole, calls
    moved, whether it was)."""
    incremental = (contact_ids is not None and not rebalance and horizon is None
                   and len(set(contact_ids)) <= INCREMENTAL_LIMIT and not _stale(ps.today))
    seeded: dict[int, ContactPlanInput] = {}
    if write:  # sequence steps first: a log may have satisfied one, an edit moved its day
        scope = sorted(set(contact_ids)) if contact_ids is not None else (
            None if owner is None else contacts_of(owner))
        sync_touch_points(cal, scope)
    if incremental:
        changed = sorted(set(contact_ids or []))
        mine = raw_rows(changed)
        infos = load_inputs(changed, mine, cal, ps.today)
        loads = loads_without(changed, ps.today, owner)
        for t in mine:
            if t[7]:  # pinned rows of the changed contacts keep their day and count
                loads[as_date(t[2])] += 1
        placed = place_incremental(infos, loads, cal, ps, StoredPlanCalls(changed, owner))
        if placed is not None:
            moved = write_plan([t for t in mine if not t[7]], placed.rows, write)
            moved += move_rows(placed.moves, write)
            return None, moved, False
        seeded = {i.contact_id: i for i in seed_new_anchors(infos, loads, cal, ps) if i.new_anchor}
    everything = raw_rows(None, owner)
    infos = load_inputs(None, everything, cal, ps.today, owner)
    old = [t for t in everything if not t[7]]
    prev = {} if rebalance else {(t[1], t[8]): as_date(t[2]) for t in old}
    if seeded:  # the edit could not be placed alone: anchor its new contacts where their chain fits best
        infos = [seeded.get(i.contact_id, i) for i in infos]
        prev.update({(cid, 0): info.new_anchor for cid, info in seeded.items() if info.new_anchor})
    pinned = [plan_row(t) for t in everything if t[7]]
    # after edits, keep every call that can stay (strong); a re-plan of everyone moves calls only
    # to keep the load flat (steady), never just to bring them nearer their ideal day
    stability = "none" if rebalance else ("steady" if contact_ids is None and not keep else "strong")
    new_rows = plan_contacts(infos, [r for r in pinned if r.date >= ps.today], cal, ps, prev, stability=stability)
    moved = write_plan(old, new_rows, write)
    return pinned + new_rows, moved, True


def owner_stats(owner: int) -> PlanStats:
    """The figures of one owner's partition of the stored plan, on that owner's calendar: its peak
    against its own lower bound."""
    cal = load_calendar(member_of(owner))
    rows = [plan_row(t) for t in raw_rows(None, owner)]
    return compute_stats(rows, cal, dates.today())


def _stale(today: dt.date) -> bool:
    """Unpinned calls still planned on days already past: a new day began since the last plan."""
    return PlannedCall.select().where(PlannedCall.pinned == False, PlannedCall.date < today).exists()

