"""`u` and ctrl+z undo this session's actions from any screen, newest first, and every screen
shows the database as it was; the notice after an action says how to undo it."""

from __future__ import annotations

from factories import all_tables, everyone, logged

from screens.dialogs.help import HelpScreen
from screens.quick_log import QuickLogScreen
from screens.widgets.contact_table import ContactTable


def _notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _names(app) -> list[str]:
    return [row.cells["name"] for row in app.screen.query_one(ContactTable).rows]


async def test_u_then_ctrl_z_undo_a_log_and_an_archive_newest_first(run_app, wait_for_workers):
    async with run_app(mode="contacts", size=(80, 24)) as (app, pilot):
        start = all_tables()
        await pilot.press("slash", *"jonas", "enter", "d")  # archive Jonas
        await wait_for_workers(app, pilot)
        archived = all_tables()
        assert archived != start
        await pilot.press("escape", "slash", *"hooli", "enter", "l")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, QuickLogScreen)
        await pilot.press(*"Wants 2 devs", "ctrl+s")
        await wait_for_workers(app, pilot)
        assert [row.contact_name for row in logged()] == ["Maria Schmidt"]
        assert "Logged call with Maria Schmidt · u to undo" in _notes(app)
        await pilot.press("escape")  # out of the filter, onto the table
        await pilot.press("u")
        await wait_for_workers(app, pilot)
        assert logged() == []
        assert all_tables() == archived  # the plan too, row by row
        assert "Undone: Logged call with Maria Schmidt" in _notes(app)
        await pilot.press("ctrl+z")
        await wait_for_workers(app, pilot)
        assert all_tables() == start
        assert "Jonas Nguyen" in _names(app)  # the screen read it again
        assert "Undone: Archived Jonas Nguyen" in _notes(app)


async def test_u_works_on_every_screen_and_not_under_a_dialog(run_app, wait_for_workers):
    async with run_app(mode="agenda", size=(80, 24)) as (app, pilot):
        before = len(everyone())
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("u")  # a dialog is open: nothing is undone under it
        await wait_for_workers(app, pilot)
        assert len(everyone()) == before
        await pilot.press("escape", "3", "u")  # the ledger: the newest seed contact goes
        await wait_for_workers(app, pilot)
        assert len(everyone()) == before - 1
        assert any(note.startswith("Undone: Added ") for note in _notes(app))
