"""The agenda's export dialog exports any week (this one by default) and starts in the folder
exported to last time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Input
from ui_steps import settle

from planner.core.errors import BadInput
from planner.services.contacts import list_contacts
from planner.services.schedule import pin
from planner.store import settings
from screens.dialogs.export_week import ExportDialog, shown_path, week_of

THIS_WEEK = (dt.date(2026, 11, 25), dt.date(2026, 11, 29))  # the agenda's range on Wed 25 Nov


@pytest.mark.parametrize(("typed", "days"), [
    ("this week", THIS_WEEK), ("", THIS_WEEK), ("friday", THIS_WEEK),
    ("next week", (dt.date(2026, 11, 30), dt.date(2026, 12, 6))),
    ("last week", (dt.date(2026, 11, 16), dt.date(2026, 11, 22))),
    ("2026-W50", (dt.date(2026, 12, 7), dt.date(2026, 12, 13))),
    ("2026-12-10", (dt.date(2026, 12, 7), dt.date(2026, 12, 13))),
    ("in 3 weeks", (dt.date(2026, 12, 14), dt.date(2026, 12, 20))),
])
def test_a_typed_week_is_its_days(app_db, typed, days):
    assert week_of(typed, THIS_WEEK) == days


@pytest.mark.parametrize("typed", ["2026-W54", "someday"])
def test_a_week_that_is_not_one_is_named(app_db, typed):
    with pytest.raises(BadInput, match="Week"):
        week_of(typed, THIS_WEEK)


async def test_any_week_exported_and_its_folder_remembered(app_db, run_app, tmp_path):
    ids = {c.name.split()[0]: c.id for c in list_contacts()}
    pin(ids["Jonas"], dt.date(2026, 12, 9))  # in W50 only
    folder = tmp_path / "exports"
    folder.mkdir()
    async with run_app(size=(80, 24)) as (app, pilot):
        await pilot.press("e")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        path = dialog.query_one("#export-path", Input)
        assert path.value == "~/followup-2026-W48.ics"  # no folder remembered yet
        dialog.query_one("#export-week", Input).value = "2026-W50"
        await settle(app, pilot)
        assert path.value == "~/followup-2026-W50.ics"  # the name follows the week
        assert "Mon 07 Dec to Sun 13 Dec 2026" in str(dialog.query_one("#export-title").render())
        path.value = str(folder)  # a folder: the default name goes inside it
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportDialog)
        written = folder / "followup-2026-W50.ics"
        assert written.exists() and "Jonas Nguyen" in written.read_text()
    assert Path(settings.get("export.folder")) == folder
    async with run_app(size=(80, 24)) as (app, pilot):
        await pilot.press("e")
        await settle(app, pilot)
        assert app.screen.query_one("#export-path", Input).value == shown_path(folder / "followup-2026-W48.ics")


async def test_a_bad_week_keeps_the_dialog_and_says_why(app_db, run_app, show_text):
    async with run_app(size=(80, 24)) as (app, pilot):
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#export-week", Input).value = "2026-W77"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportDialog)
        assert "is not a week of that year" in show_text(app)
