"""How much the plan moves when everyone is re-planned on a new day: calls move to keep the load
flat, never just to sit nearer their ideal day, so the morning's agenda is the one the user saw
last night, give or take what yesterday left undone."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from planner.core.workdays import WorkCalendar
from planner.scheduling.engine import plan_contacts
from planner.scheduling.windows import ContactPlanInput, PlanSettings

TODAY = dt.date(2026, 11, 25)
CAL = WorkCalendar()


def _contacts(n: int) -> list[ContactPlanInput]:
    rng = random.Random(5)
    infos = []
    for cid in range(1, n + 1):
        cadence = rng.choice([14, 30, 60, 90, 182])
        last = None if rng.random() < 0.05 else TODAY - dt.timedelta(days=rng.randint(0, cadence + 10))
        infos.append(ContactPlanInput(cid, cadence, True, last))
    return infos


def _sum_sq(rows) -> int:
    return sum(n * n for n in Counter(r.date for r in rows).values())


def test_a_new_day_moves_calls_only_to_keep_the_load_flat():
    infos = _contacts(600)
    today_plan = plan_contacts(infos, [], CAL, PlanSettings(TODAY))
    tomorrow = PlanSettings(TODAY + dt.timedelta(days=1))
    # today's calls were not made: tomorrow they are due again (their contacts keep their last contact)
    prev = {(r.contact_id, r.seq): r.date for r in today_plan if r.date > TODAY}
    anchors = {r.contact_id: r.date for r in today_plan if r.reason == "new" and r.seq == 0 and r.date > TODAY}
    infos = [ContactPlanInput(i.contact_id, i.cadence, True, i.last_contact, new_anchor=anchors.get(i.contact_id))
             for i in infos]
    plans = {mode: plan_contacts(infos, [], CAL, tomorrow, dict(prev), stability=mode)
             for mode in ("none", "weak", "steady")}

    def moved(rows) -> int:
        return sum(1 for r in rows if (r.contact_id, r.seq) in prev and prev[(r.contact_id, r.seq)] != r.date)

    flattest = _sum_sq(plans["none"])
    assert _sum_sq(plans["steady"]) <= 1.02 * flattest  # as flat as the issue asks (within 2%)
    assert moved(plans["steady"]) < moved(plans["weak"])  # closeness alone moves nothing
    assert moved(plans["steady"]) <= 0.05 * len(prev)
    peaks = {mode: max(Counter(r.date for r in rows).values()) for mode, rows in plans.items()}
    assert peaks["steady"] == peaks["none"]
