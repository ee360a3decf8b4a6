"""Logging a call with a favour that came up in it (and thanks): one domain call, one write
transaction, all or nothing. Real SQLite file; the transaction is counted from the statements
SQLite actually ran."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import new_contact, pins
from sql_trace import Statements, assert_one_write_transaction

from planner.core import dates
from planner.core.errors import BadInput, NotFound
from planner.services import contacts, drafts
from planner.services.interactions.log import FavorRequest, LogRequest, log_interaction
from planner.services.ledger import add_favor, contact_ledger
from planner.store.database import db
from planner.store.models import Draft, Favor, Interaction

AT_HOOLI = {"company": "Hooli", "cadence_days": 30}  # Maria, Jonas: at Hooli, called monthly


def test_call_favour_and_thanks_are_one_transaction_with_the_re_plan(db_path):
    cid = new_contact(**AT_HOOLI)
    with Statements() as seen:
        view = log_interaction(LogRequest(cid, "She introduced us to the CTO", thanked=True,
                                          favor=FavorRequest("got", "intro", note="the CTO", weight=2)))
    # nothing is written after that commit: the re-plan of the contact was inside it
    assert_one_write_transaction(seen)
    assert contacts.get_view(cid).next_reason == "cadence"  # re-planned from this call, not 'new'
    favor = contact_ledger(cid)[0]
    assert (favor.direction, favor.kind, favor.note, favor.weight, favor.date) == (
        "received", "introduction", "the CTO", 2, dates.today())
    # thanked in the same call: the favour it brought is thanked at the call's moment, no task left
    assert favor.thanked_at == view.happened_at
    assert pins(cid) == []


def test_a_favour_without_thanks_gets_its_task(db_path):
    cid = new_contact(**AT_HOOLI)
    log_interaction(LogRequest(cid, "Sent us Bob", favor=FavorRequest("received", "referral", note="Bob")))
    assert pins(cid) == [(dt.date(2026, 11, 27), "thank-you")]
    assert Interaction.select().count() == Favor.select().count() == 1


def test_a_favour_the_ledger_refuses_mid_transaction_leaves_nothing(db_path):
    cid = new_contact(**AT_HOOLI)
    gave = add_favor(cid, "gave", "advice", day=dt.date(2026, 11, 2))
    log_interaction(LogRequest(cid, "Rang", outcome="no-answer"))
    before = (pins(cid), Interaction.select().count(), Favor.select().count())
    # 'returns' is checked inside the transaction, after the interaction row and the spent retry
    with pytest.raises(BadInput, match="a return goes the other way"):
        log_interaction(LogRequest(cid, "Reached her", favor=FavorRequest("gave", "advice", returns=gave.id)))
    assert (pins(cid), Interaction.select().count(), Favor.select().count()) == before
    assert pins(cid) == [(dt.date(2026, 11, 27), "retry")]  # the retry it would have fulfilled stays


def test_a_bad_weight_or_missing_contact_writes_nothing(db_path):
    cid = new_contact(**AT_HOOLI)
    with pytest.raises(BadInput, match="weight"):
        log_interaction(LogRequest(cid, "x", favor=FavorRequest("received", "referral", weight=5)))
    with pytest.raises(NotFound):
        log_interaction(LogRequest(cid + 99, "x", favor=FavorRequest("received", "referral")))
    assert Interaction.select().count() == 0 and Favor.select().count() == 0


def test_a_refused_favour_row_rolls_back_the_call(db_path):
    """The database itself refuses the favour (as a full disk or a constraint would): the call,
    its pins and its thanks are rolled back with it."""
    cid = new_contact(**AT_HOOLI)
    add_favor(cid, "received", "referral", "Sent us Bob", day=dt.date(2026, 11, 20))
    db.execute_sql("CREATE TRIGGER refuse BEFORE INSERT ON favor BEGIN SELECT RAISE(ABORT, 'no favours today'); END")
    with pytest.raises(Exception, match="no favours today"):
        log_interaction(LogRequest(cid, "Thanks for Bob", thanked=True,
                                   favor=FavorRequest("gave", "advice", note="CV tips")))
    assert Interaction.select().count() == 0
    assert contact_ledger(cid)[0].thanked_at is None
    assert pins(cid) == [(dt.date(2026, 11, 24), "thank-you")]


def test_the_quick_log_s_draft_is_deleted_in_the_same_transaction(db_path):
    """A logged note is never offered back: its draft goes in the log's own transaction."""
    cid = new_contact(**AT_HOOLI)
    draft_id = drafts.save_draft(None, cid, "call", "spoke", "", "Budget approved", None, {})
    with Statements() as seen:
        log_interaction(LogRequest(cid, "Budget approved", draft_id=draft_id,
                                   favor=FavorRequest("received", "referral", note="Bob")))
    assert_one_write_transaction(seen)
    deletes = [s for s in seen if s.upper().startswith('DELETE FROM "DRAFT"')]
    assert len(deletes) == 1 and seen.index(deletes[0]) < seen.index("COMMIT")
    assert Draft.select().count() == 0 and Interaction.select().count() == 1


def test_a_draft_that_cannot_be_deleted_rolls_back_the_log(db_path):
    """If the draft cannot go, the call is not stored either: logging it again later logs it once."""
    cid = new_contact(**AT_HOOLI)
    draft_id = drafts.save_draft(None, cid, "call", "spoke", "", "Budget approved", None, {})
    db.execute_sql("CREATE TRIGGER refuse BEFORE DELETE ON draft BEGIN SELECT RAISE(ABORT, 'locked'); END")
    with pytest.raises(Exception, match="locked"):
        log_interaction(LogRequest(cid, "Budget approved", draft_id=draft_id))
    assert Interaction.select().count() == 0
    assert drafts.latest_draft().id == draft_id
