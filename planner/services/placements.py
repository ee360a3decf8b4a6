"""Placements: a candidate placed with a client, the measure of repeat business.

Recording one starts the `placement` sequence for both the candidate and the client contact, from
the start day, in the same transaction (planner/services/sequences.py). Listing them per client
or per candidate shows the fee where one was given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from planner.core.errors import BadInput, NotFound
from planner.core.textsafe import clean_line
from planner.scheduling.service import replan
from planner.services import referrals
from planner.services.sequence_definitions import get_definition
from planner.services.sequences import check_event_day, create_run
from planner.store.database import retried
from planner.store.journal import journaled
from planner.store.models import Contact, Placement, get_contact

PLACEMENT_SEQUENCE = "placement"
MAX_FEE = Decimal("1000000000")
_FEE = re.compile(r"^(\d+(?:\.\d{1,2})?)(k)?$")


@dataclass
class PlacementView:
    id: int
    candidate_id: int
    candidate: str
    client_id: int
    client: str
    client_company: str
    start: dt.date
    role: str
    fee: Decimal | None
    note: str

    @property
    def where(self) -> str:
        """"Hooli" (the client's company), else the client's name."""
        return self.client_company or self.client

    def to_json(self) -> dict:
        return {"id": self.id, "candidate_id": self.candidate_id, "candidate": self.candidate,
                "client_id": self.client_id, "client": self.client, "client_company": self.client_company,
                "start": self.start.isoformat(), "role": self.role,
                "fee": None if self.fee is None else str(self.fee), "note": self.note}


def parse_fee(text: str | None) -> Decimal | None:
    """"25000", "25,000", "25 000", "18.5k"; None when not given."""
    if text is None or not text.strip():
        return None
    raw = text.strip().lower().replace(",", "").replace("_", "").replace(" ", "")
    match = _FEE.match(raw)
    try:
        value = Decimal(match.group(1)) * (1000 if match.group(2) else 1) if match else None
    except InvalidOperation:
        value = None
    if value is None or value >= MAX_FEE:
        raise BadInput(f"--fee {clean_line(text)!r}: give an amount such as 25000, 25,000 or 18.5k")
    return value.quantize(Decimal("0.01"))


def _active(contact_id: int, what: str) -> Contact:
    contact = get_contact(contact_id)
    if contact.archived_at is not None:
        raise BadInput(f"{what} {clean_line(contact.name)} is archived: unarchive them first")
    return contact


@retried
def record_placement(candidate_id: int, client_id: int, start: dt.date, role: str = "",
                     fee: Decimal | None = None, note: str = "") -> PlacementView:
    """Store the placement and start the placement sequence for both contacts, re-planning them,
    all in one transaction."""
    if candidate_id == client_id:
        raise BadInput("--client: the client contact must be someone other than the candidate")
    check_event_day(start, "--start")
    definition = get_definition(PLACEMENT_SEQUENCE)
    with journaled("Recorded a placement") as action:
        candidate = _active(candidate_id, "candidate")
        client = _active(client_id, "client")
        row = Placement.create(candidate=candidate, client=client, start=start, role=clean_line(role).strip(),
                               fee=fee, note=clean_line(note).strip())
        what = f"{candidate.name} at {client.company or client.name}" + (f" as {row.role}" if row.role else "")
        action.label = f"Placed {what}"
        for contact in (candidate, client):
            create_run(contact, definition, start, clean_line(what), placement_id=row.id)
        referrers = referrals.after_placement(row)  # a second thank-you to whoever referred them
        replan(sorted({candidate_id, client_id, *referrers}))
    return get_placement(row.id)


def get_placement(placement_id: int) -> PlacementView:
    found = placements(ids=[placement_id])
    if not found:
        raise NotFound(f"no placement with id {placement_id}")
    return found[0]


def placements(*, client_id: int | None = None, candidate_id: int | None = None,
               ids: list[int] | None = None) -> list[PlacementView]:
    """Placements, newest start first: all, or one client's, or one candidate's."""
    query = Placement.select()
    if client_id is not None:
        query = query.where(Placement.client == client_id)
    if candidate_id is not None:
        query = query.where(Placement.candidate == candidate_id)
    if ids is not None:
        query = query.where(Placement.id.in_(ids))
    rows = list(query.order_by(Placement.start.desc(), Placement.id.desc()))
    people = {c.id: c for c in Contact.select(Contact.id, Contact.name, Contact.company).where(
        Contact.id.in_({r.candidate_id for r in rows} | {r.client_id for r in rows}))} if rows else {}
    result = []
    for row in rows:
        fee = None if row.fee is None else Decimal(str(row.fee)).quantize(Decimal("0.01"))
        candidate, client = people[row.candidate_id], people[row.client_id]
        result.append(PlacementView(row.id, row.candidate_id, candidate.name, row.client_id, client.name,
                                    client.company, row.start, row.role, fee, row.note))
    return result


@dataclass
class ClientSummary:
    client_id: int
    client: str
    company: str
    placements: int
    first_start: dt.date
    last_start: dt.date
    fees: Decimal | None
    last_contact: dt.date | None  # the last attempt logged with them (local day)

    @property
    def since(self) -> str:
        """"3 placements since 2024"."""
        return f"{self.placements} placement{'s' if self.placements != 1 else ''} since {self.first_start.year}"

    def to_json(self) -> dict:
        return {"client_id": self.client_id, "client": self.client, "company": self.company,
                "placements": self.placements, "since": self.since, "first_start": self.first_start.isoformat(),
                "last_start": self.last_start.isoformat(), "fees": None if self.fees is None else str(self.fees),
                "last_contact": self.last_contact.isoformat() if self.last_contact else None}


@dataclass
class RepeatBusiness:
    repeat_clients: list[ClientSummary]  # two placements or more, most first
    quiet_clients: list[ClientSummary]  # not contacted since their last placement started
    per_month: list[tuple[str, int, Decimal]]  # ("2026-11", placements, fees), oldest first

    def to_json(self) -> dict:
        return {"repeat_clients": [c.to_json() for c in self.repeat_clients],
                "quiet_clients": [c.to_json() for c in self.quiet_clients],
                "per_month": [{"month": month, "placements": n, "fees": str(fees)}
                              for month, n, fees in self.per_month]}


def client_summaries() -> list[ClientSummary]:
    from planner.scheduling.touch_points import newest_attempt_days

    found = placements()
    by_client: dict[int, list[PlacementView]] = {}
    for view in found:
        by_client.setdefault(view.client_id, []).append(view)
    last = newest_attempt_days(sorted(by_client))
    result = []
    for client_id, views in by_client.items():
        fees = [v.fee for v in views if v.fee is not None]
        result.append(ClientSummary(client_id, views[0].client, views[0].client_company, len(views),
                                    min(v.start for v in views), max(v.start for v in views),
                                    sum(fees, Decimal(0)) if fees else None, last.get(client_id)))
    return result


def repeat_business(today: dt.date) -> RepeatBusiness:
    """Repeat clients, clients gone quiet since their last placement, and placements per month."""
    clients = client_summaries()
    repeat = sorted((c for c in clients if c.placements >= 2),
                    key=lambda c: (-c.placements, -(c.fees or 0), c.client.casefold()))
    quiet = sorted((c for c in clients if c.last_start <= today
                    and (c.last_contact is None or c.last_contact < c.last_start)),
                   key=lambda c: (c.last_start, c.client.casefold()))
    months: dict[str, list[PlacementView]] = {}
    for view in placements():
        months.setdefault(f"{view.start:%Y-%m}", []).append(view)
    per_month = [(month, len(views), sum((v.fee for v in views if v.fee is not None), Decimal(0)))
                 for month, views in sorted(months.items())]
    return RepeatBusiness(repeat, quiet, per_month)


def placement_words(contact_id: int) -> str:
    """"3 placements since 2024" (with them as the client), "placed 2026-12-07 at Initech" (as the
    candidate), or "" when they have none."""
    as_client = placements(client_id=contact_id)
    if as_client:
        first = min(view.start for view in as_client)
        count = len(as_client)
        return f"{count} placement{'s' if count != 1 else ''} since {first.year}"
    as_candidate = placements(candidate_id=contact_id)
    if as_candidate:
        latest = as_candidate[0]
        return f"placed {latest.start.isoformat()} at {latest.where}"
    return ""
