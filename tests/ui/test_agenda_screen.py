"""Pilot tests of the agenda (home) screen on a real seeded database: sections, the contact panel,
hostile names shown literally, logging with a note, snooze, skip, thanks, export, week grid, 80x24."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from factories import stored_calls
from textual.widgets import DataTable, Input
from ui_text import screen_text

from planner.scheduling.plan_views import next_call
from planner.services.contacts import list_contacts
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.interactions.records import history
from planner.services.ledger import add_favor, contact_ledger

HOSTILE = "[bold]Mallory[/] ␛[2J"  # how the seeded hostile name must look on screen


def _ids() -> dict[str, int]:
    return {c.name.split()[0]: c.id for c in list_contacts()}


@pytest.fixture
def agenda_db(app_db):
    """Jonas is to be called today; Maria has a follow-up pinned for Friday; Mallory did us a
    favour on 16 Nov, still unthanked."""
    from planner.services.schedule import pin

    ids = _ids()
    pin(ids["Jonas"], dt.date(2026, 11, 25))
    log_interaction(LogRequest(contact_id=ids["Maria"], summary="Q1 hiring plans", next_when="friday",
                               at=dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)))
    add_favor(ids["[bold]Mallory[/]"], "received", "referral", note="[b]intro[/b] to Globex", day=dt.date(2026, 11, 16))
    return ids


def _rows(app) -> list[tuple[str, str | None]]:
    return [(row.title, row.item.name if row.item else None) for row in app.screen.rows]


def _notes(app) -> list[str]:
    return [note.message for note in app._notifications]


async def _go_to(app, pilot, contact_id: int, kind: str = "call") -> None:
    """Move the cursor with the arrow keys (over section headers) to the contact's row."""
    for key in ["home"] + ["down"] * len(app.screen.rows):
        if key == "home":
            await pilot.press("home")
        item = app.screen.current_item()
        if item is not None and (item.contact_id, item.kind) == (contact_id, kind):
            return
        if key != "home":
            await pilot.press(key)
        await pilot.pause()
    item = app.screen.current_item()
    assert item is not None and (item.contact_id, item.kind) == (contact_id, kind), "row not reachable"


async def test_sections_panel_and_literal_names(agenda_db, run_app):
    async with run_app(size=(120, 32)) as (app, pilot):
        rows = _rows(app)
        headers = [t for t, name in rows if name is None]
        assert "Thank-yous (1)" in headers
        maria = next(n for n, row in enumerate(app.screen.rows)
                     if row.item is not None and row.item.name == "Maria Schmidt" and row.item.reason == "follow-up")
        friday = max(n for n in range(maria) if rows[n][1] is None)
        assert rows[friday][0].startswith("Fri 27 Nov")
        # The cursor never rests on a section header.
        assert app.screen.current_item() is not None
        await _go_to(app, pilot, agenda_db["[bold]Mallory[/]"], "thank-you")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert HOSTILE in text and "[link=file:///etc/passwd]y" in text
        assert "[b]intro[/b] to Globex" in text  # the open favour, in the panel, literally
        assert "\x1b" not in app.export_screenshot()
        assert "Thanks owed: 1" in text
        await _go_to(app, pilot, agenda_db["Maria"])
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "follow-up" in text and "5 days ago" in text and "Q1 hiring plans" in text
        assert "+49 30 1234567" in text and "(Europe/Berlin)" in text  # phone and local time
        if maria == friday + 1:
            await pilot.press("up")  # over the "Fri 27 Nov" header, onto the row above it
            await pilot.pause()
            assert app.screen.current_item() is not None
            assert app.screen.query_one(DataTable).cursor_row == friday - 1


async def test_mark_thanked_clears_the_thank_you(agenda_db, run_app, wait_for_workers):
    mallory = agenda_db["[bold]Mallory[/]"]
    async with run_app() as (app, pilot):
        await _go_to(app, pilot, mallory, "thank-you")
        await pilot.press("t")
        await wait_for_workers(app, pilot)
        assert all(f.thanked_at is not None for f in contact_ledger(mallory))
        assert not any(call.reason == "thank-you" for call in stored_calls())
        assert "Thank-yous (1)" not in [t for t, _ in _rows(app)]
        assert _notes(app) == ["Thanked [bold]Mallory[/] ␛[2J for 1 favour · u to undo"]  # literal, controls shown


async def test_log_a_call_with_a_note_from_the_agenda(agenda_db, run_app, wait_for_workers):
    maria = agenda_db["Maria"]
    async with run_app() as (app, pilot):
        await _go_to(app, pilot, maria)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press(*"Agreed on two roles")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert app.screen.id == "agenda-screen"
        latest = history(maria)[0]
        assert "Agreed on two roles" in (latest.notes + latest.summary)
        assert latest.kind == "call" and latest.outcome == "spoke"


