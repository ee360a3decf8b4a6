"""`followup demo`: a realistic recruiter's database, reproducible from a seed."""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

from planner.services.contacts import ContactFields
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


def demo_path(given: str | None) -> Path | str:
    """The demo database: the given path or PostgreSQL URI, or a fresh temporary file."""
    if is_server_url(given):
        return str(given)
    if given:
        return Path(given).expanduser()
    folder = tempfile.mkdtemp(prefix="followup-demo-")
    os.chmod(folder, 0o700)
    return Path(folder) / "demo.db"


def demo_contact_fields(rng: random.Random, index: int) -> ContactFields:
    kind = rng.choices([k for k, _ in KIND_WEIGHTS], [w for _, w in KIND_WEIGHTS])[0]
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = rng.choice(COMPANIES)
    domain = (company or "mail").lower().replace(" ", "").replace("/", "") + ".example"
    tags = rng.sample(TAGS[kind], k=min(len(TAGS[kind]), rng.randint(1, 2)))
    return ContactFields(
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
        source="manual",
    )


def _ascii(name: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if c.isalnum() and ord(c) < 128)


def build_demo(contacts: int = 300, seed: int = 7) -> dict[str, int]:
    """Fill the open (empty) database with demo data; returns counts by kind of record."""
    from planner.services.contacts import UNSET, _apply
    from planner.store.models import Contact

    rng = random.Random(seed)
    with write_tx():
        for index in range(contacts):
            fields = demo_contact_fields(rng, index)
            if fields.cadence_days is None:
                fields.cadence_days = UNSET
            contact = Contact.create(name=fields.name, source="manual")
            _apply(contact, fields)
    from planner.core.dates import today
    from planner.io.demo_history import add_demo_history

    history_counts = add_demo_history(rng, today())
    from planner.io.demo_relationships import add_demo_relationships

    more = add_demo_relationships(rng, today())
    history_counts["interactions"] += more.pop("interactions")
    history_counts["favours"] += more.pop("favours")
    history_counts |= more
    from planner.scheduling.service import replan

    replan(None)
    return {"contacts": Contact.select().count(), **history_counts}
