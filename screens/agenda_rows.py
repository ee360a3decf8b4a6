"""The agenda's rows as plain data: which sections, in which order, and what each cell says.

Kept apart from the screen so the ordering rules (overdue, today, thank-yous, then each later day)
and the cell texts read on their own; nothing here touches the database or a widget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace

from rich.text import Text

from planner.core import dates
from planner.core.textsafe import clean_line
from planner.core.vocabulary import AgendaKind
from planner.services.agenda import AgendaItem
from screens.widgets.list_filter import matches

# Name, company, reason and last contact fit 80 columns; the summary scrolls into view.
COLUMNS = (("Name", 22), ("Company", 12), ("Reason", 20), ("Last contact", 13), ("Last summary", 40))
# Narrowest readable widths: "Thu 26 Nov (12)" is 15 cells, "2 months ago" 12, "thank-you (8d late)" wants 19.
_MIN_WIDTHS = {"Name": 15, "Company": 8, "Reason": 19, "Last contact": 12}


def fit_widths(available: int, padding: int = 1) -> dict[str, int]:
    """Widths for name, company, reason and last contact that fit `available` cells.

    The side panel leaves the table about 60 cells at 100 columns: the preferred widths would push
    "Last contact" off the right edge. Shrink name, company and reason in proportion instead (never
    under their minimum), keep last contact whole; the summary takes what is left and scrolls.
    """
    essential = [(label, width) for label, width in COLUMNS if label in _MIN_WIDTHS]
    room = available - 2 * padding * len(essential)
    wanted = sum(width for _, width in essential)
    if room >= wanted:
        return dict(essential)
    widths = {label: _MIN_WIDTHS[label] for label, _ in essential}
    spare = max(0, room - sum(widths.values()))
    growable = [(label, width - _MIN_WIDTHS[label]) for label, width in essential if label != "Last contact"]
    total_growth = sum(grow for _, grow in growable)
    for label, grow in growable:
        widths[label] += spare * grow // total_growth
    return widths


def agenda_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """Today to Sunday; from Friday on, next week too, so the list never runs dry on a Friday."""
    end = today + dt.timedelta(days=6 - today.weekday())
    if today.weekday() >= 4:
        end += dt.timedelta(days=7)
    return today, end


@dataclass
class Row:
    """One table row: a section header (`item` None) or an agenda item."""

    key: str
    title: str = ""
    item: AgendaItem | None = None
    section: str = ""


def _sections(agenda, today: dt.date) -> Iterator[tuple[str, list[AgendaItem], str]]:
    """(header title, items, section name) of each section with items, in the table's order:
    Overdue, Today, Thank-yous, then each later day with calls."""
    thank_ids = {item.favor_id for item in agenda.thank_yous if item.favor_id is not None}

    def day_items(items: list) -> list:
        return [i for i in items if not (i.kind == AgendaKind.THANK_YOU and i.favor_id in thank_ids)]

    by_day = {day: day_items(items) for day, items in agenda.days}
    # The date last: a narrow name column may cut it, and the title bar shows it too. The calls
    # already made stay under the ones left, ticked, so the day shows its progress.
    done = list(getattr(agenda, "done", []))
    progress = f" · {len(done)} of {agenda.today_calls} done" if done else ""
    sections = [("Overdue", "", list(agenda.overdue), "overdue"),
                ("Today", f"{progress} · {today:%a %d %b}", by_day.get(today, []) + done, "today"),
                ("Thank-yous", "", list(agenda.thank_yous), "thank-yous")]
    sections += [(f"{day:%a %d %b}", "", by_day[day], day.isoformat()) for day, _ in agenda.days if day > today]
    for title, after, items, name in sections:
        if items:
            yield f"{title} ({len(items)}){after}", items, name


def agenda_rows(agenda, today: dt.date) -> list[Row]:
    """The table's rows in order: Overdue, Today, Thank-yous, then each later day with calls."""
    rows: list[Row] = []
    for title, items, name in _sections(agenda, today):
        rows.append(Row(key="", title=title, section=name))
        rows.extend(Row(key="", item=item, section=name) for item in items)
    # Keys must be unique and stable in order.
    for index, row in enumerate(rows):
        row.key = ("h" if row.item is None else "i") + str(index)
    return rows


def items_in_rows(agenda, today: dt.date, start: int, stop: int) -> list[AgendaItem]:
    """The items of the table's rows `start` to `stop` (headers count as rows): what the screen
    shows when scrolled to about there."""
    items: list[AgendaItem] = []
    at = 0
    for _, section, _ in _sections(agenda, today):
        at += 1  # its header
        items += section[max(start - at, 0):max(stop - at, 0)]
        at += len(section)
        if at >= stop:
            break
    return items


def narrowed(agenda, query: str):
    """The agenda with only the items the `/` filter's `query` matches (section counts follow)."""
    if not query.strip():
        return agenda

    def keep(items: list) -> list:
        return [item for item in items if matches(query, item.name, item.company)]

    return replace(agenda, overdue=keep(agenda.overdue), thank_yous=keep(agenda.thank_yous),
                   days=[(day, keep(items)) for day, items in agenda.days], done=keep(agenda.done))


def reason_text(item, today: dt.date) -> str:
    """What the item is for (`why`), with how late it is when its day has passed: "follow-up (5d
    late)", and "+ thanks" on a call with someone also owed a thank-you (`t` thanks them)."""
    reason = clean_line(item.why)
    if getattr(item, "thanks_owed", False):
        reason += " + thanks" + (f": {clean_line(item.thanks_why)}" if item.thanks_why else "")
    if item.date < today:
        late = (today - item.date).days
        return f"{reason} ({late}d late)"
    return reason


def item_cells(item, today: dt.date) -> list[Text]:
    if getattr(item, "done", False):  # made today: ticked, with what was logged
        return [
            Text("✓ " + clean_line(item.name), style="strike dim"),
            Text(clean_line(item.company), style="dim"),
            Text(f"done: {clean_line(item.last_kind)}", style="green"),
            Text("today", style="dim"),
            Text(clean_line(item.last_summary)[:120], style="dim"),
        ]
    if getattr(item, "pending", False):  # its details are read right after the first frame
        last, summary = "…", ""
    else:
        last = dates.humanize_day(item.last_contact.date(), base=today) if item.last_contact else "never"
        summary = item.last_summary
    if item.kind == AgendaKind.THANK_YOU and item.favors_received_open:
        summary = item.favors_received_open
    if getattr(item, "reached_by", ""):  # a colleague reached them: said first ("Mia spoke to them Tue")
        summary = f"{item.reached_by}: {summary}" if summary else item.reached_by
    return [
        Text(clean_line(item.name), style="bold"),
        Text(clean_line(item.company)),
        Text(reason_text(item, today), style="bold" if item.date < today else ""),
        Text(last, style="dim" if not item.last_contact else ""),
        Text(clean_line(summary)[:120]),
    ]
