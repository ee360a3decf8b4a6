"""Owners: every contact is a member's, and each owner's calls are planned over that owner's own
working days, blocked days and daily cap, with the planner's guarantees held per owner. On both
engines: the members here are rows (a team on the server adds them by role: tests/test_team_cli.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from factories import FIXED_TODAY, bulk_contacts

from planner.core.errors import NotFound
from planner.scheduling.inputs import load_calendar
from planner.scheduling.plan_check import plan_problems
from planner.scheduling.service import owner_stats, replan
from planner.services.blocks import add_block, list_blocks, remove_block
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.interactions.team_memory import reached_by_others
from planner.services.owners import assign
from planner.services.team import find_member
from planner.store import settings
from planner.store.database import write_tx
from planner.store.models import Contact, Member, PlannedCall

pytestmark = pytest.mark.engines

DAY = dt.timedelta(days=1)


def _member(name: str) -> int:
    with write_tx():
        return Member.create(name=name, role=name.lower()).id


def _desk() -> tuple[int, int, list[int], list[int]]:
    """Ana works Mon-Wed with at most 4 calls a day and a week off; Ben Tue-Fri, 6 a day."""
    ana, ben = _member("Ana"), _member("Ben")
    settings.set_value(settings.member_key(ana, "workdays"), "mon,tue,wed")
    settings.set_value(settings.member_key(ana, "capacity"), "4")
    settings.set_value(settings.member_key(ben, "workdays"), "tue,wed,thu,fri")
    settings.set_value(settings.member_key(ben, "capacity"), "6")
    add_block(FIXED_TODAY + 12 * DAY, FIXED_TODAY + 18 * DAY, "Ana's week off", ana)
    anas = bulk_contacts(40, 30, owner_id=ana)
    bens = bulk_contacts(90, 45, owner_id=ben)
    replan(None)
    return ana, ben, anas, bens


def _calls(ids: list[int]) -> dict[tuple[int, int], dt.date]:
    rows = PlannedCall.select().where(PlannedCall.contact.in_(ids), PlannedCall.pinned == False)
    return {(r.contact_id, r.seq): r.date for r in rows}


def test_each_owner_is_planned_on_their_own_days_and_cap_at_their_own_lower_bound(db_path):
    ana, ben, anas, bens = _desk()
    ana_cal, ben_cal = load_calendar(ana), load_calendar(ben)
    ana_days, ben_days = _calls(anas).values(), _calls(bens).values()
    assert ana_days and ben_days
    assert all(ana_cal.is_working_day(day) for day in ana_days)
    assert all(ben_cal.is_working_day(day) for day in ben_days)
    assert {day.weekday() for day in ana_days} <= {0, 1, 2}
    assert {day.weekday() for day in ben_days} <= {1, 2, 3, 4}
    assert not [day for day in ana_days if FIXED_TODAY + 12 * DAY <= day <= FIXED_TODAY + 18 * DAY]
    # Ana's week off is hers: Ben still has calls in it
    assert [day for day in ben_days if FIXED_TODAY + 12 * DAY <= day <= FIXED_TODAY + 18 * DAY]
    for owner, cap in ((ana, 4), (ben, 6)):
        stats = owner_stats(owner)
        assert stats.late == 0
        assert stats.peak == stats.lower_bound <= cap, (owner, stats)
    assert max(Counter(ana_days).values()) == owner_stats(ana).peak
    assert max(Counter(ben_days).values()) == owner_stats(ben).peak
    assert plan_problems() == ([], [])  # each owner's calls checked on their own calendar


def test_a_replan_of_everyone_leaves_both_plans_where_they_are(db_path):
    _ana, _ben, anas, bens = _desk()
    before = _calls(anas + bens)
    assert replan(None).moved == 0
    assert _calls(anas + bens) == before


def test_reassigning_contacts_replans_both_owners_stably(db_path):
    ana, ben, anas, bens = _desk()
    before = _calls(anas + bens)
    moving = anas[:10]
    done = assign(moving, find_member("Ben"))
    assert (done.contacts, done.already) == (10, 0)
    assert Contact.select().where(Contact.id.in_(moving), Contact.owner_id == ben).count() == 10
    after = _calls(anas + bens)
    ben_cal = load_calendar(ben)
    assert all(ben_cal.is_working_day(after[key]) for key in after if key[0] in moving)
    for owner in (ana, ben):
        stats = owner_stats(owner)
        assert stats.peak == stats.lower_bound, (owner, stats)
    stayed = set(anas[10:] + bens)
    kept = [key for key in after if key[0] in stayed and key in before]
    moved = sum(1 for key in kept if before[key] != after[key])
    assert moved <= 0.1 * len(kept), (moved, len(kept))  # 25 of 273 when written


def test_a_call_logged_by_another_member_moves_the_owners_next_call(db_path):
    ana, ben, anas, _bens = _desk()
    cid = anas[0]
    first = PlannedCall.get(PlannedCall.contact == cid, PlannedCall.seq == 0)
    view = log_interaction(LogRequest(cid, "Ben caught them at the fair", member_id=ben))
    assert view.logged_by == ben
    moved = PlannedCall.get(PlannedCall.contact == cid, PlannedCall.seq == 0)
    assert moved.date > first.date and moved.ideal == FIXED_TODAY + 30 * DAY
    assert load_calendar(ana).is_working_day(moved.date)
    stats = owner_stats(ana)
    assert stats.peak <= stats.lower_bound + 1  # an edit places one contact: at most one above, as ever


def test_a_colleagues_recent_touch_is_remembered_for_the_next_caller(db_path):
    ana, ben = _member("Ana"), _member("Ben")
    (cid,) = bulk_contacts(1, 30, owner_id=ana)
    at = dt.datetime.combine(FIXED_TODAY, dt.time(9), tzinfo=dt.UTC)
    log_interaction(LogRequest(cid, "old news", member_id=ben, at=at - 10 * DAY))
    log_interaction(LogRequest(cid, "just a note", kind="note", member_id=ben, at=at))
    assert reached_by_others(cid, ana) == []  # ten days ago is outside the week; a note reaches nobody
    log_interaction(LogRequest(cid, "sent the shortlist", kind="email", member_id=ben, at=at - 2 * DAY))
    (touch,) = reached_by_others(cid, ana)
    assert touch.words(FIXED_TODAY) == "Ben emailed them Mon"
    assert reached_by_others(cid, ben) == []  # my own touches are no warning to me
    assert reached_by_others(cid, ana, days=1) == []
    log_interaction(LogRequest(cid, "caught them", member_id=ana, at=at))
    assert [t.member for t in reached_by_others(cid, ben)] == ["Ana"]


def test_a_members_blocked_days_are_reopened_only_for_them(db_path):
    ana = _member("Ana")
    start, end = FIXED_TODAY + 5 * DAY, FIXED_TODAY + 9 * DAY
    add_block(start, end, "Ana's trip", ana)
    add_block(start, start, "desk offsite")
    assert not load_calendar(ana).is_working_day(start + DAY) and load_calendar().is_working_day(start + DAY)
    remove_block(start, end)  # the desk's day only
    assert [(b.start, b.end) for b in list_blocks()] == [(start, end)]
    remove_block(start + DAY, start + DAY, ana)  # one day of the trip back, for Ana
    assert load_calendar(ana).is_working_day(start + DAY)
    assert [(b.start, b.end) for b in list_blocks()] == [(start, start), (start + 2 * DAY, end)]
    with pytest.raises(NotFound):
        remove_block(start + DAY, start + DAY)
