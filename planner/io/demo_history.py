"""A year of believable history for `followup demo`, so every view has something true to show.

Interactions follow each contact's cadence with the usual misses (no answer, voicemail), favours
flow both ways, a few thank-yous are owed (some overdue), a few contacts only ever help us
(one-way), and a few recent calls left a pinned follow-up. Rows are generated as tuples and written
as multi-row INSERTs per table inside one transaction (100,000 contacts make ~400,000
interactions); `build_demo` re-plans everyone afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Protocol

from planner.core.vocabulary import NOTE_OUTCOME, FavorDirection, InteractionKind, Outcome, PlanReason, is_reaching
from planner.core.vocabulary import FavorKind as F
from planner.core.zones import to_utc_naive
from planner.store.database import write_tx
from planner.store.models import Favor, Interaction, utcnow
from planner.store.plan_rows import insert_pinned
from planner.store.queries import tuples

SUMMARIES = {
    "client": ["Q1 hiring plan: two backend roles", "Feedback on the shortlist", "Renewal of the retainer",
               "New VP Engineering starts in March", "Budget freeze until April", "Asked for a data lead"],
    "candidate": ["Open to a move after the bonus", "Interview went well, waiting on offer",
                  "Prefers remote, no relocation", "Counter-offer from current employer",
                  "Wants a staff role, not management", "Salary expectation 95k + equity"],
    "hiring-manager": ["Debrief after the onsite", "Role re-scoped to senior", "Needs someone by February",
                       "Happy with the last placement", "Team reorg, hold new roles"],
    "referrer": ["Knows two good SREs", "Catch-up over coffee", "Sent a candidate our way",
                 "Asked about our fees for a friend"],
    "colleague": ["Split on the Hooli search", "Shared the market map", "Pipeline review"],
    "friend": ["Birthday drinks", "Catch-up, all well", "Moving to Hamburg"],
    "other": ["Intro call", "Investor update", "Coaching session notes"],
}
NOTES = ["", "", "", "Follow up with the job description.", "Mentioned a competitor is hiring too.",
         "Call mornings only.\nPrefers WhatsApp for quick things."]
FAVOR_KINDS_BY_CONTACT = {
    "client": [F.REFERRAL, F.ENDORSEMENT, F.INTRODUCTION],
    "candidate": [F.CANDIDATE_LEAD, F.REFERRAL, F.RECOMMENDATION],
    "hiring-manager": [F.REFERRAL, F.INTRODUCTION, F.ENDORSEMENT],
    "referrer": [F.CANDIDATE_LEAD, F.REFERRAL, F.INTRODUCTION],
    "colleague": [F.ADVICE, F.CANDIDATE_LEAD, F.INTRODUCTION],
    "friend": [F.ADVICE, F.GIFT, F.INTRODUCTION],
    "other": [F.ADVICE, F.INTRODUCTION, F.OTHER],
}
FAVOR_NOTES = {
    F.REFERRAL: ["Sent us a strong Python candidate", "Passed our name to their COO", ""],
    F.INTRODUCTION: ["Intro to their CTO", "Intro to a founder who is hiring", ""],
    F.RECOMMENDATION: ["LinkedIn recommendation", "Reference call for a candidate", ""],
    F.CANDIDATE_LEAD: ["Tip about a data engineer open to a move", "Two SREs from their old team", ""],
    F.ADVICE: ["Reviewed the pitch deck", "Salary benchmarks for Berlin", "CV review", ""],
    F.ENDORSEMENT: ["Endorsed us in a client meeting", ""],
    F.GIFT: ["Bottle of wine after the placement", "Conference ticket", ""],
    F.OTHER: ["Lent a meeting room", ""],
}
KIND_WEIGHTS = ((InteractionKind.CALL, 55), (InteractionKind.EMAIL, 20), (InteractionKind.MEETING, 10),
                (InteractionKind.MESSAGE, 10), (InteractionKind.NOTE, 5))
OUTCOME_WEIGHTS = ((Outcome.SPOKE, 75), (Outcome.NO_ANSWER, 15), (Outcome.LEFT_MESSAGE, 10))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _working_moment(rng: random.Random, day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))), tzinfo=zone)


INTERACTION_COLUMNS = ("contact", "happened_at", "tz", "kind", "outcome", "duration_min", "summary", "notes",
                       "thanked", "created_at")
FAVOR_COLUMNS = ("contact", "date", "direction", "kind", "note", "weight", "thank_due", "thanked_at", "created_at")


class _Person(Protocol):
    """What the history needs of a contact (read only: demo.py passes NamedTuples)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def cadence_days(self) -> int | None: ...


