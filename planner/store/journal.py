"""The undo journal: every action a person takes (a log, a snooze, an import...) is recorded as the
rows it changed, so that it can be put back exactly, the stored plan included.

How: a service opens an action with `with journaled("Logged a call with Ana"):` (a write
transaction). While it is open, triggers on every table of user data copy each row the
transaction inserts, updates or deletes, before and after (JSON), into `undo_change`. The triggers
are generated from the tables' columns at the end of every migration, so a table or column a later
version adds is covered without anyone writing undo code for it.

Which action is open is a row of `undo_open` in the main schema, written and removed inside the
action's own transaction: SQLite triggers cannot read a temporary table, and no other session ever
sees the row (writers are serialised by `write_tx`; a server shows no one else an uncommitted row).

Undo applies the inverses in reverse order in one write transaction. It first compares every row
the action changed with how the action left it: a row changed since (by another session, a sync,
a later action not undone) makes it refuse, and nothing is written.

Contacts added in bulk (an import of a whole address book) are the exception to a journal row per
row: `add_contacts_in_bulk` records their ids as ranges, and the triggers pass over every row that
belongs to those contacts (the contact's own, and any journaled table's row with their
`contact_id`): such a row did not exist before the action, so undoing it means removing it. When
the action closes, the rows of those contacts are fingerprinted per table (op `B`, a slice of at
most `BULK_SLICE` contacts each): `new_json` holds the columns the table had, the rows' keys as
ranges, and for each row an 8-byte digest of its JSON text as the engine renders it, never the
row itself. Undo needs the rows only to know that none changed, went or came since (and to name
the first that did); it deletes them as a set and puts nothing back, so a copy of 100,000
contacts (three times the contact table, written twice through the WAL and carried by every
backup) bought nothing a digest does not. A slice recorded by an older followup holds the rows'
JSON after-images instead, and is compared as such.

Drafts are journaled for which contact each belongs to, and nothing else: a merge moves the drafts
of the contact it removes to the one it keeps, and its undo gives them back. Their text is a typing
buffer, saved on every keystroke outside any action (undoing a log must not bring back or overwrite
a note being typed; a draft logged or thrown away since does not stop an undo), and on a desk its
author's alone, never copied into the journal every member reads.

Not journaled: the reminders sent (a mail sent cannot be unsent, and the record keeps it from
being sent twice), and the journal itself. Sync state, settings and members are journaled: only
what an action itself changed is recorded (a merge setting a synced card's contact to nothing),
and the sync's own runs are not actions.

The journal keeps the last `KEEP_ACTIONS` actions of at most `KEEP_DAYS` days, pruned as each
action is recorded.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from peewee import Database, DatabaseProxy, ForeignKeyField, IntegerField, IntegrityError

from planner.core.errors import FollowupError, NotFound
from planner.store import engine
from planner.store import models as m
from planner.store.database import db, retried, write_tx
from planner.store.dialect import portable
from planner.store.queries import tuples

KEEP_ACTIONS = 200
KEEP_DAYS = 30

# This process: the app undoes the actions of its own session, `followup undo` anyone's.
SESSION = uuid.uuid4().hex[:12]

JOURNAL_MODELS = (m.UndoAction, m.UndoChange, m.UndoOpen, m.UndoBulk)
# Not journaled: a reminder sent cannot be unsent; a private note's text would be copied into the
# journal, which every member of a desk can read (undoing the deletion of a private log brings the
# call back without its text).
_NOT_JOURNALED = (m.ReminderSent, m.PrivateNote, *JOURNAL_MODELS)
# Journaled on these columns alone, and only as they are updated: a draft's contact (a merge moves
# it), not its text (a typing buffer saved outside actions, private to its author on a desk)
_COLUMNS_ONLY: dict[type[m.BaseModel], tuple[str, ...]] = {m.Draft: ("contact_id",)}
_TRIGGER = "undo_journal"  # the server's trigger on each table (SQLite: undo_journal_TABLE_OP)
_SQLITE_OPS = {"I": "INSERT", "U": "UPDATE", "D": "DELETE"}
BULK_SLICE = 2000  # contacts per bulk slice: its fingerprints are one value of a few dozen KB
DIGEST_SIZE = 8  # bytes of a row's fingerprint: a chance change going unseen is 1 in 2**64


class NothingToUndo(FollowupError):
    """No action left to undo (exit 1, like any runtime failure)."""


@dataclass
class Action:
    """The action being recorded; its label can still be made more precise before it closes."""

    id: int
    label: str
    bulk: bool = False  # contacts were added in bulk (`add_contacts_in_bulk`)


@dataclass(frozen=True)
class ActionView:
    id: int
    label: str
    actor: str
    session: str
    created_at: dt.datetime
    undone_at: dt.datetime | None
    changes: int

    def to_json(self) -> dict:
        return {"id": self.id, "label": self.label, "actor": self.actor, "session": self.session,
                "created_at": self.created_at.isoformat(timespec="seconds") + "Z",
                "undone_at": self.undone_at.isoformat(timespec="seconds") + "Z" if self.undone_at else None,
                "changes": self.changes}


_local = threading.local()


def journaled_models() -> list[type[m.BaseModel]]:
    """The tables whose rows an action's undo puts back."""
    return [model for model in m.ALL_MODELS if model not in _NOT_JOURNALED]


