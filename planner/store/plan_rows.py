"""A pinned PlannedCall row: the one shape every pin takes (a pin or snooze, a log's follow-up or
retry, a call given back, a thank-you task, the demo's). Pinned on its day, the day is also its
ideal and its whole window, so the solver never moves it; it is the contact's next call (seq 0)."""

from __future__ import annotations

import datetime as dt

from planner.store.models import PlannedCall


def insert_pinned(contact_id: int, day: dt.date, reason: str, note: str = "",
                  favor: int | None = None, at_time: str = "") -> PlannedCall:
    """Pin a call (or, with `favor`, that favour's thank-you task) on `day`, inside the caller's
    write transaction."""
    return PlannedCall.create(contact=contact_id, date=day, ideal=day, window_start=day, window_end=day,
                              reason=reason, pinned=True, seq=0, note=note, favor=favor,
                              at_time=at_time)
