"""Ledger writes and the re-plan they cause are ONE write transaction: a favour recorded or
deleted, thanks given (for a contact or one favour). Counted from the statements SQLite ran on a
real file; and when the re-plan fails, nothing of the write is stored."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from factories import new_contact
from sql_trace import Statements, assert_one_write_transaction

from planner.services.ledger import add_favor, delete_favor, thank
from planner.store.database import db
from planner.store.models import Favor, PlannedCall

AT_HOOLI = {"company": "Hooli", "cadence_days": 30}  # Maria, Jonas: at Hooli, called monthly


def _stored() -> tuple[list[tuple], list[tuple]]:
    """Every favour and every stored call, as plain values."""
    favours = sorted((f.id, f.contact_id, f.date, f.direction, f.kind, f.thank_due, f.thanked_at)
                     for f in Favor.select())
    plan = sorted((c.contact_id, c.date, c.reason, c.pinned, c.seq, c.favor or 0) for c in PlannedCall.select())
    return favours, plan


def _break_the_planner() -> None:
    """A setting the planner cannot read (as a newer or damaged file could hold): every re-plan fails
    on it, and only the re-plan reads it."""
    db.execute_sql("INSERT OR REPLACE INTO setting (key, value) VALUES ('horizon', '{not json')")


def _setup() -> dict[str, int]:
    maria, jonas = new_contact(**AT_HOOLI), new_contact("Jonas Weber", **AT_HOOLI)
    got = add_favor(maria, "received", "referral", "Sent us Bob", day=dt.date(2026, 11, 20))
    other = add_favor(maria, "got", "advice", "CV tips", day=dt.date(2026, 11, 23))
    add_favor(jonas, "received", "introduction", "the CTO", day=dt.date(2026, 11, 24))
    return {"maria": maria, "jonas": jonas, "got": got.id, "other": other.id}


ACTIONS = {
    "favor --got": lambda ids: add_favor(ids["maria"], "got", "gift", "Book"),
    "favor --gave": lambda ids: add_favor(ids["jonas"], "gave", "advice", "CV tips"),
    "favor --returns": lambda ids: add_favor(ids["maria"], "gave", "referral", returns=ids["got"]),
    "thank CONTACT": lambda ids: thank(contact_id=ids["maria"]),
    "thank --favor": lambda ids: thank(favor_id=ids["other"]),
    "delete favour": lambda ids: delete_favor(ids["got"]),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_each_ledger_write_and_its_re_plan_are_one_transaction(db_path, action):
    ids = _setup()
    before = _stored()
    with Statements() as seen:
        ACTIONS[action](ids)
    assert_one_write_transaction(seen)
    assert _stored() != before  # it did write


@pytest.mark.parametrize("action", ACTIONS)
def test_a_failed_re_plan_leaves_the_ledger_and_the_plan_as_they_were(db_path, action):
    ids = _setup()
    before = _stored()
    _break_the_planner()
    with pytest.raises(json.JSONDecodeError):
        ACTIONS[action](ids)
    assert _stored() == before

