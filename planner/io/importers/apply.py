"""De-duplication and writing: turn parsed records into added, updated and unchanged contacts.

A record matches a stored contact with the same LinkedIn URL, any same email, or the same folded
name and company (in that order); rows repeating within one file merge the same way. A match is
filled in, never overwritten: empty fields take the file's value, emails, phones and tags are
merged, and nothing the user typed is blanked out. So importing the same file twice adds nothing
and changes nothing.

Every stored key is loaded once, up front (no per-row lookups), and the whole import is one
IMMEDIATE transaction with bulk inserts: 10,000 rows take seconds, and a second session writing at
the same time waits instead of interleaving.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from planner.core.cadence import check_days
from planner.core.errors import BadInput
from planner.core.lengths import MAX_CHARS, check_length
from planner.core.textsafe import fold
from planner.io.importers.common import ImportRecord, ImportReport, ParseResult
from planner.io.importers.linkedin import url_key
from planner.scheduling.service import replan
from planner.services.contacts import (
    UNSET,
    normalize_kind,
    normalize_tag,
    search_text_of,
    validate_email,
    validate_timezone,
)
from planner.services.important_dates import merge_imported
from planner.services.team import acting_member_id
from planner.store.bulk import MIN_ROWS, indexes_built_after, worth_it
from planner.store.database import db, retried
from planner.store.dialect import as_stored, insert_many
from planner.store.journal import add_contacts_in_bulk, journaled
from planner.store.models import Contact, ContactEmail, ContactPhone, ContactTag, PlannedCall, utcnow

Progress = Callable[[int, int], None]
# the tables a large import adds most rows to: the contacts and, through the re-plan, their calls
_BULK_MODELS = [Contact, PlannedCall]


@dataclass(slots=True)  # one per contact, stored or added: no __dict__ each
class _State:
    """A contact as this import sees it: a stored one (id set) or one about to be added."""

    id: int | None
    name: str
    company: str = ""
    title: str = ""
    kind: str = "other"
    timezone: str = ""
    notes: str = ""
    external_key: str = ""
    connected_on: object | None = None
    cadence_days: int | None = None
    no_cadence: bool = False
    # tuples, replaced when something is added: four empty lists a contact were a fifth of a
    # 100,000-row import's memory, and most contacts never get a phone, a tag or a date
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    line: int = 0
    dates: tuple[tuple[str, str, bool], ...] = ()  # dates that matter the file gave

    def snapshot(self) -> tuple:
        return (self.company, self.title, self.kind, self.timezone, self.notes, self.external_key,
                self.connected_on, self.cadence_days, self.no_cadence, len(self.emails), len(self.phones),
                len(self.tags))

    def absorb(self, record: ImportRecord, extra_tags: list[str]) -> None:
        """Fill what is empty, merge the lists; never replace what is there."""
        # field by field: a loop of getattr and setattr over them cost more than the rest of absorb
        if record.company and not self.company:
            self.company = record.company
        if record.title and not self.title:
            self.title = record.title
        if record.timezone and not self.timezone:
            self.timezone = record.timezone
        if record.notes and not self.notes:
            self.notes = record.notes
        key = record.url
        if not key and record.emails and self.id is None:
            key = record.emails[0].lower()
        if key and not self.external_key:
            self.external_key = key
        if record.connected_on and not self.connected_on:
            self.connected_on = record.connected_on
        if record.kind and self.kind == "other":
            self.kind = record.kind
        if isinstance(record.cadence_days, int) and self.cadence_days is None and not self.no_cadence:
            self.cadence_days = record.cadence_days
        # each merge only when the record brings something to merge (most rows bring one email)
        if record.emails:
            known = {e.lower() for e in self.emails}
            emails = []
            for email in record.emails:
                if email.lower() not in known:
                    known.add(email.lower())
                    emails.append(email)
            if emails:
                self.emails += tuple(emails)
        if record.phones:
            numbers = {phone_key(p) for p in self.phones}
            phones = []
            for phone in record.phones:
                if phone_key(phone) not in numbers:
                    numbers.add(phone_key(phone))
                    phones.append(phone)
            if phones:
                self.phones += tuple(phones)
        if record.tags or extra_tags:
            tags = list(self.tags)
            for tag in record.tags + extra_tags:
                if tag not in tags:
                    tags.append(tag)
            if len(tags) > len(self.tags):
                self.tags = tuple(tags)
        if record.dates:
            self.dates += tuple([pair for pair in record.dates if pair not in self.dates])


def phone_key(number: str) -> str:
    """'+49 (30) 123-45' and '+4930 12345' are the same number."""
    return ("+" if number.strip().startswith("+") else "") + re.sub(r"\D", "", number)


def name_key(name: str, company: str) -> tuple[str, str]:
    return " ".join(fold(name).split()), _company_key(company)


@lru_cache(maxsize=4096)  # a file's people share a few thousand employers: each folded once, and kept once
def _company_key(company: str) -> str:
    return " ".join(fold(company).split())


class MatchIndex:
    """Where each URL, email and name+company already points."""

    def __init__(self) -> None:
        self.by_url: dict[str, _State] = {}
        self.by_email: dict[str, _State] = {}
        self.by_name: dict[tuple[str, str], _State] = {}

    def add(self, state: _State, keys: RecordKeys | None = None) -> None:
        """Index `state` under its keys; `keys`: those of the record a new state was made from
        (the same ones, already computed)."""
        key = state.external_key
        if "linkedin.com/" in key.lower():
            self.by_url.setdefault(keys.url if keys else url_key(key), state)
        elif "@" in key:
            self.by_email.setdefault(key.lower(), state)
        for email in state.emails:
            self.by_email.setdefault(email.lower(), state)
        self.by_name.setdefault(keys.name if keys else name_key(state.name, state.company), state)

    def find(self, record: ImportRecord, keys: RecordKeys | None = None) -> _State | None:
        keys = keys or RecordKeys.of(record)
        if keys.url and (hit := self.by_url.get(keys.url)):
            return hit
        for email in record.emails:
            if hit := self.by_email.get(email.lower()):
                return hit
        hit = self.by_name.get(keys.name)
        if hit is not None and record.url and "linkedin.com/" in hit.external_key.lower():
            return None  # same name and company, different LinkedIn profile: two people
        return hit


@dataclass(slots=True)  # made for every record: a frozen dataclass's __init__ costs several times more
class RecordKeys:
    """A record's URL and name keys, worked out once per record: matching it and then indexing
    the contact made from it ask for the same ones (a regex and two folds each)."""

    url: str
    name: tuple[str, str]

    @classmethod
    def of(cls, record: ImportRecord) -> RecordKeys:
        return cls(url_key(record.url) if record.url else "", name_key(record.name, record.company))


def _load_existing() -> tuple[MatchIndex, dict[int, _State]]:
    """Every stored contact with its emails, phones and tags, in four queries."""
    states: dict[int, _State] = {}
    fields = (Contact.id, Contact.name, Contact.company, Contact.title, Contact.kind, Contact.timezone,
              Contact.notes, Contact.external_key, Contact.connected_on, Contact.cadence_days, Contact.no_cadence)
    # the raw cursor: Peewee's per-field conversion of 100k rows cost more than reading them; the
    # three columns that are not text or ids are converted as its fields would, each value once
    days: dict[object, object] = {}
    to_day = Contact.connected_on.python_value
    for (cid, name, company, title, kind, timezone, notes, external_key, connected_on, cadence_days,
         no_cadence) in db.execute(Contact.select(*fields).order_by(Contact.id)):
        if connected_on is not None and (day := days.get(connected_on)) is None:
            day = days[connected_on] = to_day(connected_on)
        states[cid] = _State(cid, name, company, title, kind, timezone, notes, external_key,
                             None if connected_on is None else day,
                             None if cadence_days is None else int(cadence_days), bool(no_cadence))
    for contact_id, address in db.execute(ContactEmail.select(ContactEmail.contact, ContactEmail.address).order_by(
            ContactEmail.contact, ContactEmail.position)):
        states[contact_id].emails += (address,)
    for contact_id, number in db.execute(ContactPhone.select(ContactPhone.contact, ContactPhone.number).order_by(
            ContactPhone.contact, ContactPhone.position)):
        states[contact_id].phones += (number,)
    for contact_id, tag in db.execute(ContactTag.select(ContactTag.contact, ContactTag.tag)):
        states[contact_id].tags += (tag,)
    index = MatchIndex()
    for state in states.values():
        index.add(state)
    return index, states


_LIMITED = ("company", "title", "notes", "url")  # fields cut (with a note) when past their limit
_SHORTEST = min(MAX_CHARS[attr] for attr in _LIMITED if attr != "notes")  # together under it, each is


def validated(record: ImportRecord, warnings: list[tuple[int, str]]) -> ImportRecord | None:
    """Drop (with a warning) the values followup cannot store, keep the rest of the record; None
    (the record is skipped) when its name is past the limit. The checks are the CLI's own."""
    if len(record.name) > MAX_CHARS["name"]:
        return None
    # each field's own check only when it is past its limit (nearly never: five checks a record cost
    # more than matching it)
    long = (len(record.company) + len(record.title) + len(record.url) > _SHORTEST
            or len(record.notes) > MAX_CHARS["notes"])
    for attr in _LIMITED if long else ():
        try:
            check_length(attr, getattr(record, attr))
        except BadInput as exc:
            warnings.append((record.line, f"{exc}; left out"))
            setattr(record, attr, "")
    # each list only when it holds something (most rows: one email at most, no phone, no tag)
    if record.emails:
        record.emails = _kept(record, record.emails, validate_email, warnings)
    if record.phones:
        record.phones = _kept(record, record.phones, lambda phone: check_length("phone", phone), warnings)
    if record.tags:
        record.tags = _kept(record, [tag for tag in record.tags if tag.strip()], normalize_tag, warnings)
    if record.kind:
        try:
            record.kind = normalize_kind(record.kind)
        except BadInput as exc:
            warnings.append((record.line, f"{exc}; left as other"))
            record.kind = ""
    if record.timezone:
        try:
            record.timezone = validate_timezone(record.timezone)
        except BadInput as exc:
            warnings.append((record.line, f"{exc}; left empty"))
            record.timezone = ""
    if isinstance(record.cadence_days, int):
        try:
            check_days(record.cadence_days)
        except BadInput as exc:
            warnings.append((record.line, f"{exc}; cadence left as default"))
            record.cadence_days = UNSET
    return record


