"""Whose calls are whose: the planner levels each owner's calls on their own, over that owner's
working days, blocked days and daily cap, so one member's busy week never pushes another's calls
about. Each owner is one partition of the plan, and every guarantee of the planner (peak at the
lower bound, stability, no call on a day off) holds within it.

A partition is named by the owner's member id; contacts without an owner (a personal file's, or
a team's not yet assigned) form the partition UNOWNED and plan with the desk's settings.
"""

from __future__ import annotations

from collections import defaultdict

from planner.store.database import db
from planner.store.models import Contact
from planner.store.queries import chunked

UNOWNED = 0  # member ids start at 1


def owner_keys() -> list[int]:
    """Every partition that holds a contact, in order."""
    # a personal file has no owners at all: one look into the owner index answers that, where the
    # DISTINCT reads all of it (7 ms of every edit at 100k contacts)
    if not Contact.select().where(Contact.owner_id.is_null(False)).exists():
        return [UNOWNED] if Contact.select().exists() else []
    query = Contact.select(Contact.owner_id).distinct()
    return sorted({owner or UNOWNED for (owner,) in db.execute(query)})


def owners_of(contact_ids: list[int]) -> dict[int, list[int]]:
    """The given contacts by partition (contacts that no longer exist are left out)."""
    parts: dict[int, list[int]] = defaultdict(list)
    for chunk in chunked(sorted(set(contact_ids))):
        query = Contact.select(Contact.id, Contact.owner_id).where(Contact.id.in_(list(chunk)))
        for cid, owner in db.execute(query):
            parts[owner or UNOWNED].append(cid)
    return dict(parts)


def contacts_of(owner: int) -> list[int]:
    """Every contact of one partition, by id."""
    query = Contact.select(Contact.id).where(owned(owner)).order_by(Contact.id)
    return [cid for (cid,) in db.execute(query)]


def owned(owner: int):
    """The Peewee condition on `Contact` of one partition."""
    return Contact.owner_id.is_null() if owner == UNOWNED else Contact.owner_id == owner


def owner_clause(owner: int | None, column: str = 'p."contact_id"') -> str:
    """SQL true for rows whose contact (`column`) is in the partition; TRUE for None (everyone).
    The id is an int put in the text: no placeholder to keep in order beside the caller's."""
    if owner is None:
        return "TRUE"
    table = Contact._meta.table_name
    test = '"owner_id" IS NULL' if owner == UNOWNED else f'"owner_id" = {int(owner)}'
    return f'{column} IN (SELECT "id" FROM "{table}" WHERE {test})'


def member_of(owner: int) -> int | None:
    """The member whose settings a partition plans with (None: the desk's)."""
    return None if owner == UNOWNED else owner
