"""Quick-log persistence: the draft written as the user types, the logging worker, keep or discard.

A mixin of `QuickLogScreen` (screens/quick_log.py), which owns the widgets, the keys and the
`@on` handlers (Textual collects those per screen class); the thread workers and what they call
back on the event loop live here.
"""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from planner.core.errors import FollowupError
from screens.messages import DataChanged
from screens.text import safe_markup, user_text

MAX_TIMED_CALL = 4 * 3600  # a timer older than this was a draft left overnight, not the call's length


def _error_text(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, FollowupError) else f"{exc.__class__.__name__}: {exc}"


def _summary_from(notes: str) -> str:
    first = next((line.strip() for line in notes.splitlines() if line.strip()), "")
    return first if len(first) <= 80 else first[:79] + "…"


class DraftTakenElsewhere(Message, bubble=False):
    """Posted (from any thread) when another running session has taken over this note's draft."""


class QuickLogPersistence:
    """Draft and save workers for `QuickLogScreen`; every attribute used is set up there."""

    def snapshot(self) -> dict:
        """Everything on screen, as plain values (read on the event loop only), with the keeper's
        ticket: a save of an older snapshot never lands after a newer one."""
        contact_text = self.query_one("#ql-contact", Input).value if self.contact_id is None else ""
        favor_direction = self.query_one("#ql-favor", Select).value
        extra: dict = {"thanked": self.query_one("#ql-thanked", Checkbox).value}
        if favor_direction in ("gave", "received"):
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

    def _save_draft_soon(self) -> None:
        if self.keeper.closed or self._saving:
            return
        snap = self.snapshot()
        if self.keeper.draft_id is None and not self._has_text():
            return
        self._write_draft(snap)

    @work(thread=True, group="quick-log-draft")
    def _write_draft(self, snap: dict) -> None:
        try:
            self.keeper.store(snap)
        except Exception as exc:  # the text is still on screen; say so, do not crash
            self.app.call_from_thread(self._show_error, f"Draft not saved: {_error_text(exc)}")

    def flush_draft_now(self) -> None:
        """Write the draft synchronously (SIGHUP, app exit): nothing typed is lost."""
        if self.keeper.closed or not self.is_mounted:
            return
        if self.keeper.draft_id is None and not self._has_text():
            return
        self.keeper.store(self.snapshot())

    @work(thread=True, exclusive=True, group="quick-log-save")
    def _log(self, snap: dict, elapsed: float):
        """One domain call stores the interaction, the favour and the thanks, or none of them.
        Returns what `_done` shows; the screen closes once this worker has finished."""
        from planner.core.dates import now_local, parse_day
        from planner.services import contacts
        from planner.services.interactions.log import FavorRequest, LogRequest, log_interaction

        favor = snap["extra"].get("favor")
        try:
            contact_id = (snap["contact_id"] or snap.get("resolved_id")
                          or contacts.resolve(snap["extra"]["contact_text"]))
            if snap["next_when"].strip():
                parse_day(snap["next_when"], what="next follow-up")
            self.keeper.store(dict(snap, contact_id=contact_id))
            # the draft is deleted in the log's own transaction, and the keeper closes with it
            view = self.keeper.finish(lambda draft_id: log_interaction(LogRequest(
                contact_id=contact_id, kind=snap["kind"], outcome=snap["outcome"],
                summary=snap["summary"].strip() or _summary_from(snap["notes"]), notes=snap["notes"],
                # when the timer started, on the app's "today" (fixed in tests and demos)
                at=now_local() - dt.timedelta(seconds=elapsed),
                duration_min=(max(1, round(elapsed / 60))
                              if snap["kind"] in ("call", "meeting") and elapsed < MAX_TIMED_CALL else None),
                next_when=snap["next_when"].strip() or None, thanked=bool(snap["extra"].get("thanked")),
                favor=(FavorRequest(favor["direction"], str(favor["kind"]), note=favor.get("note", ""))
                       if favor else None),
                draft_id=draft_id,
            )))
        except Exception as exc:
            what = "Not logged (call and favour)" if favor else "Not logged"
            self.app.call_from_thread(self._failed, f"{what}: {_error_text(exc)}")
            return None
        return view, contact_id, bool(favor)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Logging and "keep as draft" close the screen once their worker has finished. Closing it
        from inside the worker would cancel that worker while it still runs (a screen's workers
        are cancelled when it is removed), and whoever waits for it would see it cancelled."""
        if event.state is not WorkerState.SUCCESS or not event.worker.result:
            return
        if event.worker.group == "quick-log-save":
            self._done(*event.worker.result)
        elif event.worker.group == "quick-log-draft" and event.worker.result == "kept":
            self.notify(user_text("Kept as a draft: it is offered back on the next start"))
            self.dismiss(None)

    def _failed(self, message: str) -> None:
        self._saving = False
        self.query_one("#ql-save", Button).disabled = False
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        self.query_one("#ql-error", Static).update(user_text(message))

    def _done(self, view, contact_id: int, with_favor: bool) -> None:
        self.app.post_message(DataChanged([contact_id]))
        what = "Logged $kind with $name" + (" and the favour" if with_favor else "")
        self.notify(safe_markup(what, kind=view.kind, name=view.contact_name))
        self.dismiss(view)

    def _draft_taken_elsewhere(self) -> None:
        """The keeper's `on_taken`, called from any thread (post_message is thread-safe)."""
        self.post_message(DraftTakenElsewhere())

    def on_draft_taken_elsewhere(self, message: DraftTakenElsewhere) -> None:
        """Another session has this note open now: say so, and save what is on screen as a draft of
        its own rather than write over theirs."""
        self.notify(user_text("This note is now open in another session: what you type here is saved "
                              "as a separate draft"), severity="warning", timeout=10)
        self._changed()

    def _confirmed(self, choice: str | None) -> None:
        if choice == "discard":
            self._discard_and_close()
        elif choice == "keep":
            if self._draft_timer is not None:
                self._draft_timer.stop()
            self._keep(self.snapshot())

    @work(thread=True, group="quick-log-draft")
    def _keep(self, snap: dict) -> str | None:
        """Store the draft as it is now and close in one step: offered back on the next start.
        Saves still queued hold older snapshots and are skipped. "kept" closes the screen."""
        try:
            self.keeper.store(snap, then_close=True)
        except Exception as exc:
            self.app.call_from_thread(self._show_error, f"Draft not saved: {_error_text(exc)}")
            return None
        return "kept"

    def _discard_and_close(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if self.keeper.close() is not None:
            self._discard()
        self.dismiss(None)

    @work(thread=True, group="quick-log-draft")
    def _discard(self) -> None:
        try:
            self.keeper.close_and_discard()
        except Exception:
            pass  # it stays offered on the next start, which loses nothing
