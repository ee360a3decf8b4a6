"""The planner service: keeps the stored plan (table PlannedCall) in step with contacts.

`update_plan(None)` re-plans everyone through the flow model, stably (a call already planned
stays unless moving it makes the plan flatter or closer to ideal); `rebalance=True` ignores where
calls were. `update_plan(ids)` places only those contacts' calls while every other call stays put;
when that would raise the peak, when many contacts changed, or when the stored plan is from an
earlier day, it re-plans everyone with keeping calls in place ranked above flatness, so it moves
only as many other calls as holding the peak needs. Reading, solving and writing happen in one
IMMEDIATE transaction, so two sessions cannot interleave their plans. Pinned rows belong to
whoever made them: they are read, never rewritten.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache
from collections import defaultdict

from peewee import fn

from planner import dates, settings
from planner.db import db, write_tx
from planner.models import Contact, ContactTag, Interaction, PlannedCall
from planner.scheduling.calendar import WorkCalendar, load_calendar
from planner.scheduling.engine import PlanRow, place_incremental, plan_contacts, seed_new_anchors
from planner.scheduling.stats import PlanStats, compute_stats
from planner.scheduling.windows import NEXT_CALL_PIN_REASONS, ContactPlanInput, PlanSettings
from planner.views import REACHED_OUTCOMES, effective_cadence

INCREMENTAL_LIMIT = 50  # more changed contacts than this: one full re-plan is cheaper and flatter
CHUNK = 500

_COLUMNS = (PlannedCall.id, PlannedCall.contact, PlannedCall.date, PlannedCall.ideal,
            PlannedCall.window_start, PlannedCall.window_end, PlannedCall.reason, PlannedCall.pinned,
            PlannedCall.seq, PlannedCall.favor, PlannedCall.note)


class PlanResult:
    """A plan computed (and stored unless it was a dry run). After an incremental update the
    rows and figures are read back from the database only when asked for, so an edit stays fast."""

    def __init__(self, today: dt.date, horizon_end: dt.date, rows: list[PlanRow] | None,
                 stats: PlanStats | None, moved: int, full: bool, cal: WorkCalendar) -> None:
        self.today, self.horizon_end = today, horizon_end
        self.moved = moved  # unpinned calls whose day changed
        self.full = full  # True: the flow model ran; False: incremental placement
        self._rows, self._stats, self._cal = rows, stats, cal

    @property
    def rows(self) -> list[PlanRow]:
        """Every row of the plan, pinned ones included, by date."""
        if self._rows is None:
            self._rows = sorted(stored_rows(), key=lambda r: (r.date, r.contact_id, r.seq))
        return self._rows

    @property
    def stats(self) -> PlanStats:
        if self._stats is None:
            self._stats = compute_stats(self.rows, self._cal, self.today)
        return self._stats


def plan_settings(horizon: int | None = None) -> PlanSettings:
    return PlanSettings(
        today=dates.today(),
        horizon_days=horizon if horizon is not None else settings.get("horizon"),
        tolerance=settings.get("tolerance"),
        catchup=settings.get("catchup"),
    )


@lru_cache(maxsize=8192)
def _iso_day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else _iso_day(str(value))


def _plan_row(t: tuple) -> PlanRow:
    rid, cid, day, ideal, ws, we, reason, pinned, seq, favor, note = t
    return PlanRow(cid, _as_date(day), _as_date(ideal), _as_date(ws), _as_date(we), reason,
                   bool(pinned), seq, favor, note or "", rid)


def raw_rows(contact_ids: list[int] | None = None) -> list[tuple]:
    """The stored plan as raw tuples (dates as ISO text), in `_COLUMNS` order, through the raw
    cursor: at 100k contacts Peewee's per-field conversion costs more than the solver does."""
    columns = ", ".join(f'"{c.column_name}"' for c in _COLUMNS)
    table = PlannedCall._meta.table_name
    if contact_ids is None:
        return list(db.execute_sql(f'SELECT {columns} FROM "{table}"'))
    rows: list[tuple] = []
    for start in range(0, len(contact_ids), CHUNK):
        chunk = contact_ids[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows += db.execute_sql(f'SELECT {columns} FROM "{table}" WHERE "contact_id" IN ({marks})', chunk)
    return rows


def stored_rows(contact_ids: list[int] | None = None) -> list[PlanRow]:
    """The stored plan as plain rows (everyone's when None)."""
    return [_plan_row(t) for t in raw_rows(contact_ids)]


def _local_zone() -> dt.tzinfo | None:
    name = settings.get("timezone")
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return None
    return None


def _last_contacts(contact_ids: list[int] | None) -> dict[int, dt.date]:
    """The local day each contact was last reached (naive UTC in the table)."""
    zone = _local_zone()
    query = (Interaction.select(Interaction.contact, fn.MAX(Interaction.happened_at))
             .where(Interaction.outcome.in_(REACHED_OUTCOMES)).group_by(Interaction.contact))
    if contact_ids is not None:
        query = query.where(Interaction.contact.in_(contact_ids))
    result = {}
    for cid, moment in db.execute(query):  # raw cursor: no per-row model conversion
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
    today_rows: dict[int, tuple[dt.date, str]] = {}
    anchors: dict[int, dt.date] = {}
    today_text = today.isoformat() if cal.is_working_day(today) else None
    for _rid, cid, day, ideal, _ws, _we, reason, pinned, seq, _favor, _note in rows:
        if pinned:
            if reason in NEXT_CALL_PIN_REASONS:
                pins[cid].append(_as_date(day))
        elif seq == 0:
            if today_text is not None and str(day)[:10] == today_text:
                today_rows[cid] = (_as_date(ideal), reason)
            if reason == "new":
                anchors[cid] = _as_date(day)
    infos = []
    for cid, own, no_cadence, archived_at in db.execute(query):
        cadence, _ = effective_cadence(own, bool(no_cadence), tags[cid], tag_cadences, default)
        infos.append(ContactPlanInput(cid, cadence, archived_at is None, last.get(cid),
                                      tuple(sorted(pins[cid])), today_rows.get(cid), anchors.get(cid)))
    return infos


def replan(contact_ids: list[int] | None = None, *, rebalance: bool = False, dry_run: bool = False,
           horizon: int | None = None) -> PlanResult:
    """Re-plan (see the module docstring) and return the whole plan with its figures."""
    if dry_run:
        return _replan(contact_ids, rebalance, False, horizon)
    with write_tx():
        result = _replan(contact_ids, rebalance, True, horizon)
    return result


def update_plan(contact_ids: list[int] | None, *, rebalance: bool = False) -> PlanStats:
    """Re-plan the given contacts, or everyone when None; returns the figures of the new plan."""
    return replan(contact_ids, rebalance=rebalance).stats


def refresh_if_stale() -> bool:
    """Re-plan everyone when the stored plan still has unpinned calls on days already past
    (a new day began since the last plan). Returns True when it re-planned."""
    today = dates.today()
    if PlannedCall.select().where(PlannedCall.pinned == False, PlannedCall.date < today).exists():  # noqa: E712
        update_plan(None)
        return True
    return False


def _replan(contact_ids: list[int] | None, rebalance: bool, write: bool, horizon: int | None) -> PlanResult:
    ps = plan_settings(horizon)
    cal = load_calendar()
    incremental = (contact_ids is not None and not rebalance and horizon is None
                   and len(set(contact_ids)) <= INCREMENTAL_LIMIT and not _stale(ps.today))
    seeded: dict[int, ContactPlanInput] = {}
    if incremental:
        changed = sorted(set(contact_ids or []))
        mine = raw_rows(changed)
        infos = load_inputs(changed, mine, cal, ps.today)
        loads = _loads_without(changed, ps.today)
        for t in mine:
            if t[7]:  # pinned rows of the changed contacts keep their day and count
                loads[_as_date(t[2])] += 1
        placed = place_incremental(infos, loads, cal, ps)
        if placed is not None:
            moved = _write([t for t in mine if not t[7]], placed, write)
            return PlanResult(ps.today, ps.horizon_end, None, None, moved, False, cal)
        seeded = {i.contact_id: i for i in seed_new_anchors(infos, loads, cal, ps) if i.new_anchor}
    everything = raw_rows()
    infos = load_inputs(None, everything, cal, ps.today)
    old = [t for t in everything if not t[7]]
    prev = {} if rebalance else {(t[1], t[8]): _as_date(t[2]) for t in old}
    if seeded:  # the peak would rise: anchor new contacts where their chain fits best
        infos = [seeded.get(i.contact_id, i) for i in infos]
        prev.update({(cid, 0): info.new_anchor for cid, info in seeded.items() if info.new_anchor})
    pinned = [_plan_row(t) for t in everything if t[7]]
    # after edits, keep every call that can stay (strong); a re-plan of everyone may tidy (weak)
    stability = "none" if rebalance else ("weak" if contact_ids is None else "strong")
    new_rows = plan_contacts(infos, [r for r in pinned if r.date >= ps.today], cal, ps, prev, stability=stability)
    moved = _write(old, new_rows, write)
    rows = sorted(pinned + new_rows, key=lambda r: (r.date, r.contact_id, r.seq))
    return PlanResult(ps.today, ps.horizon_end, rows, None, moved, True, cal)


def _stale(today: dt.date) -> bool:
    return PlannedCall.select().where(PlannedCall.pinned == False, PlannedCall.date < today).exists()  # noqa: E712


def _loads_without(contact_ids: list[int], today: dt.date) -> dict[dt.date, int]:
    """Calls per day from today on, leaving out the given contacts' rows."""
    query = (PlannedCall.select(PlannedCall.date, fn.COUNT(PlannedCall.id))
             .where(PlannedCall.date >= today, PlannedCall.contact.not_in(contact_ids))
             .group_by(PlannedCall.date))
    loads: dict[dt.date, int] = defaultdict(int)
    for day, count in query.tuples():
        loads[_as_date(day)] += count
    return loads


def _write(old: list[tuple], new: list[PlanRow], write: bool) -> int:
    """Store `new` in place of the unpinned rows `old` (raw tuples), touching only rows that
    changed. Returns how many calls changed day."""
    by_key = {(t[1], t[8]): t for t in old}
    keep: set[int] = set()
    inserts: list[PlanRow] = []
    moved = 0
    iso: dict[dt.date, str] = {}  # a few hundred distinct days: format each once

    def text(day: dt.date) -> str:
        found = iso.get(day)
        if found is None:
            found = iso[day] = day.isoformat()
        return found

    for row in new:
        before = by_key.get((row.contact_id, row.seq))
        if before is None:
            inserts.append(row)
            continue
        day = text(row.date)
        if before[2] != day:
            moved += 1
        if before[2:7] == (day, text(row.ideal), text(row.window_start), text(row.window_end), row.reason):
            keep.add(before[0])
            row.id = before[0]
        else:
            inserts.append(row)
    if not write:
        return moved
    gone = [t[0] for t in old if t[0] not in keep]
    for start in range(0, len(gone), CHUNK):
        PlannedCall.delete().where(PlannedCall.id.in_(gone[start : start + CHUNK])).execute()
    # one prepared statement for every new row (raw executemany: Peewee's insert_many builds a
    # statement per chunk and converts each field, several times slower for a first plan)
    table = PlannedCall._meta.table_name
    sql = (f'INSERT INTO "{table}" ("contact_id", "date", "ideal", "window_start", "window_end", '
           '"reason", "pinned", "seq", "favor", "note") VALUES (?, ?, ?, ?, ?, ?, 0, ?, NULL, \'\')')
    db.cursor().executemany(sql, [
        (r.contact_id, r.date.isoformat(), r.ideal.isoformat(), r.window_start.isoformat(),
         r.window_end.isoformat(), r.reason, r.seq)
        for r in inserts
    ])
    return moved


# The rest of the agreed service API lives in its own modules; callers import it from here.
from planner.scheduling.blocks import BlockView, add_block, list_blocks, remove_block  # noqa: E402
from planner.scheduling.pins import pin, skip_cycle, snooze, unpin  # noqa: E402
from planner.scheduling.queries import (  # noqa: E402
    DayLoad,
    PlannedCallView,
    PlanSummary,
    next_call,
    plan_summary,
    planned_calls,
)

__all__ = [
    "BlockView", "DayLoad", "PlanResult", "PlanStats", "PlanSummary", "PlannedCallView", "add_block",
    "list_blocks", "next_call", "pin", "plan_summary", "planned_calls", "refresh_if_stale", "remove_block",
    "replan", "skip_cycle", "snooze", "unpin", "update_plan",
]
