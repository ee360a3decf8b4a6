"""The keys of the terminal tools people know, on every list of the app at 80x24: j/k and the
arrows, g/G and home/end, `/` to filter, `?` for help, `q` to leave or quit; and the user's own
keymap (`followup config keymap`) over any of them."""

from __future__ import annotations

import datetime as dt

import pytest
from ui_steps import settle

from planner.services.blocks import add_block
from planner.services.contacts import list_contacts
from planner.services.ledger import add_favor
from planner.services.schedule import pin
from planner.store import settings

SMALL = (80, 24)
MOVES = [("G", "last"), ("k", -1), ("g", 0), ("j", 1), ("down", 2), ("up", 1), ("end", "last"), ("home", 0)]


def _ids() -> dict[str, int]:
    return {c.name.split()[0]: c.id for c in list_contacts()}


@pytest.fixture
def busy_db(app_db):
    """Three calls on three days, favours with three people, three blocks."""
    ids = _ids()
    for name, day in (("Jonas", 25), ("Maria", 26), ("Zoë", 27)):
        pin(ids[name], dt.date(2026, 11, day))
    add_favor(ids["Maria"], "gave", "referral", day=dt.date(2026, 11, 2))
    add_favor(ids["Zoë"], "received", "introduction", day=dt.date(2026, 11, 16))
    add_favor(ids["Jonas"], "received", "advice", day=dt.date(2026, 11, 20))
    for start, end in ((dt.date(2026, 12, 21), dt.date(2026, 12, 24)), (dt.date(2027, 1, 4), dt.date(2027, 1, 5)),
                       (dt.date(2027, 2, 1), dt.date(2027, 2, 2))):
        add_block(start, end, "away")
    return ids


def _agenda_place(app) -> int:
    screen = app.screen
    items = [row.item for row in screen.rows if row.item is not None]
    return items.index(screen.current_item())


def _agenda_count(app) -> int:
    return sum(1 for row in app.screen.rows if row.item is not None)


def _contacts_place(app) -> int:
    return app.screen.table.cursor


def _table_place(selector):
    def place(app) -> int:
        return app.screen.query_one(selector).cursor_row
    return place


def _table_count(selector):
    def count(app) -> int:
        return app.screen.query_one(selector).row_count
    return count


LISTS = {
    "agenda": ([], _agenda_place, _agenda_count),
    "contacts": ([], _contacts_place, lambda app: len(app.screen.table.rows)),
    "ledger": ([], _table_place("#ledger-table"), _table_count("#ledger-table")),
    "plan": (["tab"], _table_place("#plan-blocks"), _table_count("#plan-blocks")),
}


@pytest.mark.parametrize("mode", list(LISTS))
async def test_list_keys_move_the_cursor(busy_db, run_app, mode):
    focus_keys, place, count = LISTS[mode]
    async with run_app(mode=mode, size=SMALL) as (app, pilot):
        for key in focus_keys:
            await pilot.press(key)
        await pilot.press("home")
        await settle(app, pilot)
        last = count(app) - 1
        assert last >= 2
        assert place(app) == 0
        for key, where in MOVES:
            before = place(app)
            await pilot.press(key)
            await settle(app, pilot)
            expected = last if where == "last" else before - 1 if where == -1 else where
            assert place(app) == expected, f"{key} on {mode}"


@pytest.mark.parametrize("mode", list(LISTS))
async def test_question_mark_helps_and_q_quits_from_each_main_screen(busy_db, run_app, mode):
    from screens.dialogs.help import HelpScreen

    async with run_app(mode=mode, size=SMALL) as (app, pilot):
        assert app.return_code is None
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await settle(app, pilot)
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app._exit and app.return_code == 0  # quit, as ctrl+q does


async def test_q_leaves_a_contact_and_is_a_letter_in_the_filter(busy_db, run_app):
    from textual.widgets import Input

    from screens.contact_detail import ContactDetailScreen
    from screens.contacts import ContactsScreen

    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await pilot.press("slash", "q")
        await settle(app, pilot)
        assert app.screen.query_one("#contacts-filter", Input).value == "q"
        await pilot.press("ctrl+a", "ctrl+k", "enter", "enter")  # clear, back to the table, open
        await settle(app, pilot)
        assert isinstance(app.screen, ContactDetailScreen)
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.screen, ContactsScreen) and app.is_running


async def test_the_users_keymap_replaces_our_keys(busy_db, run_app):
    from screens.quick_log import QuickLogScreen

    settings.set_value("keymap", "agenda.log=L,list.down=n,ctrl+n")
    assert settings.get("keymap") == "agenda.log=L,list.down=n,ctrl+n"
    async with run_app(size=SMALL) as (app, pilot):
        await pilot.press("home")
        await pilot.press("l")  # no longer bound
        await settle(app, pilot)
        assert not isinstance(app.screen, QuickLogScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert _agenda_place(app) == 1
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert _agenda_place(app) == 2
        await pilot.press("L")
        await settle(app, pilot)
        assert isinstance(app.screen, QuickLogScreen)


def test_a_keymap_setting_is_checked_when_set(app_db):
    from planner.core.errors import BadInput

    for bad, words in (("L", "no key id"), ("Agenda Log=L", "not a key id"), ("agenda.log=", "one word")):
        with pytest.raises(BadInput, match=words):
            settings.set_value("keymap", bad)
    assert settings.set_value("keymap", "none") == ""


@pytest.mark.parametrize("mode", ["agenda", "contacts", "ledger"])
async def test_slash_filters_the_list_as_you_type(busy_db, run_app, mode):
    names = {
        "agenda": lambda app: {row.item.name for row in app.screen.rows if row.item is not None},
        "contacts": lambda app: {row.cells["name"] for row in app.screen.table.rows},
        "ledger": lambda app: {row.name for row in app.screen.rows},
    }[mode]
    async with run_app(mode=mode, size=SMALL) as (app, pilot):
        assert len(names(app)) >= 3
        await pilot.press("slash", *"zoe")
        await settle(app, pilot)
        assert names(app) == {"Zoë Ångström"}
        await pilot.press("enter")  # back to the list, the filter kept
        await settle(app, pilot)
        assert names(app) == {"Zoë Ångström"}
        await pilot.press("j", "k", "slash", "escape")  # escape in the box clears it
        await settle(app, pilot)
        if mode != "contacts":  # the contacts box keeps its text on escape; escape in the table clears it
            assert len(names(app)) >= 3
        else:
            await pilot.press("escape")
            await settle(app, pilot)
            assert len(names(app)) >= 3
