"""The agenda as iCalendar (RFC 5545).

One all-day event per item, on its day (overdue items on the first day still ahead); a call pinned
at a time of day (`followup pin maria friday --at 14:30`) is a timed event of CALL_MINUTES in the
contact's zone (TZID, with its VTIMEZONE), else in the user's `timezone` setting. The UID
comes from our own ids (the contact and its call's place in the sequence, or the favour being
thanked), never from a row id the solver rewrites, so importing next week's export again updates
the same events instead of duplicating them. Each event carries a reminder at the configured time
of its day (`followup config alarm 09:00`), and the phone number as a `tel:` link. Calendar sync
(planner/sync/calendar.py) puts the very same events on the server. The export alone then adds
today's calls already made, each an event of its own marked done (`_Writer._done_event`); sync
removes a call's event once the call is made.

The events are written as content lines here, the bytes the `icalendar` library writes for the
same properties (its property order, TEXT escaping and line folding), without building its
objects: building and serialising them took 1.1 to 1.8 s for the 4,205 events of a week at
100k contacts, these lines about 0.1 s. The library still writes what is rare and intricate: a
timed start with its TZID, each VTIMEZONE, a reminder's duration.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator

from icalendar import Timezone, vDDDTypes, vDuration
from icalendar.parser import Contentline

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
    if item.done:
        return clean_line(f"Done: call {item.display_name}")
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
    if item.done:  # what was logged for the call, when
        made = f"Done: {item.last_contact:%Y-%m-%d %H:%M} ({item.last_kind})" if item.last_contact else "Done"
        lines.append(made + (f": {item.last_summary}" if item.last_summary else ""))
    elif item.last_contact is not None:
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
    if item.reached_by:  # on a desk: another member reached them (or made this call)
        lines.append(item.reached_by)
    if item.owner:  # on a desk: whose call or thank-you it is
        lines.append(f"For: {item.owner}")
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


def _text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 says (the library's own order of replacements)."""
    return (value.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


_FOLD_OCTETS = 74  # a folded piece stays under 75 octets, the line break and its space aside


def _fold(line: str) -> str:
    """A content line folded as the library folds it: pieces of at most 74 octets, never inside a
    UTF-8 character, and a backslash or caret that would end a piece (the start of an escape)
    moved to the next one."""
    data = line.encode("utf-8")
    if len(data) <= _FOLD_OCTETS:
        return line
    pieces = []
    start = 0
    while len(data) - start > _FOLD_OCTETS:
        end = start + _FOLD_OCTETS
        while data[end] & 0xC0 == 0x80:  # inside a character: it starts the next piece
            end -= 1
        if end - start > 1 and data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")


class _Writer:
    """Content lines of one export: the stamp and reminder shared by every event, the TZIDs its
    timed events use (for their VTIMEZONEs), and the durations already written."""

    def __init__(self, agenda: Agenda, stamp: dt.datetime, alarm: dt.timedelta | None) -> None:
        self.agenda = agenda
        self.stamp = f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}"
        self.alarm = alarm
        self.tzids: set[str] = set()
        self._durations: dict[dt.timedelta, str] = {}

    def event(self, item: AgendaItem) -> list[str]:
        """One item's VEVENT: all day, or timed for a call pinned at a time of day, with a
        reminder `alarm` after the start of its day."""
        day = event_day(self.agenda, item)
        if item.kind == AgendaKind.DATE:
            return self._date_event(item, day)
        if item.done:
            return self._done_event(item)
        description = event_description(item)
        if day != item.date:
            description += f"\nOverdue: planned for {item.date.isoformat()}"
        start = call_start(item, day)
        summary = event_summary(item)
        lines = ["BEGIN:VEVENT", f"SUMMARY:{_text(summary)}"]
        if start is None:
            lines += _all_day(day)
        else:
            if not isinstance(start.tzinfo, zoneinfo.ZoneInfo):  # a bare offset has no TZID to name: UTC
                start = start.astimezone(dt.UTC)
            lines += [self._moment("DTSTART", start), self._moment("DTEND", start + dt.timedelta(minutes=CALL_MINUTES))]
        lines += [self.stamp, f"UID:{_text(item.uid)}",
                  "CATEGORIES:" + ",".join(_text(c) for c in [item.reason] + (["overdue"] if day != item.date else [])),
                  f"DESCRIPTION:{_text(clean_block(description))}",
                  "TRANSP:TRANSPARENT" if start is None else "TRANSP:OPAQUE"]
        if item.phone:
            lines.append(f"URL:{tel_link(item.phone)}")
        alarm = self.alarm
        if start is not None and alarm is not None:
            # the reminder still rings at the configured time of the call's day, or shortly before
            # the call when that time comes after it
            before = dt.datetime.combine(day, dt.time(), tzinfo=start.tzinfo) + alarm - start
            alarm = min(before, EARLY_REMINDER)
        return lines + self._alarm(summary, alarm) + ["END:VEVENT"]

    def _date_event(self, item: AgendaItem, day: dt.date) -> list[str]:
        """A date that matters, on the day it falls (not the reminder day), repeating every year
        when it does; the same UID every year, so re-exports update one event."""
        summary = event_summary(item)
        lines = ["BEGIN:VEVENT", f"SUMMARY:{_text(summary)}", *_all_day(day), self.stamp, f"UID:{_text(item.uid)}"]
        if item.yearly:
            lines.append("RRULE:FREQ=YEARLY")
        description = clean_block(f"{item.why}\nContact: {item.display_name}"
                                  + (f"\nLocal time zone: {item.timezone}" if item.timezone else ""))
        lines += [f"CATEGORIES:{_text(item.reason)}", f"DESCRIPTION:{_text(description)}", "TRANSP:TRANSPARENT"]
        return lines + self._alarm(summary, self.alarm) + ["END:VEVENT"]

    def _done_event(self, item: AgendaItem) -> list[str]:
        """A call of today's list already made: all day on its day, with what was logged. Its UID
        is the contact's call of that day (`AgendaItem.uid`), the same in every export that day
        and after, so a calendar updates it, never doubles it. RFC 5545 has no "completed" for a
        VEVENT (COMPLETED is a VTODO's STATUS; an event is TENTATIVE, CONFIRMED or CANCELLED):
        it took place, so CONFIRMED, with "Done:" in its summary, a `done` category and no reminder."""
        summary = event_summary(item)
        return ["BEGIN:VEVENT", f"SUMMARY:{_text(summary)}", *_all_day(item.date), self.stamp,
                f"UID:{_text(item.uid)}", "CATEGORIES:" + ",".join(_text(c) for c in (item.reason, "done")),
                f"DESCRIPTION:{_text(clean_block(event_description(item)))}", "STATUS:CONFIRMED",
                "TRANSP:TRANSPARENT"] + ([f"URL:{tel_link(item.phone)}"] if item.phone else []) + ["END:VEVENT"]

    def _moment(self, name: str, moment: dt.datetime) -> str:
        """A timed start or end as the library writes it (TZID, or UTC's Z), its TZID noted."""
        value = vDDDTypes(moment)
        tzid = value.params.get("TZID")
        if tzid:
            self.tzids.add(tzid)
        return str(Contentline.from_parts(name, value.params, value))

    def _alarm(self, summary: str, alarm: dt.timedelta | None) -> list[str]:
        if alarm is None:
            return []
        if alarm not in self._durations:
            self._durations[alarm] = vDuration(alarm).to_ical().decode("ascii")
        return ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_text(summary)}",
                f"TRIGGER;RELATED=START:{self._durations[alarm]}", "END:VALARM"]

    def timezones(self) -> bytes:
        """The VTIMEZONE of every TZID the events use (UTC needs none), so any client reads their
        times right; in the order of their names."""
        written = []
        for tzid in sorted(self.tzids - {"UTC"}):
            try:
                written.append(Timezone.from_tzid(tzid).to_ical())
            except ValueError:  # a zone the library cannot describe: the events still name it
                continue
        return b"".join(written)


