"""`followup check`: what the code relies on, checked on the stored bytes.

SQLite's own checks (`integrity_check`, `foreign_key_check`) see a file whose pages are sound;
they do not see a flipped byte inside a name or a date. The rest of followup relies on more:
every text column holds valid UTF-8 (a bad byte makes a listing fail when it decodes), every
stored date and moment parses, every JSON column parses, no planned call belongs to a contact or
favour that is gone or archived. Each problem says whether `followup check --repair` can fix it
safely (undecodable bytes become U+FFFD, orphan rows are dropped, the plan is made again) or
whether the fix is to restore a backup.

Checking all of this before every write would cost a scan of every row; instead `check` leaves a
mark in the database when it finds damage (see `database.damage_mark`), writes are refused while
the mark is there, and a clean check or a successful repair removes it.

On a PostgreSQL server most of this is the server's own work: its pages are its to check, and it
refuses on every write a byte that is not valid text, a date that is not a date and a row whose
parent is gone. There `check` reads what the server cannot judge (the JSON columns, plan rows
left for archived contacts or vanished favours, the plan itself) and says so (`SERVER_NOTE`); the
damage mark works the same way on both engines.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass

from peewee import DateField, DateTimeField

from planner.store import models as m
from planner.store.database import DAMAGE_KEY, db, is_read_only, write_tx
from planner.store.dialect import portable
from planner.store.engine import on_server

# repairs `followup check --repair` may make: each loses nothing that was still readable
REPLACE_BYTES = "replace undecodable bytes"
DROP_ROW = "drop the row"
REPLAN = "re-plan"

JSON_COLUMNS = {("setting", "value"), ("draft", "extra"), ("interaction", "consumed_pins")}
MAX_LISTED = 50  # integrity_check can list thousands of pages

SERVER_NOTE = ("a server database: its pages, text encoding, dates and foreign keys are checked by the "
               "server on every write; checked here: stored JSON, plan rows left behind, and the plan")


@dataclass(frozen=True)
class Problem:
    what: str
    repair: str | None = None  # None: only restoring a backup fixes it
    table: str = ""
    rowid: int | None = None
    column: str = ""

    def line(self) -> str:
        fix = f" (repair: {self.repair})" if self.repair else " (restore a backup)"
        return self.what + fix


def check_database() -> list[Problem]:
    """Every problem found, SQLite's own checks first."""
    problems = _sqlite_checks()
    for step in (_text_problems, _date_problems, _json_problems, _orphan_problems):
        try:
            problems += step()
        except sqlite3.DatabaseError as exc:  # a damaged page can stop a scan half way
            problems.append(Problem(f"cannot read every row: {exc}"))
        except Exception as exc:  # peewee wraps the same errors
            if type(exc).__module__ != "peewee":
                raise
            problems.append(Problem(f"cannot read every row: {exc}"))
    return problems


def row_damage() -> list[Problem]:
    """The row checks alone (no page scan): what explains a command failing on stored data."""
    problems: list[Problem] = []
    for step in (_text_problems, _date_problems, _json_problems):
        try:
            problems += step()
        except Exception as exc:  # the scan is an explanation, never a second failure
            problems.append(Problem(f"cannot read every row: {exc}"))
    return problems


def _sqlite_checks() -> list[Problem]:
    problems: list[Problem] = []
    if on_server(db):
        return problems
    try:
        rows = db.execute_sql(f"PRAGMA integrity_check({MAX_LISTED})").fetchall()
        problems += [Problem(f"integrity: {row[0]}") for row in rows if row[0] != "ok"]
        for table, rowid, parent, _fk in db.execute_sql("PRAGMA foreign_key_check").fetchall():
            problems.append(Problem(f"foreign key: {table} row {rowid} points to a missing {parent}",
                                    DROP_ROW if table == "planned_call" else None, table, rowid))
    except Exception as exc:  # reported, not raised: this is the check itself
        problems.append(Problem(f"integrity: {exc}"))
    return problems


