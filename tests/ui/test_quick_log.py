"""Quick-log: open from the contacts table or ctrl+l, type a note, ctrl+s; kind/outcome keys;
optional follow-up, favour and thanks; errors shown inline with nothing lost; escape asks first."""

from __future__ import annotations

from factories import favours, logged, stored_calls

from planner.services import drafts
from planner.store.models import Draft
from screens.dialogs.confirm_discard import ConfirmDiscard
from screens.quick_log import QuickLogScreen
from screens.widgets.contact_table import ContactTable


async def _highlight(app, pilot, words: str) -> None:
    await pilot.press("slash", *words, "enter")
    assert isinstance(app.screen.focused, ContactTable)


async def _open_for(app, pilot, words: str) -> QuickLogScreen:
    await _highlight(app, pilot, words)
    await pilot.press("l")
    await pilot.pause()
    assert isinstance(app.screen, QuickLogScreen)
    return app.screen


async def test_log_from_contacts_table_with_a_note(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        screen = await _open_for(app, pilot, "hooli")
        await wait_for_workers(app, pilot)
        assert "Maria Schmidt" in str(screen.query_one("#ql-title").render())
        assert screen.focused.id == "ql-notes"
        await pilot.press(*"Wants 2 devs", "enter", *"budget Q1")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, QuickLogScreen)
        (row,) = logged()
        assert row.contact_name == "Maria Schmidt"
        assert (row.kind, row.outcome) == ("call", "spoke")
        assert row.notes == "Wants 2 devs\nbudget Q1"
        assert row.summary == "Wants 2 devs"
        assert row.duration_min == 1
        assert Draft.select().count() == 0
        # the table shows the new last contact once the DataChanged reload lands
        maria = next(r for r in app.screen.query_one(ContactTable).rows if r.cells["name"] == "Maria Schmidt")
        assert maria.cells["last"] == "today"


