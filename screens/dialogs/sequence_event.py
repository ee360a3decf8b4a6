"""Starting a sequence for one contact (`s` on the contact screen, ctrl+b in the quick-log): what
happened (the kind, one of the sequence definitions), the day it happened or will, an optional note.

The day is read the way the snooze dialog reads it ("friday", "in 2 weeks", "2026-12-03") and the
day understood is shown before anything is saved; unlike a snooze it may be in the past (a new job
that started last Monday). The dialog starts the sequence itself, in a thread worker, and closes
only once it is stored; a failure (already running from that day, an archived contact, a locked
database) shows inline and keeps what was typed.
"""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from planner.core import dates
from planner.core.errors import BadInput
from screens import stylesheets
from screens.text import safe_markup, user_text
from screens.workers import WorkerDialog, WorkerFailed, thread_worker

DAY_HELP = "Type the day: today, friday, in 2 weeks, 2026-12-03"


def describe_event_day(text: str, *, base: dt.date | None = None) -> tuple[dt.date | None, str]:
    """The day `text` means and a line saying so, or None and why it is not understood."""
    from planner.services.sequences import check_event_day

    if not text.strip():
        return None, DAY_HELP
    try:
        day = check_event_day(dates.parse_day(text, base=base, what="day"), what="day")
    except BadInput as exc:
        return None, str(exc)
    return day, f"{day:%a %d %b %Y} ({dates.humanize_day(day, base=base or dates.today())})"


def started_words(run) -> Content:
    """The notification once a sequence is stored: which, for whom, and its next step."""
    from planner.services.sequence_definitions import title_of

    step = run.next_step
    nxt = f" · next: {step.label} on {step.day:%a %d %b}" if step is not None else ""
    return safe_markup("Started $what for $name$next", what=title_of(run.sequence), name=run.contact_name,
                       next=nxt)


class KindsRead(Message):
    """The sequence definitions to choose from: (name, title and steps in words) each."""

    def __init__(self, kinds: list[tuple[str, str]]) -> None:
        super().__init__()
        self.kinds = kinds


class SequenceEventDialog(WorkerDialog[object | None]):
    """Returns the started sequence run (RunView), or None when cancelled."""

    CSS_PATH = stylesheets.CONTACTS
    BINDINGS = [
        Binding("escape,ctrl+g", "cancel", "Cancel", id="sequence-event.cancel"),
        Binding("ctrl+s", "save", "Start", id="sequence-event.save"),
    ]

    def __init__(self, contact_id: int, name: str) -> None:
        super().__init__(classes="dialog-screen")
        self.contact_id = contact_id
        self.contact_name = name
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="sequence-event"):
            yield Label(safe_markup("[b]Start a sequence[/b] for $name", name=self.contact_name),
                        classes="dialog-title")
            yield Label("What happened", classes="field-label")
            yield Select([], prompt="loading…", id="sequence-kind", compact=True)
            yield Label("On", classes="field-label")
            yield Input(value="today", placeholder="today, friday, in 2 weeks, 2026-12-03", id="sequence-day",
                        compact=True)
            yield Static(user_text(""), id="sequence-day-seen", classes="muted")
            yield Input(placeholder="note (optional)", id="sequence-note", compact=True)
            yield Static(user_text(""), id="sequence-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Static(user_text("^s start · esc cancel"), classes="muted save-hint")
                yield Button("Start", variant="primary", id="sequence-ok", compact=True)
                yield Button("Cancel", id="sequence-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#sequence-kind", Select).focus()
        self._show_day(self.query_one("#sequence-day", Input).value)
        self._load_kinds()

    @thread_worker(group="sequence-kinds", failure="Could not read the sequences")
    def _load_kinds(self) -> None:
        from planner.services.sequence_definitions import definitions

        self.post_message(KindsRead([(d.name, f"{d.title}: {len(d.steps)} steps") for d in definitions()]))

    def on_kinds_read(self, message: KindsRead) -> None:
        select = self.query_one("#sequence-kind", Select)
        select.set_options([(user_text(title), name) for name, title in message.kinds])
        if message.kinds:
            select.value = message.kinds[0][0]

    @on(Input.Changed, "#sequence-day")
    def _day_typed(self, event: Input.Changed) -> None:
        self._show_day(event.value)

    def _show_day(self, text: str) -> dt.date | None:
        day, words = describe_event_day(text)
        seen = self.query_one("#sequence-day-seen", Static)
        seen.update(user_text(words))
        seen.set_class(day is None and bool(text.strip()), "error")
        return day

    @on(Input.Submitted)
    @on(Button.Pressed, "#sequence-ok")
    def action_save(self) -> None:
        if self._saving:
            return  # one start at a time: a second would be refused as already running anyway
        error = self.query_one("#sequence-error", Static)
        kind = self.query_one("#sequence-kind", Select).value
        if not isinstance(kind, str):
            error.update(user_text("Choose what happened (the sequence to start)."))
            return
        day = self._show_day(self.query_one("#sequence-day", Input).value)
        if day is None:
            error.update(user_text(DAY_HELP))
            self.query_one("#sequence-day", Input).focus()
            return
        self._saving = True
        self.query_one("#sequence-ok", Button).disabled = True
        self._start(kind, day, self.query_one("#sequence-note", Input).value)

    # The dialog closes once the start has finished (its state turns SUCCESS), never from inside
    # the worker: closing while it runs would cancel it although the sequence is stored.
    @thread_worker(group="sequence-start", failure="Not started")
    def _start(self, kind: str, day: dt.date, note: str) -> object:
        from planner.services.sequences import start_sequence

        return start_sequence(self.contact_id, kind, day, note)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "sequence-start" and event.state is WorkerState.SUCCESS:
            self.dismiss(event.worker.result)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """Shown in place; the dialog keeps what was typed."""
        message.stop()
        self.query_one("#sequence-error", Static).update(user_text(message.notice))
        if message.group == "sequence-start":
            self._saving = False
            self.query_one("#sequence-ok", Button).disabled = False

    @on(Button.Pressed, "#sequence-cancel")
    def action_cancel(self) -> None:
        if not self._saving:  # a start under way is stored anyway: the dialog closes with it
            self.dismiss(None)
