"""Interactions: what was said, when, and how it moves the plan.

A call that reached the person resets the cadence from the moment it happened (back-dating works),
a missed call plans a pinned retry, `--next` pins a follow-up, and `thanked` closes the contact's
open thank-you tasks. An attempt fulfils the pinned calls due by its day and the pending retry;
a follow-up set for a later day stays, since it is a commitment the person made. Everything a log
changes is written in one IMMEDIATE transaction; the plan is told afterwards, so a re-plan failure
can never lose the logged call.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from peewee import fn

from planner import plan_hooks, settings
from planner.dates import now_local, parse_day, parse_moment, today
from planner.db import write_tx
from planner.errors import BadInput, NotFound
from planner.models import Contact, Favor, Interaction, PlannedCall, get_contact
from planner.textsafe import json_dict

KINDS = ("call", "email", "meeting", "message", "note")
OUTCOMES = ("spoke", "no-answer", "left-message")
MISSED_OUTCOMES = ("no-answer", "left-message")
NEXT_CALL_REASONS = ("pinned", "follow-up", "retry")  # pinned rows that ARE the contact's next call
# Slack for clocks: "now" typed a moment ago must not count as the future.
FUTURE_SLACK = dt.timedelta(minutes=2)


@dataclass
class LogRequest:
    """What a person logs; `at` None means now, `next_when` a typed day phrase for a follow-up."""

    contact_id: int
    summary: str = ""
    kind: str = "call"
    outcome: str = "spoke"
    at: dt.datetime | None = None
    duration_min: int | None = None
    notes: str = ""
    next_when: str | None = None
    thanked: bool = False


@dataclass
class InteractionView:
    id: int
    contact_id: int
    contact_name: str
    happened_at: dt.datetime  # aware, in the zone it was logged in
    kind: str
    outcome: str
    duration_min: int | None
    summary: str
    notes: str
    thanked: bool = False
    reached: bool = True

    def to_json(self) -> dict:
        return json_dict(self)


def is_reaching(kind: str, outcome: str) -> bool:
    """Did this interaction reach the person? A note never does; a missed call never does."""
    return kind != "note" and outcome == "spoke"


def normalize_kind(kind: str) -> str:
    value = (kind or "").strip().lower()
    if value not in KINDS:
        raise BadInput(f"kind {kind!r}: use one of {', '.join(KINDS)}")
    return value


def normalize_outcome(outcome: str) -> str:
    value = (outcome or "").strip().lower().replace("_", "-").replace(" ", "-")
    value = {"answered": "spoke", "noanswer": "no-answer", "voicemail": "left-message",
             "message-left": "left-message", "missed": "no-answer"}.get(value, value)
    if value not in OUTCOMES:
        raise BadInput(f"outcome {outcome!r}: use one of {', '.join(OUTCOMES)}")
    return value


def _zone_key(moment: dt.datetime) -> str:
    """How to store the zone a moment was given in: an IANA key when known, else its UTC offset."""
    key = getattr(moment.tzinfo, "key", None)
    if key:
        return key
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _zone_from_key(key: str) -> dt.tzinfo:
    if key and key[0] in "+-" and len(key) == 6:
        sign = 1 if key[0] == "+" else -1
        return dt.timezone(sign * dt.timedelta(hours=int(key[1:3]), minutes=int(key[4:6])))
    if key:
        try:
            return zoneinfo.ZoneInfo(key)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return now_local().tzinfo or dt.timezone.utc


def to_utc_naive(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now_local().tzinfo)
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def aware(stored: dt.datetime, zone_key: str = "") -> dt.datetime:
    """A stored naive-UTC moment, as an aware datetime in the zone it was logged in."""
    return stored.replace(tzinfo=dt.timezone.utc).astimezone(_zone_from_key(zone_key))


def _check_moment(at: dt.datetime | None) -> dt.datetime:
    moment = at or now_local()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now_local().tzinfo)
    if moment > now_local() + FUTURE_SLACK:
        raise BadInput(
            f"--at: {moment.isoformat(' ', 'minutes')} is in the future; log what happened, "
            "and plan the next call with --next"
        )
    return moment


def _check_duration(duration: int | None) -> int | None:
    if duration is None:
        return None
    if not 0 <= int(duration) <= 24 * 60:
        raise BadInput(f"duration: {duration} minutes is not between 0 and 1440")
    return int(duration)


def _contact(contact_id: int) -> Contact:
    return get_contact(contact_id)


def follow_up_day(next_when: str) -> dt.date:
    """The working day a typed `--next` phrase lands on (weekends and holidays move forward)."""
    from planner.scheduling.calendar import load_calendar

    day = parse_day(next_when, what="--next")
    if day < today():
        raise BadInput(f"--next: {day.isoformat()} is in the past; give a day from today on")
    return load_calendar().next_working_day(day)


def _pin(contact_id: int, day: dt.date, reason: str, note: str) -> None:
    PlannedCall.create(contact=contact_id, date=day, ideal=day, window_start=day, window_end=day,
                       reason=reason, pinned=True, seq=0, note=note)


def _pin_marker(interaction_id: int) -> str:
    """The note on a pin set by a log, so deleting that log takes its pin away too."""
    return f"set by log #{interaction_id}"


def _next_call_pins(contact_id: int, reasons: tuple[str, ...] = NEXT_CALL_REASONS):
    return PlannedCall.delete().where(
        PlannedCall.contact == contact_id, PlannedCall.pinned == True,  # noqa: E712
        PlannedCall.reason.in_(reasons),
    )


def _consume_pins(contact_id: int, day: dt.date, *, is_newest: bool) -> None:
    """What an attempt on `day` fulfils: pinned and follow-up calls due by then, and (when this is
    the newest attempt) the pending retry. A follow-up or pin set for a later day is a deliberate
    commitment and stays; a back-dated log older than what we knew leaves the retry alone."""
    _next_call_pins(contact_id, ("pinned", "follow-up")).where(PlannedCall.date <= day).execute()
    if is_newest:
        _next_call_pins(contact_id, ("retry",)).execute()


def log_interaction(req: LogRequest) -> InteractionView:
    """Record an interaction and apply its consequences to the stored plan, atomically."""
    kind = normalize_kind(req.kind)
    # A note has no outcome: stored as "" so no reached-outcome filter anywhere counts it as contact.
    outcome = "" if kind == "note" else normalize_outcome(req.outcome)
    moment = _check_moment(req.at)
    duration = _check_duration(req.duration_min)
    follow_up = follow_up_day(req.next_when) if req.next_when and req.next_when.strip() else None
    reached = is_reaching(kind, outcome)
    with write_tx():
        _contact(req.contact_id)
        stored_at = to_utc_naive(moment)
        newest_before = (
            Interaction.select(Interaction.happened_at)
            .where(Interaction.contact == req.contact_id, Interaction.kind != "note")
            .order_by(Interaction.happened_at.desc()).first()
        )
        is_newest = newest_before is None or stored_at >= newest_before.happened_at
        row = Interaction.create(
            contact=req.contact_id, happened_at=stored_at, tz=_zone_key(moment), kind=kind,
            outcome=outcome, duration_min=duration, summary=(req.summary or "").strip(),
            notes=req.notes or "", thanked=bool(req.thanked),
        )
        missed = kind != "note" and outcome in MISSED_OUTCOMES
        if follow_up is not None:
            _next_call_pins(req.contact_id).execute()  # the person said when: that wins
        elif reached or missed:
            _consume_pins(req.contact_id, moment.date(), is_newest=is_newest)
        if follow_up is not None:
            _pin(req.contact_id, follow_up, "follow-up", _pin_marker(row.id))
        elif missed and is_newest:
            from planner.scheduling.calendar import load_calendar

            retry_day = load_calendar().add_working_days(today(), settings.get("retry"))
            _pin(req.contact_id, retry_day, "retry", _pin_marker(row.id))
        if req.thanked:
            _close_thank_yous(req.contact_id, moment)
    plan_hooks.contacts_changed([req.contact_id])
    return get_interaction(row.id)


def _close_thank_yous(contact_id: int, moment: dt.datetime) -> None:
    """Mark the contact's unthanked received favours (up to the moment) thanked; drop their tasks."""
    open_ids = [f.id for f in Favor.select(Favor.id).where(
        Favor.contact == contact_id, Favor.direction == "received", Favor.thanked_at.is_null(),
        Favor.date <= moment.date(),
    )]
    if not open_ids:
        return
    Favor.update(thanked_at=to_utc_naive(moment)).where(Favor.id.in_(open_ids)).execute()
    PlannedCall.delete().where(PlannedCall.reason == "thank-you", PlannedCall.favor.in_(open_ids)).execute()


