"""The planner service on real SQLite files: staggering an import, catching up overdue contacts,
holidays and blocks, pins, stability of single edits, today's calls, stale plans, two writers."""

from __future__ import annotations

import datetime as dt
import gc
import os
import subprocess
import sys
from collections import Counter

import pytest
from factories import bulk_contacts, planned_row, reached

from planner.core import dates
from planner.core.errors import FollowupError
from planner.scheduling import plan_views, service
from planner.scheduling.inputs import load_calendar
from planner.scheduling.service import replan
from planner.services import blocks, schedule
from planner.services.contacts import ContactFields, add_contact, edit_contact, set_archived
from planner.store import settings
from planner.store.database import write_tx
from planner.store.models import Contact, Interaction, PlannedCall

pytestmark = pytest.mark.engines  # every test here runs on SQLite and on PostgreSQL

TODAY = dt.date(2026, 11, 25)
DAY = dt.timedelta(days=1)



def free_rows() -> dict[tuple[int, int], dt.date]:
    return {(r.contact_id, r.seq): r.date for r in PlannedCall.select().where(PlannedCall.pinned == False)}


def load_by_day() -> Counter:
    return Counter(r.date for r in PlannedCall.select(PlannedCall.date))


def test_an_import_of_240_new_contacts_is_staggered_flat_over_six_months(db_path):
    bulk_contacts(240, 182)
    rows = list(PlannedCall.select())
    assert len(rows) == 240 and all(r.reason == "new" and not r.pinned for r in rows)
    cal = load_calendar()
    window = cal.working_days(TODAY, TODAY + 181 * DAY)
    loads = load_by_day()
    assert all(TODAY <= day <= TODAY + 181 * DAY and cal.is_working_day(day) for day in loads)
    # 240 calls over 130 working days: every working day gets 1 or 2, never 3 (flat, peak = LB = 2)
    assert [loads.get(day, 0) for day in window].count(0) == 0
    assert max(loads.values()) == 2 and min(loads.values()) == 1
    stats = plan_views.plan_summary().stats
    assert stats.peak == stats.lower_bound == 2


def test_overdue_contacts_are_caught_up_over_the_catchup_span_without_a_day_one_spike(db_path):
    ids = _seeded_the_day_before(60, 90)
    with write_tx():
        for i, cid in enumerate(ids):
            Interaction.create(contact=cid, happened_at=dt.datetime.combine(TODAY - (100 + i) * DAY, dt.time(12)),
                               outcome="spoke")
    service.update_plan(None)
    cal = load_calendar()
    span = cal.working_days(TODAY, cal.add_working_days(TODAY, 9))
    loads = load_by_day()
    first_calls = list(PlannedCall.select().where(PlannedCall.seq == 0))
    assert all(r.reason == "catch-up" and r.date in span for r in first_calls)
    assert [loads[d] for d in span] == [6] * 10  # 60 over 10 working days: 6 each, day one included


def test_holidays_and_blocks_get_no_calls(db_path):
    settings.set_value("holidays", "DE")
    blocks.add_block(dt.date(2026, 12, 28), dt.date(2027, 1, 8), "vacation")
    bulk_contacts(120, 30)
    with write_tx():
        for cid in range(1, 121):
            Interaction.create(contact=cid, happened_at=dt.datetime(2026, 11, 26 + cid % 4, 12), outcome="spoke")
    service.update_plan(None)
    days = set(load_by_day())
    assert not any(dt.date(2026, 12, 28) <= d <= dt.date(2027, 1, 8) for d in days)
    assert dt.date(2026, 12, 25) not in days and dt.date(2026, 12, 26) not in days  # Christmas holidays in DE
    assert all(d.weekday() < 5 for d in days)
    summary = plan_views.plan_summary(dt.date(2026, 12, 24), 6)
    why = {d.date: d.why_not for d in summary.days}
    assert why[dt.date(2026, 12, 25)].startswith("holiday: ")
    assert why[dt.date(2026, 12, 27)] == "weekend"
    assert why[dt.date(2026, 12, 28)] == "blocked: vacation"


