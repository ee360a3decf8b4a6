"""Today is a worklist (issue 11, bug 1), in the app on the demo (today 2026-12-01): after calls
are made, recording a favour, thanking someone, blocking the holidays, adding a contact or a
rebalance never pulls another day's call into today; the calls made stay in view, ticked."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input
from ui_steps import settle
from ui_text import screen_text

from planner.core import dates
from planner.core.vocabulary import AgendaKind, PlanReason
from planner.io.demo import build_demo
from planner.store.connect import open_database
from planner.store.models import Contact, PlannedCall

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The 300-contact demo as `followup demo` builds it, once for this file."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    proc = subprocess.run([sys.executable, "-m", "planner", "--db", str(path), "--today", TODAY.isoformat(),
                           "demo", "--no-ui"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.fixture
def demo_db(new_db, demo_file):
    """A fresh copy of the demo (on a server, built there), opened, today 2026-12-01."""
    path = new_db("demo")
    dates.set_today(TODAY)
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(demo_file, path)
        open_database(path)
    else:
        open_database(path)
        build_demo(contacts=300, seed=7)
    return path


def open_calls() -> set[int]:
    return {cid for (cid,) in PlannedCall.select(PlannedCall.contact)
            .where(PlannedCall.date == TODAY, PlannedCall.reason != PlanReason.THANK_YOU).tuples()}


def later_calls() -> set[tuple[int, int]]:
    """(contact, seq) of every unpinned call after today: none of them may come to today."""
    return set(PlannedCall.select(PlannedCall.contact, PlannedCall.seq)
               .where(PlannedCall.date > TODAY, PlannedCall.pinned == False).tuples())


def nearest_later(count: int, among: set[int] | None = None) -> list[int]:
    """The contacts whose next call could come soonest (its window starts first), after today: a
    re-plan's first candidates for today."""
    on_today = open_calls()
    rows = (PlannedCall.select(PlannedCall.contact).where(PlannedCall.date > TODAY, PlannedCall.seq == 0,
                                                          PlannedCall.pinned == False)
            .order_by(PlannedCall.window_start, PlannedCall.date, PlannedCall.contact).tuples())
    return [cid for (cid,) in rows if cid not in on_today and (among is None or cid in among)][:count]


def owed_thanks_nearest() -> int:
    """Of those owed a thank-you (a row of their own on the agenda), the one whose call could come first."""
    owed = {cid for (cid,) in PlannedCall.select(PlannedCall.contact)
            .where(PlannedCall.reason == PlanReason.THANK_YOU).tuples()}
    return nearest_later(1, owed)[0]


def run(size=(120, 40), mode="agenda"):
    from screens.app import FollowupApp

    app = FollowupApp(mode=mode)
    return app, app.run_test(size=size)


async def _agenda(app, pilot):
    await pilot.press("1")
    await settle(app, pilot)
    return app.screen


async def _log_highlighted(app, pilot, words: str) -> int:
    """`l` on the highlighted agenda row, a summary, ctrl+s; returns whose call it was."""
    from screens.quick_log import QuickLogScreen

    item = app.screen.current_item()
    assert item is not None and item.kind == AgendaKind.CALL and item.date == TODAY and not item.done
    await pilot.press("l")
    await settle(app, pilot)
    assert isinstance(app.screen, QuickLogScreen)
    await pilot.press(*words)
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    return item.contact_id


async def _to_row(app, pilot, wanted) -> None:
    """Put the agenda's cursor on the first row whose item `wanted(item)` accepts."""
    screen = app.screen
    index = next(n for n, row in enumerate(screen.rows) if row.item is not None and wanted(row.item))
    screen.query_one("#agenda-table", DataTable).move_cursor(row=index)
    await settle(app, pilot)


def _thanks_row_of(contact_id: int):
    """Their own thank-you row, or their call that says "+ thanks": `t` thanks them on either."""
    return lambda item: item.contact_id == contact_id and (item.kind == AgendaKind.THANK_YOU or item.thanks_owed)


async def _favour_received(app, pilot, contact_id: int) -> None:
    """On the contacts screen: filter to them, f, r (received), ctrl+s."""
    name = Contact.get_by_id(contact_id).name
    await pilot.press("2")
    await settle(app, pilot)
    await pilot.press("slash", *name, "enter")
    await settle(app, pilot)
    assert app.screen.highlighted_contact_id() == contact_id
    await pilot.press("f")
    await settle(app, pilot)
    await pilot.press("r")
    await settle(app, pilot)
    await pilot.press("ctrl+s")
    await settle(app, pilot)


async def _block(app, pilot, start: str, end: str) -> None:
    await pilot.press("4")
    await settle(app, pilot)
    await pilot.press("b")
    await settle(app, pilot)
    app.screen.query_one("#block-from", Input).value = start
    app.screen.query_one("#block-to", Input).value = end
    await pilot.press("ctrl+s")
    await settle(app, pilot)


