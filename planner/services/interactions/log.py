"""Logging an interaction: what was said, when, and how it moves the plan.

A call that reached the person resets the cadence from the moment it happened (back-dating works),
a missed call plans a pinned retry, `--next` pins a follow-up (interaction_pins.py), a favour
mentioned in the call goes into the ledger, and `thanked` closes the contact's open thank-you
tasks, that favour's included. Everything one log changes, the re-plan of that contact included
and the quick-log draft it came from deleted, is written in ONE IMMEDIATE transaction: when any
part fails (a favour the ledger refuses, the contact deleted by another session, a failed
re-plan) nothing of the log is stored.

The family: records.py (reading history), pins.py, thanks.py, and edits.py (correcting or
deleting a log); the vocabulary is planner.core.vocabulary, moments planner.core.zones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.core.dates import today
from planner.core.vocabulary import NOTE_OUTCOME, InteractionKind, Outcome, normalize_kind, normalize_outcome
from planner.core.zones import to_utc_naive, zone_key
from planner.scheduling.service import replan
from planner.services import drafts, facts, ledger
from planner.services.interactions.pins import apply_log, follow_up_day
from planner.services.interactions.records import (
    InteractionView,
    check_duration,
    check_moment,
    get_interaction,
    newest_attempt,
)
from planner.services.interactions.thanks import close_open
from planner.services.team import acting_member_id
from planner.store.database import retried, run_write
from planner.store.journal import journaled
from planner.store.models import Interaction, PrivateNote, get_contact


@dataclass
class FavorRequest:
    """A favour that came up in the interaction; it is dated the day the interaction happened."""

    direction: str  # gave | received (aliases such as "got" work)
    kind: str
    note: str = ""
    weight: int = 1
    returns: int | None = None  # the favour this one returns


@dataclass
class LogRequest:
    """What a person logs; `at` None means now, `next_when` a typed day phrase for a follow-up."""

    contact_id: int
    summary: str = ""
    kind: str = InteractionKind.CALL
    outcome: str = Outcome.SPOKE
    at: dt.datetime | None = None
    duration_min: int | None = None
    notes: str = ""
    next_when: str | None = None
    thanked: bool = False
    favor: FavorRequest | None = None
    draft_id: int | None = None  # the quick-log draft this log finishes: deleted with it, never offered again
    member_id: int | None = None  # who logs it; None: the member this session acts as
    # the summary and notes are a private note, readable by the one who logs it alone (on a team
    # server the server itself keeps them from everyone else); that it happened stays visible
    private: bool = False


@retried
def log_interaction(req: LogRequest) -> InteractionView:
    """Record an interaction (and its favour), apply its consequences and re-plan the contact,
    all in one write transaction."""
    kind = normalize_kind(req.kind)
    # A note has no outcome: stored as "" so no reached-outcome filter anywhere counts it as contact.
    outcome = NOTE_OUTCOME if kind == InteractionKind.NOTE else normalize_outcome(req.outcome)
    moment = check_moment(req.at)
    duration = check_duration(req.duration_min)
    follow_up = follow_up_day(req.next_when, req.contact_id) if req.next_when and req.next_when.strip() else None
    favor_args = None
    if req.favor is not None:  # checked before anything is written; the day cannot be after today
        direction, favor_kind, weight, day = ledger.check_favor(
            req.favor.direction, req.favor.kind, req.favor.weight, min(moment.date(), today()))
        favor_args = (direction, favor_kind, req.favor.note, weight, day, req.favor.returns)
    stored_at = to_utc_naive(moment)
    by = req.member_id if req.member_id is not None else acting_member_id()

    def store() -> InteractionView:
        with journaled(f"Logged {kind}") as action:
            contact = get_contact(req.contact_id)
            action.label = f"Logged {kind} with {contact.name}"
            newest_before = newest_attempt(req.contact_id)
            summary, notes = (req.summary or "").strip(), req.notes or ""
            row = Interaction.create(
                contact=req.contact_id, happened_at=stored_at, tz=zone_key(moment), kind=kind,
                outcome=outcome, duration_min=duration, summary="" if req.private else summary,
                notes="" if req.private else notes, thanked=bool(req.thanked), private=req.private, logged_by=by,
            )
            if req.private:  # its author is the connected role, filled in by the server
                PrivateNote.insert(interaction=row.id, summary=summary, notes=notes).execute()
            apply_log(row, follow_up, is_newest=newest_before is None or stored_at >= newest_before.happened_at)
            if favor_args is not None:
                ledger.record_favor(contact, *favor_args, member_id=by)
            if not req.private:  # facts are the team's: a private note keeps its `#fact` lines to itself
                facts.facts_from_note(req.contact_id, req.notes)  # `#fact kids: Ana, 7` lines
            if req.thanked:  # after the favour: thanking them in this call covers what it brought
                close_open(req.contact_id, stored_at, moment.date())
            if req.draft_id is not None:  # left alone if another running session has taken it over
                drafts.discard_draft(req.draft_id)
            replan([req.contact_id])
            return get_interaction(row.id)

    # one transaction; `retried` runs the whole log again if the server ends it with a collision
    return run_write(store)
