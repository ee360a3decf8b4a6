"""Stored interactions read back as dataclasses (history, the newest attempt), what a log
fulfilled, and the checks on a moment and a duration before one is stored.

The bottom of the interactions family: logging (`log.py`), the pins a log sets or clears
(`pins.py`) and editing history (`edits.py`) all build on it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass

from peewee import Select, fn

from planner.core.dates import latest_moment, now_local
from planner.core.errors import BadInput, NotFound
from planner.core.textsafe import json_dict
from planner.core.vocabulary import is_reaching
from planner.core.zones import aware, stored_moment, zone_from_key
from planner.store.database import db
from planner.store.models import Contact, Interaction, PrivateNote, get_contact
from planner.store.queries import attempt_condition, chunked, reached_condition

# Slack for clocks: "now" typed a moment ago must not count as the future.
FUTURE_SLACK = dt.timedelta(minutes=2)


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
    logged_by: int | None = None  # the member who logged it (None on a personal file)
    # a private note: its summary and notes are shown only to its author (empty for anyone else)
    private: bool = False

    def to_json(self) -> dict:
        return json_dict(self)


@dataclass(frozen=True)
class ConsumedPin:
    """A pinned or follow-up call a log fulfilled, remembered on the log (`Interaction.consumed_pins`)
    so that deleting the log, or editing it away, can put the call back on its day. `replaced`: the
    log's own `--next` set it aside, whatever its day, rather than the attempt fulfilling it."""

    day: dt.date
    reason: str  # pinned | follow-up
    note: str = ""
    replaced: bool = False


def consumed_pins(row: Interaction) -> list[ConsumedPin]:
    """The calls this log fulfilled (none for logs made before followup remembered them)."""
    if not row.consumed_pins:
        return []
    return [ConsumedPin(dt.date.fromisoformat(item["day"]), item["reason"], item.get("note", ""),
                        bool(item.get("replaced"))) for item in json.loads(row.consumed_pins)]


def store_consumed(row: Interaction, pins: list[ConsumedPin]) -> None:
    """Remember exactly `pins` as what this log fulfilled (inside the caller's transaction)."""
    row.consumed_pins = json.dumps([{**asdict(pin), "day": pin.day.isoformat()} for pin in pins]) if pins else None
    Interaction.update(consumed_pins=row.consumed_pins).where(Interaction.id == row.id).execute()


def local_day(row: Interaction) -> dt.date:
    """The day it happened, in the zone it was logged in."""
    return aware(row.happened_at, row.tz).date()


def check_moment(at: dt.datetime | None) -> dt.datetime:
    """When it happened (default now), aware; the future is refused."""
    moment = at or now_local()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now_local().tzinfo)
    if moment > latest_moment() + FUTURE_SLACK:
        raise BadInput(
            f"--at: {moment.isoformat(' ', 'minutes')} is in the future; log what happened, "
            "and plan the next call with --next"
        )
    return moment


def check_duration(duration: int | None) -> int | None:
    if duration is None:
        return None
    if not 0 <= int(duration) <= 24 * 60:
        raise BadInput(f"duration: {duration} minutes is not between 0 and 1440")
    return int(duration)


def _view(row: Interaction, name: str, private_texts: dict[int, tuple[str, str]] | None = None) -> InteractionView:
    summary, notes = row.summary, row.notes
    if row.private:
        texts = private_texts if private_texts is not None else private_text([row.id])
        summary, notes = texts.get(row.id, ("", ""))
    return InteractionView(
        id=row.id, contact_id=row.contact_id, contact_name=name, happened_at=aware(row.happened_at, row.tz),
        kind=row.kind, outcome=row.outcome, duration_min=row.duration_min, summary=summary,
        notes=notes, thanked=row.thanked, reached=is_reaching(row.kind, row.outcome), private=bool(row.private),
        logged_by=row.logged_by,
    )