@contextmanager
def journaled(label: str) -> Iterator[Action]:
    """A write transaction recorded as one undoable action. Nested inside another action it joins
    that one (the outer label stands); an action that changed nothing leaves no trace."""
    with write_tx():
        current: Action | None = getattr(_local, "action", None)
        if current is not None:
            yield current
            return
        row = m.UndoAction.create(label=label, actor=engine.current_role(db) or "", session=SESSION)
        m.UndoOpen.delete().execute()  # left by nothing but a crash inside this transaction; be sure
        m.UndoOpen.create(action_id=row.id)
        action = Action(row.id, label)
        _local.action = action
        try:
            yield action
        finally:
            _local.action = None
        _close(action)


def add_contacts_in_bulk(insert: Callable[[], list[int]]) -> list[int]:
    """Run `insert`, which adds contact rows (and nothing else) and returns their ids, inside the
    open action without a journal row per row: the ids are kept as ranges, and until the action
    closes no trigger records a row of those contacts (see the module docstring). Returns the ids.
    For 100,000 imported contacts the rows' triggers cost more than the import's own writes."""
    action: Action | None = getattr(_local, "action", None)
    if action is None or not _bulk_ready(db):
        return insert()  # outside an action nothing is journaled; an old schema journals row by row
    m.UndoOpen.delete().execute()  # the triggers record nothing while the contacts go in
    ids = insert()
    m.UndoOpen.create(action_id=action.id)
    action.bulk = True
    slices = _slices(ids)
    if not slices:
        return ids
    m.UndoBulk.insert_many([{"lo": lo, "hi": hi} for lo, hi in _merged(slices)]).execute()
    # the images are taken when the action closes (rows added or changed later in it included);
    # recorded now, so that undo, going backwards, removes these rows after what came later
    m.UndoChange.insert_many([
        {"action_id": action.id, "table_name": table, "op": "B", "old_json": None, "new_json": None,
         "row_key": json.dumps({"column": column, "ranges": part})}
        for part in slices for table, column in _bulk_tables()
    ]).execute()
    return ids


def _slices(ids: list[int]) -> list[list[list[int]]]:
    """`ids` as ranges [lo, hi], grouped so that each group covers at most BULK_SLICE ids."""
    slices: list[list[list[int]]] = []
    part: list[list[int]] = []
    size = 0
    for key in sorted(set(ids)):
        if part and part[-1][1] == key - 1 and size < BULK_SLICE:
            part[-1][1] = key
        else:
            if size >= BULK_SLICE:
                slices.append(part)
                part, size = [], 0
            part.append([key, key])
        size += 1
    if part:
        slices.append(part)
    return slices


def _merged(slices: list[list[list[int]]]) -> list[tuple[int, int]]:
    """The slices' ranges joined where they meet: the fewer rows the triggers look through."""
    merged: list[tuple[int, int]] = []
    for lo, hi in (pair for part in slices for pair in part):
        if merged and merged[-1][1] == lo - 1:
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def _contact_column(model: type[m.BaseModel]) -> str:
    """The column that says which contact a row of `model` belongs to ('' for none, and for a table
    journaled on some columns only: its rows are no part of a bulk slice's image)."""
    if model in _COLUMNS_ONLY:
        return ""
    if model is m.Contact:
        return _pk_column(model)
    field = model._meta.fields.get("contact")
    if isinstance(field, ForeignKeyField) and field.rel_model is m.Contact:
        return str(field.column_name)
    return ""


