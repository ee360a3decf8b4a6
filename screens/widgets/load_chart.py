"""A bar chart of calls per day, drawn with block characters, with a day cursor.

One column per day (a gap between weeks), eighth-blocks for height, the lower bound on the peak
drawn as a dotted line, and days off marked on the baseline (· weekend, h holiday, b blocked), so
the chart reads without colour too (NO_COLOR). Pure text building lives in `chart_content`.
"""

from __future__ import annotations

import datetime as dt

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

EIGHTHS = " ▁▂▃▄▅▆▇█"
AXIS = 5  # width of the value labels on the left


def off_mark(why_not: str) -> str:
    if why_not.startswith("holiday"):
        return "h"
    if why_not.startswith("blocked"):
        return "b"
    return "·"


def chart_content(days: list, *, height: int = 8, cursor: int | None = None, lower_bound: int | None = None,
                  today: dt.date | None = None) -> Content:
    """Rows of the chart as Content: bars, the lower-bound line, and a week label row."""
    if not days:
        return Content("No days to show")
    top = max(max(day.load for day in days), lower_bound or 0, 1)
    height = min(height, max(top, 3))  # with one or two calls a day, eight rows of full bars say less
    columns: list[int | None] = []  # index into days, None for the gap between weeks
    for index, day in enumerate(days):
        if index and day.date.weekday() == 0:
            columns.append(None)
        columns.append(index)
    bound_level = round(lower_bound / top * height) - 1 if lower_bound else None
    lines: list[Content] = []
    for level in range(height - 1, -1, -1):
        label = str(top) if level == height - 1 else (str(lower_bound) if level == bound_level else "")
        if level == 0 and not label:
            label = "0"
        parts: list[Content | tuple[str, str] | str] = [label.rjust(AXIS - 1) + " "]
        for column in columns:
            if column is None:
                parts.append(" ")
                continue
            day = days[column]
            fill = round(day.load / top * height * 8) - level * 8
            if day.load and level == 0:
                fill = max(fill, 1)  # a day with any call shows at least a sliver
            char = EIGHTHS[max(0, min(8, fill))]
            if char == " " and level == 0 and not day.working:
                char = off_mark(day.why_not)
            elif char == " " and level == bound_level:
                char = "┄"
            style = "reverse" if column == cursor else ("bold" if day.date == today else "")
            if not day.working and char not in "·hb":
                style = (style + " dim").strip()
            parts.append((char, style) if style else char)
        lines.append(Content.assemble(*parts))
    lines.append(Content(" " * AXIS + week_labels(days, columns)))
    return Content("\n").join(lines)


def week_labels(days: list, columns: list[int | None]) -> str:
    """'W48' under each Monday (or under the first day)."""
    row = [" "] * len(columns)
    for position, column in enumerate(columns):
        if column is None:
            continue
        day = days[column].date
        if column == 0 or day.weekday() == 0:
            text = f"W{day.isocalendar()[1]:02d}"
            if position + len(text) <= len(row):
                row[position : position + len(text)] = list(text)
    return "".join(row)


class LoadChart(Static, can_focus=True):
    """Shows `days` (DayLoad values); `cursor` is the index of the highlighted day (arrow keys)."""

    BINDINGS = [
        Binding("left", "move(-1)", "Previous day", show=False),
        Binding("right", "move(1)", "Next day", show=False),
        Binding("pageup", "move(-7)", "Week back", show=False),
        Binding("pagedown", "move(7)", "Week on", show=False),
        Binding("home,g", "move(-1000)", "First day", id="list.first", show=False),
        Binding("end,G", "move(1000)", "Last day", id="list.last", show=False),
    ]

    class DayHighlighted(Message):
        """The cursor moved to `day` (a DayLoad)."""

        def __init__(self, day) -> None:
            super().__init__()
            self.day = day

    cursor: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content(""), id=id)
        self.days: list = []
        self.lower_bound: int | None = None
        self.today: dt.date | None = None

    def set_data(self, days: list, lower_bound: int | None, today: dt.date) -> None:
        self.days, self.lower_bound, self.today = days, lower_bound, today
        self.cursor = min(self.cursor, max(len(days) - 1, 0))
        self._draw()

    def watch_cursor(self) -> None:
        self._draw()
        day = self.current_day()
        if day is not None:
            self.post_message(self.DayHighlighted(day))

    def action_move(self, step: int) -> None:
        if self.days:
            self.cursor = max(0, min(len(self.days) - 1, self.cursor + step))

    def _draw(self) -> None:
        self.update(chart_content(self.days, cursor=self.cursor, lower_bound=self.lower_bound, today=self.today))

    def current_day(self):
        return self.days[self.cursor] if 0 <= self.cursor < len(self.days) else None