def test_unblocking_part_of_a_range_splits_it(db_path):
    blocks.add_block(dt.date(2026, 12, 24), dt.date(2027, 1, 2), "vacation")
    blocks.remove_block(dt.date(2026, 12, 28), dt.date(2026, 12, 28))
    assert [(b.start, b.end, b.note) for b in blocks.list_blocks()] == [
        (dt.date(2026, 12, 24), dt.date(2026, 12, 27), "vacation"),
        (dt.date(2026, 12, 29), dt.date(2027, 1, 2), "vacation")]


def test_pinned_rows_are_never_rewritten_and_count_towards_their_day(db_path):
    ids = bulk_contacts(30, 14)
    view = schedule.pin(ids[0], dt.date(2026, 12, 2))
    with write_tx():
        planned_row(ids[1], dt.date(2026, 12, 2), reason="thank-you", pinned=True, favor=7)
    before = sorted((r.id, r.date, r.reason) for r in PlannedCall.select().where(PlannedCall.pinned == True))
    service.update_plan(None, rebalance=True)
    after = sorted((r.id, r.date, r.reason) for r in PlannedCall.select().where(PlannedCall.pinned == True))
    assert before == after and view.date == dt.date(2026, 12, 2)
    # the pinned call is the contact's next call: no other call of theirs before the next cadence
    mine = sorted(r.date for r in PlannedCall.select().where(PlannedCall.contact == ids[0]))
    assert mine[0] == dt.date(2026, 12, 2) and mine[1] >= dt.date(2026, 12, 2) + 12 * DAY
    # the thank-you is an extra task: contact 2 still has its own next call
    assert PlannedCall.select().where(PlannedCall.contact == ids[1], PlannedCall.pinned == False).count() >= 1


def _seeded_the_day_before(count: int, cadence: int) -> list[int]:
    """Contacts added the day before: today's first plan is the one the test makes (each add
    re-plans, and the day's first plan sets today's list)."""
    dates.set_today(TODAY - DAY)
    ids = bulk_contacts(count, cadence)
    dates.set_today(TODAY)
    return ids


def _two_hundred_monthly_contacts() -> list[int]:
    ids = _seeded_the_day_before(200, 30)
    with write_tx():
        for i, cid in enumerate(ids):
            Interaction.create(contact=cid, happened_at=dt.datetime.combine(TODAY - (i % 29) * DAY, dt.time(9)),
                               outcome="spoke")
    service.update_plan(None)
    return ids


def test_one_edit_leaves_every_other_call_in_place_when_the_peak_allows(db_path):
    ids = _two_hundred_monthly_contacts()
    before = free_rows()
    edit_contact(ids[5], ContactFields(cadence_days=60))
    later = add_contact(ContactFields(name="Yearly", cadence_days=365))
    reached(later.id, TODAY - 20 * DAY)
    replan([later.id])
    set_archived(ids[9], True)
    after = free_rows()
    changed = {ids[5], ids[9]}
    kept = {k: v for k, v in before.items() if k[0] not in changed}
    assert {k: v for k, v in after.items() if k in kept} == kept
    assert not any(k[0] == ids[9] for k in after)  # archived: no unpinned rows
    assert after[(later.id, 0)] >= TODAY + 345 * DAY - 60 * DAY


def test_an_edit_that_would_raise_the_peak_moves_few_others_and_keeps_the_bound(db_path):
    _two_hundred_monthly_contacts()
    before = free_rows()
    peak = plan_views.plan_summary().stats.peak
    with write_tx():
        newcomer = Contact.create(name="Newcomer", cadence_days=30)
    result = service.replan([newcomer.id])
    assert result.stats.peak == result.stats.lower_bound == peak
    moved = sum(1 for k, v in free_rows().items() if k in before and before[k] != v)
    assert moved == result.moved and moved <= 0.1 * len(before)


