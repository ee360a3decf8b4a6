"""The reciprocity ledger: who helped whom, who is owed a thank-you, and whom to help back.

A received favour creates a pinned thank-you task due `thank_within` working days later; thanking
(here, or by logging an interaction with `thanked`) closes it. Balance is weights given minus
weights received. The flags are computed for many contacts at once (`favor_summaries`) so contact
lists stay at a fixed number of queries. Each write (a favour, thanks, a deletion) and the re-plan
of the contacts it touches are one IMMEDIATE transaction: all of it is stored, or none.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from peewee import Case, fn

from planner.core.dates import now_local, shift_months, today
from planner.core.errors import BadInput, NotFound
from planner.core.textsafe import json_dict
from planner.core.vocabulary import REFERRAL_KINDS, FavorDirection, normalize_direction, normalize_favor_kind
from planner.core.zones import stored_moment, to_utc_naive, utc_aware
from planner.services.interactions import thanks
from planner.services.team import acting_member_id
from planner.store import settings
from planner.store.database import db, retried
from planner.store.journal import journaled
from planner.store.models import Contact, Favor, get_contact
from planner.store.queries import chunked, tuples

ONE_WAY_MARGIN = 2  # received at least this many more favours than we gave in 12 months
GIVE_BACK_MONTHS = 6


@dataclass
class FavorView:
    id: int
    contact_id: int
    contact_name: str
    date: dt.date
    direction: str  # gave | received
    kind: str
    note: str
    weight: int
    thank_due: dt.date | None
    thanked_at: dt.datetime | None  # aware UTC
    returns_id: int | None
    referred_id: int | None = None  # a referral or introduction: who was referred
    member_id: int | None = None  # the member who gave or received it; their thank-you to say

    @property
    def open_thanks(self) -> bool:
        return self.direction == FavorDirection.RECEIVED and self.thanked_at is None

    def to_json(self) -> dict:
        return json_dict(self)


@dataclass(slots=True)  # tens of thousands of them fill the ledger screen: no dict each
class LedgerRow:
    contact_id: int
    name: str
    company: str
    given: int  # total weight given
    received: int  # total weight received
    balance: int
    owes_thanks: bool
    one_way: bool
    last_gave: dt.date | None
    last_received: dt.date | None

    def to_json(self) -> dict:
        return json_dict(self)


@dataclass
class FavorSummary:
    """Per-contact totals and flags derived from the ledger."""

    given: int = 0
    received: int = 0
    given_12m: int = 0  # weights, for ordering give-back
    received_12m: int = 0
    given_count_12m: int = 0  # favours, for the one-way flag
    received_count_12m: int = 0
    owes_thanks: bool = False
    last_gave: dt.date | None = None
    last_received: dt.date | None = None

    @property
    def balance(self) -> int:
        return self.given - self.received

    @property
    def one_way(self) -> bool:
        return self.received_count_12m - self.given_count_12m >= ONE_WAY_MARGIN

    def gives_back(self, base: dt.date) -> bool:
        """Helped us, and we have not helped them in six months."""
        cutoff = shift_months(base, -GIVE_BACK_MONTHS)
        return self.received > 0 and (self.last_gave is None or self.last_gave < cutoff)


def _check_weight(weight: int) -> int:
    try:
        value = int(weight)
    except (TypeError, ValueError):
        raise BadInput(f"weight {weight!r}: use 1, 2 or 3") from None
    if value not in (1, 2, 3):
        raise BadInput(f"weight {value}: use 1 (small), 2 or 3 (big)")
    return value


def thank_due_day(day: dt.date, member_id: int | None = None) -> dt.date:
    """The working day a thank-you for a favour received on `day` is due (a working day of the
    member who says it)."""
    from planner.scheduling.inputs import load_calendar

    return load_calendar(member_id).add_working_days(day, settings.get("thank_within"))


def _view(row: Favor, name: str) -> FavorView:
    return FavorView(
        id=row.id, contact_id=row.contact_id, contact_name=name, date=row.date, direction=row.direction,
        kind=row.kind, note=row.note, weight=row.weight, thank_due=row.thank_due,
        thanked_at=utc_aware(row.thanked_at) if row.thanked_at is not None else None, returns_id=row.returns_id,
        referred_id=row.referred_id, member_id=row.member_id,
    )


def _contact(contact_id: int) -> Contact:
    return get_contact(contact_id)


def check_favor(direction: str, kind: str, weight: int, day: dt.date | None) -> tuple[str, str, int, dt.date]:
    """A favour's fields normalised, or BadInput naming what is wrong."""
    direction = normalize_direction(direction)
    kind = normalize_favor_kind(kind)
    weight = _check_weight(weight)
    day = day or today()
    if day > today():
        raise BadInput(f"favour date {day.isoformat()} is in the future; record favours once they happened")
    return direction, kind, weight, day


