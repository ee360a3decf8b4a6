"""The acceptance round trip: 300 demo contacts, a first sync, 20 edits on each side (three of
them the same field of the same contact), a second sync: both sides agree field by field, nobody
is doubled, and the report names every change and conflict."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.io.demo import build_demo
from planner.services.contacts import ContactFields, edit_contact, list_contacts
from planner.store.connect import open_database
from planner.store.database import close_database
from planner.sync.contacts import local_fields, same
from tests.sync.helpers import PASSWORD, card_fields, replace_line, report, sync


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)
    path = tmp_path / "demo.db"
    open_database(path)
    build_demo(contacts=300)
    close_database()
    return path


def _by_uid(phone, url) -> dict[str, tuple[str, str]]:
    result = {}
    for href, text in phone.items(url).items():
        uid = next(line.split(":", 1)[1] for line in text.splitlines() if line.startswith("UID:"))
        key = uid.rsplit("-", 1)[0]  # followup-contact-ID-RANDOM
        assert key not in result
        result[key] = (href, text)
    return result


def _rev(moment: dt.datetime) -> str:
    return f"REV:{moment:%Y%m%dT%H%M%SZ}"


def test_round_trip_300_contacts_20_edits_each_side(cli, phone, demo_db):
    url = phone.make_addressbook()
    first = report(sync(cli, demo_db, "contacts", url))[0]
    assert sum(c["side"] == "server" and c["action"] == "added" for c in first["changes"]) == 300
    server = _by_uid(phone, url)
    assert len(server) == 300

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # the phone: 20 edits; the first three (titles) collide with edits in followup below
    phone_edits = {}
    for n in range(1, 21):
        href, text = server[f"followup-contact-{n}"]
        stamp = now + dt.timedelta(hours=1) if n != 3 else now - dt.timedelta(days=1)
        if n <= 10:
            text = replace_line(text, "TITLE", f"TITLE:Phone title {n}")
        elif n <= 15:
            text = replace_line(text, "EMAIL", f"EMAIL;TYPE=HOME:phone{n}@home.example")
        else:
            text = replace_line(text, "ORG", f"ORG:Phone Company {n};Sales")
        if n == 11:
            text = replace_line(text, "PHOTO", "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ==")
            text = replace_line(text, "BDAY", "BDAY:1984-02-29")
            text = replace_line(text, "X-CUSTOM-FIELD", "X-CUSTOM-FIELD:keep me")
        phone.put(href, replace_line(text, "REV", _rev(stamp)))
        phone_edits[n] = stamp

    # followup: 20 edits; contacts 1-3 get a new title too (the conflicts)
    open_database(demo_db)
    for n in list(range(1, 4)) + list(range(21, 38)):
        if n <= 3 or n <= 30:
            fields = ContactFields(title=f"Desk title {n}")
        elif n <= 34:
            fields = ContactFields(phones=[f"+44 20 7946 {n:04d}"])
        else:
            fields = ContactFields(add_tags=["synced-tag"])
        if n == 11:
            continue
        edit_contact(n, fields)
    close_database()

    second = report(sync(cli, demo_db, "contacts", url))[0]
    conflicts = {c["name"]: c for c in second["conflicts"]}
    assert len(conflicts) == 3
    open_database(demo_db)
    contacts = {v.id: v for v in list_contacts()}
    assert len(contacts) == 300
    assert {c["field"] for c in conflicts.values()} == {"title"}
    assert conflicts[contacts[1].name]["winner"] == "server" and contacts[1].title == "Phone title 1"
    assert conflicts[contacts[3].name]["winner"] == "followup" and contacts[3].title == "Desk title 3"
    updated_here = {c["name"] for c in second["changes"] if c["side"] == "followup" and c["action"] == "updated"}
    updated_there = {c["name"] for c in second["changes"] if c["side"] == "server" and c["action"] == "updated"}
    assert {contacts[n].name for n in range(4, 21)} <= updated_here
    assert {contacts[n].name for n in range(21, 38)} <= updated_there
    assert not [c for c in second["changes"] if c["action"] in ("added", "deleted", "linked")]

    server = _by_uid(phone, url)
    assert len(server) == 300  # no duplicates on the server
    for contact_id, view in contacts.items():
        remote = card_fields(server[f"followup-contact-{contact_id}"][1])
        local = local_fields(view)
        for field, value in local.items():
            theirs = remote[field] if remote[field] is not None else value
            assert same(field, value, theirs), (contact_id, field, value, theirs)
    assert contacts[11].emails == ["phone11@home.example"]
    assert contacts[16].company == "Phone Company 16"
    kept = server["followup-contact-11"][1]
    assert "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ==" in kept and "BDAY:1984-02-29" in kept
    assert "X-CUSTOM-FIELD:keep me" in kept
    assert "ORG:Phone Company 16;Sales" in server["followup-contact-16"][1]
    assert not any("NOTE" in text for _, text in server.values())  # notes never leave followup
    close_database()

    third = report(sync(cli, demo_db, "contacts", url))[0]
    assert third["changes"] == [] and third["conflicts"] == []
