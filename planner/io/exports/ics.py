"""The agenda as iCalendar (RFC 5545) through the `icalendar` library.

One all-day event per item, on its day (overdue items on the first day still ahead); a call pinned
at a time of day (`followup pin maria friday --at 14:30`) is a timed event of CALL_MINUTES in the
contact's zone (TZID, with its VTIMEZONE), else in the user's `timezone` setting. The UID
comes from our own ids (the contact and its call's place in the sequence, or the favour being
thanked), never from a row id the solver rewrites, so importing next week's export again updates
the same events instead of duplicating them. Each event carries a reminder at the configured time
of its day (`followup config alarm 09:00`), and the phone number as a `tel:` link. Calendar sync
(planner/sync/calendar.py) puts the very same events on the server.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from icalendar import Alarm, Calendar, Event

from planner import __version__
from planner.core.textsafe import clean_block, clean_line
from planner.core.vocabulary import AgendaKind
from planner.core.zones import configured_zone, zone_from_key
from planner.services.agenda import Agenda, AgendaItem
from planner.store import settings

PRODID = f"-//followup//followup {__version__}//EN"
CALL_MINUTES = 30
EARLY_REMINDER = dt.timedelta(minutes=-15)  # before a timed call whose day's reminder would come after it


def call_zone(contact_zone: str) -> dt.tzinfo:
    """The zone a call's time of day is in: the contact's, else the user's `timezone` setting,
    else this machine's."""
    if contact_zone:
        return zone_from_key(contact_zone)
    return configured_zone(settings.get("timezone")) or zone_from_key("")


def call_start(item: AgendaItem, day: dt.date) -> dt.datetime | None:
    """When a call pinned at a time of day starts, aware in its zone; None for an all-day item."""
    if not item.at_time or item.kind != AgendaKind.CALL or day != item.date:
        return None  # an overdue call goes on the first day ahead, all day: its hour has passed
    hours, minutes = (int(part) for part in item.at_time.split(":"))
    return dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=call_zone(item.timezone))


def event_summary(item: AgendaItem) -> str:
    if item.kind == AgendaKind.DATE:
        return clean_line(f"{item.occasion}: {item.display_name}")
    verb = "Thank" if item.kind == AgendaKind.THANK_YOU else "Call and thank" if item.thanks_owed else "Call"
    return clean_line(f"{verb} {item.display_name}")


def event_description(item: AgendaItem) -> str:
    lines = []
    if item.title:
        lines.append(f"Title: {item.title}")
    if item.phone:
        lines.append(f"Phone: {item.phone} ({tel_link(item.phone)})")
    for label, value in (("Email", item.email), ("Local time zone", item.timezone)):
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
    lines.append(f"Reason: {item.why}")
    if item.nudge:
        lines.append(f"Be present: {item.nudge}")
    return "\n".join(clean_line(line) for line in lines)


def event_day(agenda: Agenda, item: AgendaItem) -> dt.date:
    """An item's own day; an overdue one goes on the first day still ahead (today, or the range's
    start), where a calendar shows it: the same UID moves it along on every re-export. A date that
    matters goes on the day it falls, not on the day the agenda reminds of it."""
    if item.kind == AgendaKind.DATE and item.occurs_on is not None:
        return item.occurs_on
    if item.date >= agenda.today:
        return item.date
    return max(agenda.today, agenda.start)


def tel_link(phone: str) -> str:
    """`tel:` URI of a number as people type it: '+49 (30) 123-45' -> 'tel:+493012345'."""
    digits = "".join(c for c in phone if c.isdigit())
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + digits


_FROM_SETTINGS = object()


def alarm_offset(alarm: object = _FROM_SETTINGS) -> dt.timedelta | None:
    """When the reminder rings, from the start of the event's day: the `alarm` setting (09:00 by
    default), or None for no reminder."""
    value = settings.get("alarm") if alarm is _FROM_SETTINGS else alarm
    if not value:
        return None
    hours, minutes = (int(part) for part in str(value).split(":"))
    return dt.timedelta(hours=hours, minutes=minutes)


def _date_event(item: AgendaItem, day: dt.date, *, stamp: dt.datetime, alarm: dt.timedelta | None) -> Event:
    """A date that matters, on the day it falls (not the reminder day), repeating every year when
    it does; the same UID every year, so re-exports update one event."""
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    if item.yearly:
        event.add("rrule", {"freq": "yearly"})
    event.add("summary", event_summary(item))
    event.add("description", clean_block(f"{item.why}\nContact: {item.display_name}"
                                         + (f"\nLocal time zone: {item.timezone}" if item.timezone else "")))
    event.add("categories", [item.reason])
    event.add("transp", "TRANSPARENT")
    _add_alarm(event, item, alarm)
    return event


def agenda_event(agenda: Agenda, item: AgendaItem, *, stamp: dt.datetime, alarm: dt.timedelta | None) -> Event:
    """One item as an all-day event with a reminder `alarm` after the start of its day."""
    day = event_day(agenda, item)
    if item.kind == AgendaKind.DATE:
        return _date_event(item, day, stamp=stamp, alarm=alarm)
    description = event_description(item)
    if day != item.date:
        description += f"\nOverdue: planned for {item.date.isoformat()}"
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    start = call_start(item, day)
    if start is None:
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
    else:
        if not isinstance(start.tzinfo, zoneinfo.ZoneInfo):  # a bare offset has no TZID to name: UTC
            start = start.astimezone(dt.UTC)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=CALL_MINUTES))
    event.add("summary", event_summary(item))
    event.add("description", clean_block(description))
    event.add("categories", [item.reason] + (["overdue"] if day != item.date else []))
    event.add("transp", "TRANSPARENT" if start is None else "OPAQUE")
    if item.phone:
        event.add("url", tel_link(item.phone))
    if start is not None and alarm is not None:
        # the reminder still rings at the configured time of the call's day, or shortly before
        # the call when that time comes after it
        before = dt.datetime.combine(day, dt.time(), tzinfo=start.tzinfo) + alarm - start
        alarm = min(before, EARLY_REMINDER)
    _add_alarm(event, item, alarm)
    return event


def _add_alarm(event: Event, item: AgendaItem, alarm: dt.timedelta | None) -> None:
    if alarm is not None:
        reminder = Alarm()
        reminder.add("action", "DISPLAY")
        reminder.add("description", event_summary(item))
        reminder.add("trigger", alarm, parameters={"RELATED": "START"})
        event.add_component(reminder)


def with_timezones(calendar: Calendar) -> Calendar:
    """The VTIMEZONE of every TZID the events use, so any client reads their times right."""
    calendar.add_missing_timezones()
    return calendar


def new_calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def agenda_ics(agenda: Agenda, *, stamp: dt.datetime | None = None, alarm: object = _FROM_SETTINGS) -> bytes:
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    offset = alarm_offset(alarm)
    calendar = new_calendar()
    for item in agenda.items:
        calendar.add_component(agenda_event(agenda, item, stamp=stamp, alarm=offset))
    return with_timezones(calendar).to_ical()
