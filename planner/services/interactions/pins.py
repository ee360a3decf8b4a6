"""The pinned calls a log sets or fulfils, and how they are re-derived when history changes.

Logging: `--next` pins a follow-up (and replaces every other next-call pin: the person said when);
a missed call that is the newest attempt pins a retry; any attempt fulfils the pinned and
follow-up calls due by its day and, when it is the newest attempt, the pending retry. A pin set by
a log carries that log's marker in its note, so deleting the log takes the pin away.

Deleting or editing history: the retry is derived, never remembered. A retry is pending exactly
when the newest attempt missed and did not itself pin a follow-up; it falls on `retry` working
days after the day that attempt was logged, as logging it would have placed it. A pinned or
follow-up call is remembered on the log that fulfilled it (or replaced it with its `--next`), so
deleting that log gives it back (restore.py). A log edited into an attempt on or after
a pinned call's day fulfils it then, as logging it that way would have (`fulfil_due`).
"""

from __future__ import annotations

import datetime as dt

from planner.core.dates import parse_day, today
from planner.core.errors import BadInput
from planner.core.vocabulary import FULFILLED_REASONS, NEXT_CALL_REASONS, PlanReason, is_attempt, is_missed
from planner.core.zones import aware
from planner.services.interactions.records import (
    ConsumedPin,
    consumed_pins,
    local_day,
    newest_attempt,
    store_consumed,
)
from planner.store import settings
from planner.store.models import Interaction, PlannedCall
from planner.store.plan_rows import insert_pinned

MARKER_PREFIX = "set by log #"


def follow_up_day(next_when: str, contact_id: int | None = None) -> dt.date:
    """The working day a typed `--next` phrase lands on (weekends and holidays move forward; the
    days of the contact's owner when a contact is given)."""
    from planner.scheduling.inputs import contact_calendar, load_calendar

    day = parse_day(next_when, what="--next")
    if day < today():
        raise BadInput(f"--next: {day.isoformat()} is in the past; give a day from today on")
    cal = contact_calendar(contact_id) if contact_id is not None else load_calendar()
    return cal.next_working_day(day)


def pin_marker(interaction_id: int) -> str:
    """The note on a pin set by a log, so deleting that log takes its pin away too."""
    return f"{MARKER_PREFIX}{interaction_id}"


def _next_call_pins(contact_id: int, reasons: tuple[str, ...] = NEXT_CALL_REASONS):
    return PlannedCall.delete().where(
        PlannedCall.contact == contact_id, PlannedCall.pinned == True,
        PlannedCall.reason.in_(reasons),
    )


def retry_day(row: Interaction) -> dt.date:
    """Where a missed attempt's retry goes: `retry` working days after the day it was logged (the
    day it happened for a log made later that day; never after today, whatever the clock says)."""
    from planner.scheduling.inputs import contact_calendar

    logged_on = min(aware(row.created_at, row.tz).date(), today())
    base = max(aware(row.happened_at, row.tz).date(), logged_on)
    return contact_calendar(row.contact_id).add_working_days(base, settings.get("retry"))


def marker_setter(note: str) -> int | None:
    """The id of the log whose marker `note` is; None for a pin the user made (a snooze or pin)."""
    setter = note[len(MARKER_PREFIX):] if note.startswith(MARKER_PREFIX) else ""
    return int(setter) if setter.isdigit() else None


def set_since(note: str, row: Interaction) -> bool:
    """Did `row` itself, or a log made after it, set the pin with this note? Then it did not exist
    when `row` was logged, and `row` cannot have fulfilled it."""
    setter = marker_setter(note)
    return setter is not None and setter >= row.id


def _consume(row: Interaction, *conditions, replaced: bool = False) -> None:
    """Take away the contact's pinned and follow-up calls matching `conditions` (never one set by
    `row` or a later log), adding them to what `row` remembers it took."""
    pins = [pin for pin in PlannedCall.select().where(
        PlannedCall.contact == row.contact_id, PlannedCall.pinned == True,
        PlannedCall.reason.in_(FULFILLED_REASONS), *conditions).order_by(PlannedCall.date, PlannedCall.id)
        if not set_since(pin.note, row)]
    if pins:
        PlannedCall.delete().where(PlannedCall.id.in_([pin.id for pin in pins])).execute()
        store_consumed(row, consumed_pins(row) + [
            ConsumedPin(dt.date.fromisoformat(str(pin.date)[:10]), pin.reason, pin.note, replaced) for pin in pins])


def fulfil_due(row: Interaction) -> None:
    """An attempt fulfils the contact's pinned and follow-up calls due by its day (inside the
    caller's transaction). A follow-up set for a later day is a commitment and stays."""
    _consume(row, PlannedCall.date <= local_day(row))


def apply_log(row: Interaction, follow_up: dt.date | None, *, is_newest: bool) -> None:
    """What a freshly written log does to its contact's pins (inside the caller's transaction)."""
    contact_id = row.contact_id
    missed = is_missed(row.kind, row.outcome)
    if follow_up is not None:
        _consume(row, replaced=True)  # the person said when: that wins
        _next_call_pins(contact_id).execute()
        insert_pinned(contact_id, follow_up, PlanReason.FOLLOW_UP, pin_marker(row.id))
        return
    if is_attempt(row.kind, row.outcome):
        # Fulfilled: pinned and follow-up calls due by then and, for the newest attempt, the retry
        # (a back-dated log older than what we knew leaves the retry).
        fulfil_due(row)
        if is_newest:
            _next_call_pins(contact_id, (PlanReason.RETRY,)).execute()
    if missed and is_newest:
        insert_pinned(contact_id, retry_day(row), PlanReason.RETRY, pin_marker(row.id))


def drop_pins_set_by(contact_id: int, interaction_id: int) -> int:
    """Delete the follow-up or retry a log pinned; returns how many there were."""
    return PlannedCall.delete().where(
        PlannedCall.contact == contact_id, PlannedCall.pinned == True,
        PlannedCall.note == pin_marker(interaction_id),
    ).execute()


def sync_retry(contact_id: int) -> None:
    """Make the contact's retry match its history (after the newest attempt was deleted or edited)."""
    newest = newest_attempt(contact_id)
    retries = list(PlannedCall.select().where(
        PlannedCall.contact == contact_id, PlannedCall.pinned == True,
        PlannedCall.reason == PlanReason.RETRY))
    if newest is None or not is_missed(newest.kind, newest.outcome):
        stale = retries  # reaching them fulfilled any retry; no attempt left: nothing to retry
    else:
        own = pin_marker(newest.id)
        # an older log's retry was replaced by the newest one's; a retry the user annotated stays
        stale = [r for r in retries if r.note.startswith(MARKER_PREFIX) and r.note != own]
        kept = [r for r in retries if r not in stale]
        has_own = PlannedCall.select().where(PlannedCall.contact == contact_id, PlannedCall.pinned == True,
                                             PlannedCall.note == own).exists()
        if not kept and not has_own:
            insert_pinned(contact_id, retry_day(newest), PlanReason.RETRY, own)
    if stale:
        PlannedCall.delete().where(PlannedCall.id.in_([r.id for r in stale])).execute()
