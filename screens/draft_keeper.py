"""The database row behind one open quick-log: saved from worker threads while typing, and once
more synchronously on SIGHUP from the event loop, so every write goes through one lock.

Each snapshot carries a ticket taken on the event loop when it was read from the widgets
(`ticket()`); a save waiting for the lock behind a newer one is skipped, so the row always ends
with the newest text even when another session held the database while the saves queued up.

Once the note is logged or thrown away the keeper is closed and later saves are ignored: a
debounced save that was already waiting must not bring back a draft the user just finished.

While the keeper has a row, a small daemon thread refreshes the draft's heartbeat (the user may
think for minutes without typing), so another SSH session starting meanwhile does not offer this
note back (planner.services.drafts.held_elsewhere). The thread ends when the row is gone (discarded by a
session that found this one silent); the next save writes the row again and starts a new one.
If another running session has taken the note over, this keeper leaves that row to it, saves
its own text as a separate draft from then on and calls `on_taken` (the screen tells the user).
Closing the keeper stops the heartbeat and releases the draft: a note kept "for later" is offered
on the next start, even while this session goes on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import threading
import weakref
from collections.abc import Callable
from typing import TypeVar

from planner.services import drafts

T = TypeVar("T")


class DraftKeeper:
    """Owns `draft_id` (None until the first save) and the call timer start."""

    def __init__(self, draft_id: int | None, started_at: dt.datetime, *,
                 heartbeat_seconds: float | None = None, on_taken: Callable[[], None] | None = None) -> None:
        self.draft_id = draft_id
        self.started_at = started_at
        self.closed = False
        self.on_taken = on_taken  # called from any thread, at most once per row lost to another session
        self._lock = threading.Lock()
        self._database = drafts.bound_database()  # beats go to this file only, never to one opened later
        self._every = drafts.HEARTBEAT_SECONDS if heartbeat_seconds is None else heartbeat_seconds
        self._stop = threading.Event()
        self._beating = False
        self._tickets = itertools.count(1)
        self._written = 0  # the ticket of the snapshot the row holds now
        self._saves = 0  # how many saves so far: a beat that failed on an older row is not the last word
        if draft_id is not None:  # a resumed draft: ours from now on, before the first keystroke
            self._start_heartbeat(beat_now=True)

    def ticket(self) -> int:
        """A number for a snapshot read now (on the event loop): later reads get larger ones."""
        return next(self._tickets)

    def store(self, snap: dict, *, then_close: bool = False) -> None:
        """Write the snapshot (see QuickLogScreen.snapshot) unless the keeper is closed or a newer
        snapshot is already written; `then_close` closes the keeper in the same locked step, so
        nothing waiting behind it can write after it ("keep as draft")."""
        taken = False
        with self._lock:
            if self.closed:
                return
            ticket = snap.get("ticket")
            if ticket is None or ticket > self._written:
                taken = self._write(snap)
                self._written = ticket or self._written
            if then_close:
                self.closed = True
                self._stop.set()
        if not then_close:
            self._start_heartbeat(beat_now=False)
        elif not self._beating and self.draft_id is not None:
            drafts.release_draft(self.draft_id)  # no heartbeat thread to do it: any session may offer it
        if taken:
            self._tell_taken()

    def _write(self, snap: dict) -> bool:
        """Save under the lock; True when another session held our row and the text went to a new one."""
        args = (snap["contact_id"], snap["kind"], snap["outcome"], snap["summary"], snap["notes"],
                snap["next_when"], snap["extra"])
        try:
            self.draft_id = drafts.save_draft(self.draft_id, *args, started_at=self.started_at)
            taken = False
        except drafts.DraftHeldElsewhere:
            self.draft_id = drafts.save_draft(None, *args, started_at=self.started_at)
            taken = True
        self._saves += 1
        return taken

    def close(self) -> int | None:
        """No more saves; returns the row to discard, if any (no database work here: the heartbeat
        thread releases the draft)."""
        with self._lock:
            self.closed = True
            self._stop.set()
            return self.draft_id

    def close_and_discard(self) -> None:
        """Close and forget the row (from a worker thread: this writes). A row another running
        session has taken over is left to it."""
        with self._lock:
            self.closed = True
            self._stop.set()
            if self.draft_id is not None:
                drafts.discard_draft(self.draft_id)

    def finish(self, log: Callable[[int | None], T]) -> T:
        """Run `log(draft_id)`, which stores the note and deletes its draft in one transaction,
        then close; a save waiting for the lock cannot write the logged note back. If `log` fails
        the keeper stays open and the draft is kept."""
        with self._lock:
            if self.closed:
                raise RuntimeError("this quick-log is already closed")
            result = log(self.draft_id)
            self.closed = True
            self._stop.set()
            return result

    # ----------------------------------------------------------------- heartbeat
    def _start_heartbeat(self, *, beat_now: bool) -> None:
        with self._lock:
            if self._beating or self.closed or self.draft_id is None:
                return
            self._beating = True
        # The thread holds only a weak reference: a keeper dropped without close() ends it too.
        threading.Thread(target=_keep_alive, args=(weakref.ref(self), self._stop, self._every, beat_now),
                         name="draft-heartbeat", daemon=True).start()

    def _beat(self) -> bool:
        """One heartbeat (in the heartbeat thread); False once this thread should end. No lock held
        while writing: close() on the event loop never waits for a beat, and a beat that loses the
        race finds the row discarded or is followed by the release."""
        draft_id, saves = self.draft_id, self._saves
        if self.closed:
            return True  # the loop sees the stop and releases
        if draft_id is None or drafts.bound_database() != self._database:
            return self._stop_beating(saves, lost=False)
        try:
            with drafts.own_connection():
                drafts.claim_draft(draft_id)  # also takes back a row a dead session claimed
        except drafts.NotFound:
            return self._stop_beating(saves, lost=False)
        except drafts.DraftHeldElsewhere:
            return self._stop_beating(saves, lost=True)
        except Exception:
            return True  # a locked database: try again next beat
        return True

    def _stop_beating(self, saves: int, *, lost: bool) -> bool:
        """End the heartbeat, unless a save wrote a row since the beat began (then beat that one:
        a save that finds the heartbeat still running does not start another). A row another
        session took is let go: the next save makes a new one."""
        with self._lock:
            if self._saves != saves and self.draft_id is not None and not self.closed:
                return True
            lost = lost and not self.closed
            if lost:
                self.draft_id = None
            self._beating = False
        if lost:
            self._tell_taken()
        return False

    def _tell_taken(self) -> None:
        if self.on_taken is not None:
            with contextlib.suppress(Exception):  # the screen is gone; the draft itself is safe either way
                self.on_taken()

    def _release(self) -> None:
        draft_id = self.draft_id
        if draft_id is not None and drafts.bound_database() == self._database:
            with drafts.own_connection():
                drafts.release_draft(draft_id)


def _keep_alive(ref: weakref.ref, stop: threading.Event, every: float, beat_now: bool) -> None:
    """The heartbeat thread: beat every `every` seconds (at once when `beat_now`: a resumed draft)
    until the keeper closes (then release the draft), is garbage-collected, or has no row to beat
    for. A failed beat (database busy) is retried."""
    wait = 0.0 if beat_now else every
    while not stop.wait(wait):
        wait = every
        keeper = ref()
        if keeper is None or not keeper._beat():
            return
        del keeper
    keeper = ref()
    if keeper is not None:
        # if this fails, the row stays owned until its beat goes stale: offered a little later, not lost
        with contextlib.suppress(Exception):
            keeper._release()
