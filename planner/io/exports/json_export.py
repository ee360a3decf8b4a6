"""The agenda as JSON for scripts (exact text; controls escaped, see textsafe.json_text)."""

from __future__ import annotations

from planner.core.textsafe import json_text
from planner.services.agenda import Agenda


def agenda_json(agenda: Agenda) -> str:
    return json_text(agenda.to_json())
