"""Deleting (or editing away) a log gives back the pinned or follow-up call logging it fulfilled,
exactly as it was, unless something newer has taken its place. Through the CLI, on a real file;
today is Wednesday 2026-11-25 unless a step runs on Friday 2026-11-27."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from factories import new_contact
from sql_trace import Statements, assert_one_write_transaction

from planner.core import dates
from planner.services.interactions.edits import delete_interaction
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.schedule import snooze
from planner.store.models import PlannedCall

FRIDAY, SATURDAY = "2026-11-27", "2026-11-28"


def _pins(cli) -> list[tuple]:
    """Every pinned call, with everything a pin row holds."""
    return cli.read(lambda: sorted(
        (r.contact_id, r.date, r.ideal, r.window_start, r.window_end, r.reason, r.seq, r.note)
        for r in PlannedCall.select().where(PlannedCall.pinned == True)))


def _plan(cli) -> list[tuple]:
    """Every stored call: where it is and where it would ideally be."""
    return cli.read(lambda: sorted((r.contact_id, r.seq, r.reason, r.pinned, r.ideal, r.date, r.note)
                                   for r in PlannedCall.select()))


def _maria_snoozed_to_friday(cli) -> list[tuple]:
    cli.ok("add", "Maria Schmidt", "--every", "30d")
    cli.ok("add", "Jonas Weber", "--every", "14d")
    cli.ok("snooze", "Maria", "--to", "friday")
    pins = _pins(cli)
    assert [(p[1], p[5]) for p in pins] == [(dt.date(2026, 11, 27), "pinned")]
    return pins


def test_deleting_the_call_that_fulfilled_a_snooze_brings_the_friday_pin_back_exactly(cli):
    pins = _maria_snoozed_to_friday(cli)
    cli.ok("plan", today=FRIDAY)  # Friday morning: the day's re-plan of what is past
    plan = _plan(cli)
    call = cli.log("Maria", "Caught her", today=FRIDAY)
    assert _pins(cli) == []  # fulfilled
    cli.ok("delete-log", str(call), today=FRIDAY)
    assert _pins(cli) == pins
    after, maria = _plan(cli), pins[0][0]
    # her recurrences follow on from the pin again (the planner may pick another day in their
    # windows), and nobody else's call moved
    assert [row[:5] for row in after] == [row[:5] for row in plan]
    assert [row for row in after if row[0] != maria] == [row for row in plan if row[0] != maria]
    shown = json.loads(cli.ok("show", "Maria", "--json", today=FRIDAY))
    assert (shown["next_call"], shown["next_reason"], shown["last_contacted"]) == (FRIDAY, "pinned", None)


def test_deleting_the_log_that_fulfilled_a_follow_up_brings_the_follow_up_back(cli):
    cli.ok("add", "Maria Schmidt", "--every", "30d")
    first = cli.log("Maria", "Call me Friday", "--next", "friday")
    follow_up = _pins(cli)
    assert [(p[1], p[5], p[7]) for p in follow_up] == [(dt.date(2026, 11, 27), "follow-up", f"set by log #{first}")]
    second = cli.log("Maria", "Friday call", today=FRIDAY)
    assert _pins(cli) == []
    cli.ok("delete-log", str(second), today=FRIDAY)
    assert _pins(cli) == follow_up
    # it came back as the first log's: deleting that one now takes it away
    cli.ok("delete-log", str(first), today=FRIDAY)
    assert _pins(cli) == []


def test_a_newer_snooze_keeps_its_place(cli):
    _maria_snoozed_to_friday(cli)
    call = cli.log("Maria", "Caught her", today=FRIDAY)
    cli.ok("snooze", "Maria", "--to", "2026-12-09", today=FRIDAY)
    newer = _pins(cli)
    cli.ok("delete-log", str(call), today=FRIDAY)
    assert _pins(cli) == newer and [p[1] for p in newer] == [dt.date(2026, 12, 9)]


def test_a_later_call_on_the_day_keeps_it_fulfilled_until_it_is_deleted_too(cli):
    pins = _maria_snoozed_to_friday(cli)
    morning = cli.log("Maria", "Morning call", "--at", f"{FRIDAY} 09:00", today=SATURDAY)
    later = cli.log("Maria", "Rang again", "--at", f"{FRIDAY} 11:00", today=SATURDAY)
    cli.ok("delete-log", str(morning), today=SATURDAY)
    assert _pins(cli) == []  # the later call would have fulfilled it had the first not been logged
    cli.ok("delete-log", str(later), today=SATURDAY)
    assert _pins(cli) == pins


def test_a_follow_up_whose_log_is_deleted_does_not_come_back_and_what_it_replaced_does(cli):
    cli.ok("add", "Maria Schmidt", "--every", "30d")
    cli.ok("snooze", "Maria", "--to", "2026-12-09")
    snoozed = _pins(cli)
    asked = cli.log("Maria", "Call me Friday instead", "--next", "friday")  # replaces the snooze
    on_friday = cli.log("Maria", "Friday call", today=FRIDAY)  # fulfils the follow-up
    cli.ok("delete-log", str(asked), today=FRIDAY)
    assert _pins(cli) == snoozed  # as if she had never asked: the call on Friday was before it
    cli.ok("delete-log", str(on_friday), today=FRIDAY)
    assert _pins(cli) == snoozed  # the follow-up of a deleted log is not given back


@pytest.mark.parametrize("edit", [("--kind", "note"), ("--at", "2026-11-26 10:00")],
                         ids=["into a note", "to before the pinned day"])
def test_editing_the_call_away_gives_the_pin_back(cli, edit):
    pins = _maria_snoozed_to_friday(cli)
    call = cli.log("Maria", "Caught her", today=FRIDAY)
    cli.ok("edit-log", str(call), *edit, today=FRIDAY)
    assert _pins(cli) == pins
    cli.ok("delete-log", str(call), today=FRIDAY)  # given back once: deleting it now changes nothing
    assert _pins(cli) == pins


def test_a_call_edited_to_missed_still_fulfilled_the_pin(cli):
    """A missed attempt on the day fulfils a pinned call when it is logged (and plans a retry), so
    it does when it is corrected to one."""
    _maria_snoozed_to_friday(cli)
    call = cli.log("Maria", "Caught her", today=FRIDAY)
    cli.ok("edit-log", str(call), "--outcome", "no-answer", today=FRIDAY)
    assert [(p[1], p[5]) for p in _pins(cli)] == [(dt.date(2026, 12, 1), "retry")]
    cli.ok("delete-log", str(call), today=FRIDAY)
    assert [(p[1], p[5]) for p in _pins(cli)] == [(dt.date(2026, 11, 27), "pinned")]


def test_deleting_the_log_gives_the_pin_back_in_its_one_write_transaction(db_path):
    maria = new_contact("Maria Schmidt", cadence_days=30)
    snooze(maria, dt.date(2026, 11, 27))
    dates.set_today(dt.date(2026, 11, 27))
    call = log_interaction(LogRequest(maria, "Caught her"))
    assert not PlannedCall.select().where(PlannedCall.pinned == True).exists()
    with Statements() as seen:
        delete_interaction(call.id)
    assert_one_write_transaction(seen)
    assert [(r.date, r.reason) for r in PlannedCall.select().where(PlannedCall.pinned == True)] == [
        (dt.date(2026, 11, 27), "pinned")]
