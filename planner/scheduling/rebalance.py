"""Rebalancing everyone (`followup plan --rebalance`, the plan screen's `r`): a re-plan that ignores
where calls were, shown as figures before and after, applied only when the user agrees and never
when it would make the plan worse on the figures shown (the sum of squared loads, the largest
shift from an ideal day). Today's list stays as it is either way (`worklist.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from planner.core import dates
from planner.scheduling.inputs import load_calendar
from planner.scheduling.service import replan
from planner.scheduling.stats import PlanStats, compute_stats
from planner.scheduling.stored_plan import stored_rows
from planner.store.database import retried
from planner.store.journal import journaled


@dataclass(frozen=True)
class Rebalance:
    before: PlanStats  # the stored plan
    after: PlanStats  # the rebalanced one (stored when `applied`)
    applied: bool
    moved: int = 0

    @property
    def worse(self) -> list[str]:
        """The figures on which the rebalanced plan is worse than the stored one (none: it may go in)."""
        return worse_on(self.before, self.after)

    @property
    def words(self) -> str:
        """"sum of squared loads 1462 → 1450 · max shift 51d → 49d"."""
        b, a = self.before, self.after
        return (f"sum of squared loads {b.sum_sq_load} → {a.sum_sq_load} · "
                f"max shift {b.max_shift_days}d → {a.max_shift_days}d")

    def to_json(self) -> dict:
        return {"before": self.before.to_json(), "after": self.after.to_json(), "applied": self.applied,
                "worse_on": self.worse, "moved": self.moved}


def worse_on(before: PlanStats, after: PlanStats) -> list[str]:
    found = []
    if after.sum_sq_load > before.sum_sq_load:
        found.append("sum of squared loads")
    if after.max_shift_days > before.max_shift_days:
        found.append("max shift")
    return found


class _KeepOld(Exception):
    def __init__(self, outcome: Rebalance) -> None:
        super().__init__("the rebalanced plan is worse")
        self.outcome = outcome


def stored_stats() -> PlanStats:
    return compute_stats(stored_rows(), load_calendar(), dates.today())


def preview() -> Rebalance:
    """The figures of the stored plan and of a rebalanced one; nothing is stored."""
    before = stored_stats()
    result = replan(None, rebalance=True, dry_run=True)
    return Rebalance(before, result.stats, False, result.moved)


@retried
def apply() -> Rebalance:
    """Rebalance and store it, in one transaction that is rolled back when the new plan is worse
    than the stored one on either figure (another session may have changed the plan since the
    preview): then `applied` is False and the stored plan is as it was."""
    try:
        with journaled("Rebalanced the plan"):  # many calls move at once: one `undo` puts them back
            before = stored_stats()
            result = replan(None, rebalance=True)
            outcome = Rebalance(before, result.stats, True, result.moved)
            if outcome.worse:
                raise _KeepOld(Rebalance(before, result.stats, False, 0))
    except _KeepOld as kept:
        return kept.outcome
    return outcome
