"""The week grid: calls per day for this week and the next few, one row per ISO week.

Opened with `w` from the agenda. Days off show why (weekend, holiday, blocked), so a glance says
where the load sits and where it cannot go. Loaded from `plan_summary` in a thread worker.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from planner.core import dates
from screens.text import safe_markup, user_text
from screens.workers import WorkerDialog, WorkerFailed, thread_worker

WEEKS = 4
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def grid_rows(days: list, weeks: int = WEEKS) -> list[tuple[str, list]]:
    """Group DayLoad values into (week label, seven days) rows, Monday first."""
    rows: list[tuple[str, list]] = []
    for start in range(0, min(len(days), weeks * 7), 7):
        chunk = days[start : start + 7]
        year, week, _ = chunk[0].date.isocalendar()
        rows.append((f"W{week:02d} {chunk[0].date:%d %b}", chunk))
    return rows


def cell_text(day, today: dt.date) -> Text:
    if not day.working:
        mark = "·" if day.why_not == "weekend" else ("hol" if day.why_not.startswith("holiday") else "off")
        text = Text(f"{mark}" if not day.load else f"{day.load} {mark}", style="dim")
    else:
        text = Text(str(day.load))
    if day.date == today:
        text.stylize("bold reverse")
    elif day.date < today:
        text.stylize("dim")
    return text


class DaysRead(Message):
    """The load per day of the weeks shown, read in a worker."""

    def __init__(self, days: list) -> None:
        super().__init__()
        self.days = days


class WeekGrid(WorkerDialog[None]):
    BINDINGS = [
        Binding("escape,ctrl+g", "close", "Close", id="grid.close"),
        Binding("q", "close", "Close", show=False),
        Binding("w", "close", "Close", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        today = dates.today()
        self.monday = today - dt.timedelta(days=today.weekday())
        self.days: list = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(safe_markup("[b]Calls per day[/b] from $d", d=f"{self.monday:%a %d %b %Y}"),
                        classes="dialog-title")
            table: DataTable[Any] = DataTable(id="grid-table", cursor_type="cell", zebra_stripes=False)
            yield table
            yield Static(user_text("Loading…"), id="grid-detail")
            yield Label(safe_markup("[dim]arrows: move · q / escape: close[/]"))

    def on_mount(self) -> None:
        table = self.query_one("#grid-table", DataTable)
        table.add_column("Week", key="week")
        for name in DAY_NAMES:
            table.add_column(name, key=name, width=5)
        table.add_column("Total", key="total")
        table.focus()
        self._load()

    @thread_worker(group="week-grid", failure="Could not read the plan")
    def _load(self) -> None:
        from planner.scheduling.plan_views import plan_summary

        self.post_message(DaysRead(plan_summary(self.monday, days=WEEKS * 7).days))

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """Shown in the grid, where the days would be."""
        message.stop()
        self._detail(message.text)

    def on_days_read(self, message: DaysRead) -> None:
        days = self.days = message.days
        today = dates.today()
        table = self.query_one("#grid-table", DataTable)
        table.clear()
        for label, chunk in grid_rows(days):
            cells = [Text(label)] + [cell_text(day, today) for day in chunk]
            cells += [Text("")] * (8 - len(cells))
            cells.append(Text(str(sum(day.load for day in chunk)), style="bold"))
            table.add_row(*cells, key=label)
        table.move_cursor(row=0, column=today.weekday() + 1)
        self._describe(0, today.weekday() + 1)

    def _detail(self, message: str) -> None:
        self.query_one("#grid-detail", Static).update(user_text(message))

    @on(DataTable.CellHighlighted, "#grid-table")
    def _cell(self, event: DataTable.CellHighlighted) -> None:
        self._describe(event.coordinate.row, event.coordinate.column)

    def _describe(self, row: int, column: int) -> None:
        index = row * 7 + column - 1
        if not 1 <= column <= 7 or not 0 <= index < len(self.days):
            self._detail("")
            return
        day = self.days[index]
        calls = "1 call" if day.load == 1 else f"{day.load} calls"
        why = f" · {day.why_not}" if day.why_not else ""
        self._detail(f"{day.date:%a %d %b %Y}: {calls}{why}")

    def action_close(self) -> None:
        self.dismiss(None)
