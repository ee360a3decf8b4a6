"""Blocking days off (a holiday, a conference) from the plan screen (`b`).

Typed days are parsed as the person types and shown back with the number of working days they
cover. The dialog stores the block itself, in a worker, and stays open with the text if that fails.
"""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker, WorkerState

from planner.core import dates
from planner.core.errors import BadInput
from screens import stylesheets
from screens.text import user_text
from screens.workers import WorkerDialog, WorkerFailed, thread_worker


def parse_range(first: str, last: str) -> tuple[dt.date, dt.date]:
    """The inclusive range typed; an empty 'to' means the single day."""
    start = dates.parse_day(first, what="from")
    end = dates.parse_day(last, base=start, what="to") if last.strip() else start
    if end < start:
        raise BadInput(f"to: {end:%a %d %b %Y} is before {start:%a %d %b %Y}")
    if (end - start).days > 366:
        raise BadInput("to: a block is at most a year long")
    return start, end


def describe_range(start: dt.date, end: dt.date) -> str:
    days = (end - start).days + 1
    span = f"{start:%a %d %b %Y}" if start == end else f"{start:%a %d %b} – {end:%a %d %b %Y}"
    return f"{span} ({days} day{'s' if days != 1 else ''}): no calls planned"


class BlockDialog(WorkerDialog[tuple[dt.date, dt.date] | None]):
    """Stores a block; returns its range, or None when cancelled."""

    CSS_PATH = stylesheets.PLAN
    BINDINGS = [
        Binding("escape,ctrl+g", "cancel", "Cancel", id="block.cancel"),
        Binding("ctrl+s", "save", "Block", id="block.save"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("[b]Block days[/b] (vacation, conference, sick days)", classes="dialog-title")
            with Horizontal(id="block-row"):
                with Vertical():
                    yield Label("From", classes="field-label")
                    yield Input(placeholder="2026-12-21, monday, next week", id="block-from")
                with Vertical():
                    yield Label("To (counted from From; empty: one day)", classes="field-label")
                    yield Input(placeholder="2026-12-31, friday, 2w", id="block-to")
            yield Label("Note", classes="field-label")
            yield Input(placeholder="why (optional): Christmas, conference", id="block-note")
            yield Static(user_text(""), id="block-preview")
            with Horizontal(classes="dialog-buttons"):
                yield Static(user_text("^s block · esc cancel"), classes="muted save-hint")
                yield Button("Block", variant="primary", id="block-ok")
                yield Button("Cancel", id="block-cancel")

    def on_mount(self) -> None:
        self.query_one("#block-from", Input).focus()

    def _range(self) -> tuple[dt.date, dt.date]:
        return parse_range(self.query_one("#block-from", Input).value, self.query_one("#block-to", Input).value)

    @on(Input.Changed)
    def _preview(self) -> None:
        preview = self.query_one("#block-preview", Static)
        if not self.query_one("#block-from", Input).value.strip():
            preview.update(user_text(""))
            return
        try:
            start, end = self._range()
        except BadInput as exc:
            preview.update(user_text(str(exc)))
            preview.add_class("error")
            return
        preview.remove_class("error")
        preview.update(user_text(describe_range(start, end)))

    @on(Input.Submitted)
    @on(Button.Pressed, "#block-ok")
    def action_save(self) -> None:
        if self._saving:
            return  # one save at a time: a second one would store the block twice
        preview = self.query_one("#block-preview", Static)
        try:
            start, end = self._range()
        except BadInput as exc:
            preview.update(user_text(str(exc)))
            preview.add_class("error")
            return
        self.query_one("#block-ok", Button).disabled = True
        self._saving = True
        self._save(start, end, self.query_one("#block-note", Input).value.strip())

    # Not from inside the worker: the dialog closes once the save has finished (its state turns
    # SUCCESS); closing while it still runs would cancel it, and whoever waits for the save would
    # see it cancelled although the block is stored.
    @thread_worker(group="block-save", failure="Not saved")
    def _save(self, start: dt.date, end: dt.date, note: str) -> tuple[dt.date, dt.date]:
        from planner.services.blocks import add_block

        add_block(start, end, note)
        return start, end

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "block-save" and event.state is WorkerState.SUCCESS:
            self.dismiss(event.worker.result)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """Shown in place; the dialog keeps what was typed."""
        message.stop()
        self._saving = False
        preview = self.query_one("#block-preview", Static)
        preview.update(user_text(message.notice))
        preview.add_class("error")
        self.query_one("#block-ok", Button).disabled = False

    @on(Button.Pressed, "#block-cancel")
    def action_cancel(self) -> None:
        if not self._saving:  # a save under way is stored anyway: the dialog closes with it
            self.dismiss(None)
