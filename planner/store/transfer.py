"""Moving a desk: every row of one followup database copied into an empty one on the other engine
(a personal SQLite file into a team's PostgreSQL database under one member, or back), in one
transaction, then read back and compared row by row before it commits. Nothing is half-copied:
a failure or a difference rolls the whole copy back.

What changes on the way: a personal file has one implicit member, a team database names them. So
going to the server, what the file's person did becomes that member's (a column referring to a
member that is empty in the file is filled with the member; the private notes' author is the
member's role); coming back, the member becomes the file's implicit one again (those columns
empty, the authors ''). Only what the connected role may read is copied from a server: another
member's private notes stay there (their calls come along, without text), and are counted.

The target is bound to the one `db` (its write transaction is `write_tx`, its schema brought up
to date by `store.connect`); the source is a second connection, read with the same models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from peewee import (
    AutoField,
    Database,
    DatabaseProxy,
    DateField,
    DateTimeField,
    DecimalField,
    Field,
    ForeignKeyField,
    Model,
    TimeField,
)

from planner.core.errors import BadInput, FollowupError
from planner.store import engine
from planner.store.database import db, write_tx
from planner.store.dialect import insert_many
from planner.store.models import ALL_MODELS, Member, PrivateNote

BATCH = 500  # rows between two reports of progress
# Tables that are the database's own, not the desk's: who the members are is set up on the server
# (`followup team add`), and a personal file has none. The undo journal is not among ALL_MODELS:
# what each session did stays with the database it was done in (nothing to undo after a move).
NOT_COPIED = (Member,)

Progress = Callable[[int, int], None]  # rows done, rows in all
# fields whose values a plain cursor gives in another form on SQLite than on the server
_CONVERTED = (DateField, DateTimeField, TimeField, DecimalField)


@dataclass
class Copied:
    """What a copy did: rows per table, and the private notes it could not read (another member's)."""

    rows: dict[str, int] = field(default_factory=dict)
    unreadable_private: int = 0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def copy_all(source: Database, member: Member | None, progress: Progress | None = None) -> Copied:
    """Copy every row of `source` into the bound database, which must be empty, as `member`
    (None: to a personal file). One transaction; verified row by row before it commits."""
    to_server = engine.on_server(db)
    models = [model for model in ALL_MODELS if model not in NOT_COPIED]
    with write_tx():
        _refuse_unless_empty(models)
        total = sum(model.select().count(source) for model in models)
        done = 0
        copied = Copied()
        tell = progress or (lambda _done, _total: None)
        tell(0, 2 * total)
        for model in models:
            deferred: list[tuple] = []  # (pk, self-reference): set once the whole table is in
            fields, adapt, self_refs = _plan(model, member, to_server)
            base = done

            def rows_in(model=model, fields=fields, adapt=adapt, self_refs=self_refs, deferred=deferred,
                        base=base) -> Iterator[tuple]:
                for count, row in enumerate(_rows(model, source), 1):
                    row = adapt(row)
                    if self_refs:
                        deferred.extend((row[0], row[i]) for i in self_refs if row[i] is not None)
                        row = tuple(None if i in self_refs else value for i, value in enumerate(row))
                    if count % BATCH == 0:
                        tell(base + count, 2 * total)
                    yield row

            count = _write(model, fields, rows_in())
            for pk, value in deferred:
                for index in self_refs:
                    model.update({fields[index]: value}).where(fields[0] == pk).execute()
            copied.rows[model._meta.table_name] = count
            done += count
            tell(done, 2 * total)
        if to_server:
            _advance_sequences(models)
        for model in models:  # read back: every row equal, none missing, none extra
            done = _verify(model, source, member, to_server, done, 2 * total, tell)
        if not to_server:
            copied.unreadable_private = _unreadable_private(source)
    return copied


def _refuse_unless_empty(models: Sequence[type[Model]]) -> None:
    """A copy goes into an empty database only: run twice, it would mix two desks."""
    full = [(model._meta.table_name, model.select().count()) for model in models]
    full = [(name, count) for name, count in full if count]
    if full:
        listed = ", ".join(f"{count} in {name}" for name, count in full[:3])
        raise FollowupError(f"{engine.describe(db)}: not empty ({listed}); a desk is moved into an empty "
                            "database only, nothing was copied")


def _rows(model: type[Model], database: Database | DatabaseProxy) -> Iterator[tuple]:
    """Every row of `model` in `database`, in primary-key order, as Python values.

    Read through a plain cursor, converting only the columns whose stored form differs between
    the engines (SQLite keeps dates, times and decimals as text, or a decimal as a float): the
    same values a Peewee query gives, without building them row by row through its wrappers."""
    fields = model._meta.sorted_fields
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    key = fields[0].column_name  # the primary key comes first
    cursor = database.execute_sql(f'SELECT {columns} FROM "{model._meta.table_name}" ORDER BY "{key}"')
    convert = [(i, f.python_value) for i, f in enumerate(fields) if isinstance(f, _CONVERTED)]
    if not convert:
        yield from cursor
        return
    for raw in cursor:
        row = list(raw)
        for i, python_value in convert:
            row[i] = python_value(row[i])
        yield tuple(row)


def _write(model: type[Model], fields: Sequence[Field], rows: Iterable[tuple]) -> int:
    """Insert `rows` (Python values, in `fields`' order) into the bound database; how many.

    The server takes them as one COPY, the bulk path PostgreSQL is built for; a file as
    multi-row INSERTs."""
    table = model._meta.table_name
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    to_db = [f.db_value for f in fields]
    count = 0
    if engine.on_server(db) and not _row_security(table):
        with db.cursor() as cursor, cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([value(v) for value, v in zip(to_db, row, strict=True)])
                count += 1
        return count
    # a file, or a table with row-level security (the server refuses COPY into it)
    insert = f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join("?" * len(fields))})'

    def converted() -> Iterator[list]:
        nonlocal count
        for row in rows:
            count += 1
            yield [value(v) for value, v in zip(to_db, row, strict=True)]

    insert_many(insert, converted())
    return count


