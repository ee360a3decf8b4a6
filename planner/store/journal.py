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

Not journaled: drafts (a typing buffer, saved on every keystroke outside any action; undoing a
log must not bring back or overwrite a note being typed), the reminders sent (a mail sent cannot
be unsent, and the record keeps it from being sent twice), and the journal itself. Sync state,
settings and members are journaled: only what an action itself changed is recorded (a merge
setting a synced card's contact to nothing), and the sync's own runs are not actions.

The journal keeps the last `KEEP_ACTIONS` actions of at most `KEEP_DAYS` days, pruned as each
action is recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from peewee import Database, DatabaseProxy, IntegerField, IntegrityError

from planner.core.errors import FollowupError
from planner.store import engine
from planner.store import models as m
from planner.store.database import db, retried, write_tx
from planner.store.queries import tuples

KEEP_ACTIONS = 200
KEEP_DAYS = 30

# This process: the app undoes the actions of its own session, `followup undo` anyone's.
SESSION = uuid.uuid4().hex[:12]

JOURNAL_MODELS = (m.UndoAction, m.UndoChange, m.UndoOpen)
# Not journaled: a draft is a typing buffer saved outside actions; a reminder sent cannot be unsent;
# a private note's text would be copied into the journal, which every member of a desk can read
# (undoing the deletion of a private log brings the call back without its text).
_NOT_JOURNALED = (m.Draft, m.ReminderSent, m.PrivateNote, *JOURNAL_MODELS)
_TRIGGER = "undo_journal"  # the server's trigger on each table (SQLite: undo_journal_TABLE_OP)
_SQLITE_OPS = {"I": "INSERT", "U": "UPDATE", "D": "DELETE"}


class NothingToUndo(FollowupError):
    """No action left to undo (exit 1, like any runtime failure)."""


@dataclass
class Action:
    """The action being recorded; its label can still be made more precise before it closes."""

    id: int
    label: str


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


def _close(action: Action) -> None:
    m.UndoOpen.delete().execute()
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
    logged with a contact it added)."""
    with _undoing(f"action {action_id}"):
        row = m.UndoAction.select().where(m.UndoAction.id == action_id, _mine()).first()
        if row is None:
            raise NothingToUndo(f"undo: no action {action_id} of yours (followup undo --list shows them)")
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
    for table, key, _op, _old, new in changes:
        after[(table, key)] = new
    changed = [(table, key) for (table, key), new in after.items() if not _row_is(table, key, new)]
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
        return False
    now = json.loads(found[0])
    return all(now.get(column) == value for column, value in expected.items())


def _revert(changes: list[tuple]) -> None:
    server = engine.on_server(db)
    if not server:
        # the inverses run one row at a time: a child may come back before its parent does
        db.execute_sql("PRAGMA defer_foreign_keys = ON")
    for table, key, op, old, _new in reversed(changes):
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
    if server:
        database.execute_sql(_SERVER_FUNCTION)
    for model in journaled_models():
        table = model._meta.table_name
        if table not in tables:
            continue
        pk = _pk_column(model)
        if server:
            database.execute_sql(f'CREATE TRIGGER "{_TRIGGER}" AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                                 f"FOR EACH ROW EXECUTE FUNCTION undo_record('{pk}')")
            continue
        columns = [column.name for column in database.get_columns(table)]
        for op, verb in _SQLITE_OPS.items():
            row = "OLD" if op == "D" else "NEW"
            old = _sqlite_json("OLD", columns) if op != "I" else "NULL"
            new = _sqlite_json("NEW", columns) if op != "D" else "NULL"
            database.execute_sql(
                f'CREATE TRIGGER "{_TRIGGER}_{table}_{op}" AFTER {verb} ON "{table}" '
                'WHEN EXISTS (SELECT 1 FROM "undo_open") BEGIN '
                'INSERT INTO "undo_change" ("action_id", "table_name", "row_key", "op", "old_json", "new_json") '
                f"SELECT \"action_id\", '{table}', {row}.\"{pk}\", '{op}', {old}, {new} FROM \"undo_open\"; END")


# to_jsonb(row) on the server: every column, typed, read back exactly by jsonb_populate_record
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
    INSERT INTO undo_change (action_id, table_name, row_key, op, old_json, new_json)
    VALUES (open_id, TG_TABLE_NAME, COALESCE(new_row, old_row) ->> TG_ARGV[0], left(TG_OP, 1),
            old_row::text, new_row::text);
    RETURN NULL;
END
$$
"""
