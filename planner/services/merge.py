"""Merging two contacts who are one person: everything of OTHER moves to KEEP, in one transaction.

KEEP keeps its own values; what it lacks (company, title, time zone, LinkedIn URL, a cadence, a
kind) it takes from OTHER, and OTHER's notes are added to its own. Emails, phones, tags and dates
that matter are merged without repeats; interactions, favours (and referrals naming OTHER),
placements, sequences, drafts and thank-you tasks move over whole. Of the pinned next calls the
earliest stays; sequence touch points are re-derived for KEEP; then OTHER is deleted and KEEP
re-planned. If anything fails, nothing changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from playhouse.shortcuts import model_to_dict

from planner.core.errors import BadInput, FollowupError, NotFound
from planner.core.textsafe import clean_line
from planner.core.vocabulary import NEXT_CALL_REASONS, PlanReason
from planner.scheduling.service import replan
from planner.services.contact_views import ContactView
from planner.services.contacts import get_view, search_text_of
from planner.services.duplicates import phone_digits
from planner.store.database import retried
from planner.store.journal import journaled
from planner.store.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Draft,
    Fact,
    Favor,
    ImportantDate,
    Interaction,
    MergeRecord,
    Placement,
    PlannedCall,
    SequenceRun,
    SyncItem,
    get_contact,
    utcnow,
)

FILLED = ("company", "title", "timezone", "external_key", "connected_on")


@dataclass
class MergeResult:
    kept: ContactView
    removed_id: int
    removed_name: str
    moved: dict[str, int]  # what moved over, by kind of row

    def to_json(self) -> dict:
        return {"kept": self.kept.to_json(), "removed_id": self.removed_id, "removed_name": self.removed_name,
                "moved": self.moved}


@retried
def merge_contacts(keep_id: int, other_id: int) -> MergeResult:
    if keep_id == other_id:
        raise BadInput("merge: KEEP and OTHER are the same contact")
    with journaled("Merged two contacts") as action:
        keep, other = get_contact(keep_id), get_contact(other_id)
        action.label = f"Merged {other.name} into {keep.name}"
        if Placement.select().where(((Placement.candidate == keep_id) & (Placement.client == other_id))
                                    | ((Placement.candidate == other_id) & (Placement.client == keep_id))).exists():
            raise BadInput(f"{clean_line(keep.name)} and {clean_line(other.name)} are candidate and client of one "
                           "placement: they are two people")
        snapshot = _snapshot(keep, other)
        moved = _move_children(keep, other)
        _fill(keep, other)
        tags = [t.tag for t in ContactTag.select().where(ContactTag.contact == keep_id).order_by(ContactTag.tag)]
        emails = [e.address for e in ContactEmail.select().where(ContactEmail.contact == keep_id)
                  .order_by(ContactEmail.position)]
        keep.search_text = search_text_of(keep.name, keep.company, keep.title, tags, emails, keep.notes)
        keep.updated_at = utcnow()
        keep.save()
        name = other.name
        other.delete_instance()
        MergeRecord.create(keep_id=keep_id, other_id=other_id, other_name=name,
                           data=json.dumps(snapshot, default=str))
        replan([keep_id])
    return MergeResult(get_view(keep_id), other_id, name, moved)


# KEEP's own columns a merge may fill in, restored by an undo
KEEP_COLUMNS = (*FILLED, "notes", "kind", "cadence_days", "no_cadence", "prefers_email", "archived_at", "search_text")
# OTHER's rows that are merged without repeats: an undo deletes what moved and puts back all it had
OWN_ROWS = (ContactEmail, ContactPhone, ContactTag, ImportantDate, Fact)
# OTHER's rows that move whole: an undo moves them back by id
MOVED = ((Interaction, "contact"), (Favor, "contact"), (Favor, "referred"), (Placement, "candidate"),
         (Placement, "client"), (SequenceRun, "contact"), (Draft, "contact"))


def _snapshot(keep: Contact, other: Contact) -> dict:
    k, o = keep.id, other.id
    pins = (PlannedCall.select().where(PlannedCall.contact.in_([k, o]), PlannedCall.pinned == True,
                                       PlannedCall.reason.in_(NEXT_CALL_REASONS))
            | PlannedCall.select().where(PlannedCall.contact == o, PlannedCall.reason == PlanReason.THANK_YOU))
    return {
        "other": model_to_dict(other, recurse=False),
        "keep": {column: getattr(keep, column) for column in KEEP_COLUMNS},
        "rows": {model._meta.table_name: [model_to_dict(row, recurse=False)
                                          for row in model.select().where(model.contact == o)] for model in OWN_ROWS},
        "moved": {f"{model._meta.table_name}.{column}": [row.id for row in model.select(model.id).where(
            getattr(model, column) == o)] for model, column in MOVED},
        "pins": [model_to_dict(row, recurse=False) for row in pins],
        # OTHER's cards and events on a sync server: unlinked when OTHER goes (the next contacts
        # sync offers to delete the card), linked again by an undo
        "sync_items": [row.id for row in SyncItem.select(SyncItem.id).where(SyncItem.contact == o)],
    }


@retried
def undo_last_merge() -> MergeResult:
    """Undo the latest merge: OTHER comes back with its id and everything it had; KEEP gets back
    its own values and rows. What was logged with KEEP since stays with KEEP. One transaction."""
    # an action itself: the journal's record of the merge stays consistent (undoing this re-merges)
    with journaled("Undid a merge") as action:
        record = MergeRecord.select().order_by(MergeRecord.id.desc()).first()
        if record is None:
            raise NotFound("no merge to undo")
        action.label = f"Undid the merge of {record.other_name}"
        data = json.loads(record.data)
        k, o = record.keep_id, record.other_id
        keep = get_contact(k)
        if Contact.get_or_none(Contact.id == o) is not None:
            raise FollowupError(f"cannot undo the merge of {clean_line(record.other_name)}: contact id {o} "
                                "has been given to someone added since")
        Contact.insert(**data["other"]).execute()
        for column, value in data["keep"].items():
            setattr(keep, column, value)
        keep.updated_at = utcnow()  # an edit of KEEP: contact sync sends its card back as it was
        keep.save()
        for model in OWN_ROWS:
            rows = data["rows"][model._meta.table_name]
            model.delete().where(model.id.in_([row["id"] for row in rows])).execute()
            if rows:
                model.insert_many(rows).execute()
        for moved_model, column in MOVED:
            ids = data["moved"][f"{moved_model._meta.table_name}.{column}"]
            if ids:
                moved_model.update({getattr(moved_model, column): o}).where(moved_model.id.in_(ids)).execute()
        pins = data["pins"]
        PlannedCall.delete().where(PlannedCall.contact.in_([k, o]), PlannedCall.pinned == True,
                                   PlannedCall.reason.in_(NEXT_CALL_REASONS)).execute()
        PlannedCall.delete().where(PlannedCall.id.in_([row["id"] for row in pins])).execute()
        if pins:
            PlannedCall.insert_many(pins).execute()
        PlannedCall.delete().where(PlannedCall.contact == k, PlannedCall.reason == PlanReason.SEQUENCE).execute()
        SyncItem.update(contact=o).where(SyncItem.id.in_(data.get("sync_items", [])),
                                         SyncItem.contact.is_null()).execute()
        record.delete_instance()
        replan([k, o])
    return MergeResult(get_view(k), o, record.other_name, {})


def _fill(keep: Contact, other: Contact) -> None:
    for attr in FILLED:
        if not getattr(keep, attr) and getattr(other, attr):
            setattr(keep, attr, getattr(other, attr))
    if other.notes.strip() and other.notes.strip() not in keep.notes:
        keep.notes = f"{keep.notes.rstrip()}\n{other.notes.strip()}" if keep.notes.strip() else other.notes
    if keep.kind == "other" and other.kind != "other":
        keep.kind = other.kind
    if keep.cadence_days is None and not keep.no_cadence and (other.cadence_days is not None or other.no_cadence):
        keep.cadence_days, keep.no_cadence = other.cadence_days, other.no_cadence
    keep.prefers_email = bool(keep.prefers_email or other.prefers_email)
    if keep.archived_at is not None and other.archived_at is None:
        keep.archived_at = None  # one of them was in use: so is the person


def _move_children(keep: Contact, other: Contact) -> dict[str, int]:
    k, o = keep.id, other.id
    moved: dict[str, int] = {}
    have = {e.address_key for e in ContactEmail.select().where(ContactEmail.contact == k)}
    position = ContactEmail.select().where(ContactEmail.contact == k).count()
    emails = [e for e in ContactEmail.select().where(ContactEmail.contact == o).order_by(ContactEmail.position)
              if e.address_key not in have]
    for number, row in enumerate(emails):
        ContactEmail.update(contact=k, position=position + number).where(ContactEmail.id == row.id).execute()
    moved["emails"] = len(emails)
    numbers = {phone_digits(p.number) or p.number for p in ContactPhone.select().where(ContactPhone.contact == k)}
    position = len(numbers)
    phones = [p for p in ContactPhone.select().where(ContactPhone.contact == o).order_by(ContactPhone.position)
              if (phone_digits(p.number) or p.number) not in numbers]
    for number, phone in enumerate(phones):
        ContactPhone.update(contact=k, position=position + number).where(ContactPhone.id == phone.id).execute()
    moved["phones"] = len(phones)
    tagged = {t.tag for t in ContactTag.select().where(ContactTag.contact == k)}
    tags = [t for t in ContactTag.select().where(ContactTag.contact == o) if t.tag not in tagged]
    ContactTag.update(contact=k).where(ContactTag.id.in_([t.id for t in tags])).execute()
    moved["tags"] = len(tags)
    days = {(d.kind, d.month, d.day) for d in ImportantDate.select().where(ImportantDate.contact == k)}
    dates = [d for d in ImportantDate.select().where(ImportantDate.contact == o)
             if (d.kind, d.month, d.day) not in days]
    ImportantDate.update(contact=k).where(ImportantDate.id.in_([d.id for d in dates])).execute()
    moved["dates"] = len(dates)
    moved["interactions"] = Interaction.update(contact=k).where(Interaction.contact == o).execute()
    moved["favours"] = Favor.update(contact=k).where(Favor.contact == o).execute()
    Favor.update(referred=k).where(Favor.referred == o).execute()
    moved["placements"] = (Placement.update(candidate=k).where(Placement.candidate == o).execute()
                           + Placement.update(client=k).where(Placement.client == o).execute())
    moved["sequences"] = SequenceRun.update(contact=k).where(SequenceRun.contact == o).execute()
    Draft.update(contact=k).where(Draft.contact == o).execute()
    have = {f.text for f in Fact.select().where(Fact.contact == k)}
    facts = [f for f in Fact.select().where(Fact.contact == o) if f.text not in have]
    Fact.update(contact=k).where(Fact.id.in_([f.id for f in facts])).execute()
    moved["facts"] = len(facts)
    PlannedCall.update(contact=k).where(PlannedCall.contact == o, PlannedCall.reason == PlanReason.THANK_YOU).execute()
    pins = list(PlannedCall.select().where(PlannedCall.contact.in_([k, o]), PlannedCall.pinned == True,
                                           PlannedCall.reason.in_(NEXT_CALL_REASONS))
                .order_by(PlannedCall.date, PlannedCall.id))
    if pins:  # one next call: the earliest pinned one stays
        PlannedCall.update(contact=k).where(PlannedCall.id == pins[0].id).execute()
        PlannedCall.delete().where(PlannedCall.id.in_([p.id for p in pins[1:]])).execute()
    # what is left of OTHER's plan (its cadence calls, its touch points) goes with it; the re-plan
    # derives KEEP's again
    PlannedCall.delete().where(PlannedCall.contact == o).execute()
    PlannedCall.delete().where(PlannedCall.contact == k, PlannedCall.reason == PlanReason.SEQUENCE).execute()
    return moved
