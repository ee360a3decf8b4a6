"""What followup puts on the server, read by other clients: vdirsyncer pulls both collections
into local folders, then khard lists the contacts and khal the calls (Debian packages; .ci/run
installs them)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from planner.io.demo import build_demo
from planner.services.agenda import build_agenda
from planner.services.contacts import list_contacts
from planner.store.connect import open_database
from planner.store.database import close_database
from tests.conftest import FIXED_TODAY
from tests.sync.helpers import PASSWORD, USER, sync

pytestmark = pytest.mark.skipif(not all(shutil.which(p) for p in ("vdirsyncer", "khard", "khal")),
                                reason="vdirsyncer, khard and khal are Debian packages; .ci/run installs them")


def _run(args: list[str], home: Path) -> str:
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".local/share"), "XDG_CACHE_HOME": str(home / ".cache"), "LC_ALL": "C.UTF-8"}
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, input="y\n" * 5)
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result.stdout


def test_vdirsyncer_khard_and_khal_read_what_followup_synced(cli, phone, tmp_path, monkeypatch):
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)
    db = tmp_path / "f.db"
    open_database(db)
    build_demo(contacts=30)
    names = sorted({v.name for v in list_contacts()})
    agenda = build_agenda(FIXED_TODAY, FIXED_TODAY + dt.timedelta(days=27))
    close_database()
    book, calendar = phone.make_addressbook(), phone.make_calendar()
    assert sync(cli, db, "contacts", book).code == 0
    assert sync(cli, db, "calendar", calendar).code == 0

    home = tmp_path / "home"
    local = tmp_path / "local"
    (local / "contacts").mkdir(parents=True)
    (local / "calendar").mkdir(parents=True)
    config = tmp_path / "vdirsyncer.conf"
    storages = ""
    for name, url, kind, ext in (("contacts", book, "carddav", ".vcf"), ("calendar", calendar, "caldav", ".ics")):
        storages += (f'[pair {name}]\na = "{name}_local"\nb = "{name}_remote"\ncollections = null\n\n'
                     f'[storage {name}_local]\ntype = "filesystem"\npath = "{local / name}"\nfileext = "{ext}"\n\n'
                     f'[storage {name}_remote]\ntype = "{kind}"\nurl = "{url}"\nusername = "{USER}"\n'
                     f'password = "{PASSWORD}"\n\n')
    config.write_text(f'[general]\nstatus_path = "{tmp_path / "status"}"\n\n' + storages)
    _run(["vdirsyncer", "-c", str(config), "discover"], home)
    _run(["vdirsyncer", "-c", str(config), "sync"], home)

    khard_conf = tmp_path / "khard.conf"
    khard_conf.write_text(f"[addressbooks]\n[[followup]]\npath = {local / 'contacts'}\n\n[general]\n"
                          "default_action = list\n")
    listed = _run(["khard", "-c", str(khard_conf), "list", "--parsable"], home)
    assert sorted({line.split("\t")[1] for line in listed.splitlines() if line.strip()}) == names

    khal_conf = tmp_path / "khal.conf"
    khal_conf.write_text(f"[calendars]\n[[followup]]\npath = {local / 'calendar'}\n\n[locale]\n"
                         "timeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
                         "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n\n"
                         f"[sqlite]\npath = {tmp_path / 'khal.db'}\n")
    events = _run(["khal", "-c", str(khal_conf), "list", "--format", "{start-date} {title}",
                   FIXED_TODAY.isoformat(), "28d"], home)
    assert len(events.splitlines()) >= len(agenda.items) - len(agenda.overdue) - len(agenda.thank_yous) > 5
    for item in agenda.days[0][1] + [i for _, items in agenda.days for i in items][:10]:
        assert f"{item.date.isoformat()} Call {item.display_name}" in events or item.kind != "call", item.name
