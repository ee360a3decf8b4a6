"""The agenda as JSON for scripts (exact text; controls escaped, see textsafe.json_chunks)."""

from __future__ import annotations

from collections.abc import Iterator

from planner.core.textsafe import json_chunks
from planner.services.agenda import Agenda


def agenda_json_chunks(agenda: Agenda) -> Iterator[str]:
    """One document, an item a line, written as it is encoded."""
    return json_chunks(agenda.to_json())


def agenda_json(agenda: Agenda) -> str:
    return "".join(agenda_json_chunks(agenda))
