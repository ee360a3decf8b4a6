"""`followup demo`: a realistic recruiter's database, reproducible from a seed."""

from __future__ import annotations

import functools
import os
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from peewee import fn

from planner.core.cadence import check_days
from planner.core.lengths import check_length
from planner.core.textsafe import strip_controls
from planner.store.database import write_tx
from planner.store.engine import is_server_url

FIRST = ["Maria", "Jonas", "Zoë", "Søren", "Aisha", "Wei", "Lukas", "Chloé", "Mateo", "Priya", "Björn", "Amélie",
         "Oluwaseun", "Hiroshi", "Fatima", "Liam", "Noor", "Ingrid", "Rafael", "Élodie", "Kwame", "Sofía", "Dmitri",
         "Hannah", "José", "Anaïs", "Tomasz", "Yuki", "Grace", "Mehmet", "Ana", "Ólafur", "Leila", "Nikolai", "Emma"]
LAST = ["Schmidt", "Nguyen", "García", "Okafor", "Müller", "Kowalski", "Johansson", "Dubois", "Patel", "Tanaka",
        "O'Brien", "Rossi", "Haddad", "Fernández", "Novák", "Andersen", "Chen", "Silva", "Åberg", "Yılmaz", "Kim",
        "Murphy", "Lefèvre", "Brown", "Ivanova", "Costa", "Weiß", "Larsen", "Singh", "Martín"]
COMPANIES = ["Hooli", "Initech", "Globex", "Umbrella Health", "Stark Industries", "Wayne Logistics", "Acme Corp",
             "Soylent Foods", "Vandelay Import/Export", "Pied Piper", "Massive Dynamic", "Cyberdyne", "Tyrell",
             "Nakatomi Trading", "Oceanic Air", "Gringotts Bank", "Wonka Industries", "Aperture Labs", ""]
TITLES = {"client": ["Head of Talent", "VP Engineering", "HR Director", "COO"],
          "candidate": ["Senior Engineer", "Data Scientist", "Product Manager", "Designer", "Staff Engineer"],
          "hiring-manager": ["Engineering Manager", "Head of Data", "Director of Product"],
          "referrer": ["Consultant", "Partner", "Principal"],
          "colleague": ["Recruiter", "Account Manager", "Sourcer"],
          "friend": [""], "other": ["Founder", "Investor", "Coach"]}
KIND_WEIGHTS = [("candidate", 40), ("client", 18), ("hiring-manager", 14), ("referrer", 10), ("colleague", 8),
                ("friend", 5), ("other", 5)]
TAGS = {"client": ["client", "vip"], "candidate": ["candidate", "python", "data", "placed", "frontend"],
        "hiring-manager": ["hiring"], "referrer": ["referrer"], "colleague": ["team"], "friend": ["personal"],
        "other": ["network"]}
CADENCES = [None, None, None, 30, 61, 91, 182, 365]
ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo",
         "Europe/Paris", "Asia/Kolkata", ""]


class DemoContact(NamedTuple):
    """What the history generator needs of a demo contact."""

    id: int
    kind: str
    cadence_days: int | None


class DemoFields(NamedTuple):
    """One generated person, as `add` would be given them (cadence None: the default's)."""

    name: str
    company: str
    title: str
    emails: list[str]
    phones: list[str]
    tags: list[str]
    kind: str
    cadence_days: int | None
    timezone: str
    notes: str


def demo_path(given: str | None) -> Path | str:
    """The demo database: the given path or PostgreSQL URI, or a fresh temporary file."""
    if is_server_url(given):
        return str(given)
    if given:
        return Path(given).expanduser()
    folder = tempfile.mkdtemp(prefix="followup-demo-")
    os.chmod(folder, 0o700)
    return Path(folder) / "demo.db"


def demo_contact_fields(rng: random.Random, index: int) -> DemoFields:
    kind = rng.choices([k for k, _ in KIND_WEIGHTS], [w for _, w in KIND_WEIGHTS])[0]
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = rng.choice(COMPANIES)
    domain = (company or "mail").lower().replace(" ", "").replace("/", "") + ".example"
    tags = rng.sample(TAGS[kind], k=min(len(TAGS[kind]), rng.randint(1, 2)))
    return DemoFields(
        name=f"{first} {last}",
        company=company,
        title=rng.choice(TITLES[kind]),
        emails=[f"{_ascii(first)}.{_ascii(last)}{index}@{domain}"],
        phones=[f"+49 30 {rng.randint(1000000, 9999999)}"] if rng.random() < 0.8 else [],
        tags=tags,
        kind=kind,
        cadence_days=rng.choice(CADENCES),
        timezone=rng.choice(ZONES),
        notes=rng.choice(["", "", "Prefers mornings.", "Met at the Berlin tech meetup.",
                          "Open to relocation.", "Ask about the Q3 hiring plan."]),
    )


