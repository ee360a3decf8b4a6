"""The contact panel's and detail screen's queries, on a real SQLite file: open favours both ways,
thanks owed, and one contact's planned calls (never anyone else's)."""

from __future__ import annotations

import datetime as dt

from planner.core import dates
from planner.scheduling.plan_views import planned_calls
from planner.services.contact_summary import contact_calls, favor_standing
from planner.services.contacts import ContactFields, add_contact
from planner.services.ledger import add_favor, contact_ledger, thank


def _contact(name: str, cadence_days: int = 30) -> int:
    return add_contact(ContactFields(name=name, cadence_days=cadence_days)).id


def test_open_favours_leave_out_returned_ones_both_ways(db_path):
    maria, jonas = _contact("Maria Schmidt"), _contact("Jonas Nguyen")
    today = dates.today()
    intro = add_favor(maria, "gave", "introduction", note="to the CTO", day=today - dt.timedelta(days=20))
    referral = add_favor(maria, "received", "referral", note="sent Ana", day=today - dt.timedelta(days=10),
                         returns=intro.id)
    advice = add_favor(maria, "gave", "advice", day=today - dt.timedelta(days=5))
    lunch = add_favor(maria, "received", "other", note="lunch", day=today - dt.timedelta(days=2))
    add_favor(jonas, "gave", "referral", day=today)  # someone else's: never in Maria's standing

    standing = favor_standing(maria)

    assert [(f.id, f.kind) for f in standing.owes_you] == [(advice.id, "advice")]  # the intro was returned
    # the referral returned the intro, but nothing has returned the referral or the lunch yet
    assert [(f.id, f.note, f.thanked) for f in standing.you_owe] == [(lunch.id, "lunch", False),
                                                                      (referral.id, "sent Ana", False)]
    assert standing.thanks_owed == 2  # the referral and the lunch: received, not thanked yet


def test_thanks_owed_drop_once_thanked_and_the_favour_shows_thanked(db_path):
    maria = _contact("Maria Schmidt")
    lunch = add_favor(maria, "received", "other", note="lunch")
    assert favor_standing(maria).thanks_owed == 1

    thank(favor_id=lunch.id)

    standing = favor_standing(maria)
    assert standing.thanks_owed == 0
    assert [(f.id, f.thanked) for f in standing.you_owe] == [(lunch.id, True)]  # still not returned


def test_standing_agrees_with_the_ledger(db_path):
    """The same answer the ledger's full list gives, worked out in Python, for a mixed history."""
    maria = _contact("Maria Schmidt")
    today = dates.today()
    ways = ["gave", "received", "gave", "gave", "received", "received", "gave", "received"]
    ids: list[int] = []
    for n, way in enumerate(ways):
        # every third favour returns the newest earlier one going the other way
        earlier = [i for i, w in zip(ids, ways, strict=False) if w != way]
        returns = earlier[-1] if n % 3 == 2 and earlier else None
        ids.append(add_favor(maria, way, "advice", day=today - dt.timedelta(days=10 - n), returns=returns).id)
    thank(favor_id=ids[1])

    favors = contact_ledger(maria)
    returned = {f.returns_id for f in favors if f.returns_id is not None}
    standing = favor_standing(maria)

    assert [f.id for f in standing.owes_you] == [f.id for f in favors if f.direction == "gave" and f.id not in returned]
    assert [f.id for f in standing.you_owe] == [f.id for f in favors
                                                if f.direction == "received" and f.id not in returned]
    assert standing.thanks_owed == sum(1 for f in favors
                                       if f.direction == "received" and f.thank_due and f.thanked_at is None)


def test_an_unknown_contact_has_nothing_open(db_path):
    standing = favor_standing(4242)
    assert (standing.owes_you, standing.you_owe, standing.thanks_owed) == ([], [], 0)


def test_contact_calls_are_that_contact_s_only_in_date_order(db_path):
    maria, jonas = _contact("Maria Schmidt", 30), _contact("Jonas Nguyen", 14)
    add_favor(maria, "received", "referral")  # a pinned thank-you task joins her calls
    today = dates.today()

    calls = contact_calls(maria, today)

    everyone = planned_calls(today - dt.timedelta(days=365), today + dt.timedelta(days=730))
    assert [(c.id, c.date, c.reason, c.pinned) for c in calls] == [
        (c.id, c.date, c.reason, c.pinned) for c in everyone if c.contact_id == maria]
    assert any(c.reason == "thank-you" and c.pinned for c in calls)
    assert [c.date for c in calls] == sorted(c.date for c in calls)
    assert {c.id for c in contact_calls(jonas, today)}.isdisjoint(c.id for c in calls)
    assert len(contact_calls(maria, today, limit=3)) == 3 == len(calls[:3])
    assert [c.id for c in contact_calls(maria, today, limit=3)] == [c.id for c in calls[:3]]
