"""Undo: every action a person takes can be put back, one transaction, most recent first; the
database (the stored plan included) is then what it was, compared table by table, row by row.
On a real SQLite file and on the real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from factories import all_tables, new_contact

from planner.core.errors import FollowupError
from planner.io.importers import import_file
from planner.scheduling import rebalance
from planner.services import (
    blocks,
    contacts,
    drafts,
    facts,
    important_dates,
    ledger,
    merge,
    placements,
    schedule,
    sequences,
)
from planner.services.contacts import ContactFields
from planner.services.interactions import edits
from planner.services.interactions.log import FavorRequest, LogRequest, log_interaction
from planner.store import journal
from planner.store.database import write_tx
from planner.store.dialect import ROWS_PER_INSERT
from planner.store.models import (
    Contact,
    ContactEmail,
    ContactTag,
    Favor,
    Interaction,
    PlannedCall,
    UndoAction,
    UndoChange,
)

pytestmark = pytest.mark.engines()

FIXTURES = Path(__file__).parent / "fixtures" / "import"
DAY = dt.date(2026, 12, 3)


def _people() -> dict[str, int]:
    """A small desk: four people with cadences, a past call, a favour owed thanks, a blocked week."""
    ids = {
        "ana": new_contact("Ana Lopez", company="Hooli", cadence_days=30, tags=["vip"], emails=["ana@hooli.example"]),
        "bo": new_contact("Bo Chen", company="Initech", cadence_days=14),
        "cy": new_contact("Cy Park", company="Hooli", cadence_days=60),
        "di": new_contact("Di Ray", cadence_days=21),
    }
    ids["call"] = log_interaction(LogRequest(ids["bo"], "catch-up", at=dt.datetime(2026, 11, 20, 10, 0))).id
    ids["favor"] = ledger.add_favor(ids["cy"], "received", "referral", note="sent us a CTO").id
    blocks.add_block(dt.date(2026, 12, 21), dt.date(2026, 12, 25), "holidays")
    return ids


def _import(_ids: dict[str, int], tmp_path: Path) -> None:
    source = tmp_path / "contacts.csv"
    shutil.copy(FIXTURES / "google_current.csv", source)
    import_file(source)


ACTIONS = {
    "log a call": lambda ids, _t: log_interaction(LogRequest(ids["ana"], "talked about Q1", next_when="2026-12-10")),
    "log with a favour and thanks": lambda ids, _t: log_interaction(
        LogRequest(ids["cy"], "thanked him", thanked=True, favor=FavorRequest("gave", "intro", note="to Bo"))),
    "edit a log": lambda ids, _t: edits.edit_interaction(ids["call"], summary="renamed", outcome="no-answer"),
    "delete a log": lambda ids, _t: edits.delete_interaction(ids["call"]),
    "record a favour": lambda ids, _t: ledger.add_favor(ids["ana"], "received", "intro", note="met the CFO"),
    "thank": lambda ids, _t: ledger.thank(ids["cy"]),
    "delete a favour": lambda ids, _t: ledger.delete_favor(ids["favor"]),
    "snooze": lambda ids, _t: schedule.snooze(ids["ana"], DAY),
    "pin": lambda ids, _t: schedule.pin(ids["di"], DAY),
    "skip a cycle": lambda ids, _t: schedule.skip_cycle(ids["bo"]),
    "unpin": lambda ids, _t: schedule.unpin(ids["cy"]),
    "block": lambda ids, _t: blocks.add_block(dt.date(2026, 11, 30), dt.date(2026, 12, 4), "conference"),
    "unblock": lambda ids, _t: blocks.remove_block(dt.date(2026, 12, 21), dt.date(2026, 12, 25)),
    "archive": lambda ids, _t: contacts.set_archived(ids["bo"], True),
    "edit a contact": lambda ids, _t: contacts.edit_contact(
        ids["ana"], ContactFields(company="Globex", cadence_days=7, tags=["new"], emails=["a@globex.example"])),
    "add a contact": lambda ids, _t: contacts.add_contact(ContactFields(name="Eve Stone", cadence_days=10)),
    "merge": lambda ids, _t: merge.merge_contacts(ids["ana"], ids["cy"]),
    "import": _import,
    "start a sequence": lambda ids, _t: sequences.start_sequence(ids["di"], "new-job", dt.date(2026, 11, 24)),
    "record a placement": lambda ids, _t: placements.record_placement(ids["bo"], ids["ana"], dt.date(2026, 12, 7),
                                                                      role="CTO", fee=Decimal("12500.50")),
    "add a fact": lambda ids, _t: facts.add_fact(ids["ana"], "kids: Leo, 7"),
    "add a date": lambda ids, _t: important_dates.add_date(ids["cy"], "birthday", "1985-12-02"),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_action_undone_gives_back_every_row(db_path, tmp_path, action):
    ids = _people()
    if action == "unpin":
        schedule.pin(ids["cy"], DAY)
    before = all_tables()
    assert PlannedCall.select().count() > 0
    ACTIONS[action](ids, tmp_path)
    assert all_tables() != before, "the action changed nothing"
    undone = journal.undo_last(session=journal.SESSION)
    assert undone.changes > 0
    assert all_tables() == before


def test_a_rebalance_is_one_action_and_its_undo_puts_every_call_back(db_path):
    """A rebalance moves many calls at once; `u` after it gives back the plan as it was."""
    for i in range(16):
        new_contact(f"Person {i:02}", cadence_days=30)
    with write_tx():  # a lumpy plan, as one stored by an older followup: every call on its first day
        PlannedCall.update(date=PlannedCall.window_start).where(PlannedCall.pinned == False).execute()
    before = all_tables()
    outcome = rebalance.apply()
    assert outcome.applied and outcome.moved > 0
    assert journal.recent(1, session=journal.SESSION)[0].label == "Rebalanced the plan"
    journal.undo_last(session=journal.SESSION)
    assert all_tables() == before


def _linkedin(tmp_path: Path, rows: int) -> Path:
    source = tmp_path / "Connections.csv"
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [f"Pat,Doe{n},https://www.linkedin.com/in/pat-{n},{f'pat{n}@x.example' if n % 2 else ''},Acme,CTO,"
              "28 Sep 2026" for n in range(rows)]
    source.write_text("\n".join(lines) + "\n")
    return source


def test_an_import_is_journaled_per_table_not_per_row_and_undone_exactly(db_path, tmp_path, monkeypatch):
    monkeypatch.setattr(journal, "BULK_SLICE", 3)  # several slices, one of them short
    ids = _people()
    before = all_tables()
    import_file(_linkedin(tmp_path, 8), tags=["imported"])
    added = Contact.select().where(Contact.name.startswith("Pat ")).count()
    assert added == 8 and PlannedCall.select().count() > 8
    newest = UndoAction.select().order_by(UndoAction.id.desc()).first()
    ops = {op for (op,) in UndoChange.select(UndoChange.op).where(UndoChange.action_id == newest.id).tuples()}
    assert ops <= {"B", "U", "I"} and "B" in ops
    # no row of the new contacts is journaled one by one (their emails, tags, planned calls...)
    singles = UndoChange.select().where(UndoChange.action_id == newest.id, UndoChange.op != "B",
                                        UndoChange.table_name.in_(["contact", "contact_email", "contact_tag"]))
    assert singles.count() == 0
    journal.undo_last(session=journal.SESSION)
    assert all_tables() == before
    assert contacts.get_view(ids["ana"]).name == "Ana Lopez"


def test_an_import_of_more_rows_than_one_insert_carries_gives_each_contact_its_own_values(db_path, tmp_path):
    """The rows go in as several multi-row INSERTs: each contact gets its own URL, email, day,
    tag and call, and the undo removes every one of them."""
    before = all_tables()
    rows = ROWS_PER_INSERT * 2 + 7
    report = import_file(_linkedin(tmp_path, rows), tags=["imported"])
    assert report.added == rows and len(set(report.added_ids)) == rows
    emails = dict(ContactEmail.select(ContactEmail.contact, ContactEmail.address).tuples())
    calls: dict[int, int] = {}
    for (contact_id,) in PlannedCall.select(PlannedCall.contact).tuples():
        calls[contact_id] = calls.get(contact_id, 0) + 1
    for contact in Contact.select().where(Contact.id.in_(report.added_ids)):
        n = int(contact.name.removeprefix("Pat Doe"))
        assert contact.external_key == f"https://www.linkedin.com/in/pat-{n}"
        assert emails.get(contact.id) == (f"pat{n}@x.example" if n % 2 else None)
        assert contact.connected_on == dt.date(2026, 9, 28)
        assert isinstance(contact.created_at, dt.datetime) and contact.created_at == contact.updated_at
        assert calls.get(contact.id, 0) >= 1
    assert ContactTag.select().where(ContactTag.tag == "imported").count() == rows
    journal.undo_last(session=journal.SESSION)
    assert all_tables() == before


def test_undoing_an_import_refuses_when_an_imported_contact_changed_since(db_path, tmp_path):
    _people()
    import_file(_linkedin(tmp_path, 5))
    pat = Contact.get(Contact.name == "Pat Doe3")
    with write_tx():  # a sync changed it outside any action
        Contact.update(title="CEO").where(Contact.id == pat.id).execute()
    changed = all_tables()
    with pytest.raises(FollowupError, match=rf"cannot undo 'Imported from linkedin: 5 new, 0 updated': "
                                            rf"contact row {pat.id} changed again since"):
        journal.undo_last()
    assert all_tables() == changed  # nothing was written


def test_an_imports_journal_holds_no_copy_of_the_imported_rows(db_path, tmp_path):
    """Undo needs to know only whether a row changed: the journal of a bulk import keeps a
    fingerprint per row, not the row (100,000 contacts once made the journal 3x the contacts)."""
    import_file(_linkedin(tmp_path, 5))
    images = [new for (new,) in UndoChange.select(UndoChange.new_json).where(UndoChange.op == "B").tuples()]
    assert images and all(new is not None for new in images)
    assert not any("Pat" in new or "linkedin.com" in new or "x.example" in new for new in images)


def _changed_since(ids: list[int]) -> str:
    return rf"contact_email row {ids[0]}{f' and {len(ids) - 1} more' if len(ids) > 1 else ''} changed again since"


@pytest.mark.parametrize("change", ["changed", "gone", "new", "several"])
def test_undoing_an_import_names_the_row_of_an_imported_contact_changed_gone_or_added_since(
        db_path, tmp_path, change):
    _people()
    import_file(_linkedin(tmp_path, 6))
    pats = {c.name: c.id for c in Contact.select().where(Contact.name.startswith("Pat "))}
    email = {c: ContactEmail.get(ContactEmail.contact == pats[c]).id for c in ("Pat Doe1", "Pat Doe3", "Pat Doe5")}
    with write_tx():  # outside any action (a sync, another program): never journaled
        if change == "changed":
            ContactEmail.update(label="work").where(ContactEmail.id == email["Pat Doe3"]).execute()
            named = [email["Pat Doe3"]]
        elif change == "gone":
            ContactEmail.delete().where(ContactEmail.id == email["Pat Doe5"]).execute()
            named = [email["Pat Doe5"]]
        elif change == "new":
            added = ContactEmail.create(contact=pats["Pat Doe0"], address="p0@y.example", address_key="p0@y.example")
            named = [added.id]
        else:
            ContactEmail.update(label="home").where(ContactEmail.id == email["Pat Doe5"]).execute()
            ContactEmail.delete().where(ContactEmail.id == email["Pat Doe1"]).execute()
            added = ContactEmail.create(contact=pats["Pat Doe2"], address="p2@y.example", address_key="p2@y.example")
            named = [email["Pat Doe1"], email["Pat Doe5"], added.id]
    changed = all_tables()
    with pytest.raises(FollowupError, match=r"cannot undo 'Imported from linkedin: 6 new, 0 updated': "
                                            + _changed_since(named)):
        journal.undo_last()
    assert all_tables() == changed  # nothing was written


def test_an_import_undoes_after_a_column_was_added_to_its_table(db_path, tmp_path):
    """A later version adds a column: the import recorded before it still undoes."""
    from planner.store.database import db

    _people()
    before = Contact.select().count()
    import_file(_linkedin(tmp_path, 4))
    with write_tx():
        db.execute_sql('ALTER TABLE "contact_email" ADD COLUMN "verified" INTEGER DEFAULT 0')
    journal.undo_last()
    assert Contact.select().count() == before
    assert ContactEmail.select().join(Contact).where(Contact.name.startswith("Pat ")).count() == 0


def _as_older_followup_recorded_it() -> None:
    """Rewrite the bulk slices of the journal as a followup before fingerprints recorded them: a
    JSON array of the rows themselves, as the engine renders them."""
    from planner.store import engine
    from planner.store.database import db
    from planner.store.dialect import portable

    with write_tx():
        for change_id, table, key in UndoChange.select(UndoChange.id, UndoChange.table_name, UndoChange.row_key
                                                       ).where(UndoChange.op == "B").tuples():
            spec = json.loads(key)
            where = " OR ".join([f't."{spec["column"]}" BETWEEN ? AND ?'] * len(spec["ranges"]))
            params = [bound for pair in spec["ranges"] for bound in pair]
            if engine.on_server(db):
                rows = "COALESCE(jsonb_agg(to_jsonb(t)), '[]'::jsonb)::text"
            else:
                columns = [c.name for c in db.get_columns(table)]
                rows = "json_group_array(json_object(" + ", ".join(f"'{c}', t.\"{c}\"" for c in columns) + "))"
            image = db.execute_sql(portable(f'SELECT {rows} FROM "{table}" t WHERE ({where})'), params).fetchone()[0]
            UndoChange.update(new_json=image).where(UndoChange.id == change_id).execute()


def test_an_import_journaled_by_an_older_followup_still_undoes_exactly(db_path, tmp_path, monkeypatch):
    monkeypatch.setattr(journal, "BULK_SLICE", 3)
    _people()
    before = all_tables()
    import_file(_linkedin(tmp_path, 8), tags=["imported"])
    _as_older_followup_recorded_it()
    assert any("Pat Doe" in (new or "") for (new,) in UndoChange.select(UndoChange.new_json).tuples())
    journal.undo_last(session=journal.SESSION)
    assert all_tables() == before


def test_an_import_journaled_by_an_older_followup_refuses_naming_a_row_changed_since(db_path, tmp_path):
    _people()
    import_file(_linkedin(tmp_path, 5))
    _as_older_followup_recorded_it()
    pat = Contact.get(Contact.name == "Pat Doe3")
    with write_tx():
        Contact.update(title="CEO").where(Contact.id == pat.id).execute()
    changed = all_tables()
    with pytest.raises(FollowupError, match=rf"contact row {pat.id} changed again since"):
        journal.undo_last()
    assert all_tables() == changed


def test_undoing_an_import_refuses_while_another_sessions_call_with_an_imported_contact_stands(
        db_path, tmp_path, monkeypatch):
    _people()
    import_file(_linkedin(tmp_path, 5))
    pat = Contact.get(Contact.name == "Pat Doe1")
    monkeypatch.setattr(journal, "SESSION", "another-session")
    log_interaction(LogRequest(pat.id, "first call"))  # a row of an imported contact, not the import's
    monkeypatch.undo()
    logged = all_tables()
    with pytest.raises(FollowupError, match=r"cannot undo 'Imported from linkedin: 5 new.*changed again since"):
        journal.undo_last(session=journal.SESSION)
    assert all_tables() == logged
    assert journal.undo_last(session="another-session").label == "Logged call with Pat Doe1"
    journal.undo_last(session=journal.SESSION)  # now the import goes, with every row of its contacts
    assert Contact.select().where(Contact.name.startswith("Pat ")).count() == 0


def test_a_merge_undone_by_merge_undo_is_itself_an_action(db_path):
    ids = _people()
    _draft(ids["cy"], "Cy's call")
    before = all_tables()
    merge.merge_contacts(ids["ana"], ids["cy"])
    merged = all_tables()
    merge.undo_last_merge()
    assert journal.undo_last().label == "Undid the merge of Cy Park"  # merged again
    assert all_tables() == merged
    assert journal.undo_last().label == "Merged Cy Park into Ana Lopez"
    assert all_tables() == before


def _draft(contact_id: int, summary: str) -> int:
    return drafts.save_draft(None, contact_id, "call", "spoke", summary, "notes typed so far", "", {})


def test_a_merge_undone_gives_the_removed_contacts_draft_back_to_it(db_path):
    """A note being typed with the contact a merge removes moves to the kept one; undoing the merge
    gives it back to its own contact, every column as it was."""
    ids = _people()
    cys, anas = _draft(ids["cy"], "Cy's call"), _draft(ids["ana"], "Ana's call")
    before = all_tables()
    merge.merge_contacts(ids["ana"], ids["cy"])
    assert {d.id: d.contact_id for d in drafts.list_drafts()} == {cys: ids["ana"], anas: ids["ana"]}
    assert journal.undo_last(session=journal.SESSION).label == "Merged Cy Park into Ana Lopez"
    assert all_tables() == before
    assert drafts.get_draft(cys).contact_name == "Cy Park"


def test_a_merge_undone_leaves_what_was_typed_since_in_the_draft(db_path):
    """The journal records which contact a draft belongs to, not its text: a note typed on after
    the merge keeps every word through the undo, and one logged (gone) since does not stop it."""
    ids = _people()
    kept, logged = _draft(ids["cy"], "Cy's call"), _draft(ids["cy"], "another")
    merge.merge_contacts(ids["ana"], ids["cy"])
    drafts.save_draft(kept, ids["ana"], "call", "spoke", "Cy's call, typed on", "more notes", "", {})
    drafts.discard_draft(logged)
    journal.undo_last(session=journal.SESSION)
    draft = drafts.get_draft(kept)
    assert (draft.contact_name, draft.summary, draft.notes) == ("Cy Park", "Cy's call, typed on", "more notes")
    assert [d.id for d in drafts.list_drafts()] == [kept]


def test_a_merge_undo_refuses_while_the_moved_draft_was_given_to_someone_else_since(db_path):
    ids = _people()
    cys = _draft(ids["cy"], "Cy's call")
    merge.merge_contacts(ids["ana"], ids["cy"])
    drafts.save_draft(cys, ids["bo"], "call", "spoke", "for Bo after all", "", "", {})
    moved = all_tables()
    with pytest.raises(FollowupError, match=r"cannot undo 'Merged Cy Park into Ana Lopez': draft row"):
        journal.undo_last(session=journal.SESSION)
    assert all_tables() == moved


def test_undoing_a_log_neither_brings_back_nor_rewrites_a_draft(db_path):
    """Drafts stay a typing buffer: a log that used one up does not bring it back when undone."""
    ids = _people()
    used = _draft(ids["ana"], "talked")
    log_interaction(LogRequest(ids["ana"], "talked", draft_id=used))
    assert drafts.list_drafts() == []
    journal.undo_last(session=journal.SESSION)
    assert drafts.list_drafts() == []


def test_several_steps_back_most_recent_first(db_path, tmp_path):
    ids = _people()
    start = all_tables()
    log_interaction(LogRequest(ids["ana"], "first"))
    after_log = all_tables()
    schedule.snooze(ids["bo"], DAY)
    after_snooze = all_tables()
    ledger.add_favor(ids["di"], "received", "intro")
    labels = [journal.undo_last(session=journal.SESSION).label]
    assert all_tables() == after_snooze
    labels.append(journal.undo_last(session=journal.SESSION).label)
    assert all_tables() == after_log
    labels.append(journal.undo_last(session=journal.SESSION).label)
    assert all_tables() == start
    assert labels == ["Recorded a favour received with Di Ray", "Snoozed the call with Bo Chen to 2026-12-03",
                      "Logged call with Ana Lopez"]
    # the actions that built the desk are older; they can go too, back to an empty database
    while True:
        try:
            journal.undo_last(session=journal.SESSION)
        except journal.NothingToUndo:
            break
    assert Contact.select().count() == PlannedCall.select().count() == Favor.select().count() == 0


def test_undo_refuses_when_a_later_change_by_someone_else_touched_the_same_rows(db_path, monkeypatch):
    ids = _people()
    contacts.edit_contact(ids["ana"], ContactFields(company="Globex"))
    monkeypatch.setattr(journal, "SESSION", "another-session")
    contacts.edit_contact(ids["ana"], ContactFields(title="CEO"))  # the other session's edit, not undone
    monkeypatch.undo()
    before = all_tables()
    with pytest.raises(FollowupError, match=r"cannot undo 'Edited Ana Lopez': contact row \d+ .*changed again since"):
        journal.undo_last(session=journal.SESSION)
    assert all_tables() == before  # nothing was written
    assert contacts.get_view(ids["ana"]).company == "Globex"


def test_undo_refuses_after_a_change_made_outside_any_action(db_path):
    """A sync or another program wrote the row since: its change is not the action's to undo."""
    ids = _people()
    ledger.add_favor(ids["ana"], "received", "intro")
    with write_tx():
        Favor.update(note="changed by a sync").where(Favor.contact == ids["ana"]).execute()
    with pytest.raises(FollowupError, match="favor row .* changed again since"):
        journal.undo_last()
    assert Favor.select().where(Favor.note == "changed by a sync").count() == 1


