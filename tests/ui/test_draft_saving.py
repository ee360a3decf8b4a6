"""The draft row always ends with what is on screen, and a logged note is never offered back: the
draft goes in the log's own transaction, and saves that queued up while another session held the
database land newest last."""

from __future__ import annotations

import sqlite3
import threading

from factories import logged
from ui_steps import quick_log_for_maria, until

from planner.services import drafts
from planner.store.database import db
from planner.store.models import Draft
from screens.quick_log import DRAFT_DELAY, QuickLogScreen


async def test_a_call_whose_draft_cannot_be_deleted_is_not_logged(run_app, wait_for_workers):
    """Deleting the draft is part of logging: if it fails (a stand-in for a database locked past
    the busy timeout), nothing is stored and the form stays; the next ctrl+s logs the call once."""
    async with run_app(mode="contacts") as (app, pilot):
        screen = await quick_log_for_maria(app, pilot)
        await pilot.press(*"Budget approved")
        await pilot.pause(DRAFT_DELAY + 0.2)
        await wait_for_workers(app, pilot)
        db.execute_sql("CREATE TRIGGER refuse BEFORE DELETE ON draft BEGIN SELECT RAISE(ABORT, 'locked'); END")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert app.screen is screen
        assert "Not logged" in str(screen.query_one("#ql-error").render())
        assert logged() == []
        assert drafts.get_draft(screen.keeper.draft_id).notes == "Budget approved"
        db.execute_sql("DROP TRIGGER refuse")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, QuickLogScreen)
        assert [row.summary for row in logged()] == ["Budget approved"]
        assert Draft.select().count() == 0


async def test_an_older_snapshot_saved_late_does_not_replace_a_newer_one(run_app, wait_for_workers):
    """Saves wait for one lock and are not handed it in order: the one that arrives last may
    hold older text. It is skipped."""
    async with run_app(mode="contacts") as (app, pilot):
        screen = await quick_log_for_maria(app, pilot)
        await pilot.press(*"first")
        older = screen.snapshot()
        await pilot.press(*" second")
        newer = screen.snapshot()
        await pilot.pause(DRAFT_DELAY + 0.2)
        await wait_for_workers(app, pilot)
        screen.keeper.store(newer)
        screen.keeper.store(older)
        assert drafts.get_draft(screen.keeper.draft_id).notes == "first second"


async def test_saves_queued_behind_another_session_s_write_end_with_the_last_text(app_db, run_app,
                                                                                 wait_for_workers):
    """Another login holds the write lock (an import and its re-plan) while the user types, then
    keeps the note as a draft: the kept draft is the text on screen, not an older save."""
    async with run_app(mode="contacts") as (app, pilot):
        await quick_log_for_maria(app, pilot)
        other = sqlite3.connect(app_db, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        for chunk in ("one ", "two ", "three ", "four ", "five"):
            await pilot.press(*chunk)
            await pilot.pause(DRAFT_DELAY + 0.15)  # past the debounce: one more save queues up
        await pilot.press("escape", "k")  # keep as draft, while the saves still wait
        threading.Timer(0.3, lambda: (other.execute("COMMIT"), other.close())).start()
        # Closing the quick-log cancels the saves still waiting (their threads run on and skip),
        # so wait for what a person would see rather than for every worker.
        await until(pilot, lambda: not isinstance(app.screen, QuickLogScreen), seconds=15.0)
        await until(pilot, lambda: drafts.latest_draft() is not None and drafts.latest_draft().owner is None,
                    seconds=15.0)
        await pilot.pause(0.5)  # any save still queued has had its turn
        assert drafts.latest_draft().notes == "one two three four five"
        assert Draft.select().count() == 1
