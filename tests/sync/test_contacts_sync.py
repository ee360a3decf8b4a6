"""Contact sync against the real Radicale: first-run matching, deletions, the password rules,
server errors that leave everything as it was, and a sync killed halfway and resumed."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest

from planner.services.contacts import ContactFields, add_contact, edit_contact, list_contacts
from planner.store.connect import open_database
from planner.store.database import close_database
from planner.store.models import SyncItem
from planner.sync.contacts import sync_contacts
from planner.sync.dav import DavCollection, PreconditionFailed
from tests.sync.conftest import start_radicale, stop
from tests.sync.helpers import PASSWORD, USER, card_fields, replace_line, report, snapshot, sync

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:;;;;\r\n{extra}END:VCARD\r\n"


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)


def _db(folder, people: list[ContactFields]):
    path = folder / "f.db"
    open_database(path)
    for fields in people:
        add_contact(fields)
    close_database()
    return path


def test_first_sync_matches_by_the_import_keys_and_doubles_nobody(cli, phone, tmp_path):
    db = _db(tmp_path, [ContactFields(name="Maria Schmidt", emails=["maria@hooli.example"], title="CTO"),
                        ContactFields(name="Jonas Weiß", company="Initech"),
                        ContactFields(name="Only Here")])
    url = phone.make_addressbook()
    phone.put(url + "m.vcf", CARD.format(uid="m", name="Maria S.", extra="EMAIL:MARIA@hooli.example\r\n"
                                         "TEL;TYPE=CELL:+49 30 1234567\r\nBDAY:1980-01-02\r\n"))
    phone.put(url + "j.vcf", CARD.format(uid="j", name="JONAS  Weiß", extra="ORG:Initech\r\n"))
    phone.put(url + "n.vcf", CARD.format(uid="n", name="Only There", extra="CATEGORIES:VIP,Berlin\r\n"))

    result = sync(cli, db, "contacts", url)
    assert result.code == 0, result.err
    changes = {(c["side"], c["action"], c["name"]) for c in report(result)[0]["changes"]}
    assert ("followup", "linked", "Maria Schmidt") in changes
    assert ("followup", "linked", "Jonas Weiß") in changes
    assert ("followup", "added", "Only There") in changes
    assert ("server", "added", "Only Here") in changes
    open_database(db)
    people = {v.name: v for v in list_contacts()}
    assert sorted(people) == ["Jonas Weiß", "Maria Schmidt", "Only Here", "Only There"]
    assert people["Maria Schmidt"].phones == ["+49 30 1234567"]
    assert people["Only There"].tags == ["berlin", "vip"]
    close_database()
    cards = phone.items(url)
    assert len(cards) == 4
    maria = cards[url[url.index("/alice"):] + "m.vcf"]
    # first meeting: followup's non-empty fields are kept, what the phone alone has stays
    assert "TITLE:CTO" in maria and "BDAY:1980-01-02" in maria and "FN:Maria Schmidt" in maria

    again = report(sync(cli, db, "contacts", url))[0]
    assert again["changes"] == [] and again["unchanged"] == 0


def test_deletions_are_reported_and_applied_only_with_prune(cli, phone, tmp_path):
    db = _db(tmp_path, [ContactFields(name=f"Person {n}", emails=[f"p{n}@x.example"]) for n in range(4)])
    url = phone.make_addressbook()
    assert sync(cli, db, "contacts", url).code == 0
    hrefs = sorted(phone.hrefs(url))
    phone.delete(hrefs[0])  # Person 0 deleted on the phone
    assert cli("archive", "Person 1", db=db).code == 0  # Person 1 archived here

    dry = report(sync(cli, db, "contacts", url))[0]
    lines = {(c["side"], c["action"], c["name"]) for c in dry["changes"]}
    assert lines == {("server", "deleted", "Person 0"), ("followup", "archived", "Person 1")}
    assert len(phone.hrefs(url)) == 3
    open_database(db)
    assert len(list_contacts()) == 3
    close_database()

    pruned = report(sync(cli, db, "contacts", url, "--prune"))[0]
    lines = {(c["side"], c["action"], c["name"]) for c in pruned["changes"]}
    assert lines == {("followup", "archived", "Person 0"), ("server", "deleted", "Person 1")}
    assert len(phone.hrefs(url)) == 2
    open_database(db)
    assert sorted(v.name for v in list_contacts()) == ["Person 2", "Person 3"]
    close_database()
    assert report(sync(cli, db, "contacts", url, "--prune"))[0]["changes"] == []


def test_dry_run_writes_nothing_on_either_side(cli, phone, tmp_path):
    db = _db(tmp_path, [ContactFields(name="Ann Example", emails=["ann@x.example"])])
    url = phone.make_addressbook()
    phone.put(url + "b.vcf", CARD.format(uid="b", name="Bo Example", extra=""))
    before = snapshot(db)
    result = cli("sync", "contacts", url, "--user", USER, "--dry-run", db=db)
    assert result.code == 0
    assert "server: added Ann Example" in result.out and "followup: added Bo Example" in result.out
    assert snapshot(db) == before
    assert len(phone.hrefs(url)) == 1


def _synced_pair(cli, phone, tmp_path):
    """A database synced once with an address book, then edited on both sides."""
    db = _db(tmp_path, [ContactFields(name="Ann Example", emails=["ann@x.example"], title="CEO"),
                        ContactFields(name="Bo Example", emails=["bo@x.example"])])
    url = phone.make_addressbook()
    assert sync(cli, db, "contacts", url).code == 0
    href = sorted(phone.hrefs(url))[1]
    phone.put(href, replace_line(phone.get(href), "TITLE", "TITLE:Edited on the phone"))
    open_database(db)
    edit_contact(1, ContactFields(title="Edited here"))
    close_database()
    return db, url


def _one_line_failure(result, expected: str) -> None:
    assert result.code == 1
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert expected in lines[0]
    assert PASSWORD not in result.err


def test_wrong_password_is_one_line_and_changes_nothing(cli, phone, tmp_path, monkeypatch):
    db, url = _synced_pair(cli, phone, tmp_path)
    before = snapshot(db)
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", "wrong")
    _one_line_failure(sync(cli, db, "contacts", url), "refused the user name or password (401")
    assert snapshot(db) == before


def test_another_users_collection_is_one_line_403(cli, phone, tmp_path, monkeypatch):
    db, url = _synced_pair(cli, phone, tmp_path)
    before = snapshot(db)
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", "other-pass")
    result = cli("sync", "contacts", url, "--user", "bob", db=db)
    _one_line_failure(result, "403 Forbidden")
    assert snapshot(db) == before


def test_stopped_server_is_one_line_and_changes_nothing(cli, phone, tmp_path):
    process, base = start_radicale(tmp_path / "second")
    try:
        url = f"{base}{USER}/contacts/"
        phone.session.request("MKCOL", url, data=(
            b'<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop>'
            b"<d:resourcetype><d:collection/><c:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>"))
        db = _db(tmp_path, [ContactFields(name="Ann Example", emails=["ann@x.example"])])
        assert sync(cli, db, "contacts", url).code == 0
    finally:
        stop(process)
    open_database(db)
    edit_contact(1, ContactFields(title="Edited here"))
    close_database()
    before = snapshot(db)
    _one_line_failure(sync(cli, db, "contacts", url), "cannot reach the server")
    assert snapshot(db) == before


def test_a_card_changed_on_the_phone_mid_sync_is_a_412_and_nothing_of_it_is_applied(cli, phone, tmp_path):
    db, url = _synced_pair(cli, phone, tmp_path)
    open_database(db)
    before = snapshot(db)
    client = DavCollection(url, user=USER, password=PASSWORD)
    hrefs = sorted(phone.hrefs(url))

    def phone_edits_during_the_sync(step, name):
        later = f"REV:{dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1):%Y%m%dT%H%M%SZ}"
        for href in hrefs:
            text = replace_line(phone.get(href), "TITLE", "TITLE:Edited again meanwhile")
            phone.put(href, replace_line(text, "REV", later))

    with pytest.raises(PreconditionFailed) as failure:
        sync_contacts(client, progress=phone_edits_during_the_sync)
    assert "412 Precondition Failed" in str(failure.value) and "\n" not in str(failure.value)
    close_database()
    assert snapshot(db) == before
    # the next sync settles it: the phone's later edit is newer than ours
    result = sync(cli, db, "contacts", url)
    assert result.code == 0, result.err
    open_database(db)
    assert {v.title for v in list_contacts()} == {"Edited again meanwhile"}
    close_database()


def test_a_malformed_card_from_the_server_is_one_line_and_the_rest_is_applied(cli, phone, tmp_path):
    db = _db(tmp_path, [])
    url = phone.make_addressbook()
    phone.put(url + "good.vcf", CARD.format(uid="good", name="Good Card", extra=""))
    phone.put(url + "bad.vcf", CARD.format(uid="bad", name="", extra="TEL:+49 30 1\r\n"))
    result = sync(cli, db, "contacts", url)
    assert result.code == 1
    problem = result.err.strip().splitlines()
    assert len(problem) == 1 and "bad.vcf: line 1: no name" in problem[0]
    open_database(db)
    assert [v.name for v in list_contacts()] == ["Good Card"]
    token = SyncItem.select().count()
    close_database()
    assert token == 1
    assert sync(cli, db, "contacts", url).code == 1  # reported again, and nothing doubled
    open_database(db)
    assert [v.name for v in list_contacts()] == ["Good Card"]
    close_database()


def test_password_file_must_be_owner_only_and_never_shows(cli, phone, tmp_path, monkeypatch):
    monkeypatch.delenv("FOLLOWUP_DAV_PASSWORD")
    db = _db(tmp_path, [ContactFields(name="Ann Example")])
    url = phone.make_addressbook()
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o644)
    refused = cli("sync", "contacts", url, "--user", USER, "--password-file", str(secret), db=db)
    assert refused.code == 2 and "others can read it" in refused.err
    secret.chmod(0o600)
    ok = cli("sync", "contacts", url, "--user", USER, "--password-file", str(secret), db=db)
    assert ok.code == 0, ok.err
    assert PASSWORD not in ok.out + ok.err
    assert PASSWORD.encode() not in db.read_bytes()
    missing = cli("sync", "contacts", url, "--user", USER, db=db)
    assert missing.code == 2 and "FOLLOWUP_DAV_PASSWORD" in missing.err


def test_a_sync_killed_halfway_resumes_without_duplicates(cli, phone, tmp_path):
    db = _db(tmp_path, [])
    open_database(db)
    from planner.io.demo import build_demo

    build_demo(contacts=150)
    close_database()
    url = phone.make_addressbook()
    env = {**os.environ, "FOLLOWUP_DAV_PASSWORD": PASSWORD}
    process = subprocess.Popen([sys.executable, "-m", "planner", "--db", str(db), "--today", "2026-11-25",
                                "sync", "contacts", url, "--user", USER],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(phone.hrefs(url)) < 40:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    pushed = len(phone.hrefs(url))
    assert 40 <= pushed < 150, "the sync should have been killed halfway"

    result = sync(cli, db, "contacts", url)
    assert result.code == 0, result.err
    changes = report(result)[0]["changes"]
    assert sum(c["action"] == "added" for c in changes) <= 150 - pushed + 1
    assert not [c for c in changes if c["side"] == "followup" and c["action"] == "added"]
    texts = phone.items(url)
    assert len(texts) == 150
    assert len({card_fields(t)["emails"][0] for t in texts.values()}) == 150
    open_database(db)
    assert len(list_contacts()) == 150
    assert SyncItem.select().count() == 150
    close_database()


def test_two_machines_share_one_address_book_without_mixing_people_up(cli, phone, tmp_path):
    laptop = _db(tmp_path / "laptop", [ContactFields(name="Ann Laptop", emails=["ann@x.example"])])
    desktop = _db(tmp_path / "desktop", [ContactFields(name="Bob Desktop", emails=["bob@x.example"])])
    url = phone.make_addressbook()
    for db in (laptop, desktop, laptop, desktop):  # each one's contact 1 is someone else
        result = sync(cli, db, "contacts", url)
        assert result.code == 0, result.err
    assert len(phone.hrefs(url)) == 2
    for db in (laptop, desktop):
        open_database(db)
        people = {v.name: v for v in list_contacts()}
        assert sorted(people) == ["Ann Laptop", "Bob Desktop"]
        assert people["Ann Laptop"].emails == ["ann@x.example"]
        close_database()


def test_two_syncs_racing_from_two_processes_double_nothing(phone, tmp_path):
    db = _db(tmp_path, [])
    open_database(db)
    from planner.io.demo import build_demo

    build_demo(contacts=80)
    close_database()
    url = phone.make_addressbook()
    env = {**os.environ, "FOLLOWUP_DAV_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "planner", "--db", str(db), "--today", "2026-11-25",
               "sync", "contacts", url, "--user", USER]
    racers = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    outcomes = [(racer.wait(timeout=120), racer.stderr.read()) for racer in racers]
    assert any(code == 0 for code, _ in outcomes), outcomes
    for code, err in outcomes:
        assert code == 0 or "another sync of this database is running" in err, err
    assert len(phone.hrefs(url)) == 80
    open_database(db)
    assert SyncItem.select().count() == 80 and len(list_contacts()) == 80
    close_database()


def test_a_token_the_server_forgot_falls_back_to_a_full_listing(cli, phone, tmp_path):
    from planner.store.models import SyncCollection

    db = _db(tmp_path, [ContactFields(name=f"Person {n}", emails=[f"p{n}@x.example"]) for n in range(3)])
    url = phone.make_addressbook()
    assert sync(cli, db, "contacts", url).code == 0
    href = sorted(phone.hrefs(url))[0]
    phone.put(href, replace_line(phone.get(href), "TITLE", "TITLE:Changed while the token expired"))
    open_database(db)
    # servers expire old tokens; Radicale answers such a token with 403 valid-sync-token
    SyncCollection.update(sync_token="http://radicale.org/ns/sync/0000").execute()
    close_database()
    result = report(sync(cli, db, "contacts", url))[0]
    assert [(c["side"], c["action"]) for c in result["changes"]] == [("followup", "updated")]
    assert len(phone.hrefs(url)) == 3


def test_the_etag_listing_without_sync_tokens_lists_the_same_members(phone):
    url = phone.make_addressbook()
    for n in range(3):
        phone.put(f"{url}c{n}.vcf", CARD.format(uid=f"c{n}", name=f"Card {n}", extra=""))
    client = DavCollection(url, user=USER, password=PASSWORD)
    by_token = client.list_changes("")
    by_etag = client._propfind_listing()  # what servers without RFC 6578 get
    assert by_etag.changed == by_token.changed and len(by_etag.changed) == 3
    assert by_etag.complete and by_etag.token == ""
