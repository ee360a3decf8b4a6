"""The app on a desk's database: the agenda's switch between my calls, the team's and each
member's (`m`, and the command palette), the row saying a colleague reached them lately, and the
quick-log asking before a second call with someone a colleague just spoke to. Members here are
rows in the SQLite file (on a server each is a role: tests/test_team_desk.py)."""

from __future__ import annotations

import datetime as dt

from factories import FIXED_TODAY, logged
from ui_text import screen_text

from planner.services.contacts import list_contacts
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.owners import assign
from planner.services.schedule import pin
from planner.services.team import find_member
from planner.store.database import write_tx
from planner.store.models import Member
from screens.agenda_rows import item_cells
from screens.dialogs.confirm_recent import ConfirmRecent
from screens.quick_log import QuickLogScreen


def _desk() -> dict[str, int]:
    """Ana owns Maria, Ben owns Jonas; both have a call today; Ben spoke to Maria on Monday."""
    with write_tx():
        Member.create(name="Ana", role="ana")
        ben = Member.create(name="Ben", role="ben").id
    ids = {c.name.split()[0]: c.id for c in list_contacts()}
    assign([ids["Maria"]], find_member("Ana"))
    assign([ids["Jonas"], ids["Zoë"], ids["[bold]Mallory[/]"]], find_member("Ben"))
    for name in ("Maria", "Jonas"):
        pin(ids[name], FIXED_TODAY)
    log_interaction(LogRequest(ids["Maria"], "met at the fair", member_id=ben,
                               at=dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)))
    return ids


def _names(app) -> set[str]:
    return {row.item.name for row in app.screen.rows if row.item is not None}


async def test_the_agenda_switches_between_everyone_and_each_member(app_db, run_app, wait_for_workers):
    _desk()
    async with run_app(mode="agenda", size=(80, 24)) as (app, pilot):
        assert {"Maria Schmidt", "Jonas Nguyen"} <= _names(app)
        maria = next(r.item for r in app.screen.rows if r.item and r.item.name == "Maria Schmidt")
        # her owner is Ana: the row says who reached her, first in its last-contact summary
        assert maria.reached_by == "Ben spoke to them Mon"
        assert str(item_cells(maria, FIXED_TODAY)[4]) == "Ben spoke to them Mon: met at the fair"
        await pilot.press("m")  # mine -> the team's (a personal session acts for everyone)
        await wait_for_workers(app, pilot)
        assert "· team" in screen_text(app)
        await pilot.press("m")
        await wait_for_workers(app, pilot)
        assert _names(app) == {"Maria Schmidt"} and "· Ana" in screen_text(app)
        await pilot.press("m")
        await wait_for_workers(app, pilot)
        assert "Maria Schmidt" not in _names(app) and "Jonas Nguyen" in _names(app)
        assert "· Ben" in screen_text(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"member's calls")
        await wait_for_workers(app, pilot)
        await pilot.press("enter")
        await wait_for_workers(app, pilot)
        assert app.screen.whose == "mine"  # round again, from the palette
        assert {"Maria Schmidt", "Jonas Nguyen"} <= _names(app)


async def test_the_quick_log_asks_before_a_second_call_in_a_week(app_db, run_app, wait_for_workers):
    ids = _desk()
    async with run_app(mode="agenda", size=(80, 24)) as (app, pilot):
        row = next(n for n, r in enumerate(app.screen.rows) if r.item and r.item.contact_id == ids["Maria"])
        app.screen.query_one("#agenda-table").move_cursor(row=row)
        await pilot.pause()
        await pilot.press("l")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, QuickLogScreen)
        await pilot.press(*"following up", "ctrl+s")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, ConfirmRecent)
        assert "Ben spoke to them Mon" in screen_text(app)
        await pilot.press("n")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, QuickLogScreen)
        assert "Not logged yet: Ben spoke to them Mon" in screen_text(app)
        assert [entry.summary for entry in logged() if entry.contact_id == ids["Maria"]] == ["met at the fair"]
        await pilot.press("ctrl+s")
        await wait_for_workers(app, pilot)
        assert isinstance(app.screen, ConfirmRecent)
        await pilot.press("y")
        await wait_for_workers(app, pilot)
        assert not isinstance(app.screen, (QuickLogScreen, ConfirmRecent))
        assert [entry.summary for entry in logged() if entry.contact_id == ids["Maria"]] == [
            "following up", "met at the fair"]
