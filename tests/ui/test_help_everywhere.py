"""`?` on every screen lists each key with its whole description at 80 columns: the screen's own
keys, the app's, the focused list's; never a bare "this screen"."""

from __future__ import annotations

import re

import pytest
from ui_steps import settle
from ui_text import screen_text

SMALL = (80, 24)
_BOX = re.compile(r"[\u2500-\u259f]")


def _flat(text: str) -> str:
    return " ".join(_BOX.sub(" ", text).split())


async def _open(app, pilot, where: str) -> None:
    from screens.contact_detail import ContactDetailScreen
    from screens.report import ReportScreen

    if where.startswith("detail"):
        app.push_screen(ContactDetailScreen(app.screen.highlighted_contact_id()))
        await settle(app, pilot)
        if where == "detail-history":
            await pilot.press("tab")
    elif where == "report":
        app.push_screen(ReportScreen())
    await settle(app, pilot)


WHERE = {"agenda": "agenda", "contacts": "contacts", "ledger": "ledger", "plan": "plan",
         "detail": "contacts", "detail-history": "contacts", "report": "agenda"}


@pytest.mark.parametrize("where", list(WHERE))
async def test_help_shows_every_key_whole_on_every_screen(app_db, run_app, where):
    from textual.widgets import OptionList

    from screens.dialogs.help import HelpScreen

    async with run_app(mode=WHERE[where], size=SMALL) as (app, pilot):
        await _open(app, pilot, where)
        under = app.screen
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        entries = app.screen.entries
        keys = app.screen.query_one(OptionList)
        assert len(entries) == keys.option_count > 10
        for key, action, what in entries:
            assert action and what, key
            assert "this screen" not in what.lower() and what.strip().lower() not in {"everywhere", "palette"}, key
            assert action[0].isupper(), (key, action)  # our words, or Textual's said our way
        shown = []
        for n in range(keys.option_count):
            keys.highlighted = n
            await pilot.pause()
            shown.append(_flat(screen_text(app)))
        rendered = "\n".join(shown)
        for key, action, what in entries:
            assert _flat(action) in rendered and _flat(what) in rendered, (key, what)
        await pilot.press("q")
        await settle(app, pilot)
        assert app.screen is under
    if where == "detail-history":
        assert ("e", "Edit log") in {(key, action) for key, action, _ in entries}