def test_another_sessions_undo_of_its_own_action_leaves_mine(db_path, monkeypatch):
    ids = _people()
    contacts.edit_contact(ids["ana"], ContactFields(company="Globex"))  # mine
    monkeypatch.setattr(journal, "SESSION", "theirs")
    schedule.snooze(ids["di"], DAY)
    assert journal.undo_last(session="theirs").label.startswith("Snoozed the call with Di Ray")
    monkeypatch.undo()
    assert journal.undo_last(session=journal.SESSION).label == "Edited Ana Lopez"
    assert contacts.get_view(ids["ana"]).company == "Hooli"


def test_a_failed_action_leaves_no_action_and_nothing_to_undo(db_path):
    ids = _people()
    count = UndoAction.select().count()
    with pytest.raises(FollowupError):
        ledger.thank(ids["ana"])  # nothing to thank Ana for
    with pytest.raises(FollowupError):
        contacts.add_contact(ContactFields(name="Bad", timezone="Mars/Olympus"))
    assert UndoAction.select().count() == count


def test_writes_outside_an_action_are_not_journaled(db_path):
    ids = _people()
    changes = UndoChange.select().count()
    with write_tx():
        Interaction.update(summary="x").where(Interaction.contact == ids["bo"]).execute()
    assert UndoChange.select().count() == changes