async def test_export_the_week_as_markdown(agenda_db, run_app, wait_for_workers, tmp_path):
    target = tmp_path / "out" / "week.md"
    target.parent.mkdir()
    async with run_app() as (app, pilot):
        await pilot.press("e")
        await pilot.pause()
        path_input = app.screen.query_one("#export-path", Input)
        assert path_input.value == "~/followup-2026-W48.ics"
        await pilot.press("down", "enter")  # the format list has the focus: Markdown
        await pilot.pause()
        assert path_input.value == "~/followup-2026-W48.md"  # the default name follows the format
        path_input.value = str(target)
        path_input.focus()
        await pilot.press("enter")
        await wait_for_workers(app, pilot)
        assert target.exists()
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
        body = target.read_text()
        assert "Maria Schmidt" in body and "Mallory" in body
        assert _notes(app) == [f"Exported the week to {target}"]


async def test_export_to_a_missing_folder_keeps_the_dialog(agenda_db, run_app, tmp_path):
    async with run_app() as (app, pilot):
        await pilot.press("e")
        await pilot.pause()
        path_input = app.screen.query_one("#export-path", Input)
        path_input.value = str(tmp_path / "nowhere" / "week.ics")
        path_input.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "does not exist" in screen_text(app)
        assert path_input.value.endswith("nowhere/week.ics")  # nothing typed is lost


async def test_narrow_terminal_folds_the_panel_and_keeps_the_columns(agenda_db, run_app):
    async with run_app(size=(80, 24)) as (app, pilot):
        assert not app.screen.query_one("#agenda-panel").display
        text = screen_text(app)
        for column in ("Name", "Company", "Reason", "Last contact"):
            assert column in text
        assert "Maria Schmidt" in text and HOSTILE in text


async def test_snooze_to_a_typed_day(agenda_db, run_app, wait_for_workers):
    maria = agenda_db["Maria"]
    async with run_app() as (app, pilot):
        await _go_to(app, pilot, maria)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*"someday")
        await pilot.pause()
        assert "not understood" in screen_text(app)
        await pilot.press("enter")  # refused: the dialog stays, nothing moves
        await pilot.pause()
        assert app.screen.query_one("#snooze-when", Input).value == "someday"
        assert next_call(maria).date == dt.date(2026, 11, 27)
        app.screen.query_one("#snooze-when", Input).value = ""
        await pilot.press(*"next week")
        await pilot.pause()
        assert "Mon 30 Nov 2026 (in 5 days)" in screen_text(app)  # said back before saving
        await pilot.press("enter")
        await wait_for_workers(app, pilot)
        assert next_call(maria).date == dt.date(2026, 11, 30)
        assert _notes(app) == ["Snoozed Maria Schmidt to Mon 30 Nov · u to undo"]
        # Monday is next week: Maria has left this week's agenda.
        assert "Maria Schmidt" not in [name for _, name in _rows(app)]


async def test_skip_this_cycle(agenda_db, run_app, wait_for_workers):
    zoe = agenda_db["Zoë"]
    before = next_call(zoe)
    assert before is not None and before.date <= dt.date(2026, 11, 29)  # new contacts come first
    async with run_app() as (app, pilot):
        await _go_to(app, pilot, zoe)
        await pilot.press("x")
        await wait_for_workers(app, pilot)
        after = next_call(zoe)
        assert after.date >= before.date + dt.timedelta(days=60)  # one 90-day cadence on, in its window
        assert _notes(app) == [f"Skipped this cycle: next call with Zoë Ångström on {after.date:%a %d %b} · u to undo"]
        assert "Zoë Ångström" not in [name for _, name in _rows(app)]


async def test_week_grid_counts_calls_per_day(agenda_db, run_app, wait_for_workers):
    from planner.scheduling.plan_views import plan_summary

    async with run_app() as (app, pilot):
        await pilot.press("w")
        await wait_for_workers(app, pilot)
        grid = app.screen.query_one("#grid-table", DataTable)
        expected = {day.date: day.load for day in plan_summary(dt.date(2026, 11, 23), days=28).days}
        friday = grid.get_row_at(0)[5].plain  # week of 23 Nov, Friday column
        assert friday == str(expected[dt.date(2026, 11, 27)])
        assert grid.get_row_at(0)[6].plain == "·"  # Saturday: weekend
        assert "Wed 25 Nov 2026" in screen_text(app)  # the cursor starts on today
        await pilot.press("right", "right")
        await pilot.pause()
        assert f"Fri 27 Nov 2026: {expected[dt.date(2026, 11, 27)]} call" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert app.screen.id == "agenda-screen"


