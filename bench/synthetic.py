"""Synthetic contact sets for the planner benchmark: cadences 14/30/60/90/182/365 days, 10% overdue,
5% new (never contacted), a few pinned calls; deterministic for a given seed."""

from __future__ import annotations

import datetime as dt
import random

from planner.scheduling.engine import PlanRow
from planner.scheduling.windows import ContactPlanInput

CADENCES = (14, 30, 60, 90, 182, 365)


def synthetic_contacts(n: int, today: dt.date, seed: int = 7) -> tuple[list[ContactPlanInput], list[PlanRow]]:
    """(inputs, pinned rows) for `n` contacts."""
    rng = random.Random(seed)
    infos: list[ContactPlanInput] = []
    pinned: list[PlanRow] = []
    for cid in range(1, n + 1):
        cadence = rng.choice(CADENCES)
        roll = rng.random()
        if roll < 0.05:
            last = None
        elif roll < 0.15:
            last = today - dt.timedelta(days=cadence + rng.randint(1, cadence))
        else:
            last = today - dt.timedelta(days=rng.randint(0, cadence - 1))
        pins: tuple[dt.date, ...] = ()
        if rng.random() < 0.005:
            day = today + dt.timedelta(days=rng.randint(1, 40))
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            pins = (day,)
            pinned.append(PlanRow(cid, day, day, day, day, "pinned", True, 0))
        infos.append(ContactPlanInput(cid, cadence, True, last, pins))
    return infos, pinned
