"""Pilot tests of the plan screen on a real seeded database: the chart and its day cursor, the
peak against its lower bound, blocking and unblocking days, and rebalancing with before/after."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input
from ui_text import screen_text

from planner.scheduling.plan_views import plan_summary, planned_calls
from planner.services.blocks import add_block, list_blocks
from planner.services.contacts import ContactFields, add_contact
from screens.widgets.load_chart import chart_content


@pytest.fixture
def plan_db(app_db):
    """Twelve more contacts due now, and Christmas week blocked (with markup in its note)."""
    for n in range(12):
        add_contact(ContactFields(name=f"Candidate {n:02d}", company="Initech", cadence_days=30))
    add_block(dt.date(2026, 12, 21), dt.date(2026, 12, 24), "[b]Christmas[/b]")
    return app_db


async def test_chart_stats_and_blocks(plan_db, run_app):
    summary = plan_summary(dt.date(2026, 11, 25), days=42)
    async with run_app(mode="plan", size=(120, 40)) as (app, pilot):
        text = screen_text(app)
        stats = summary.stats
        assert f"peak {stats.peak} (lower bound {stats.lower_bound})" in text
        assert f"{stats.calls} calls" in text
        assert "Mon 21 Dec   Thu 24 Dec   [b]Christmas[/b]" in text  # the block, note literal
        assert "W48" in text and "W53" in text  # week labels under the bars
        assert "bbbb" in text  # the blocked days marked on the baseline
        # The day line follows the cursor, starting today.
        today_load = summary.days[0].load
        assert f"Wed 25 Nov 2026 (today): {today_load} call" in text
        await pilot.press("right")
        await pilot.pause()
        assert f"Thu 26 Nov 2026 (tomorrow): {summary.days[1].load} call" in screen_text(app)
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")  # four weeks on: Thu 24 Dec
        await pilot.pause()
        assert "Thu 24 Dec 2026 (in 4 weeks): 0 calls · blocked: [b]Christmas[/b]" in screen_text(app)


async def test_block_days_then_remove(plan_db, run_app, wait_for_workers):
    async with run_app(mode="plan") as (app, pilot):
        await pilot.press("b")
        await pilot.pause()
        await pilot.press(*"2026-12-01")
        app.screen.query_one("#block-to", Input).value = "friday"  # counted from "from": Fri 4 Dec
        await pilot.pause()
        assert "Tue 01 Dec – Fri 04 Dec 2026 (4 days)" in screen_text(app)
        app.screen.query_one("#block-note", Input).focus()
        await pilot.press(*"Conference", "enter")
        await wait_for_workers(app, pilot)
        assert [(b.start, b.end, b.note) for b in list_blocks()][0] == (
            dt.date(2026, 12, 1), dt.date(2026, 12, 4), "Conference")
        # Nothing planned on the blocked days any more (re-planned).
        assert [call for call in planned_calls(dt.date(2026, 12, 1), dt.date(2026, 12, 4)) if not call.pinned] == []
        assert "Conference" in screen_text(app)
        await pilot.press("tab")  # the blocked days table; the first row is the new block
        await pilot.press("d")
        await wait_for_workers(app, pilot)
        assert [b.note for b in list_blocks()] == ["[b]Christmas[/b]"]


async def test_block_dialog_refuses_a_backwards_range(plan_db, run_app, wait_for_workers):
    async with run_app(mode="plan") as (app, pilot):
        await pilot.press("b")
        await pilot.pause()
        await pilot.press(*"2026-12-10")
        app.screen.query_one("#block-to", Input).value = "2026-12-01"
        app.screen.query_one("#block-to", Input).focus()
        await pilot.press("enter")
        await wait_for_workers(app, pilot)
        assert "is before" in screen_text(app)
        assert len(list_blocks()) == 1  # only Christmas
        assert app.screen.query_one("#block-from", Input).value == "2026-12-10"


def _stored() -> list[tuple]:
    return sorted((c.contact_id, c.date) for c in planned_calls(dt.date(2026, 11, 25), dt.date(2027, 6, 1)))


@pytest.fixture
def lumpy_db(plan_db):
    """The plan as an older followup might have left it: every free call that may go on Friday
    27 Nov piled there, so a rebalance has something to even out."""
    from planner.store.database import write_tx
    from planner.store.models import PlannedCall

    friday = dt.date(2026, 11, 27)
    with write_tx():
        (PlannedCall.update(date=friday)
         .where(PlannedCall.pinned == False, PlannedCall.window_start <= friday,
                PlannedCall.window_end >= friday, PlannedCall.date > dt.date(2026, 11, 25))
         .execute())
    return plan_db


async def test_rebalance_asks_first_and_n_keeps_the_plan(lumpy_db, run_app, wait_for_workers):
    before = _stored()
    async with run_app(mode="plan") as (app, pilot):
        await pilot.press("r")
        await wait_for_workers(app, pilot)
        text = screen_text(app)
        assert "Store the rebalanced plan?" in text
        assert "sum of squared loads" in text and "max shift" in text
        assert _stored() == before  # nothing stored while it asks
        await pilot.press("n")
        await wait_for_workers(app, pilot)
        assert "Not rebalanced: the plan is as it was" in screen_text(app)
    assert _stored() == before


async def test_rebalance_shows_before_and_after(lumpy_db, run_app, wait_for_workers):
    async with run_app(mode="plan") as (app, pilot):
        before = app.screen.summary.stats
        await pilot.press("r")
        await wait_for_workers(app, pilot)
        await pilot.press("y")
        await wait_for_workers(app, pilot)
        after = plan_summary(dt.date(2026, 11, 25), days=42).stats
        text = screen_text(app)
        assert "Rebalanced:" in text
        assert f"lower bound {after.lower_bound}" in text
        assert after.peak < before.peak
        assert after.peak >= after.lower_bound
        assert after.sum_sq_load < before.sum_sq_load and after.max_shift_days <= before.max_shift_days


async def test_a_rebalance_that_would_be_worse_is_not_offered(plan_db, run_app, wait_for_workers):
    """On this plan a rebalance comes out flat too but moves a call farther from its ideal day."""
    before = _stored()
    async with run_app(mode="plan") as (app, pilot):
        await pilot.press("r")
        await wait_for_workers(app, pilot)
        text = screen_text(app)
        assert "Not rebalanced: it would be worse (max shift): kept the plan as it is" in text
        assert "Store the rebalanced plan?" not in text
    assert _stored() == before


def test_chart_marks_days_off_without_colour():
    from planner.scheduling.plan_views import DayLoad

    start = dt.date(2026, 11, 23)  # a Monday
    days = [DayLoad(start + dt.timedelta(days=n), load, n % 7 < 5, "" if n % 7 < 5 else "weekend")
            for n, load in enumerate([8, 4, 0, 2, 1, 0, 0])]
    days[2] = DayLoad(days[2].date, 0, False, "holiday: Test")
    lines = chart_content(days, height=4, lower_bound=6).plain.splitlines()
    assert lines[0].startswith("   8 █")  # the peak labels the top row
    assert lines[-2] == "   0 ██h█▄··"  # baseline: holiday h, weekend ·, 1 of 8 is half a row
    assert any("6" in line[:4] and "┄" in line for line in lines)  # the lower bound drawn as a line
