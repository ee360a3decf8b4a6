"""The agenda as CSV: one row per item, every cell defused against spreadsheet formulas."""

from __future__ import annotations

import csv
import io

from planner.core.textsafe import csv_safe
from planner.services.agenda import Agenda

HEADER = ("date", "kind", "contact", "company", "phone", "email", "reason", "last_contact", "last_summary")


def agenda_csv(agenda: Agenda) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for item in agenda.items:
        last = item.last_contact.isoformat(timespec="minutes") if item.last_contact else ""
        writer.writerow([csv_safe(value) for value in (
            item.date.isoformat(), item.kind, item.name, item.company, item.phone, item.email, item.why,
            last, item.last_summary,
        )])
    return buffer.getvalue()
