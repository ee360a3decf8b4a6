"""Giving back the pinned and follow-up calls a log fulfilled, when the log is deleted or edited so
that it would not have fulfilled them; and fulfilling them when it is edited so that it would have.

Logging remembers on the interaction which pinned or follow-up calls it took away, with their day,
reason and note (interaction_pins.py). Removing the log puts them back exactly, unless something
newer has taken their place, as the retry logic does for retries:
- a pinned or follow-up call the contact has now (a later snooze, pin or `--next`) stands;
- a log made after this one that itself fulfilled a pinned call means a newer pin came and went;
- a log made after this one, on or after the call's day, would have fulfilled it had this log
  never been made: the call stays fulfilled, now remembered on that log, so deleting that one in
  turn gives the call back.
A follow-up is given back only while the log that set it exists.

Editing a log into an attempt on or after a call's day (a note turned into a call, a call moved
onto the pinned day) fulfils it as logging it that way would have: the calls still standing that
are due by its day, and those a later log fulfilled or set aside that this one would have
fulfilled first, are remembered on it. Every function here runs inside the caller's write
transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from planner.core.vocabulary import FULFILLED_REASONS, is_attempt
from planner.services.interactions.pins import (
    MARKER_PREFIX,
    fulfil_due,
    marker_setter,
    pin_marker,
    set_since,
)
from planner.services.interactions.records import ConsumedPin, consumed_pins, local_day, store_consumed
from planner.store.models import Interaction, PlannedCall
from planner.store.plan_rows import insert_pinned
from planner.store.queries import attempt_condition


def after_delete(row: Interaction) -> None:
    """`row` was just deleted: give back what it fulfilled. A follow-up it set that a later log
    fulfilled is forgotten by that log, so deleting that later log cannot bring it back."""
    own = pin_marker(row.id)
    for later in _later_logs(row, attempts_only=False):
        pins = consumed_pins(later)
        kept = [pin for pin in pins if pin.note != own]
        if len(kept) != len(pins):
            store_consumed(later, kept)
    _give_back(row, consumed_pins(row))


def after_edit(row: Interaction) -> None:
    """`row` was just edited: make what it fulfilled what it would have fulfilled had it been
    logged this way. A call turned into a note, or moved to before the pinned call's day, gives it
    back; what its own `--next` replaced stays replaced: that follow-up still stands. An attempt
    now on or after a call's day fulfils it."""
    pins = consumed_pins(row)
    attempt, day = is_attempt(row.kind, row.outcome), local_day(row)
    undone = [pin for pin in pins if not pin.replaced and (not attempt or pin.day > day)]
    if undone:
        store_consumed(row, [pin for pin in pins if pin not in undone])
        _give_back(row, undone)
    if attempt:
        _take_over(row, day)
        fulfil_due(row)


def _take_over(row: Interaction, day: dt.date) -> None:
    """Logged this way, `row` would have fulfilled the calls due by `day` before any later log
    could: those a later log fulfilled or set aside move to it, so deleting that later log no
    longer brings them back. A call `row` or a later log set did not exist when it was logged."""
    taken: list[ConsumedPin] = []
    for later in _later_logs(row, attempts_only=False):  # a note's --next sets calls aside too
        pins = consumed_pins(later)
        theirs = [pin for pin in pins if pin.day > day or set_since(pin.note, row)]
        if len(theirs) != len(pins):
            store_consumed(later, theirs)
            taken += [replace(pin, replaced=False) for pin in pins if pin not in theirs]
    if taken:
        store_consumed(row, consumed_pins(row) + taken)


def _later_logs(row: Interaction, *, attempts_only: bool = True) -> list[Interaction]:
    query = Interaction.select().where(Interaction.contact == row.contact_id, Interaction.id > row.id)
    if attempts_only:
        query = query.where(attempt_condition())
    return list(query.order_by(Interaction.id))


def _setter_exists(pin: ConsumedPin) -> bool:
    if not pin.note.startswith(MARKER_PREFIX):
        return True  # a snooze or pin the user made
    setter = marker_setter(pin.note)
    return setter is not None and Interaction.select().where(Interaction.id == setter).exists()


def _give_back(row: Interaction, pins: list[ConsumedPin]) -> None:
    pins = [pin for pin in pins if _setter_exists(pin)]
    if not pins:
        return
    contact_id = row.contact_id
    if PlannedCall.select().where(PlannedCall.contact == contact_id, PlannedCall.pinned == True,
                                  PlannedCall.reason.in_(FULFILLED_REASONS)).exists():
        return  # a newer pinned or follow-up call took its place
    later = [other for other in _later_logs(row) if is_attempt(other.kind, other.outcome)]
    if any(other.consumed_pins for other in later):
        return  # a newer pin came after this log, and a later log fulfilled it
    for pin in pins:
        taker = next((other for other in later if local_day(other) >= pin.day), None)
        if taker is not None:
            store_consumed(taker, consumed_pins(taker) + [replace(pin, replaced=False)])
        else:
            insert_pinned(contact_id, pin.day, pin.reason, pin.note)
