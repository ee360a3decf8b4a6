"""The agenda as CSV: one row per item, every cell defused against spreadsheet formulas.

After the items come today's calls already made (`status` done, what was logged in the last
columns), as the text agenda lists them. A desk's agenda (members on the server) adds whose
item it is (`owner`) and which other member reached them (`reached_by`); a personal file has
neither, and its sheet has no such columns."""

from __future__ import annotations

import csv
import io

from planner.core.textsafe import csv_safe
from planner.services.agenda import Agenda

HEADER = ("date", "kind", "contact", "company", "phone", "email", "reason", "last_contact", "last_summary", "status")
TEAM_HEADER = ("owner", "reached_by")


def agenda_csv(agenda: Agenda) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER + TEAM_HEADER if agenda.team else HEADER)
    for item in agenda.items + agenda.done:
        last = item.last_contact.isoformat(timespec="minutes") if item.last_contact else ""
        cells = [item.date.isoformat(), item.kind, item.name, item.company, item.phone, item.email, item.why,
                 last, item.last_summary, "done" if item.done else "open"]
        if agenda.team:
            cells += [item.owner, item.reached_by]
        writer.writerow([csv_safe(value) for value in cells])
    return buffer.getvalue()