async def _new_contact(app, pilot, name: str) -> None:
    await pilot.press("2")
    await settle(app, pilot)
    await pilot.press("n")
    await settle(app, pilot)
    await pilot.press(*name)
    await pilot.press("ctrl+s")
    await settle(app, pilot)


def _check(before: set[int], later: set[tuple[int, int]], step: str) -> set[int]:
    """Nothing came to today; returns today's calls now."""
    now = open_calls()
    assert now <= before, f"{step}: {sorted(now - before)} came to today"
    came = {(cid, seq) for cid, seq in later if cid in now - before}
    assert not came, step
    return now


async def test_a_received_favour_leaves_today_as_it_was(demo_db):
    app, running = run()
    async with running as pilot:
        await settle(app, pilot)
        for words in ("first call", "second call", "third call", "fourth call"):
            await _log_highlighted(app, pilot, words)
        before, later = open_calls(), later_calls()
        await _favour_received(app, pilot, nearest_later(1)[0])
        _check(before, later, "favour")


async def test_thanking_someone_leaves_today_as_it_was(demo_db):
    app, running = run()
    async with running as pilot:
        await settle(app, pilot)
        for words in ("first call", "second call", "third call", "fourth call"):
            await _log_highlighted(app, pilot, words)
        before, later = open_calls(), later_calls()
        owed = owed_thanks_nearest()
        await _to_row(app, pilot, _thanks_row_of(owed))
        await pilot.press("t")
        await settle(app, pilot)
        _check(before, later, "thanks")


async def test_blocking_the_holidays_leaves_today_as_it_was(demo_db):
    app, running = run()
    async with running as pilot:
        await settle(app, pilot)
        for words in ("first call", "second call", "third call", "fourth call"):
            await _log_highlighted(app, pilot, words)
        before, later = open_calls(), later_calls()
        await _block(app, pilot, "2026-12-24", "2027-01-01")
        assert app.screen.__class__.__name__ == "PlanScreen"
        _check(before, later, "block")


async def test_rebalance_on_the_plan_screen_leaves_today_as_it_was(demo_db):
    app, running = run()
    async with running as pilot:
        await settle(app, pilot)
        for words in ("first call", "second call", "third call", "fourth call"):
            await _log_highlighted(app, pilot, words)
        before, later = open_calls(), later_calls()
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        if "Store the rebalanced plan?" in screen_text(app):
            await pilot.press("y")
            await settle(app, pilot)
        _check(before, later, "rebalance")


async def test_a_whole_day_today_only_shrinks_and_shows_what_is_done(demo_db):
    app, running = run(size=(80, 24))
    async with running as pilot:
        await settle(app, pilot)
        agenda = app.screen
        first = open_calls()
        total = len(first)
        assert total >= 4 and agenda.agenda.today_calls == total
        later = later_calls()
        made = [await _log_highlighted(app, pilot, f"call {n}") for n in (1, 2, 3)]
        counts = [len(open_calls())]
        assert open_calls() == first - set(made)
        favoured, = nearest_later(1)
        await _favour_received(app, pilot, favoured)
        counts.append(len(_check(first, later, "favour")))
        agenda = await _agenda(app, pilot)
        owed = owed_thanks_nearest()
        await _to_row(app, pilot, _thanks_row_of(owed))
        await pilot.press("t")
        await settle(app, pilot)
        counts.append(len(_check(first, later, "thanks")))
        await _block(app, pilot, "2026-12-24", "2027-01-01")
        counts.append(len(_check(first, later, "block")))
        await _new_contact(app, pilot, "Newcomer Person")
        assert Contact.select().where(Contact.name == "Newcomer Person").exists()
        counts.append(len(_check(first, later, "new contact")))
        assert counts == sorted(counts, reverse=True) and counts[0] == total - 3
        agenda = await _agenda(app, pilot)
        # the calls made stay in view, ticked, with what was logged; the header counts them
        assert {item.contact_id for item in agenda.agenda.done} == set(made)
        text = screen_text(app)
        assert f"3 of {total} done · thanks owed {agenda.agenda.thanks_owed}" in text  # whole at 80 columns
        assert text.count("✓") == 3 and text.count("done: call") == 3  # the summary scrolls in at 80 columns
        assert sorted(item.last_summary for item in agenda.agenda.done) == ["call 1", "call 2", "call 3"]
        today_rows = [row for row in agenda.rows if row.section == "today"]
        assert len(today_rows) - 1 == int(next(r.title for r in today_rows if r.item is None)
                                          .split("(")[1].split(")")[0])  # the section's count = its rows