def _bulk_tables() -> list[tuple[str, str]]:
    """(table, contact column) of every journaled table a contact's rows live in, the contact
    table first (undo removes in reverse: the rows that point to a contact before it)."""
    return [(model._meta.table_name, column) for model in journaled_models() if (column := _contact_column(model))]


def _bulk_ready(database: Database | DatabaseProxy) -> bool:
    return m.UndoBulk._meta.table_name in database.get_tables()


def _in_ranges(alias: str, column: str, ranges: list[list[int]]) -> tuple[str, list[int]]:
    """SQL (with `?` placeholders) for `alias.column` within any of `ranges`, and its parameters."""
    sql = " OR ".join([f'{alias}."{column}" BETWEEN ? AND ?'] * len(ranges))
    return f"({sql})", [bound for pair in ranges for bound in pair]


def _bulk_rows_sql(table: str, column: str, ranges: list[list[int]], columns: list[str],
                   now: list[str]) -> tuple[str, list[int]]:
    """A query for the key and the JSON text (UTF-8 bytes) of each row of `table` whose `column`
    is within `ranges`: the row as the engine renders it on `columns`, those the fingerprints were
    taken on (`now`: the table's columns today; one dropped since reads as null, one added since is
    left out, as an image compares)."""
    where, params = _in_ranges("t", column, ranges)
    pk = _pk(table)
    if engine.on_server(db):
        row = "to_jsonb(t)"
        if extra := [c for c in now if c not in columns]:
            row += " - ARRAY[" + ", ".join(f"'{c}'" for c in extra) + "]::text[]"
        if gone := [c for c in columns if c not in now]:
            row += " || jsonb_build_object(" + ", ".join(f"'{c}', NULL" for c in gone) + ")"
        text = f"convert_to(({row})::text, 'UTF8')"
    else:
        pairs = ", ".join(f"'{c}', " + (f't."{c}"' if c in now else "NULL") for c in columns)
        text = f"CAST(json_object({pairs}) AS BLOB)"
    return portable(f'SELECT t."{pk}", {text} FROM "{table}" t WHERE {where}'), params


def _fingerprints(table: str, column: str, ranges: list[list[int]], columns: list[str],
                  now: list[str]) -> dict[int, bytes]:
    """Each row's key and the digest of its JSON text (see `_bulk_rows_sql`)."""
    sql, params = _bulk_rows_sql(table, column, ranges, columns, now)
    blake2b = hashlib.blake2b
    return {int(key): blake2b(text, digest_size=DIGEST_SIZE).digest() for key, text in db.execute_sql(sql, params)}


def _key_ranges(keys: list[int]) -> list[list[int]]:
    """Sorted keys as ranges [lo, hi]."""
    ranges: list[list[int]] = []
    for key in keys:
        if ranges and ranges[-1][1] == key - 1:
            ranges[-1][1] = key
        else:
            ranges.append([key, key])
    return ranges


def _take_bulk_images(action_id: int) -> None:
    """Record the fingerprints of every bulk slice of the action, as the action leaves the rows:
    the columns they cover, the rows' keys (as ranges) and their digests in the keys' order."""
    query = (m.UndoChange.select(m.UndoChange.id, m.UndoChange.table_name, m.UndoChange.row_key)
             .where(m.UndoChange.action_id == action_id, m.UndoChange.op == "B"))
    columns: dict[str, list[str]] = {}  # read once per table: the action is still open, nothing alters one
    for change_id, table, key in list(tuples(query)):
        spec = json.loads(key)
        if table not in columns:
            columns[table] = [c.name for c in db.get_columns(table)]
        rows = _fingerprints(table, spec["column"], spec["ranges"], columns[table], columns[table])
        keys = sorted(rows)
        image = {"columns": columns[table], "keys": _key_ranges(keys),
                 "digests": base64.b64encode(b"".join(rows[k] for k in keys)).decode()}
        (m.UndoChange.update(new_json=json.dumps(image, separators=(",", ":")))
         .where(m.UndoChange.id == change_id).execute())


