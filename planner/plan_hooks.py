"""How a change to contacts, interactions or favours reaches the stored plan.

Services call `contacts_changed(ids)` inside their write transaction, so the change and the
re-plan it causes are stored together or not at all (the re-plan's own transaction becomes a
savepoint); the scheduling service then re-plans those contacts incrementally. Kept here, apart
from both, so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Iterable


def contacts_changed(contact_ids: Iterable[int]) -> None:
    """Re-plan the given contacts (and move others only if the peak would otherwise rise).
    The plan's figures are not computed here: nobody reads them after an edit."""
    from planner.scheduling.service import replan

    replan(list(contact_ids))


def settings_changed() -> None:
    """Workdays, holidays, capacity, horizon or cadences changed: re-plan everyone, stably."""
    from planner.scheduling.service import replan

    replan(None)
