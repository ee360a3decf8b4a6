"""Quick-log persistence: the draft written as the user types, the logging worker, keep or discard.

The modal screen class `QuickLogScreen` (screens/quick_log.py) builds on: it owns the widgets, the
keys and the `@on` handlers, and shows a failed worker in its error line (its draft and text
stay); here are the snapshot of what is on screen, the thread workers and the messages they post.
"""

from __future__ import annotations

import datetime as dt

from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea
from textual.worker import Worker

from planner.core.vocabulary import FavorDirection, InteractionKind
from screens.draft_keeper import DraftKeeper
from screens.messages import DataChanged
from screens.text import safe_markup, toast, user_text
from screens.workers import WorkerDialog, thread_worker

MAX_TIMED_CALL = 4 * 3600  # a timer older than this was a draft left overnight, not the call's length


def _summary_from(notes: str) -> str:
    first = next((line.strip() for line in notes.splitlines() if line.strip()), "")
    return first if len(first) <= 80 else first[:79] + "…"


class DraftTakenElsewhere(Message, bubble=False):
    """Posted (from any thread) when another running session has taken over this note's draft."""


class Logged(Message):
    """The note is stored (with its favour, if any) and its draft is gone."""

    def __init__(self, view, contact_id: int, with_favor: bool) -> None:
        super().__init__()
        self.view = view
        self.contact_id = contact_id
        self.with_favor = with_favor


class ReachedLately(Message):
    """Not logged yet: another member reached this contact lately; the user is asked first."""

    def __init__(self, words: str, days: int, snap: dict, elapsed: float) -> None:
        super().__init__()
        self.words, self.days = words, days
        self.snap, self.elapsed = snap, elapsed


class KeptAsDraft(Message):
    """The note is stored as a draft, offered back on the next start."""


