"""What the planner reads from the database: the working-day calendar (settings and blocks), and
about each contact its effective cadence, last day reached (in the user's time zone), pinned next
calls, today's call and a new contact's anchor."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict

from peewee import fn

from planner.core.cadence import effective_cadence
from planner.core.vocabulary import REACHED_OUTCOMES
from planner.core.workdays import WEEKDAY_INDEX, WorkCalendar
from planner.scheduling.stored_plan import as_date
from planner.scheduling.touch_points import TOUCH_POINT_REASON
from planner.scheduling.windows import NEXT_CALL_PIN_REASONS, ContactPlanInput
from planner.store import settings
from planner.store.database import db
from planner.store.models import Block, Contact, ContactTag, Interaction


def _local_zone() -> dt.tzinfo | None:
    name = settings.get("timezone")
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return None
    return None


def last_reached_query(contact_ids: list[int] | None):
    """(contact, last moment reached) for the given contacts, or everyone: answered from the
    index on (contact, outcome, happened_at) alone (migration v6)."""
    query = (Interaction.select(Interaction.contact, fn.MAX(Interaction.happened_at))
             .where(Interaction.outcome.in_(REACHED_OUTCOMES)).group_by(Interaction.contact))
    if contact_ids is not None:
        query = query.where(Interaction.contact.in_(contact_ids))
    return query


def _last_contacts(contact_ids: list[int] | None) -> dict[int, dt.date]:
    """The local day each contact was last reached (naive UTC in the table)."""
    zone = _local_zone()
    result = {}
    for cid, moment in db.execute(last_reached_query(contact_ids)):  # raw cursor: no per-row model conversion
        when = moment if isinstance(moment, dt.datetime) else dt.datetime.fromisoformat(str(moment))
        result[cid] = when.replace(tzinfo=dt.timezone.utc).astimezone(zone).date()
    return result


def load_inputs(contact_ids: list[int] | None, rows: list[tuple], cal: WorkCalendar,
                today: dt.date) -> list[ContactPlanInput]:
    """What the planner needs about the given contacts (everyone when None); `rows` are their
    stored plan rows as `raw_rows` returns them."""
    query = Contact.select(Contact.id, Contact.cadence_days, Contact.no_cadence, Contact.archived_at)
    tag_query = ContactTag.select(ContactTag.contact, ContactTag.tag)
    if contact_ids is not None:
        query = query.where(Contact.id.in_(contact_ids))
        tag_query = tag_query.where(ContactTag.contact.in_(contact_ids))
    tags: dict[int, list[str]] = defaultdict(list)
    for cid, tag in db.execute(tag_query):
        tags[cid].append(tag)
    tag_cadences, default = settings.tag_cadences(), settings.get("default_cadence")
    last = _last_contacts(contact_ids)
    pins: dict[int, list[dt.date]] = defaultdict(list)
    touches: dict[int, list[dt.date]] = defaultdict(list)
    today_rows: dict[int, tuple[dt.date, str]] = {}
    anchors: dict[int, dt.date] = {}
    today_text = today.isoformat() if cal.is_working_day(today) else None
    for _rid, cid, day, ideal, _ws, _we, reason, pinned, seq, _favor, _note in rows:
        if pinned:
            if reason in NEXT_CALL_PIN_REASONS:
                pins[cid].append(as_date(day))
            elif reason == TOUCH_POINT_REASON:
                touches[cid].append(as_date(day))
        elif seq == 0:
            if today_text is not None and str(day)[:10] == today_text:
                today_rows[cid] = (as_date(ideal), reason)
            if reason == "new":
                anchors[cid] = as_date(day)
    infos = []
    for cid, own, no_cadence, archived_at in db.execute(query):
        cadence, _ = effective_cadence(own, bool(no_cadence), tags[cid], tag_cadences, default)
        infos.append(ContactPlanInput(cid, cadence, archived_at is None, last.get(cid),
                                      tuple(sorted(pins[cid])), today_rows.get(cid), anchors.get(cid),
                                      tuple(sorted(touches[cid]))))
    return infos


def load_calendar() -> WorkCalendar:
    """The calendar from the user's settings and blocked ranges."""
    weekdays = frozenset(WEEKDAY_INDEX[d] for d in settings.get("workdays"))
    blocks = tuple((b.start, b.end) for b in Block.select().order_by(Block.start))
    return WorkCalendar(weekdays, settings.get("holidays"), blocks, settings.get("capacity"))
