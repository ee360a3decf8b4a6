"""Writing many generated rows at once (the demo's 100,000 contacts and their history)."""

from __future__ import annotations

from planner.store.dialect import insert_many


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Many rows by raw multi-row INSERTs (inside the caller's write transaction): Peewee builds
    the SQL of its `insert_many` value by value, which at 100,000 contacts costs more than the data.
    Columns not given take the model's defaults (a callable default is called once)."""
    if not rows:
        return
    meta = model._meta
    rest = [f for f in meta.sorted_fields if f.name not in columns and not f.primary_key and f.default is not None]
    extra = tuple(f.default() if callable(f.default) else f.default for f in rest)
    names = ", ".join(f'"{meta.fields[c].column_name}"' for c in columns) + "".join(
        f', "{f.column_name}"' for f in rest)
    marks = ", ".join("?" * (len(columns) + len(rest)))
    sql = f'INSERT INTO "{meta.table_name}" ({names}) VALUES ({marks})'
    # `?` marks in the bound engine's style, driver errors as Peewee's (on either engine)
    insert_many(sql, (row + extra for row in rows) if extra else rows)
