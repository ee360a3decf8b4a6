"""Today is a worklist (issue 11): on the demo (today 2026-12-01), the day's first plan sets
today's calls; nothing a re-plan does afterwards (a favour, a thank-you, a block, a new contact,
`followup plan`, a rebalance, another process's edit) moves a call into today or out of it; the
user's own pin, snooze or `log --next today` does; `plan --json` reports the bound on that basis,
and a rebalance is stored only when asked and never when it is worse."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest

from planner.core.vocabulary import PlanReason
from planner.scheduling import worklist
from planner.store.connect import open_database
from planner.store.database import close_database
from planner.store.models import PlannedCall

DEMO_TODAY = "2026-12-01"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The 300-contact demo, built once by `followup demo` in its own process."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    proc = subprocess.run([sys.executable, "-m", "planner", "--db", str(path), "--today", DEMO_TODAY,
                           "demo", "--no-ui"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return path


@pytest.fixture
def demo(cli, demo_file, tmp_path):
    """`demo(ARGS...)`: `followup ARGS...` on a fresh copy of the demo, today 2026-12-01."""
    path = tmp_path / "demo" / "followup.db"
    path.parent.mkdir()
    shutil.copy(demo_file, path)

    def run(*args: str):
        result = cli(*args, db=path, today=DEMO_TODAY)
        assert result.code == 0, (args, result.err)
        return result

    run.db = path  # type: ignore[attr-defined]
    return run


def _read(path, query):
    open_database(path)
    try:
        return query()
    finally:
        close_database()


def open_calls(path, day: dt.date = TODAY) -> set[int]:
    """Who has a call still on the day (thank-you tasks are no call)."""
    return _read(path, lambda: {cid for (cid,) in PlannedCall.select(PlannedCall.contact)
                                .where(PlannedCall.date == day, PlannedCall.reason != PlanReason.THANK_YOU)
                                .tuples()})


def listed(path) -> dict[int, str]:
    return _read(path, lambda: worklist.listed(TODAY))


def soonest_not_today(path, count: int) -> list[int]:
    """Contacts whose next unpinned call is nearest after today: the ones a re-plan would pull in."""
    def query():
        rows = (PlannedCall.select(PlannedCall.contact).where(PlannedCall.date > TODAY, PlannedCall.pinned == False,
                                                              PlannedCall.seq == 0)
                .order_by(PlannedCall.date, PlannedCall.contact).tuples())
        on_today = open_calls_now()
        return [cid for (cid,) in rows if cid not in on_today][:count]

    def open_calls_now() -> set[int]:
        return {cid for (cid,) in PlannedCall.select(PlannedCall.contact).where(PlannedCall.date == TODAY).tuples()}

    return _read(path, query)


def test_the_days_first_plan_sets_the_list_in_the_database(demo):
    calls = open_calls(demo.db)
    assert len(calls) >= 4
    assert set(listed(demo.db)) == calls


def test_no_trigger_moves_a_call_into_or_out_of_today(demo):
    first = open_calls(demo.db)
    made = sorted(first)[:3]
    for cid in made:
        demo("log", str(cid), "called, all well")
    left = first - set(made)
    assert open_calls(demo.db) == left
    near = soonest_not_today(demo.db, 3)
    owed = _read(demo.db, lambda: [cid for (cid,) in PlannedCall.select(PlannedCall.contact)
                                   .where(PlannedCall.reason == PlanReason.THANK_YOU).order_by(PlannedCall.contact)
                                   .tuples()])
    steps = [
        ("favor", str(near[0]), "advice", "--got", "tips on the market"),
        ("thank", str(owed[0])),
        ("block", "2026-12-24..2027-01-01"),
        ("add", "Newcomer Person", "--every", "14d"),
        ("favor", str(near[1]), "gift", "--gave"),
        ("plan",),
        ("plan", "--rebalance", "--yes"),
    ]
    for step in steps:
        demo(*step)
        assert open_calls(demo.db) == left, step
    # another process's edit of the same file: a second login
    other = subprocess.run([sys.executable, "-m", "planner", "--db", str(demo.db), "--today", DEMO_TODAY,
                            "favor", str(near[2]), "referral", "--got"], capture_output=True, text=True, timeout=120)
    assert other.returncode == 0, other.stderr
    assert open_calls(demo.db) == left
    # the calls made are still on the list: the agenda shows them done, with what was logged
    assert set(listed(demo.db)) == first
    text = demo("agenda", "--today").out
    assert f"Done today (3 of {len(first)} calls)" in text and text.count("done: call (") == 3


def test_the_users_own_actions_put_a_call_on_today(demo):
    first = open_calls(demo.db)
    pinned, snoozed, followed = soonest_not_today(demo.db, 3)
    demo("pin", str(pinned), DEMO_TODAY)
    demo("snooze", str(snoozed), "--to", "today")
    demo("log", str(followed), "sent the brief", "--kind", "email", "--next", "today")
    assert open_calls(demo.db) == first | {pinned, snoozed, followed}
    assert set(listed(demo.db)) == first | {pinned, snoozed, followed}
    # and the user takes one out again: snoozed to Friday, it leaves today
    gone = sorted(first)[0]
    demo("snooze", str(gone), "--to", "2026-12-04")
    assert gone not in open_calls(demo.db)


def test_plan_json_reports_the_bound_met_with_today_fixed(demo):
    for cid in sorted(open_calls(demo.db))[:2]:
        demo("log", str(cid), "done")
    data = json.loads(demo("plan", "--json").out)
    assert data["today_fixed"] is True
    stats = data["stats"]
    assert stats["late"] == 0 and stats["peak"] == stats["lower_bound"]
    for call in data["calls"]:
        if call["date"] != DEMO_TODAY and not call["pinned"]:
            # no free call could have gone on today: the bound is the one of that plan
            assert call["window_start"] > DEMO_TODAY, call


def test_rebalance_asks_and_is_never_stored_worse(demo):
    def plan_now() -> list[tuple]:
        return _read(demo.db, lambda: sorted(PlannedCall.select(PlannedCall.contact, PlannedCall.seq, PlannedCall.date)
                                             .tuples()))

    before = plan_now()
    asked = demo("plan", "--rebalance")  # no terminal in a test: it shows and stores nothing
    assert "sum of squared loads" in asked.out and "max shift" in asked.out
    assert "not applied" in asked.out and "--yes" in asked.out
    assert plan_now() == before
    dry = demo("plan", "--rebalance", "--dry-run")
    assert "nothing stored" in dry.out and plan_now() == before
    for cid in sorted(open_calls(demo.db))[:3]:  # a morning's work, then the holidays blocked
        demo("log", str(cid), "done")
    demo("block", "2026-12-24..2027-01-01")
    kept = 0
    for _ in range(4):
        shown = json.loads(demo("plan", "--rebalance", "--json").out)
        previous = plan_now()
        done = json.loads(demo("plan", "--rebalance", "--yes", "--json").out)
        if done["applied"]:
            assert done["after"]["sum_sq_load"] <= done["before"]["sum_sq_load"]
            assert done["after"]["max_shift_days"] <= done["before"]["max_shift_days"]
        if shown["worse_on"]:
            kept += 1
            assert not done["applied"] and plan_now() == previous
            said = demo("plan", "--rebalance", "--yes").out
            assert "would be worse" in said and "kept the plan as it is" in said
            assert plan_now() == previous
    assert kept, "on the demo, rebalancing a rebalanced plan again comes out worse at least once"


def test_the_next_days_first_plan_sets_a_new_list(demo, cli):
    tomorrow = dt.date(2026, 12, 2)
    assert not _read(demo.db, lambda: worklist.is_set(tomorrow))
    result = cli("plan", db=demo.db, today="2026-12-02")
    assert result.code == 0, result.err
    assert _read(demo.db, lambda: worklist.is_set(tomorrow))
    assert set(_read(demo.db, lambda: worklist.listed(tomorrow))) == open_calls(demo.db, tomorrow)


def test_a_call_made_and_its_log_deleted_comes_back_to_today(demo, cli):
    first = open_calls(demo.db)
    cid = sorted(first)[0]
    logged = json.loads(demo("log", str(cid), "called", "--json").out)["id"]
    assert open_calls(demo.db) == first - {cid}
    demo("delete-log", str(logged))  # the user's own action on that contact: their call is today's again
    assert open_calls(demo.db) == first
