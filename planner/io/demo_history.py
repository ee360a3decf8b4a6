"""A year of believable history for `followup demo`, so every view has something true to show.

Interactions follow each contact's cadence with the usual misses (no answer, voicemail), favours
flow both ways, a few thank-yous are owed (some overdue), a few contacts only ever help us
(one-way), and a few recent calls left a pinned follow-up. Rows are written in bulk inside one
transaction; `build_demo` re-plans everyone afterwards.
"""

from __future__ import annotations

import datetime as dt
import random

from planner.core.vocabulary import NOTE_OUTCOME, FavorDirection, InteractionKind, Outcome, PlanReason, is_reaching
from planner.core.vocabulary import FavorKind as F
from planner.core.zones import to_utc_naive
from planner.store.database import write_tx
from planner.store.models import Contact, Favor, Interaction
from planner.store.plan_rows import insert_pinned

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


def _interaction_rows(rng: random.Random, contact: Contact, today: dt.date, zone: dt.tzinfo) -> list[dict]:
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
        rows.append({
            "contact": contact.id, "happened_at": to_utc_naive(moment), "tz": "", "kind": kind,
            "outcome": outcome,
            "duration_min": (rng.choice((5, 10, 15, 20, 30, 45))
                             if kind in (InteractionKind.CALL, InteractionKind.MEETING) and spoke else None),
            "summary": _summary(rng, contact.kind, kind, outcome), "notes": rng.choice(NOTES), "thanked": False,
        })
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


def _favor(contact: Contact, day: dt.date, direction: str, rng: random.Random, *, thanked: bool,
           calendar) -> dict:
    due = calendar.add_working_days(day, 2) if direction == FavorDirection.RECEIVED else None
    thanked_at = None
    if direction == FavorDirection.RECEIVED and thanked:
        thanked_at = dt.datetime.combine(day + dt.timedelta(days=rng.randint(0, 3)),
                                         dt.time(rng.randint(9, 17)))
    kind = rng.choice(FAVOR_KINDS_BY_CONTACT.get(contact.kind, FAVOR_KINDS_BY_CONTACT["other"]))
    return {"contact": contact.id, "date": day, "direction": direction, "kind": kind,
            "note": rng.choice(FAVOR_NOTES[kind]), "weight": rng.choices((1, 2, 3), (70, 22, 8))[0],
            "thank_due": due, "thanked_at": thanked_at}


def add_demo_history(rng: random.Random, today: dt.date) -> dict[str, int]:
    """Fill the open demo database with a year of interactions and favours; returns counts."""
    from planner.core.dates import now_local
    from planner.scheduling.inputs import load_calendar

    calendar = load_calendar()
    zone = now_local().tzinfo or dt.timezone.utc
    people = list(Contact.select().where(Contact.archived_at.is_null()).order_by(Contact.id))
    interactions: list[dict] = []
    favors: list[dict] = []
    shuffled = people[:]
    rng.shuffle(shuffled)
    one_way, owed, follow_ups = shuffled[:4], shuffled[4:9], shuffled[9:14]
    special = {c.id for c in one_way + owed}
    for contact in people:
        interactions += _interaction_rows(rng, contact, today, zone)
        if contact.id not in special and rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                day = today - dt.timedelta(days=rng.randint(20, 360))
                # we are the ones who give
                direction = FavorDirection.GAVE if rng.random() < 0.6 else FavorDirection.RECEIVED
                favors.append(_favor(contact, day, direction, rng, thanked=True, calendar=calendar))
    for contact in one_way:  # they keep helping; we have given nothing back
        for months in (2, 5, 9):
            favors.append(_favor(contact, today - dt.timedelta(days=30 * months + rng.randint(0, 10)),
                                 FavorDirection.RECEIVED, rng, thanked=True, calendar=calendar))
    for offset, contact in zip((1, 4, 6, 9, 12), owed):  # recent, unthanked: some already overdue
        favors.append(_favor(contact, today - dt.timedelta(days=offset), FavorDirection.RECEIVED, rng,
                             thanked=False, calendar=calendar))
    with write_tx():
        for start in range(0, len(interactions), 500):
            Interaction.insert_many(interactions[start:start + 500]).execute()
        for start in range(0, len(favors), 500):
            Favor.insert_many(favors[start:start + 500]).execute()
        open_thanks = Favor.select().where(Favor.direction == FavorDirection.RECEIVED, Favor.thanked_at.is_null())
        for favor in open_thanks:
            if favor.thank_due is not None:
                insert_pinned(favor.contact_id, favor.thank_due, PlanReason.THANK_YOU, favor=favor.id)
        for contact in follow_ups:
            day = calendar.add_working_days(today, rng.randint(3, 15))
            insert_pinned(contact.id, day, PlanReason.FOLLOW_UP, "set in the demo")
    return {"interactions": len(interactions), "favours": len(favors), "thank-yous owed": len(owed)}