async def test_kind_and_outcome_keys(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        screen = await _open_for(app, pilot, "jonas")
        await pilot.press("ctrl+o", "ctrl+o")  # spoke -> no-answer -> left-message
        await pilot.press("ctrl+t")  # call -> email
        assert (screen.kind, screen.outcome) == ("email", "left-message")
        screen.query_one("#ql-thanked").focus()  # not a text field: single keys work
        await pilot.press("c", "n")
        assert (screen.kind, screen.outcome) == ("call", "no-answer")
        screen.query_one("#ql-notes").focus()
        await pilot.press("n")  # in the notes it is just a letter
        assert screen.outcome == "no-answer"
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        (row,) = logged()
        assert (row.kind, row.outcome, row.notes) == ("call", "no-answer", "n")
        assert [call.reason for call in stored_calls()].count("retry") == 1


async def test_contact_field_with_completion_when_nothing_highlighted(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        app.push_screen(QuickLogScreen())
        await wait_for_workers(app, pilot)
        screen = app.screen
        assert screen.focused.id == "ql-contact"
        await pilot.press(*"zo")
        await wait_for_workers(app, pilot)
        assert "Zoë Ångström (Globex)" in str(screen.query_one("#ql-matches").render())
        await pilot.press("right")  # accept the suggestion (accents folded: "zo" offers "Zoë")
        assert screen.query_one("#ql-contact").value == "Zoë Ångström"
        await pilot.press("tab", *"thanks")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        (row,) = logged()
        assert row.contact_name == "Zoë Ångström"
        assert row.notes == "thanks"


async def test_bad_input_is_shown_inline_and_nothing_is_lost(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        app.push_screen(QuickLogScreen())
        await wait_for_workers(app, pilot)
        screen = app.screen
        await pilot.press(*"Nobody", "tab", *"keep me")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert app.screen is screen
        assert "no contact matches" in str(screen.query_one("#ql-error").render())
        assert screen.query_one("#ql-notes").text == "keep me"
        screen.query_one("#ql-contact").value = "Maria"
        screen.query_one("#ql-next").value = "someday maybe"
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert "next follow-up" in str(screen.query_one("#ql-error").render())
        assert logged() == []
        screen.query_one("#ql-next").value = "in 2 weeks"
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert len(logged()) == 1
        (pin,) = [call for call in stored_calls() if call.reason == "follow-up"]
        assert pin.date.isoformat() == "2026-12-09" and pin.pinned


async def test_favour_and_thanks_from_the_quick_log(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        screen = await _open_for(app, pilot, "globex")
        screen.query_one("#ql-favor").value = "received"
        screen.query_one("#ql-favor-kind").value = "introduction"
        screen.query_one("#ql-favor-note").value = "intro to the CTO"
        await pilot.press(*"intro")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        (favor,) = favours()
        assert (favor.direction, favor.kind, favor.note) == ("received", "introduction", "intro to the CTO")
        assert favor.contact_name == "Zoë Ångström"
        # next call: thank her
        screen = await _open_for(app, pilot, "")
        screen.query_one("#ql-thanked").value = True
        await pilot.press(*"thx")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        (favor,) = favours()
        assert favor.thanked_at is not None
        assert [entry.thanked for entry in logged()].count(True) == 1


async def test_a_refused_favour_logs_nothing_and_keeps_the_form(run_app, wait_for_workers):
    """The favour write fails (here the database refuses the row): no half-written log, a clear
    message, everything still on screen; once the cause is gone both are stored together."""
    from planner.store.database import db

    async with run_app(mode="contacts") as (app, pilot):
        screen = await _open_for(app, pilot, "globex")
        screen.query_one("#ql-favor").value = "received"
        screen.query_one("#ql-favor-kind").value = "introduction"
        screen.query_one("#ql-thanked").value = True
        await pilot.press(*"intro")
        db.execute_sql("CREATE TRIGGER refuse BEFORE INSERT ON favor BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert app.screen is screen
        error = str(screen.query_one("#ql-error").render())
        assert "Not logged (call and favour)" in error and "disk says no" in error
        assert logged() == [] and favours() == []
        assert screen.query_one("#ql-notes").text == "intro"
        db.execute_sql("DROP TRIGGER refuse")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, QuickLogScreen)
        (row,), (favor,) = logged(), favours()
        assert (row.notes, row.thanked, favor.kind) == ("intro", True, "introduction")
        assert favor.thanked_at == row.happened_at  # thanked in the call that brought it
        assert [call for call in stored_calls() if call.reason == "thank-you"] == []
        assert Draft.select().count() == 0


async def test_escape_asks_before_discarding(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        screen = await _open_for(app, pilot, "jonas")
        await pilot.press("escape")  # nothing typed: closes at once
        assert not isinstance(app.screen, QuickLogScreen)
        screen = await _open_for(app, pilot, "")
        await pilot.press(*"half")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("n")  # back to typing, text intact
        assert app.screen is screen
        assert screen.query_one("#ql-notes").text == "half"
        await pilot.press("escape")
        await pilot.press("d")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, (QuickLogScreen, ConfirmDiscard))
        assert logged() == []
        assert Draft.select().count() == 0


async def test_ctrl_l_uses_the_highlighted_contact_and_digits_do_not_switch_under_it(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        await _highlight(app, pilot, "initech")
        await pilot.press("ctrl+l")
        await wait_for_workers(app, pilot)
        screen = app.screen
        assert isinstance(screen, QuickLogScreen)
        assert "Jonas Nguyen" in str(screen.query_one("#ql-title").render())
        screen.query_one("#ql-thanked").focus()
        await pilot.press("2", "3")
        assert app.current_mode == "contacts" and app.screen is screen


async def test_completed_hostile_name_logs_to_the_right_contact(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        app.push_screen(QuickLogScreen())
        await wait_for_workers(app, pilot)
        screen = app.screen
        await pilot.press(*"[bold]m")
        await wait_for_workers(app, pilot)
        await pilot.press("right")  # the suggestion is the cleaned display form of the name
        assert screen.query_one("#ql-contact").value == "[bold]Mallory[/] ␛[2J"
        await pilot.press("tab", *"checked", "ctrl+s")
        await wait_for_workers(app, pilot)
        (row,) = logged()
        assert row.contact_name == "[bold]Mallory[/] \x1b[2J"


async def test_escape_then_keep_leaves_a_draft_for_later(run_app, wait_for_workers):
    async with run_app(mode="contacts") as (app, pilot):
        await _open_for(app, pilot, "jonas")
        await pilot.press(*"re offer", "escape", "k")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, (QuickLogScreen, ConfirmDiscard))
        (draft,) = drafts.list_drafts()
        assert (draft.notes, draft.contact_name) == ("re offer", "Jonas Nguyen")
        assert logged() == []


async def test_contact_deleted_elsewhere_keeps_the_note(run_app, wait_for_workers):
    """Another session deletes the contact mid-call: the save fails readably, nothing is lost."""
    from planner.store.models import Contact

    async with run_app(mode="contacts") as (app, pilot):
        screen = await _open_for(app, pilot, "jonas")
        await pilot.press(*"notes")
        Contact.delete().where(Contact.name == "Jonas Nguyen").execute()
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert app.screen is screen
        assert "Not logged" in str(screen.query_one("#ql-error").render())
        assert screen.query_one("#ql-notes").text == "notes"
        assert logged() == []
        (draft,) = drafts.list_drafts()
        assert draft.notes == "notes"  # kept as a draft, without the contact


async def test_a_call_logged_while_another_session_writes_completes_its_worker(app_db, run_app, wait_for_workers):
    """The log waits for another session's write; whoever waits for it sees it complete, not
    cancelled by the quick-log closing itself from inside the worker."""
    import asyncio
    import sqlite3

    from textual.worker import WorkerState

    async with run_app(mode="contacts") as (app, pilot):
        await _open_for(app, pilot, "hooli")
        await wait_for_workers(app, pilot)
        await pilot.press(*"signed")
        other = sqlite3.connect(app_db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another session holds the write lock for a moment
        try:
            await pilot.press("ctrl+s")
            await pilot.pause(0.3)
            (saving,) = [w for w in app.workers if w.group == "quick-log-save"]
            assert saving.is_running
            waiting = asyncio.ensure_future(saving.wait())
            await pilot.pause(0.1)
        finally:
            other.execute("COMMIT")
            other.close()
        await asyncio.wait_for(waiting, 15)  # raised WorkerCancelled when the screen closed itself
        assert saving.state is WorkerState.SUCCESS
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, QuickLogScreen)
        assert [row.notes for row in logged()] == ["signed"]
        assert Draft.select().count() == 0


async def test_the_private_toggle_logs_a_private_note_at_80x24(run_app, wait_for_workers):
    from planner.store.models import Interaction, PrivateNote

    async with run_app(mode="contacts", size=(80, 24)) as (app, pilot):
        screen = await _open_for(app, pilot, "hooli")
        await wait_for_workers(app, pilot)
        toggle = screen.query_one("#ql-private")
        assert toggle.region.bottom <= 24 and toggle.region.right <= 80  # in view at 80x24
        await pilot.press(*"Counter-offer 95k")
        screen.query_one("#ql-private").focus()
        await pilot.press("space")  # ticked from the keyboard
        assert toggle.value is True
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, QuickLogScreen)
        (row,) = logged()
        assert (row.private, row.summary, row.notes) == (True, "Counter-offer 95k", "Counter-offer 95k")
        stored = Interaction.get_by_id(row.id)
        assert (stored.summary, stored.notes, stored.private) == ("", "", True)  # the text is in the note
        assert PrivateNote.get_by_id(row.id).notes == "Counter-offer 95k"
