"""The Contacts screen while its contacts are still loading (seconds on a very large database):
the status line says so, sort keys typed meanwhile are applied to the loaded rows, keys on one
contact never act on a row that is not the loaded one, and an older load never lands over a newer
one. The database is large enough (20,000 contacts) that a load is still running when the keys
arrive; each test checks that it was."""

from __future__ import annotations

import asyncio
import random
import time

import pytest
from textual import events
from ui_steps import settle
from ui_text import screen_text

from planner.core.textsafe import fold
from planner.io.demo import COMPANIES, FIRST, LAST
from planner.store.connect import open_database
from planner.store.database import write_tx
from planner.store.models import Contact
from screens.dialogs.contact_form import ContactForm
from screens.widgets.contact_table import ContactTable

LARGE = 20_000


@pytest.fixture
def large_db(tmp_path):
    """Many contacts, inserted in bulk (through the services this would take minutes)."""
    path = tmp_path / "large" / "followup.db"
    open_database(path)
    rng = random.Random(5)
    with write_tx():
        for start in range(0, LARGE, 500):
            rows = []
            for n in range(start, start + 500):
                name, company = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}", rng.choice(COMPANIES)
                rows.append({"name": name, "company": company, "kind": "candidate", "cadence_days": 60,
                             "search_text": fold(f"{name}\n{company}")})
            Contact.insert_many(rows).execute()
    return path


def _loading(app) -> bool:
    return any(w.group == "contacts-load" and w.is_running for w in app.workers)


def _first_load_running(app) -> bool:
    """Everyone is not in yet (the first page of names may be on screen already)."""
    return not app.screen.entries and _loading(app)


async def _key_while_loading(app, key: str, done, loading=_loading) -> None:
    """Press `key` the way the terminal driver delivers it and wait until `done()` shows it was
    handled; the load must still be running then. (The pilot's `press` waits for the whole process
    to go idle, which includes the load's thread: the key would only be checked after the load.)"""
    assert loading(app), "the load was over before the key: not a test"
    event = events.Key(key, key)
    event.set_sender(app)
    app._driver.send_message(event)
    deadline = time.monotonic() + 10
    while not done():
        assert time.monotonic() < deadline, f"{key!r} was not handled"
        await asyncio.sleep(0.01)
    assert loading(app), "the load was over before the key was handled: not a test"


def _rows(app):
    return app.screen.query_one("#contacts-table", ContactTable).rows


async def test_sort_keys_typed_while_loading_apply_to_the_loaded_rows(large_db):
    from screens.app import FollowupApp

    app = FollowupApp(mode="contacts")
    async with app.run_test(size=(100, 32)) as pilot:
        await _key_while_loading(app, "s", lambda: app.screen.sort_key == "company", _first_load_running)
        status = str(app.screen.query_one("#contacts-status").render())
        await settle(app, pilot)
        companies = [row.cells["company"] for row in _rows(app)]
        assert len(companies) == LARGE
        assert companies == sorted(companies, key=lambda company: (company == "", fold(company)))  # blanks last
        assert "Loading contacts" in status and "sorted by Company" in status  # said while it loaded
        assert "sorted by Company, ascending" in screen_text(app)


async def test_an_older_load_never_lands_over_a_newer_one(large_db):
    """`a` (archived contacts) pressed while the active ones load: the list shows the archived
    ones (none), not the active ones whose load finished later."""
    from screens.app import FollowupApp

    app = FollowupApp(mode="contacts")
    async with app.run_test(size=(100, 32)) as pilot:
        await _key_while_loading(app, "a", lambda: app.screen.show_archived, _first_load_running)
        await settle(app, pilot)
        assert app.screen.show_archived
        assert len(_rows(app)) == 0
        assert "0 of 0 archived contacts" in screen_text(app)


async def test_keys_on_one_contact_do_nothing_while_a_reload_runs_and_say_why(large_db):
    from screens.app import FollowupApp

    app = FollowupApp(mode="contacts")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        assert len(_rows(app)) == LARGE
        app.screen.load()  # what a write anywhere (DataChanged) starts
        await _key_while_loading(app, "e", lambda: any("Still loading contacts" in str(n.message)
                                                       for n in app._notifications))
        assert not isinstance(app.screen, ContactForm)
        await settle(app, pilot)
        await pilot.press("e")  # once the rows are in, the key works
        assert isinstance(app.screen, ContactForm)