def private_text(interaction_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(summary, notes) of the private logs among these that this session may read: on a server,
    the rows row-level security shows its role (its own notes), and nothing of anyone else's."""
    found: dict[int, tuple[str, str]] = {}
    for chunk in chunked(interaction_ids):
        query = (PrivateNote.select(PrivateNote.interaction, PrivateNote.summary, PrivateNote.notes)
                 .where(PrivateNote.interaction.in_(chunk)).tuples())
        found.update({row[0]: (row[1], row[2]) for row in query.iterator()})
    return found


def _views(rows: list[Interaction], name_of) -> list[InteractionView]:
    """Views of many rows, the private texts among them read in one query per chunk."""
    texts = private_text([row.id for row in rows if row.private])
    return [_view(row, name_of(row), texts) for row in rows]


def get_interaction(interaction_id: int) -> InteractionView:
    row = (Interaction.select(Interaction, Contact.id, Contact.name).join(Contact)
           .where(Interaction.id == interaction_id).first())
    if row is None:
        raise NotFound(f"no logged interaction with id {interaction_id}")
    return _view(row, row.contact.name)


def history(contact_id: int, limit: int | None = None) -> list[InteractionView]:
    """The contact's interactions, newest first."""
    contact = get_contact(contact_id)
    query = (Interaction.select().where(Interaction.contact == contact_id)
             .order_by(Interaction.happened_at.desc(), Interaction.id.desc()))
    if limit:
        query = query.limit(limit)
    return _views(list(query), lambda _row: contact.name)


def newest_attempt(contact_id: int) -> Interaction | None:
    """The contact's latest call, email, meeting or message (notes are not attempts)."""
    return (Interaction.select().where(Interaction.contact == contact_id, attempt_condition())
            .order_by(Interaction.happened_at.desc(), Interaction.id.desc()).first())


def last_interactions(contact_ids: list[int]) -> dict[int, InteractionView]:
    """For agenda context: each contact's last conversation (the newest interaction that reached
    them), or, for someone never reached, the newest attempt. Two queries per 500 contacts, reading
    only the newest rows however long the history."""
    result = _newest(contact_ids, reached_only=True)
    missing = [cid for cid in contact_ids if cid not in result]
    if missing:
        result.update(_newest(missing, reached_only=False))
    return result


def last_interactions_among(contacts) -> dict[int, InteractionView]:
    """`last_interactions` for the contacts a subquery selects (their ids): set-based, for lists
    of thousands (the agenda at 100k contacts), never a list of ids. One query: each contact's
    newest row that reached them, else their newest attempt, each found through the contact's
    own index entries (the second only for the few never reached)."""

    def newest(condition) -> Select:
        other = Interaction.alias("j")
        return (other.select(other.id).where((other.contact == Contact.id) & condition(other))
                .order_by(other.happened_at.desc(), other.id.desc()).limit(1))

    chosen = fn.COALESCE(newest(reached_condition), newest(attempt_condition))
    query = (Contact.select(Interaction.id, Interaction.contact, Contact.name, Interaction.happened_at,
                            Interaction.tz, Interaction.kind, Interaction.outcome, Interaction.duration_min,
                            Interaction.summary, Interaction.notes, Interaction.thanked, Interaction.logged_by,
                            Interaction.private)
             .join(Interaction, on=(Interaction.id == chosen))
             .where(Contact.id.in_(contacts)))
    return _views_of_rows(db.execute(query))


def newest_attempts(contact_ids: list[int]) -> dict[int, InteractionView]:
    """Each contact's newest attempt (reached or missed), whatever it was."""
    return _newest(contact_ids, reached_only=False)


def _newest(contact_ids: list[int], *, reached_only: bool) -> dict[int, InteractionView]:
    result: dict[int, InteractionView] = {}
    for chunk in chunked(contact_ids):
        result.update(_newest_where(Interaction.contact.in_(chunk), reached_only=reached_only))
    return result


def _newest_where(which, *, reached_only: bool) -> dict[int, InteractionView]:
    """Each contact's newest interaction (reaching them, or any attempt) among those `which` picks."""
    wanted = reached_condition() if reached_only else attempt_condition()
    latest = (Interaction.select(Interaction.contact.alias("cid"), fn.MAX(Interaction.happened_at).alias("at"))
              .where(which, wanted)
              .group_by(Interaction.contact))
    query = (Interaction.select(Interaction.id, Interaction.contact, Contact.name, Interaction.happened_at,
                                Interaction.tz, Interaction.kind, Interaction.outcome, Interaction.duration_min,
                                Interaction.summary, Interaction.notes, Interaction.thanked, Interaction.logged_by,
                                Interaction.private)
             .join(Contact)
             .switch(Interaction)
             .join(latest, on=(Interaction.contact == latest.c.cid) & (Interaction.happened_at == latest.c.at))
             .where(wanted)
             .order_by(Interaction.happened_at.desc(), Interaction.id.desc()))
    # tuples, not models: thousands of rows for an agenda at 100k contacts; the first row of each
    # contact is its newest
    return _views_of_rows(db.execute(query))


def _views_of_rows(rows) -> dict[int, InteractionView]:
    """Each contact's first row of (id, contact, name, happened_at, tz, kind, outcome, duration,
    summary, notes, thanked, logged_by, private), read raw from the cursor (no per-field
    conversion: thousands of rows), as its view, with a private log's text for the one session
    that may read it (its author; the server decides)."""
    result: dict[int, InteractionView] = {}
    zones: dict[str, dt.tzinfo] = {}  # this call's few zones, each looked up once
    for rid, cid, name, happened_at, tz, kind, outcome, duration, summary, notes, thanked, by, private in rows:
        if cid not in result:
            zone = zones.get(tz) or zones.setdefault(tz, zone_from_key(tz))
            result[cid] = InteractionView(
                id=rid, contact_id=cid, contact_name=name,
                happened_at=stored_moment(happened_at).replace(tzinfo=dt.UTC).astimezone(zone), kind=kind,
                outcome=outcome, duration_min=duration, summary=summary, notes=notes, thanked=bool(thanked),
                reached=is_reaching(kind, outcome), logged_by=by, private=bool(private))
    texts = private_text([view.id for view in result.values() if view.private])
    for view in result.values():
        if view.id in texts:
            view.summary, view.notes = texts[view.id]
    return result