def record_favor(contact: Contact, direction: str, kind: str, note: str, weight: int, day: dt.date,
                 returns: int | None = None, referred: int | None = None, *, member_id: int | None = None) -> Favor:
    """Write a checked favour (see `check_favor`) and, for a received one, its thank-you task.
    The favour is `member_id`'s (default: the member this session acts as): they gave or received
    it, and a thank-you is theirs to say. The caller holds the write transaction and re-plans the
    contact."""
    if member_id is None:
        member_id = acting_member_id()
    if referred is not None:
        check_referred(contact, kind, referred)
    if returns is not None:
        original = Favor.get_or_none(Favor.id == returns)
        if original is None or original.contact_id != contact.id:
            raise NotFound(f"no favour {returns} with {contact.name} to return")
        if original.direction == direction:
            raise BadInput(f"favour {returns} is also '{direction}': a return goes the other way")
    due = thank_due_day(day, member_id) if direction == FavorDirection.RECEIVED else None
    row = Favor.create(contact=contact.id, date=day, direction=direction, kind=kind, note=(note or "").strip(),
                       weight=weight, thank_due=due, returns=returns, referred=referred, member_id=member_id)
    thanks.add_task(row)
    return row


def check_referred(contact: Contact, kind: str, referred: int) -> None:
    if kind not in REFERRAL_KINDS:
        raise BadInput(f"--for: only a {' or '.join(REFERRAL_KINDS)} is for someone, not a {kind}")
    if referred == contact.id:
        raise BadInput(f"--for: {contact.name} cannot be referred to themselves")
    get_contact(referred)


@retried
def add_favor(contact_id: int, direction: str, kind: str, note: str = "", weight: int = 1,
              day: dt.date | None = None, returns: int | None = None, referred: int | None = None) -> FavorView:
    """Record a favour; a received one gets a pinned thank-you task. The favour, its task and the
    contact's re-plan are one write transaction: if the re-plan fails, nothing is stored."""
    from planner.scheduling.service import replan  # the planner loads with a write, not with a read of open favours

    direction, kind, weight, day = check_favor(direction, kind, weight, day)
    with journaled("Recorded a favour") as action:
        contact = _contact(contact_id)
        action.label = f"Recorded a favour {direction} with {contact.name}"
        row = record_favor(contact, direction, kind, note, weight, day, returns, referred)
        replan([contact_id])
    return _view(row, contact.name)


@retried
def thank(contact_id: int | None = None, favor_id: int | None = None) -> list[FavorView]:
    """Mark one favour, or all of a contact's unthanked received favours, thanked now; their tasks
    go and the contacts are re-planned in the same write transaction."""
    from planner.scheduling.service import replan

    if contact_id is None and favor_id is None:
        raise BadInput("thank: name a contact or a favour id")
    with journaled("Thanked") as action:
        query = (Favor.select(Favor, Contact.id, Contact.name).join(Contact)
                 .where(Favor.direction == FavorDirection.RECEIVED))
        if favor_id is not None:
            row = Favor.get_or_none(Favor.id == favor_id)
            if row is None or (contact_id is not None and row.contact_id != contact_id):
                raise NotFound(f"no favour with id {favor_id}" + (" for that contact" if row else ""))
            if row.direction != FavorDirection.RECEIVED:
                raise BadInput(f"favour {favor_id} is one we gave; only received favours are thanked")
            if row.thanked_at is not None:
                raise BadInput(f"favour {favor_id} was already thanked on {row.thanked_at.date().isoformat()}")
            query = query.where(Favor.id == favor_id)
        else:
            contact = _contact(contact_id)  # type: ignore[arg-type]
            query = query.where(Favor.contact == contact_id, Favor.thanked_at.is_null())
        rows = list(query.order_by(Favor.date, Favor.id))
        if not rows:
            raise BadInput(f"nothing to thank {contact.name} for: no unthanked favour received")
        ids = [row.id for row in rows]
        action.label = f"Thanked {rows[0].contact.name}" + (f" for {len(ids)} favours" if len(ids) > 1 else "")
        moment = to_utc_naive(now_local())
        Favor.update(thanked_at=moment).where(Favor.id.in_(ids)).execute()
        thanks.drop_tasks(ids)
        replan(list({row.contact_id for row in rows}))
        return [_view(Favor.get_by_id(row.id), row.contact.name) for row in rows]