def _row_security(table: str) -> bool:
    """The server enforces row-level security on `table` (private notes, drafts)."""
    row = db.execute_sql("SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass(%s)", (f'"{table}"',)).fetchone()
    return bool(row and row[0])


def _plan(model: type[Model], member: Member | None, to_server: bool):
    """The fields in order, how a source row becomes a target row, and which fields point at the
    table itself (filled in after the whole table is in)."""
    fields = model._meta.sorted_fields
    member_columns = [i for i, f in enumerate(fields) if isinstance(f, ForeignKeyField) and f.rel_model is Member]
    self_refs = [i for i, f in enumerate(fields) if isinstance(f, ForeignKeyField) and f.rel_model is model]
    # whose private note or draft: the member's role on the server, '' in a file
    author = next((i for i, f in enumerate(fields) if f.name == "author_role"), None)

    def adapt(row: tuple) -> tuple:
        if not member_columns and author is None:
            return row
        values = list(row)
        for index in member_columns:
            if to_server:
                values[index] = values[index] if values[index] is not None else (member.id if member else None)
            else:
                values[index] = None  # the file's one member is implicit
        if author is not None:
            values[author] = member.role if to_server and member is not None else ""
        return tuple(values)

    return fields, adapt, self_refs


def _advance_sequences(models: Sequence[type[Model]]) -> None:
    """Rows copied with their ids leave the server's id sequences where they were: move each past
    its table's largest id, or the next row added would collide."""
    for model in models:
        key = model._meta.primary_key
        if not isinstance(key, AutoField):
            continue
        table, column = model._meta.table_name, key.column_name
        db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                       f"COALESCE(MAX(\"{column}\"), 1), MAX(\"{column}\") IS NOT NULL) FROM \"{table}\"")


def _verify(model: type[Model], source: Database, member: Member | None, to_server: bool, done: int,
            total: int, tell: Progress) -> int:
    fields, adapt, _ = _plan(model, member, to_server)
    name = model._meta.table_name
    target: Iterator[tuple] = _rows(model, db)
    for expected in _rows(model, source):
        got = next(target, None)
        if got != adapt(expected):
            raise FollowupError(f"{engine.describe(db)}: {name} row {expected[0]!r} did not read back as it "
                                f"was written ({_difference(fields, adapt(expected), got)}); nothing was copied")
        done += 1
        if done % BATCH == 0:
            tell(done, total)
    extra = next(target, None)
    if extra is not None:
        raise FollowupError(f"{engine.describe(db)}: {name} row {extra[0]!r} appeared from nowhere; nothing was copied")
    tell(done, total)
    return done


def _difference(fields, expected: tuple, got: tuple | None) -> str:
    if got is None:
        return "missing"
    for f, want, have in zip(fields, expected, got, strict=True):
        if want != have:
            return f"{f.name}: {want!r} became {have!r}"
    return "?"


def _unreadable_private(source: Database) -> int:
    """Private logs on the server whose note the connected role may not read (another member's)."""
    from planner.store.models import Interaction

    private = Interaction.select().where(Interaction.private).count(source)
    return private - PrivateNote.select().count(source)


def refuse_same_engine(source_on_server: bool, target_on_server: bool) -> None:
    if source_on_server == target_on_server:
        what = "a server database to another" if source_on_server else "a file to another file"
        raise BadInput(f"migrate-to: moves a personal file to a team server or back, not {what} "
                       "(for a copy of a file: followup backup PATH)")
