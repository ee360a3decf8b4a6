"""Correcting a log into a call on (or after) a pinned call's day fulfils that call, exactly as
logging it that way would have: each case ends with the same stored plan, pins and remembered
fulfilled calls as a second database where it was logged that way, and editing it back gives the
call back. Through the CLI, on real files; Maria is snoozed to Friday 2026-11-27 on Wednesday."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sql_trace import Statements, assert_one_write_transaction

from planner.core import dates
from planner.services import contacts
from planner.services.contacts import ContactFields
from planner.services.interactions.edits import edit_interaction
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.schedule import snooze
from planner.store.connect import open_database
from planner.store.database import close_database
from planner.store.models import Interaction, PlannedCall

FRIDAY, SATURDAY, SUNDAY = "2026-11-27", "2026-11-28", "2026-11-29"
PINNED_FRIDAY = (dt.date(2026, 11, 27), "pinned")


def _ok(cli, *args: str, db: Path, today: str = FRIDAY) -> str:
    result = cli(*args, db=db, today=today)
    assert result.code == 0, result.err
    return result.out


def _log(cli, *args: str, db: Path, today: str = FRIDAY) -> int:
    return json.loads(_ok(cli, "log", *args, "--json", db=db, today=today))["id"]


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
        _ok(cli, "add", "Maria Schmidt", "--every", "30d", db=db, today="2026-11-25")
        _ok(cli, "add", "Jonas Weber", "--every", "14d", db=db, today="2026-11-25")
        _ok(cli, "snooze", "Maria", "--to", "friday", db=db, today="2026-11-25")
        _ok(cli, "plan", db=db, today=day)
        assert _pins(db) == [PINNED_FRIDAY]
    return paths


@pytest.mark.parametrize("outcome, pins_after", [("spoke", []), ("no-answer", [(dt.date(2026, 12, 1), "retry")])],
                         ids=["reached", "missed: a retry instead"])
def test_a_note_on_the_pinned_day_edited_into_a_call_fulfils_the_pin(cli, tmp_path, outcome, pins_after):
    edited, logged = _two_databases(cli, tmp_path)
    note = _log(cli, "Maria", "Caught her", "--kind", "note", db=edited)
    assert _pins(edited) == [PINNED_FRIDAY]  # a note fulfils nothing
    _ok(cli, "edit-log", str(note), "--kind", "call", "--outcome", outcome, db=edited)
    _log(cli, "Maria", "Caught her", "--kind", "call", "--outcome", outcome, db=logged)
    assert _state(edited) == _state(logged)
    assert _pins(edited) == pins_after
    shown = json.loads(_ok(cli, "show", "Maria", "--json", db=edited))
    assert shown["next_reason"] != "pinned"

    _ok(cli, "edit-log", str(note), "--kind", "note", db=edited)  # back as it was: the pin returns
    assert _pins(edited) == [PINNED_FRIDAY]


def test_a_call_moved_from_thursday_onto_the_pinned_friday_fulfils_the_pin(cli, tmp_path):
    edited, logged = _two_databases(cli, tmp_path, SATURDAY)
    # logged on Saturday, so that 06:00 on Friday is in the past whatever the clock says
    call = _log(cli, "Maria", "Caught her", "--at", "2026-11-26 06:00", db=edited, today=SATURDAY)
    assert _pins(edited) == [PINNED_FRIDAY]  # a call the day before leaves Friday's pin
    _ok(cli, "edit-log", str(call), "--at", f"{FRIDAY} 06:00", db=edited, today=SATURDAY)
    _log(cli, "Maria", "Caught her", "--at", f"{FRIDAY} 06:00", db=logged, today=SATURDAY)
    assert _state(edited) == _state(logged)
    shown = json.loads(_ok(cli, "show", "Maria", "--json", db=edited, today=SATURDAY))
    assert (shown["next_reason"], shown["last_contacted"][:10]) == ("cadence", FRIDAY)

    _ok(cli, "edit-log", str(call), "--at", "2026-11-26 06:00", db=edited, today=SATURDAY)  # moved back
    assert _pins(edited) == [PINNED_FRIDAY]
    _ok(cli, "delete-log", str(call), db=edited, today=SATURDAY)  # given back once: deleting changes nothing
    assert _pins(edited) == [PINNED_FRIDAY]


def test_a_pin_fulfilled_by_a_later_call_moves_to_the_earlier_log_edited_into_a_call(cli, tmp_path):
    """Had Friday's note been logged as a call, it would have fulfilled the pin and Saturday's call
    nothing: deleting Saturday's call must not bring the pin back."""
    edited, logged = _two_databases(cli, tmp_path, SUNDAY)
    note = _log(cli, "Maria", "Caught her", "--kind", "note", "--at", f"{FRIDAY} 10:00", db=edited, today=SUNDAY)
    later = _log(cli, "Maria", "Rang again", "--at", f"{SATURDAY} 10:00", db=edited, today=SUNDAY)
    assert _pins(edited) == []  # Saturday's call fulfilled it
    _ok(cli, "edit-log", str(note), "--kind", "call", db=edited, today=SUNDAY)
    _log(cli, "Maria", "Caught her", "--at", f"{FRIDAY} 10:00", db=logged, today=SUNDAY)
    _log(cli, "Maria", "Rang again", "--at", f"{SATURDAY} 10:00", db=logged, today=SUNDAY)
    assert _state(edited) == _state(logged)

    _ok(cli, "delete-log", str(later), db=edited, today=SUNDAY)
    assert _pins(edited) == []  # Friday's call still fulfilled it
    _ok(cli, "edit-log", str(note), "--kind", "note", db=edited, today=SUNDAY)
    assert _pins(edited) == [PINNED_FRIDAY]  # and with no call left, the pin is back


def test_a_follow_up_the_log_set_itself_is_not_fulfilled_by_editing_it(cli, tmp_path):
    edited, _ = _two_databases(cli, tmp_path)
    note = _log(cli, "Maria", "She asks for a call today", "--kind", "note", "--next", "today", db=edited)
    assert _pins(edited) == [(dt.date(2026, 11, 27), "follow-up")]
    _ok(cli, "edit-log", str(note), "--kind", "call", db=edited)
    assert _pins(edited) == [(dt.date(2026, 11, 27), "follow-up")]


def test_editing_a_note_into_the_call_that_fulfils_the_pin_is_one_write_transaction(db_path):
    maria = contacts.add_contact(ContactFields(name="Maria Schmidt", cadence_days=30)).id
    snooze(maria, dt.date(2026, 11, 27))
    dates.set_today(dt.date(2026, 11, 27))
    note = log_interaction(LogRequest(maria, "Caught her", kind="note"))
    with Statements() as seen:
        edit_interaction(note.id, kind="call")
    assert_one_write_transaction(seen)
    assert not PlannedCall.select().where(PlannedCall.pinned == True).exists()