@retried
def delete_favor(favor_id: int) -> FavorView:
    """Remove a ledger entry recorded by mistake, with its thank-you task, and re-plan the contact:
    one write transaction."""
    from planner.scheduling.service import replan

    with journaled("Deleted a favour") as action:
        row = Favor.select(Favor, Contact.id, Contact.name).join(Contact).where(Favor.id == favor_id).first()
        if row is None:
            raise NotFound(f"no favour with id {favor_id}")
        view = _view(row, row.contact.name)
        action.label = f"Deleted a favour with {row.contact.name}"
        thanks.drop_tasks([favor_id])
        row.delete_instance()
        replan([view.contact_id])
    return view


def contact_ledger(contact_id: int) -> list[FavorView]:
    """The contact's favours both ways, newest first."""
    contact = _contact(contact_id)
    query = Favor.select().where(Favor.contact == contact_id).order_by(Favor.date.desc(), Favor.id.desc())
    return [_view(row, contact.name) for row in query]


def open_favors(contact_ids: Iterable[int]) -> dict[int, list[FavorView]]:
    """Favours not yet returned (and received ones not yet thanked), newest first, per contact."""
    ids = list(contact_ids)
    result: dict[int, list[FavorView]] = {}
    for chunk in chunked(ids):
        result.update(_open_favors_where(Favor.contact.in_(chunk)))
    return result


def open_favors_among(contacts) -> dict[int, list[FavorView]]:
    """`open_favors` for the contacts a subquery selects (their ids): one query, no id lists."""
    return _open_favors_where(Favor.contact.in_(contacts))


def _open_favors_where(which) -> dict[int, list[FavorView]]:
    """Read raw from the cursor, not as models (nor through Peewee's per-field conversion): the
    agenda at 100k contacts asks this of thousands of people."""
    result: dict[int, list[FavorView]] = defaultdict(list)
    query = (Favor.select(Favor.id, Favor.contact, Contact.name, Favor.date, Favor.direction, Favor.kind,
                          Favor.note, Favor.weight, Favor.thank_due, Favor.thanked_at, Favor.returns,
                          Favor.referred, Favor.member_id)
             .join(Contact).where(which).order_by(Favor.date.desc(), Favor.id.desc()))
    rows = list(db.execute(query))
    returned = {row[10] for row in rows if row[10] is not None}
    for (fid, cid, name, day, direction, kind, note, weight, thank_due, thanked_at, returns_id, referred_id,
         member_id) in rows:
        if fid not in returned or (direction == FavorDirection.RECEIVED and thanked_at is None):
            result[cid].append(FavorView(
                id=fid, contact_id=cid, contact_name=name, direction=direction, kind=kind,
                date=day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10]),
                note=note, weight=weight, thank_due=_day_or_none(thank_due),
                thanked_at=utc_aware(stored_moment(thanked_at)) if thanked_at is not None else None,
                returns_id=returns_id, referred_id=referred_id, member_id=member_id))
    return dict(result)


def favor_summaries(contact_ids: Iterable[int], base: dt.date | None = None,
                    member_id: int | None = None) -> dict[int, FavorSummary]:
    """Totals and flags for many contacts, in one query per 500 contacts (only one member's
    favours when `member_id` is given)."""
    base = base or today()
    year_ago = shift_months(base, -12)
    ids = list(contact_ids)
    result: dict[int, FavorSummary] = {}
    for chunk in chunked(ids):
        query = Favor.select(Favor.contact, Favor.date, Favor.direction, Favor.weight,
                             Favor.thanked_at).where(Favor.contact.in_(chunk))
        if member_id is not None:
            query = query.where(Favor.member_id == member_id)
        for contact_id, day, direction, weight, thanked in tuples(query):
            summary = result.setdefault(contact_id, FavorSummary())
            recent = day > year_ago
            if direction == FavorDirection.GAVE:
                summary.given += weight
                summary.given_12m += weight if recent else 0
                summary.given_count_12m += 1 if recent else 0
                summary.last_gave = max(filter(None, (summary.last_gave, day)))
            else:
                summary.received += weight
                summary.received_12m += weight if recent else 0
                summary.received_count_12m += 1 if recent else 0
                summary.last_received = max(filter(None, (summary.last_received, day)))
                # Owed from the day the favour is recorded, late or not (the agenda lists it so).
                if thanked is None:
                    summary.owes_thanks = True
    return result


