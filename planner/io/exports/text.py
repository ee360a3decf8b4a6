"""The agenda as a readable terminal table: one section per day, user text on one clean line."""

from __future__ import annotations

from planner.core.textsafe import clean_line
from planner.core.vocabulary import AgendaKind
from planner.services.agenda import Agenda, AgendaItem

COLUMNS = ("what", "who", "phone", "local tz", "last contact")  # open favours go on a line below
WIDTH = 118
WHAT_WIDTH = 60  # at most: a sequence step's purpose is a sentence, the name and phone matter more


def _fit_what(text: str, width: int) -> str:
    """Cut inside the parentheses of the reason, so the row still reads as "call (…)"."""
    if len(text) <= width or not text.endswith(")") or text.find("(") >= width - 3:
        return _fit(text, width)
    return text[: width - 2].rstrip() + "…)"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def _last(item: AgendaItem) -> str:
    if item.last_contact is None:
        return "never"
    text = f"{item.last_contact.date().isoformat()} {item.last_kind}"
    if item.last_summary:
        text += f": {item.last_summary}"
    return text


def _favours(item: AgendaItem) -> str:
    parts = []
    if item.favors_received_open:
        parts.append(f"got {item.favors_received_open}")
    if item.favors_given_open:
        parts.append(f"gave {item.favors_given_open}")
    return " | ".join(parts)


def _cells(item: AgendaItem, *, with_date: bool) -> list[str]:
    if item.done:
        what = f"done: {item.last_kind} ({item.why})"
    elif item.kind == AgendaKind.THANK_YOU:
        what = f"thank ({item.purpose})" if item.purpose else "thank"
    else:
        at = f" {item.at_time}" if item.at_time else ""  # a call at a time of day, in the contact's zone
        what = f"{item.kind}{at} ({item.why})"
    if item.thanks_owed:
        what += f" + thank ({item.thanks_why})" if item.thanks_why else " + thank"
    if with_date:
        what = f"{item.date.isoformat()} {what}"
    who = item.name + (f", {item.company}" if item.company else "") + (f" - {item.title}" if item.title else "")
    return [clean_line(value) for value in (what, who, item.phone or item.email, item.timezone or "-",
                                            _last(item))]


def _table(items: list[AgendaItem], *, with_date: bool, width: int, show_owner: bool = False) -> list[str]:
    rows = [_cells(item, with_date=with_date) for item in items]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(COLUMNS)]
    widths[0] = min(widths[0], WHAT_WIDTH)
    # Context gives way before identity: shrink the last contact first, then the widest.
    # The what column (at most WHAT_WIDTH) gives way to 32, and an email to 20, before the name does.
    for floor, columns in ((30, (4,)), (32, (0,)), (20, (2,)), (12, (1, 2, 4)), (6, tuple(range(len(COLUMNS))))):
        while sum(widths) + 2 * (len(widths) - 1) + 2 > width:
            widest = max(columns, key=lambda i: widths[i])
            if widths[widest] <= floor:
                break
            widths[widest] -= 1
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(COLUMNS, widths, strict=True)).rstrip()]
    indent = " " * (2 + widths[0] + 2)
    for item, row in zip(items, rows, strict=True):
        cells = [_fit_what(row[0], widths[0])] + [_fit(c, w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        favours = clean_line(_favours(item))
        if favours:
            lines.append(indent + _fit(f"favours: {favours}", max(20, width - len(indent))))
        if item.nudge:
            lines.append(indent + _fit(f"be present: {clean_line(item.nudge)}", max(20, width - len(indent))))
        if item.reached_by:
            lines.append(indent + _fit(clean_line(item.reached_by), max(20, width - len(indent))))
        if show_owner and item.owner:
            lines.append(indent + _fit(f"for {clean_line(item.owner)}", max(20, width - len(indent))))
    return lines


def agenda_text(agenda: Agenda, *, width: int = WIDTH) -> str:
    lines = [agenda.title + (f" ({clean_line(agenda.member)})" if agenda.member else ""), ""]
    sections: list[tuple[str, list[AgendaItem], bool]] = []
    if agenda.overdue:
        sections.append((f"Overdue ({len(agenda.overdue)})", agenda.overdue, True))
    if agenda.thank_yous:
        sections.append((f"Thank-yous owed ({len(agenda.thank_yous)})", agenda.thank_yous, True))
    for day, items in agenda.days:
        marker = " (today)" if day == agenda.today else ""
        sections.append((f"{day:%a} {day.isoformat()}{marker}", items, False))
    if agenda.done:  # today's calls already made: the day's progress
        sections.append((f"Done today ({len(agenda.done)} of {agenda.today_calls} calls)", agenda.done, False))
    for heading, items, with_date in sections:
        lines.append(heading)
        lines += (_table(items, with_date=with_date, width=width, show_owner=not agenda.member) if items
                  else ["  nothing planned"])
        lines.append("")
    total = len(agenda.items)
    lines.append(f"{total} item{'s' if total != 1 else ''}")
    return "\n".join(lines) + "\n"
