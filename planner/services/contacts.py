"""The contacts service: add, edit, archive, find. Every write is one IMMEDIATE transaction and
tells the plan which contacts changed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from planner.core.cadence import check_days
from planner.core.errors import Ambiguous, BadInput, NotFound
from planner.core.lengths import check_length
from planner.core.textsafe import clean_line, fold, strip_controls
from planner.core.zones import check_zone_name
from planner.scheduling.service import replan
from planner.services.contact_views import (
    ContactView,
    ListRow,
    count_contacts,
    iter_json_records,
    iter_rows,
    iter_views,
)
from planner.services.team import acting_member_id
from planner.store.database import db, retried
from planner.store.dialect import first_line, portable, unindexed
from planner.store.journal import journaled
from planner.store.models import CONTACT_KINDS, Contact, ContactEmail, ContactPhone, ContactTag, get_contact, utcnow

KIND_ALIASES = {"hiring manager": "hiring-manager", "hiring_manager": "hiring-manager", "hm": "hiring-manager"}
UNSET = object()  # leave the cadence as it is
USE_DEFAULT = object()  # drop the own cadence: tag or default cadence applies


@dataclass
class ContactFields:
    """What a person (or an import) says about a contact; `None` means "leave as it is"."""

    name: str | None = None
    company: str | None = None
    title: str | None = None
    emails: list[str] | None = None
    phones: list[str] | None = None
    tags: list[str] | None = None
    kind: str | None = None
    cadence_days: int | None | object = UNSET  # None = never scheduled; see UNSET, USE_DEFAULT
    timezone: str | None = None
    notes: str | None = None
    source: str | None = None
    external_key: str | None = None
    connected_on: dt.date | None = None
    prefers_email: bool | None = None
    owner_id: int | None = None  # the member who owns it; adding without one: the acting member
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)


def normalize_kind(kind: str) -> str:
    value = KIND_ALIASES.get(kind.strip().lower(), kind.strip().lower())
    if value not in CONTACT_KINDS:
        raise BadInput(f"kind {kind[:40]!r}: use one of {', '.join(CONTACT_KINDS)}")
    return value


def normalize_tag(tag: str) -> str:
    value = " ".join(strip_controls(tag).split()).lower()
    if not value:
        raise BadInput("tag: empty")
    return check_length("tag", value)


def validate_timezone(zone: str) -> str:
    return check_zone_name(zone)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def validate_email(address: str) -> str:
    address = check_length("email", strip_controls(address))
    if not _EMAIL.match(address):
        raise BadInput(f"email {address!r} does not look like an address")
    return address


@retried
def add_contact(fields: ContactFields) -> ContactView:
    if not fields.name or not fields.name.strip():
        raise BadInput("name: a contact needs a name")
    with journaled(f"Added {fields.name.strip()}"):
        owner = fields.owner_id if fields.owner_id is not None else acting_member_id()
        contact = Contact.create(name=fields.name.strip(), source=fields.source or "manual", owner_id=owner)
        _apply(contact, fields)
        replan([contact.id])
    return get_view(contact.id)


@retried
def edit_contact(contact_id: int, fields: ContactFields) -> ContactView:
    with journaled("Edited a contact") as action:
        contact = _get(contact_id)
        action.label = f"Edited {contact.name}"
        _apply(contact, fields)
        replan([contact_id])
    return get_view(contact_id)


def _apply(contact: Contact, fields: ContactFields) -> None:
    """Write `fields` onto `contact` and its emails, phones and tags (inside a transaction)."""
    if fields.name is not None:
        if not fields.name.strip():
            raise BadInput("name: cannot be empty")
        contact.name = check_length("name", fields.name.strip())
    for attr in ("company", "title", "notes", "external_key", "source"):
        value = getattr(fields, attr)
        if value is not None:
            value = value.strip() if attr != "notes" else value
            setattr(contact, attr, check_length(attr, value) if attr != "source" else value)
    if fields.kind is not None:
        contact.kind = normalize_kind(fields.kind)
    if fields.timezone is not None:
        contact.timezone = validate_timezone(fields.timezone)
    if fields.connected_on is not None:
        contact.connected_on = fields.connected_on
    if fields.prefers_email is not None:
        contact.prefers_email = fields.prefers_email
    if fields.cadence_days is USE_DEFAULT:
        contact.cadence_days, contact.no_cadence = None, False
    elif fields.cadence_days is not UNSET:
        if isinstance(fields.cadence_days, int):
            check_days(fields.cadence_days)
        contact.cadence_days = fields.cadence_days  # type: ignore[assignment]
        contact.no_cadence = fields.cadence_days is None
    if fields.emails is not None:
        emails = _unique([validate_email(e) for e in fields.emails], key=str.lower)
        ContactEmail.delete().where(ContactEmail.contact == contact).execute()
        for position, address in enumerate(emails):
            ContactEmail.create(contact=contact, address=address, address_key=address.lower(), position=position)
    if fields.phones is not None:
        phones = _unique([check_length("phone", strip_controls(p)) for p in fields.phones if strip_controls(p)])
        ContactPhone.delete().where(ContactPhone.contact == contact).execute()
        for position, number in enumerate(phones):
            ContactPhone.create(contact=contact, number=number, position=position)
    current = [row.tag for row in ContactTag.select().where(ContactTag.contact == contact)]
    tags = current if fields.tags is None else [normalize_tag(t) for t in fields.tags]
    tags = _unique(tags + [normalize_tag(t) for t in fields.add_tags])
    removed = {normalize_tag(t) for t in fields.remove_tags}
    tags = [t for t in tags if t not in removed]
    if tags != current:
        ContactTag.delete().where(ContactTag.contact == contact).execute()
        ContactTag.insert_many([{"contact": contact.id, "tag": t} for t in tags]).execute()
    contact.updated_at = utcnow()
    contact.search_text = _search_text(contact, tags)
    contact.save()


def _unique(values: list[str], key=lambda v: v) -> list[str]:
    seen, result = set(), []
    for value in values:
        if key(value) not in seen:
            seen.add(key(value))
            result.append(value)
    return result


def _search_text(contact: Contact, tags: list[str]) -> str:
    emails = [row.address for row in ContactEmail.select().where(ContactEmail.contact == contact)]
    return search_text_of(contact.name, contact.company, contact.title, tags, emails, contact.notes)


def search_text_of(name: str, company: str, title: str, tags: Sequence[str], emails: Sequence[str], notes: str) -> str:
    """The folded text `list_contacts(search=...)` matches; bulk imports build it the same way."""
    parts = [name, company, title, " ".join(tags), " ".join(emails), notes]
    return fold("\n".join(parts))


@retried
def set_archived(contact_id: int, archived: bool) -> ContactView:
    with journaled("Archived" if archived else "Restored") as action:
        contact = _get(contact_id)
        action.label = f"{'Archived' if archived else 'Brought back'} {contact.name}"
        contact.archived_at = utcnow() if archived else None
        contact.save()
        replan([contact_id])
    return get_view(contact_id)


def _get(contact_id: int) -> Contact:
    return get_contact(contact_id)


def get_view(contact_id: int) -> ContactView:
    for view in iter_views('c."id" = ?', [contact_id], order="none"):
        return view
    _get(contact_id)  # says which contact is not there
    raise NotFound(f"no contact {contact_id}")


def list_contacts(search: str | None = None, tag: str | None = None, archived: bool = False) -> list[ContactView]:
    """Active contacts (or archived ones) matching every word of `search` and the tag, by name."""
    return list(iter_contacts(search, tag, archived))


def iter_contacts(search: str | None = None, tag: str | None = None, archived: bool = False) -> Iterator[ContactView]:
    """`list_contacts` as it is read, for writing out a row at a time (Ève sorts with E, not after Z)."""
    where, params = contact_filter(search, tag, archived)
    return iter_views(where, params)


def iter_contact_records(search: str | None = None, tag: str | None = None, archived: bool = False) -> Iterator[dict]:
    """`iter_contacts` as each view's `to_json` record, as it is read."""
    where, params = contact_filter(search, tag, archived)
    return iter_json_records(where, params)