def _columns(table: str) -> list[tuple[str, str]]:
    if on_server(db):
        return [(column.name, column.data_type.upper()) for column in db.get_columns(table)]
    return [(row[1], (row[2] or "").upper()) for row in db.execute_sql(f'PRAGMA table_info("{table}")')]


def _tables() -> list[str]:
    if on_server(db):
        return sorted(db.get_tables())
    return [row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _text_problems() -> list[Problem]:
    """Text that does not decode as UTF-8, read as bytes so one bad row cannot stop the scan."""
    if on_server(db):
        return []  # the server stores only valid text in its encoding
    layout = [(table, [column for column, _type in _columns(table)]) for table in _tables()]
    conn = db.connection()
    old_factory = conn.text_factory
    conn.text_factory = bytes
    problems: list[Problem] = []
    try:
        for table, columns in layout:
            for column in columns:
                cursor = conn.execute(f'SELECT rowid, "{column}" FROM "{table}" WHERE typeof("{column}") = \'text\'')
                for rowid, raw in cursor:
                    try:
                        raw.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        problems.append(Problem(
                            f"text: {table} row {rowid} {column}: not UTF-8 (byte {exc.start})",
                            REPLACE_BYTES, table, rowid, column))
    finally:
        conn.text_factory = old_factory
    return problems


def _date_problems() -> list[Problem]:
    problems: list[Problem] = []
    if on_server(db):
        return problems  # date and timestamp columns hold nothing else there
    present = set(_tables())
    for model in m.ALL_MODELS:
        table = model._meta.table_name
        if table not in present:
            continue
        columns = {name for name, _type in _columns(table)}
        for field in model._meta.sorted_fields:
            if not isinstance(field, (DateField, DateTimeField)) or field.column_name not in columns:
                continue
            parse = _parse_moment if isinstance(field, DateTimeField) else _parse_day
            cursor = db.execute_sql(f'SELECT rowid, CAST("{field.column_name}" AS BLOB) FROM "{table}"')
            for rowid, raw in cursor:
                if raw is None:
                    if not field.null:
                        problems.append(_date_problem(table, rowid, field.column_name, "missing"))
                    continue
                if not parse(raw):
                    shown = bytes(raw[:40]).decode("utf-8", "replace")
                    problems.append(_date_problem(table, rowid, field.column_name, f"{shown!r} is not a date"))
    return problems


def _date_problem(table: str, rowid: int, column: str, what: str) -> Problem:
    # a planned call's dates are made by the planner: dropping the row and re-planning restores it
    repair = DROP_ROW if table == "planned_call" else None
    return Problem(f"date: {table} row {rowid} {column}: {what}", repair, table, rowid, column)


def _parse_day(raw: bytes) -> bool:
    try:
        dt.date.fromisoformat(bytes(raw).decode("ascii")[:10])
        return len(raw) >= 10
    except (UnicodeDecodeError, ValueError):
        return False


def _parse_moment(raw: bytes) -> bool:
    try:
        dt.datetime.fromisoformat(bytes(raw).decode("ascii"))
        return True
    except (UnicodeDecodeError, ValueError):
        return False


def _json_problems() -> list[Problem]:
    problems: list[Problem] = []
    present = set(_tables())
    for table, column in sorted(JSON_COLUMNS):
        if table not in present or column not in {name for name, _t in _columns(table)}:
            continue
        for rowid, raw in db.execute_sql(_json_rows_sql(table, column)):
            try:
                json.loads(raw if isinstance(raw, str) else bytes(raw).decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                repair = DROP_ROW if table == "draft" else None
                problems.append(Problem(f"json: {table} row {rowid} {column}: does not parse", repair,
                                        table, rowid, column))
    return problems


def _json_rows_sql(table: str, column: str) -> str:
    if not on_server(db):
        return f'SELECT rowid, CAST("{column}" AS BLOB) FROM "{table}" WHERE "{column}" IS NOT NULL'
    # the server has no rowid: a table's key names its row (the setting's key is not a number)
    key = "id" if "id" in {name for name, _t in _columns(table)} else "NULL"
    return f'SELECT {key}, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'


def _row_key() -> str:
    """What names a row in the repairs: SQLite's rowid, the `id` key on the server (the only
    tables a repair drops rows from, planned_call and draft, have one)."""
    return "id" if on_server(db) else "rowid"


def _orphan_problems() -> list[Problem]:
    present = set(_tables())
    if not {"planned_call", "contact"} <= present:
        return []
    problems = [
        Problem(f"plan: planned call {rowid} belongs to archived contact {cid}", DROP_ROW, "planned_call", rowid)
        for rowid, cid in db.execute_sql(
            'SELECT p.id, p.contact_id FROM planned_call p JOIN contact c ON c.id = p.contact_id '
            'WHERE c.archived_at IS NOT NULL')
    ]
    if "favor" in present:
        problems += [
            Problem(f"plan: planned call {rowid} thanks for favour {favor}, which is gone", DROP_ROW,
                    "planned_call", rowid)
            for rowid, favor in db.execute_sql(
                'SELECT p.id, p.favor FROM planned_call p LEFT JOIN favor f ON f.id = p.favor '
                'WHERE p.favor IS NOT NULL AND f.id IS NULL')
        ]
    return problems


def repair(problems: list[Problem]) -> list[Problem]:
    """Make the safe repairs; returns the problems that need a backup instead. The re-plan that
    follows is the caller's (it belongs to the planner, above this layer)."""
    left = [p for p in problems if p.repair is None]
    with write_tx(repairing=True):
        if on_server(db):
            return _repair_on_server(problems, left)
        conn = db.connection()
        for problem in problems:
            if problem.repair == REPLACE_BYTES:
                raw = conn.execute(f'SELECT CAST("{problem.column}" AS BLOB) FROM "{problem.table}" WHERE rowid = ?',
                                   (problem.rowid,)).fetchone()
                if raw is not None and raw[0] is not None:
                    text = bytes(raw[0]).decode("utf-8", "replace")
                    conn.execute(f'UPDATE "{problem.table}" SET "{problem.column}" = ? WHERE rowid = ?',
                                 (text, problem.rowid))
            elif problem.repair == DROP_ROW:
                if problem.table == "planned_call" and _pinned(problem.rowid):
                    left.append(problem)  # a pin is the user's decision: not ours to drop
                    continue
                conn.execute(f'DELETE FROM "{problem.table}" WHERE rowid = ?', (problem.rowid,))
    return left


def _repair_on_server(problems: list[Problem], left: list[Problem]) -> list[Problem]:
    """The server's repairs: only rows to drop (it holds no undecodable bytes)."""
    for problem in problems:
        if problem.repair != DROP_ROW or problem.rowid is None:
            continue
        if problem.table == "planned_call" and _pinned(problem.rowid):
            left.append(problem)
            continue
        db.execute_sql(portable(f'DELETE FROM "{problem.table}" WHERE id = ?'), (problem.rowid,))
    return left


def _pinned(rowid: int | None) -> bool:
    try:
        row = db.execute_sql(portable(f"SELECT pinned FROM planned_call WHERE {_row_key()} = ?"),
                             (rowid,)).fetchone()
    except sqlite3.DatabaseError:
        return False
    return bool(row and row[0] == 1)


def record_verdict(problems: list[Problem], *, when: dt.date) -> bool:
    """Leave (or remove) the mark that refuses writes. False when the database cannot take it
    (read-only, or too damaged to write)."""
    if is_read_only():
        return False
    try:
        with write_tx(repairing=True):
            if not problems:
                m.Setting.delete().where(m.Setting.key == DAMAGE_KEY).execute()
            else:
                repairable = all(p.repair for p in problems)
                fix = "run 'followup check --repair'" if repairable else "restore a backup ('followup check' lists it)"
                text = (f"damaged: 'followup check' found {len(problems)} problem(s) on {when.isoformat()}; "
                        f"nothing was written; {fix}")
                (m.Setting.insert(key=DAMAGE_KEY, value=json.dumps(text))
                 .on_conflict(conflict_target=[m.Setting.key], update={m.Setting.value: json.dumps(text)})
                 .execute())
    except Exception:  # a file too damaged to take the mark still gets the report
        return False
    return True