def test_the_journal_keeps_the_latest_actions(db_path, monkeypatch):
    monkeypatch.setattr(journal, "KEEP_ACTIONS", 3)
    cid = new_contact("Ana Lopez", cadence_days=30)
    for n in range(5):
        contacts.edit_contact(cid, ContactFields(title=f"title {n}"))
    assert [a.label for a in journal.recent()] == ["Edited Ana Lopez"] * 3
    kept = {a.id for a in journal.recent()}
    assert set(UndoChange.select(UndoChange.action_id).distinct().tuples()) == {(i,) for i in kept}


def test_cli_undo_and_list(cli):
    cli.ok("add", "Ana Lopez", "--every", "monthly")
    cli.ok("log", "Ana", "--notes", "hello")
    listed = cli.ok("undo", "--list")
    assert "Logged call with Ana Lopez" in listed and "Added Ana Lopez" in listed
    assert cli.ok("undo") == "undid: Logged call with Ana Lopez\n"
    rows = json.loads(cli.ok("undo", "--list", "--json"))
    assert [(r["label"], r["undone_at"] is not None) for r in rows] == [
        ("Logged call with Ana Lopez", True), ("Added Ana Lopez", False)]
    assert cli.ok("undo") == "undid: Added Ana Lopez\n"
    result = cli("undo")
    assert (result.code, result.err) == (1, "followup: nothing to undo\n")
    assert cli.read(lambda: Contact.select().count()) == 0


