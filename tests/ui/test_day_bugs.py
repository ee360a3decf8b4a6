"""Pilot tests of the bugs met in a day's work in the app (issue 11), at 80x24 on a real SQLite
file: each failed before its fix."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
from textual import events
from textual.widgets import DataTable
from ui_steps import settle
from ui_text import screen_text

from planner.services.contacts import list_contacts
from planner.services.interactions.log import LogRequest, log_interaction
from screens.text import plain
from screens.widgets.contact_table import ContactTable

SMALL = (80, 24)


def _ids() -> dict[str, int]:
    return {c.name.split()[0]: c.id for c in list_contacts()}


def _notes(app) -> list[str]:
    return [str(note.message) for note in app._notifications]


# ----------------------------------------------------------------- 2: sorting contacts
async def test_every_sort_is_reachable_and_last_contact_sorts_never_called_first(app_db, run_app):
    ids = _ids()
    log_interaction(LogRequest(contact_id=ids["Maria"], summary="hiring",
                               at=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)))
    log_interaction(LogRequest(contact_id=ids["Jonas"], summary="roles",
                               at=dt.datetime(2026, 9, 2, 15, tzinfo=dt.UTC)))
    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        table = app.screen.query_one("#contacts-table", ContactTable)
        seen = []
        for _ in range(6):
            await pilot.press("s")
            await pilot.pause()
            seen.append(app.screen.sort_key)
            if app.screen.sort_key == "last":
                names = [row.cells["name"] for row in table.rows]
                # never called first (ascending: oldest contact first), then September, then November
                assert names[-2:] == ["Jonas Nguyen", "Maria Schmidt"]
                assert "sorted by Last contact" in screen_text(app)
        assert seen == ["company", "tags", "cadence", "last", "next", "balance"]
        assert app.is_running


# ----------------------------------------------------------------- 3: keys over section headers
def _burst(app, keys: list[str]) -> None:
    """Keys arriving in one read from the terminal (a held key, a fast typist): all queued before
    the app handles the first, as the driver does; `pilot.press` waits after each one."""
    for key in keys:
        event = events.Key(key, None)
        event.set_sender(app)
        app._driver.send_message(event)


async def test_a_burst_of_down_keys_crosses_section_headers_without_losing_any(app_db, run_app):
    from planner.services.schedule import pin

    ids = _ids()
    pin(ids["Jonas"], dt.date(2026, 11, 25))  # today
    pin(ids["Maria"], dt.date(2026, 11, 26))  # Thursday
    pin(ids["Zoë"], dt.date(2026, 11, 27))  # Friday
    async with run_app(size=SMALL) as (app, pilot):
        screen = app.screen
        items = [row.item for row in screen.rows if row.item is not None]
        headers = [row for row in screen.rows if row.item is None]
        assert len(headers) >= 3
        await pilot.press("home")
        _burst(app, ["down"] * (len(items) - 1))  # every header crossed
        await pilot.pause()
        assert screen.current_item() is items[-1]
        _burst(app, ["up"] * (len(items) - 1))
        await pilot.pause()
        assert screen.current_item() is items[0]
        table = screen.query_one("#agenda-table", DataTable)
        assert screen.rows[table.cursor_row].item is not None


# ----------------------------------------------------------------- 4: snooze to a weekend
async def test_snooze_to_a_weekend_says_the_working_day_the_call_lands_on(app_db, run_app):
    from planner.scheduling.plan_views import next_call
    from planner.services.schedule import pin
    from screens.dialogs.snooze import SnoozeDialog

    ids = _ids()
    pin(ids["Jonas"], dt.date(2026, 11, 25))
    async with run_app(size=SMALL) as (app, pilot):
        assert app.screen.current_item().name == "Jonas Nguyen"
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SnoozeDialog)
        await pilot.press(*"saturday")  # Sat 28 Nov: the call goes on Monday 30 Nov
        await pilot.pause()
        text = screen_text(app)
        assert "Mon 30 Nov 2026" in text
        assert "Sat 28 Nov" in text  # what was typed, said to be no working day
        await pilot.press("enter")
        await settle(app, pilot)
        assert next_call(ids["Jonas"]).date == dt.date(2026, 11, 30)
        assert any("Mon 30 Nov" in note for note in _notes(app)), _notes(app)
        assert not any("Sat 28 Nov" in note for note in _notes(app))


# ----------------------------------------------------------------- 8: the quick-log names its contact at once
async def test_quick_log_shows_its_contact_in_the_first_frame(app_db, run_app):
    from screens.quick_log import QuickLogScreen

    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        contact_id = app.screen.highlighted_contact_id()
        name = next(c.name for c in list_contacts() if c.id == contact_id)
        # The name is there from the first frame: looked at as soon as the title exists, before
        # the screen's own read of the contact has had a chance to come back.
        app.action_quick_log()
        screen = app.screen_stack[-1]
        assert isinstance(screen, QuickLogScreen)
        while not screen.query("#ql-title"):
            await asyncio.sleep(0)
        title = str(screen.query_one("#ql-title").render())
        assert plain(name) in title, title
        await settle(app, pilot)
        assert plain(name) in str(screen.query_one("#ql-title").render())


# ----------------------------------------------------------------- 9: help at 80 columns
_BOX = re.compile(r"[\u2500-\u259f]")


def _flat(text: str) -> str:
    return " ".join(_BOX.sub(" ", text).split())


async def test_help_shows_every_key_whole_and_moves_with_down_g_end(app_db, run_app):
    from textual.widgets import OptionList

    from screens.dialogs.help import HelpScreen

    async with run_app(mode="ledger", size=SMALL) as (app, pilot):
        await pilot.press("question_mark")
        await settle(app, pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = help_screen.query_one(OptionList)
        assert keys.has_focus
        entries = help_screen.entries
        assert len(entries) == keys.option_count > 10
        assert not any(what in {"this screen", "everywhere", ""} for _, _, what in entries)
        last = keys.option_count - 1
        for press, where in (("end", last), ("home", 0), ("down", 1), ("j", 2), ("k", 1), ("G", last),
                             ("g", 0)):
            await pilot.press(press)
            await pilot.pause()
            assert keys.highlighted == where, press
        # Each description is shown whole at 80 columns: walk the list and collect the screens.
        shown = []
        for n in range(keys.option_count):
            keys.highlighted = n
            await pilot.pause()
            shown.append(_flat(screen_text(app)))
        rendered = "\n".join(shown)
        for _key, action, what in entries:
            assert _flat(action) in rendered and _flat(what) in rendered, what


# ----------------------------------------------------------------- 6: dialogs at 80x24
DIALOGS = [
    ("ledger", ["f"], "FavorEntry", "^s save", "#favor-ok"),
    ("ledger", ["r"], "FavorEntry", "^s save", "#favor-ok"),
    ("contacts", ["f", "g"], "FavorEntry", "^s save", "#favor-ok"),
    ("contacts", ["n"], "ContactForm", "ctrl+s save", "#cf-save"),
    ("contacts", ["i"], "ImportDialog", "^s import", "#import-run"),
    ("contacts", ["l"], "QuickLogScreen", "^s save", "#ql-save"),
    ("plan", ["b"], "BlockDialog", "^s block", "#block-ok"),
    ("agenda", ["e"], "ExportDialog", "^s export", "#export-ok"),
    ("agenda", ["s"], "SnoozeDialog", "enter snooze", "#snooze-ok"),
]


@pytest.mark.parametrize(("mode", "keys", "dialog", "hint", "save"), DIALOGS,
                         ids=[f"{mode}-{''.join(keys)}" for mode, keys, *_ in DIALOGS])
async def test_every_dialog_fits_80x24_with_its_save_key_on_screen(app_db, run_app, mode, keys, dialog, hint, save):
    from textual.geometry import Region

    from planner.services.ledger import add_favor
    from planner.services.schedule import pin

    ids = _ids()
    add_favor(ids["Zoë"], "received", "introduction", note="to Globex", day=dt.date(2026, 11, 16))
    pin(ids["Jonas"], dt.date(2026, 11, 25))
    async with run_app(mode=mode, size=SMALL) as (app, pilot):
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot)
        assert type(app.screen).__name__ == dialog
        screen_area = Region(0, 0, *SMALL)
        button = app.screen.query_one(save)
        assert screen_area.contains_region(button.region), f"{save} at {button.region}"
        assert hint in screen_text(app)
        box = app.screen.query(".dialog").first()
        assert screen_area.contains_region(box.region)


# ----------------------------------------------------------------- 5: a paste with escape bytes
def _from_terminal(app, data: str, parser_class=None, chunk: int = 4096) -> None:
    """Bytes as the terminal sends them, read by the parser the app's driver uses, in reads of
    `chunk` characters; every event it makes goes to the app as the driver sends it."""
    from screens.paste import PasteSafeParser

    parser = (parser_class or PasteSafeParser)()
    for start in range(0, len(data), chunk):
        for event in parser.feed(data[start:start + chunk]):
            event.set_sender(app)
            app._driver.send_message(event)


HOSTILE_PASTE = "\x1b[200~paste:\x1b[31mRED\x1b[0m and \x1b\x1b twice\x1b]0;pwned\x07\x1b[201~"


@pytest.mark.parametrize("chunk", [4096, 3])
async def test_a_paste_with_escape_bytes_keeps_the_contact_form(app_db, run_app, chunk):
    from textual.widgets import Input, TextArea

    from screens.dialogs.contact_form import ContactForm

    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        contacts = app.screen
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ContactForm)
        await pilot.press(*"Ada")
        _from_terminal(app, "\x1b[200~ Love\x1b[1mlace\x1b[201~", chunk=chunk)  # into the name
        await pilot.press("tab", "tab")
        form.query_one("#cf-notes", TextArea).focus()
        await pilot.pause()
        _from_terminal(app, HOSTILE_PASTE, chunk=chunk)
        await settle(app, pilot)
        assert app.screen is form, "the form was closed by the paste"
        assert form.query_one("#cf-name", Input).value == "Ada Lovelace"
        assert form.query_one("#cf-notes", TextArea).text == "paste:RED and ␛␛ twice"
        assert contacts.query_one("#contacts-filter", Input).value == ""
        assert not list_contacts(archived=True)  # no stray key archived anyone
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    (ada,) = [c for c in list_contacts() if c.name == "Ada Lovelace"]
    assert ada.notes == "paste:RED and ␛␛ twice"


async def test_escape_on_a_typed_contact_form_asks_before_discarding(app_db, run_app):
    from textual.widgets import Input

    from screens.dialogs.confirm_discard import ConfirmDiscard
    from screens.dialogs.contact_form import ContactForm

    async with run_app(mode="contacts", size=SMALL) as (app, pilot):
        await pilot.press("n", *"Ada")
        await settle(app, pilot)
        form = app.screen
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("k")  # no drafts of a contact: k does nothing here
        await pilot.press("n")  # back to typing
        await settle(app, pilot)
        assert app.screen is form and form.query_one("#cf-name", Input).value == "Ada"
        await pilot.press("escape", "d")
        await settle(app, pilot)
        assert not isinstance(app.screen, (ContactForm, ConfirmDiscard))
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(app, pilot)
        assert not isinstance(app.screen, (ContactForm, ConfirmDiscard))


# ----------------------------------------------------------------- 7: thanks owed, everywhere the same
async def test_thanks_owed_agree_everywhere_and_nobody_appears_twice(app_db, run_app, tmp_path):
    from planner.io.exports.markdown import agenda_markdown
    from planner.services.agenda import build_agenda
    from planner.services.ledger import add_favor, ledger_rows
    from planner.services.schedule import pin
    from screens.agenda_rows import agenda_range
    from screens.ledger import LedgerScreen

    ids = _ids()
    add_favor(ids["Zoë"], "received", "introduction", day=dt.date(2026, 11, 16))  # thank-you late
    add_favor(ids["Maria"], "received", "referral", day=dt.date(2026, 11, 25))  # due in a few days
    add_favor(ids["Jonas"], "received", "advice", day=dt.date(2026, 11, 24))  # not late either...
    add_favor(ids["Jonas"], "received", "referral", day=dt.date(2026, 11, 25))
    pin(ids["Jonas"], dt.date(2026, 11, 25))  # ...and a call today
    add_favor(ids["[bold]Mallory[/]"], "gave", "advice", day=dt.date(2026, 11, 20))
    owed = {ids["Zoë"], ids["Maria"], ids["Jonas"]}

    assert {row.contact_id for row in ledger_rows(owed=True)} == owed
    assert {c.id for c in list_contacts() if c.owes_thanks} == owed
    agenda = build_agenda(*agenda_range(dt.date(2026, 11, 25)))
    assert agenda.thanks_owed == 3
    heads = [line for line in agenda_markdown(agenda).splitlines() if line.startswith("- [ ]")]
    for name in ("Jonas Nguyen", "Maria Schmidt", "Zoë Ångström"):
        (head,) = [line for line in heads if name in line]  # once each: a call that says the thanks
        assert head.endswith("and thank them") or head.startswith(f"- [ ] **Thank {name}"), head
    assert not any("Mallory" in line and "thank" in line for line in heads)

    async with run_app(size=SMALL) as (app, pilot):
        assert "thanks owed 3" in screen_text(app)
        named = [row.item.contact_id for row in app.screen.rows if row.item is not None]
        assert sorted(named) == sorted(set(named)), "someone appears twice"
        jonas = next(row.item for row in app.screen.rows if row.item and row.item.contact_id == ids["Jonas"])
        assert jonas.thanks_owed
        await pilot.press("3")
        await settle(app, pilot)
        ledger = app.screen
        assert isinstance(ledger, LedgerScreen)
        await pilot.press("o")
        await settle(app, pilot)
        assert {row.contact_id for row in ledger.rows} == owed
        assert all(row.owes_thanks for row in ledger.rows)
        # thanking from the agenda's call row thanks the person for both favours
        await pilot.press("1")
        await settle(app, pilot)
        agenda_screen = app.screen
        while agenda_screen.current_item().contact_id != ids["Jonas"]:
            await pilot.press("down")
        await pilot.press("t")
        await settle(app, pilot)
        assert "thanks owed 2" in screen_text(app)
    assert {row.contact_id for row in ledger_rows(owed=True)} == owed - {ids["Jonas"]}


def test_ledger_owed_on_the_command_line_lists_thanks_not_late_yet(cli):
    import json

    cli.ok("add", "Maria Schmidt")
    cli.ok("favor", "Maria", "--got", "referral", "--at", "today")
    owed = json.loads(cli.ok("ledger", "--owed", "--json"))
    assert [row["name"] for row in owed] == ["Maria Schmidt"]