def _bulk_changed(table: str, key: str, image: str) -> list[str]:
    """The keys of the rows of a bulk slice that are not as the action left them (changed, gone,
    or new), in key order."""
    spec = json.loads(key)
    recorded = json.loads(image)
    if isinstance(recorded, list):  # recorded by an older followup: the rows themselves
        return _bulk_changed_from_rows(table, spec, recorded)
    keys = [k for lo, hi in recorded["keys"] for k in range(lo, hi + 1)]
    digests = base64.b64decode(recorded["digests"])
    expected = {k: digests[i * DIGEST_SIZE:(i + 1) * DIGEST_SIZE] for i, k in enumerate(keys)}
    now = _fingerprints(table, spec["column"], spec["ranges"], recorded["columns"],
                        [c.name for c in db.get_columns(table)])
    differ = list(now.keys() ^ expected.keys())
    differ += [k for k, digest in expected.items() if k in now and now[k] != digest]
    return [str(k) for k in sorted(differ)]


def _bulk_changed_from_rows(table: str, spec: dict, image: list[dict]) -> list[str]:
    """As `_bulk_changed`, for a slice recorded as its rows' after-images (JSON)."""
    where, params = _in_ranges("t", spec["column"], spec["ranges"])
    if engine.on_server(db):
        sql = f"SELECT COALESCE(jsonb_agg(to_jsonb(t)), '[]'::jsonb)::text FROM \"{table}\" t WHERE {where}"
    else:
        columns = [c.name for c in db.get_columns(table)]
        sql = f'SELECT json_group_array({_sqlite_json("t", columns)}) FROM "{table}" t WHERE {where}'
    pk = _pk(table)
    expected = {str(row[pk]): row for row in image}
    now = {str(row[pk]): row for row in json.loads(db.execute_sql(portable(sql), params).fetchone()[0])}
    differ = list(now.keys() ^ expected.keys())
    differ += [k for k, row in expected.items() if k in now and any(now[k].get(c) != v for c, v in row.items())]
    return sorted(differ, key=lambda k: (len(k), k))


def _close(action: Action) -> None:
    m.UndoOpen.delete().execute()
    if action.bulk:
        m.UndoBulk.delete().execute()
        _take_bulk_images(action.id)
    # Peewee's save() writes every column: an update that changed nothing is not part of the action
    m.UndoChange.delete().where(m.UndoChange.action_id == action.id, m.UndoChange.op == "U",
                                m.UndoChange.old_json == m.UndoChange.new_json).execute()
    if not m.UndoChange.select().where(m.UndoChange.action_id == action.id).exists():
        m.UndoAction.delete().where(m.UndoAction.id == action.id).execute()
        return
    if action.label:
        m.UndoAction.update(label=action.label).where(m.UndoAction.id == action.id).execute()
    _prune(action.id)


def _prune(newest: int) -> None:
    cutoff = m.utcnow() - dt.timedelta(days=KEEP_DAYS)
    old = m.UndoAction.select(m.UndoAction.id).where(
        (m.UndoAction.id <= newest - KEEP_ACTIONS) | (m.UndoAction.created_at < cutoff))
    if not old.exists():
        return
    m.UndoChange.delete().where(m.UndoChange.action_id.in_(old)).execute()
    m.UndoAction.delete().where(m.UndoAction.id.in_(old)).execute()


# --- reading and undoing -------------------------------------------------------------------------


def _mine():
    """Actions the acting member may undo: on a server, their own; in a file, all."""
    role = engine.current_role(db)
    return m.UndoAction.actor == role if role is not None else True


def recent(limit: int = 20, session: str | None = None) -> list[ActionView]:
    """The newest actions first, undone ones included."""
    query = m.UndoAction.select().where(_mine())
    if session is not None:
        query = query.where(m.UndoAction.session == session)
    rows = list(query.order_by(m.UndoAction.id.desc()).limit(limit))
    counts = _change_counts([row.id for row in rows])
    return [_view(row, counts.get(row.id, 0)) for row in rows]


