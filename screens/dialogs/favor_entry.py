"""Recording a favour given or received, from the ledger (`g`, `r`).

The dialog writes the favour itself, in a thread worker, and closes only once it is stored: if the
write fails (a bad date, a locked database) the message shows inline and everything typed stays.
Optionally it links the favour as the return of an open one going the other way.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from planner.core import dates
from planner.core.errors import BadInput
from planner.core.vocabulary import FAVOR_KINDS, FavorDirection, FavorKind
from screens import stylesheets
from screens.text import safe_markup, user_text
from screens.workers import WorkerDialog, WorkerFailed, thread_worker

WEIGHTS = ((user_text("1 small"), 1), (user_text("2 medium"), 2), (user_text("3 big"), 3))


def favor_label(favor) -> str:
    note = f" · {favor.note}" if favor.note else ""
    return f"{favor.date:%d %b %Y} {favor.direction} {favor.kind}{note}"


class OpenFavorsRead(Message):
    """The contact's open favours going the other way: what this one may return."""

    def __init__(self, favors: list) -> None:
        super().__init__()
        self.favors = favors


class FavorEntry(WorkerDialog[object | None]):
    """Returns the stored FavorView, or None when cancelled."""

    CSS_PATH = stylesheets.LEDGER
    BINDINGS = [
        Binding("escape,ctrl+g", "cancel", "Cancel", id="favor.cancel"),
        Binding("ctrl+s", "save", "Save", id="favor.save"),
    ]

    def __init__(self, contact_id: int, name: str, direction: str) -> None:
        super().__init__(classes="dialog-screen")
        self.contact_id = contact_id
        self.contact_name = name
        self.direction = direction
        self._saving = False

    def compose(self) -> ComposeResult:
        verb = "You gave" if self.direction == FavorDirection.GAVE else "You received from"
        with Vertical(classes="dialog"):
            yield Label(safe_markup("[b]$verb[/b] $name", verb=verb, name=self.contact_name), classes="dialog-title")
            yield Label("Kind", classes="field-label")
            yield Select([(user_text(k), k) for k in FAVOR_KINDS], value=FavorKind.REFERRAL, allow_blank=False,
                         id="favor-kind", compact=True)
            yield Label("Note", classes="field-label")
            yield Input(placeholder="what it was (optional)", id="favor-note", compact=True)
            with Horizontal(id="favor-row"):
                with Vertical():
                    yield Label("Weight", classes="field-label")
                    yield Select(WEIGHTS, value=1, allow_blank=False, id="favor-weight", compact=True)
                with Vertical():
                    yield Label("Day", classes="field-label")
                    yield Input(value="today", placeholder="today, yesterday, 2026-11-20", id="favor-day", compact=True)
            yield Label("Returns (optional)", classes="field-label")
            yield Select([], prompt="not a return", id="favor-returns", compact=True)
            yield Static(user_text(""), id="favor-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Static(user_text("^s save · esc cancel"), classes="muted save-hint")
                yield Button("Save", variant="primary", id="favor-ok", compact=True)
                yield Button("Cancel", id="favor-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#favor-kind", Select).focus()
        self._load_open()

    # The list of returns is optional: the form works without it, so its failure shows nothing.
    @thread_worker(group="favor-open", failure=None)
    def _load_open(self) -> None:
        from planner.services.ledger import contact_ledger

        favors = contact_ledger(self.contact_id)
        returned = {f.returns_id for f in favors if f.returns_id is not None}
        self.post_message(OpenFavorsRead([f for f in favors if f.direction != self.direction and f.id not in returned]))

    def on_open_favors_read(self, message: OpenFavorsRead) -> None:
        select = self.query_one("#favor-returns", Select)
        select.set_options([(user_text(favor_label(f)), f.id) for f in message.favors])

    @on(Input.Submitted)
    @on(Button.Pressed, "#favor-ok")
    def action_save(self) -> None:
        if self._saving:
            return  # one save at a time: a second one would store the favour twice
        error = self.query_one("#favor-error", Static)
        try:
            day = dates.parse_day(self.query_one("#favor-day", Input).value, what="day")
        except BadInput as exc:
            error.update(user_text(str(exc)))
            return
        returns = self.query_one("#favor-returns", Select).value
        self.query_one("#favor-ok", Button).disabled = True
        self._saving = True
        self._save(
            str(self.query_one("#favor-kind", Select).value),
            self.query_one("#favor-note", Input).value,
            int(self.query_one("#favor-weight", Select).value),  # type: ignore[arg-type]
            day,
            returns if isinstance(returns, int) else None,
        )

    # Not from inside the worker: the dialog closes once the save has finished (its state turns
    # SUCCESS); closing while it still runs would cancel it, and whoever waits for the save would
    # see it cancelled although the favour is stored.
    @thread_worker(group="favor-save", failure="Not saved")
    def _save(self, kind: str, note: str, weight: int, day, returns: int | None) -> object:
        from planner.services.ledger import add_favor

        return add_favor(self.contact_id, self.direction, kind, note=note, weight=weight, day=day, returns=returns)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "favor-save" and event.state is WorkerState.SUCCESS:
            self.dismiss(event.worker.result)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """Shown in place; the dialog keeps what was typed."""
        message.stop()
        if message.group == "favor-save":
            self._saving = False
            self.query_one("#favor-error", Static).update(user_text(message.notice))
            self.query_one("#favor-ok", Button).disabled = False

    @on(Button.Pressed, "#favor-cancel")
    def action_cancel(self) -> None:
        if not self._saving:  # a save under way is stored anyway: the dialog closes with it
            self.dismiss(None)
