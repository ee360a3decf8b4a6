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
from planner.services.contact_views import load_views
from planner.services.interactions.records import last_interactions
from planner.services.ledger import FavorView, open_favors
from planner.store.models import Contact, PlannedCall

KIND_ORDER = {AgendaKind.CALL: 0, AgendaKind.THANK_YOU: 1}
REASON_ORDER = {PlanReason.FOLLOW_UP: 0, PlanReason.RETRY: 1, PlanReason.PINNED: 2, PlanReason.CATCH_UP: 3,
                PlanReason.CADENCE: 4, PlanReason.NEW: 5, PlanReason.THANK_YOU: 6}
MAX_FAVORS_SHOWN = 3


@dataclass
class AgendaItem:
    date: dt.date
    kind: str  # call | thank-you
    reason: str  # cadence | new | catch-up | pinned | follow-up | retry | thank-you
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

    @property
    def uid(self) -> str:
        """Stable across re-exports: unpinned rows are rewritten by the solver, so never the row id.
        A call is the contact's n-th upcoming call (seq); a thank-you is its favour."""
        if self.kind == AgendaKind.THANK_YOU and self.favor_id is not None:
            return f"thank-{self.favor_id}@followup"
        return f"call-{self.contact_id}-{self.seq}@followup"

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name

    def to_json(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        data["last_contact"] = self.last_contact.isoformat() if self.last_contact else None
        data["uid"] = self.uid
        return data


@dataclass
class Agenda:
    start: dt.date
    end: dt.date
    today: dt.date
    overdue: list[AgendaItem] = field(default_factory=list)
    thank_yous: list[AgendaItem] = field(default_factory=list)  # thank-yous past due, still owed
    days: list[tuple[dt.date, list[AgendaItem]]] = field(default_factory=list)

    @property
    def items(self) -> list[AgendaItem]:
        """Every item once: overdue calls, owed thank-yous, then each day's."""
        return self.overdue + self.thank_yous + [item for _, items in self.days for item in items]

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
        .where(PlannedCall.date <= end, Contact.archived_at.is_null())
        .where((PlannedCall.date >= start) | (PlannedCall.date < current))
        .order_by(PlannedCall.date, PlannedCall.contact, PlannedCall.seq)
    )
    contact_ids = sorted({row.contact_id for row in rows})
    views = {view.id: view for view in load_views(Contact.select().where(Contact.id.in_(contact_ids)))}
    last = last_interactions(contact_ids)
    favors = open_favors(contact_ids)
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
        )
        if row.date < current and row.date < start or row.date < current <= end:
            (agenda.thank_yous if kind == AgendaKind.THANK_YOU else agenda.overdue).append(item)
        else:
            by_day.setdefault(row.date, []).append(item)
    order = lambda item: (KIND_ORDER[item.kind], REASON_ORDER.get(item.reason, 9), item.name.casefold(),
                          item.contact_id, item.seq)
    agenda.overdue.sort(key=lambda item: (item.date, *order(item)))
    agenda.thank_yous.sort(key=lambda item: (item.date, *order(item)))
    day = start
    while day <= end:
        agenda.days.append((day, sorted(by_day.get(day, []), key=order)))
        day += dt.timedelta(days=1)
    return agenda
