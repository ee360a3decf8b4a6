"""Simple commands start fast: the importers (and vobject), icalendar and RapidFuzz load only for the
commands that use them, and the `import` command's choices stay those of the importers; psycopg
loads only for a server."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from planner.cli import import_cmds, main
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


# The app's way to its first frame, in a process of its own: `followup` with no command (the
# command line's own path to the app), run headless, leaving once the agenda's rows are drawn.
FIRST_FRAME = """
import sys
from planner.cli import main
from screens.app import FollowupApp

class FirstFrameOnly(FollowupApp):
    def on_first_frame(self, message):
        super().on_first_frame(message)
        self.exit(0)

def open_app():
    app = FirstFrameOnly()
    app.run(headless=True, size=(80, 24))
    return app.return_code

code = main(sys.argv[1:], open_app=open_app)
print(' '.join(sorted(m for m in sys.modules if m.partition('.')[0] in {'psycopg', 'psycopg2'})), file=sys.stderr)
raise SystemExit(code)
"""


def test_an_sqlite_file_loads_no_postgresql_driver(tmp_path):
    """Peewee imports psycopg at its module top; on an SQLite file nobody needs it (~90 ms a start)."""
    db = tmp_path / "f.db"
    code = ("import sys; import planner.cli; "
            "print(' '.join(m for m in sys.modules if m.partition('.')[0] == 'psycopg'), file=sys.stderr)")
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert imported.returncode == 0 and imported.stderr.split() == [], imported.stderr
    for args in (["add", "Maria Schmidt"], ["agenda"], ["contacts", "--json"], ["plan"]):
        done = subprocess.run([sys.executable, "-c", _WITH_DRIVERS_SHOWN, "--db", str(db), "--today", "2026-11-25",
                               *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stderr.split() == [], (args, done.stderr)
    app = subprocess.run([sys.executable, "-c", FIRST_FRAME, "--db", str(db), "--today", "2026-11-25"],
                         capture_output=True, text=True, timeout=120)
    assert app.returncode == 0, app.stderr
    assert app.stderr.split() == [], app.stderr


_WITH_DRIVERS_SHOWN = ("import sys; from planner.cli import main; code = main(sys.argv[1:]); "
                       "print(' '.join(m for m in sys.modules if m.partition('.')[0] == 'psycopg'), file=sys.stderr); "
                       "raise SystemExit(code)")


@pytest.mark.engines("postgresql")
@pytest.mark.parametrize("first", ["", "import psycopg; "], ids=["peewee-without-psycopg", "psycopg-imported-first"])
def test_a_server_url_connects_through_the_driver_imported_when_needed(new_db, first):
    """The same commands on a server: psycopg comes in when the server is opened, whether or not
    Peewee saw it at its own import."""
    url = new_db("desk")
    code = f"{first}import sys; from planner.cli import main; raise SystemExit(main(sys.argv[1:]))"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code, "--db", url, "--today", "2026-11-25", *args],
                              capture_output=True, text=True, timeout=120)

    assert run("add", "Maria Schmidt", "--company", "Initech").returncode == 0
    listed = run("contacts", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [(c["name"], c["company"]) for c in json.loads(listed.stdout)] == [("Maria Schmidt", "Initech")]
    shown = run("show", "maria")
    assert shown.returncode == 0 and "Maria Schmidt" in shown.stdout, shown.stderr
    app = subprocess.run([sys.executable, "-c", first + FIRST_FRAME, "--db", url, "--today", "2026-11-25"],
                         capture_output=True, text=True, timeout=120)
    assert app.returncode == 0, app.stderr  # the app reached its first frame on the server
    assert "psycopg" in app.stderr.split()


def test_global_options_alone_open_the_app_on_that_database(tmp_path, capsys):
    """`followup --db PATH --today DAY` opens the app there; anything more is read by the full parser."""
    from planner.core import dates
    from planner.store.database import db
    from planner.store.engine import describe

    opened: list[tuple[str, object]] = []

    def open_app() -> int:
        opened.append((describe(db), dates.today()))
        return 7

    path = tmp_path / "mine.db"
    assert main(["--db", str(path), "--today", "2026-03-02"], open_app=open_app) == 7
    assert opened == [(str(path), dt.date(2026, 3, 2))]
    assert main(["--db", str(path), "add", "Maria Schmidt"], open_app=open_app) == 0  # a command: no app
    assert len(opened) == 1
    with pytest.raises(SystemExit) as usage:
        main(["--db", str(path), "--colour"], open_app=open_app)
    assert usage.value.code == 2 and "unrecognized arguments: --colour" in capsys.readouterr().err
    with pytest.raises(SystemExit) as helped:
        main(["--help"], open_app=open_app)
    assert helped.value.code == 0 and "export-contacts" in capsys.readouterr().out  # every command listed
    assert len(opened) == 1


def test_the_app_start_imports_no_command_module(tmp_path):
    code = ("import sys; from planner.cli import main; "
            "code = main(sys.argv[1:], open_app=lambda: 0); "
            "print(' '.join(m for m in sys.modules if m.startswith('planner.cli.')), file=sys.stderr); "
            "raise SystemExit(code)")
    done = subprocess.run([sys.executable, "-c", code, "--db", str(tmp_path / "f.db")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.split() == []
