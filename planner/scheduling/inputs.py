"""What the planner reads from the database: the working-day calendar (settings and blocks), and
about each contact its effective cadence, last day reached (in the user's time zone), pinned next
calls, today's call and a new contact's anchor."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from planner.core.cadence import effective_cadence
from planner.core.vocabulary import NEXT_CALL_REASONS, PlanReason
from planner.core.workdays import WEEKDAY_INDEX, WorkCalendar
from planner.core.zones import configured_zone, in_user_zone
from planner.scheduling import worklist
from planner.scheduling.owners import owned
from planner.scheduling.windows import ContactPlanInput
from planner.store import settings
from planner.store.database import db
from planner.store.dialect import as_date
from planner.store.models import Block, Contact, ContactTag
from planner.store.queries import last_reached_query


def _last_contacts(contact_ids: list[int] | None) -> dict[int, dt.date]:
    """The day each contact was last reached, in the user's zone (naive UTC in the table)."""
    day = _LocalDays(configured_zone(settings.get("timezone"))).of
    # raw cursor: no per-row model conversion
    return {cid: day(moment) for cid, moment in db.execute(last_reached_query(contact_ids))}


_HOUR = dt.timedelta(hours=1)


class _LocalDays(dict):
    """Stored naive-UTC moments -> their day in the user's zone, as `in_user_zone(...).date()`
    gives it, the zone's rules looked up once per UTC hour instead of once per moment (90k
    contacts' last calls at 100k). An hour whose first and last instants fall on one local day at
    one offset maps every moment in it to that day (a zone changes its offset at most once in an
    hour); any other hour (a change of offset, or local midnight inside it at a half-hour offset)
    and any other form of value are worked out moment by moment."""

    def __init__(self, zone: dt.tzinfo | None) -> None:
        super().__init__()
        self.zone = zone

    def of(self, moment: object) -> dt.date:
        if isinstance(moment, str) and len(moment) >= 13 and moment[10] in " T":
            day = self[moment[:13]]
            if day is not None:
                return day
        return in_user_zone(moment, self.zone).date()

    def __missing__(self, hour: str) -> dt.date | None:
        try:
            start = dt.datetime.fromisoformat(hour + ":00")
        except ValueError:
            day = None
        else:
            first = in_user_zone(start, self.zone)
            last = in_user_zone(start + _HOUR - dt.timedelta(microseconds=1), self.zone)
            same = first.date() == last.date() and first.utcoffset() == last.utcoffset()
            day = first.date() if same else None
        self[hour] = day
        return day


def load_inputs(contact_ids: list[int] | None, rows: list[tuple], cal: WorkCalendar,
                today: dt.date, owner: int | None = None) -> list[ContactPlanInput]:
    """What the planner needs about the given contacts (everyone when None, or everyone of one
    owner's partition); `rows` are their stored plan rows as `raw_rows` returns them."""
    # in id order: the planner breaks ties by its input's order, and a server returns rows in no
    # fixed order (an updated row moves), where SQLite happened to give them by id
    query = (Contact.select(Contact.id, Contact.cadence_days, Contact.no_cadence, Contact.archived_at)
             .order_by(Contact.id))
    tag_query = ContactTag.select(ContactTag.contact, ContactTag.tag).order_by(ContactTag.id)
    if contact_ids is not None:
        query = query.where(Contact.id.in_(contact_ids))
        tag_query = tag_query.where(ContactTag.contact.in_(contact_ids))
    elif owner is not None:
        query = query.where(owned(owner))
        tag_query = tag_query.where(ContactTag.contact.in_(Contact.select(Contact.id).where(owned(owner))))
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
            if reason in NEXT_CALL_REASONS:
                pins[cid].append(as_date(day))
            elif reason == PlanReason.SEQUENCE:
                touches[cid].append(as_date(day))
        elif seq == 0:
            if today_text is not None and str(day)[:10] == today_text:
                today_rows[cid] = (as_date(ideal), reason)
            if reason == PlanReason.NEW:
                anchors[cid] = as_date(day)
    listed = worklist.listed(today, contact_ids)  # their calls may come back to today (a log undone, deleted)
    # at 100k contacts a handful of distinct (own cadence, no cadence, tags) cases: each worked out once
    cadences: dict[tuple, int | None] = {}
    no_tags: list[str] = []
    infos: list[ContactPlanInput] = []
    append, get_tags, get_last = infos.append, tags.get, last.get
    get_pins, get_touches, get_today, get_anchor = pins.get, touches.get, today_rows.get, anchors.get
    for cid, own, no_cadence, archived_at in db.execute(query):
        mine = get_tags(cid, no_tags)
        key = (own, no_cadence, *mine)
        if key in cadences:
            cadence = cadences[key]
        else:
            cadence = cadences[key] = effective_cadence(own, bool(no_cadence), mine, tag_cadences, default)[0]
        pinned_next, touch_points = get_pins(cid), get_touches(cid)
        append(ContactPlanInput(cid, cadence, archived_at is None, get_last(cid),
                                tuple(sorted(pinned_next)) if pinned_next else (), get_today(cid), get_anchor(cid),
                                tuple(sorted(touch_points)) if touch_points else (), cid in listed))
    return infos


def load_calendar(member_id: int | None = None) -> WorkCalendar:
    """The calendar from the user's settings and blocked ranges; with `member_id`, that member's
    (their own working days, holidays and cap where set, their own blocked days beside the desk's)."""
    weekdays = frozenset(WEEKDAY_INDEX[d] for d in settings.for_member(member_id, "workdays"))
    mine = Block.member_id.is_null() if member_id is None else (Block.member_id.is_null()
                                                                  | (Block.member_id == member_id))
    blocks = tuple((b.start, b.end) for b in Block.select().where(mine).order_by(Block.start))
    return WorkCalendar(weekdays, settings.for_member(member_id, "holidays"), blocks,
                        settings.for_member(member_id, "capacity"))


def contact_calendar(contact_id: int) -> WorkCalendar:
    """The calendar of the member who owns the contact (the desk's for one without an owner)."""
    owner = Contact.select(Contact.owner_id).where(Contact.id == contact_id).scalar()
    return load_calendar(owner)
