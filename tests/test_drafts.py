"""Drafts survive as typed: create, update in place, restore the newest, discard."""

from __future__ import annotations

import datetime as dt
import os

from planner import drafts
from planner.contacts import ContactFields, add_contact, set_archived
from planner.db import close_database, open_database
from planner.models import Contact, Draft


def _contact(name: str = "Maria Schmidt") -> int:
    return add_contact(ContactFields(name=name)).id


def test_save_then_restore_from_a_fresh_connection(db_path):
    cid = _contact()
    start = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.timezone.utc)
    draft_id = drafts.save_draft(None, cid, "call", "spoke", "", "Discussed the Q1 role", "in 2 weeks",
                                 {"favor": {"direction": "gave", "kind": "intro"}}, started_at=start)
    close_database()
    open_database(db_path)
    restored = drafts.latest_draft()
    assert restored is not None
    assert (restored.id, restored.contact_id, restored.contact_name) == (draft_id, cid, "Maria Schmidt")
    assert restored.notes == "Discussed the Q1 role"
    assert restored.next_when == "in 2 weeks"
    assert restored.started_at == start
    assert restored.extra == {"favor": {"direction": "gave", "kind": "intro"}}


def test_updates_in_place_and_keeps_timer_start(db_path):
    cid = _contact()
    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
    first = drafts.save_draft(None, cid, "call", "spoke", "", "Hel", None, {}, started_at=start)
    second = drafts.save_draft(first, cid, "meeting", "left-message", "sum", "Hello there", None, {})
    assert first == second
    assert Draft.select().count() == 1
    view = drafts.get_draft(first)
    assert (view.kind, view.outcome, view.summary, view.notes) == ("meeting", "left-message", "sum", "Hello there")
    assert view.started_at == start


def test_latest_is_newest_and_empty_drafts_are_not_offered(db_path):
    a, b = _contact("A"), _contact("B")
    drafts.save_draft(None, a, "call", "spoke", "", "older note", None, {})
    newer = drafts.save_draft(None, b, "call", "spoke", "", "newer note", None, {})
    drafts.save_draft(None, a, "call", "spoke", "", "   ", None, {"timer_running": True})
    assert drafts.latest_draft().id == newer
    assert [d.notes for d in drafts.list_drafts()] == ["newer note", "older note"]


def test_discard_removes_and_ignores_unknown(db_path):
    draft_id = drafts.save_draft(None, None, "call", "spoke", "", "note without a contact", None, {})
    drafts.discard_draft(draft_id)
    drafts.discard_draft(draft_id)  # another session got there first: no error
    assert drafts.latest_draft() is None


def test_discarded_elsewhere_is_recreated_not_lost(db_path):
    draft_id = drafts.save_draft(None, None, "call", "spoke", "", "first words", None, {})
    drafts.discard_draft(draft_id)
    again = drafts.save_draft(draft_id, None, "call", "spoke", "", "first words and more", None, {})
    assert drafts.get_draft(again).notes == "first words and more"


def test_saving_after_the_contact_was_deleted_keeps_the_text(db_path):
    cid = _contact()
    draft_id = drafts.save_draft(None, cid, "call", "spoke", "", "keep me", None, {})
    Contact.delete_by_id(cid)  # another session deleted the contact (the row cascades)
    again = drafts.save_draft(draft_id, cid, "call", "spoke", "", "keep me too", None, {})
    view = drafts.get_draft(again)
    assert (view.contact_id, view.notes) == (None, "keep me too")


def test_archived_contact_still_named(db_path):
    cid = _contact("Jonas")
    set_archived(cid, True)
    drafts.save_draft(None, cid, "call", "spoke", "", "x", None, {})
    assert drafts.latest_draft().contact_name == "Jonas"


def test_database_stays_owner_only(db_path):
    drafts.save_draft(None, None, "call", "spoke", "", "private words", None, {})
    assert os.stat(db_path).st_mode & 0o077 == 0
