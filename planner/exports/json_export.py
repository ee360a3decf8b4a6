"""The agenda as JSON for scripts (JSON's own escaping keeps user text literal)."""

from __future__ import annotations

import json

from planner.agenda import Agenda


def agenda_json(agenda: Agenda) -> str:
    return json.dumps(agenda.to_json(), ensure_ascii=False, indent=2) + "\n"