def _all_day(day: dt.date) -> list[str]:
    return [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}"]


def _lines(lines: list[str]) -> bytes:
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")


_HEADER = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_text(PRODID)}", "CALSCALE:GREGORIAN"]


def _calendar(agenda: Agenda, items: list[AgendaItem], *, stamp: dt.datetime,
              alarm: dt.timedelta | None) -> Iterator[bytes]:
    """A calendar of `items`, in pieces: the header with the time zones, then event by event."""
    writer = _Writer(agenda, stamp.astimezone(dt.UTC).replace(microsecond=0), alarm)
    events = [writer.event(item) for item in items]  # first: they name the time zones the header holds
    yield _lines(_HEADER) + writer.timezones()
    for lines in events:
        yield _lines(lines)
    yield b"END:VCALENDAR\r\n"


def agenda_ics_chunks(agenda: Agenda, *, stamp: dt.datetime | None = None,
                      alarm: object = _FROM_SETTINGS) -> Iterator[bytes]:
    """The agenda as one calendar, in pieces (UTF-8), stamped now unless `stamp` is given."""
    return _calendar(agenda, agenda.items + agenda.done, stamp=stamp or dt.datetime.now(dt.UTC),
                     alarm=alarm_offset(alarm))


def agenda_ics(agenda: Agenda, *, stamp: dt.datetime | None = None, alarm: object = _FROM_SETTINGS) -> bytes:
    return b"".join(agenda_ics_chunks(agenda, stamp=stamp, alarm=alarm))


def event_calendar(agenda: Agenda, item: AgendaItem, *, stamp: dt.datetime, alarm: dt.timedelta | None) -> str:
    """One item as a calendar of its own (with its VTIMEZONE): what calendar sync puts on the server."""
    return b"".join(_calendar(agenda, [item], stamp=stamp, alarm=alarm)).decode("utf-8")
