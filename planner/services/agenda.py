"""The agenda: the call sheet a person carries into the week.

Built from the stored plan (table PlannedCall): calls and thank-you tasks due before today are
overdue; the rest fall on their day. Each item carries what a person wants before dialling
(company, title, phone, email, local time zone, how and when we last spoke, open favours), loaded
in a fixed number of queries however long the week is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from planner.core.dates import today
from planner.core.errors import BadInput
from planner.core.textsafe import json_dict
from planner.core.vocabulary import AgendaKind, FavorDirection, PlanReason
from planner.core.zones import configured_zone
from planner.scheduling import worklist
from planner.scheduling.touch_points import steps_of_rows
from planner.services.important_dates import Upcoming, upcoming
from planner.services.interactions.records import (
    InteractionView,
    last_interactions,
    last_interactions_among,
    newest_attempts,
)
from planner.services.interactions.team_memory import Touch
from planner.services.ledger import FavorView, open_favors, open_favors_among
from planner.services.presence import nudges, nudges_among
from planner.services.team import member_names
from planner.store import settings
from planner.store.database import db
from planner.store.dialect import as_date, unindexed_field
from planner.store.models import Contact, ContactEmail, ContactPhone, Favor, PlannedCall
from planner.store.queries import tuples

KIND_ORDER: dict[str, int] = {AgendaKind.CALL: 0, AgendaKind.THANK_YOU: 1, AgendaKind.DATE: 2}
REASON_ORDER: dict[str, int] = {
    PlanReason.SEQUENCE: 0, PlanReason.FOLLOW_UP: 0, PlanReason.RETRY: 1, PlanReason.PINNED: 2,
    PlanReason.CATCH_UP: 3, PlanReason.CADENCE: 4, PlanReason.NEW: 5, PlanReason.THANK_YOU: 6,
}
MAX_FAVORS_SHOWN = 3


@dataclass
class AgendaItem:
    date: dt.date
    kind: str  # call | thank-you | date
    reason: str  # PlanReason: cadence | new | catch-up | pinned | follow-up | retry | thank-you | sequence | date
    contact_id: int
    name: str
    company: str = ""
    title: str = ""
    phone: str = ""
    email: str = ""
    timezone: str = ""
    last_contact: dt.datetime | None = None
    last_kind: str = ""  # "call", "email", "call, no-answer" ...
    last_summary: str = ""
    favors_given_open: str = ""
    favors_received_open: str = ""
    planned_call_id: int | None = None
    favor_id: int | None = None
    seq: int = 0
    note: str = ""
    thanks_owed: bool = False  # a call with someone we also owe a thank-you: one row says both
    # what that thank-you is for when it says more than thanks (a referral that came to something)
    thanks_why: str = ""
    step_id: int | None = None  # the follow-up sequence step this call stands for
    date_id: int | None = None  # the date that matters this reminder is for
    occurs_on: dt.date | None = None  # the day that date falls on
    yearly: bool = False
    occasion: str = ""  # "Birthday", "Work anniversary"
    nudge: str = ""  # be present: "only emails since March: call them"
    purpose: str = ""  # says more than the reason: see `why`
    # a call of today's list already made: it stays in view, with what was logged (last_kind, last_summary)
    done: bool = False
    owner: str = ""  # the member whose call (or thank-you) it is; "" on a personal file
    # another member reached them last: "Mia spoke to them Tue" (the owner's check-in moved out)
    reached_by: str = ""
    at_time: str = ""  # "HH:MM" in the contact's zone for a call pinned at a time of day
    # Working state, never exported: whose call it is (by id), and whether what the item says beyond
    # its row (last reached, open favours, nudge, first phone and email) is still to be read: the
    # app draws its first frame before that (`build_agenda(details=False)`, `read_details`).
    owner_id: int | None = field(default=None, metadata={"json": False})
    pending: bool = field(default=False, metadata={"json": False})

    @property
    def why(self) -> str:
        """What the item is for, as people read it: a sequence step's purpose ("Placement 1 month:
        how is the new role?"), the date coming up ("Birthday Sat 2026-12-05"), a referral that
        came to something ("Jonas was placed at Initech: tell Maria"), else the reason."""
        return self.purpose or self.reason

    @property
    def uid(self) -> str:
        """Stable across re-exports: unpinned rows are rewritten by the solver, so never the row id.
        A call is the contact's n-th upcoming call (seq); a thank-you is its favour."""
        if self.kind == AgendaKind.THANK_YOU and self.favor_id is not None:
            return f"thank-{self.favor_id}@followup"
        if self.step_id is not None:
            return f"step-{self.step_id}@followup"
        if self.date_id is not None:
            return f"date-{self.date_id}@followup"
        if self.done:  # today's list holds a contact once: their call of the day, made
            return f"done-{self.contact_id}-{self.date:%Y%m%d}@followup"
        return f"call-{self.contact_id}-{self.seq}@followup"

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name

    def to_json(self) -> dict:
        data = json_dict(self)  # dates as ISO text; field by field, not asdict's deep copy
        data["uid"] = self.uid
        data["why"] = self.why
        return data


