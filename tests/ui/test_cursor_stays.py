"""The cursor stays put after every action on the agenda and the contacts table: on the same row,
or on the next one when the row left the list. Real pilot, real SQLite file, 80x24."""

from __future__ import annotations

import datetime as dt

import pytest
from ui_steps import settle

from planner.services.contacts import ContactFields, add_contact, list_contacts
from planner.services.schedule import pin

SMALL = (80, 24)


@pytest.fixture
def day_db(app_db):
    """Six calls today, so rows that leave today leave a next one behind."""
    for n in range(3):
        add_contact(ContactFields(name=f"Extra {n}", company="Acme", cadence_days=30))
    for contact in list_contacts():
        pin(contact.id, dt.date(2026, 11, 25))
    return app_db


def _items(app):
    return [row.item for row in app.screen.rows if row.item is not None]


async def _to_row(app, pilot, index: int):
    await pilot.press("home", *["j"] * index)
    await settle(app, pilot)
    assert _items(app).index(app.screen.current_item()) == index
    return app.screen.current_item()


async def test_agenda_cursor_after_snooze_skip_and_thanks(day_db, run_app):
    from planner.services.ledger import add_favor

    async with run_app(size=SMALL) as (app, pilot):
        # snooze: the row leaves today; the cursor is on the row that followed it
        item = await _to_row(app, pilot, 2)
        following = _items(app)[3]
        await pilot.press("s", *"next week", "enter")
        await settle(app, pilot)
        assert app.screen.current_item().contact_id == following.contact_id
        # skip: the same
        item = await _to_row(app, pilot, 1)
        following = _items(app)[2]
        await pilot.press("x")
        await settle(app, pilot)
        assert app.screen.current_item().contact_id == following.contact_id
        # a favour from elsewhere and thanks here: the row stays, and so does the cursor
        item = await _to_row(app, pilot, 2)
        add_favor(item.contact_id, "received", "advice", day=dt.date(2026, 11, 24))
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.screen.current_item().contact_id == item.contact_id
        await pilot.press("t")
        await settle(app, pilot)
        assert app.screen.current_item().contact_id == item.contact_id
        # the last row leaving: the cursor goes to the new last row
        await pilot.press("end")
        await settle(app, pilot)
        before = _items(app)
        await pilot.press("x")
        await settle(app, pilot)
        now = _items(app)
        assert app.screen.current_item() is now[-1] and len(now) == len(before) - 1


async def test_agenda_cursor_after_logging_a_call(day_db, run_app):
    async with run_app(size=SMALL) as (app, pilot):
        await _to_row(app, pilot, 1)
        following = _items(app)[2]
        await pilot.press("l")
        await settle(app, pilot)
        await pilot.press(*"talked", "ctrl+s")
        await settle(app, pilot)
        assert app.screen.current_item().contact_id == following.contact_id


async def test_contacts_cursor_after_edit_favour_log_and_archive(day_db, run_app):
    from screens.widgets.contact_table import ContactTable

    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        table = app.screen.query_one("#contacts-table", ContactTable)

        def names():
            return [row.cells["name"] for row in table.rows]

        await pilot.press("home", "j", "j")
        await settle(app, pilot)
        here = table.cursor_key
        # edit (without changing the sort position)
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("tab", *" x", "ctrl+s")  # the company, not the name
        await settle(app, pilot)
        assert table.cursor_key == here
        # favour
        await pilot.press("f", "g", "ctrl+s")
        await settle(app, pilot)
        assert table.cursor_key == here
        # log
        await pilot.press("l")
        await settle(app, pilot)
        await pilot.press(*"hello", "ctrl+s")
        await settle(app, pilot)
        assert table.cursor_key == here
        # archive: the row leaves, the cursor is on the row that followed it
        following = table.rows[table.cursor + 1].key
        await pilot.press("d")
        await settle(app, pilot)
        assert here not in [row.key for row in table.rows]
        assert table.cursor_key == following
        # undo brings it back; sort and reverse keep the contact highlighted
        await pilot.press("u")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert table.cursor_key == following
        await pilot.press("r")
        await settle(app, pilot)
        assert table.cursor_key == following
        assert names()


async def test_snoozing_a_sequence_step_moves_that_step_not_the_next_call(app_db, run_app, wait_for_workers):
    from planner.services.sequences import runs_for, start_sequence
    from planner.store.models import PlannedCall

    def other_calls(contact: int) -> list[tuple[dt.date, str]]:
        rows = PlannedCall.select().where(PlannedCall.contact == contact, PlannedCall.reason != "sequence")
        return sorted((row.date, row.reason) for row in rows)

    maria = next(c.id for c in list_contacts() if c.name == "Maria Schmidt")
    start_sequence(maria, "interview", dt.date(2026, 11, 25))  # a debrief today, a follow-up on Friday
    async with run_app(size=SMALL) as (app, pilot):
        step_rows = [n for n, item in enumerate(_items(app)) if item.step_id is not None]
        assert step_rows, "the interview debrief is on today's agenda"
        item = await _to_row(app, pilot, step_rows[0])
        await pilot.press("s", *"2026-12-02", "enter")
        await wait_for_workers(app, pilot)
        assert any("Moved Maria Schmidt's Interview on the day to Wed 02 Dec" in str(n.message)
                   for n in app._notifications)
    steps = {step.id: step for step in runs_for(maria)[0].steps}
    assert steps[item.step_id].day == dt.date(2026, 12, 2) and steps[item.step_id].state == "planned"
    assert [s.day for s in steps.values() if s.id != item.step_id] == [dt.date(2026, 11, 27)]
    # no call was pinned in the step's place (the planner may re-fit the unpinned check-ins around
    # the step's new day, as it keeps them clear of every step)
    assert not [row for row in PlannedCall.select().where(PlannedCall.contact == maria, PlannedCall.pinned == True)
                if row.reason != "sequence"]
    assert all(day != dt.date(2026, 12, 2) for day, _reason in other_calls(maria))
