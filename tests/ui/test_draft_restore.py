"""Nothing typed is lost: drafts saved while typing, flushed on hang-up, offered back on start."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest
from factories import everyone, logged
from ui_steps import quick_log_for_maria

from planner.services import drafts
from planner.store.connect import open_database
from planner.store.database import close_database
from planner.store.models import Draft
from screens.dialogs.draft_offer import DraftOffer
from screens.quick_log import QuickLogScreen


async def test_draft_is_saved_while_typing(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        await quick_log_for_maria(app, pilot)
        await pilot.press(*"budget ok")
        await pilot.pause(0.5)  # past the debounce
        await wait_for_workers(app, pilot)
        draft = drafts.latest_draft()
        assert draft is not None
        assert draft.notes == "budget ok"
        assert draft.contact_name == "Maria Schmidt"
        await pilot.press(*" signed")
        await pilot.pause(0.5)
        await wait_for_workers(app, pilot)
        assert Draft.select().count() == 1
        assert drafts.latest_draft().notes == "budget ok signed"


async def test_hang_up_flushes_what_was_just_typed(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        screen = await quick_log_for_maria(app, pilot)
        await pilot.press(*"just typed")
        screen.query_one("#ql-next").value = "friday"
        app.hang_up()  # what SIGHUP runs: no debounce wait
        draft = drafts.latest_draft()
        assert draft is not None
        assert (draft.notes, draft.next_when, draft.contact_name) == ("just typed", "friday", "Maria Schmidt")
    assert app.return_code == 129


async def test_next_start_offers_the_draft_back_and_logs_it(run_app, app_db, wait_for_workers):
    (maria,) = [person.id for person in everyone() if person.name == "Maria Schmidt"]
    started = dt.datetime(2026, 11, 25, 9, 15, tzinfo=dt.UTC)
    drafts.save_draft(None, maria, "call", "left-message", "", "unfinished words", "", {"thanked": False},
                      started_at=started)
    async with run_app(mode="contacts") as (app, pilot):
        assert isinstance(app.screen, DraftOffer)
        offer_text = str(app.screen.query_one("#draft-offer-who").render())
        assert "Maria Schmidt" in offer_text
        assert started.astimezone().strftime("%H:%M") in offer_text
        await pilot.press("r")
        await wait_for_workers(app, pilot)
        screen = app.screen
        assert isinstance(screen, QuickLogScreen)
        assert screen.query_one("#ql-notes").text == "unfinished words"
        assert screen.outcome == "left-message"
        assert screen.started_at == started
        await pilot.press(*" more")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        (row,) = logged()
        assert row.notes == "unfinished words more"
        assert row.outcome == "left-message"
        assert Draft.select().count() == 0


async def test_later_keeps_the_draft_and_discard_drops_it(run_app, wait_for_workers):
    drafts.save_draft(None, None, "call", "spoke", "", "keep for later", "", {"contact_text": "Jon"})
    async with run_app(mode="contacts") as (app, pilot):
        assert isinstance(app.screen, DraftOffer)
        await pilot.press("l")
        assert not isinstance(app.screen, DraftOffer)
    assert drafts.latest_draft().notes == "keep for later"
    async with run_app(mode="contacts") as (app, pilot):
        assert isinstance(app.screen, DraftOffer)
        await pilot.press("d")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, DraftOffer)
    assert drafts.latest_draft() is None


def _drain(fd: int, seconds: float, until: bytes | None = None) -> bytes:
    """Read what the app draws for up to `seconds` (until `until` shows up, if given): a pty
    nobody reads fills up and blocks the app."""
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (until is None or until not in seen):
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


@pytest.mark.parametrize("signum, code", [(signal.SIGHUP, 129), (signal.SIGTERM, 143)])
def test_real_hang_up_under_a_pty_keeps_the_note(app_db, tmp_path, signum, code):
    """The whole path: a real terminal, the app typing into quick-log, SIGHUP (the SSH line
    dropped) or SIGTERM (the terminal closed), then a fresh start."""
    close_database()
    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", NO_COLOR="1")  # as over a plain SSH session
    proc = subprocess.Popen(
        [sys.executable, "-m", "screens", "--db", str(app_db), "--today", "2026-11-25"],
        stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env, start_new_session=True,
    )
    os.close(child_fd)
    try:
        assert b"Agenda" in _drain(main_fd, 20.0, until=b"Agenda")
        for keys, shows in ((b"2", b"Next call"), (b"/", None), (b"hooli", b"1 of 4"), (b"\r", None),
                            (b"l", "⏱".encode())):
            os.write(main_fd, keys)
            assert shows is None or shows in _drain(main_fd, 20.0, until=shows)
            _drain(main_fd, 0.2)  # let focus changes land, as between a person's keystrokes
        os.write(main_fd, b"words typed just before the line dropped")
        _drain(main_fd, 0.05)  # well inside the debounce: only the SIGHUP flush can save this
        proc.send_signal(signum)
        deadline = time.monotonic() + 15
        while proc.poll() is None and time.monotonic() < deadline:
            _drain(main_fd, 0.1)
        assert proc.poll() == code
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main_fd)
    open_database(app_db)
    draft = drafts.latest_draft()
    assert draft is not None
    assert draft.notes == "words typed just before the line dropped"
    assert draft.contact_name == "Maria Schmidt"


async def test_quitting_with_an_open_quick_log_keeps_the_note(run_app):
    async with run_app(mode="contacts") as (app, pilot):
        await quick_log_for_maria(app, pilot)
        await pilot.press(*"quit mid-call", "ctrl+q")  # no debounce wait
    draft = drafts.latest_draft()
    assert draft is not None and draft.notes == "quit mid-call"