def _kept(record: ImportRecord, values: list[str], check: Callable[[str], str],
          warnings: list[tuple[int, str]]) -> list[str]:
    kept = []
    for value in values:
        try:
            kept.append(check(value))
        except BadInput as exc:
            warnings.append((record.line, f"{exc}; left out"))
    return kept


@retried
def apply_records(parsed: ParseResult | Callable[[], ParseResult], report: ImportReport, *, source: str,
                  tags: Iterable[str] = (), cadence: object = UNSET, progress: Progress | None = None,
                  owner: int | None = None) -> ImportReport:
    """Match, merge and (unless `report.dry_run`) write the records; fill in `report`. `parsed`:
    the parsed file, or a function that parses it (again, when a collision runs this again): then
    the records are this function's alone, and let go of as they are matched."""
    owned = callable(parsed)
    result = parsed() if callable(parsed) else parsed
    del parsed
    extra_tags = [normalize_tag(tag) for tag in tags]
    report.skipped = sorted(result.skipped)
    report.warnings = list(result.warnings)
    report.records = len(result.records)
    report.merged = 0  # counted by _plan: run again after a collision, it counts from the start
    total = len(result.records)
    # records read for this call are let go one by one as they are matched: 100,000 of them, with
    # the contacts made from them, were the most an import held at once
    records = _taken(result.records) if owned else iter(result.records)
    del result
    if report.dry_run:
        _plan(records, total, report, extra_tags, cadence, progress)
        return report
    with journaled(f"Imported from {source}") as action:
        added, changed, dated = _plan(records, total, report, extra_tags, cadence, progress)
        action.label = f"Imported from {source}: {len(added)} new, {len(changed)} updated"
        # an address book into a file that holds fewer contacts: the contact and plan indexes are
        # built once at the end (store/bulk.py), which costs far less than keeping them row by row
        many = worth_it(len(added), Contact.select().count()) if len(added) >= MIN_ROWS else False
        with indexes_built_after(_BULK_MODELS, many):
            report.added_ids = _insert_new(added, source, owner if owner is not None else acting_member_id())
            _update_existing(changed)
            report.updated_ids = [state.id for state, _ in changed if state.id is not None]
            # ids known now: after the inserts
            merge_imported({state.id: list(state.dates) for state in dated if state.id is not None})
            del added, changed, dated  # 100,000 contacts' states: not needed to plan them
            if report.added_ids or report.updated_ids:  # the new contacts are planned before anything is stored
                replan(list(report.added_ids + report.updated_ids))
    return report


