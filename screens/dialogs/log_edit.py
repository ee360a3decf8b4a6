"""Correcting a logged call (`e` on a row of a contact's history): when, kind, outcome, minutes,
summary and notes, the quick-log's fields.

Only what was changed is sent to `edit_interaction`, which re-derives the last contact, the retry,
the thanks and the plan as if the call had been logged that way, in one write transaction. The
dialog closes once that is stored; a bad time or a locked database shows in place, with
everything typed kept.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from planner.core.dates import parse_moment
from planner.core.errors import BadInput
from planner.core.vocabulary import KINDS, OUTCOMES, InteractionKind, Outcome
from planner.services.interactions.records import InteractionView
from screens import stylesheets
from screens.dialogs.confirm_discard import ConfirmDiscard
from screens.text import safe_markup, user_text
from screens.workers import WorkerDialog, WorkerFailed, thread_worker

WHEN_FORMAT = "%Y-%m-%d %H:%M"


def log_words(item: InteractionView) -> str:
    """How a log is named in a title or a question: its day, kind and summary (our words and theirs)."""
    summary = f" · {item.summary}" if item.summary else ""
    return f"{item.happened_at:%d %b %Y %H:%M} {item.kind}{summary}"


class LogEdit(WorkerDialog[InteractionView | None]):
    """Returns the edited InteractionView, or None when cancelled (or nothing was changed)."""

    CSS_PATH = stylesheets.CONTACTS
    BINDINGS = [
        Binding("escape,ctrl+g", "cancel", "Cancel", id="log-edit.cancel"),
        Binding("ctrl+s", "save", "Save", id="log-edit.save", priority=True),
    ]

    def __init__(self, item: InteractionView) -> None:
        super().__init__(classes="dialog-screen")
        self.item = item
        self._saving = False

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(classes="dialog", id="log-edit"):
            yield Label(safe_markup("[b]Edit the log[/b] with $name", name=item.contact_name), classes="dialog-title")
            with Horizontal(classes="log-edit-row"):
                with Vertical():
                    yield Label("When", classes="field-label")
                    yield Input(value=item.happened_at.strftime(WHEN_FORMAT), placeholder="2026-11-20 15:00",
                                id="le-when", compact=True)
                with Vertical(classes="le-minutes"):
                    yield Label("Minutes", classes="field-label")
                    yield Input(value="" if item.duration_min is None else str(item.duration_min),
                                placeholder="—", id="le-minutes", compact=True, type="integer")
            with Horizontal(classes="log-edit-row"):
                with Vertical():
                    yield Label("Kind", classes="field-label")
                    yield Select([(user_text(k), k) for k in KINDS], value=item.kind or InteractionKind.CALL,
                                 allow_blank=False, id="le-kind", compact=True)
                with Vertical():
                    yield Label("Outcome", classes="field-label")
                    yield Select([(user_text(o), o) for o in OUTCOMES], value=item.outcome or Outcome.SPOKE,
                                 allow_blank=False, id="le-outcome", compact=True)
            yield Label("Summary", classes="field-label")
            yield Input(value=item.summary, id="le-summary", compact=True)
            yield Label("Notes", classes="field-label")
            yield TextArea(item.notes, id="le-notes", soft_wrap=True, compact=True)
            yield Static(user_text(""), id="le-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Static(user_text("^s save · esc cancel"), classes="muted save-hint")
                yield Button("Save", variant="primary", id="le-ok", compact=True)
                yield Button("Cancel", id="le-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#le-summary", Input).focus()

    def changes(self) -> dict[str, object]:
        """What differs from the log as stored; BadInput names the field that cannot be read."""
        item = self.item
        changes: dict[str, object] = {}
        when = self.query_one("#le-when", Input).value
        if when.strip() != item.happened_at.strftime(WHEN_FORMAT):
            changes["at"] = parse_moment(when, what="When", zone=item.happened_at.tzinfo)
        minutes_text = self.query_one("#le-minutes", Input).value.strip()
        minutes = int(minutes_text) if minutes_text else None
        if minutes != item.duration_min:
            changes["duration_min"] = minutes
        kind = str(self.query_one("#le-kind", Select).value)
        if kind != item.kind:
            changes["kind"] = kind
        outcome = str(self.query_one("#le-outcome", Select).value)
        if kind != InteractionKind.NOTE and outcome != item.outcome:
            changes["outcome"] = outcome
        summary = self.query_one("#le-summary", Input).value
        if summary.strip() != item.summary:
            changes["summary"] = summary
        notes = self.query_one("#le-notes", TextArea).text
        if notes != item.notes:
            changes["notes"] = notes
        return changes

    @on(Input.Submitted)
    @on(Button.Pressed, "#le-ok")
    def action_save(self) -> None:
        if self._saving:
            return
        try:
            changes = self.changes()
        except (BadInput, ValueError) as exc:
            self.query_one("#le-error", Static).update(user_text(str(exc)))
            return
        if not changes:
            self.dismiss(None)
            return
        self._saving = True
        self.query_one("#le-ok", Button).disabled = True
        self._save(changes)

    # The dialog closes once the worker has finished (SUCCESS): closing from inside it would cancel it.
    @thread_worker(group="log-edit-save", failure="Not saved")
    def _save(self, changes: dict[str, object]) -> InteractionView:
        from planner.services.interactions.edits import edit_interaction

        return edit_interaction(self.item.id, **changes)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "log-edit-save" and event.state is WorkerState.SUCCESS:
            self.dismiss(event.worker.result)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """Shown in place; the dialog keeps what was typed."""
        message.stop()
        if message.group == "log-edit-save":
            self._saving = False
            self.query_one("#le-error", Static).update(user_text(message.text))
            self.query_one("#le-ok", Button).disabled = False

    @on(Button.Pressed, "#le-cancel")
    def action_cancel(self) -> None:
        """Escape with something changed asks first: typed text is never thrown away silently."""
        if self._saving:
            return
        try:
            changed = bool(self.changes())
        except (BadInput, ValueError):
            changed = True  # something unreadable was typed: still typed
        if not changed:
            self.dismiss(None)
            return

        def chosen(choice: str | None) -> None:
            if choice == "discard":
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscard("change", can_keep=False), callback=chosen)