def _change_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    from peewee import fn

    query = (m.UndoChange.select(m.UndoChange.action_id, fn.COUNT(m.UndoChange.id))
             .where(m.UndoChange.action_id.in_(ids)).group_by(m.UndoChange.action_id))
    return {int(action): int(count) for action, count in tuples(query)}


def _view(row: m.UndoAction, changes: int) -> ActionView:
    return ActionView(row.id, row.label, row.actor, row.session, row.created_at, row.undone_at, changes)


@retried
def undo_last(session: str | None = None) -> ActionView:
    """Undo the newest action not yet undone (of `session` when given), in one transaction; returns
    it. NothingToUndo when there is none; FollowupError, with nothing written, when a row it
    changed was changed again since."""
    with _undoing("the last action"):
        query = m.UndoAction.select().where(m.UndoAction.undone_at.is_null(), _mine())
        if session is not None:
            query = query.where(m.UndoAction.session == session)
        row = query.order_by(m.UndoAction.id.desc()).first()
        if row is None:
            raise NothingToUndo("nothing to undo" + (" in this session" if session is not None else ""))
        return _undo(row)


@retried
def undo_action(action_id: int) -> ActionView:
    """Undo one action of the list (`recent`), older ones included: refused like the newest one when
    a row it changed was changed again since, or when what a later action did rests on it (a call
    logged with a contact it added). NotFound for an id that is not one of the acting member's."""
    with _undoing(f"action {action_id}"):
        row = m.UndoAction.select().where(m.UndoAction.id == action_id, _mine()).first()
        if row is None:  # an id mistyped, like any other unknown id: bad input
            raise NotFound(f"undo: no action {action_id} of yours (followup undo --list shows them)")
        if row.undone_at is not None:
            raise NothingToUndo(f"undo: action {action_id} ({row.label}) is undone already")
        return _undo(row)


@contextmanager
def _undoing(what: str) -> Iterator[None]:
    """The undo's one write transaction. A later row that points at one the undo removes (a call
    logged with a contact the action added) makes the database refuse it at the end: said as
    such, with nothing undone."""
    try:
        with write_tx():
            yield
    except IntegrityError:
        raise FollowupError(f"cannot undo {what}: a later action rests on what it did (undo that one first); "
                            "nothing was undone") from None


def _undo(row: m.UndoAction) -> ActionView:
    query_changes = (m.UndoChange.select(m.UndoChange.table_name, m.UndoChange.row_key, m.UndoChange.op,
                                       m.UndoChange.old_json, m.UndoChange.new_json)
                   .where(m.UndoChange.action_id == row.id).order_by(m.UndoChange.id))
    changes = list(tuples(query_changes))
    _refuse_if_changed(row.label, changes)
    _revert(changes)
    row.undone_at = m.utcnow()
    row.save()
    return _view(row, len(changes))


def _refuse_if_changed(label: str, changes: list[tuple]) -> None:
    after: dict[tuple[str, str], str | None] = {}
    changed: list[tuple[str, str]] = []
    for table, key, op, _old, new in changes:
        if op == "B":
            changed += [(table, row_key) for row_key in _bulk_changed(table, key, new)]
        else:
            after[(table, key)] = new
    changed += [(table, key) for (table, key), new in after.items() if not _row_is(table, key, new)]
    if changed:
        table, key = changed[0]
        others = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        raise FollowupError(f"cannot undo {label!r}: {table} row {key}{others} changed again since "
                            "(another action, session or sync); nothing was undone")


def _row_is(table: str, key: str, image: str | None) -> bool:
    """The row is now as `image` (JSON; None: absent), on the columns the image has."""
    pk = _pk(table)
    if image is None:
        sql = f'SELECT 1 FROM "{table}" WHERE "{pk}" = {_param()}'
        return db.execute_sql(sql, (_key(table, key),)).fetchone() is None
    expected = json.loads(image)
    if engine.on_server(db):
        sql = f'SELECT to_jsonb(t)::text FROM "{table}" t WHERE t."{pk}" = %s'
    else:
        sql = f'SELECT {_sqlite_json("t", list(expected))} FROM "{table}" t WHERE t."{pk}" = ?'
    found = db.execute_sql(sql, (_key(table, key),)).fetchone()
    if found is None:
        return _partial(table)  # a draft logged or thrown away since: nothing of it left to put back
    now = json.loads(found[0])
    return all(now.get(column) == value for column, value in expected.items())