def list_rows(search: str | None = None, tag: str | None = None, archived: bool = False, *,
              limit: int | None = None) -> Iterator[ListRow]:
    """What the contacts table shows of the same contacts, in the same order, as plain tuples
    (with `limit`: the first page only, read without reading the rest)."""
    # a first page of the active contacts (most of them) walks the index of folded names
    where, params = contact_filter(search, tag, archived, by_name=limit is not None and not archived)
    return iter_rows(where, params, limit=limit)


def count_listed(search: str | None = None, tag: str | None = None, archived: bool = False) -> int:
    where, params = contact_filter(search, tag, archived)
    return count_contacts(where, params)


def contact_filter(search: str | None, tag: str | None, archived: bool,
                   by_name: bool = False) -> tuple[str, list[object]]:
    """SQL on contact `c` for active (or archived) contacts matching every word of `search` in
    their folded text, and the tag. `by_name`: not through the index on archiving (SQLite would
    take it for the active ones, which are most contacts, and sort them all)."""
    archived_at = unindexed('c."archived_at"') if by_name else 'c."archived_at"'
    clauses = [f"{archived_at} IS NOT NULL" if archived else f"{archived_at} IS NULL"]
    params: list[object] = []
    for word in fold(search or "").split():
        clauses.append("c.\"search_text\" LIKE ? ESCAPE '\\'")
        params.append("%" + _like_escaped(word) + "%")
    if tag:
        clauses.append(f'EXISTS (SELECT 1 FROM "{ContactTag._meta.table_name}" t '
                       'WHERE t."contact_id" = c."id" AND t."tag" = ?)')
        params.append(normalize_tag(tag))
    return " AND ".join(clauses), params


