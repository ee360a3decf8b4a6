"""Dates that matter to a contact: birthdays, work anniversaries and any other day they care about.

Each is a month and day, with the year when known. Birthdays and anniversaries recur every year;
another date recurs when added with `--yearly`. They come up on the agenda `dates_ahead` days
before they fall (a setting, default 3), and go out as yearly events in the agenda's iCalendar
export; vCards carry them as BDAY, ANNIVERSARY and X-FOLLOWUP-DATE both ways.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from planner.core.errors import BadInput, NotFound
from planner.core.textsafe import clean_line
from planner.store.database import db, retried
from planner.store.dialect import unindexed_field
from planner.store.journal import journaled
from planner.store.models import Contact, ImportantDate, get_contact, utcnow

ALWAYS_YEARLY = ("birthday", "anniversary", "work-anniversary")
KIND_ALIASES = {"bday": "birthday", "birth": "birthday", "wedding": "anniversary",
                "work": "work-anniversary", "work-anniv": "work-anniversary", "joined": "work-anniversary"}
_KIND = re.compile(r"^[a-z0-9][a-z0-9 -]{0,39}$")
# 1985-03-12, 19850312, --03-12, --0312, 03-12 (vCard's forms and ours); a time part is ignored
_FULL = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$")
_NO_YEAR = re.compile(r"^(?:--)?(\d{2})-?(\d{2})$")
NO_YEAR_PLACEHOLDERS = (1604, 1900)  # years some address books write for "year unknown"


@dataclass
class DateView:
    id: int
    contact_id: int
    contact_name: str
    kind: str
    year: int | None
    month: int
    day: int
    yearly: bool
    note: str = ""

    @property
    def text(self) -> str:
        """ISO "1985-03-12", or "--03-12" when the year is unknown (vCard's form)."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}" if self.year else f"--{self.month:02d}-{self.day:02d}"

    @property
    def title(self) -> str:
        return self.kind.replace("-", " ").capitalize()

    def on_or_after(self, base: dt.date) -> dt.date | None:
        """The next day on or after `base` it falls on (29 February on the 28th in other years);
        None for a one-off date already past."""
        if not self.yearly:
            day = _day(self.year or base.year, self.month, self.day)
            return day if day >= base else None
        for year in (base.year, base.year + 1):
            day = _day(year, self.month, self.day)
            if day >= base and (self.year is None or year >= self.year):
                return day
        return None

    def describe(self, on: dt.date) -> str:
        """"Birthday Sat 2026-12-05 (turns 41)", "Work anniversary Mon 2027-04-05 (8 years)"."""
        text = f"{self.title} {on:%a} {on.isoformat()}"
        if self.yearly and self.year and on.year > self.year:
            count = on.year - self.year
            text += f" (turns {count})" if self.kind == "birthday" else f" ({count} year{'s' if count != 1 else ''})"
        if self.note:
            text += f": {self.note}"
        return text

    def to_json(self) -> dict:
        return {"id": self.id, "contact_id": self.contact_id, "contact": self.contact_name, "kind": self.kind,
                "date": self.text, "yearly": self.yearly, "note": self.note}


def _day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def normalize_kind(kind: str) -> str:
    value = " ".join((kind or "").strip().lower().replace("_", "-").split()).replace(" ", "-")
    value = KIND_ALIASES.get(value, value)
    if not _KIND.match(value):
        raise BadInput(f"date kind {clean_line(kind)!r}: use a word such as birthday, anniversary, work-anniversary")
    return value


def parse_date(text: str, *, what: str = "DATE") -> tuple[int | None, int, int]:
    """(year or None, month, day) from 1985-03-12, 19850312, --03-12 or 03-12."""
    raw = (text or "").strip()
    full, bare = _FULL.match(raw), _NO_YEAR.match(raw)
    year: int | None
    if full:
        year, month, day = int(full.group(1)), int(full.group(2)), int(full.group(3))
        if year in NO_YEAR_PLACEHOLDERS:
            year = None
    elif bare:
        year, month, day = None, int(bare.group(1)), int(bare.group(2))
    else:
        raise BadInput(f"{what} {clean_line(raw)!r}: use YYYY-MM-DD, or MM-DD when the year is unknown")
    try:
        _day(year or 2000, month, 1)
        if day < 1 or day > calendar.monthrange(year or 2000, month)[1]:  # 2000: 29 February exists
            raise ValueError
    except ValueError:
        raise BadInput(f"{what} {clean_line(raw)!r} is not a day of the calendar") from None
    return year, month, day


def _view(row: ImportantDate, name: str) -> DateView:
    return DateView(row.id, row.contact_id, name, row.kind, row.year, row.month, row.day, bool(row.yearly), row.note)


@retried
def add_date(contact_id: int, kind: str, text: str, *, yearly: bool = False, note: str = "") -> DateView:
    """Add a date that matters; the same kind and day twice is refused."""
    kind = normalize_kind(kind)
    year, month, day = parse_date(text)
    yearly = yearly or kind in ALWAYS_YEARLY or year is None
    with journaled(f"Added a {kind}") as action:
        contact = get_contact(contact_id)
        action.label = f"Added a {kind} for {contact.name}"
        if _exists(contact_id, kind, month, day):
            raise BadInput(f"{clean_line(contact.name)} already has a {kind} on {month:02d}-{day:02d}")
        row = ImportantDate.create(contact=contact, kind=kind, year=year, month=month, day=day, yearly=yearly,
                                   note=clean_line(note).strip())
        _touch(contact_id)
    return _view(row, contact.name)


def _touch(contact_id: int) -> None:
    """The contact changed: contact sync sends what changed since its last exchange."""
    Contact.update(updated_at=utcnow()).where(Contact.id == contact_id).execute()


def _exists(contact_id: int, kind: str, month: int, day: int) -> bool:
    return ImportantDate.select().where(ImportantDate.contact == contact_id, ImportantDate.kind == kind,
                                        ImportantDate.month == month, ImportantDate.day == day).exists()


@retried
def remove_date(date_id: int) -> DateView:
    with journaled("Removed a date"):
        row = ImportantDate.get_or_none(ImportantDate.id == date_id)
        if row is None:
            raise NotFound(f"no date with id {date_id}")
        view = _view(row, get_contact(row.contact_id).name)
        row.delete_instance()
    return view


def dates_of(contact_ids: Iterable[int] | None = None) -> list[DateView]:
    """Dates that matter, of the given contacts or everyone, by contact then month and day."""
    query = ImportantDate.select(ImportantDate, Contact.id, Contact.name).join(Contact)
    if contact_ids is not None:
        query = query.where(ImportantDate.contact.in_(list(contact_ids)))
    rows = query.order_by(ImportantDate.contact, ImportantDate.month, ImportantDate.day, ImportantDate.id)
    return [_view(row, row.contact.name) for row in rows]


def merge_imported(found: dict[int, list[tuple[str, str, bool]]]) -> int:
    """Store the (kind, date text, yearly) a file gave for each contact, skipping those already
    there and any that do not parse; inside the import's transaction. Returns how many were new."""
    added = 0
    for contact_id, entries in found.items():
        for kind, text, yearly in entries:
            try:
                kind, (year, month, day) = normalize_kind(kind), parse_date(text)
            except BadInput:
                continue
            if _exists(contact_id, kind, month, day):
                continue
            ImportantDate.create(contact=contact_id, kind=kind, year=year, month=month, day=day,
                                 yearly=yearly or kind in ALWAYS_YEARLY or year is None)
            added += 1
    return added


@dataclass
class Upcoming:
    date: DateView
    occurs_on: dt.date
    remind_on: dt.date  # `ahead` days before


def upcoming(start: dt.date, end: dt.date, ahead: int, today: dt.date) -> list[Upcoming]:
    """The dates whose reminder day is in [start, end], for active contacts, by reminder day. The
    reminder day is `ahead` days before the date falls, or today when that has passed and the
    date has not (a birthday added on the eve still comes up)."""
    # read as tuples, not models: the agenda's first frame waits for this, over everyone's dates;
    # from the dates to their contacts (through archived_at's index, SQLite went through every
    # active contact looking for dates: 10 ms at 100,000 contacts for a handful of dates)
    query = (ImportantDate.select(ImportantDate.id, ImportantDate.contact, Contact.name, ImportantDate.kind,
                                  ImportantDate.year, ImportantDate.month, ImportantDate.day, ImportantDate.yearly,
                                  ImportantDate.note)
             .join(Contact).where(unindexed_field(Contact.archived_at).is_null()))
    lead = dt.timedelta(days=ahead)
    found = []
    for did, cid, name, kind, year, month, day, yearly, note in db.execute(query):
        view = DateView(did, cid, name, kind, year, month, day, bool(yearly), note)
        occurs = view.on_or_after(max(start, today) if start <= today else start + lead)
        while occurs is not None and max(occurs - lead, today) <= end:
            remind = max(occurs - lead, today)
            if remind >= start:
                found.append(Upcoming(view, occurs, remind))
            occurs = view.on_or_after(occurs + dt.timedelta(days=1)) if view.yearly else None
    return sorted(found, key=lambda u: (u.remind_on, u.date.contact_name.casefold(), u.date.id))