def test_a_logged_call_moves_the_next_one_a_cadence_on(db_path):
    (cid,) = bulk_contacts(1, 30)
    reached(cid, TODAY)
    replan([cid])
    first = PlannedCall.get((PlannedCall.contact == cid) & (PlannedCall.seq == 0))
    assert first.reason == "cadence" and first.ideal == TODAY + 30 * DAY
    assert abs((first.date - first.ideal).days) <= 4


def test_the_next_call_is_stored_even_beyond_the_horizon(db_path):
    (cid,) = bulk_contacts(1, 365)
    reached(cid, TODAY - 10 * DAY)
    replan([cid])
    rows = list(PlannedCall.select().where(PlannedCall.contact == cid))
    assert len(rows) == 1 and rows[0].ideal == TODAY + 355 * DAY
    assert rows[0].date > TODAY + settings.get("horizon") * DAY


def test_no_cadence_contacts_are_not_planned(db_path):
    bulk_contacts(3, None, no_cadence=True)
    assert PlannedCall.select().count() == 0


def test_todays_calls_stay_put_for_the_day(db_path):
    bulk_contacts(40, 14)
    today_ids = {r.contact_id for r in PlannedCall.select().where(PlannedCall.date == TODAY)}
    assert today_ids
    bulk_contacts(200, 14)  # a big import: full re-plan
    service.update_plan(None, rebalance=True)
    assert today_ids <= {r.contact_id for r in PlannedCall.select().where(PlannedCall.date == TODAY)}


def test_a_plan_from_an_earlier_day_is_refreshed(db_path):
    bulk_contacts(50, 14)
    dates.set_today(TODAY + 7 * DAY)
    assert service.refresh_if_stale() is True
    assert PlannedCall.select().where(PlannedCall.date < TODAY + 7 * DAY).count() == 0
    assert service.refresh_if_stale() is False


def test_snooze_onto_a_weekend_goes_to_monday_and_recurrences_follow(db_path):
    (cid,) = bulk_contacts(1, 14)
    view = schedule.snooze(cid, dt.date(2026, 12, 5))  # a Saturday
    assert view.date == dt.date(2026, 12, 7) and view.pinned and view.reason == "pinned"
    later = list(PlannedCall.select().where(PlannedCall.contact == cid, PlannedCall.pinned == False))
    assert later and min(r.ideal for r in later) == dt.date(2026, 12, 21)
    skipped = schedule.skip_cycle(cid)
    assert skipped.date == dt.date(2026, 12, 21) and skipped.note == "skipped a cycle"
    assert schedule.unpin(cid) is not None
    assert PlannedCall.select().where(PlannedCall.contact == cid, PlannedCall.pinned == True).count() == 0


def test_planned_calls_lists_a_date_range_with_names(db_path):
    (cid,) = bulk_contacts(1, 14)
    schedule.pin(cid, dt.date(2026, 11, 27))
    calls = plan_views.planned_calls(dt.date(2026, 11, 27), dt.date(2026, 11, 27))
    assert [(c.contact_id, c.contact_name, c.reason) for c in calls] == [(cid, "Person 0", "pinned")]


def test_two_processes_replanning_at_once_both_succeed(db_path, tmp_path):
    bulk_contacts(100, 30)
    script = (
        "import sys, datetime as dt\n"
        "from planner.core import dates\nfrom planner.store.connect import open_database\n"
        "from planner.scheduling import service\n"
        "dates.set_today(dt.date(2026, 11, 25))\nopen_database(sys.argv[1])\n"
        "for i in range(8):\n"
        "    service.update_plan(None, rebalance=i % 2 == 0)\n"
        "    service.update_plan([1 + i])\n"
    )
    env = dict(os.environ)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db_path)], stderr=subprocess.PIPE, env=env)
             for _ in range(2)]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    per_contact = Counter(r.contact_id for r in PlannedCall.select().where(PlannedCall.seq == 0))
    assert set(per_contact.values()) == {1} and len(per_contact) == 100


