"""The list keys on the lists test_list_keys.py does not reach: a contact's history, the ledger's
favours of one person, the plan's chart (g/G home/end: first and last day) and the help list."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable
from ui_steps import settle

from planner.services.contacts import list_contacts
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.ledger import add_favor

SMALL = (80, 24)
MOVES = [("G", "last"), ("k", -1), ("g", 0), ("j", 1), ("down", 2), ("up", 1), ("end", "last"), ("home", 0)]


@pytest.fixture
def maria(app_db) -> int:
    maria_id = next(c.id for c in list_contacts() if c.name.startswith("Maria"))
    for day in (1, 5, 9, 13):
        log_interaction(LogRequest(contact_id=maria_id, summary=f"call {day}",
                                   at=dt.datetime(2026, 10, day, 9, tzinfo=dt.UTC)))
        add_favor(maria_id, "gave", "referral", note=f"favour {day}", day=dt.date(2026, 10, day))
    return maria_id


async def _walk(app, pilot, place, last: int) -> None:
    assert last >= 2
    await pilot.press("home")
    await settle(app, pilot)
    assert place() == 0
    for key, where in MOVES:
        before = place()
        await pilot.press(key)
        await settle(app, pilot)
        expected = last if where == "last" else before - 1 if where == -1 else where
        assert place() == expected, key


async def test_a_contacts_history_moves_with_the_list_keys(maria, run_app):
    from screens.contact_detail import ContactDetailScreen

    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        app.push_screen(ContactDetailScreen(maria))
        await settle(app, pilot)
        await pilot.press("tab")
        table = app.screen.query_one("#detail-history", DataTable)
        assert app.focused is table
        await _walk(app, pilot, lambda: table.cursor_row, table.row_count - 1)


async def test_the_ledgers_favours_of_one_person_move_with_the_list_keys(maria, run_app):
    async with run_app(mode="ledger", size=SMALL) as (app, pilot):
        await pilot.press("tab")
        await settle(app, pilot)
        table = app.screen.query_one("#ledger-entries", DataTable)
        assert app.focused is table and table.row_count == 4
        await _walk(app, pilot, lambda: table.cursor_row, table.row_count - 1)


async def test_the_plan_chart_goes_to_its_first_and_last_day(app_db, run_app):
    from screens.widgets.load_chart import LoadChart

    async with run_app(mode="plan", size=SMALL) as (app, pilot):
        chart = app.screen.query_one(LoadChart)
        assert app.focused is chart and len(chart.days) > 7
        for key, where in (("G", len(chart.days) - 1), ("g", 0), ("end", len(chart.days) - 1), ("home", 0),
                           ("right", 1), ("left", 0)):
            await pilot.press(key)
            await settle(app, pilot)
            assert chart.cursor == where, key


@pytest.mark.parametrize("mode", ["agenda", "contacts", "plan"])
async def test_the_help_list_moves_with_the_list_keys(app_db, run_app, mode):
    from textual.widgets import OptionList

    async with run_app(mode=mode, size=SMALL) as (app, pilot):
        await pilot.press("question_mark")
        await settle(app, pilot)
        keys = app.screen.query_one(OptionList)
        await _walk(app, pilot, lambda: keys.highlighted, keys.option_count - 1)