def _taken(records: list[ImportRecord]) -> Iterator[ImportRecord]:
    """Each of `records` in order, taken out of the list as it is handed out."""
    records.reverse()
    while records:
        yield records.pop()


def _plan(records: Iterator[ImportRecord], total: int, report: ImportReport, extra_tags: list[str],
          cadence: object, progress: Progress | None) -> tuple[list[_State], list[tuple[_State, tuple]], list[_State]]:
    """The contacts to add, the stored ones the file changes, and every one it gave dates for
    (`total`: how many records there are, for `progress`)."""
    index, stored = _load_existing()
    added: list[_State] = []
    touched: dict[int, tuple] = {}  # stored contact id -> its snapshot before this import
    seen: set[int] = set()  # id() of states a row of this file already reached
    for done, record in enumerate(records, start=1):
        checked = validated(record, report.warnings)
        if checked is None:
            report.skipped.append((record.line, f"name of {len(record.name):,} characters; at most "
                                   f"{MAX_CHARS['name']:,}"))
            continue
        record = checked
        keys = RecordKeys.of(record)
        state = index.find(record, keys)
        if state is None:
            state = _State(id=None, name=record.name, line=record.line)
            if cadence is not UNSET or record.cadence_days is not UNSET:
                value = cadence if cadence is not UNSET else record.cadence_days
                state.cadence_days, state.no_cadence = value, value is None  # type: ignore[assignment]
            added.append(state)
            state.absorb(record, extra_tags)
            index.add(state, keys)  # its name, company and URL are the record's
        else:
            if id(state) in seen:
                report.merged += 1
            if state.id is not None and state.id not in touched:
                touched[state.id] = state.snapshot()
                _note_differences(state, record, report.warnings)
            indexed = (state.external_key, state.company, len(state.emails))
            state.absorb(record, extra_tags)
            if (state.external_key, state.company, len(state.emails)) != indexed:
                index.add(state)  # new keys to find it by (it is indexed under the others already)
        seen.add(id(state))
        if progress and (done % 250 == 0 or done == total):
            progress(done, total)
    changed = [(stored[i], before) for i, before in touched.items() if stored[i].snapshot() != before]
    report.added = len(added)
    report.updated = len(changed)
    report.unchanged = len(touched) - len(changed)
    dated = [state for state in added + [stored[i] for i in touched] if state.dates]
    return added, changed, dated


