"""Referral chains: a referral or introduction names who was referred (`favor maria --got referral
--for jonas`), the ledger shows what came of it (Maria → Jonas → placed at Initech), and when it
turns into something, the referrer is thanked a second time.

"Something" is a placement (the referred person placed, or a referred client hiring) or a deal
closed (the `deal-closed` sequence started for them). Each records a new received favour from
the referrer ("Jonas was placed: tell Maria"): it puts a thank-you on the referrer's agenda
through the ledger's own thank-you tasks and counts in their balance. It is written inside the
transaction of the placement or event, and the caller re-plans the referrers it returns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from planner.core.dates import today
from planner.core.vocabulary import REFERRAL_KINDS, FavorDirection
from planner.services.ledger import FavorView, record_favor
from planner.store.models import Contact, Favor, Placement, SequenceRun

DEAL_SEQUENCE = "deal-closed"


def first_name(name: str) -> str:
    return (name or "").split()[0] if (name or "").split() else name


def paid_off(referred_id: int, what: str) -> list[int]:
    """`referred_id` had something come of their referral (`what`: "was placed"): a second
    thank-you for each person who referred them. Returns the referrers' ids."""
    referrers = sorted({row.contact_id for row in Favor.select(Favor.contact).where(
        Favor.referred == referred_id, Favor.direction == FavorDirection.RECEIVED, Favor.kind.in_(REFERRAL_KINDS))})
    if not referrers:
        return []
    referred = Contact.get_by_id(referred_id)
    for referrer in Contact.select().where(Contact.id.in_(referrers)):
        kind = (Favor.select(Favor.kind).where(Favor.contact == referrer.id, Favor.referred == referred_id)
                .order_by(Favor.date, Favor.id).first().kind)
        note = f"{first_name(referred.name)} {what}: tell {first_name(referrer.name)}"
        record_favor(referrer, FavorDirection.RECEIVED, kind, note, 1, today(), referred=referred_id)
    return referrers


def after_placement(placement: Placement) -> list[int]:
    """A placement pays off a referral of its candidate and of its client."""
    candidate, client = Contact.get_by_id(placement.candidate_id), Contact.get_by_id(placement.client_id)
    where = client.company or client.name
    return sorted(set(paid_off(candidate.id, f"was placed at {where}"))
                  | set(paid_off(client.id, f"hired {first_name(candidate.name)}")))


def after_deal(contact_id: int) -> list[int]:
    return paid_off(contact_id, "closed a deal")


def chains(favors: Iterable[FavorView]) -> dict[int, str]:
    """favour id -> "Maria Schmidt → Jonas Weber → placed at Initech" for favours naming who was
    referred (what came of it: placements, hires, deals closed)."""
    chosen = [f for f in favors if f.referred_id is not None]
    if not chosen:
        return {}
    ids = {f.referred_id for f in chosen} | {f.contact_id for f in chosen}
    names = {c.id: c.name for c in Contact.select(Contact.id, Contact.name).where(Contact.id.in_(ids))}
    outcomes: dict[int, list[str]] = defaultdict(list)
    referred = [f.referred_id for f in chosen]
    placed = list(Placement.select().where(Placement.candidate.in_(referred) | Placement.client.in_(referred))
                  .order_by(Placement.start, Placement.id))
    parties = {c.id: c for c in Contact.select(Contact.id, Contact.name, Contact.company).where(
        Contact.id.in_({p.candidate_id for p in placed} | {p.client_id for p in placed}))} if placed else {}
    for row in placed:
        client, candidate = parties[row.client_id], parties[row.candidate_id]
        if row.candidate_id in referred:
            outcomes[row.candidate_id].append(f"placed at {client.company or client.name} {row.start.isoformat()}")
        if row.client_id in referred:
            outcomes[row.client_id].append(f"hired {candidate.name}")
    for run in SequenceRun.select().where(SequenceRun.contact.in_(referred), SequenceRun.sequence == DEAL_SEQUENCE) \
            .order_by(SequenceRun.event_date):
        outcomes[run.contact_id].append(f"deal closed {run.event_date.isoformat()}")
    result = {}
    for favor in chosen:
        referred_id = favor.referred_id or 0  # never 0: `chosen` holds favours naming someone
        parts = [names.get(favor.contact_id, "?"), names.get(referred_id, "?")]
        done = outcomes.get(referred_id)
        result[favor.id] = " → ".join(parts + ([", ".join(done)] if done else []))
    return result
