"""What the screens show about one contact beside its details: the favours still open both ways,
the thanks owed, that contact's planned calls, and what to have in view during a call (facts,
placements, the be-present nudge).

Each answer is one SQL query over this contact's rows only (the side panel reloads it on every
cursor move, the detail screen on every write), handed out as plain dataclasses: no Peewee row
reaches a screen. Domain code: no Textual here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from planner.core.vocabulary import FavorDirection
from planner.services.facts import facts_of
from planner.services.placements import placement_words
from planner.services.presence import nudges
from planner.store.models import Favor, PlannedCall
from planner.store.queries import tuples

# The detail screen lists a contact's calls from a year back (a late one is still to make) to two
# years ahead (a yearly cadence shows its next two calls).
PLANNED_DAYS_BACK = 365
PLANNED_DAYS_AHEAD = 730


@dataclass(frozen=True)
class OpenFavor:
    """A favour not yet returned by one going the other way."""

    id: int
    date: dt.date
    direction: FavorDirection
    kind: str
    note: str
    weight: int
    thanked: bool  # a received favour you thanked them for (always False for one you gave)


@dataclass(frozen=True)
class FavorStanding:
    """Where one contact and you stand: open favours both ways, newest first, and thanks owed."""

    owes_you: list[OpenFavor]  # you gave, not yet returned
    you_owe: list[OpenFavor]  # you received, not yet returned
    thanks_owed: int  # received favours with a thank-you due and no thanks yet


@dataclass(frozen=True)
class ContactCall:
    """One of the contact's stored calls (a pinned call or a thank-you task included)."""

    id: int
    date: dt.date
    reason: str
    pinned: bool
    window_end: dt.date


def favor_standing(contact_id: int) -> FavorStanding:
    """The contact's open favours both ways and the thanks owed (an unknown id: nothing open)."""
    returning = Favor.alias()
    returned = returning.select(returning.id).where(returning.returns == Favor.id,
                                                    returning.contact == contact_id)
    rows = (Favor.select(Favor.id, Favor.date, Favor.direction, Favor.kind, Favor.note, Favor.weight,
                         Favor.thanked_at)
            .where(Favor.contact == contact_id, ~fn.EXISTS(returned))
            .order_by(Favor.date.desc(), Favor.id.desc()))
    open_favors = [OpenFavor(favor_id, day, FavorDirection(direction), kind, note or "", weight, thanked_at is not None)
                   for favor_id, day, direction, kind, note, weight, thanked_at in tuples(rows)]
    thanks_owed = (Favor.select(fn.COUNT(Favor.id))
                   .where(Favor.contact == contact_id, Favor.direction == FavorDirection.RECEIVED,
                          Favor.thank_due.is_null(False), Favor.thanked_at.is_null())
                   .scalar())
    return FavorStanding(
        owes_you=[favor for favor in open_favors if favor.direction == FavorDirection.GAVE],
        you_owe=[favor for favor in open_favors if favor.direction == FavorDirection.RECEIVED],
        thanks_owed=thanks_owed or 0,
    )


def contact_calls(contact_id: int, today: dt.date, limit: int | None = None) -> list[ContactCall]:
    """The contact's stored calls from a year before `today` to two years after, by date."""
    query = (PlannedCall.select(PlannedCall.id, PlannedCall.date, PlannedCall.reason, PlannedCall.pinned,
                                PlannedCall.window_end)
             .where(PlannedCall.contact == contact_id,
                    PlannedCall.date.between(today - dt.timedelta(days=PLANNED_DAYS_BACK),
                                             today + dt.timedelta(days=PLANNED_DAYS_AHEAD)))
             .order_by(PlannedCall.date, PlannedCall.seq, PlannedCall.id))
    if limit is not None:
        query = query.limit(limit)
    return [ContactCall(call_id, day, reason, bool(pinned), window_end)
            for call_id, day, reason, pinned, window_end in tuples(query)]


@dataclass(frozen=True)
class InView:
    """What to have in view while talking to someone: what matters to them (their facts, oldest
    first), their placements in a few words ("3 placements since 2024"), and the be-present nudge
    when the last touches were all written ("" when none applies)."""

    facts: list[str]
    placements: str
    nudge: str


def in_view(contact_id: int) -> InView:
    """The facts, placements and nudge of one contact (a few small queries over its rows only)."""
    return InView([fact.text for fact in facts_of(contact_id)], placement_words(contact_id),
                  nudges([contact_id]).get(contact_id, ""))
