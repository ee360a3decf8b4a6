"""The draft offer at start: a note left by a dropped SSH line is offered back on the next start
with its contact, the moment the call timer started and when it was last typed. A note whose
session was still running at start (still exiting after the line dropped) is offered as soon as
that session ends (`freed`); that offer comes up unasked, so it ignores keys for a moment: the
ones the user was typing on the screen underneath must not resume or discard it. A note another
running session still has open is not offered (planner.services.drafts.latest_draft), and since the offer
may sit on screen for minutes, Resume and Discard check again when pressed: each claims or deletes
the draft in one transaction that refuses a note another session has opened meanwhile.
"""

from __future__ import annotations

import time

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label, Static

from screens.text import safe_markup, toast, user_text
from screens.workers import WorkerDialog, WorkerFailed, thread_worker

FREED_KEYS_AFTER = 0.8  # seconds before an offer that came up unasked takes keys


class DraftClaimed(Message):
    """The draft is ours now, as stored: open it."""

    def __init__(self, draft) -> None:
        super().__init__()
        self.draft = draft


class OfferDone(Message):
    """The offer is over: discarded, or out of date (`why` says how; empty once discarded)."""

    def __init__(self, why: str = "") -> None:
        super().__init__()
        self.why = why


class DraftOffer(WorkerDialog[None]):
    """At start: an unfinished note from last time. Resume it, discard it, or decide later."""

    BINDINGS = [
        Binding("r,enter", "resume", "Resume", id="draft-offer.resume"),
        Binding("d", "discard", "Discard", id="draft-offer.discard"),
        Binding("escape,l,q", "later", "Later", id="draft-offer.later"),
    ]

    def __init__(self, draft, *, freed: bool = False) -> None:
        super().__init__()
        self.draft = draft
        self.freed = freed
        self._busy = False  # a resume or discard is being checked: one at a time
        self._keys_from = time.monotonic() + (FREED_KEYS_AFTER if freed else 0.0)

    def _taking_keys(self) -> bool:
        return not self._busy and time.monotonic() >= self._keys_from

    def compose(self) -> ComposeResult:
        draft = self.draft
        started = draft.started_at.astimezone()
        who = draft.contact_name or (draft.extra.get("contact_text") or "no contact chosen")
        with Vertical(classes="dialog", id="draft-offer"):
            yield Label(safe_markup("[b]Unfinished note[/b]" + (" (its session has ended)" if self.freed else "")),
                        classes="dialog-title")
            typed = draft.updated_at.astimezone()
            yield Static(safe_markup("$kind with [b]$who[/b], timer started $when, last typed at $typed",
                                     kind=draft.kind, who=who, when=f"{started:%a %d %b %H:%M}",
                                     typed=f"{typed:%H:%M}"), id="draft-offer-who")
            yield Static(user_text(draft.notes[:400] or draft.summary), id="draft-offer-notes", classes="muted")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resume (r)", variant="primary", id="do-resume")
                yield Button("Discard (d)", variant="error", id="do-discard")
                yield Button("Later (l)", id="do-later")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        {"do-resume": self.action_resume, "do-discard": self.action_discard}.get(
            event.button.id or "", self.action_later)()

    def action_resume(self) -> None:
        if self._taking_keys():
            self._busy = True
            self._resume(self.draft.id)

    # Both workers return the message that closes the offer, delivered once they have finished
    # (screens/workers.py `deliver_result`): closing it from inside one would cancel it.
    @thread_worker(group="draft-offer", failure="Draft not resumed", exclusive=False)
    def _resume(self, draft_id: int) -> DraftClaimed | OfferDone:
        """Claim the draft (only from a dead or silent owner) and open it as stored now."""
        from planner.core.errors import NotFound
        from planner.services.drafts import DraftHeldElsewhere, claim_draft

        # Another session having the note is an answer, not a failure: the offer closes and says why.
        try:
            return DraftClaimed(claim_draft(draft_id))
        except DraftHeldElsewhere:
            return OfferDone("Not resumed: this note is now open in another session")
        except NotFound:
            return OfferDone("Not resumed: this note was logged or discarded in another session")

    def on_draft_claimed(self, message: DraftClaimed) -> None:
        from screens.quick_log import QuickLogScreen

        self.dismiss(None)
        self.app.push_screen(QuickLogScreen(draft=message.draft))

    def action_discard(self) -> None:
        if self._taking_keys():
            self._busy = True
            self._discard(self.draft.id)

    @thread_worker(group="draft-offer", failure="Draft not discarded", exclusive=False)
    def _discard(self, draft_id: int) -> OfferDone:
        from planner.services.drafts import discard_draft

        discarded = discard_draft(draft_id)
        return OfferDone("" if discarded else "Not discarded: this note is now open in another session")

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """A database error (locked too long): the offer stays, try again or decide later; the app
        says what failed."""
        self._busy = False

    def on_offer_done(self, message: OfferDone) -> None:
        """Discarded; or the offer is out of date: say why and close it (the note is offered again
        once free)."""
        if message.why:
            toast(self, user_text(message.why), severity="warning", timeout=8)
        self.dismiss(None)

    def action_later(self) -> None:
        if self._taking_keys():
            self.dismiss(None)
