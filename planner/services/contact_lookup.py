"""Finding a contact by a few typed letters, for jumping to them ("go to contact…" in the app).

Bounded however large the database: one query on the folded `search_text` with a LIMIT, the
candidates' first emails in a second (only to tell same-name, same-company people apart). Every
typed word must occur in what is stored about them; when none does, the letters are tried as a
subsequence ("mschm" finds Maria Schmidt), the way the app's fuzzy matching reads them. Ranking by
how well the name matches is the caller's: it has the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from peewee import Case

from planner.core.textsafe import fold
from planner.store.models import Contact, ContactEmail
from planner.store.queries import chunked, tuples

CANDIDATES = 200  # enough for a screenful of the best matches after ranking


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    company: str
    title: str
    emails: list[str] = field(default_factory=list)


def find_contacts(typed: str, limit: int = CANDIDATES) -> list[Candidate]:
    """Active contacts whose stored words contain every typed word (or, failing that, the typed
    letters in order), at most `limit`, names starting with the first word first."""
    words = fold(typed).split()
    if not words:
        return []
    base = Contact.select(Contact.id, Contact.name, Contact.company, Contact.title).where(
        Contact.archived_at.is_null())
    first = words[0]
    # Names starting with the first word before the rest (search_text begins with the name).
    order = (Case(None, [(Contact.search_text.startswith(first), 0)], 1), Contact.name, Contact.id)
    query = base
    for word in words:
        query = query.where(Contact.search_text.contains(word))
    rows = list(tuples(query.order_by(*order).limit(limit)))
    if not rows:
        # Letters and digits only: no LIKE wildcard can come from what was typed.
        letters = [ch for ch in "".join(words) if ch.isalnum()]
        pattern = "%" + "%".join(letters) + "%"
        rows = [] if not letters else list(tuples(base.where(Contact.search_text ** pattern).order_by(*order)
                                                      .limit(limit)))
    rows.sort(key=lambda row: (not fold(row[1]).startswith(first), fold(row[1]), row[0]))
    emails: dict[int, list[str]] = {}
    for chunk in chunked([row[0] for row in rows]):
        for contact_id, address in tuples(ContactEmail.select(ContactEmail.contact, ContactEmail.address)
                                          .where(ContactEmail.contact.in_(chunk)).order_by(ContactEmail.id)):
            emails.setdefault(contact_id, []).append(address)
    return [Candidate(cid, name, company or "", title or "", emails.get(cid, [])) for cid, name, company, title in rows]


def database_is_empty() -> bool:
    """No contact at all, archived ones included: the app then says how to start."""
    return not Contact.select(Contact.id).limit(1).exists()
