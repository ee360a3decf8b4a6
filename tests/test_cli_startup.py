"""Simple commands start fast: the importers (and vobject), icalendar and RapidFuzz load only for the
commands that use them, and the `import` command's choices stay those of the importers."""

from __future__ import annotations

import subprocess
import sys

from planner.cli import import_cmds
from planner.io.importers import FORMATS
from planner.io.importers.generic_csv import FIELDS

HEAVY = ("vobject", "icalendar", "planner.io.importers", "textual", "rapidfuzz")


def test_import_choices_are_the_importers_own():
    assert import_cmds.IMPORT_FORMATS == FORMATS
    assert import_cmds.MAPPABLE_FIELDS == FIELDS


def _loaded_after(tmp_path, *args: str) -> set[str]:
    db = tmp_path / "f.db"
    code = ("import sys; from planner.cli import main; code = main(sys.argv[1:]); "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr); raise SystemExit(code)")
    done = subprocess.run([sys.executable, "-c", code, "--db", str(db), "--today", "2026-11-25", *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split())


def test_show_and_agenda_load_no_importer_or_calendar_library(tmp_path):
    assert _loaded_after(tmp_path, "add", "Maria Schmidt") == set()
    assert _loaded_after(tmp_path, "show", "maria") == set()
    assert _loaded_after(tmp_path, "agenda") == set()
    assert _loaded_after(tmp_path, "agenda", "--format", "ics") == {"icalendar"}
    assert _loaded_after(tmp_path, "export-contacts", "--format", "vcard") == set()  # written without vobject
    assert _loaded_after(tmp_path, "duplicates") == {"rapidfuzz"}
