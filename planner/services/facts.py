"""Remember what matters to them: free-form facts per contact ("kids: Ana, 7", "runs marathons"),
added by hand or as `#fact` lines in a logged note, and shown while talking to them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from planner.core.errors import BadInput, NotFound
from planner.core.textsafe import clean_line
from planner.store.database import retried
from planner.store.journal import journaled
from planner.store.models import Fact, get_contact

MAX_LENGTH = 300
_FACT_LINE = re.compile(r"^\s*#fact\b[:\s]*(.*)$", re.I | re.M)


@dataclass
class FactView:
    id: int
    contact_id: int
    text: str
    created_at: dt.datetime

    def to_json(self) -> dict:
        return {"id": self.id, "contact_id": self.contact_id, "text": self.text,
                "created_at": self.created_at.isoformat()}


def _view(row: Fact) -> FactView:
    return FactView(row.id, row.contact_id, row.text, row.created_at)


def _clean(text: str) -> str:
    value = clean_line(text).strip()
    if not value:
        raise BadInput("fact: empty; write what to remember, e.g. \"kids: Ana, 7\"")
    if len(value) > MAX_LENGTH:
        raise BadInput(f"fact: {len(value)} characters; at most {MAX_LENGTH}")
    return value


@retried
def add_fact(contact_id: int, text: str) -> FactView:
    value = _clean(text)
    with journaled("Added a fact") as action:
        action.label = f"Added a fact about {get_contact(contact_id).name}"
        row = record_fact(contact_id, value) or _existing(contact_id, value)
        assert row is not None  # stored just now, or there already
        return _view(row)


def record_fact(contact_id: int, text: str) -> Fact | None:
    """Store a cleaned fact unless the contact has it already (inside the caller's transaction)."""
    if _existing(contact_id, text) is not None:
        return None
    return Fact.create(contact=contact_id, text=text)


def _existing(contact_id: int, text: str) -> Fact | None:
    return Fact.get_or_none(Fact.contact == contact_id, Fact.text == text)


def facts_from_note(contact_id: int, note: str) -> int:
    """The `#fact ...` lines of a logged note become facts (inside the log's transaction)."""
    added = 0
    for match in _FACT_LINE.finditer(note or ""):
        text = clean_line(match.group(1)).strip()[:MAX_LENGTH]
        if text and record_fact(contact_id, text) is not None:
            added += 1
    return added


@retried
def remove_fact(fact_id: int) -> FactView:
    with journaled("Removed a fact"):
        row = Fact.get_or_none(Fact.id == fact_id)
        if row is None:
            raise NotFound(f"no fact with id {fact_id}")
        view = _view(row)
        row.delete_instance()
    return view


def facts_of(contact_id: int) -> list[FactView]:
    """The contact's facts, oldest first (the order they were learnt)."""
    return [_view(row) for row in Fact.select().where(Fact.contact == contact_id).order_by(Fact.id)]
