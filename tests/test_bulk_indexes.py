"""A large import builds the contact and plan indexes after its rows (store/bulk.py): the schema
after it is the schema before it, another session never sees a table without its indexes, and a
write that fails leaves every index in place."""

from __future__ import annotations

import sqlite3

import pytest

from planner.io.importers import import_file
from planner.store.bulk import MIN_ROWS, indexes_built_after, worth_it
from planner.store.database import db, write_tx
from planner.store.models import Contact, PlannedCall

on_file = pytest.mark.engines("sqlite")  # the indexes of a file, read by a second connection to it


def _indexes(path) -> list[tuple[str, str, str]]:
    """(table, name, definition) of every index, as another connection to the file sees them."""
    con = sqlite3.connect(path)
    try:
        return sorted(con.execute("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index'"))
    finally:
        con.close()


def _export(path, rows: int) -> None:
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [f"Ana,Person{i},https://www.linkedin.com/in/ana-{i},{f'ana{i}@example.org' if i % 4 == 0 else ''},"
              f"Acme {i % 7},Engineer,01 Jan 2025" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@on_file
def test_a_large_import_leaves_every_index_as_it_was_and_used(db_path, tmp_path):
    before = _indexes(db_path)
    assert any(name == "contact_name_key" for _, name, _ in before)
    export = tmp_path / "Connections.csv"
    _export(export, MIN_ROWS + 500)

    report = import_file(export)

    assert report.added == MIN_ROWS + 500
    assert _indexes(db_path) == before
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"  # each index holds every row
    plan = " ".join(str(row) for row in db.execute_sql(
        'EXPLAIN QUERY PLAN SELECT id FROM planned_call WHERE contact_id = ?', (report.added_ids[-1],)))
    assert "planned_call_" in plan  # read through an index, not a scan
    found = db.execute_sql("SELECT count(*) FROM planned_call WHERE contact_id = ?", (report.added_ids[-1],))
    assert found.fetchone()[0] >= 1


@on_file
def test_another_session_sees_the_indexes_while_the_rows_go_in(db_path):
    before = _indexes(db_path)
    with write_tx(), indexes_built_after([Contact, PlannedCall], True):
        mine = {row[0] for row in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "contact_name_key" not in mine and "planned_call_date" not in mine
        assert _indexes(db_path) == before  # the other connection reads the last commit
    assert _indexes(db_path) == before


@on_file
def test_unique_indexes_stay_and_a_failed_write_keeps_every_index(db_path):
    before = _indexes(db_path)
    with pytest.raises(RuntimeError), write_tx(), indexes_built_after([Contact, PlannedCall], True):
        raise RuntimeError("the import failed half-way")
    assert _indexes(db_path) == before
    assert {row[1] for row in db.execute_sql("PRAGMA index_list('contact_tag')")} >= {"contact_tag_contact_id_tag"}


@pytest.mark.engines
def test_only_a_write_larger_than_the_table_on_sqlite_builds_indexes_afterwards(db_engine, db_path):
    on_file = db_engine == "sqlite"
    assert worth_it(MIN_ROWS, 0) is on_file
    assert worth_it(MIN_ROWS - 1, 0) is False
    assert worth_it(5000, 5001) is False