def _revert(changes: list[tuple]) -> None:
    server = engine.on_server(db)
    if not server:
        # the inverses run one row at a time: a child may come back before its parent does
        db.execute_sql("PRAGMA defer_foreign_keys = ON")
    for table, key, op, old, _new in reversed(changes):
        if op == "B":
            spec = json.loads(key)
            where, params = _in_ranges("t", spec["column"], spec["ranges"])
            db.execute_sql(portable(f'DELETE FROM "{table}" AS t WHERE {where}'), params)
            continue
        pk, value = _pk(table), _key(table, key)
        if op == "I":
            db.execute_sql(f'DELETE FROM "{table}" WHERE "{pk}" = {_param()}', (value,))
            continue
        image = json.loads(old)
        columns = list(image)
        names = ", ".join(f'"{c}"' for c in columns)
        if server:
            record = f'jsonb_populate_record(NULL::"{table}", %s::jsonb)'
            if op == "U":
                sets = ", ".join(f'"{c}" = r."{c}"' for c in columns)
                db.execute_sql(f'UPDATE "{table}" SET {sets} FROM {record} AS r WHERE "{table}"."{pk}" = %s',
                               (old, value))
            else:
                db.execute_sql(f'INSERT INTO "{table}" ({names}) SELECT {names} FROM {record}', (old,))
        elif op == "U":
            sets = ", ".join(f'"{c}" = ?' for c in columns)
            db.execute_sql(f'UPDATE "{table}" SET {sets} WHERE "{pk}" = ?', [image[c] for c in columns] + [value])
        else:
            marks = ", ".join("?" * len(columns))
            db.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [image[c] for c in columns])


def _param() -> str:
    return engine.bound(db).param


def _model(table: str) -> type[m.BaseModel] | None:
    return next((model for model in m.ALL_MODELS if model._meta.table_name == table), None)


def _partial(table: str) -> bool:
    model = _model(table)
    return model is not None and model in _COLUMNS_ONLY


def _pk(table: str) -> str:
    model = _model(table)
    return _pk_column(model) if model is not None else "id"


def _pk_column(model: type[m.BaseModel]) -> str:
    return str(getattr(model._meta.primary_key, "column_name", "id"))


def _key(table: str, key: str) -> int | str:
    """The stored key as its column's type (an integer key compared as text reads the whole table)."""
    model = _model(table)
    if model is None or isinstance(model._meta.primary_key, IntegerField):
        return int(key)
    return key


# --- the triggers ----------------------------------------------------------------------------------


def _sqlite_json(alias: str, columns: list[str]) -> str:
    return "json_object(" + ", ".join(f"'{c}', {alias}.\"{c}\"" for c in columns) + ")"


def _journal_ready(database: Database | DatabaseProxy) -> bool:
    return m.UndoChange._meta.table_name in database.get_tables()


def drop_triggers(database: Database | DatabaseProxy) -> None:
    """Before a migration: a table rebuilt or a column dropped must not trip over a trigger
    naming its old columns (`install_triggers` puts them back at the end)."""
    tables = set(database.get_tables())
    for model in journaled_models():
        table = model._meta.table_name
        if table not in tables:
            continue
        if engine.on_server(database):
            database.execute_sql(f'DROP TRIGGER IF EXISTS "{_TRIGGER}" ON "{table}"')
        else:
            for op in _SQLITE_OPS:
                database.execute_sql(f'DROP TRIGGER IF EXISTS "{_TRIGGER}_{table}_{op}"')


