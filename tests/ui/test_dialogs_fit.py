"""The dialogs the day-bugs check does not open fit 80x24 too, each with the key that finishes it
said on screen beside its buttons, and the buttons whole."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.geometry import Region
from ui_steps import settle
from ui_text import screen_text

from planner.services.contacts import list_contacts
from planner.services.interactions.log import LogRequest, log_interaction

SMALL = (80, 24)
MARIA = ("slash", *"hooli", "enter", "enter")  # contacts: Maria's details
# (first mode, keys, dialog class, the key said on screen, its button)
DIALOGS = [
    ("contacts", [*MARIA, "tab", "e"], "LogEdit", "^s save", "#le-ok"),
    ("contacts", [*MARIA, "tab", "d"], "ConfirmDelete", "y delete", "#cdel-yes"),
    ("contacts", [*MARIA, "s"], "SequenceEventDialog", "^s start", "#sequence-ok"),
    ("contacts", ["f"], "FavorDirection", "g you gave", "#favor-gave"),
    ("contacts", ["n", "A", "escape"], "ConfirmDiscard", "d discard", "#cd-discard"),
]


@pytest.mark.parametrize(("mode", "keys", "dialog", "hint", "button"), DIALOGS, ids=[d[2] for d in DIALOGS])
async def test_dialog_fits_80x24_with_its_key_on_screen(app_db, run_app, mode, keys, dialog, hint, button):
    maria = next(c.id for c in list_contacts() if c.name.startswith("Maria"))
    log_interaction(LogRequest(contact_id=maria, summary="Q1 hiring plans",
                               at=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)))
    async with run_app(mode=mode, size=SMALL) as (app, pilot):
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        assert type(app.screen).__name__ == dialog
        screen_area = Region(0, 0, *SMALL)
        assert screen_area.contains_region(app.screen.query_one(button).region), button
        assert hint in screen_text(app)
        assert screen_area.contains_region(app.screen.query(".dialog").first().region)