def test_a_pinned_call_from_a_past_day_stays_owed_and_is_reported(db_path):
    (cid,) = bulk_contacts(1, 14)
    reached(cid, TODAY - 20 * DAY)
    past = TODAY - 2 * DAY
    with write_tx():
        PlannedCall.delete().execute()
        planned_row(cid, past, reason="follow-up", pinned=True)
    stats = service.update_plan(None)
    assert stats.overdue == 1
    rows = sorted((r.date, r.reason, r.pinned) for r in PlannedCall.select().where(PlannedCall.contact == cid))
    assert rows[0] == (past, "follow-up", True)
    assert all(not pinned for _, _, pinned in rows[1:])
    assert min(r.ideal for r in PlannedCall.select().where(PlannedCall.contact == cid,
                                                         PlannedCall.pinned == False)) == TODAY + 14 * DAY


def test_a_call_into_a_full_week_moves_a_short_chain_of_others_and_keeps_the_peak(db_path):
    # 44 contacts on a 60-day cadence due on Wed 2 December (window 25 Nov .. 11 Dec) and 8 weekly
    # contacts reached today: the days around 2 December fill to the peak.
    due = dt.date(2026, 12, 2)
    with write_tx():
        for i in range(52):
            cadence = 60 if i < 44 else 7
            contact = Contact.create(name=f"Person {i}", cadence_days=cadence)
            last = due - cadence * DAY if cadence == 60 else TODAY
            Interaction.create(contact=contact, happened_at=dt.datetime.combine(last, dt.time(12)), outcome="spoke")
    service.update_plan(None)
    peak = plan_views.plan_summary().stats.peak
    loads = load_by_day()
    window = [due - DAY, due, due + DAY]
    assert [loads[day] for day in window] == [peak] * 3  # the new weekly call finds no room at first
    before = free_rows()
    with write_tx():
        newcomer = Contact.create(name="Weekly newcomer", cadence_days=7)
    reached(newcomer.id, TODAY)
    result = service.replan([newcomer.id])
    assert not result.full  # no full re-plan: a chain of moves made room
    after = free_rows()
    moved = [key for key, day in before.items() if after[key] != day]
    assert 1 <= len(moved) <= 3
    stats = plan_views.plan_summary().stats
    assert stats.peak == stats.lower_bound == peak
    first = PlannedCall.get((PlannedCall.contact == newcomer.id) & (PlannedCall.seq == 0))
    assert first.date in window
    for row in PlannedCall.select().where(PlannedCall.pinned == False):
        assert row.window_start <= row.date <= row.window_end and row.date.weekday() < 5


def test_a_small_import_staggers_its_first_calls_instead_of_filling_one_day(db_path):
    # 20 new half-yearly contacts (few enough for the incremental path) on a plan of 200
    import random

    rng = random.Random(3)
    with write_tx():
        for i in range(200):
            contact = Contact.create(name=f"Old {i}", cadence_days=rng.choice([30, 60, 90]))
            reached(contact.id, TODAY - rng.randint(0, 60) * DAY)
    service.update_plan(None)
    new = bulk_contacts(20, 182)
    firsts = Counter(r.date for r in PlannedCall.select().where(PlannedCall.contact.in_(new), PlannedCall.seq == 0))
    assert sum(firsts.values()) == 20 and max(firsts.values()) == 1
    stats = plan_views.plan_summary().stats
    assert stats.peak == stats.lower_bound


def test_the_plan_screen_figures_read_grouped_match_the_figures_of_every_row(db_path):
    """The plan screen reads the plan grouped by day, window and reason (a few hundred rows at
    100k contacts); its figures must be those of the rows one by one, late and pinned calls too."""
    from planner.scheduling.stats import compute_stats
    from planner.scheduling.stored_plan import stored_rows

    ids = bulk_contacts(120, 14)
    schedule.pin(ids[0], dt.date(2026, 11, 27))
    settings.set_value("capacity", "3")  # a cap that binds: late calls and a critical interval
    service.update_plan(None)
    today = dates.today()
    expected = compute_stats(stored_rows(), load_calendar(), today)
    assert expected.late > 0 and expected.critical is not None
    summary = plan_views.plan_summary(today, days=42)
    assert summary.stats == expected
    assert sum(day.load for day in summary.days) == sum(
        1 for row in stored_rows() if today <= row.date < today + dt.timedelta(days=42))
    last = max(row.date for row in stored_rows())
    late = plan_views.late_calls(today, last)
    assert late and all(call.date > call.window_end for call in late)
    assert [c.id for c in late] == [c.id for c in plan_views.planned_calls(today, last) if c.date > c.window_end]


