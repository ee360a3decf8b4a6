"""WAL checkpoints out of the writers' way (SQLite).

In WAL mode a commit appends its pages to the `-wal` file; a checkpoint copies them into the
database file and syncs it. SQLite runs one itself inside the commit that takes the log past
1,000 pages, so one edit in about a hundred waited for it: at 100,000 contacts, 100-150 ms of an
edit's wall time against 30 ms of work (with `synchronous=FULL` the copy is synced to the disk).

So in the app (a process that makes one edit after another and lives on), after each commit a
thread checkpoints the log on a connection of its own, in PASSIVE mode: it copies what no reader
still needs and never waits for a reader or a writer. The log is then started over by the next
write, and stays far below the point where a commit would checkpoint it itself. SQLite's own
checkpoint stays on as the bound it always was: a large transaction (an import) still checkpoints
as it commits, and if this thread falls behind, or a checkpoint fails, nothing changes but who
pays for the copy. A checkpoint cut short (the process ends) is one SQLite finishes later; it
loses nothing. A command does without it: it makes one edit and ends, and its last connection
folds the log into the file as it closes; a thread would only add a second copy before that one
(20 ms more for `followup log`).

The thread opens the file for each checkpoint (`mode=rw`: it never creates one) and closes it
after, so it holds nothing open between commits; `settle` waits for it, and closing the database
and the end of the process wait for it first: the last connection to close folds the log into
the file and removes it, and that must be the session's own (a command leaves no `-wal` behind;
a new database is linked to its name with its schema in it).
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote


class _Checkpointer:
    """One thread that checkpoints the file last asked for; requests made while it works are
    folded into one more checkpoint after it."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._pending: Path | None = None
        self._busy = False
        self._thread: threading.Thread | None = None

    def request(self, path: Path) -> None:
        with self._changed:
            if self._thread is None:  # started at the first commit: a read-only session never needs it
                thread = threading.Thread(target=self._run, name="followup-checkpoints", daemon=True)
                try:
                    thread.start()
                except RuntimeError:  # no thread to be had: the commits keep checkpointing themselves
                    return
                self._thread = thread
                # and waited for as the process ends: its connection open then would keep the
                # process's own, closing last, from folding the log into the file and removing it
                atexit.register(self.settle)
            self._pending = path
            self._changed.notify_all()

    def settle(self, timeout: float | None = None) -> bool:
        """Wait until no checkpoint is asked for or running; False if `timeout` ran out first."""
        with self._changed:
            return self._changed.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending is not None)
                path, self._pending, self._busy = self._pending, None, True
            try:
                _checkpoint(path)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()


def _checkpoint(path: Path | None) -> None:
    if path is None:
        return
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=0,
                               isolation_level=None)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            conn.close()
    except Exception:  # any failure: the thread must outlive it, or closing would wait for it forever
        pass  # the file went, or is busy: the writers' own checkpoint still bounds the log


_checkpointer = _Checkpointer()
_outside_commits = False


def checkpoint_outside_commits() -> None:
    """From now on, checkpoint after each commit on the thread (the app calls this once)."""
    global _outside_commits
    _outside_commits = True


def after_commit(path: Path) -> None:
    """Ask for the log of the file at `path` to be checkpointed, outside the commit just made (once
    `checkpoint_outside_commits` was called; else SQLite checkpoints as it always does)."""
    if _outside_commits:
        _checkpointer.request(Path(os.path.abspath(path)))  # the file meant now, whatever the folder later


def settle(timeout: float | None = None) -> bool:
    """Wait for the checkpoint asked for, if any, to end; False if `timeout` ran out first."""
    return _checkpointer.settle(timeout)
