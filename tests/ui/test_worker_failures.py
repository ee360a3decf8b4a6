"""A worker that fails (a locked or damaged database, another session's delete) never takes the app
down: its screen says so in one kind of notification, worded the same everywhere, and the app
goes on working."""

from __future__ import annotations

from planner.store.database import db
from screens.contact_detail import ContactDetailScreen


def _notes(app) -> list[tuple[str, str]]:
    return [(str(note.message), note.severity) for note in app._notifications]


async def test_a_failed_read_is_one_error_notification_and_the_app_goes_on(run_app, wait_for_workers):
    async with run_app(mode="ledger") as (app, pilot):
        db.execute_sql("ALTER TABLE favor RENAME TO favor_elsewhere")
        await pilot.press("o")  # the thanks-owed filter reads the ledger again, which now fails
        await wait_for_workers(app, pilot)
        assert app.is_running
        failures = [(m, s) for m, s in _notes(app) if m.startswith("Could not read the ledger: ")]
        # not one of ours: named by its class, then its own message
        assert failures == [("Could not read the ledger: OperationalError: no such table: favor", "error")]
        db.execute_sql("ALTER TABLE favor_elsewhere RENAME TO favor")
        await pilot.press("2")  # another screen still reads and shows its data
        await wait_for_workers(app, pilot)
        assert len(app.screen.entries) == 4


async def test_a_contact_deleted_elsewhere_is_said_in_place_of_its_details(app_db, run_app, wait_for_workers):
    from planner.services.contacts import list_contacts
    from planner.store.models import Contact

    jonas = next(view.id for view in list_contacts() if view.name == "Jonas Nguyen")
    async with run_app(mode="contacts") as (app, pilot):
        app.push_screen(ContactDetailScreen(jonas))
        await wait_for_workers(app, pilot)
        Contact.delete().where(Contact.id == jonas).execute()
        app.screen.load()
        await wait_for_workers(app, pilot)
        summary = str(app.screen.query_one("#detail-summary").render())
        # one of ours (NotFound): its own words, after what failed
        assert summary.startswith("Could not load the contact: ") and "OperationalError" not in summary
        assert not any(m.startswith("Could not load the contact") for m, _ in _notes(app))
