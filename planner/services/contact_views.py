"""Plain dataclasses handed to the CLI and the screens instead of live Peewee rows (as elia does),
and the bulk loader that builds them in a fixed number of queries whatever the list's length."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from planner.core.cadence import effective_cadence
from planner.core.dates import today
from planner.core.textsafe import json_dict
from planner.core.vocabulary import PlanReason
from planner.core.zones import configured_zone, in_user_zone
from planner.services.ledger import favor_summaries
from planner.services.presence import presence_of
from planner.store import settings
from planner.store.database import db
from planner.store.models import Contact, ContactEmail, ContactPhone, ContactTag, PlannedCall
from planner.store.queries import chunked, last_reached_query


@dataclass
class ContactView:
    id: int
    name: str
    company: str = ""
    title: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    kind: str = "other"
    cadence_days: int | None = None  # effective: own, else shortest tag cadence, else default
    cadence_from: str | None = None  # "contact", "tag:NAME", "default" or None (never scheduled)
    own_cadence_days: int | None = None
    timezone: str = ""
    notes: str = ""
    source: str = "manual"
    external_key: str = ""
    connected_on: dt.date | None = None
    created_at: dt.datetime | None = None
    archived: bool = False
    archived_at: dt.datetime | None = None
    last_contacted: dt.datetime | None = None
    next_call: dt.date | None = None
    next_reason: str | None = None
    balance: int = 0
    owes_thanks: bool = False  # a received favour is not thanked yet (late or not)
    one_way: bool = False  # over 12 months we received at least two more than we gave
    give_back: bool = False  # helped us, and we have not helped them in six months
    prefers_email: bool = False
    live_share: float | None = None  # calls and meetings that reached them, of all touches (None: none yet)
    last_live: dt.datetime | None = None  # the last call or meeting that reached them (UTC)
    owner_id: int | None = None  # the member whose contact it is (None on a personal file)

    def to_json(self) -> dict:
        return json_dict(self)


def load_views(contacts: Iterable[Contact]) -> list[ContactView]:
    """Views for the given rows, in their order, in six queries however many there are."""
    rows = list(contacts)
    ids = [row.id for row in rows]
    if not ids:
        return []
    emails, phones, tags = defaultdict(list), defaultdict(list), defaultdict(list)
    for chunk in chunked(ids):
        for e in ContactEmail.select().where(ContactEmail.contact.in_(chunk)).order_by(ContactEmail.position):
            emails[e.contact_id].append(e.address)
        for p in ContactPhone.select().where(ContactPhone.contact.in_(chunk)).order_by(ContactPhone.position):
            phones[p.contact_id].append(p.number)
        for t in ContactTag.select().where(ContactTag.contact.in_(chunk)).order_by(ContactTag.tag):
            tags[t.contact_id].append(t.tag)
    last = _last_contacted(ids)
    nxt = _next_calls(ids)
    ledger = favor_summaries(ids)
    present = presence_of(ids)
    tag_cadences = settings.tag_cadences()
    default = settings.get("default_cadence")
    views = []
    for row in rows:
        cadence, source = effective_cadence(row.cadence_days, row.no_cadence, tags[row.id], tag_cadences, default)
        next_date, next_reason = nxt.get(row.id, (None, None))
        views.append(
            ContactView(
                id=row.id, name=row.name, company=row.company, title=row.title,
                emails=emails[row.id], phones=phones[row.id], tags=tags[row.id], kind=row.kind,
                cadence_days=cadence, cadence_from=source, own_cadence_days=row.cadence_days,
                timezone=row.timezone, notes=row.notes, source=row.source, external_key=row.external_key,
                connected_on=row.connected_on, created_at=row.created_at,
                archived=row.archived_at is not None, archived_at=row.archived_at,
                last_contacted=last.get(row.id), next_call=next_date, next_reason=next_reason,
                balance=ledger[row.id].balance if row.id in ledger else 0,
                owes_thanks=row.id in ledger and ledger[row.id].owes_thanks,
                one_way=row.id in ledger and ledger[row.id].one_way,
                give_back=row.id in ledger and ledger[row.id].gives_back(today()),
                prefers_email=bool(row.prefers_email),
                live_share=present[row.id].live_share if row.id in present else None,
                last_live=present[row.id].last_live if row.id in present else None,
                owner_id=row.owner_id,
            )
        )
    return views


def _last_contacted(ids: list[int]) -> dict[int, dt.datetime]:
    """When each contact was last reached, aware in the user's zone: the planner counts the
    cadence from that same day (scheduling/inputs.py)."""
    zone = configured_zone(settings.get("timezone"))
    result: dict[int, dt.datetime] = {}
    for chunk in chunked(ids):
        for cid, moment in db.execute(last_reached_query(chunk)):
            result[cid] = in_user_zone(moment, zone)
    return result


def _next_calls(ids: list[int]) -> dict[int, tuple[dt.date, str]]:
    result: dict[int, tuple[dt.date, str]] = {}
    for chunk in chunked(ids):
        query = (
            PlannedCall.select(PlannedCall.contact, PlannedCall.date, PlannedCall.reason)
            .where(PlannedCall.contact.in_(chunk), PlannedCall.reason != PlanReason.THANK_YOU)
            .order_by(PlannedCall.date, PlannedCall.seq)
        )
        for row in query:
            result.setdefault(row.contact_id, (row.date, row.reason))
    return result