@dataclass
class Agenda:
    start: dt.date
    end: dt.date
    today: dt.date
    member: str = ""  # whose agenda it is; "" for everyone's (a personal file, or --team)
    team: bool = False  # a desk with members: its items say whose they are (`owner`, `reached_by`)
    overdue: list[AgendaItem] = field(default_factory=list)
    # Everyone owed a thank-you, due or not yet (the ledger's "thanks owed"), one item each,
    # except those with a call in the agenda: that call carries it (`thanks_owed`).
    thank_yous: list[AgendaItem] = field(default_factory=list)
    days: list[tuple[dt.date, list[AgendaItem]]] = field(default_factory=list)
    # Today's calls already made (today's list, `scheduling/worklist.py`): shown ticked, with what
    # was logged, so the day shows its progress. Not part of `items`: nothing is left to do.
    done: list[AgendaItem] = field(default_factory=list)

    @property
    def items(self) -> list[AgendaItem]:
        """Every item once: overdue calls, owed thank-yous, then each day's."""
        return self.overdue + self.thank_yous + [item for _, items in self.days for item in items]

    @property
    def pending(self) -> bool:
        """Some item's details are still to be read (`build_agenda(details=False)`)."""
        return any(item.pending for item in self.items) or any(item.pending for item in self.done)

    @property
    def today_calls(self) -> int:
        """Today's calls: the ones still to make and the ones made (dates to remember are no call)."""
        left = sum(1 for day, items in self.days if day == self.today for item in items if item.kind == AgendaKind.CALL)
        return left + len(self.done)

    @property
    def thanks_owed(self) -> int:
        """How many people are owed a thank-you: the same count as `ledger --owed`."""
        calls = {item.contact_id for item in self.overdue if item.thanks_owed}
        calls |= {item.contact_id for _, items in self.days for item in items if item.thanks_owed}
        return len(calls | {item.contact_id for item in self.thank_yous})

    @property
    def title(self) -> str:
        if self.start == self.end:
            return f"Agenda for {self.start:%A} {self.start.isoformat()}"
        week = self.start.isocalendar()
        if self.start.weekday() == 0 and (self.end - self.start).days == 6:
            return f"Agenda for week {week[0]}-W{week[1]:02d}: {self.start.isoformat()} to {self.end.isoformat()}"
        return f"Agenda {self.start.isoformat()} to {self.end.isoformat()}"

    def to_json(self) -> dict:
        return {
            "start": self.start.isoformat(), "end": self.end.isoformat(), "today": self.today.isoformat(),
            "member": self.member or None,
            "overdue": [item.to_json() for item in self.overdue],
            "thank_yous": [item.to_json() for item in self.thank_yous],
            "days": [{"date": day.isoformat(), "items": [item.to_json() for item in items]}
                     for day, items in self.days],
            "done": [item.to_json() for item in self.done],
        }


_WEEK = re.compile(r"^(\d{4})-?w(\d{1,2})$")


