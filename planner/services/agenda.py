"""The agenda: the call sheet a person carries into the week.

Built from the stored plan (table PlannedCall): calls and thank-you tasks due before today are
overdue; the rest fall on their day. Each item carries what a person wants before dialling
(company, title, phone, email, local time zone, how and when we last spoke, open favours), loaded
in a fixed number of queries however long the week is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from planner.core.dates import today
from planner.core.errors import BadInput
from planner.core.vocabulary import AgendaKind, FavorDirection, PlanReason
from planner.scheduling.touch_points import steps_of_rows
from planner.services.contact_views import ContactView, load_views
from planner.services.important_dates import Upcoming, upcoming
from planner.services.interactions.records import InteractionView, last_interactions
from planner.services.ledger import FavorView, open_favors
from planner.services.presence import nudges
from planner.store import settings
from planner.store.models import Contact, PlannedCall

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
    at_time: str = ""  # "HH:MM" in the contact's zone for a call pinned at a time of day

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
        return f"call-{self.contact_id}-{self.seq}@followup"

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name

    def to_json(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        data["last_contact"] = self.last_contact.isoformat() if self.last_contact else None
        data["occurs_on"] = self.occurs_on.isoformat() if self.occurs_on else None
        data["uid"] = self.uid
        data["why"] = self.why
        return data


@dataclass
class Agenda:
    start: dt.date
    end: dt.date
    today: dt.date
    overdue: list[AgendaItem] = field(default_factory=list)
    # Everyone owed a thank-you, due or not yet (the ledger's "thanks owed"), one item each,
    # except those with a call in the agenda: that call carries it (`thanks_owed`).
    thank_yous: list[AgendaItem] = field(default_factory=list)
    days: list[tuple[dt.date, list[AgendaItem]]] = field(default_factory=list)

    @property
    def items(self) -> list[AgendaItem]:
        """Every item once: overdue calls, owed thank-yous, then each day's."""
        return self.overdue + self.thank_yous + [item for _, items in self.days for item in items]

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
            "overdue": [item.to_json() for item in self.overdue],
            "thank_yous": [item.to_json() for item in self.thank_yous],
            "days": [{"date": day.isoformat(), "items": [item.to_json() for item in items]}
                     for day, items in self.days],
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


def _purpose(row: PlannedCall, favors: list[FavorView]) -> str:
    if row.reason == PlanReason.SEQUENCE:
        return row.note or ""
    if row.reason == PlanReason.THANK_YOU and row.favor is not None:
        favor = next((f for f in favors if f.id == row.favor), None)
        if favor is not None and favor.referred_id is not None:
            return favor.note
    return ""


def _date_item(coming: Upcoming, view: ContactView, recent: InteractionView | None) -> AgendaItem:
    return AgendaItem(
        date=coming.remind_on, kind=AgendaKind.DATE, reason=PlanReason.DATE, contact_id=view.id, name=view.name,
        company=view.company, title=view.title, phone=view.phones[0] if view.phones else "",
        email=view.emails[0] if view.emails else "", timezone=view.timezone,
        last_contact=recent.happened_at if recent else None,
        last_kind=(recent.kind if recent.reached else f"{recent.kind}, {recent.outcome}") if recent else "",
        last_summary=recent.summary if recent else "",
        purpose=coming.date.describe(coming.occurs_on), date_id=coming.date.id, occurs_on=coming.occurs_on,
        yearly=coming.date.yearly, occasion=coming.date.title,
    )


