"""Correcting a log into a call on (or after) a pinned call's day fulfils that call, exactly as
logging it that way would have: each case ends with the same stored plan, pins and remembered
fulfilled calls as a second database where it was logged that way, and editing it back gives the
call back. Through the CLI, on real files; Maria is snoozed to Friday 2026-11-27 on Wednesday."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from factories import new_contact
from sql_trace import Statements, assert_one_write_transaction

from planner.core import dates
from planner.services.interactions.edits import edit_interaction
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.schedule import snooze
from planner.store.connect import open_database
from planner.store.database import close_database
from planner.store.models import Interaction, PlannedCall

FRIDAY, SATURDAY, SUNDAY = "2026-11-27", "2026-11-28", "2026-11-29"
PINNED_FRIDAY = (dt.date(2026, 11, 27), "pinned")


def _state(db: Path) -> dict[str, list]:
    """Everything logging decides: every stored call, every pin, and what each log fulfilled."""
    open_database(db)
    try:
        calls = list(PlannedCall.select())
        return {
            "plan": sorted((r.contact_id, r.seq, r.reason, r.pinned, r.ideal, r.date, r.note) for r in calls),
            "pins": sorted((r.contact_id, r.date, r.reason, r.note) for r in calls if r.pinned),
            "fulfilled": sorted((r.id, r.consumed_pins or "") for r in Interaction.select()),
        }
    finally:
        close_database()


def _pins(db: Path) -> list[tuple[dt.date, str]]:
    return [(day, reason) for _, day, reason, _ in _state(db)["pins"]]


def _two_databases(cli, tmp_path, day: str = FRIDAY) -> tuple[Path, Path]:
    """`edited` and `logged`, each with Maria snoozed to Friday and Jonas on his cadence, and
    `day`'s morning re-plan done: the first write of a new day re-plans everyone around where
    calls were, so both start the day from the same plan and differ only by the edit."""
    paths = tmp_path / "edited.db", tmp_path / "logged.db"
    for db in paths:
        cli.ok("add", "Maria Schmidt", "--every", "30d", db=db, today="2026-11-25")
        cli.ok("add", "Jonas Weber", "--every", "14d", db=db, today="2026-11-25")
        cli.ok("snooze", "Maria", "--to", "friday", db=db, today="2026-11-25")
        cli.ok("plan", db=db, today=day)
        assert _pins(db) == [PINNED_FRIDAY]
    return paths


@pytest.mark.parametrize("outcome, pins_after", [("spoke", []), ("no-answer", [(dt.date(2026, 12, 1), "retry")])],
                         ids=["reached", "missed: a retry instead"])
def test_a_note_on_the_pinned_day_edited_into_a_call_fulfils_the_pin(cli, tmp_path, outcome, pins_after):
    edited, logged = _two_databases(cli, tmp_path)
    note = cli.log("Maria", "Caught her", "--kind", "note", db=edited, today=FRIDAY)
    assert _pins(edited) == [PINNED_FRIDAY]  # a note fulfils nothing
    cli.ok("edit-log", str(note), "--kind", "call", "--outcome", outcome, db=edited, today=FRIDAY)
    cli.log("Maria", "Caught her", "--kind", "call", "--outcome", outcome, db=logged, today=FRIDAY)
    assert _state(edited) == _state(logged)
    assert _pins(edited) == pins_after
    shown = json.loads(cli.ok("show", "Maria", "--json", db=edited, today=FRIDAY))
    assert shown["next_reason"] != "pinned"

    cli.ok("edit-log", str(note), "--kind", "note", db=edited, today=FRIDAY)  # back as it was: the pin returns
    assert _pins(edited) == [PINNED_FRIDAY]


def test_a_call_moved_from_thursday_onto_the_pinned_friday_fulfils_the_pin(cli, tmp_path):
    edited, logged = _two_databases(cli, tmp_path, SATURDAY)
    # logged on Saturday, so that 06:00 on Friday is in the past whatever the clock says
    call = cli.log("Maria", "Caught her", "--at", "2026-11-26 06:00", db=edited, today=SATURDAY)
    assert _pins(edited) == [PINNED_FRIDAY]  # a call the day before leaves Friday's pin
    cli.ok("edit-log", str(call), "--at", f"{FRIDAY} 06:00", db=edited, today=SATURDAY)
    cli.log("Maria", "Caught her", "--at", f"{FRIDAY} 06:00", db=logged, today=SATURDAY)
    assert _state(edited) == _state(logged)
    shown = json.loads(cli.ok("show", "Maria", "--json", db=edited, today=SATURDAY))
    assert (shown["next_reason"], shown["last_contacted"][:10]) == ("cadence", FRIDAY)

    cli.ok("edit-log", str(call), "--at", "2026-11-26 06:00", db=edited, today=SATURDAY)  # moved back
    assert _pins(edited) == [PINNED_FRIDAY]
    cli.ok("delete-log", str(call), db=edited, today=SATURDAY)  # given back once: deleting changes nothing
    assert _pins(edited) == [PINNED_FRIDAY]


def test_a_pin_fulfilled_by_a_later_call_moves_to_the_earlier_log_edited_into_a_call(cli, tmp_path):
    """Had Friday's note been logged as a call, it would have fulfilled the pin and Saturday's call
    nothing: deleting Saturday's call must not bring the pin back."""
    edited, logged = _two_databases(cli, tmp_path, SUNDAY)
    note = cli.log("Maria", "Caught her", "--kind", "note", "--at", f"{FRIDAY} 10:00", db=edited, today=SUNDAY)
    later = cli.log("Maria", "Rang again", "--at", f"{SATURDAY} 10:00", db=edited, today=SUNDAY)
    assert _pins(edited) == []  # Saturday's call fulfilled it
    cli.ok("edit-log", str(note), "--kind", "call", db=edited, today=SUNDAY)
    cli.log("Maria", "Caught her", "--at", f"{FRIDAY} 10:00", db=logged, today=SUNDAY)
    cli.log("Maria", "Rang again", "--at", f"{SATURDAY} 10:00", db=logged, today=SUNDAY)
    assert _state(edited) == _state(logged)

    cli.ok("delete-log", str(later), db=edited, today=SUNDAY)
    assert _pins(edited) == []  # Friday's call still fulfilled it
    cli.ok("edit-log", str(note), "--kind", "note", db=edited, today=SUNDAY)
    assert _pins(edited) == [PINNED_FRIDAY]  # and with no call left, the pin is back


def test_a_follow_up_the_log_set_itself_is_not_fulfilled_by_editing_it(cli, tmp_path):
    edited, _ = _two_databases(cli, tmp_path)
    note = cli.log("Maria", "She asks for a call today", "--kind", "note", "--next", "today", db=edited, today=FRIDAY)
    assert _pins(edited) == [(dt.date(2026, 11, 27), "follow-up")]
    cli.ok("edit-log", str(note), "--kind", "call", db=edited, today=FRIDAY)
    assert _pins(edited) == [(dt.date(2026, 11, 27), "follow-up")]


def test_editing_a_note_into_the_call_that_fulfils_the_pin_is_one_write_transaction(db_path):
    maria = new_contact("Maria Schmidt", cadence_days=30)
    snooze(maria, dt.date(2026, 11, 27))
    dates.set_today(dt.date(2026, 11, 27))
    note = log_interaction(LogRequest(maria, "Caught her", kind="note"))
    with Statements() as seen:
        edit_interaction(note.id, kind="call")
    assert_one_write_transaction(seen)
    assert not PlannedCall.select().where(PlannedCall.pinned == True).exists()
