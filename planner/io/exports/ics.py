"""The agenda as iCalendar (RFC 5545) through the `icalendar` library.

One all-day event per item, on its day (overdue items on the first day still ahead). The UID
comes from our own ids (the contact and its call's place in the sequence, or the favour being
thanked), never from a row id the solver rewrites, so importing next week's export again updates
the same events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from planner import __version__
from planner.core.textsafe import clean_block, clean_line
from planner.services.agenda import Agenda, AgendaItem

PRODID = f"-//followup//followup {__version__}//EN"


def event_summary(item: AgendaItem) -> str:
    verb = "Thank" if item.kind == "thank-you" else "Call"
    return clean_line(f"{verb} {item.display_name}")


def event_description(item: AgendaItem) -> str:
    lines = []
    if item.title:
        lines.append(f"Title: {item.title}")
    for label, value in (("Phone", item.phone), ("Email", item.email), ("Local time zone", item.timezone)):
        if value:
            lines.append(f"{label}: {value}")
    if item.last_contact is not None:
        last = f"Last contact: {item.last_contact.date().isoformat()} ({item.last_kind})"
        lines.append(last + (f": {item.last_summary}" if item.last_summary else ""))
    else:
        lines.append("Last contact: never")
    if item.favors_received_open:
        lines.append(f"They helped us: {item.favors_received_open}")
    if item.favors_given_open:
        lines.append(f"We helped them: {item.favors_given_open}")
    lines.append(f"Reason: {item.reason}")
    return "\n".join(clean_line(line) for line in lines)


def event_day(agenda: Agenda, item: AgendaItem) -> dt.date:
    """An item's own day; an overdue one goes on the first day still ahead (today, or the range's
    start), where a calendar shows it: the same UID moves it along on every re-export."""
    if item.date >= agenda.today:
        return item.date
    return max(agenda.today, agenda.start)


def agenda_ics(agenda: Agenda, *, stamp: dt.datetime | None = None) -> bytes:
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for item in agenda.items:
        day = event_day(agenda, item)
        description = event_description(item)
        if day != item.date:
            description += f"\nOverdue: planned for {item.date.isoformat()}"
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", event_summary(item))
        event.add("description", clean_block(description))
        event.add("categories", [item.reason] + (["overdue"] if day != item.date else []))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
