"""One line saying when each configured CardDAV/CalDAV collection last synced, and, while ctrl+r
runs a sync, how far it has got. Hidden when no collection is configured (`followup config
dav.contacts URL`): most people never sync, and 24 rows have none to spare.

The app runs the sync (screens/app.py) and hands each step to every `SyncStatus` it shows; the
line reads the collections' times again, in a thread worker, when it is shown (after the app's
first rows are drawn) and after a sync.
"""

from __future__ import annotations

import datetime as dt

from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from planner.core import dates
from screens.messages import after_first_frame
from screens.text import safe_markup, user_text
from screens.workers import thread_worker


class SyncStatusRead(Message):
    """The configured collections and when each last synced (planner/sync/configured.py)."""

    def __init__(self, statuses: list) -> None:
        super().__init__()
        self.statuses = statuses


def synced_words(when: dt.datetime | None, today: dt.date) -> str:
    if when is None:
        return "never synced"
    if when.date() == today:
        return f"synced {when:%H:%M}"
    return f"synced {when:%d %b %H:%M}"


def status_line(statuses: list, today: dt.date) -> Content:
    parts = " · ".join(f"{status.kind} {synced_words(status.last_synced_at, today)}" for status in statuses)
    return safe_markup("[b]Sync[/b] (ctrl+r) · $parts", parts=parts)


class SyncStatus(Static):
    """The sync line: collection times, or the running sync's latest step."""

    def __init__(self, **kwargs) -> None:
        super().__init__(user_text(""), **kwargs)
        self.display = False
        self._syncing = False
        self._sync_writes = 0

    def on_mount(self) -> None:
        after_first_frame(self, self.reload)

    def reload(self) -> None:
        self._read()

    # Optional: the agenda works without it, and a failing read would say so on every reload.
    @thread_worker(group="sync-status", failure=None)
    def _read(self) -> None:
        from planner.store import settings

        if not (settings.get("dav.contacts") or settings.get("dav.calendar")):
            # Nothing configured (most people): the sync modules (HTTP, iCalendar) are not loaded
            # at start-up for a line that stays hidden.
            self.post_message(SyncStatusRead([]))
            return
        from planner.sync.configured import collection_status

        self.post_message(SyncStatusRead(collection_status()))

    def on_sync_status_read(self, message: SyncStatusRead) -> None:
        message.stop()
        if self._syncing:
            return  # a sync is running: its steps show until it ends and the line is read again
        self.display = bool(message.statuses)
        self.update(status_line(message.statuses, dates.today()))

    def sync_started(self) -> None:
        self._syncing, self._sync_writes = True, 0
        self.display = True
        self.update(safe_markup("[b]Syncing[/b]…"))

    def sync_step(self, step: str, name: str) -> None:
        """`step` is the collection's kind alone as it starts, else its kind and the write."""
        self._syncing = True
        kind, _, what = step.partition(" ")
        if not what:
            self.update(safe_markup("[b]Syncing[/b] $kind… reading the server", kind=kind))
            return
        self._sync_writes += 1
        self.update(safe_markup("[b]Syncing[/b] $kind… $what $name ($count)", kind=kind, what=what,
                                name=name, count=str(self._sync_writes)))

    def sync_ended(self) -> None:
        self._syncing = False
        self.reload()