def test_cli_undo_by_id_takes_back_an_older_action_and_refuses_one_a_later_action_rests_on(cli):
    cli.ok("add", "Ana Lopez", "--every", "monthly")
    cli.ok("block", "2026-12-21..2026-12-24", "--note", "holidays")
    cli.ok("add", "Bo Chen", "--every", "monthly")
    cli.ok("log", "Bo", "--notes", "hello")
    ids = {r["label"]: r["id"] for r in json.loads(cli.ok("undo", "--list", "--json"))}
    blocks_before = cli.ok("blocks")
    assert "holidays" in blocks_before

    # the block, two actions back, comes off; the later ones stay
    assert cli.ok("undo", "--id", str(ids["Blocked 2026-12-21..2026-12-24"])) == \
        "undid: Blocked 2026-12-21..2026-12-24\n"
    assert "holidays" not in cli.ok("blocks")
    assert [c["name"] for c in json.loads(cli.ok("contacts", "--json"))] == ["Ana Lopez", "Bo Chen"]
    again = cli("undo", "--id", str(ids["Blocked 2026-12-21..2026-12-24"]))
    assert again.code == 1 and "is undone already" in again.err

    # Bo's contact has a call logged since: taking back his adding is refused, nothing changes
    tables = cli.read(all_tables)
    refused = cli("undo", "--id", str(ids["Added Bo Chen"]))
    assert refused.code == 1 and refused.err.startswith("followup: cannot undo") and "nothing was undone" in refused.err
    assert cli.read(all_tables) == tables
    missing = cli("undo", "--id", "999999")
    assert missing.code == 2 and "no action 999999" in missing.err  # as any unknown id
    assert cli("undo", "--id", "1", "--list").code == 2


