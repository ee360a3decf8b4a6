"""A note another SSH login is still typing is not offered at start; once that login lets go of it
(keeps it for later, or its process ends), the next start offers it. The other login is a real
second process running the quick-log's DraftKeeper on the same database file."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from second_process import holding_a_draft, wait_until

from planner.services import drafts
from screens.dialogs.draft_offer import DraftOffer
from screens.quick_log import QuickLogScreen

# The quick-log's draft keeper in another process: saves one note, beats every 0.1 s, and on
# "close" does what "keep as draft" does (the keeper closes while the session goes on).
OTHER_SESSION = """
import datetime as dt, sys
from planner.store.connect import open_database
from screens.draft_keeper import DraftKeeper
open_database(sys.argv[1])
keeper = DraftKeeper(None, dt.datetime.now(dt.timezone.utc), heartbeat_seconds=0.1)
keeper.store({"contact_id": None, "kind": "call", "outcome": "spoke", "summary": "", "next_when": "",
              "notes": "typed in the other login", "extra": {"contact_text": "Maria"}})
print(keeper.draft_id, flush=True)
for line in sys.stdin:
    if line.strip() == "close":
        keeper.close()
"""




async def test_a_note_open_in_another_session_is_not_offered_until_it_lets_go(app_db, run_app):
    proc, draft_id = holding_a_draft(OTHER_SESSION, app_db)
    try:
        first = drafts.get_draft(draft_id)
        assert first.owner.pid == proc.pid
        # It beats while nobody types: the heartbeat moves, "last typed" does not.
        wait_until(lambda: drafts.get_draft(draft_id).owner.beat > first.owner.beat)
        assert drafts.get_draft(draft_id).updated_at == first.updated_at
        async with run_app(mode="agenda") as (app, pilot):
            assert not isinstance(app.screen, DraftOffer)
        proc.stdin.write("close\n")  # kept for later; that session carries on
        proc.stdin.flush()
        wait_until(lambda: drafts.get_draft(draft_id).owner is None)
        assert proc.poll() is None
        async with run_app(mode="agenda") as (app, pilot):
            assert isinstance(app.screen, DraftOffer)
            assert app.screen.draft.notes == "typed in the other login"
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


async def test_the_line_drops_in_the_other_session_then_its_note_is_offered(app_db, run_app):
    proc, draft_id = holding_a_draft(OTHER_SESSION, app_db)
    async with run_app(mode="agenda") as (app, pilot):
        assert not isinstance(app.screen, DraftOffer)
    proc.kill()  # no release, no exit handler: only its dead pid tells
    proc.wait(timeout=10)
    proc.stdin.close()
    async with run_app(mode="agenda") as (app, pilot):
        assert isinstance(app.screen, DraftOffer)
        assert app.screen.draft.id == draft_id


async def test_resuming_a_draft_makes_it_this_session_s(app_db, run_app, wait_for_workers):
    proc, draft_id = holding_a_draft(OTHER_SESSION, app_db)
    proc.kill()
    proc.wait(timeout=10)
    proc.stdin.close()
    async with run_app(mode="agenda") as (app, pilot):
        assert isinstance(app.screen, DraftOffer)
        await pilot.press("r")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, QuickLogScreen)
        # Claimed before the first keystroke: a third login starting now would not offer it.
        wait_until(lambda: drafts.get_draft(draft_id).owner.pid == os.getpid())


# Another login resuming a draft: the quick-log's keeper opened on it (it claims the note) and
# beating every 0.1 s until its stdin closes.
RESUMING_SESSION = """
import datetime as dt, sys
from planner.store.connect import open_database
from screens.draft_keeper import DraftKeeper
open_database(sys.argv[1])
keeper = DraftKeeper(int(sys.argv[2]), dt.datetime.now(dt.timezone.utc), heartbeat_seconds=0.1)
sys.stdin.read()
"""


@pytest.mark.parametrize("key", ["r", "d"])
async def test_an_offer_taken_up_by_another_session_meanwhile_is_refused(app_db, run_app, wait_for_workers, key):
    """The start-up offer may sit on screen for minutes: Resume and Discard check the owner again
    when pressed, and leave a note another login resumed meanwhile to that login."""
    proc, draft_id = holding_a_draft(OTHER_SESSION, app_db)
    proc.kill()  # the line dropped: its note is offered
    proc.wait(timeout=10)
    proc.stdin.close()
    async with run_app(mode="agenda") as (app, pilot):
        assert isinstance(app.screen, DraftOffer)
        other = subprocess.Popen([sys.executable, "-c", RESUMING_SESSION, str(app_db), str(draft_id)],
                                 stdin=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: drafts.get_draft(draft_id).owner.pid == other.pid)
            await pilot.press(key)
            await wait_for_workers(app, pilot)
            assert not isinstance(app.screen, (QuickLogScreen, DraftOffer))
            assert any("now open in another session" in str(n.message) for n in app._notifications)
            still = drafts.get_draft(draft_id)  # not deleted, not taken from the other login
            assert (still.owner.pid, still.notes) == (other.pid, "typed in the other login")
        finally:
            other.stdin.close()
            other.wait(timeout=10)


async def _offer_within(app, pilot, seconds: float):
    """Pause the pilot until a draft offer is on top; the seconds it took (fails past `seconds`)."""
    start = time.monotonic()
    while not isinstance(app.screen, DraftOffer):
        assert time.monotonic() - start < seconds, "the freed note was not offered"
        await pilot.pause(0.1)
    return time.monotonic() - start


async def test_a_note_whose_session_ends_after_this_start_is_offered_within_seconds(app_db, run_app,
                                                                                   wait_for_workers):
    """Logging in again a second after the line dropped: the old process is still exiting, so its
    note is not offered at start. It is offered as soon as that process is gone, in this session."""
    from screens.app import DRAFT_WATCH_SECONDS
    from screens.dialogs.draft_offer import FREED_KEYS_AFTER

    proc, draft_id = holding_a_draft(OTHER_SESSION, app_db)
    try:
        async with run_app(mode="contacts") as (app, pilot):
            await pilot.pause(DRAFT_WATCH_SECONDS + 0.5)  # a check or two while the owner lives
            assert not isinstance(app.screen, DraftOffer)
            proc.kill()
            proc.wait(timeout=10)
            took = await _offer_within(app, pilot, 3 * DRAFT_WATCH_SECONDS + 2)
            print(f"freed note offered {took:.2f} s after its session ended")
            assert app.screen.draft.id == draft_id and app.screen.freed
            # Keys typed for the screen underneath as the offer came up do not answer it.
            await pilot.press("d")
            await wait_for_workers(app, pilot)
            assert isinstance(app.screen, DraftOffer)
            assert drafts.get_draft(draft_id).notes == "typed in the other login"
            await pilot.pause(FREED_KEYS_AFTER)
            await pilot.press("r")
            await wait_for_workers(app, pilot)
            assert isinstance(app.screen, QuickLogScreen)
            assert app.screen.query_one("#ql-notes").text == "typed in the other login"
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


async def test_a_freed_note_waits_for_the_quick_log_to_close_and_later_is_not_asked_again(app_db, run_app,
                                                                                          wait_for_workers):
    from screens.app import DRAFT_WATCH_SECONDS
    from screens.dialogs.draft_offer import FREED_KEYS_AFTER

    proc, draft_id = holding_a_draft(OTHER_SESSION, app_db)
    try:
        async with run_app(mode="contacts") as (app, pilot):
            await pilot.press("l")  # the quick-log on the highlighted contact, typing a note
            assert isinstance(app.screen, QuickLogScreen)
            await pilot.press(*"hello")
            proc.kill()
            proc.wait(timeout=10)
            await pilot.pause(2 * DRAFT_WATCH_SECONDS + 1)
            assert isinstance(app.screen, QuickLogScreen)  # never popped over what is being typed
            assert app.screen.query_one("#ql-notes").text == "hello"
            await pilot.press("ctrl+s")  # logged: the quick-log closes
            await wait_for_workers(app, pilot)
            await _offer_within(app, pilot, 2 * DRAFT_WATCH_SECONDS + 2)
            assert app.screen.draft.id == draft_id
            await pilot.pause(FREED_KEYS_AFTER)
            await pilot.press("l")  # later
            assert not isinstance(app.screen, DraftOffer)
            await pilot.pause(2 * DRAFT_WATCH_SECONDS + 0.5)
            assert not isinstance(app.screen, DraftOffer)
        assert drafts.get_draft(draft_id).notes == "typed in the other login"  # offered at the next start
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


async def test_a_note_kept_for_later_by_a_session_still_running_is_left_to_the_next_start(app_db, run_app):
    from screens.app import DRAFT_WATCH_SECONDS

    proc, draft_id = holding_a_draft(OTHER_SESSION, app_db)
    try:
        async with run_app(mode="agenda") as (app, pilot):
            proc.stdin.write("close\n")
            proc.stdin.flush()
            wait_until(lambda: drafts.get_draft(draft_id).owner is None)
            await pilot.pause(2 * DRAFT_WATCH_SECONDS + 0.5)
            assert not isinstance(app.screen, DraftOffer)
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
