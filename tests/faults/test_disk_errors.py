"""A full disk, a device, a file that is not a database: one line naming the path and the cause,
exit 1, the database as it was; never SQLite's "cannot rollback - no transaction is active"."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_faults import TODAY, count, files_in, fill, one_line, small_filesystem, write_csv

HIDDEN_CAUSE = "cannot rollback"


@pytest.fixture
def run(cli):
    """The CLI in this process: a subprocess per call costs a Python start-up each."""
    return lambda db, *args, today=TODAY: cli(*args, db=db, today=today)


@pytest.fixture
def small_fs(tmp_path):
    with small_filesystem(tmp_path) as folder:
        yield folder


def _database_on(run, folder: Path) -> Path:
    db = folder / "f.db"
    assert run(db, "add", "Ann Example", "--email", "ann@example.com").code == 0
    assert run(db, "log", "Ann Example").code == 0
    return db


def test_writes_on_a_disk_filled_to_the_last_byte_say_disk_full(run, small_fs, tmp_path):
    db = _database_on(run, small_fs)
    csv = write_csv(tmp_path / "some.csv", 50)
    fill(small_fs)
    writes = (("add", "Bob"), ("log", "Ann Example"), ("import", str(csv)), ("edit", "Ann Example", "--company", "X"))
    for args in writes:
        result = run(db, *args)
        assert result.code == 1, (args, result)
        assert "disk full" in result.err and str(db) in result.err, (args, result.err)
        assert HIDDEN_CAUSE not in result.err and one_line(result.err), (args, result.err)
    (small_fs / "filler").unlink()
    assert run(db, "check").code == 0
    assert count(db) == 1 and count(db, "interaction") == 1


def test_an_import_with_40_kb_left_says_disk_full_and_writes_nothing(run, small_fs, tmp_path):
    db = _database_on(run, small_fs)
    csv = write_csv(tmp_path / "many.csv", 3000)
    fill(small_fs, leave_bytes=40 * 1024)
    result = run(db, "import", str(csv))
    assert result.code == 1 and "disk full" in result.err and HIDDEN_CAUSE not in result.err, result.err
    assert one_line(result.err)
    (small_fs / "filler").unlink()
    assert run(db, "check").code == 0
    assert count(db) == 1


def test_reading_still_works_on_a_full_disk(run, small_fs):
    db = _database_on(run, small_fs)
    fill(small_fs)
    listing = run(db, "contacts")
    assert listing.code == 0 and "Ann Example" in listing.out
    assert run(db, "check").code == 0


def test_a_backup_onto_a_full_disk_fails_and_leaves_nothing(run, small_fs, tmp_path):
    db = tmp_path / "data" / "f.db"
    db.parent.mkdir()
    assert run(db, "import", str(write_csv(tmp_path / "c.csv", 300, notes=2000))).code == 0
    fill(small_fs, leave_bytes=100 * 1024)  # less than the database's size
    before = files_in(small_fs)
    result = run(db, "backup", str(small_fs / "bk.db"))
    assert result.code == 1 and "disk full" in result.err and one_line(result.err), result.err
    assert files_in(small_fs) == before  # no bk.db, no partial copy, no journal


def test_dev_null_is_named_as_not_a_database_file(run, ):
    for args in (("add", "Ann"), ("contacts",), ("check",)):
        result = run(Path("/dev/null"), *args)
        assert result.code == 1 and "/dev/null" in result.err and "not a regular file" in result.err, result
        assert HIDDEN_CAUSE not in result.err and one_line(result.err)


def test_a_damaged_header_is_named_not_a_database(run, tmp_path):
    db = tmp_path / "f.db"
    assert run(db, "add", "Ann").code == 0
    raw = bytearray(db.read_bytes())
    raw[16:100] = b"\xff" * 84  # page size and the rest of the header: SQLite says "not a database"
    db.write_bytes(bytes(raw))
    result = run(db, "contacts")
    assert result.code == 1 and str(db) in result.err and "not a database" in result.err, result.err
    assert one_line(result.err)
