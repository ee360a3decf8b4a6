"""Logged calls are corrected and deleted in the app: the contact's history is a list where `e`
edits the highlighted log and `d` deletes it after asking; the plan follows, and the cursor stays
on the log (or moves to the next one when it is gone)."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Select
from ui_steps import settle

from planner.core import dates
from planner.core.vocabulary import PlanReason
from planner.services.contact_summary import contact_calls
from planner.services.contacts import get_view, list_contacts
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.interactions.records import history

SMALL = (80, 24)


@pytest.fixture
def maria(app_db) -> int:
    """Maria with three logs: a call that set a follow-up for Friday, a missed call, a note."""
    maria_id = next(c.id for c in list_contacts() if c.name.startswith("Maria"))
    log_interaction(LogRequest(contact_id=maria_id, summary="Intro call", outcome="spoke",
                               at=dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)))
    log_interaction(LogRequest(contact_id=maria_id, summary="Tried her", outcome="no-answer",
                               at=dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC)))
    log_interaction(LogRequest(contact_id=maria_id, summary="Q1 hiring plans", next_when="friday",
                               at=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)))
    return maria_id


async def _open_history(app, pilot, contact_id: int):
    from screens.contact_detail import ContactDetailScreen
    from screens.widgets.history_table import HistoryTable

    app.push_screen(ContactDetailScreen(contact_id))
    await settle(app, pilot)
    await pilot.press("tab")
    await settle(app, pilot)
    table = app.screen.query_one("#detail-history", HistoryTable)
    assert app.focused is table
    return table


def _follow_ups(contact_id: int) -> list[dt.date]:
    return [c.date for c in contact_calls(contact_id, dates.today()) if c.reason == PlanReason.FOLLOW_UP]


async def test_e_corrects_the_highlighted_log_and_the_plan_follows(maria, run_app):
    from screens.dialogs.log_edit import LogEdit

    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        table = await _open_history(app, pilot, maria)
        assert [item.summary for item in table.items] == ["Q1 hiring plans", "Tried her", "Intro call"]
        await pilot.press("j")  # the missed call
        await pilot.press("e")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, LogEdit)
        assert dialog.query_one("#le-summary", Input).value == "Tried her"
        dialog.query_one("#le-summary", Input).value = "Reached her after all"
        dialog.query_one("#le-outcome", Select).value = "spoke"
        dialog.query_one("#le-when", Input).value = "2026-11-24 16:30"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, LogEdit)
        edited = next(item for item in history(maria) if item.summary == "Reached her after all")
        assert edited.outcome == "spoke" and edited.happened_at.strftime("%Y-%m-%d %H:%M") == "2026-11-24 16:30"
        # Now the newest conversation: the last contact moved, and the cursor followed the log to the top.
        assert get_view(maria).last_contacted.date() == dt.date(2026, 11, 24)
        assert table.current().id == edited.id and table.cursor_row == 0


async def test_d_deletes_after_asking_and_the_cursor_takes_the_next_log(maria, run_app):
    from screens.dialogs.confirm_delete import ConfirmDelete

    assert _follow_ups(maria) == [dt.date(2026, 11, 27)]
    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        table = await _open_history(app, pilot, maria)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDelete)
        await pilot.press("n")  # kept
        await settle(app, pilot)
        assert len(history(maria)) == 3
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert [item.summary for item in history(maria)] == ["Tried her", "Intro call"]
        assert [item.summary for item in table.items] == ["Tried her", "Intro call"]
        assert table.cursor_row == 0 and app.focused is table
        assert _follow_ups(maria) == []  # the follow-up that log set went with it
        await pilot.press("G", "d")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert [item.summary for item in table.items] == ["Tried her"] and table.cursor_row == 0


async def test_escape_with_a_change_asks_before_throwing_it_away(maria, run_app):
    from screens.dialogs.confirm_discard import ConfirmDiscard
    from screens.dialogs.log_edit import LogEdit

    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await _open_history(app, pilot, maria)
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("escape")  # nothing changed: closes
        await settle(app, pilot)
        assert not isinstance(app.screen, LogEdit)
        await pilot.press("e", "end", *" (long)", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, LogEdit)
        assert app.screen.query_one("#le-summary", Input).value == "Q1 hiring plans (long)"
    assert history(maria)[0].summary == "Q1 hiring plans"


async def test_a_bad_time_is_said_in_place_and_nothing_is_stored(maria, run_app):
    from screens.dialogs.log_edit import LogEdit

    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await _open_history(app, pilot, maria)
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#le-when", Input).value = "2027-01-05 10:00"  # the future
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, LogEdit)
        assert "future" in str(app.screen.query_one("#le-error").render())
    assert history(maria)[0].happened_at.date() == dt.date(2026, 11, 20)

