"""Contact edits, pins and imports are stored together with the re-plan they cause: ONE write
transaction each (counted from the statements SQLite ran on a real file), and when the re-plan
fails nothing of the change is stored, so no contact is ever left without its planned calls."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from factories import new_contact
from sql_trace import Statements, assert_one_write_transaction

from planner.io.importers import import_file
from planner.services.contacts import ContactFields, add_contact, edit_contact, set_archived
from planner.services.schedule import pin, skip_cycle, snooze, unpin
from planner.store.database import db
from planner.store.models import Contact, PlannedCall

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _stored() -> tuple[list[tuple], list[tuple]]:
    people = sorted((c.id, c.name, c.cadence_days, c.archived_at) for c in Contact.select())
    plan = sorted((c.contact_id, c.date, c.reason, c.pinned, c.seq) for c in PlannedCall.select())
    return people, plan


def _setup() -> dict[str, int]:
    maria = new_contact("Maria Schmidt", cadence_days=30)
    jonas = new_contact("Jonas Weber", cadence_days=60)
    pin(jonas, dt.date(2026, 12, 4))
    return {"maria": maria, "jonas": jonas}


ACTIONS = {
    "add contact": lambda ids: add_contact(ContactFields(name="Zoë Ångström", cadence_days=90)),
    "edit cadence": lambda ids: edit_contact(ids["maria"], ContactFields(cadence_days=14)),
    "archive": lambda ids: set_archived(ids["maria"], True),
    "snooze": lambda ids: snooze(ids["maria"], dt.date(2026, 12, 9)),
    "skip a cycle": lambda ids: skip_cycle(ids["maria"]),
    "unpin": lambda ids: unpin(ids["jonas"]),
    "import": lambda ids: import_file(FIXTURES / "linkedin_connections.csv"),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_each_change_and_its_re_plan_are_one_transaction(db_path, action):
    ids = _setup()
    before = _stored()
    with Statements() as seen:
        ACTIONS[action](ids)
    assert_one_write_transaction(seen)
    assert _stored() != before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_failed_re_plan_stores_nothing_of_the_change(db_path, action):
    ids = _setup()
    before = _stored()
    # a setting only the planner reads, damaged (as a newer or broken file could hold it)
    db.execute_sql("INSERT OR REPLACE INTO setting (key, value) VALUES ('horizon', '{not json')")
    with pytest.raises(json.JSONDecodeError):
        ACTIONS[action](ids)
    assert _stored() == before