def _interaction_rows(rng: random.Random, contact: _Person, today: dt.date, zone: dt.tzinfo,
                      created: dt.datetime) -> list[tuple]:
    cadence = contact.cadence_days or rng.choice((45, 91, 182))
    if rng.random() < 0.12:
        return []  # never contacted yet: shows as new
    rows = []
    day = today - dt.timedelta(days=rng.randint(cadence, 365 + cadence // 2))
    while day < today:
        kind = _weighted(rng, KIND_WEIGHTS)
        outcome = (NOTE_OUTCOME if kind == InteractionKind.NOTE
                   else _weighted(rng, OUTCOME_WEIGHTS) if kind == InteractionKind.CALL else Outcome.SPOKE)
        moment = _working_moment(rng, day, zone)
        if moment.date() >= today:
            break
        spoke = is_reaching(kind, outcome)
        rows.append((  # in INTERACTION_COLUMNS order; the draws stay in the seed's order
            contact.id, to_utc_naive(moment), "", kind, outcome,
            rng.choice((5, 10, 15, 20, 30, 45))
            if kind in (InteractionKind.CALL, InteractionKind.MEETING) and spoke else None,
            _summary(rng, contact.kind, kind, outcome), rng.choice(NOTES), False, created,
        ))
        if not spoke and kind != InteractionKind.NOTE:
            day += dt.timedelta(days=rng.randint(2, 4))  # the retry
        else:
            day += dt.timedelta(days=max(3, int(cadence * rng.uniform(0.8, 1.3))))
    return rows


def _summary(rng: random.Random, contact_kind: str, kind: str, outcome: str) -> str:
    if kind == InteractionKind.NOTE:
        return rng.choice(("Heard they changed teams", "Saw their post about hiring", "Birthday next week"))
    if outcome == Outcome.NO_ANSWER:
        return "Rang, no answer"
    if outcome == Outcome.LEFT_MESSAGE:
        return "Left a voicemail"
    return rng.choice(SUMMARIES.get(contact_kind, SUMMARIES["other"]))


def _favor(contact: _Person, day: dt.date, direction: str, rng: random.Random, *, thanked: bool,
           calendar, created: dt.datetime) -> tuple:
    due = calendar.add_working_days(day, 2) if direction == FavorDirection.RECEIVED else None
    thanked_at = None
    if direction == FavorDirection.RECEIVED and thanked:
        thanked_at = dt.datetime.combine(day + dt.timedelta(days=rng.randint(0, 3)),
                                         dt.time(rng.randint(9, 17)))
    kind = rng.choice(FAVOR_KINDS_BY_CONTACT.get(contact.kind, FAVOR_KINDS_BY_CONTACT["other"]))
    return (contact.id, day, direction, kind, rng.choice(FAVOR_NOTES[kind]),  # FAVOR_COLUMNS order
            rng.choices((1, 2, 3), (70, 22, 8))[0], due, thanked_at, created)


def add_demo_history(rng: random.Random, today: dt.date, people: Sequence[_Person]) -> dict[str, int]:
    """A year of interactions and favours for `people` (in id order), written in bulk inside the
    caller's write transaction; returns counts."""
    from planner.core.dates import now_local
    from planner.io.bulk_rows import insert_rows
    from planner.scheduling.inputs import load_calendar

    calendar = load_calendar()
    zone = now_local().tzinfo or dt.UTC
    created = utcnow()
    interactions: list[tuple] = []
    favors: list[tuple] = []
    shuffled = list(people)
    rng.shuffle(shuffled)
    one_way, owed, follow_ups = shuffled[:4], shuffled[4:9], shuffled[9:14]
    special = {c.id for c in one_way + owed}
    for contact in people:
        interactions += _interaction_rows(rng, contact, today, zone, created)
        if contact.id not in special and rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                day = today - dt.timedelta(days=rng.randint(20, 360))
                # we are the ones who give
                direction = FavorDirection.GAVE if rng.random() < 0.6 else FavorDirection.RECEIVED
                favors.append(_favor(contact, day, direction, rng, thanked=True, calendar=calendar,
                                     created=created))
    for contact in one_way:  # they keep helping; we have given nothing back
        for months in (2, 5, 9):
            favors.append(_favor(contact, today - dt.timedelta(days=30 * months + rng.randint(0, 10)),
                                 FavorDirection.RECEIVED, rng, thanked=True, calendar=calendar, created=created))
    for offset, contact in zip((1, 4, 6, 9, 12), owed, strict=False):  # recent, unthanked: some already overdue
        favors.append(_favor(contact, today - dt.timedelta(days=offset), FavorDirection.RECEIVED, rng,
                             thanked=False, calendar=calendar, created=created))
    with write_tx():
        insert_rows(Interaction, INTERACTION_COLUMNS, interactions)
        insert_rows(Favor, FAVOR_COLUMNS, favors)
        # The pins go through insert_pinned, the one shape of a pin: they are the five unthanked
        # favours and five follow-ups at any size, so a query each costs nothing.
        open_thanks = list(tuples(Favor.select(Favor.id, Favor.contact, Favor.thank_due)
                                  .where(Favor.direction == FavorDirection.RECEIVED, Favor.thanked_at.is_null(),
                                         Favor.thank_due.is_null(False))
                                  .order_by(Favor.id)))
        for favor_id, contact_id, due in open_thanks:
            insert_pinned(contact_id, due, PlanReason.THANK_YOU, favor=favor_id)
        for contact in follow_ups:
            day = calendar.add_working_days(today, rng.randint(3, 15))
            insert_pinned(contact.id, day, PlanReason.FOLLOW_UP, "set in the demo")
    return {"interactions": len(interactions), "favours": len(favors), "thank-yous owed": len(owed)}