class QuickLogPersistence(WorkerDialog[object | None]):
    """Draft and save workers for `QuickLogScreen`, which sets these attributes up."""

    contact_id: int | None
    kind: str
    outcome: str
    keeper: DraftKeeper
    _draft_timer: Timer | None
    _saving: bool
    _leaving: bool  # keep or discard under way: the screen closes once its worker has finished
    _typed: bool
    _log_has_favor: bool  # the running save logs a favour too: its failure says so

    def snapshot(self) -> dict:
        """Everything on screen, as plain values (read on the event loop only), with the keeper's
        ticket: a save of an older snapshot never lands after a newer one."""
        contact_text = self.query_one("#ql-contact", Input).value if self.contact_id is None else ""
        favor_direction = self.query_one("#ql-favor", Select).value
        extra: dict = {"thanked": self.query_one("#ql-thanked", Checkbox).value,
                       "private": self.query_one("#ql-private", Checkbox).value}
        if favor_direction in (FavorDirection.GAVE, FavorDirection.RECEIVED):
            extra["favor"] = {"direction": favor_direction, "kind": self.query_one("#ql-favor-kind", Select).value,
                              "note": self.query_one("#ql-favor-note", Input).value}
        if contact_text:
            extra["contact_text"] = contact_text
        return {
            "contact_id": self.contact_id, "kind": self.kind, "outcome": self.outcome,
            "summary": self.query_one("#ql-summary", Input).value,
            "notes": self.query_one("#ql-notes", TextArea).text,
            "next_when": self.query_one("#ql-next", Input).value,
            "extra": extra,
            "ticket": self.keeper.ticket(),
        }

    def _changed(self) -> None:
        """Something on screen changed (the screen writes the draft once the typing pauses)."""
        raise NotImplementedError

    def _has_text(self) -> bool:
        snap = self.snapshot()
        return bool(snap["notes"].strip() or snap["summary"].strip() or snap["next_when"].strip()
                    or snap["extra"].get("favor") or snap["extra"].get("thanked"))

    def _save_draft_soon(self) -> None:
        if self.keeper.closed or self._saving:
            return
        snap = self.snapshot()
        if self.keeper.draft_id is None and not self._has_text():
            return
        self._write_draft(snap)

    @thread_worker(group="quick-log-draft", failure="Draft not saved", exclusive=False)
    def _write_draft(self, snap: dict) -> None:
        self.keeper.store(snap)

    def flush_draft_now(self) -> None:
        """Write the draft synchronously (SIGHUP, app exit): nothing typed is lost."""
        if self.keeper.closed or not self.is_mounted:
            return
        if self.keeper.draft_id is None and not self._has_text():
            return
        self.keeper.store(self.snapshot())

    def _log(self, snap: dict, elapsed: float) -> None:
        self._log_has_favor = bool(snap["extra"].get("favor"))
        self._write_log(snap, elapsed)

    @thread_worker(group="quick-log-save", failure="Not logged")
    def _write_log(self, snap: dict, elapsed: float) -> Logged | ReachedLately:
        """One domain call stores the interaction, the favour and the thanks, or none of them.
        Returns `Logged`, delivered once this worker has finished: its handler closes the screen."""
        from planner.core.dates import now_local, parse_day
        from planner.services import contacts
        from planner.services.interactions.log import FavorRequest, LogRequest, log_interaction

        favor = snap["extra"].get("favor")
        contact_id = (snap["contact_id"] or snap.get("resolved_id")
                      or contacts.resolve(snap["extra"]["contact_text"]))
        if snap["next_when"].strip():
            parse_day(snap["next_when"], what="next follow-up")
        self.keeper.store(dict(snap, contact_id=contact_id))
        if snap["kind"] == InteractionKind.CALL and not snap.get("confirmed_recent"):
            from planner.services.interactions.team_memory import reached_by_others
            from planner.services.team import acting_member_id
            from planner.store import settings

            others = reached_by_others(contact_id, acting_member_id())
            if others:
                return ReachedLately(others[0].words(now_local().date()), settings.get("team.recent_days"),
                                     dict(snap, resolved_id=contact_id), elapsed)
        # the draft is deleted in the log's own transaction, and the keeper closes with it; if the
        # log fails, the keeper stays open and the draft is kept
        view = self.keeper.finish(lambda draft_id: log_interaction(LogRequest(
            contact_id=contact_id, kind=snap["kind"], outcome=snap["outcome"],
            summary=snap["summary"].strip() or _summary_from(snap["notes"]), notes=snap["notes"],
            # when the timer started, on the app's "today" (fixed in tests and demos)
            at=now_local() - dt.timedelta(seconds=elapsed),
            duration_min=(max(1, round(elapsed / 60))
                          if snap["kind"] in (InteractionKind.CALL, InteractionKind.MEETING)
                          and elapsed < MAX_TIMED_CALL else None),
            next_when=snap["next_when"].strip() or None, thanked=bool(snap["extra"].get("thanked")),
            favor=(FavorRequest(favor["direction"], str(favor["kind"]), note=favor.get("note", ""))
                   if favor else None),
            draft_id=draft_id, private=bool(snap["extra"].get("private")),
        )))
        return Logged(view, contact_id, bool(favor))

    def on_reached_lately(self, message: ReachedLately) -> None:
        from screens.dialogs.confirm_recent import ConfirmRecent

        def answered(log_anyway: bool | None) -> None:
            if log_anyway:
                self._write_log(dict(message.snap, confirmed_recent=True), message.elapsed)
                return
            self._saving = False
            self.query_one("#ql-save", Button).disabled = False
            self._show_error(f"Not logged yet: {message.words}")

        self.app.push_screen(ConfirmRecent(message.words, message.days), callback=answered)

    def _log_failed(self, text: str) -> None:
        """The save failed: every character stays on screen, and in the draft; ctrl+s tries again."""
        what = "Not logged (call and favour)" if self._log_has_favor else "Not logged"
        self._saving = False
        self.query_one("#ql-save", Button).disabled = False
        self._show_error(f"{what}: {text}")

    def _show_error(self, message: str) -> None:
        self.query_one("#ql-error", Static).update(user_text(message))

    def on_logged(self, message: Logged) -> None:
        self.app.post_message(DataChanged([message.contact_id]))
        what = "Logged $kind with $name" + (" and the favour" if message.with_favor else "") + " · u to undo"
        toast(self, safe_markup(what, kind=message.view.kind, name=message.view.contact_name))
        self.dismiss(message.view)

    def _draft_taken_elsewhere(self) -> None:
        """The keeper's `on_taken`, called from any thread (post_message is thread-safe)."""
        self.post_message(DraftTakenElsewhere())

    def on_draft_taken_elsewhere(self, message: DraftTakenElsewhere) -> None:
        """Another session has this note open now: say so, and save what is on screen as a draft of
        its own rather than write over theirs."""
        toast(self, user_text("This note is now open in another session: what you type here is saved "
                              "as a separate draft"), severity="warning", timeout=10)
        self._changed()

    def _confirmed(self, choice: str | None) -> None:
        if self._leaving or self._saving:
            return
        if choice == "discard":
            self._discard_and_close()
        elif choice == "keep":
            if self._draft_timer is not None:
                self._draft_timer.stop()
            self._leaving = True
            self._keep(self.snapshot())

    @thread_worker(group="quick-log-keep", failure="Draft not saved", exclusive=False)
    def _keep(self, snap: dict) -> KeptAsDraft:
        """Store the draft as it is now and close in one step: offered back on the next start.
        Saves still queued hold older snapshots and are skipped. `KeptAsDraft` is delivered once
        this worker has finished; its handler closes the screen."""
        self.keeper.store(snap, then_close=True)
        return KeptAsDraft()

    def on_kept_as_draft(self, message: KeptAsDraft) -> None:
        toast(self, user_text("Kept as a draft: it is offered back on the next start"))
        self.dismiss(None)

    def _discard_and_close(self) -> None:
        """Close without the note: at once if nothing was stored, else once its draft is deleted
        (`on_worker_state_changed`), not while the deleting worker still runs: closing would cancel it."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._leaving = True
        if self.keeper.close() is not None:
            self._discard()
        else:
            self.dismiss(None)

    # A failed discard shows nothing: the draft stays offered on the next start, which loses nothing.
    @thread_worker(group="quick-log-discard", failure=None, exclusive=False)
    def _discard(self) -> None:
        self.keeper.close_and_discard()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The discard has finished, deleted or not (its failure is quiet): close."""
        if event.worker.group == "quick-log-discard" and event.worker.is_finished:
            self.dismiss(None)
