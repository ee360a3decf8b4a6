"""Plain dataclasses handed to the CLI and the screens instead of live Peewee rows (as elia does),
and the bulk loader that builds them in a fixed number of queries whatever the list's length."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from functools import cache
from typing import Any

from planner.core.cadence import effective_cadence
from planner.core.dates import shift_months, today
from planner.core.textsafe import fold
from planner.core.vocabulary import REACHED_OUTCOMES, FavorDirection, PlanReason
from planner.core.zones import configured_zone, in_user_zone, stored_moment
from planner.services.important_dates import DateView
from planner.services.ledger import GIVE_BACK_MONTHS, ONE_WAY_MARGIN, favor_summaries
from planner.services.presence import _LIVE as LIVE_CONDITION
from planner.services.presence import _WRITTEN as WRITTEN_CONDITION
from planner.services.presence import presence_of
from planner.store import settings
from planner.store.database import db
from planner.store.dialect import first_line, iso_day, portable
from planner.store.engine import on_server
from planner.store.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Favor,
    ImportantDate,
    Interaction,
    PlannedCall,
)
from planner.store.queries import chunked, last_reached_query


@dataclass
class ContactView:
    id: int
    name: str
    company: str = ""
    title: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    kind: str = "other"
    cadence_days: int | None = None  # effective: own, else shortest tag cadence, else default
    cadence_from: str | None = None  # "contact", "tag:NAME", "default" or None (never scheduled)
    own_cadence_days: int | None = None
    timezone: str = ""
    notes: str = ""
    source: str = "manual"
    external_key: str = ""
    connected_on: dt.date | None = None
    created_at: dt.datetime | None = None
    archived: bool = False
    archived_at: dt.datetime | None = None
    last_contacted: dt.datetime | None = None
    next_call: dt.date | None = None
    next_reason: str | None = None
    balance: int = 0
    owes_thanks: bool = False  # a received favour is not thanked yet (late or not)
    one_way: bool = False  # over 12 months we received at least two more than we gave
    give_back: bool = False  # helped us, and we have not helped them in six months
    prefers_email: bool = False
    live_share: float | None = None  # calls and meetings that reached them, of all touches (None: none yet)
    last_live: dt.datetime | None = None  # the last call or meeting that reached them (UTC)
    owner_id: int | None = None  # the member whose contact it is (None on a personal file)

    def to_json(self) -> dict:
        """`json_dict` of the view, written out for its known fields: a `contacts --json` of
        100,000 contacts calls this for every one."""
        fields_of = self.__dict__
        names = _field_names(ContactView)
        if len(fields_of) == len(names):  # its fields only, in their order (as __init__ set them): copied whole
            data = fields_of.copy()
        else:
            data = {name: fields_of[name] for name in names}
        data["emails"], data["phones"], data["tags"] = list(self.emails), list(self.phones), list(self.tags)
        return _json_ready(data)


def _json_ready(data: dict) -> dict:
    """A view's fields (`data`, changed in place) as `to_json` writes them: moments as ISO text
    (those `_iso_moment` read as text already are)."""
    for name in _MOMENTS:
        value = data[name]
        if value is not None and type(value) is not str:
            data[name] = value.isoformat()
    return data


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(item.name for item in dataclass_fields(kind))


_MOMENTS = ("connected_on", "created_at", "archived_at", "last_contacted", "next_call", "last_live")


def load_views(contacts: Iterable[Contact]) -> list[ContactView]:
    """Views for the given rows, in their order, in six queries however many there are."""
    rows = list(contacts)
    ids = [row.id for row in rows]
    if not ids:
        return []
    emails, phones, tags = defaultdict(list), defaultdict(list), defaultdict(list)
    for chunk in chunked(ids):
        for e in ContactEmail.select().where(ContactEmail.contact.in_(chunk)).order_by(ContactEmail.position):
            emails[e.contact_id].append(e.address)
        for p in ContactPhone.select().where(ContactPhone.contact.in_(chunk)).order_by(ContactPhone.position):
            phones[p.contact_id].append(p.number)
        for t in ContactTag.select().where(ContactTag.contact.in_(chunk)).order_by(ContactTag.tag):
            tags[t.contact_id].append(t.tag)
    last = _last_contacted(ids)
    nxt = _next_calls(ids)
    ledger = favor_summaries(ids)
    present = presence_of(ids)
    tag_cadences = settings.tag_cadences()
    default = settings.get("default_cadence")
    views = []
    for row in rows:
        cadence, source = effective_cadence(row.cadence_days, row.no_cadence, tags[row.id], tag_cadences, default)
        next_date, next_reason = nxt.get(row.id, (None, None))
        views.append(
            ContactView(
                id=row.id, name=row.name, company=row.company, title=row.title,
                emails=emails[row.id], phones=phones[row.id], tags=tags[row.id], kind=row.kind,
                cadence_days=cadence, cadence_from=source, own_cadence_days=row.cadence_days,
                timezone=row.timezone, notes=row.notes, source=row.source, external_key=row.external_key,
                connected_on=row.connected_on, created_at=row.created_at,
                archived=row.archived_at is not None, archived_at=row.archived_at,
                last_contacted=last.get(row.id), next_call=next_date, next_reason=next_reason,
                balance=ledger[row.id].balance if row.id in ledger else 0,
                owes_thanks=row.id in ledger and ledger[row.id].owes_thanks,
                one_way=row.id in ledger and ledger[row.id].one_way,
                give_back=row.id in ledger and ledger[row.id].gives_back(today()),
                prefers_email=bool(row.prefers_email),
                live_share=present[row.id].live_share if row.id in present else None,
                last_live=present[row.id].last_live if row.id in present else None,
                owner_id=row.owner_id,
            )
        )
    return views


def _last_contacted(ids: list[int]) -> dict[int, dt.datetime]:
    """When each contact was last reached, aware in the user's zone: the planner counts the
    cadence from that same day (scheduling/inputs.py)."""
    zone = configured_zone(settings.get("timezone"))
    result: dict[int, dt.datetime] = {}
    for chunk in chunked(ids):
        for cid, moment in db.execute(last_reached_query(chunk)):
            result[cid] = in_user_zone(moment, zone)
    return result


def _next_calls(ids: list[int]) -> dict[int, tuple[dt.date, str]]:
    result: dict[int, tuple[dt.date, str]] = {}
    for chunk in chunked(ids):
        query = (
            PlannedCall.select(PlannedCall.contact, PlannedCall.date, PlannedCall.reason)
            .where(PlannedCall.contact.in_(chunk), PlannedCall.reason != PlanReason.THANK_YOU)
            .order_by(PlannedCall.date, PlannedCall.seq)
        )
        for row in query:
            result.setdefault(row.contact_id, (row.date, row.reason))
    return result


# ----------------------------------------------------------------------------- set-based reading
# Lists read what they show in one query of correlated aggregates: each contact's emails, tags,
# last reach, next call and ledger come from index probes made inside SQLite (or the server), and
# rows come out as tuples, a batch at a time, in the order they are printed. No model object per
# row and no `IN (...)` list of ids (at 100,000 contacts those two were most of the time of every
# list), and nothing kept once a row is written.
SEPARATOR = "\x1f"  # between a contact's emails, phones or tags in one cell: none of them can hold a control
BATCH = 500


def _list_column(model, column: str, order: str, *, expression: bool = False) -> str:
    """A contact's values of `column` (or an SQL `expression` on row `x`) in `model`'s table, in
    `order`, joined by SEPARATOR."""
    table = model._meta.table_name
    value = column if expression else f'x."{column}"'
    if on_server(db):
        return (f'(SELECT string_agg({value}, chr(31) ORDER BY {order}) FROM "{table}" x '
                f'WHERE x."contact_id" = c."id")')
    return (f'(SELECT group_concat(v, char(31)) FROM (SELECT {value} AS v FROM "{table}" x '
            f'WHERE x."contact_id" = c."id" ORDER BY {order}))')


def _words(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


_INTERACTION = Interaction._meta.table_name
_PLANNED = PlannedCall._meta.table_name
_FAVOR = Favor._meta.table_name
_GAVE = f"f.\"direction\" = '{FavorDirection.GAVE}'"
_LAST_REACHED = (f'(SELECT MAX(i."happened_at") FROM "{_INTERACTION}" i WHERE i."contact_id" = c."id" '
                 f'AND i."outcome" IN ({_words(REACHED_OUTCOMES)}))')
_NEXT = (f'(SELECT p."{{0}}" FROM "{_PLANNED}" p WHERE p."contact_id" = c."id" '
         f"AND p.\"reason\" <> '{PlanReason.THANK_YOU}' ORDER BY p.\"date\", p.\"seq\" LIMIT 1)")
_BALANCE = (f'(SELECT SUM(CASE WHEN {_GAVE} THEN f."weight" ELSE -f."weight" END) FROM "{_FAVOR}" f '
            'WHERE f."contact_id" = c."id")')
# The ledger's flags in one probe: balance * 8 + owes thanks (4) + one way (2) + gives back (1);
# the two dates bound are a year ago (one way) and the give-back cutoff.
_LEDGER = (
    f'(SELECT SUM(CASE WHEN {_GAVE} THEN f."weight" ELSE -f."weight" END) * 8'
    f' + MAX(CASE WHEN NOT {_GAVE} AND f."thanked_at" IS NULL THEN 4 ELSE 0 END)'
    f' + CASE WHEN SUM(CASE WHEN f."date" > ? THEN (CASE WHEN {_GAVE} THEN -1 ELSE 1 END) ELSE 0 END)'
    f' >= {ONE_WAY_MARGIN} THEN 2 ELSE 0 END'
    f' + CASE WHEN MAX(CASE WHEN {_GAVE} THEN 0 ELSE 1 END) = 1'
    f' AND (MAX(CASE WHEN {_GAVE} THEN f."date" END) IS NULL OR MAX(CASE WHEN {_GAVE} THEN f."date" END) < ?)'
    f' THEN 1 ELSE 0 END FROM "{_FAVOR}" f WHERE f."contact_id" = c."id")')
# A contact's interactions in one probe: "touches|last live touch|last reached", touches counted
# live in the high half and written in the low half; the moments as stored, empty when none;
# NULL when there are no interactions.
_INTERACTIONS = (
    f'(SELECT CAST(SUM(CASE WHEN {LIVE_CONDITION} THEN 4294967296 WHEN {WRITTEN_CONDITION} THEN 1 ELSE 0 END) AS TEXT)'
    f' || \'|\' || COALESCE(CAST(MAX(CASE WHEN {LIVE_CONDITION} THEN i."happened_at" END) AS TEXT), \'\')'
    f' || \'|\' || COALESCE(CAST(MAX(CASE WHEN i."outcome" IN ({_words(REACHED_OUTCOMES)}) THEN i."happened_at" END)'
    f' AS TEXT), \'\') FROM "{_INTERACTION}" i WHERE i."contact_id" = c."id")')
_CONTACT_COLUMNS = ('c."id", c."name", c."company", c."title", c."kind", c."cadence_days", c."no_cadence", '
                    'c."timezone", c."notes", c."source", c."external_key", c."connected_on", c."created_at", '
                    'c."archived_at", c."prefers_email", c."owner_id"')


def _full_columns(relations: bool) -> str:
    lists = ", ".join((_list_column(ContactEmail, "address", 'x."position", x."id"'),
                       _list_column(ContactPhone, "number", 'x."position", x."id"'),
                       _list_column(ContactTag, "tag", 'x."tag"')))
    if not relations:
        return f"{_CONTACT_COLUMNS}, {lists}"
    day = iso_day('p."date"')
    next_call = (f"(SELECT {day} || ' ' || p.\"reason\" FROM \"{_PLANNED}\" p "
                 f"WHERE p.\"contact_id\" = c.\"id\" AND p.\"reason\" <> '{PlanReason.THANK_YOU}' "
                 'ORDER BY p."date", p."seq" LIMIT 1)')
    return f"{_CONTACT_COLUMNS}, {lists}, {next_call}, {_LEDGER}, {_INTERACTIONS}"


# Names sorted as `fold` sorts them (Ève with E): SQLite calls `fold` itself (store/database.py
# registers it); the server has no such function, and its rows are sorted here.
_NAME_KEY = 'followup_fold(c."name"), c."id"'
_STORED_NAME_KEY = first_line('c."search_text"', server=False) + ', c."id"'


def _day(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _moment(value: object) -> dt.datetime | None:
    return None if value is None else stored_moment(value)


def _split(value: str | None) -> list[str]:
    return value.split(SEPARATOR) if value else []


def _ledger_params() -> list[object]:
    base = today()
    year_ago = shift_months(base, -12)
    cutoff = shift_months(base, -GIVE_BACK_MONTHS)
    if on_server(db):
        return [year_ago, cutoff]
    return [year_ago.isoformat(), cutoff.isoformat()]


def _rows(sql: str, params: list[object]) -> Iterator[tuple]:
    """The rows of `sql` a batch at a time, as read."""
    cursor = db.execute_sql(portable(sql), params)
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def iter_views(where: str = "", params: Sequence[object] = (), *, order: str = "name",
               relations: bool = True) -> Iterator[ContactView]:
    """Contact views for the contacts matching `where` (SQL on contact `c`, `?` placeholders), as
    they are read: by folded name then id (`order="name"`), by name without regard to case then
    id (`order="nocase"`, the export's order), or as stored (`order="none"`). Without
    `relations`, last reach, next call, ledger and presence stay at their defaults (an export of
    the address book has no use for them)."""
    return (view for view, _ in _views(where, params, order, relations, dates=False))


def iter_json_records(where: str = "", params: Sequence[object] = (), *, order: str = "name") -> Iterator[dict]:
    """`ContactView.to_json` of every view `iter_views` reads (in its `order`), made straight from
    each row's fields without the view in between: `contacts --json` writes 100,000 of them."""
    return (_json_ready(data) for data, _ in _views(where, params, order, True, dates=False, make=_json_fields))


def iter_dated_views(*, order: str = "nocase", relations: bool = False) -> Iterator[tuple[ContactView, list[DateView]]]:
    """Everyone's views (as `iter_views` reads them) with their dates that matter, by month and day."""
    for view, packed in _views("", (), order, relations, dates=True):
        found = []
        for item in _split(packed):
            date_id, kind, year, month, day, yearly = item.split(" ")
            found.append(DateView(int(date_id), view.id, view.name, kind, int(year) or None, int(month), int(day),
                                  yearly == "1"))
        yield view, found


# A contact's dates as "id kind year month day yearly" (a kind is letters, digits and dashes; no
# year is 0), by month and day, for the vCard export.
_DATES = "".join(
    f"CAST({part} AS TEXT)" if part.startswith(("x.", "COALESCE", "CASE")) else part
    for part in ('x."id"', " || ' ' || ", 'x."kind"', " || ' ' || ", 'COALESCE(x."year", 0)', " || ' ' || ",
                 'x."month"', " || ' ' || ", 'x."day"', " || ' ' || ", 'CASE WHEN x."yearly" THEN 1 ELSE 0 END'))


def _views(where: str, params: Sequence[object], order: str, relations: bool, dates: bool,
           make: Callable[..., Any] | None = None) -> Iterator[tuple[Any, str | None]]:
    """(view, packed dates) for each row; `make` builds something else than the view from the same
    arguments (`_row_fields`, anything with the view's `id` and `name`)."""
    make = make or _make_view
    columns = _full_columns(relations)
    if dates:
        columns += ", " + _list_column(ImportantDate, _DATES, 'x."month", x."day", x."id"', expression=True)
    sql = f'SELECT {columns} FROM "{Contact._meta.table_name}" c'
    all_params: list[object] = _ledger_params() if relations else []
    if where:
        sql += f" WHERE {where}"
        all_params += list(params)
    server = on_server(db)
    if order == "nocase":
        nocase = 'lower(c."name") COLLATE "C"' if server else 'c."name" COLLATE NOCASE'  # as name_order sorts
        sql += f' ORDER BY {nocase}, c."id"'
    elif order == "name" and not server:
        sql += f" ORDER BY {_NAME_KEY}"
    zone = configured_zone(settings.get("timezone"))
    tag_cadences = settings.tag_cadences()
    default = settings.get("default_cadence")
    size = _RELATED if relations else _PLAIN_COLUMNS
    views = ((make(row, relations, zone, tag_cadences, default), row[size] if dates else None)
             for row in _rows(sql, all_params))
    if order == "name" and server:
        return iter(sorted(views, key=_fold_key))
    return views


_PLAIN_COLUMNS = 19  # contact columns and the three lists
_RELATED = 22  # and next call with its reason, ledger, interactions


def _fold_key(pair: tuple[Any, str | None]) -> tuple[str, int]:
    made = pair[0]
    return (fold(made["name"]), made["id"]) if isinstance(made, dict) else (fold(made.name), made.id)


def _iso_moment(value: object) -> str | None:
    """`_moment(value).isoformat()`: a stored naive-UTC moment as ISO text. The text SQLite hands
    back ("2026-12-06 01:24:59.683309", as written: no zone, microseconds only when there are
    some) becomes ISO's by its T alone, without parsing it and writing it again (two moments
    of 100,000 records in `contacts --json`); anything else goes the long way."""
    if value is None:
        return None
    if type(value) is str and value[10:11] == " " and (len(value) == 19 or len(value) == 26 and value[19] == "."
                                                        and value[20:] != "000000"):
        return value[:10] + "T" + value[11:]
    return stored_moment(value).isoformat()


def _json_fields(row: tuple, relations: bool, zone, tag_cadences: dict[str, int], default) -> dict[str, Any]:
    """`_row_fields` with the stored moments as ISO text (`_json_ready` writes the others)."""
    return _row_fields(row, relations, zone, tag_cadences, default, moment=_iso_moment)


def _make_view(row: tuple, relations: bool, zone, tag_cadences: dict[str, int], default) -> ContactView:
    # The fields are every field, in order, and the view has no __post_init__: they become its
    # __dict__ as they are, what __init__ would have built from them one keyword at a time.
    view = object.__new__(ContactView)
    view.__dict__ = _row_fields(row, relations, zone, tag_cadences, default)
    return view


def _row_fields(row: tuple, relations: bool, zone, tag_cadences: dict[str, int], default,
                moment: Callable[[object], Any] = _moment) -> dict[str, Any]:
    """A contact row's view fields, in the view's field order (its `__init__` arguments). Without
    `relations`, what those columns would fill stays at the view's defaults. `moment` reads the
    stored moments (created, archived, last live touch)."""
    (cid, name, company, title, kind, own, no_cadence, timezone, notes, source, external_key, connected_on,
     created_at, archived_at, prefers_email, owner_id, emails, phones, tags) = row[:_PLAIN_COLUMNS]
    tags = _split(tags)
    cadence, source_of = effective_cadence(own, bool(no_cadence), tags, tag_cadences, default)
    archived = moment(archived_at)
    next_day = next_reason = last_contacted = live_share = last_live = None
    flags = 0
    if relations:
        next_call, ledger, interactions = row[_PLAIN_COLUMNS:_RELATED]
        if next_call is not None:
            day, _, next_reason = next_call.partition(" ")
            next_day = dt.date.fromisoformat(day)
        if ledger is not None:
            flags = int(ledger)
        if interactions is not None:
            touches, live_moment, last = interactions.split("|")
            if last:
                last_contacted = in_user_zone(last, zone)
            if int(touches):
                live, written = divmod(int(touches), 4294967296)
                live_share = round(live / (live + written), 2)
                last_live = moment(live_moment or None)
    return {
        "id": cid, "name": name, "company": company, "title": title, "emails": _split(emails),
        "phones": _split(phones), "tags": tags, "kind": kind, "cadence_days": cadence, "cadence_from": source_of,
        "own_cadence_days": own, "timezone": timezone, "notes": notes, "source": source,
        "external_key": external_key, "connected_on": _day(connected_on), "created_at": moment(created_at),
        "archived": archived is not None, "archived_at": archived, "last_contacted": last_contacted,
        "next_call": next_day, "next_reason": next_reason, "balance": flags >> 3, "owes_thanks": bool(flags & 4),
        "one_way": bool(flags & 2), "give_back": bool(flags & 1), "prefers_email": bool(prefers_email),
        "live_share": live_share, "last_live": last_live, "owner_id": owner_id,
    }


# A list row: what the contacts table (CLI and screen) shows and filters on, as a plain tuple.
# (id, name, company, tags, effective cadence days, last reached (aware, user's zone), next call,
# balance, folded search text)
ListRow = tuple[int, str, str, list[str], int | None, dt.datetime | None, dt.date | None, int, str]


def iter_rows(where: str = "", params: Sequence[object] = (), *, limit: int | None = None) -> Iterator[ListRow]:
    """The table's rows for the contacts matching `where` (as `iter_views` takes it), by folded
    name then id, as they are read: one query, five probes a contact. With `limit`, the first
    rows only, and only theirs are probed: the page a screen shows first."""
    tags = _list_column(ContactTag, "tag", 'x."tag"')
    columns = (f'c."id", c."name", c."company", c."cadence_days", c."no_cadence", c."search_text", {tags}, '
               f'{_LAST_REACHED}, {_NEXT.format("date")}, {_BALANCE}')
    table = f'"{Contact._meta.table_name}" c' + (f" WHERE {where}" if where else "")
    server = on_server(db)
    args = list(params)
    zone = configured_zone(settings.get("timezone"))
    tag_cadences = settings.tag_cadences()
    default = settings.get("default_cadence")
    if server:  # no fold in SQL: sorted below
        sql = f"SELECT {columns} FROM {table}"
    elif limit is not None:  # the page is chosen first, then only its rows are probed
        # By the folded name every writer stores as the first line of `search_text` (indexed,
        # migration 23): the first rows of the index, where folding every name to sort them is
        # 100k calls into Python. The page's own names decide: should one's stored line not be
        # its folded name, the page is chosen by folding every name after all.
        page = (f"SELECT {columns} FROM (SELECT c.* FROM {table} ORDER BY {_STORED_NAME_KEY} LIMIT ?) c "
                f"ORDER BY {_STORED_NAME_KEY}")
        first = [_list_row(row, zone, tag_cadences, default) for row in _rows(page, [*args, limit])]
        if all(row[8].partition("\n")[0] == fold(row[1]) for row in first):
            return iter(first)
        sql = f"SELECT {columns} FROM (SELECT c.* FROM {table} ORDER BY {_NAME_KEY} LIMIT ?) c ORDER BY {_NAME_KEY}"
        args.append(limit)
    else:
        sql = f"SELECT {columns} FROM {table} ORDER BY {_NAME_KEY}"
    rows = (_list_row(row, zone, tag_cadences, default) for row in _rows(sql, args))
    if server:
        ordered = sorted(rows, key=lambda r: (fold(r[1]), r[0]))
        return iter(ordered if limit is None else ordered[:limit])
    return rows


def count_contacts(where: str = "", params: Sequence[object] = ()) -> int:
    """How many contacts match `where` (as `iter_views` takes it)."""
    sql = f'SELECT COUNT(*) FROM "{Contact._meta.table_name}" c' + (f" WHERE {where}" if where else "")
    return int(db.execute_sql(portable(sql), list(params)).fetchone()[0])


def _list_row(row: tuple, zone, tag_cadences: dict[str, int], default) -> ListRow:
    cid, name, company, own, no_cadence, search_text, tags, last, next_day, balance = row
    tags = _split(tags)
    cadence = effective_cadence(own, bool(no_cadence), tags, tag_cadences, default)[0]
    return (cid, name, company, tags, cadence, None if last is None else in_user_zone(last, zone), _day(next_day),
            int(balance or 0), search_text)
