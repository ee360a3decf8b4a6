"""The app's sync: the agenda's sync line says when each configured collection last synced,
ctrl+r (or "Sync now" in the palette) syncs them in a worker against the real Radicale, and a sync
that fails (wrong password, no password) is one notification while the app goes on working."""

from __future__ import annotations

import re

import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from planner.core import dates
from planner.services.contacts import ContactFields, add_contact
from planner.store import settings
from planner.store.connect import open_database
from planner.store.models import Contact
from tests.sync.helpers import PASSWORD, USER
from tests.ui.ui_steps import settle, until

FIXED = dates.today()


def _line(app) -> str:
    return str(app.screen.query_one("#agenda-sync").render())


def _notes(app) -> list[tuple[str, str]]:
    return [(str(note.message), note.severity) for note in app._notifications]


@pytest.fixture
def no_keyring():
    """keyring's own fail backend, the one it falls back to on a server: whatever this machine has."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def configured(tmp_path, phone, monkeypatch, no_keyring):
    """A database file with two contacts and both collections configured on the real server."""
    monkeypatch.delenv("FOLLOWUP_DAV_PASSWORD", raising=False)
    open_database(tmp_path / "app.db")
    dates.set_today(FIXED)
    add_contact(ContactFields(name="Maria Schmidt", emails=["maria@hooli.example"], phones=["+49 30 1234567"],
                              cadence_days=30))
    add_contact(ContactFields(name="Jonas Nguyen", emails=["jonas@initech.example"], cadence_days=60))
    contacts, calendar = phone.make_addressbook(), phone.make_calendar()
    settings.set_value("dav.contacts", contacts)
    settings.set_value("dav.calendar", calendar)
    settings.set_value("dav.user", USER)
    return contacts, calendar


async def _run(pilot_body, seen: list | None = None):
    """Run the app at 80x24; `seen` collects every message it handles."""
    from screens.app import FollowupApp

    app = FollowupApp()
    async with app.run_test(size=(80, 24), message_hook=seen.append if seen is not None else None) as pilot:
        await settle(app, pilot)
        await pilot_body(app, pilot)


async def test_the_sync_line_shows_never_then_the_time_after_ctrl_r(configured, phone, monkeypatch):
    contacts, calendar = configured
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)

    async def body(app, pilot):
        line = _line(app)
        assert "contacts never synced" in line and "calendar never synced" in line
        assert app.screen.query_one("#agenda-sync").region.height == 1  # shown, one row of the 24
        await pilot.press("ctrl+r")
        await until(pilot, lambda: not any(w.group == "sync" and w.is_running for w in app.workers))
        await settle(app, pilot)
        line = _line(app)
        assert "never" not in line
        assert re.search(r"contacts synced (\d\d \w\w\w )?\d\d:\d\d · calendar synced (\d\d \w\w\w )?\d\d:\d\d",
                         line), line
        notes = _notes(app)
        assert [severity for _, severity in notes] == ["information"], notes
        text = notes[0][0]
        assert text.startswith("Synced.") and "contacts: 2 server added" in text and "calendar: 2 server added" in text
        assert app.is_running

    seen: list = []
    await _run(body, seen)
    steps = [(m.step, m.name) for m in seen if type(m).__name__ == "SyncStep"]
    assert steps[0] == ("contacts", "") and ("contacts put", "Maria Schmidt") in steps, steps
    assert ("calendar", "") in steps and any(step == "calendar put" for step, _ in steps), steps
    assert len(phone.hrefs(contacts)) == 2 and len(phone.hrefs(calendar)) == 2


async def test_a_wrong_password_is_one_error_and_the_app_goes_on(configured, phone, monkeypatch):
    contacts, _ = configured
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", "not-the-password")

    async def body(app, pilot):
        await pilot.press("ctrl+r")
        await until(pilot, lambda: _notes(app))
        await settle(app, pilot)
        notes = _notes(app)
        assert len(notes) == 1 and notes[0][1] == "error", notes
        assert notes[0][0].startswith("Sync failed: ") and "not-the-password" not in notes[0][0]
        assert "contacts never synced" in _line(app)  # the line is back, not stuck on "Syncing"
        await pilot.press("2")  # the app still answers keys
        await settle(app, pilot)
        assert app.current_mode == "contacts"
        assert "Maria Schmidt" in "\n".join(s.text for s in app.screen._compositor.render_strips())

    await _run(body)
    assert phone.hrefs(contacts) == []
    assert Contact.select().count() == 2


async def test_no_password_says_how_to_set_one_and_that_no_keyring_is_there(configured):
    async def body(app, pilot):
        await pilot.press("ctrl+r")
        await until(pilot, lambda: _notes(app))
        [(text, severity)] = _notes(app)
        assert severity == "error"
        assert "followup config dav.password_file FILE" in text and "FOLLOWUP_DAV_PASSWORD" in text
        assert "no system keyring is available" in text
        assert app.is_running

    await _run(body)


async def test_the_password_from_a_real_keyring_backend(configured, tmp_path, monkeypatch):
    """keyrings.alt's file keyring: a real backend that needs no desktop session, in a temporary folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    keyring.set_keyring(PlaintextKeyring())  # the no_keyring fixture puts the one before back
    keyring.set_password("followup", USER, PASSWORD)

    async def body(app, pilot):
        await pilot.press("ctrl+r")
        await until(pilot, lambda: _notes(app))
        await settle(app, pilot)
        [(text, severity)] = _notes(app)
        assert severity == "information" and text.startswith("Synced."), text
        assert "contacts synced" in _line(app)

    await _run(body)


async def test_the_palette_lists_the_sync(configured):
    async def body(app, pilot):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sync")
        await until(pilot, lambda: "Sync now" in "\n".join(
            s.text for s in app.screen._compositor.render_strips()))
        await pilot.press("enter")
        await until(pilot, lambda: _notes(app))  # chosen, it runs: here it has no password
        assert "no password for alice" in _notes(app)[0][0]

    await _run(body)