def test_after_the_days_first_plan_no_edit_puts_a_call_on_today_or_takes_one_off(db_path):
    ids = _seeded_the_day_before(60, 14)
    with write_tx():
        for i, cid in enumerate(ids):
            Interaction.create(contact=cid, happened_at=dt.datetime.combine(TODAY - (10 + i % 8) * DAY, dt.time(9)),
                               outcome="spoke")
    service.update_plan(None)  # today's first plan: it sets today's list

    def on_today() -> set[int]:
        return {r.contact_id for r in PlannedCall.select().where(PlannedCall.date == TODAY)}

    first = on_today()
    assert len(first) >= 3
    made = sorted(first)[:2]
    for cid in made:  # two of today's calls made: today is the least busy day from now on
        reached(cid, TODAY)
        replan([cid])
    left = first - set(made)
    assert on_today() == left
    add_contact(ContactFields(name="Newcomer", cadence_days=7))
    edit_contact(ids[-1], ContactFields(cadence_days=7))
    blocks.add_block(TODAY + 6 * DAY, TODAY + 8 * DAY)
    service.update_plan(None)
    service.update_plan(None, rebalance=True)
    assert on_today() == left
    stats = plan_views.plan_summary().stats
    assert stats.peak == stats.lower_bound


def test_the_days_first_plan_updates_each_call_in_its_row_and_stores_exactly_the_plan(db_path):
    ids = _two_hundred_monthly_contacts()
    bulk_contacts(30, 60)  # never reached: new contacts, whose first window starts today
    with write_tx():  # overdue: their catch-up window starts today
        for cid in ids[:20]:
            Interaction.update(happened_at=dt.datetime.combine(TODAY - 45 * DAY, dt.time(9))).where(
                Interaction.contact == cid).execute()
    service.update_plan(None)
    before = {(r.contact_id, r.seq): r for r in PlannedCall.select().where(PlannedCall.pinned == False)}

    dates.set_today(TODAY + DAY)  # the next morning: every window that started yesterday moves
    expected = service.replan(None, dry_run=True).rows
    assert service.refresh_if_stale() is True
    stored = list(PlannedCall.select().where(PlannedCall.pinned == False))
    tomorrow = TODAY + 2 * DAY  # once the day's list is set, the later calls' windows start after today
    assert sorted((r.contact_id, r.seq, r.date, r.ideal, r.window_start, r.window_end, r.reason, r.favor, r.note,
                   r.at_time) for r in stored) == sorted(
        (r.contact_id, r.seq, r.date, r.ideal, max(r.window_start, tomorrow) if r.date >= tomorrow else r.window_start,
         r.window_end, r.reason, None, "", "") for r in expected if not r.pinned)
    kept = [r for r in stored if (r.contact_id, r.seq) in before]
    assert len([r for r in kept if before[(r.contact_id, r.seq)].window_start != r.window_start]) >= 30
    # a call still there kept its row: what holds its id (an undo journal, a screen's selection) follows it
    assert all(before[(r.contact_id, r.seq)].id == r.id for r in kept)


def test_a_replan_leaves_pythons_cycle_collector_as_it_found_it(db_path):
    bulk_contacts(30, 1)  # daily calls
    service.update_plan(None)
    assert gc.isenabled()  # paused while the plan was made, running again after it
    gc.disable()  # paused by someone else: a plan does not start it
    try:
        service.update_plan(None)
        assert not gc.isenabled()
    finally:
        gc.enable()
    settings.set_value("capacity", "1")  # 30 calls a day against 1: no plan, even two years late
    with pytest.raises(FollowupError, match="cannot hold"):
        service.update_plan(None)
    assert gc.isenabled()