def build_agenda(start: dt.date, end: dt.date) -> Agenda:
    """The agenda for [start, end]; overdue items are everything still planned before today."""
    if end < start:
        raise BadInput(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    if (end - start).days > 366:
        raise BadInput("an agenda covers at most a year; narrow --from/--to")
    current = today()
    rows = list(
        PlannedCall.select(PlannedCall, Contact.id)
        .join(Contact)
        .where(Contact.archived_at.is_null())
        # A thank-you is owed from the day the favour is recorded, whenever it is due.
        .where((PlannedCall.date <= end) & ((PlannedCall.date >= start) | (PlannedCall.date < current))
               | (PlannedCall.reason == PlanReason.THANK_YOU))
        .order_by(PlannedCall.date, PlannedCall.contact, PlannedCall.seq)
    )
    dates_coming = upcoming(max(start, current), end, settings.get("dates_ahead"), current) if end >= current else []
    contact_ids = sorted({row.contact_id for row in rows} | {u.date.contact_id for u in dates_coming})
    views = {view.id: view for view in load_views(Contact.select().where(Contact.id.in_(contact_ids)))}
    last = last_interactions(contact_ids)
    favors = open_favors(contact_ids)
    steps = steps_of_rows([row.id for row in rows if row.reason == PlanReason.SEQUENCE])
    present = nudges(sorted({row.contact_id for row in rows if row.reason != PlanReason.THANK_YOU}))
    agenda = Agenda(start=start, end=end, today=current)
    by_day: dict[dt.date, list[AgendaItem]] = {}
    for row in rows:
        view = views[row.contact_id]
        recent = last.get(row.contact_id)
        own_favors = favors.get(row.contact_id, [])
        kind = AgendaKind.THANK_YOU if row.reason == PlanReason.THANK_YOU else AgendaKind.CALL
        item = AgendaItem(
            date=row.date, kind=kind, reason=row.reason, contact_id=row.contact_id, name=view.name,
            company=view.company, title=view.title, phone=view.phones[0] if view.phones else "",
            email=view.emails[0] if view.emails else "", timezone=view.timezone,
            last_contact=recent.happened_at if recent else None,
            last_kind=(recent.kind if recent.reached else f"{recent.kind}, {recent.outcome}") if recent else "",
            last_summary=recent.summary if recent else "",
            favors_given_open=_favor_words(own_favors, FavorDirection.GAVE),
            favors_received_open=_favor_words(own_favors, FavorDirection.RECEIVED),
            planned_call_id=row.id, favor_id=row.favor, seq=row.seq, note=row.note,
            step_id=steps.get(row.id), nudge=present.get(row.contact_id, "") if kind == AgendaKind.CALL else "",
            purpose=_purpose(row, own_favors), at_time=row.at_time or "",
        )
        if kind == AgendaKind.THANK_YOU:
            agenda.thank_yous.append(item)
        elif row.date < current and row.date < start or row.date < current <= end:
            agenda.overdue.append(item)
        else:
            by_day.setdefault(row.date, []).append(item)
    for coming in dates_coming:
        by_day.setdefault(coming.remind_on, []).append(_date_item(coming, views[coming.date.contact_id],
                                                                        last.get(coming.date.contact_id)))

    def order(item: AgendaItem) -> tuple:
        return (KIND_ORDER[item.kind], REASON_ORDER.get(item.reason, 9), item.name.casefold(),
                item.contact_id, item.seq)

    agenda.overdue.sort(key=lambda item: (item.date, *order(item)))
    agenda.thank_yous.sort(key=lambda item: (item.date, *order(item)))
    _one_row_per_person(agenda, by_day)
    day = start
    while day <= end:
        agenda.days.append((day, sorted(by_day.get(day, []), key=order)))
        day += dt.timedelta(days=1)
    return agenda


def _one_row_per_person(agenda: Agenda, by_day: dict[dt.date, list[AgendaItem]]) -> None:
    """Nobody appears twice as a call and a thank-you: a person owed thanks (for one favour or
    several, listed in `favors_received_open`) is one thank-you item, the earliest due; when they
    also have a call in the agenda, the first such call says it instead (`thanks_owed`) and the
    thank-you item goes."""
    first_call: dict[int, AgendaItem] = {}
    for item in agenda.overdue + [item for day in sorted(by_day) for item in by_day[day]]:
        if item.kind == AgendaKind.CALL:  # a date to remember is no call: the thank-you keeps its row
            first_call.setdefault(item.contact_id, item)
    kept: list[AgendaItem] = []
    seen: set[int] = set()
    for item in agenda.thank_yous:
        if item.contact_id in seen:
            continue
        seen.add(item.contact_id)
        if item.contact_id in first_call:
            call = first_call[item.contact_id]
            call.thanks_owed = True
            call.thanks_why = item.purpose
        else:
            kept.append(item)
    agenda.thank_yous = kept
