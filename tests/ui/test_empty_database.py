"""An empty database says what to do next on each main screen: `n` adds a contact, `i` imports a
file, `followup demo` opens a sample; `n` and `i` work from every one of them, and the hint goes
once someone is in."""

from __future__ import annotations

import pytest
from factories import FIXED_TODAY
from ui_steps import settle, until

from planner.core import dates
from planner.services.contacts import ContactFields, add_contact
from planner.store.connect import open_database

MODES = ["agenda", "contacts", "ledger", "plan"]


@pytest.fixture
def empty_db(new_db):
    open_database(new_db("empty"))
    dates.set_today(FIXED_TODAY)


def _text(app) -> str:
    return " ".join("\n".join(strip.text for strip in app.screen._compositor.render_strips()).split())


@pytest.mark.parametrize("mode", MODES)
async def test_an_empty_database_says_what_to_do(empty_db, mode):
    from screens.app import FollowupApp

    app = FollowupApp(mode=mode)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        text = _text(app)
        for words in ("No contacts yet.", "Press n to add one", "i to import", "followup demo"):
            assert words in text, (mode, words)
        add_contact(ContactFields(name="Ada Lovelace"))  # from another session
        await until(pilot, lambda: "No contacts yet." not in _text(app))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("key", ["n", "i"])
async def test_n_and_i_work_from_every_main_screen(empty_db, mode, key):
    from screens.app import FollowupApp
    from screens.dialogs.contact_form import ContactForm
    from screens.dialogs.import_file import ImportDialog

    app = FollowupApp(mode=mode)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        await settle(app, pilot)
        assert app.current_mode == "contacts"
        assert isinstance(app.screen, ContactForm if key == "n" else ImportDialog)


async def test_a_seeded_database_shows_no_hint(run_app):
    async with run_app(mode="agenda", size=(80, 24)) as (app, pilot):
        assert "No contacts yet." not in _text(app)