def install_triggers(database: Database | DatabaseProxy) -> None:
    """(Re)create the journal's triggers on every journaled table, from its columns as they are
    now; idempotent, run at the end of every migration."""
    if not _journal_ready(database):
        return  # a schema before the journal's step (the migration tests build old versions)
    drop_triggers(database)
    tables = set(database.get_tables())
    server = engine.on_server(database)
    bulk = _bulk_ready(database)
    if server:
        database.execute_sql(_SERVER_FUNCTION)
    for model in journaled_models():
        table = model._meta.table_name
        if table not in tables:
            continue
        pk = _pk_column(model)
        contact = _contact_column(model) if bulk else ""
        only = _COLUMNS_ONLY.get(model, ())
        updated = "UPDATE OF " + ", ".join(f'"{c}"' for c in only) if only else ""
        if server:
            database.execute_sql(f'CREATE TRIGGER "{_TRIGGER}" AFTER {updated or "INSERT OR UPDATE OR DELETE"} '
                                 f'ON "{table}" FOR EACH ROW '
                                 f"EXECUTE FUNCTION undo_record('{pk}', '{contact}', '{','.join(only)}')")
            continue
        columns = [pk, *only] if only else [column.name for column in database.get_columns(table)]
        for op, verb in _SQLITE_OPS.items():
            if only and op != "U":
                continue  # such a table's rows come and go outside the journal
            verb = updated or verb
            row = "OLD" if op == "D" else "NEW"
            old = _sqlite_json("OLD", columns) if op != "I" else "NULL"
            new = _sqlite_json("NEW", columns) if op != "D" else "NULL"
            database.execute_sql(
                f'CREATE TRIGGER "{_TRIGGER}_{table}_{op}" AFTER {verb} ON "{table}" '
                f'WHEN EXISTS (SELECT 1 FROM "undo_open"){_not_bulk(op, contact)} BEGIN '
                'INSERT INTO "undo_change" ("action_id", "table_name", "row_key", "op", "old_json", "new_json") '
                f"SELECT \"action_id\", '{table}', {row}.\"{pk}\", '{op}', {old}, {new} FROM \"undo_open\"; END")


def _not_bulk(op: str, column: str) -> str:
    """The rest of a SQLite trigger's condition: the row is not one of the contacts added in bulk
    (an update is recorded unless it both was and stays one of theirs)."""
    if not column:
        return ""

    def bulk(row: str) -> str:
        return f'EXISTS (SELECT 1 FROM "undo_bulk" WHERE {row}."{column}" BETWEEN "lo" AND "hi")'

    if op == "U":
        return f" AND NOT ({bulk('OLD')} AND {bulk('NEW')})"
    return f" AND NOT {bulk('OLD' if op == 'D' else 'NEW')}"


# to_jsonb(row) on the server: every column, typed, read back exactly by jsonb_populate_record;
# TG_ARGV: the key column, the contact column ('' for none) that tells a row of the contacts
# added in bulk (skipped as in `_not_bulk`; the nested IF reads undo_bulk only for those tables),
# and the columns a table is journaled on alone ('' for all; `_COLUMNS_ONLY`)
_SERVER_FUNCTION = """
CREATE OR REPLACE FUNCTION undo_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    open_id integer;
    old_row jsonb;
    new_row jsonb;
BEGIN
    SELECT action_id INTO open_id FROM undo_open LIMIT 1;
    IF open_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
    IF COALESCE(TG_ARGV[2], '') <> '' THEN
        old_row := (SELECT jsonb_object_agg(key, value) FROM jsonb_each(old_row)
                    WHERE key = TG_ARGV[0] OR key = ANY (string_to_array(TG_ARGV[2], ',')));
        new_row := (SELECT jsonb_object_agg(key, value) FROM jsonb_each(new_row)
                    WHERE key = TG_ARGV[0] OR key = ANY (string_to_array(TG_ARGV[2], ',')));
    END IF;
    IF COALESCE(TG_ARGV[1], '') <> '' THEN
        IF EXISTS (SELECT 1 FROM undo_bulk)
           AND (old_row IS NULL OR EXISTS (SELECT 1 FROM undo_bulk b
                                           WHERE (old_row ->> TG_ARGV[1])::bigint BETWEEN b.lo AND b.hi))
           AND (new_row IS NULL OR EXISTS (SELECT 1 FROM undo_bulk b
                                           WHERE (new_row ->> TG_ARGV[1])::bigint BETWEEN b.lo AND b.hi)) THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO undo_change (action_id, table_name, row_key, op, old_json, new_json)
    VALUES (open_id, TG_TABLE_NAME, COALESCE(new_row, old_row) ->> TG_ARGV[0], left(TG_OP, 1),
            old_row::text, new_row::text);
    RETURN NULL;
END
$$
"""