@pytest.mark.engines("postgresql")
def test_on_a_server_followup_undo_takes_the_acting_members_own_last_action(cli):
    import psycopg

    def member(name: str) -> str:
        with psycopg.connect(str(cli.db), autocommit=True) as admin:
            role = f"{name}_{admin.execute('SELECT current_database()').fetchone()[0]}"
            admin.execute(f'CREATE ROLE "{role}" LOGIN')
            admin.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
            admin.execute(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        cli.ok("team", "add", name.title(), "--role", role)
        return str(cli.db).replace("postgresql://postgres@", f"postgresql://{role}@", 1)

    mia, jonas = member("mia"), member("jonas")
    cli.ok("add", "Ana Lopez", "--every", "monthly", db=mia)
    cli.ok("add", "Bo Chen", "--every", "monthly", db=jonas)  # newer, but Jonas's
    assert [r["label"] for r in json.loads(cli.ok("undo", "--list", "--json", db=mia))] == ["Added Ana Lopez"]
    assert cli.ok("undo", db=mia) == "undid: Added Ana Lopez\n"
    assert cli("undo", db=mia).code == 1  # nothing of hers left
    assert cli.read(lambda: sorted(c.name for c in Contact.select())) == ["Bo Chen"]
    assert cli.ok("undo", db=jonas) == "undid: Added Bo Chen\n"
