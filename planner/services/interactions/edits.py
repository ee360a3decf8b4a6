"""Correcting and deleting logged interactions, so the plan and the ledger end up as if the log
had been made that way, or never made.

What a log did is re-derived from the history that remains: the last-contact moment (the planner
reads it from the interactions), the pending retry (interaction_pins.py) and the thanks of the
favours a thanked log had closed (thanks.py). The one thing remembered is the pinned or follow-up
call a log fulfilled, which comes back when the log goes or is edited so it would not have
fulfilled it, and is fulfilled when the log is edited into an attempt on or after its day
(interaction_restore.py). Each edit or delete, the re-plan of the contact included, is one write
transaction.
"""

from __future__ import annotations

import datetime as dt

from planner.core.dates import parse_moment
from planner.core.errors import BadInput, NotFound
from planner.core.vocabulary import NOTE_OUTCOME, InteractionKind, Outcome, normalize_kind, normalize_outcome
from planner.core.zones import aware, to_utc_naive, zone_key
from planner.scheduling.service import replan
from planner.services.interactions import restore as interaction_restore
from planner.services.interactions import thanks
from planner.services.interactions.pins import drop_pins_set_by, sync_retry
from planner.services.interactions.records import (
    InteractionView,
    check_duration,
    check_moment,
    get_interaction,
    newest_attempt,
)
from planner.store.database import retried
from planner.store.journal import journaled
from planner.store.models import Interaction, PrivateNote

EDITABLE = ("summary", "notes", "kind", "outcome", "at", "happened_at", "duration_min", "thanked")


def _row(interaction_id: int) -> Interaction:
    row = Interaction.get_or_none(Interaction.id == interaction_id)
    if row is None:
        raise NotFound(f"no logged interaction with id {interaction_id}")
    return row


def _is_newest_attempt(row: Interaction) -> bool:
    newest = newest_attempt(row.contact_id)
    return newest is not None and newest.id == row.id


def _new_moment(changes: dict[str, object]) -> dt.datetime | None:
    moment = changes.get("at") or changes.get("happened_at")
    if isinstance(moment, str):
        moment = parse_moment(moment, what="--at") if moment.strip() else None
    if moment is None:
        return None
    if not isinstance(moment, dt.datetime):
        raise BadInput(f"--at: {moment!r} is not a moment")
    return check_moment(moment)


def _apply(row: Interaction, changes: dict[str, object], moment: dt.datetime | None) -> None:
    if row.private:
        _apply_private_text(row, changes)
    else:
        if changes.get("summary") is not None:
            row.summary = str(changes["summary"]).strip()
        if changes.get("notes") is not None:
            row.notes = str(changes["notes"])
    if changes.get("kind") is not None:
        row.kind = normalize_kind(str(changes["kind"]))
    if changes.get("outcome") is not None:
        row.outcome = normalize_outcome(str(changes["outcome"]))
    if row.kind == InteractionKind.NOTE:
        row.outcome = NOTE_OUTCOME
    elif not row.outcome:
        row.outcome = Outcome.SPOKE  # a note turned into a call: it reached them unless told otherwise
    if moment is not None:
        row.happened_at, row.tz = to_utc_naive(moment), zone_key(moment)
    if "duration_min" in changes:
        row.duration_min = check_duration(changes["duration_min"])  # type: ignore[arg-type]
    if changes.get("thanked") is not None:
        row.thanked = bool(changes["thanked"])


def _apply_private_text(row: Interaction, changes: dict[str, object]) -> None:
    """A private log's text is in its private note, which only its author can see or change (the
    server's row-level security): for anyone else no row matches, and the edit is refused."""
    text = {}
    if changes.get("summary") is not None:
        text["summary"] = str(changes["summary"]).strip()
    if changes.get("notes") is not None:
        text["notes"] = str(changes["notes"])
    if not text:
        return
    if not PrivateNote.update(**text).where(PrivateNote.interaction == row.id).execute():
        raise BadInput(f"log {row.id} is a private note: only the member who logged it can change its text")


@retried
def edit_interaction(interaction_id: int, **changes: object) -> InteractionView:
    """Correct a logged interaction; the last contact, the retry, the thanks it gave and the plan
    are re-derived as if it had been logged this way."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise BadInput(f"cannot edit {', '.join(unknown)}; "
                       "editable: summary, notes, kind, outcome, at, duration_min, thanked")
    moment = _new_moment(changes)
    with journaled("Edited a log") as action:
        row = _row(interaction_id)
        action.label = f"Edited the {row.kind} with {row.contact.name}"
        before = (row.kind, row.outcome, row.happened_at, row.thanked)
        was_newest = _is_newest_attempt(row)
        closed_by_it = thanks.thanked_by_log(row)
        _apply(row, changes, moment)
        row.save()
        contact_id = row.contact_id
        if (row.happened_at, row.thanked) != before[2:]:
            thanks.rederive(contact_id, closed_by_it)
            if row.thanked:
                thanks.close_open(contact_id, row.happened_at, aware(row.happened_at, row.tz).date())
        if (row.kind, row.outcome, row.happened_at) != before[:3]:
            interaction_restore.after_edit(row)  # before the retry: a follow-up given back is no retry
            if was_newest or _is_newest_attempt(row):
                sync_retry(contact_id)
        replan([contact_id])
        return get_interaction(interaction_id)


@retried
def delete_interaction(interaction_id: int) -> InteractionView:
    """Remove a logged interaction: the pins it set go; the pinned call, retry and thank-you tasks
    it fulfilled come back when the remaining history says so; the plan is re-derived."""
    with journaled("Deleted a log") as action:
        view = get_interaction(interaction_id)
        action.label = f"Deleted the {view.kind} with {view.contact_name}"
        row = _row(interaction_id)
        was_newest = _is_newest_attempt(row)
        closed_by_it = thanks.thanked_by_log(row)
        had_pins = drop_pins_set_by(row.contact_id, row.id)
        row.delete_instance()
        thanks.rederive(view.contact_id, closed_by_it)
        interaction_restore.after_delete(row)  # before the retry: a follow-up given back is no retry
        if was_newest or had_pins:
            sync_retry(view.contact_id)
        replan([view.contact_id])
    return view