async def test_enter_opens_the_contact_and_q_comes_back(agenda_db, run_app, wait_for_workers):
    from screens.contact_detail import ContactDetailScreen

    async with run_app() as (app, pilot):
        await _go_to(app, pilot, agenda_db["Maria"])
        await pilot.press("enter")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, ContactDetailScreen)
        assert "Maria Schmidt" in screen_text(app) and "Q1 hiring plans" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert app.screen.id == "agenda-screen"
        assert app.screen.highlighted_contact_id() == agenda_db["Maria"]


async def test_every_agenda_action_is_in_the_palette(agenda_db, run_app):
    from screens.commands import FollowupCommands

    async with run_app() as (app, pilot):
        provider = FollowupCommands(app.screen)
        titles = {title for title, _, _ in provider._commands()}
        assert {"Log call", "Snooze", "Skip", "Mark thanked", "Export the week", "Week grid"} <= titles


async def test_a_new_day_reloads_the_agenda(agenda_db, run_app, wait_for_workers):
    from planner.core import dates

    async with run_app() as (app, pilot):
        assert "Today (" in screen_text(app) and "Wed 25 Nov" in screen_text(app)
        dates.set_today(dt.date(2026, 11, 26))  # the app stayed open past midnight
        app.screen._check_new_day()  # what the minute timer runs
        await wait_for_workers(app, pilot)
        text = screen_text(app)
        assert "Agenda Thu 26 Nov" in text and "Wed 25 Nov" not in text


async def test_a_missed_follow_up_is_overdue_first(app_db, run_app):
    from planner.core import dates

    jonas = _ids()["Jonas"]
    dates.set_today(dt.date(2026, 11, 18))  # last week: "call me back on Friday"
    log_interaction(LogRequest(contact_id=jonas, summary="Call back Friday", next_when="friday"))
    dates.set_today(dt.date(2026, 11, 25))  # Friday passed without the call
    async with run_app() as (app, pilot):
        rows = app.screen.rows
        assert rows[0].title == "Overdue (1)"
        assert (rows[1].item.contact_id, rows[1].item.reason) == (jonas, "follow-up")
        assert app.screen.highlighted_contact_id() == jonas  # the first thing to do is highlighted
        assert "follow-up (5d late)" in screen_text(app)
        assert "overdue 1" in screen_text(app)


async def test_folded_panel_loads_when_the_terminal_widens(agenda_db, run_app, wait_for_workers):
    from screens.widgets.contact_panel import ContactPanel

    async with run_app(size=(80, 24)) as (app, pilot):
        await _go_to(app, pilot, agenda_db["Maria"])
        await wait_for_workers(app, pilot)
        panel = app.screen.query_one(ContactPanel)
        assert panel.data is None or panel.data.contact_id != agenda_db["Maria"]  # folded: nothing read
        await pilot.resize_terminal(120, 32)
        await wait_for_workers(app, pilot)
        assert panel.display and panel.data is not None and panel.data.contact_id == agenda_db["Maria"]
        assert "+49 30 1234567" in screen_text(app)


async def test_last_contact_stays_readable_beside_the_panel_at_100_columns(agenda_db, run_app):
    async with run_app(size=(100, 30)) as (app, pilot):
        await pilot.pause()
        table = app.screen.query_one("#agenda-table")
        widths = {str(key.value): col.get_render_width(table) for key, col in table.columns.items()}
        essential = sum(widths[label] for label in ("Name", "Company", "Reason", "Last contact"))
        assert essential <= table.scrollable_content_region.width
        assert widths["Last contact"] >= 12 + 2  # "2 months ago" whole
        assert "Last contact" in screen_text(app)


async def test_a_long_week_is_all_in_the_table_with_the_first_frame(app_db, run_app):
    """Every row of a long week is in the table with the first rows drawn, once, in order: `end`
    goes to the week's last call."""
    from factories import bulk_contacts

    bulk_contacts(300, cadence=7)
    async with run_app() as (app, pilot):
        await pilot.pause()
        rows = app.screen.rows
        assert len(rows) > 130  # more than two tall terminals' screenfuls
        table = app.screen.query_one("#agenda-table", DataTable)
        assert [key.value for key in table.rows] == [row.key for row in rows]
        await pilot.press("end")
        await pilot.pause()
        assert app.screen.current_item() == rows[-1].item
