"""Pilot tests of the ledger screen on a real seeded database: balances, the highlighted
contact's entries, filters, recording favours both ways, and thanks."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import favours, stored_calls
from textual.widgets import Input
from ui_text import footer_key_dimmed, screen_text

from planner.services.contacts import list_contacts
from planner.services.ledger import add_favor, contact_ledger
from screens.widgets.virtual_table import VirtualTable


@pytest.fixture
def ledger_db(app_db):
    """Maria: we gave her two favours. Zoë: gave us three introductions, nothing back, one unthanked."""
    ids = {c.name.split()[0]: c.id for c in list_contacts()}
    add_favor(ids["Maria"], "gave", "referral", note="sent a candidate", day=dt.date(2026, 11, 2))
    add_favor(ids["Maria"], "gave", "advice", day=dt.date(2026, 11, 10))
    first = add_favor(ids["Zoë"], "received", "introduction", note="to Globex", weight=2, day=dt.date(2026, 6, 1))
    add_favor(ids["Zoë"], "received", "introduction", note="[b]Initech[/b]", day=dt.date(2026, 9, 1))
    add_favor(ids["Zoë"], "received", "referral", note="a senior engineer", day=dt.date(2026, 11, 9))
    from planner.services.ledger import thank

    thank(favor_id=first.id)
    return ids


def _names(app) -> list[str]:
    return [row.name for row in app.screen.rows]


async def _highlight(app, pilot, name: str) -> None:
    table = app.screen.query_one("#ledger-table", VirtualTable)
    table.move_cursor(row=_names(app).index(name))
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_balances_and_entries_of_the_highlighted_contact(ledger_db, run_app):
    async with run_app(mode="ledger", size=(120, 32)) as (app, pilot):
        # Most in debt first: Zoë (-4), then Maria (+2).
        assert _names(app) == ["Zoë Ångström", "Maria Schmidt"]
        zoe = app.screen.rows[0]
        assert (zoe.given, zoe.received, zoe.balance, zoe.owes_thanks, zoe.one_way) == (0, 4, -4, True, True)
        text = screen_text(app)
        assert "Favours with Zoë Ångström (3)" in text
        assert "[b]Initech[/b]" in text  # a note with markup, shown literally
        assert "thank, one-way" in text
        await _highlight(app, pilot, "Maria Schmidt")
        text = screen_text(app)
        assert "Favours with Maria Schmidt (2)" in text and "sent a candidate" in text


async def test_filters(ledger_db, run_app, wait_for_workers):
    async with run_app(mode="ledger") as (app, pilot):
        await pilot.press("o")
        await wait_for_workers(app, pilot)
        assert _names(app) == ["Zoë Ångström"]
        assert "thanks owed" in screen_text(app)
        await pilot.press("o", "y")
        await wait_for_workers(app, pilot)
        assert _names(app) == ["Zoë Ångström"]
        await pilot.press("a", "b")
        await wait_for_workers(app, pilot)
        assert _names(app) == ["Zoë Ångström"]  # helped us; we gave nothing back in six months
        await pilot.press("a")
        await wait_for_workers(app, pilot)
        assert _names(app) == ["Zoë Ångström", "Maria Schmidt"]


async def test_record_a_favour_given_and_received(ledger_db, run_app, wait_for_workers):
    maria = ledger_db["Maria"]
    async with run_app(mode="ledger") as (app, pilot):
        await _highlight(app, pilot, "Maria Schmidt")
        await pilot.press("f")
        await wait_for_workers(app, pilot)
        app.screen.query_one("#favor-note", Input).focus()
        await pilot.press(*"coffee intro [x]")
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        gave = [f for f in contact_ledger(maria) if f.note == "coffee intro [x]"]
        assert len(gave) == 1 and gave[0].direction == "gave" and gave[0].date == dt.date(2026, 11, 25)
        assert next(r for r in app.screen.rows if r.contact_id == maria).given == 3
        assert "coffee intro [x]" in screen_text(app)

        await pilot.press("r")
        await wait_for_workers(app, pilot)
        app.screen.query_one("#favor-day", Input).value = "yesterday"
        app.screen.query_one("#favor-note", Input).focus()
        await pilot.press(*"lunch", "enter")
        await wait_for_workers(app, pilot)
        received = [f for f in contact_ledger(maria) if f.direction == "received"]
        assert [(f.note, f.date) for f in received] == [("lunch", dt.date(2026, 11, 24))]
        # A received favour brings a thank-you task.
        assert any(call.favor_id == received[0].id for call in stored_calls())


async def test_a_bad_day_keeps_the_dialog_and_writes_nothing(ledger_db, run_app, wait_for_workers):
    before = len(favours())
    async with run_app(mode="ledger") as (app, pilot):
        await pilot.press("f")
        await wait_for_workers(app, pilot)
        app.screen.query_one("#favor-day", Input).value = "next friday"  # in the future
        app.screen.query_one("#favor-note", Input).focus()
        await pilot.press(*"typed note", "enter")
        await wait_for_workers(app, pilot)
        assert "Not saved" in screen_text(app) and "future" in screen_text(app)
        assert app.screen.query_one("#favor-note", Input).value == "typed note"
        assert len(favours()) == before


async def test_thank_from_the_entries(ledger_db, run_app, wait_for_workers):
    zoe = ledger_db["Zoë"]
    async with run_app(mode="ledger") as (app, pilot):
        await pilot.press("tab")  # into the entries of Zoë, newest first: the referral
        await pilot.pause()
        await pilot.press("t")
        await wait_for_workers(app, pilot)
        open_thanks = [f.note for f in contact_ledger(zoe) if f.open_thanks]
        assert open_thanks == ["[b]Initech[/b]"]  # only the highlighted one was thanked
        await pilot.press("shift+tab", "t")  # on the contact: all the rest
        await wait_for_workers(app, pilot)
        assert not any(f.open_thanks for f in contact_ledger(zoe))
        assert not next(r for r in app.screen.rows if r.contact_id == zoe).owes_thanks


async def test_give_back_with_a_return(ledger_db, run_app, wait_for_workers):
    """Zoë helped; giving back links the new favour to one of hers, and she leaves give-back."""
    from textual.widgets import Select

    zoe = ledger_db["Zoë"]
    async with run_app(mode="ledger") as (app, pilot):
        await pilot.press("b")
        await wait_for_workers(app, pilot)
        assert _names(app) == ["Zoë Ångström"]
        await pilot.press("f")
        await wait_for_workers(app, pilot)
        returns = app.screen.query_one("#favor-returns", Select)
        first_open = next(f for f in contact_ledger(zoe) if f.note == "a senior engineer")
        returns.value = first_open.id
        app.screen.query_one("#favor-note", Input).focus()
        await pilot.press(*"intro to a client", "enter")
        await wait_for_workers(app, pilot)
        given = next(f for f in contact_ledger(zoe) if f.direction == "gave")
        assert given.returns_id == first_open.id
        assert _names(app) == []  # we gave back today: no longer on the give-back list
        await pilot.press("a")
        await wait_for_workers(app, pilot)
        await _highlight(app, pilot, "Zoë Ångström")
        assert "↩ 09 Nov referral · intro to a client" in screen_text(app)


async def test_a_favour_saved_while_another_session_writes_completes_its_worker(ledger_db, app_db, run_app,
                                                                               wait_for_workers):
    """The save waits for another session's write; whoever waits for the save (here the test, as
    the flaky run did) sees it complete with the stored favour, not cancelled by its own dialog
    closing, and saving again meanwhile stores nothing twice."""
    import asyncio
    import sqlite3

    async with run_app(mode="ledger") as (app, pilot):
        await _highlight(app, pilot, "Maria Schmidt")
        await pilot.press("f")  # favour given
        await wait_for_workers(app, pilot)
        app.screen.query_one("#favor-note", Input).focus()
        await pilot.press(*"coffee")
        other = sqlite3.connect(app_db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another session holds the write lock for a moment
        try:
            await pilot.press("ctrl+s")
            await pilot.pause(0.3)
            (saving,) = [w for w in app.workers if w.group == "favor-save"]
            assert saving.is_running
            await pilot.press("ctrl+s")  # impatient: a second save must neither cancel it nor store twice
            await pilot.pause(0.1)
            waiting = asyncio.ensure_future(saving.wait())
            await pilot.pause(0.1)
        finally:
            other.execute("COMMIT")
            other.close()
        stored = await asyncio.wait_for(waiting, 15)
        assert stored.note == "coffee"
        await wait_for_workers(app, pilot)
        assert [f.note for f in contact_ledger(ledger_db["Maria"]) if f.note == "coffee"] == ["coffee"]
        assert "coffee" in screen_text(app)


async def test_while_rows_load_nothing_acts_on_the_rows_on_screen(ledger_db, run_app, wait_for_workers):
    """A reload (a filter, another session's write) hides the rows being replaced and takes no
    keys until the new ones are read: `t` or `f` typed meanwhile cannot land on a stale row."""
    async with run_app(mode="ledger") as (app, pilot):
        screen = app.screen
        assert screen.highlighted_row() is not None
        screen.reload()
        assert screen.highlighted_row() is None
        assert screen.check_action("thanked", ()) is None and screen.check_action("favor", ("gave",)) is None
        assert "loading…" in screen_text(app)
        await wait_for_workers(app, pilot)
        assert screen.highlighted_row() is not None and "loading…" not in screen_text(app)
        assert _names(app) == ["Zoë Ångström", "Maria Schmidt"]


async def test_keys_on_one_contact_dim_when_the_filter_leaves_nobody(ledger_db, run_app, wait_for_workers):
    def gave_key_dimmed() -> bool:
        return footer_key_dimmed(app, "favor('gave')")

    async with run_app(mode="ledger", size=(120, 32)) as (app, pilot):
        assert not gave_key_dimmed()
        await pilot.press("slash", *"nobody", "enter")  # back in the table, the filter kept
        await wait_for_workers(app, pilot)
        assert _names(app) == [] and gave_key_dimmed()
        await pilot.press("slash", "escape")  # the box cleared: everyone back, the keys too
        await wait_for_workers(app, pilot)
        assert _names(app) == ["Zoë Ångström", "Maria Schmidt"] and not gave_key_dimmed()


async def test_the_filter_matches_every_word_in_the_folded_name_and_company(ledger_db, run_app, wait_for_workers):
    """`/` narrows the ledger as typed: every word must be part of the name or the company,
    accents and case aside, in the ledger's own order."""
    async with run_app(mode="ledger", size=(120, 32)) as (app, pilot):
        await pilot.press("slash", *"ANGS glob")
        await wait_for_workers(app, pilot)
        assert _names(app) == ["Zoë Ångström"]
        await pilot.press(*["backspace"] * 9, *"o")
        await wait_for_workers(app, pilot)
        assert _names(app) == ["Zoë Ångström", "Maria Schmidt"]  # zOë, hOoli
        await pilot.press(*" hooli schmidt")
        await wait_for_workers(app, pilot)
        assert _names(app) == ["Maria Schmidt"]
        await pilot.press(*"x")
        await wait_for_workers(app, pilot)
        assert _names(app) == []