def _note_differences(state: _State, record: ImportRecord, warnings: list[tuple[int, str]]) -> None:
    """A stored company or title the file disagrees with is kept, but said: for a recruiter a
    changed employer in a fresh LinkedIn export is news."""
    for attr in ("company", "title"):
        mine, theirs = getattr(state, attr), getattr(record, attr)
        if mine and theirs and mine != theirs and fold(mine) != fold(theirs):  # the same text: no fold
            warnings.append((record.line, f"{state.name}: the file says {attr} {theirs!r}, "
                             f"kept yours ({mine!r})"))


# the columns `_row` gives a new contact, in its order
_ROW_COLUMNS = ("owner_id", "name", "company", "title", "kind", "timezone", "notes", "source", "external_key",
                "connected_on", "cadence_days", "no_cadence", "search_text", "created_at", "updated_at")


def _row(state: _State, source: str, stamp: object, owner: object, day: dict) -> tuple:
    """A new contact's values in `_ROW_COLUMNS`' order, as the driver takes them: `stamp` and
    `owner` already are, `day` gives the stored form of a connection day."""
    on = state.connected_on
    return (owner, state.name, state.company, state.title, state.kind, state.timezone, state.notes, source,
            state.external_key, None if on is None else day[on], state.cadence_days, state.no_cadence,
            search_text_of(state.name, state.company, state.title, state.tags, state.emails, state.notes),
            stamp, stamp)