def resolve(text: str) -> int:
    """A contact id from an id, an exact name (case-insensitive) or a unique partial match.

    Bounded however many contacts there are: an exact name is one probe of the index on each
    contact's folded name (the first line of `search_text`, migration 22); only a name matched by
    no one exactly is looked for as a part of names, in one pass over `search_text` inside the
    database. Both read just the few columns named below, as tuples."""
    raw = text.strip()
    if not raw:
        raise BadInput("contact: empty name")
    if raw.isdigit() and Contact.get_or_none(Contact.id == int(raw)) is not None:
        return int(raw)
    folded = fold(raw)
    # `search_text` is what every writer stores; the names themselves decide (a stale line only
    # ever drops a row, it never adds one).
    exact = [r for r in _named(first_line('c."search_text"') + " = ?", folded) if fold(r[1]) == folded]
    if len(exact) == 1:
        return exact[0][0]
    part = "%" + _like_escaped(folded) + "%"
    candidates = exact or [r for r in _named("c.\"search_text\" LIKE ? ESCAPE '\\'", part) if folded in fold(r[1])]
    active = [r for r in candidates if r[3] is None]
    if len(candidates) > 1 and len(active) == 1:
        return active[0][0]
    if len(candidates) == 1:
        return candidates[0][0]
    if not candidates:
        raise NotFound(f"no contact matches {clean_line(raw)!r}")
    listing = "; ".join(f"{cid} {clean_line(name)}" + (f" ({clean_line(company)})" if company else "")
                        for cid, name, company, _ in candidates[:10])
    more = f" and {len(candidates) - 10} more" if len(candidates) > 10 else ""
    raise Ambiguous(f"{clean_line(raw)!r} matches {len(candidates)} contacts: {listing}{more}; use the id")


def _named(where: str, param: str) -> list[tuple[int, str, str, object]]:
    """(id, name, company, archived_at) of the contacts matching `where` (one `?`), by id."""
    sql = (f'SELECT c."id", c."name", c."company", c."archived_at" FROM "{Contact._meta.table_name}" c '
           f'WHERE {where} ORDER BY c."id"')
    return list(db.execute_sql(portable(sql), [param]).fetchall())


def _like_escaped(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)
