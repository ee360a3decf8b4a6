"""A database open to group or others (a copy made with the wrong umask, a chmod by hand) is made
owner-only again with a one-line notice, or refused with --strict."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from store_faults import followup, one_line


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _loose_database(tmp_path: Path) -> Path:
    db = tmp_path / "f.db"
    assert followup(db, "add", "Ann").code == 0
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").touch()
        os.chmod(f"{db}{suffix}", 0o644)
    return db


def test_a_world_readable_database_is_made_owner_only_with_a_notice(tmp_path):
    db = _loose_database(tmp_path)
    result = followup(db, "contacts")
    assert result.code == 0 and "Ann" in result.out
    assert one_line(result.err) and "made owner-only" in result.err and str(db) in result.err
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{db}{suffix}").exists():
            assert mode(Path(f"{db}{suffix}")) == 0o600, suffix
    assert followup(db, "contacts").err == ""  # said once: now it is owner-only


def test_strict_refuses_it_and_changes_nothing(tmp_path):
    db = _loose_database(tmp_path)
    result = followup(db, "--strict", "contacts")
    assert result.code == 1 and "--strict" in result.err and one_line(result.err)
    assert mode(db) == 0o644


def test_followups_own_folder_is_tightened_but_a_folder_the_user_chose_is_left(tmp_path):
    import subprocess
    import sys

    from store_faults import CLI, env

    # followup's own data folder: where the database lives when nothing names one
    own = tmp_path / "home" / "followup"
    environment = {k: v for k, v in env().items() if k != "FOLLOWUP_DB"} | {"XDG_DATA_HOME": str(tmp_path / "home")}
    subprocess.run([sys.executable, "-c", CLI, "add", "Ann"], env=environment, check=True, capture_output=True)
    assert (own / "followup.db").exists()
    os.chmod(own, 0o755)
    done = subprocess.run([sys.executable, "-c", CLI, "contacts"], env=environment, capture_output=True, text=True)
    assert done.returncode == 0 and "made owner-only" in done.stderr
    assert mode(own) == 0o700

    chosen = tmp_path / "shared"
    chosen.mkdir(mode=0o755)
    os.chmod(chosen, 0o755)
    assert followup(chosen / "f.db", "add", "Bob").code == 0
    assert mode(chosen) == 0o755 and mode(chosen / "f.db") == 0o600

    # a folder named through FOLLOWUP_DB is the user's too: a shared /tmp-like folder stays as it is
    sticky = tmp_path / "scratch"
    sticky.mkdir()
    os.chmod(sticky, 0o1777)
    named = env() | {"FOLLOWUP_DB": str(sticky / "x.db")}
    for args in (("add", "Cy"), ("contacts",)):
        subprocess.run([sys.executable, "-c", CLI, *args], env=named, check=True, capture_output=True)
    os.chmod(sticky / "x.db", 0o644)
    done = subprocess.run([sys.executable, "-c", CLI, "contacts"], env=named, capture_output=True, text=True)
    assert done.returncode == 0 and "made owner-only" in done.stderr
    assert stat.S_IMODE(os.stat(sticky).st_mode) == 0o1777 and mode(sticky / "x.db") == 0o600