def _insert_new(added: list[_State], source: str, owner: int | None) -> list[int]:
    """Bulk-insert new contacts and their emails, phones and tags; returns their ids in order."""
    if not added:
        return []
    # Raw multi-row INSERTs with RETURNING: Peewee building each VALUES list value by value cost
    # more than the rest of a 100k-row import together. Each value is given as its field converts
    # it, and each of the few that are not text or a number converted once: the time and the
    # owner, every other column's default, each of a few hundred days.
    defaults = [field for field in Contact._meta.defaults if field.column_name not in _ROW_COLUMNS]
    columns = [*_ROW_COLUMNS, *(field.column_name for field in defaults)]
    tail = tuple(as_stored(field.db_value(field.default() if callable(field.default) else field.default))
                 for field in defaults)
    stamp = as_stored(Contact.created_at.db_value(utcnow()))
    member = Contact.owner_id.db_value(owner)
    day = _Stored(Contact.connected_on.db_value)
    names = ", ".join(f'"{column}"' for column in columns)
    sql = f'INSERT INTO "{Contact._meta.table_name}" ({names}) VALUES ({", ".join("?" * len(columns))})'

    def insert() -> list[int]:
        # Inside our IMMEDIATE transaction ids are handed out in VALUES order, statement after
        # statement: sorting them restores the rows' order whatever order RETURNING reports them in.
        rows = (_row(state, source, stamp, member, day) + tail for state in added)
        ids = sorted(insert_many(sql, rows, returning="id"))
        if len(ids) != len(added):
            raise RuntimeError("bulk insert returned an unexpected number of ids")
        for state, new_id in zip(added, ids, strict=True):
            state.id = new_id
        return ids

    # journaled as one set of new contacts: their rows (emails, tags, planned calls...) need no
    # journal row each, since undoing the import removes them all
    ids = add_contacts_in_bulk(insert)
    _insert_children([(s, 0, 0, 0) for s in added])
    return ids


class _Stored(dict):
    """value -> the value as a field's `db_value` gives it and the driver stores it (`as_stored`),
    worked out once per value."""

    def __init__(self, convert: Callable[[object], object]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, key: object) -> object:
        value = self[key] = as_stored(self.convert(key))
        return value


def _update_existing(changed: list[tuple[_State, tuple]]) -> None:
    now = utcnow()
    children = []
    for state, before in changed:
        old_emails, old_phones, old_tags = before[-3:]
        Contact.update(
            company=state.company, title=state.title, kind=state.kind, timezone=state.timezone,
            notes=state.notes, external_key=state.external_key, connected_on=state.connected_on,
            cadence_days=state.cadence_days, no_cadence=state.no_cadence, updated_at=now,
            search_text=search_text_of(state.name, state.company, state.title, state.tags, state.emails, state.notes),
        ).where(Contact.id == state.id).execute()
        children.append((state, old_emails, old_phones, old_tags))
    _insert_children(children)


def _insert_children(items: list[tuple[_State, int, int, int]]) -> None:
    """Emails, phones and tags beyond the first (old_emails, old_phones, old_tags) of each state."""
    emails: list[tuple] = []
    phones: list[tuple] = []
    tags: list[tuple] = []
    for state, old_emails, old_phones, old_tags in items:
        emails += [(state.id, a, a.lower(), "", p) for p, a in enumerate(state.emails) if p >= old_emails]
        phones += [(state.id, n, "", p) for p, n in enumerate(state.phones) if p >= old_phones]
        tags += [(state.id, t) for t in state.tags[old_tags:]]
    # Raw multi-row INSERTs: Peewee building them value by value cost more than the import's own
    # work at 100k contacts. Every column is given (no defaults).
    for model, columns, rows in ((ContactEmail, ("contact_id", "address", "address_key", "label", "position"), emails),
                                 (ContactPhone, ("contact_id", "number", "label", "position"), phones),
                                 (ContactTag, ("contact_id", "tag"), tags)):
        if rows:
            names = ", ".join(f'"{column}"' for column in columns)
            insert_many(f'INSERT INTO "{model._meta.table_name}" ({names}) VALUES ({", ".join("?" * len(columns))})',
                        rows)


def stored_index() -> MatchIndex:
    """The import's de-duplication index over every stored contact, for a caller that matches
    records one at a time (two-way sync) instead of applying a whole file."""
    return _load_existing()[0]


def index_new(index: MatchIndex, contact_id: int, record: ImportRecord) -> None:
    """Teach `index` a contact just added from `record`, so a later record of the same person
    matches it instead of adding them twice."""
    key = record.url or (record.emails[0].lower() if record.emails else "")
    index.add(_State(id=contact_id, name=record.name, company=record.company, external_key=key,
                     emails=tuple(record.emails)))
