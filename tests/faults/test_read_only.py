"""Read-only media: the commands that read work (the user can always get their data out), the
ones that write fail with one line naming the path, and nothing is migrated or re-planned.
A real read-only mount (tmpfs remounted read-only, as root), since chmod does not stop root."""

from __future__ import annotations

import pytest
from store_faults import TODAY, followup, one_line, remount_read_only, small_filesystem


@pytest.fixture
def run(cli):
    """The CLI in this process: a subprocess per call costs a Python start-up each."""
    return lambda db, *args, today=TODAY: cli(*args, db=db, today=today)


@pytest.fixture(scope="module")
def read_only_db(tmp_path_factory):
    with small_filesystem(tmp_path_factory.mktemp("ro"), "8m") as folder:
        db = folder / "f.db"
        assert followup(db, "add", "Ann Example", "--email", "ann@example.com", "--company", "Acme").code == 0
        assert followup(db, "log", "Ann Example", "--at", "2026-11-20").code == 0
        assert followup(db, "favor", "Ann Example", "introduction", "an intro", "--gave").code == 0
        remount_read_only(folder)
        yield db


READING = [
    ("contacts",), ("show", "Ann Example"), ("agenda",), ("history", "Ann Example"), ("ledger",),
    ("blocks",), ("config",), ("plan", "--dry-run"), ("check",),
]


@pytest.mark.parametrize("args", READING, ids=lambda a: " ".join(a))
def test_reading_commands_work_on_a_read_only_mount(run, read_only_db, args):
    result = run(read_only_db, *args)
    assert result.code == 0, (args, result.err)
    assert "unable to open" not in result.err


def test_the_data_can_be_got_out(run, read_only_db, tmp_path):
    exported = run(read_only_db, "export-contacts", "--format", "json")
    assert exported.code == 0 and "ann@example.com" in exported.out, exported.err
    target = tmp_path / "out" / "bk.db"
    target.parent.mkdir()
    backup = run(read_only_db, "backup", str(target))
    assert backup.code == 0, backup.err
    assert run(target, "contacts").out.count("Ann Example") == 1


WRITING = [("add", "Bob"), ("log", "Ann Example"), ("edit", "Ann Example", "--title", "CTO"),
           ("plan",), ("config", "horizon", "60"), ("block", "2026-12-24")]


@pytest.mark.parametrize("args", WRITING, ids=lambda a: " ".join(a))
def test_writing_commands_fail_with_one_line_naming_the_path(run, read_only_db, args):
    result = run(read_only_db, *args)
    assert result.code == 1, (args, result)
    assert f"{read_only_db}: read-only" in result.err and one_line(result.err), result.err


def test_a_stale_plan_is_shown_as_stored_with_a_notice(run, read_only_db):
    result = run(read_only_db, "agenda", today="2028-01-03")
    assert result.code == 0, result.err
    assert "read-only" in result.err and "not re-planned" in result.err
