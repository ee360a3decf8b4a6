"""The database row behind one open quick-log: saved from worker threads while typing, and once
more synchronously on SIGHUP from the event loop, so every write goes through one lock.

Once the note is logged or thrown away the keeper is closed and later saves are ignored: a
debounced save that was already waiting must not bring back a draft the user just finished.
"""

from __future__ import annotations

import datetime as dt
import threading


class DraftKeeper:
    """Owns `draft_id` (None until the first save) and the call timer start."""

    def __init__(self, draft_id: int | None, started_at: dt.datetime) -> None:
        self.draft_id = draft_id
        self.started_at = started_at
        self.closed = False
        self._lock = threading.Lock()

    def store(self, snap: dict) -> None:
        """Write the snapshot (see QuickLogScreen.snapshot) unless the keeper is closed."""
        from planner.drafts import save_draft

        with self._lock:
            if self.closed:
                return
            self.draft_id = save_draft(self.draft_id, snap["contact_id"], snap["kind"], snap["outcome"],
                                       snap["summary"], snap["notes"], snap["next_when"], snap["extra"],
                                       started_at=self.started_at)

    def close(self) -> int | None:
        """No more saves; returns the row to discard, if any (no database work here)."""
        with self._lock:
            self.closed = True
            return self.draft_id

    def close_and_discard(self) -> None:
        """Close and forget the row (from a worker thread: this writes)."""
        from planner.drafts import discard_draft

        with self._lock:
            self.closed = True
            if self.draft_id is not None:
                discard_draft(self.draft_id)
