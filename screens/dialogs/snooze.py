"""The snooze dialog: move a contact's next call to a day typed the way people say it.

Accepts everything `planner.core.dates.parse_day` does ("2d", "next week", "friday", "2026-12-03") and
shows the day it understood before anything is saved, so a typo never moves a call silently.
"""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from planner.core import dates
from planner.core.errors import BadInput
from screens.text import safe_markup, user_text


def describe_choice(text: str, *, base: dt.date | None = None) -> tuple[dt.date | None, str]:
    """The day `text` means and a line saying so, or None and why it is not understood."""
    if not text.strip():
        return None, "Type a day: 2d, next week, friday, 2026-12-03"
    try:
        day = dates.parse_day(text, base=base, what="snooze to")
    except BadInput as exc:
        return None, str(exc)
    base = base or dates.today()
    if day <= base:
        return None, f"{day:%a %d %b %Y} is not after today"
    return day, f"{day:%a %d %b %Y} ({dates.humanize_day(day, base=base)})"


class SnoozeDialog(ModalScreen[dt.date | None]):
    """Returns the chosen day, or None when cancelled."""

    BINDINGS = [
        Binding("escape,ctrl+g", "cancel", "Cancel", id="snooze.cancel"),
    ]

    def __init__(self, name: str, current: dt.date | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.contact_name = name
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(safe_markup("[b]Snooze[/b] $name", name=self.contact_name), classes="dialog-title")
            if self.current:
                yield Label(user_text(f"Next call now {self.current:%a %d %b %Y}"))
            yield Input(placeholder="2d, next week, friday, 2026-12-03", id="snooze-when")
            yield Static(user_text("Type a day: 2d, next week, friday, 2026-12-03"), id="snooze-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Snooze", variant="primary", id="snooze-ok")
                yield Button("Cancel", id="snooze-cancel")

    def on_mount(self) -> None:
        self.query_one("#snooze-when", Input).focus()

    @on(Input.Changed, "#snooze-when")
    def _preview(self, event: Input.Changed) -> None:
        day, words = describe_choice(event.value)
        preview = self.query_one("#snooze-preview", Static)
        preview.update(user_text(words))
        preview.set_class(day is None and bool(event.value.strip()), "error")

    @on(Input.Submitted, "#snooze-when")
    @on(Button.Pressed, "#snooze-ok")
    def _confirm(self) -> None:
        day, words = describe_choice(self.query_one("#snooze-when", Input).value)
        if day is None:
            preview = self.query_one("#snooze-preview", Static)
            preview.update(user_text(words))
            preview.add_class("error")
            return
        self.dismiss(day)

    @on(Button.Pressed, "#snooze-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
