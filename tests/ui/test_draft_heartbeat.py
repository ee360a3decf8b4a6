"""An open quick-log keeps its note marked as open for as long as it is on screen, even after a beat
is lost, and never writes over a note another login has taken over. The heartbeat is scaled from
20 s to 0.1 s (planner.services.drafts.HEARTBEAT_SECONDS); the other logins are real second processes."""

from __future__ import annotations

import pytest
from second_process import start
from ui_steps import quick_log_for_maria, until

from planner.services import drafts
from planner.store.models import Draft
from screens.quick_log import QuickLogScreen

BEAT = 0.1

# A login that sees this one as silent (OWNER_FRESH scaled to nothing) and acts on the note:
# "discard" as from its start-up offer, "resume" and keep it open (beating) until stdin closes,
# "offer" prints what its start-up offer would show, with OWNER_FRESH scaled from 90 s to 1 s.
OTHER_LOGIN = """
import datetime as dt, sys
from planner.store.connect import open_database
from planner.services import drafts
from screens.draft_keeper import DraftKeeper
open_database(sys.argv[1])
what = sys.argv[2]
if what == "offer":
    drafts.OWNER_FRESH = dt.timedelta(seconds=1)
    draft = drafts.latest_draft()
    print(None if draft is None else draft.notes, flush=True)
    sys.exit()
drafts.OWNER_FRESH = dt.timedelta(0)
if what == "discard":
    drafts.discard_draft(int(sys.argv[3]))
    print("done", flush=True)
else:
    keeper = DraftKeeper(int(sys.argv[3]), dt.datetime.now(dt.timezone.utc), heartbeat_seconds=0.1)
    print("resumed", flush=True)
    for line in sys.stdin:
        keeper.store({"contact_id": None, "kind": "call", "outcome": "spoke", "summary": "", "next_when": "",
                      "notes": line.strip(), "extra": {}})
        print("saved", flush=True)
"""




@pytest.fixture(autouse=True)
def _fast_heartbeat(monkeypatch):
    monkeypatch.setattr(drafts, "HEARTBEAT_SECONDS", BEAT)


async def _typing_for_maria(app, pilot, words: str) -> QuickLogScreen:
    screen = await quick_log_for_maria(app, pilot)
    await pilot.press(*words)
    await until(pilot, lambda: screen.keeper.draft_id is not None)
    return screen


async def test_after_a_lost_beat_the_next_save_keeps_the_note_marked_open(app_db, run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        screen = await _typing_for_maria(app, pilot, "budget ok")
        # A login that took this one for silent discards the note: this session's beat finds it gone.
        other = start(OTHER_LOGIN, str(app_db), "discard", str(screen.keeper.draft_id))
        assert other.communicate(timeout=20)[0].strip() == "done"
        assert Draft.select().count() == 0
        await pilot.pause(5 * BEAT)
        await pilot.press(*" signed")  # the save writes the note again
        await until(pilot, lambda: Draft.select().count() == 1)
        await wait_for_workers(app, pilot)
        draft_id = screen.keeper.draft_id
        assert drafts.get_draft(draft_id).notes == "budget ok signed"
        first = drafts.get_draft(draft_id).owner.beat
        # Thinking, not typing: the beat goes on, so a login starting now is not offered the note.
        await until(pilot, lambda: drafts.get_draft(draft_id).owner.beat > first, seconds=2)
        await pilot.pause(1.5)
        third = start(OTHER_LOGIN, str(app_db), "offer")
        assert third.communicate(timeout=20)[0].strip() == "None"
        assert isinstance(app.screen, QuickLogScreen)


async def test_a_note_another_login_took_over_is_not_written_over(app_db, run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        screen = await _typing_for_maria(app, pilot, "my words")
        taken_id = screen.keeper.draft_id
        other = start(OTHER_LOGIN, str(app_db), "resume", str(taken_id))
        try:
            assert other.stdout.readline().strip() == "resumed"
            # This session is told, and keeps its own text as a separate draft.
            await until(pilot, lambda: any("now open in another session" in str(n.message)
                                            for n in app._notifications), seconds=5)
            await pilot.press(*" and more")
            await until(pilot, lambda: screen.keeper.draft_id not in (None, taken_id))
            await wait_for_workers(app, pilot)
            await pilot.pause(0.5)
            await wait_for_workers(app, pilot)
            mine = drafts.get_draft(screen.keeper.draft_id)
            assert mine.notes == "my words and more"
            other.stdin.write("their words\n")
            other.stdin.flush()
            assert other.stdout.readline().strip() == "saved"
            await pilot.pause(5 * BEAT)
            theirs = drafts.get_draft(taken_id)
            assert (theirs.notes, theirs.owner.pid) == ("their words", other.pid)
            assert drafts.get_draft(screen.keeper.draft_id).notes == "my words and more"
        finally:
            other.stdin.close()
            other.wait(timeout=10)
