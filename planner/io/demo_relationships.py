"""The demo's relationships beyond the cadence: placements with their sequences running (one
starting next week, one five weeks in with its first steps done), birthdays this week and other
dates that matter, a referral that led to a placement (and its second thank-you), a client who
has only been emailed lately, and a few contacts entered twice. Written in one transaction after
the history (demo_history.py); `build_demo` re-plans everyone afterwards, which puts the
sequences' steps on the agenda.
"""

from __future__ import annotations

import datetime as dt
import random

from planner.core.vocabulary import FavorDirection, FavorKind, InteractionKind, Outcome, PlanReason
from planner.core.zones import to_utc_naive, zone_key
from planner.scheduling.inputs import load_calendar
from planner.services import referrals
from planner.services.contacts import search_text_of
from planner.services.sequence_definitions import get_definition
from planner.services.sequences import create_run
from planner.store.database import write_tx
from planner.store.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Favor,
    ImportantDate,
    Interaction,
    Placement,
    SequenceRun,
    SequenceStep,
)
from planner.store.plan_rows import insert_pinned

ROLES = ["Senior Backend Engineer", "Head of Data", "Staff Engineer", "Product Designer"]


def _at(day: dt.date, hour: int, zone: dt.tzinfo) -> dt.datetime:
    return to_utc_naive(dt.datetime.combine(day, dt.time(hour), tzinfo=zone))


def _zone(zone: dt.tzinfo) -> str:
    return zone_key(dt.datetime.now(zone))


def add_demo_relationships(rng: random.Random, today: dt.date) -> dict[str, int]:
    from planner.core.dates import now_local

    zone = now_local().tzinfo or dt.UTC
    people = list(Contact.select().where(Contact.archived_at.is_null()).order_by(Contact.id))
    candidates = [c for c in people if c.kind == "candidate"]
    clients = [c for c in people if c.kind in ("client", "hiring-manager") and c.company]
    others = [c for c in people if c.kind not in ("candidate", "client", "hiring-manager")]
    rng.shuffle(candidates)
    rng.shuffle(clients)
    rng.shuffle(others)
    definition = get_definition("placement")
    counts = {"interactions": 0, "favours": 0, "placements": 0, "dates": 0, "duplicates": 0}
    if len(candidates) < 3 or len(clients) < 7 or len(others) < 10:
        return counts  # a demo too small to show it all: the history alone
    with write_tx():
        # a referrer sent us the candidate we now place (thanked back then; the placement thanks again)
        referrer = others[0]
        referred = candidates[0]
        Favor.create(contact=referrer, date=today - dt.timedelta(days=70), direction=FavorDirection.RECEIVED,
                     kind=FavorKind.REFERRAL,
                     note=f"Sent {referred.name.split()[0]} our way", weight=2,
                     thank_due=today - dt.timedelta(days=68),
                     thanked_at=_at(today - dt.timedelta(days=69), 10, zone), referred=referred)
        counts["favours"] += 1
        starts = [(candidates[0], clients[0], today + dt.timedelta(days=7 - today.weekday()), today),
                  (candidates[1], clients[1], today - dt.timedelta(days=28), today - dt.timedelta(days=40)),
                  (candidates[2], clients[0], today - dt.timedelta(days=400), today - dt.timedelta(days=410))]
        for candidate, client, start, recorded in starts:
            placement = Placement.create(candidate=candidate, client=client, start=start,
                                         role=rng.choice(ROLES), fee=rng.choice((18000, 22500, 27000, 31000)))
            counts["placements"] += 1
            if recorded < today - dt.timedelta(days=365):
                continue  # a placement from last year: repeat business, its sequence long over
            for contact in (candidate, client):
                run = create_run(contact, definition, start,
                                 f"{candidate.name} at {client.company} as {placement.role}", placement.id)
                SequenceRun.update(started_on=recorded).where(SequenceRun.id == run.id).execute()
                steps = SequenceStep.select().where(SequenceStep.run == run.id).order_by(SequenceStep.position)
                for step in steps:  # the steps already due were done on their day
                    if step.due < today:
                        Interaction.create(contact=contact, happened_at=_at(step.due, 11, zone),
                                           kind=InteractionKind.CALL, outcome=Outcome.SPOKE,
                                           summary=step.purpose.capitalize(), tz=_zone(zone))
                        counts["interactions"] += 1
        counts["favours"] += len(referrals.after_placement(Placement.get(Placement.candidate == candidates[0])))
        # birthdays this week and a few dates later in the year
        for offset, contact in zip((1, 3, 5), others[1:4], strict=True):
            day = today + dt.timedelta(days=offset)
            ImportantDate.create(contact=contact, kind="birthday", year=rng.randint(1965, 1998), month=day.month,
                                 day=day.day, yearly=True)
            counts["dates"] += 1
        for contact in clients[2:6]:
            day = today + dt.timedelta(days=rng.randint(20, 300))
            ImportantDate.create(contact=contact, kind="work-anniversary", year=day.year - rng.randint(2, 12),
                                 month=day.month, day=day.day, yearly=True)
            counts["dates"] += 1
        # a client we have only emailed since the summer: the agenda says to call
        emailed = clients[6]
        counts["interactions"] -= Interaction.delete().where(
            Interaction.contact == emailed, Interaction.happened_at > _at(today - dt.timedelta(weeks=15), 0, zone)
        ).execute()
        for weeks in (14, 8, 2):
            Interaction.create(contact=emailed, happened_at=_at(today - dt.timedelta(weeks=weeks), 9, zone),
                               kind=InteractionKind.EMAIL, outcome=Outcome.SPOKE, summary="Sent the shortlist update",
                               tz=_zone(zone))
            counts["interactions"] += 1
        day = load_calendar().add_working_days(today, 2)  # a call coming up, where the nudge shows
        insert_pinned(emailed.id, day, PlanReason.FOLLOW_UP, "set in the demo")
        # the same people entered twice: a swapped name, a nickname-free case change, a second email.
        # Three other demo contacts become the second entries, so `demo --contacts N` still makes N.
        for contact, twin, name in zip(others[4:7], others[7:10], ("swapped", "upper", "same"), strict=True):
            first, _, last = contact.name.partition(" ")
            twin_name = {"swapped": f"{last}, {first}", "upper": contact.name.upper(), "same": contact.name}[name]
            address = f"{first.casefold()}.private@mail.example"
            # searched, and found by name, through the same folded text as everyone
            search_text = search_text_of(twin_name, contact.company, contact.title, ["imported"], [address], "")
            Contact.update(name=twin_name, company=contact.company, title=contact.title, kind=contact.kind,
                           source="vcard", notes="", search_text=search_text,
                           ).where(Contact.id == twin.id).execute()
            for model in (ContactEmail, ContactPhone, ContactTag):
                model.delete().where(model.contact == twin.id).execute()
            ContactEmail.create(contact=twin, address=address, address_key=address, position=0)
            ContactTag.create(contact=twin, tag="imported")
            counts["duplicates"] += 1
    return counts