def week_range(spec: str | None = None, *, base: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Monday to Sunday: "this" (or None), "next", "last", or an ISO week "2026-W49"."""
    base = base or today()
    raw = (spec or "this").strip().lower()
    monday = base - dt.timedelta(days=base.weekday())
    if raw in {"this", "current", ""}:
        start = monday
    elif raw == "next":
        start = monday + dt.timedelta(days=7)
    elif raw in {"last", "previous"}:
        start = monday - dt.timedelta(days=7)
    elif match := _WEEK.match(raw):
        try:
            start = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            raise BadInput(f"--week {spec!r}: {match.group(1)} has no week {match.group(2)}") from None
    else:
        raise BadInput(f"--week {spec!r}: use this, next, last or an ISO week such as 2026-W49")
    return start, start + dt.timedelta(days=6)


def _favor_words(favors: list[FavorView], direction: str) -> str:
    chosen = [f for f in favors if f.direction == direction]
    words = []
    for favor in chosen[:MAX_FAVORS_SHOWN]:
        text = f"{favor.kind} {favor.date.isoformat()}"
        if favor.note:
            text += f" {favor.note}"
        if favor.open_thanks:
            text += " (unthanked)"
        words.append(text)
    if len(chosen) > MAX_FAVORS_SHOWN:
        words.append(f"+{len(chosen) - MAX_FAVORS_SHOWN} more")
    return "; ".join(words)


_PURPOSED = frozenset((PlanReason.SEQUENCE, PlanReason.THANK_YOU))  # the reasons `_purpose` says more of


def _purpose(row: _Call, favors: list[FavorView]) -> str:
    if row.reason == PlanReason.SEQUENCE:
        return row.note or ""
    if row.reason == PlanReason.THANK_YOU and row.favor is not None:
        favor = next((f for f in favors if f.id == row.favor), None)
        if favor is not None and favor.referred_id is not None:
            return favor.note
    return ""


def _date_item(coming: Upcoming, view: _Who) -> AgendaItem:
    return AgendaItem(
        date=coming.remind_on, kind=AgendaKind.DATE, reason=PlanReason.DATE, contact_id=view.id, name=view.name,
        company=view.company, title=view.title, timezone=view.timezone,
        purpose=coming.date.describe(coming.occurs_on), date_id=coming.date.id, occurs_on=coming.occurs_on,
        yearly=coming.date.yearly, occasion=coming.date.title, owner_id=view.owner_id, pending=True,
    )


def _made_today(contact_ids: list[int], current: dt.date) -> dict[int, InteractionView]:
    """Of these contacts on today's list with no call left today, those whose call was made today
    (their newest attempt is from today, in the user's zone): the done items. Anyone else left the
    list by the user's hand (a snooze, a skip) and is not shown."""
    zone = configured_zone(settings.get("timezone"))
    return {cid: view for cid, view in newest_attempts(contact_ids).items()
            if view.happened_at.astimezone(zone).date() == current}


def _done_item(current: dt.date, reason: str, view: _Who, attempt: InteractionView,
               names: dict[int, str]) -> AgendaItem:
    """A call of today's list already made; on a desk, whose call it was and, when another member
    made it and reached them, who (as a planned call says who reached them last)."""
    owner = names.get(view.owner_id, "") if view.owner_id is not None else ""
    reached_by = ""
    if attempt.reached and attempt.logged_by not in (None, view.owner_id):
        reached_by = Touch(names.get(attempt.logged_by or 0, "another member"), attempt.kind,
                           attempt.happened_at).words(current)
    return AgendaItem(
        date=current, kind=AgendaKind.CALL, reason=reason, contact_id=view.id, name=view.name,
        company=view.company, title=view.title, timezone=view.timezone, last_contact=attempt.happened_at,
        last_kind=attempt.kind if attempt.reached else f"{attempt.kind}, {attempt.outcome}",
        last_summary=attempt.summary, done=True, owner=owner, reached_by=reached_by, owner_id=view.owner_id,
        pending=True,
    )


def _mine(member_id: int):
    """The plan rows that are `member_id`'s: calls with the contacts they own, and thank-yous for
    the favours they received (a favour no member holds: its contact's owner)."""
    owned = Contact.owner_id == member_id
    theirs = Favor.select(Favor.id).where(Favor.member_id == member_id)
    unheld = Favor.select(Favor.id).where(Favor.member_id.is_null())
    thanks = PlannedCall.favor.in_(theirs) | (PlannedCall.favor.in_(unheld) & owned)
    return ((PlannedCall.reason != PlanReason.THANK_YOU) & owned) | ((PlannedCall.reason == PlanReason.THANK_YOU)
                                                                     & thanks)


def build_agenda(start: dt.date, end: dt.date, member_id: int | None = None, *, details: bool = True) -> Agenda:
    """The agenda for [start, end]; overdue items are everything still planned before today.
    Everyone's, or one member's (`_mine`).

    With `details=False`, only what places and counts the items is read: their rows, names, reasons,
    whose they are, the dates coming up and today's calls made. Every item comes `pending` and
    `read_details` fills those a screen shows first: the app's first frame waits for this read, and
    at 100k contacts the rest (how and when each person was last reached, open favours, the nudge to
    call, first phone and email) is most of its cost. Items, order and counts are the same either way."""
    if end < start:
        raise BadInput(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    if (end - start).days > 366:
        raise BadInput("an agenda covers at most a year; narrow --from/--to")
    current = today()
    # A thank-you is owed from the day the favour is recorded, whenever it is due.
    # SQLite would otherwise go through everyone (the archived_at index) and look each one's
    # calls up: reading the week's calls and looking each one's contact up is a few times faster
    # at 100k contacts, and the agenda's start-up waits for these queries.
    live = unindexed_field(Contact.archived_at).is_null()
    wanted = (live
              & ((PlannedCall.date <= end) & ((PlannedCall.date >= start) | (PlannedCall.date < current))
                 | (PlannedCall.reason == PlanReason.THANK_YOU)))
    if member_id is not None:
        wanted &= _mine(member_id)
    rows, views = _agenda_calls(wanted)
    dates_coming = upcoming(max(start, current), end, settings.get("dates_ahead"), current) if end >= current else []
    names = member_names()
    if member_id is not None and dates_coming:
        theirs = {cid for (cid,) in tuples(Contact.select(Contact.id).where(
            Contact.id.in_(sorted({u.date.contact_id for u in dates_coming})), Contact.owner_id == member_id))}
        dates_coming = [u for u in dates_coming if u.date.contact_id in theirs]
    listed = worklist.listed(current) if start <= current <= end else {}
    still_today = {row.contact_id for row in rows if row.date == current and row.reason != PlanReason.THANK_YOU}
    made = _made_today([cid for cid in listed if cid not in still_today], current)
    # a few: dates this week, and today's calls already made
    others = sorted(({u.date.contact_id for u in dates_coming} | set(made)) - views.keys())
    if others:
        views.update(_people(Contact.id.in_(others) & Contact.archived_at.is_null()))
    if member_id is not None:  # one member's day: the calls made with their own contacts
        made = {cid: attempt for cid, attempt in made.items() if cid in views and views[cid].owner_id == member_id}
    steps = steps_of_rows([row.id for row in rows if row.reason == PlanReason.SEQUENCE])
    # The open favours of those owed a thank-you (a few): whose thanks it is on a desk, and what a
    # referral came to. Set-based, as every query here: a subquery, never a list of ids.
    thanked = open_favors_among(PlannedCall.select(PlannedCall.contact).join(Contact)
                                .where(wanted & (PlannedCall.reason == PlanReason.THANK_YOU)))
    favor_members = {f.id: f.member_id for fs in thanked.values() for f in fs}
    agenda = Agenda(start=start, end=end, today=current,
                    member=names.get(member_id, "") if member_id is not None else "", team=bool(names))
    by_day: dict[dt.date, list[AgendaItem]] = {}
    for row in rows:
        view = views[row.contact_id]
        kind = AgendaKind.THANK_YOU if row.reason == PlanReason.THANK_YOU else AgendaKind.CALL
        owner_id = favor_members.get(row.favor) if kind == AgendaKind.THANK_YOU and row.favor else None
        owner_id = owner_id or view.owner_id
        item = AgendaItem(
            date=row.date, kind=kind, reason=row.reason, contact_id=row.contact_id, name=view.name,
            company=view.company, title=view.title, timezone=view.timezone,
            planned_call_id=row.id, favor_id=row.favor, seq=row.seq, note=row.note, step_id=steps.get(row.id),
            purpose=_purpose(row, thanked.get(row.contact_id, [])) if row.reason in _PURPOSED else "",
            at_time=row.at_time or "",
            owner=names.get(owner_id, "") if owner_id is not None else "", owner_id=owner_id, pending=True)
        if kind == AgendaKind.THANK_YOU:
            agenda.thank_yous.append(item)
        elif row.date < current and row.date < start or row.date < current <= end:
            agenda.overdue.append(item)
        else:
            by_day.setdefault(row.date, []).append(item)
    for coming in dates_coming:
        if coming.date.contact_id in views:  # (archived since the dates were read: gone with them)
            by_day.setdefault(coming.remind_on, []).append(_date_item(coming, views[coming.date.contact_id]))
    for cid, attempt in made.items():
        if cid in views:  # an archived contact's call left the list with them
            agenda.done.append(_done_item(current, listed[cid], views[cid], attempt, names))

    def order(item: AgendaItem) -> tuple:
        return (KIND_ORDER[item.kind], REASON_ORDER.get(item.reason, 9), item.name.casefold(),
                item.contact_id, item.seq)

    agenda.overdue.sort(key=lambda item: (item.date, *order(item)))
    agenda.thank_yous.sort(key=lambda item: (item.date, *order(item)))
    agenda.done.sort(key=lambda item: (item.last_contact or dt.datetime.min.replace(tzinfo=dt.UTC), item.contact_id))
    _one_row_per_person(agenda, by_day)
    day = start
    while day <= end:
        agenda.days.append((day, sorted(by_day.get(day, []), key=order)))
        day += dt.timedelta(days=1)
    if details:
        # everyone with a row here, through the same subquery, and the few `others`
        among = PlannedCall.select(PlannedCall.contact).join(Contact).where(wanted)
        _fill(agenda.items + agenda.done, _Details.among(among, others), names, current)
    return agenda


def read_details(items: list[AgendaItem]) -> None:
    """Fill in what `pending` items say beyond their row (see `build_agenda`): for a screenful of
    them, read by their contacts' ids; a whole agenda reads them set-based in `build_agenda`."""
    items = [item for item in items if item.pending]
    if items:
        ids = sorted({item.contact_id for item in items})
        _fill(items, _Details.of(ids), member_names(), today())


class _Details(NamedTuple):
    """What items say beyond their row, per contact id."""

    last: dict[int, InteractionView]  # the last conversation, else the last attempt
    favors: dict[int, list[FavorView]]  # open favours, newest first
    nudges: dict[int, str]  # be present: "only emails since March: call them"
    reach: dict[int, tuple[str, str]]  # first phone and first email

    @classmethod
    def among(cls, contacts, others: list[int]) -> _Details:
        """For the contacts the subquery `contacts` selects, and the few `others` (dates and calls
        made of people with no row in the agenda)."""
        details = cls(last_interactions_among(contacts), open_favors_among(contacts), nudges_among(contacts),
                      _reach(Contact.id.in_(contacts)))
        if others:
            details.last.update(last_interactions(others))
            details.favors.update(open_favors(others))
            details.reach.update(_reach(Contact.id.in_(others)))
        return details

    @classmethod
    def of(cls, contact_ids: list[int]) -> _Details:
        return cls(last_interactions(contact_ids), open_favors(contact_ids), nudges(contact_ids),
                   _reach(Contact.id.in_(contact_ids)))


def _reach(which) -> dict[int, tuple[str, str]]:
    """Each contact's first phone and first email, "" for none."""
    first_phone = (ContactPhone.select(ContactPhone.number).where(ContactPhone.contact == Contact.id)
                   .order_by(ContactPhone.position, ContactPhone.id).limit(1))
    first_email = (ContactEmail.select(ContactEmail.address).where(ContactEmail.contact == Contact.id)
                   .order_by(ContactEmail.position, ContactEmail.id).limit(1))
    return {cid: (phone or "", email or "")
            for cid, phone, email in db.execute(Contact.select(Contact.id, first_phone, first_email).where(which))}


def _fill(items: list[AgendaItem], details: _Details, names: dict[int, str], current: dt.date) -> None:
    for item in items:
        item.phone, item.email = details.reach.get(item.contact_id, ("", ""))
        item.pending = False
        if item.done:  # what was logged is the attempt itself, already in the item
            continue
        recent = details.last.get(item.contact_id)
        if recent is not None:
            item.last_contact = recent.happened_at
            item.last_kind = recent.kind if recent.reached else f"{recent.kind}, {recent.outcome}"
            item.last_summary = recent.summary
        if item.kind == AgendaKind.DATE:
            continue
        own_favors = details.favors.get(item.contact_id, [])
        item.favors_given_open = _favor_words(own_favors, FavorDirection.GAVE)
        item.favors_received_open = _favor_words(own_favors, FavorDirection.RECEIVED)
        if item.kind == AgendaKind.CALL:  # a thank-you carries no nudge
            item.nudge = details.nudges.get(item.contact_id, "")
        if recent is not None and recent.reached and recent.logged_by not in (None, item.owner_id):
            item.reached_by = Touch(names.get(recent.logged_by or 0, "another member"), recent.kind,
                                    recent.happened_at).words(current)


class _Call(NamedTuple):
    """A stored call as the agenda reads it (the names of the PlannedCall fields it uses)."""

    id: int
    contact_id: int
    date: dt.date
    reason: str
    seq: int
    favor: int | None
    note: str
    at_time: str


class _Who(NamedTuple):
    """What an item says of its contact, beyond its details (`_Details`)."""

    id: int
    name: str
    company: str
    title: str
    timezone: str
    owner_id: int | None


_WHO = (Contact.id, Contact.name, Contact.company, Contact.title, Contact.timezone, Contact.owner_id)


def _people(which) -> dict[int, _Who]:
    return {row[0]: _Who(*row) for row in db.execute(Contact.select(*_WHO).where(which))}


def _agenda_calls(wanted) -> tuple[list[_Call], dict[int, _Who]]:
    """The agenda's stored calls, by date (then contact and place in its sequence), and what each
    row shows of its contact (`_Who`), from one query read as raw tuples."""
    query = (PlannedCall.select(PlannedCall.id, PlannedCall.contact, PlannedCall.date, PlannedCall.reason,
                                PlannedCall.seq, PlannedCall.favor, PlannedCall.note, PlannedCall.at_time, *_WHO)
             .join(Contact).where(wanted))
    rows: list[_Call] = []
    views: dict[int, _Who] = {}
    for rid, cid, day, reason, seq, favor, note, at_time, *who in db.execute(query):
        rows.append(_Call(rid, cid, as_date(day), reason, seq, favor, note, at_time))
        if cid not in views:
            views[cid] = _Who(*who)
    # sorted here, not in SQL: ordered by date, SQLite would walk the whole plan through its date
    # index instead of reading the week's calls and the thank-yous through two indexes
    rows.sort(key=lambda row: (row.date, row.contact_id, row.seq, row.id))
    return rows, views


def _one_row_per_person(agenda: Agenda, by_day: dict[dt.date, list[AgendaItem]]) -> None:
    """Nobody appears twice as a call and a thank-you: a person owed thanks (for one favour or
    several, listed in `favors_received_open`) is one thank-you item, the earliest due; when they
    also have a call in the agenda, the first such call says it instead (`thanks_owed`) and the
    thank-you item goes."""
    # on a desk, only a call of the member who owes the thanks says it (`owner`: one key on a file)
    first_call: dict[tuple[int, str], AgendaItem] = {}
    for item in agenda.overdue + [item for day in sorted(by_day) for item in by_day[day]]:
        if item.kind == AgendaKind.CALL:  # a date to remember is no call: the thank-you keeps its row
            first_call.setdefault((item.contact_id, item.owner), item)
    kept: list[AgendaItem] = []
    seen: set[tuple[int, str]] = set()
    for item in agenda.thank_yous:
        key = (item.contact_id, item.owner)
        if key in seen:
            continue
        seen.add(key)
        if key in first_call:
            call = first_call[key]
            call.thanks_owed = True
            call.thanks_why = item.purpose
        else:
            kept.append(item)
    agenda.thank_yous = kept
