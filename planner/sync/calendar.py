"""The plan's calls as events in one CalDAV calendar, both ways.

Out: the next N days of the agenda become all-day events (a call pinned at a time of day, a timed
one in the contact's zone), the same ones `agenda --format ics`
writes (exports/ics.py: stable UIDs from our own ids, the reason, last contact, open favours, the
phone as a `tel:` link, a reminder at the configured time). A call that moves updates its event;
a call that is done or leaves the window has its event removed.

In: an event the person dragged to another day or time in their calendar app pins that call there
(the contact's next call: services/schedule.py `pin`; a timed event's new time, read in the
contact's zone, becomes the call's time, an all-day one leaves it any time that day), and the
report says so; a follow-up sequence's step dragged to another day moves that step (as a snooze
of it does). A later call of the cadence, a thank-you or a date that matters cannot be pinned:
its event goes back to its day, also reported.

Our own writes are recognised by their ETags (stored per event), so only the phone's changes
count as moves. Each event is written on the server first and recorded in its own transaction;
a sync interrupted after a write finds the event at its address next time and overwrites it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

from icalendar import Calendar

from planner.core.dates import today
from planner.core.errors import BadInput, NotFound
from planner.core.vocabulary import AgendaKind
from planner.io.exports.ics import (
    alarm_offset,
    call_start,
    call_zone,
    event_calendar,
    event_day,
)
from planner.scheduling.plan_views import PlannedCallView
from planner.services.agenda import Agenda, AgendaItem, build_agenda
from planner.services.schedule import pin
from planner.services.sequences import snooze_step
from planner.store.database import run_write
from planner.store.models import Contact, SyncItem
from planner.sync.dav import DavCollection, PreconditionFailed
from planner.sync.report import SyncReport
from planner.sync.state import changes_since_last, ensure_collection, find_collection, finish, items_of

Progress = Callable[[str, str], None]
_FIXED_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _href_name(uid: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", uid) + ".ics"


def _event_text(agenda: Agenda, item: AgendaItem, alarm, stamp: dt.datetime) -> str:
    return event_calendar(agenda, item, stamp=stamp, alarm=alarm)


def _event_when(text: str, zone: dt.tzinfo) -> tuple[dt.date, str] | None:
    """(day, "HH:MM" or "" for all day) the event starts at as the server has it now, a timed one
    in `zone` (the call's: the phone may have written it in its own zone or in UTC)."""
    try:
        calendar = Calendar.from_ical(text)
    except ValueError:
        return None
    for event in calendar.walk("VEVENT"):
        start = event.get("dtstart")
        if start is None:
            return None
        value = start.dt
        if not isinstance(value, dt.datetime):
            return value, ""
        local = value.astimezone(zone) if value.tzinfo is not None else value  # floating: as written
        return local.date(), local.strftime("%H:%M")
    return None


class CalendarSync:
    def __init__(self, client: DavCollection, *, days: int, dry_run: bool, progress: Progress | None) -> None:
        self.client = client
        self.url = client.url
        self.days = days
        self.dry_run = dry_run
        self.progress = progress or (lambda _step, _name: None)
        self.report = SyncReport("calendar", client.where, dry_run=dry_run)
        self.collection = find_collection(self.url)
        self.items = items_of(self.collection)
        self.base_path = urlsplit(self.url).path

    def run(self) -> SyncReport:
        known = self.items
        listing, gone_there = changes_since_last(self.client, self.collection, known)
        gone = set(gone_there)
        changed = sorted(h for h, etag in listing.changed.items() if h in known and known[h].etag != etag)
        fetched = self.client.multiget(changed) if changed else {}
        gone |= {href for href in changed if href not in fetched}
        put_back: set[str] = set()
        for href in changed:
            if href in fetched:
                self._moved(href, fetched[href], put_back)
        for href in sorted(gone):
            self._deleted_there(href)
        self._write_plan(put_back, gone)
        if not self.dry_run:
            finish(self.url, "calendar", listing.token)
        return self.report

    # -- the phone's changes ------------------------------------------------------------------

    def _moved(self, href: str, got: tuple[str, str], put_back: set[str]) -> None:
        item = self.items[href]
        etag, text = got
        base = json.loads(item.base)
        contact = Contact.get_or_none(Contact.id == item.contact_id) if item.contact_id else None
        name = contact.name if contact else href
        when = _event_when(text, call_zone(contact.timezone if contact else ""))
        if when is None or (when[0].isoformat(), when[1]) == (base["day"], base.get("at", "")) or contact is None:
            self._record_etag(item, etag)  # edited, not moved (or unreadable): ours again below
            put_back.add(href)
            return
        day, at = when
        at_words = f" at {at}" if at else ""
        step = re.fullmatch(r"step-(\d+)@followup", str(base.get("uid", "")))
        if step is not None and day >= today():
            self._move_step(item, etag, int(step[1]), name, day, put_back)
            return
        if base["kind"] != AgendaKind.CALL or base["seq"] != 0 or step:
            what = {AgendaKind.THANK_YOU: "a thank-you", AgendaKind.DATE: "a date that matters"}.get(
                base["kind"], "a follow-up sequence's step" if step else "a later call of the sequence")
            self.report.add("server", "kept", name, f"{what} cannot be pinned; put back on {base['day']}")
            self._record_etag(item, etag)
            put_back.add(href)
            return
        if day < today():
            self.report.add("server", "kept", name, f"moved to {day.isoformat()}, a day already past; put back")
            self._record_etag(item, etag)
            put_back.add(href)
            return
        if self.dry_run:
            self.report.add("followup", "pinned", name, f"to {day.isoformat()}{at_words} (moved in the calendar)")
            return
        self.progress("pin", name)

        def store() -> PlannedCallView | BadInput:
            try:
                view = pin(contact.id, day, at)
            except BadInput as exc:
                SyncItem.update(etag=etag).where(SyncItem.id == item.id).execute()
                return exc
            SyncItem.update(etag=etag).where(SyncItem.id == item.id).execute()
            return view

        stored = run_write(store)  # run again from the start after a collision on the server
        if isinstance(stored, BadInput):
            self.report.add("server", "kept", name, f"{stored}; put back")
            put_back.add(href)
            return
        view = stored
        item.etag = etag
        detail = f"to {view.date.isoformat()}{at_words} (moved in the calendar"
        detail += f" to {day.isoformat()}, not a working day)" if view.date != day else ")"
        self.report.add("followup", "pinned", name, detail)

    def _move_step(self, item: SyncItem, etag: str, step_id: int, name: str, day: dt.date,
                   put_back: set[str]) -> None:
        """A sequence step dragged to another day moves that step (as a snooze on the agenda
        does); the contact's next call stays where it is."""
        if self.dry_run:
            self.report.add("followup", "moved", name, f"a sequence step to {day.isoformat()} (moved in the calendar)")
            return
        self.progress("move", name)
        try:
            view = snooze_step(step_id, day)
        except (BadInput, NotFound) as exc:
            self.report.add("server", "kept", name, f"{exc}; put back")
            self._record_etag(item, etag)
            put_back.add(item.href)
            return
        self._record_etag(item, etag)
        item.base = json.dumps({**json.loads(item.base), "day": view.day.isoformat()})  # where the phone put it
        detail = f"{view.label} to {view.day.isoformat()} (moved in the calendar"
        detail += f" to {day.isoformat()}, not a working day)" if view.day != day else ")"
        self.report.add("followup", "moved", name, detail)

    def _record_etag(self, item: SyncItem, etag: str) -> None:
        item.etag = etag
        if not self.dry_run:
            run_write(lambda: SyncItem.update(etag=etag).where(SyncItem.id == item.id).execute())

    def _deleted_there(self, href: str) -> None:
        item = self.items[href]
        contact = Contact.get_or_none(Contact.id == item.contact_id) if item.contact_id else None
        self.report.add("server", "deleted", contact.name if contact else href,
                        "deleted in the calendar; the call is still planned, so its event comes back")
        if not self.dry_run:
            run_write(partial(_forget, item.id))
        del self.items[href]

    # -- the plan out -------------------------------------------------------------------------

    def _write_plan(self, put_back: set[str], gone: set[str]) -> None:
        start = today()
        agenda = build_agenda(start, start + dt.timedelta(days=self.days - 1))
        alarm = alarm_offset()
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
        wanted: dict[str, AgendaItem] = {}
        for entry in agenda.items:
            wanted.setdefault(self.base_path + _href_name(entry.uid), entry)
        for href, entry in wanted.items():
            digest = hashlib.sha256(_event_text(agenda, entry, alarm, _FIXED_STAMP).encode()).hexdigest()
            item = self.items.get(href)
            day = event_day(agenda, entry).isoformat()
            if item is not None and json.loads(item.base).get("hash") == digest and href not in put_back:
                self.report.unchanged += 1
                continue
            if item is None:
                self.report.add("server", "added", entry.name, f"{entry.kind} on {day}")
            elif json.loads(item.base).get("day") != day:
                self.report.add("server", "moved", entry.name, f"{entry.kind} to {day}")
            else:
                self.report.add("server", "updated", entry.name, f"{entry.kind} on {day}")
            if self.dry_run:
                continue
            text = _event_text(agenda, entry, alarm, stamp)
            self.progress("put", entry.name)
            if item is None:
                try:
                    etag = self.client.put(href, text, etag=None)
                except PreconditionFailed:  # written by a sync that was interrupted before recording it
                    etag = self.client.put(href, text, etag=self.client.etag_of(href))
            else:
                etag = self.client.put(href, text, etag=item.etag)
            at = entry.at_time if call_start(entry, event_day(agenda, entry)) is not None else ""
            base = json.dumps({"day": day, "at": at, "hash": digest, "kind": entry.kind, "seq": entry.seq,
                               "uid": entry.uid})
            run_write(partial(self._store_event, item, href, entry, etag, base))
        for href, item in list(self.items.items()):
            if href in wanted or href in gone:
                continue
            contact = Contact.get_or_none(Contact.id == item.contact_id) if item.contact_id else None
            self.report.add("server", "removed", contact.name if contact else href,
                            "done, or no longer in the next " + f"{self.days} days")
            if self.dry_run:
                continue
            self.progress("delete", contact.name if contact else href)
            self.client.delete(href, etag=item.etag)
            run_write(partial(_forget, item.id))

    def _store_event(self, item: SyncItem | None, href: str, entry: AgendaItem, etag: str, base: str) -> None:
        if item is None:
            SyncItem.create(collection=ensure_collection(self.url, "calendar"), href=href, uid=entry.uid,
                            etag=etag, contact=entry.contact_id, base=base)
        else:
            SyncItem.update(etag=etag, base=base, contact=entry.contact_id).where(SyncItem.id == item.id).execute()


def _forget(item_id: int) -> None:
    SyncItem.delete().where(SyncItem.id == item_id).execute()


def sync_calendar(client: DavCollection, *, days: int = 28, dry_run: bool = False,
                  progress: Progress | None = None) -> SyncReport:
    return CalendarSync(client, days=days, dry_run=dry_run, progress=progress).run()