@functools.cache  # a few dozen first and last names, asked for 200,000 times at 100k
def _ascii(name: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if c.isalnum() and ord(c) < 128)


def _unique(values: list[str], key: Callable[[str], str] = lambda v: v) -> list[str]:
    seen: set[str] = set()
    unique = []
    for value in values:
        if key(value) not in seen:
            seen.add(key(value))
            unique.append(value)
    return unique


def add_demo_contacts(rng: random.Random, count: int) -> list[DemoContact]:
    """`count` demo contacts written in bulk, exactly as `add_contact` would store them (same
    validation, same search text), without a query per contact."""
    from planner.io.bulk_rows import insert_rows
    from planner.services.contacts import (
        normalize_kind,
        normalize_tag,
        search_text_of,
        validate_email,
        validate_timezone,
    )
    from planner.store.models import Contact, ContactEmail, ContactPhone, ContactTag, utcnow

    first_id = (Contact.select(fn.MAX(Contact.id)).scalar() or 0) + 1
    contacts, emails, phones, tags, made = [], [], [], [], []
    zones: dict[str, str] = {}
    for index in range(count):
        fields = demo_contact_fields(rng, index)
        cid = first_id + index
        name, company, title = (check_length(field, value.strip()) for field, value in (
            ("name", fields.name), ("company", fields.company), ("title", fields.title)))
        kind = normalize_kind(fields.kind)
        if fields.cadence_days is not None:
            check_days(fields.cadence_days)
        zone = zones.get(fields.timezone) or zones.setdefault(fields.timezone, validate_timezone(fields.timezone))
        addresses = _unique([validate_email(e) for e in fields.emails], key=str.lower)
        numbers = _unique([check_length("phone", strip_controls(p)) for p in fields.phones if strip_controls(p)])
        tag_names = _unique([normalize_tag(t) for t in fields.tags])
        now = utcnow()
        contacts.append((cid, name, company, title, kind, fields.cadence_days, False, zone,
                         check_length("notes", fields.notes), "manual",
                         search_text_of(name, company, title, tag_names, addresses, fields.notes), now, now))
        emails += [(cid, a, a.lower(), n) for n, a in enumerate(addresses)]
        phones += [(cid, number, n) for n, number in enumerate(numbers)]
        tags += [(cid, tag) for tag in tag_names]
        made.append(DemoContact(cid, kind, fields.cadence_days))
    insert_rows(Contact, ("id", "name", "company", "title", "kind", "cadence_days", "no_cadence", "timezone",
                          "notes", "source", "search_text", "created_at", "updated_at"), contacts)
    insert_rows(ContactEmail, ("contact", "address", "address_key", "position"), emails)
    insert_rows(ContactPhone, ("contact", "number", "position"), phones)
    insert_rows(ContactTag, ("contact", "tag"), tags)
    return made


def build_demo(contacts: int = 300, seed: int = 7) -> dict[str, int]:
    """Fill the open (empty) database with demo data; returns counts by kind of record.

    Contacts and their history are written in bulk in one transaction, then the few rows of
    demo_relationships.py, then everyone is planned once: 100,000 contacts take seconds, not
    minutes, and the rows are the ones the per-contact path wrote (same seed, same data)."""
    from planner.core.dates import today
    from planner.io.demo_history import add_demo_history
    from planner.io.demo_relationships import add_demo_relationships
    from planner.scheduling.service import replan
    from planner.store.models import Contact

    rng = random.Random(seed)
    with write_tx():
        people = add_demo_contacts(rng, contacts)
        history_counts = add_demo_history(rng, today(), people)
    more = add_demo_relationships(rng, today())
    history_counts["interactions"] += more.pop("interactions")
    history_counts["favours"] += more.pop("favours")
    history_counts |= more
    replan(None)
    return {"contacts": Contact.select().count(), **history_counts}