def _view(row: Interaction, name: str) -> InteractionView:
    return InteractionView(
        id=row.id, contact_id=row.contact_id, contact_name=name, happened_at=aware(row.happened_at, row.tz),
        kind=row.kind, outcome=row.outcome, duration_min=row.duration_min, summary=row.summary,
        notes=row.notes, thanked=row.thanked, reached=is_reaching(row.kind, row.outcome),
    )


def get_interaction(interaction_id: int) -> InteractionView:
    row = (Interaction.select(Interaction, Contact.id, Contact.name).join(Contact)
           .where(Interaction.id == interaction_id).first())
    if row is None:
        raise NotFound(f"no logged interaction with id {interaction_id}")
    return _view(row, row.contact.name)


def history(contact_id: int, limit: int | None = None) -> list[InteractionView]:
    """The contact's interactions, newest first."""
    contact = _contact(contact_id)
    query = (Interaction.select().where(Interaction.contact == contact_id)
             .order_by(Interaction.happened_at.desc(), Interaction.id.desc()))
    if limit:
        query = query.limit(limit)
    return [_view(row, contact.name) for row in query]


EDITABLE = ("summary", "notes", "kind", "outcome", "at", "happened_at", "duration_min")


def edit_interaction(interaction_id: int, **changes: object) -> InteractionView:
    """Correct a logged interaction; the last-contact date and the plan are re-derived from it."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise BadInput(f"cannot edit {', '.join(unknown)}; editable: summary, notes, kind, outcome, at, duration_min")
    with write_tx():
        row = Interaction.get_or_none(Interaction.id == interaction_id)
        if row is None:
            raise NotFound(f"no logged interaction with id {interaction_id}")
        if changes.get("summary") is not None:
            row.summary = str(changes["summary"]).strip()
        if changes.get("notes") is not None:
            row.notes = str(changes["notes"])
        if changes.get("kind") is not None:
            row.kind = normalize_kind(str(changes["kind"]))
        if changes.get("outcome") is not None:
            row.outcome = normalize_outcome(str(changes["outcome"]))
        if row.kind == "note":
            row.outcome = ""
        elif not row.outcome:
            row.outcome = "spoke"  # a note turned into a call: it reached them unless told otherwise
        moment = changes.get("at") or changes.get("happened_at")
        if isinstance(moment, str) and moment.strip():
            moment = parse_moment(moment, what="--at")
        if moment is not None and moment != "":
            if not isinstance(moment, dt.datetime):
                raise BadInput(f"--at: {moment!r} is not a moment")
            checked = _check_moment(moment)
            row.happened_at, row.tz = to_utc_naive(checked), _zone_key(checked)
        if "duration_min" in changes:
            row.duration_min = _check_duration(changes["duration_min"])  # type: ignore[arg-type]
        row.save()
        contact_id = row.contact_id
    plan_hooks.contacts_changed([contact_id])
    return get_interaction(interaction_id)


def delete_interaction(interaction_id: int) -> InteractionView:
    """Remove a logged interaction and the follow-up or retry pin it set; the plan is re-derived."""
    view = get_interaction(interaction_id)
    with write_tx():
        PlannedCall.delete().where(
            PlannedCall.contact == view.contact_id, PlannedCall.pinned == True,  # noqa: E712
            PlannedCall.note == _pin_marker(interaction_id),
        ).execute()
        Interaction.delete().where(Interaction.id == interaction_id).execute()
    plan_hooks.contacts_changed([view.contact_id])
    return view


def last_interactions(contact_ids: list[int]) -> dict[int, InteractionView]:
    """For agenda context: each contact's last conversation (the newest interaction that reached
    them), or, for someone never reached, the newest attempt. Two queries per 900 contacts, reading
    only the newest rows however long the history."""
    result = _newest(contact_ids, reached_only=True)
    missing = [cid for cid in contact_ids if cid not in result]
    if missing:
        result.update(_newest(missing, reached_only=False))
    return result


def _newest(contact_ids: list[int], *, reached_only: bool) -> dict[int, InteractionView]:
    result: dict[int, InteractionView] = {}
    for start in range(0, len(contact_ids), 900):
        chunk = contact_ids[start:start + 900]
        wanted = Interaction.kind != "note"
        if reached_only:
            wanted &= Interaction.outcome == "spoke"
        latest = (Interaction.select(Interaction.contact.alias("cid"), fn.MAX(Interaction.happened_at).alias("at"))
                  .where(Interaction.contact.in_(chunk), wanted)
                  .group_by(Interaction.contact))
        query = (Interaction.select(Interaction, Contact.id, Contact.name).join(Contact)
                 .switch(Interaction)
                 .join(latest, on=(Interaction.contact == latest.c.cid) & (Interaction.happened_at == latest.c.at))
                 .where(wanted)
                 .order_by(Interaction.happened_at.desc(), Interaction.id.desc()))
        for row in query:
            result.setdefault(row.contact_id, _view(row, row.contact.name))
    return result
