"""The database row behind one open quick-log: saved from worker threads while typing, and once
more synchronously on SIGHUP from the event loop, so every write goes through one lock.

Once the note is logged or thrown away the keeper is closed and later saves are ignored: a
debounced save that was already waiting must not bring back a draft the user just finished.

While the keeper is open, a small daemon thread refreshes the draft's heartbeat (the user may
think for minutes without typing), so another SSH session starting meanwhile does not offer this
note back (planner.drafts.held_elsewhere). Closing the keeper stops it and releases the draft: a
note kept "for later" is offered on the next start, even while this session goes on.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref

from planner.drafts import HEARTBEAT_SECONDS


class DraftKeeper:
    """Owns `draft_id` (None until the first save) and the call timer start."""

    def __init__(self, draft_id: int | None, started_at: dt.datetime, *,
                 heartbeat_seconds: float = HEARTBEAT_SECONDS) -> None:
        from planner.db import db

        self.draft_id = draft_id
        self.started_at = started_at
        self.closed = False
        self._lock = threading.Lock()
        self._database = db.database  # beats go to this file only, never to one opened later
        self._every = heartbeat_seconds
        self._stop = threading.Event()
        self._beating = False
        if draft_id is not None:  # a resumed draft: ours from now on, before the first keystroke
            self._start_heartbeat(claim=True)

    def store(self, snap: dict) -> None:
        """Write the snapshot (see QuickLogScreen.snapshot) unless the keeper is closed."""
        from planner.drafts import save_draft

        with self._lock:
            if self.closed:
                return
            self.draft_id = save_draft(self.draft_id, snap["contact_id"], snap["kind"], snap["outcome"],
                                       snap["summary"], snap["notes"], snap["next_when"], snap["extra"],
                                       started_at=self.started_at)
        self._start_heartbeat(claim=False)

    def close(self) -> int | None:
        """No more saves; returns the row to discard, if any (no database work here: the heartbeat
        thread releases the draft)."""
        with self._lock:
            self.closed = True
            self._stop.set()
            return self.draft_id

    def close_and_discard(self) -> None:
        """Close and forget the row (from a worker thread: this writes)."""
        from planner.drafts import discard_draft

        with self._lock:
            self.closed = True
            self._stop.set()
            if self.draft_id is not None:
                discard_draft(self.draft_id)

    # ----------------------------------------------------------------- heartbeat
    def _start_heartbeat(self, *, claim: bool) -> None:
        with self._lock:
            if self._beating or self.closed:
                return
            self._beating = True
        # The thread holds only a weak reference: a keeper dropped without close() ends it too.
        threading.Thread(target=_keep_alive, args=(weakref.ref(self), self._stop, self._every, claim),
                         name="draft-heartbeat", daemon=True).start()

    def _beat(self, *, claim: bool = False) -> bool:
        """One heartbeat (in the heartbeat thread); False once there is nothing left to beat for.
        No lock held while writing: close() on the event loop never waits for a beat, and a beat
        that loses the race finds the row discarded or is followed by the release."""
        from planner.db import db
        from planner.drafts import touch_draft

        draft_id = self.draft_id
        if self.closed or draft_id is None or db.database != self._database:
            return False
        with db.connection_context():
            return touch_draft(draft_id, claim=claim)

    def _release(self) -> None:
        from planner.db import db
        from planner.drafts import release_draft

        draft_id = self.draft_id
        if draft_id is not None and db.database == self._database:
            with db.connection_context():
                release_draft(draft_id)


def _keep_alive(ref: weakref.ref, stop: threading.Event, every: float, claim: bool) -> None:
    """The heartbeat thread: beat every `every` seconds until the keeper closes (then release the
    draft), is garbage-collected, or loses the draft. A failed beat (database busy) is retried."""
    if claim and not _safely(ref, lambda keeper: keeper._beat(claim=True)):
        return
    while not stop.wait(every):
        if not _safely(ref, lambda keeper: keeper._beat()):
            return
    _safely(ref, lambda keeper: keeper._release())


def _safely(ref: weakref.ref, step) -> bool:
    keeper = ref()
    if keeper is None:
        return False
    try:
        return step(keeper) is not False
    except Exception:
        return not keeper._stop.is_set()  # a locked database: try again next beat
