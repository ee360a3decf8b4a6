"""Drafts survive as typed: create, update in place, restore the newest, discard."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys

import pytest
from factories import new_contact
from second_process import holding_a_draft

from planner.core.errors import NotFound
from planner.services import drafts
from planner.services.contacts import set_archived
from planner.store.connect import open_database
from planner.store.database import close_database
from planner.store.models import Contact, Draft


def test_save_then_restore_from_a_fresh_connection(db_path):
    cid = new_contact()
    start = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
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
    cid = new_contact()
    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    first = drafts.save_draft(None, cid, "call", "spoke", "", "Hel", None, {}, started_at=start)
    second = drafts.save_draft(first, cid, "meeting", "left-message", "sum", "Hello there", None, {})
    assert first == second
    assert Draft.select().count() == 1
    view = drafts.get_draft(first)
    assert (view.kind, view.outcome, view.summary, view.notes) == ("meeting", "left-message", "sum", "Hello there")
    assert view.started_at == start


def test_latest_is_newest_and_empty_drafts_are_not_offered(db_path):
    a, b = new_contact("A"), new_contact("B")
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
    cid = new_contact()
    draft_id = drafts.save_draft(None, cid, "call", "spoke", "", "keep me", None, {})
    Contact.delete_by_id(cid)  # another session deleted the contact (the row cascades)
    again = drafts.save_draft(draft_id, cid, "call", "spoke", "", "keep me too", None, {})
    view = drafts.get_draft(again)
    assert (view.contact_id, view.notes) == (None, "keep me too")


def test_archived_contact_still_named(db_path):
    cid = new_contact("Jonas")
    set_archived(cid, True)
    drafts.save_draft(None, cid, "call", "spoke", "", "x", None, {})
    assert drafts.latest_draft().contact_name == "Jonas"


def test_database_stays_owner_only(db_path):
    drafts.save_draft(None, None, "call", "spoke", "", "private words", None, {})
    assert os.stat(db_path).st_mode & 0o077 == 0


# ----------------------------------------------------------------- another session's draft
# A second SSH login is another process on the same file: the child below saves a draft the way
# an open quick-log does and holds it until its stdin closes.
HOLD_A_DRAFT = """
import sys
from planner.store.connect import open_database
from planner.services import drafts
open_database(sys.argv[1])
print(drafts.save_draft(None, None, "call", "spoke", "", "typed in the other login", None, {}), flush=True)
sys.stdin.read()
"""


def test_a_draft_another_running_session_holds_is_not_offered(db_path):
    proc, draft_id = holding_a_draft(HOLD_A_DRAFT, db_path)
    try:
        held = drafts.get_draft(draft_id)
        assert (held.owner.pid, held.owner.host) == (proc.pid, socket.gethostname())
        assert held.extra == {}  # the owner is not part of what the quick-log restores
        assert [d.id for d in drafts.list_drafts()] == [draft_id]  # stored, just not offered
        assert drafts.latest_draft() is None
    finally:
        proc.stdin.close()  # that session ends (logs out)
        proc.wait(timeout=10)
    assert drafts.latest_draft().id == draft_id


def test_a_killed_session_s_draft_is_offered(db_path):
    proc, draft_id = holding_a_draft(HOLD_A_DRAFT, db_path)
    assert drafts.latest_draft() is None
    proc.kill()  # kill -9: no chance to release anything
    proc.wait(timeout=10)
    proc.stdin.close()
    assert drafts.latest_draft().id == draft_id


def _set_owner(draft_id: int, pid: int, host: str, beat: dt.datetime) -> None:
    extra = json.loads(Draft.get_by_id(draft_id).extra)
    extra[drafts.OWNER_KEY] = {"pid": pid, "host": host, "beat": beat.replace(tzinfo=None).isoformat()}
    Draft.update(extra=json.dumps(extra)).where(Draft.id == draft_id).execute()


def test_owner_rules_alive_fresh_stale_other_host(db_path):
    draft_id = drafts.save_draft(None, None, "call", "spoke", "", "words", None, {})
    assert drafts.latest_draft().id == draft_id  # ours: at start-up that is a dead owner's pid
    now = dt.datetime.now(dt.UTC)
    here = socket.gethostname()
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    dead_pid = int(finished.stdout)
    alive_pid = os.getppid()  # pytest's parent: alive, and not this process

    _set_owner(draft_id, alive_pid, here, now)
    assert drafts.latest_draft() is None  # alive and fresh
    _set_owner(draft_id, alive_pid, here, now - drafts.OWNER_FRESH - dt.timedelta(seconds=1))
    assert drafts.latest_draft().id == draft_id  # alive but silent: a reused pid, not a session
    _set_owner(draft_id, dead_pid, here, now)
    assert drafts.latest_draft().id == draft_id  # fresh but its process is gone
    _set_owner(draft_id, dead_pid, "another-host.example", now)
    assert drafts.latest_draft() is None  # another host's pid cannot be checked: the beat decides
    _set_owner(draft_id, dead_pid, "another-host.example", now - drafts.OWNER_FRESH - dt.timedelta(seconds=1))
    assert drafts.latest_draft().id == draft_id


def test_touch_and_release_only_for_the_owner(db_path):
    draft_id = drafts.save_draft(None, None, "call", "spoke", "", "words", None, {})
    typed_at = drafts.get_draft(draft_id).updated_at
    old_beat = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    _set_owner(draft_id, os.getpid(), socket.gethostname(), old_beat)
    assert drafts.touch_draft(draft_id)
    view = drafts.get_draft(draft_id)
    assert view.owner.beat > old_beat + dt.timedelta(minutes=4)
    assert view.updated_at == typed_at  # a heartbeat is not typing

    _set_owner(draft_id, os.getppid(), socket.gethostname(), old_beat)  # another session took it over
    assert not drafts.touch_draft(draft_id)
    drafts.release_draft(draft_id)
    assert drafts.get_draft(draft_id).owner.pid == os.getppid()  # not ours to release
    assert drafts.touch_draft(draft_id, claim=True)  # resumed here: ours now
    assert drafts.get_draft(draft_id).owner.pid == os.getpid()
    drafts.release_draft(draft_id)
    assert drafts.get_draft(draft_id).owner is None
    drafts.discard_draft(draft_id)
    assert not drafts.touch_draft(draft_id)


def test_a_live_session_s_draft_is_not_claimed_saved_over_or_discarded(db_path):
    """Every write re-checks the owner in its own transaction: resume (claim), save and discard
    refuse a note another running session has open, and change nothing."""
    proc, draft_id = holding_a_draft(HOLD_A_DRAFT, db_path)
    try:
        with pytest.raises(drafts.DraftHeldElsewhere, match="now open in another session"):
            drafts.claim_draft(draft_id)
        assert not drafts.touch_draft(draft_id, claim=True)
        with pytest.raises(drafts.DraftHeldElsewhere):
            drafts.save_draft(draft_id, None, "call", "spoke", "", "typed over it here", None, {})
        assert not drafts.discard_draft(draft_id)
        held = drafts.get_draft(draft_id)
        assert (held.notes, held.owner.pid) == ("typed in the other login", proc.pid)
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
    claimed = drafts.claim_draft(draft_id)  # its owner is gone: ours to take
    assert (claimed.notes, claimed.owner.pid) == ("typed in the other login", os.getpid())
    assert drafts.discard_draft(draft_id)
    with pytest.raises(NotFound):
        drafts.claim_draft(draft_id)


def test_a_silent_owner_is_taken_over(db_path):
    draft_id = drafts.save_draft(None, None, "call", "spoke", "", "words", None, {})
    stale = dt.datetime.now(dt.UTC) - drafts.OWNER_FRESH - dt.timedelta(seconds=1)
    _set_owner(draft_id, os.getppid(), socket.gethostname(), stale)  # alive, but beat long ago
    assert drafts.claim_draft(draft_id).owner.pid == os.getpid()
    _set_owner(draft_id, os.getppid(), socket.gethostname(), stale)
    assert drafts.discard_draft(draft_id)
    assert Draft.select().count() == 0
