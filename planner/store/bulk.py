"""Writing many rows into tables at once: their indexes built once, after the rows, instead of
kept in order row by row.

Importing 100,000 contacts into an empty file spent more time keeping the contact and plan
indexes in order, one row at a time, than writing the rows; SQLite builds an index over rows
already there far faster (one sort). So a bulk write may drop the tables' plain indexes inside its
transaction and create them again from their own stored definitions before it commits. No other
session ever sees a table without them: in WAL mode a reader sees the schema as of the last commit,
and the drop commits (or rolls back) together with the rows and the new indexes.

Only on SQLite (on PostgreSQL dropping an index locks the table against every reader until the
commit), only plain indexes (a unique one checks each row as it goes in), and only when the rows
written outnumber those already there (a build reads the whole table).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from planner.store.database import db
from planner.store.engine import on_server
from planner.store.models import BaseModel

MIN_ROWS = 2000  # fewer new rows: keeping the indexes as they go costs too little to bother


def worth_it(adding: int, stored: int) -> bool:
    """Whether building the indexes after writing `adding` rows next to `stored` ones is cheaper
    than keeping them up row by row."""
    return adding >= MIN_ROWS and adding >= stored and not on_server(db)


@contextmanager
def indexes_built_after(models: list[type[BaseModel]], when: bool) -> Iterator[None]:
    """Inside an open write transaction on SQLite: with `when`, the plain indexes of `models`'
    tables are dropped for the block and created again, as they were defined, at its end. A
    block that raises leaves them dropped: the transaction's rollback brings them back."""
    if not when:
        yield
        return
    saved: list[tuple[str, str]] = []
    for model in models:
        table = model._meta.table_name
        unique = {row[1] for row in db.execute_sql(f'PRAGMA index_list("{table}")').fetchall() if row[2]}
        # `sql` is NULL for the indexes a table's own constraints make; unique ones check rows as they come
        saved += [(name, sql) for name, sql in db.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
            "ORDER BY rowid", (table,)).fetchall() if name not in unique]
    for name, _ in saved:
        db.execute_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in saved:  # in the order they were made
        db.execute_sql(sql)