def ledger_rows(owed: bool = False, one_way: bool = False, give_back: bool = False,
                member_id: int | None = None) -> list[LedgerRow]:
    """Every active contact with a ledger entry; the filters combine. Give-back lists best first.
    With `member_id`, only the favours that member gave or received.

    One query, the favours summed per contact and joined to the contacts, read as raw tuples: the
    totals and flags of 30k people come back in a fraction of a second (no model per row, not even
    Peewee's per-field conversion, and no lists of ids)."""
    base = today()
    year_ago = shift_months(base, -12)
    cutoff = shift_months(base, -GIVE_BACK_MONTHS)
    gave = Favor.direction == FavorDirection.GAVE
    received = Favor.direction != FavorDirection.GAVE
    recent = Favor.date > year_ago

    def total(condition, value, name: str):
        return fn.SUM(Case(None, [(condition, value)], 0)).alias(name)

    def latest(condition, name: str):
        return fn.MAX(Case(None, [(condition, Favor.date)], None)).alias(name)

    sums = Favor.select(Favor.contact.alias("cid"), total(gave, Favor.weight, "given"),
                        total(received, Favor.weight, "got"), total(gave & recent, 1, "given_n"),
                        total(received & recent, 1, "got_n"), total(received & recent, Favor.weight, "got_12m"),
                        latest(gave, "last_gave"), latest(received, "last_got"),
                        total(received & Favor.thanked_at.is_null(), 1, "unthanked"))
    if member_id is not None:
        sums = sums.where(Favor.member_id == member_id)
    sums = sums.group_by(Favor.contact).alias("sums")
    query = (Contact.select(Contact.id, Contact.name, Contact.company, sums.c.given, sums.c.got, sums.c.given_n,
                            sums.c.got_n, sums.c.got_12m, sums.c.last_gave, sums.c.last_got, sums.c.unthanked)
             .join(sums, on=(sums.c.cid == Contact.id)).where(Contact.archived_at.is_null()))
    rows = []
    recent_received: dict[int, int] = {}
    # Rows share one copy of each day and each company (a few hundred of each for 30k people).
    days: dict[object, dt.date | None] = {None: None}
    companies: dict[str, str] = {}
    for (cid, name, company, given, got, given_n, got_n, got_12m, last_gave_raw, last_got_raw,
         unthanked) in db.execute(query):
        last_gave = days.get(last_gave_raw) or days.setdefault(last_gave_raw, _day_or_none(last_gave_raw))
        last_got = days.get(last_got_raw) or days.setdefault(last_got_raw, _day_or_none(last_got_raw))
        company = companies.setdefault(company, company)
        row_one_way = got_n - given_n >= ONE_WAY_MARGIN
        if (owed and not unthanked or one_way and not row_one_way
                or give_back and not (got > 0 and (last_gave is None or last_gave < cutoff))):
            continue
        rows.append(LedgerRow(cid, name, company, given, got, given - got, bool(unthanked), row_one_way,
                              last_gave, last_got))
        if give_back:
            recent_received[cid] = got_12m
    if give_back:
        # Best first: who helped most lately, then longest since we gave anything back.
        rows.sort(key=lambda r: (-recent_received[r.contact_id], -r.received,
                                 r.last_gave or dt.date.min, -(r.last_received or dt.date.min).toordinal(),
                                 r.name.casefold()))
    else:  # by balance, then name, then id: stable sorts from the last key, so the peak of a 30k-row
        # ledger holds one key per row at a time, not a tuple of three
        rows.sort(key=attrgetter("contact_id"))
        rows.sort(key=lambda r: r.name.casefold())
        rows.sort(key=attrgetter("balance"))
    return rows


def _day_or_none(value: object) -> dt.date | None:
    """A day read raw: a date (PostgreSQL) or ISO text (SQLite)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
