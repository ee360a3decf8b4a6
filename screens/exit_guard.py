"""Leaving for sure: after a hang-up or a quit the process ends within a second, note kept.

Textual cannot be trusted to end the process once its terminal is gone. When the SSH line drops
(or the tmux pane is killed) the terminal is hung up: every read returns EOF at once and every
write fails. Textual's input thread then spins on `read()` returning nothing, and its output
thread dies on the first failed write, after which the event loop blocks for good on the output
queue (30 writes later), in a frame or in the shutdown itself. Both were seen keeping a process,
and the database it has open, alive for 18 minutes. The event loop cannot save itself, so a
daemon thread watches instead:

- it sees the hang-up itself: SIGHUP or SIGTERM (the handler only leaves a note for the thread,
  so it works while the event loop is blocked), or the terminal reported hung up by `poll()`
  (no signal comes when the terminal was not our controlling one);
- it asks the event loop to flush every open quick-log note and exit; if the loop does not start
  on that within FLUSH_START_SECONDS it is stuck, and the thread flushes the notes itself (the
  widgets are only read, and the draft keeper serialises the write);
- once the notes are written (committed with synchronous=FULL: durable), it ends the process
  with `os._exit` HANG_UP_GRACE_SECONDS later (there is no terminal left to restore). Nothing is
  lost that way: what is committed stays, a transaction still open is rolled back by SQLite
  exactly as after a kill, and the next start recovers the WAL.

A quit arms the same last step after its own flush, with QUIT_GRACE_SECONDS: the terminal is
still there and Textual restores it first (raw mode off, the normal screen back). Once `App.run`
has returned (`returned()`), only the interpreter's teardown is left, which can still wait for a
long load in a thread worker: TEARDOWN_SECONDS later the process ends either way.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable

FLUSH_START_SECONDS = 0.3  # the event loop answers in milliseconds unless it is stuck
FLUSH_MAX_SECONDS = 12.0  # a flush that started may wait for another session's write (busy timeout 10 s)
HANG_UP_GRACE_SECONDS = 0.1  # for a normal exit to finish first; past this it is stuck in Textual
QUIT_GRACE_SECONDS = 0.8  # Textual restores the terminal in about 0.1 s; past this it is stuck
TEARDOWN_SECONDS = 0.1  # after App.run returned: nothing of ours is left to do
WATCH_SECONDS = 0.1  # how often the thread looks at the terminal and the signal note
EXIT_CHECKPOINT_WAIT_SECONDS = 0.2  # a checkpoint of an edit's pages takes milliseconds
HUNG_UP = select.POLLHUP | select.POLLERR | select.POLLNVAL


class ExitGuard:
    """Started once by the app (not under tests' headless driver: it would end the test run).

    `flush` writes every open note (the app's `_flush_drafts`), `request_exit(code)` runs on the
    event loop: flush and exit, then call `flushed()`. Both are called from the guard thread too."""

    def __init__(self, loop, flush: Callable[[], None], request_exit: Callable[[int], None],
                 terminal_fd: int | None) -> None:
        self._loop = loop
        self._flush = flush
        self._request_exit = request_exit
        self._fd = terminal_fd
        # Plain attributes, set from signal handlers and the event loop, read by the guard thread:
        # no lock a signal handler could deadlock on.
        self._signalled: int | None = None
        self._leaving: int | None = None  # the exit code once a quit or hang-up flushed its notes
        self._flush_started = threading.Event()
        self._flush_done = threading.Event()
        self._leave = threading.Event()  # set from the event loop only, never from a signal handler
        self._returned = threading.Event()

    def start(self) -> None:
        for signum, code in ((signal.SIGHUP, 129), (signal.SIGTERM, 143)):
            with contextlib.suppress(ValueError, OSError):  # not the main thread, or not POSIX
                signal.signal(signum, self._on_signal(code))
        threading.Thread(target=self._watch, name="followup-exit-guard", daemon=True).start()

    def _on_signal(self, code: int):
        def handler(signum, frame) -> None:
            if self._signalled is None:
                self._signalled = code
        return handler

    # ----------------------------------------------------------------- event loop side
    def flush_starting(self) -> None:
        self._flush_started.set()

    def flushed(self, code: int) -> None:
        """The notes are written and the app is exiting: the process ends within a grace period."""
        self._flush_done.set()
        if self._leaving is None:
            self._leaving = code
        self._leave.set()

    def returned(self, code: int) -> None:
        """`App.run` has returned (the terminal is restored): whatever made it end, the process
        ends TEARDOWN_SECONDS from now at the latest."""
        if self._leaving is None:
            self._leaving = code
        self._returned.set()
        self._leave.set()

    # ----------------------------------------------------------------- guard thread
    def _terminal_hung_up(self) -> bool:
        if self._fd is None:
            return False
        poller = select.poll()
        poller.register(self._fd, HUNG_UP)
        try:
            return any(mask & HUNG_UP for _, mask in poller.poll(0))
        except OSError:
            return True

    def _watch(self) -> None:
        while True:
            self._leave.wait(WATCH_SECONDS)
            if self._leaving is not None:
                return self._end(self._leaving, QUIT_GRACE_SECONDS)
            code = self._signalled
            if code is None and self._terminal_hung_up():
                code = 129  # as SIGHUP: the line dropped
            if code is not None:
                return self._hang_up(code)

    def _hang_up(self, code: int) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: the app is already on its way out
            self._loop.call_soon_threadsafe(self._request_exit, code)
        if not self._flush_started.wait(FLUSH_START_SECONDS):
            self._flush_started.set()  # the loop is stuck; a late start there finds the notes written
            with contextlib.suppress(Exception):  # else the last debounced save (well under a second old)
                self._flush()
            self._flush_done.set()
        self._flush_done.wait(FLUSH_MAX_SECONDS)
        self._end(code if self._leaving is None else self._leaving, HANG_UP_GRACE_SECONDS)

    def _end(self, code: int, grace: float) -> None:
        if self._returned.wait(grace):
            time.sleep(TEARDOWN_SECONDS)
            for stream in (sys.stdout, sys.stderr):  # the terminal is back: what was printed goes out
                with contextlib.suppress(Exception):
                    stream.flush()
        with contextlib.suppress(Exception):
            from planner.store.database import close_database

            # this thread's connection, if it flushed; the others end with the process, so a
            # checkpoint still running is waited for briefly (the log left is read at the next open)
            close_database(checkpoint_wait=EXIT_CHECKPOINT_WAIT_SECONDS)
        os._exit(code)
