"""`followup sync` alone runs both configured collections."""

from __future__ import annotations

import json

from planner.services.contacts import ContactFields, add_contact
from planner.store.connect import open_database
from planner.store.database import close_database
from tests.sync.helpers import PASSWORD, USER


def test_sync_runs_both_configured_collections(cli, phone, tmp_path, monkeypatch):
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)
    db = tmp_path / "f.db"
    open_database(db)
    add_contact(ContactFields(name="Ann Example", emails=["ann@x.example"], phones=["+49 30 1234567"]))
    close_database()
    nothing = cli("sync", db=db)
    assert nothing.code == 2 and "dav.contacts" in nothing.err
    contacts, calendar = phone.make_addressbook(), phone.make_calendar()
    for key, value in (("dav.contacts", contacts), ("dav.calendar", calendar), ("dav.user", USER)):
        assert cli("config", key, value, db=db).code == 0
    result = cli("sync", "--json", db=db)
    assert result.code == 0, result.err
    reports = json.loads(result.out)["reports"]
    assert [r["kind"] for r in reports] == ["contacts", "calendar"]
    assert len(phone.hrefs(contacts)) == 1 and len(phone.hrefs(calendar)) == 1
    text = cli("sync", db=db)
    assert text.code == 0 and "nothing to exchange" in text.out


def test_collection_urls_with_credentials_are_refused(cli, tmp_path):
    result = cli("config", "dav.contacts", "https://alice:pw@dav.example.com/alice/contacts/", db=tmp_path / "f.db")
    assert result.code == 2 and "no user name or password" in result.err and "pw" not in result.err


def test_a_second_sync_of_the_same_database_waits_its_turn(cli, phone, tmp_path, monkeypatch):
    import fcntl
    import os

    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)
    db = tmp_path / "f.db"
    open_database(db)
    close_database()
    url = phone.make_addressbook()
    fd = os.open(str(db) + ".sync-lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another sync (cron, a second SSH session) is running
        busy = cli("sync", "contacts", url, "--user", USER, db=db)
        assert busy.code == 1 and "another sync of this database is running" in busy.err
    finally:
        os.close(fd)
    assert cli("sync", "contacts", url, "--user", USER, db=db).code == 0
