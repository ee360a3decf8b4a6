"""The snooze dialog: move a contact's next call to a day typed the way people say it.

Accepts everything `planner.core.dates.parse_day` does ("2d", "next week", "friday", "2026-12-03") and
shows the day it understood before anything is saved, so a typo never moves a call silently. A call
only goes on a working day: when the day typed is not one (a weekend, a holiday, a blocked day) the
dialog says the working day the call lands on instead, from the calendar read in a worker when it
opens, the same rule the snooze itself applies.
"""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from planner.core import dates
from planner.core.errors import BadInput
from planner.core.workdays import WorkCalendar
from screens.text import safe_markup, user_text
from screens.workers import WorkerDialog, thread_worker


def describe_choice(text: str, *, base: dt.date | None = None,
                    calendar: WorkCalendar | None = None) -> tuple[dt.date | None, str]:
    """The working day the call lands on for `text` and a line saying so, or None and why it is
    not understood. Without the calendar (not read yet) the day typed is taken as it is."""
    if not text.strip():
        return None, "Type a day: 2d, next week, friday, 2026-12-03"
    try:
        day = dates.parse_day(text, base=base, what="snooze to")
    except BadInput as exc:
        return None, str(exc)
    base = base or dates.today()
    if day <= base:
        return None, f"{day:%a %d %b %Y} is not after today"
    lands = calendar.next_working_day(day) if calendar is not None else day
    if lands != day:
        return lands, (f"{lands:%a %d %b %Y} ({dates.humanize_day(lands, base=base)}): "
                       f"{day:%a %d %b} is not a working day")
    return day, f"{day:%a %d %b %Y} ({dates.humanize_day(day, base=base)})"


class CalendarRead(Message):
    """The user's working days, holidays and blocks, read in a worker."""

    def __init__(self, calendar: WorkCalendar) -> None:
        super().__init__()
        self.calendar = calendar


class SnoozeDialog(WorkerDialog[dt.date | None]):
    """Returns the working day the call goes on, or None when cancelled."""

    BINDINGS = [
        Binding("escape,ctrl+g", "cancel", "Cancel", id="snooze.cancel"),
    ]

    def __init__(self, name: str, current: dt.date | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.contact_name = name
        self.current = current
        self.calendar: WorkCalendar | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(safe_markup("[b]Snooze[/b] $name", name=self.contact_name), classes="dialog-title")
            if self.current:
                yield Label(user_text(f"Next call now {self.current:%a %d %b %Y}"))
            yield Input(placeholder="2d, next week, friday, 2026-12-03", id="snooze-when")
            yield Static(user_text("Type a day: 2d, next week, friday, 2026-12-03"), id="snooze-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Static(user_text("enter snooze · esc cancel"), classes="muted save-hint")
                yield Button("Snooze", variant="primary", id="snooze-ok")
                yield Button("Cancel", id="snooze-cancel")

    def on_mount(self) -> None:
        self.query_one("#snooze-when", Input).focus()
        self._load_calendar()

    @thread_worker(group="snooze-calendar", failure="Could not read the working days")
    def _load_calendar(self) -> None:
        from planner.scheduling.inputs import load_calendar

        self.post_message(CalendarRead(load_calendar()))

    def on_calendar_read(self, message: CalendarRead) -> None:
        self.calendar = message.calendar
        self._show(self.query_one("#snooze-when", Input).value)

    @on(Input.Changed, "#snooze-when")
    def _preview(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, value: str) -> None:
        day, words = describe_choice(value, calendar=self.calendar)
        preview = self.query_one("#snooze-preview", Static)
        preview.update(user_text(words))
        preview.set_class(day is None and bool(value.strip()), "error")

    @on(Input.Submitted, "#snooze-when")
    @on(Button.Pressed, "#snooze-ok")
    def _confirm(self) -> None:
        day, words = describe_choice(self.query_one("#snooze-when", Input).value, calendar=self.calendar)
        if day is None:
            preview = self.query_one("#snooze-preview", Static)
            preview.update(user_text(words))
            preview.add_class("error")
            return
        self.dismiss(day)

    @on(Button.Pressed, "#snooze-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
