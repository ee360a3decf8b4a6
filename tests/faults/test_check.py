"""`followup check` finds what the code relies on and SQLite's own checks miss (a flipped byte in a
name or a date, a plan that breaks its rules, orphan rows), reports a truncated file and a zeroed
header, and writes are refused on a database it found damaged until it is repaired."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from store_faults import TODAY, count, followup, one_line

COMPANY = b"Acme Widgets"
BLOCK_DAY = b"2029-05-13"


@pytest.fixture
def run(cli):
    """The CLI in this process: a subprocess per call costs a Python start-up each."""
    return lambda db, *args, today=TODAY: cli(*args, db=db, today=today)


@pytest.fixture(scope="module")
def sound_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("sound") / "f.db"
    for args in (("add", "Ann Example", "--company", COMPANY.decode(), "--email", "ann@example.com"),
                 ("add", "Bob Other", "--every", "30d"), ("add", "Cleo Third", "--every", "60d"),
                 ("block", f"{BLOCK_DAY.decode()}..2029-05-14"),
                 ("log", "Ann Example", "--at", "2026-11-20"),
                 ("favor", "Bob Other", "introduction", "an intro", "--got")):
        assert followup(db, *args).code == 0, args
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert followup(db, "check").code == 0
    return db


def copy_of(sound: Path, folder: Path) -> Path:
    db = folder / "copy.db"
    db.write_bytes(sound.read_bytes())
    db.chmod(0o600)
    return db


def flip(db: Path, find: bytes, replace: bytes) -> None:
    raw = db.read_bytes()
    assert raw.count(find) >= 1
    db.write_bytes(raw.replace(find, replace))


def test_invalid_utf8_in_a_name_column_is_found_and_repaired(run, sound_db, tmp_path):
    db = copy_of(sound_db, tmp_path)
    flip(db, COMPANY, b"Acme\xffWidgets")
    result = run(db, "check")
    assert result.code == 1 and "company: not UTF-8" in result.out and "--repair" in result.out, result.out
    refused = run(db, "add", "Dan")
    assert refused.code == 1 and "check --repair" in refused.err and one_line(refused.err), refused.err
    repaired = run(db, "check", "--repair")
    assert repaired.code == 0 and repaired.out.strip().endswith(": ok"), repaired.out
    listing = run(db, "contacts")
    assert listing.code == 0 and "Acme\ufffdWidgets" in listing.out
    assert run(db, "add", "Dan").code == 0


def test_a_listing_of_undecodable_text_says_what_it_is(run, sound_db, tmp_path):
    db = copy_of(sound_db, tmp_path)
    flip(db, COMPANY, b"Acme\xffWidgets")
    result = run(db, "contacts")
    assert result.code == 1 and "Traceback" not in result.err and one_line(result.err)
    assert "followup check" in result.err


def test_a_date_that_does_not_parse_is_found_and_writes_are_refused(run, sound_db, tmp_path):
    db = copy_of(sound_db, tmp_path)
    flip(db, BLOCK_DAY, b"2029-05-B3")
    unchecked = run(db, "add", "Dan")
    assert unchecked.code == 1 and "Traceback" not in unchecked.err and "block row 1 start" in unchecked.err
    assert count(db) == 3  # nothing half-written
    result = run(db, "check")
    assert result.code == 1 and "block row 1 start" in result.out and "restore a backup" in result.out, result.out
    refused = run(db, "add", "Eve")
    assert refused.code == 1 and "restore a backup" in refused.err and one_line(refused.err)
    assert run(db, "contacts").code == 0  # reading still works


def test_a_truncated_file_is_reported(run, sound_db, tmp_path):
    db = copy_of(sound_db, tmp_path)
    raw = db.read_bytes()
    db.write_bytes(raw[: len(raw) * 6 // 10])
    result = run(db, "check")
    assert result.code == 1 and "Traceback" not in result.err
    assert "integrity" in result.out or "not a database" in result.err or "damaged" in result.err, result


def test_a_zeroed_header_is_reported(run, sound_db, tmp_path):
    db = copy_of(sound_db, tmp_path)
    raw = bytearray(db.read_bytes())
    raw[:100] = bytes(100)
    db.write_bytes(bytes(raw))
    result = run(db, "check")
    assert result.code == 1 and "not a followup database" in result.err and one_line(result.err)


def test_a_plan_outside_its_windows_and_orphan_calls_are_found_and_re_planned(run, sound_db, tmp_path):
    db = copy_of(sound_db, tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE planned_call SET date = date(window_start, '-3 days') "
                     "WHERE id = (SELECT min(id) FROM planned_call WHERE pinned = 0 AND date >= '2026-12-01')")
        conn.execute("UPDATE contact SET archived_at = '2026-11-01 10:00:00' WHERE name = 'Cleo Third'")
    result = run(db, "check")
    assert result.code == 1, result.out
    assert "outside its window" in result.out and "archived contact" in result.out, result.out
    repaired = run(db, "check", "--repair")
    assert repaired.code == 0, repaired.out
    assert run(db, "check").code == 0
