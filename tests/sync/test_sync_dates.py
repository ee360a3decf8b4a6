"""Dates that matter and sync, against the real Radicale: a birthday on the phone's card becomes a
date that matters here, as an import of the card would make it; on the calendar, a birthday goes
on the day it falls and repeats yearly, and a sequence step or a birthday dragged on the phone goes
back to its day instead of pinning a call."""

from __future__ import annotations

import datetime as dt
import json

import caldav
import pytest

from planner.services.agenda import build_agenda
from planner.services.contacts import ContactFields, add_contact
from planner.store.connect import open_database
from planner.store.database import close_database
from tests.conftest import FIXED_TODAY
from tests.sync.helpers import PASSWORD, USER, replace_line, report, sync

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:;;;;\r\n{extra}END:VCARD\r\n"


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)


def _dates(cli, db) -> set[tuple[str, str, str]]:
    result = cli("date", "list", "--json", db=db)
    assert result.code == 0, result.err
    return {(d["contact"], d["kind"], d["date"]) for d in json.loads(result.out)}


def test_a_birthday_on_the_phone_becomes_a_date_that_matters(cli, phone, tmp_path):
    db = tmp_path / "f.db"
    open_database(db)
    add_contact(ContactFields(name="Maria Schmidt", emails=["maria@hooli.example"]))
    close_database()
    url = phone.make_addressbook()
    phone.put(url + "m.vcf", CARD.format(uid="m", name="Maria Schmidt", extra="EMAIL:maria@hooli.example\r\n"))
    phone.put(url + "a.vcf", CARD.format(uid="a", name="Aisha Okafor",
                                         extra="BDAY:--0229\r\nANNIVERSARY:2012-06-30\r\n"))
    assert sync(cli, db, "contacts", url).code == 0
    assert _dates(cli, db) == {("Aisha Okafor", "birthday", "--02-29"), ("Aisha Okafor", "anniversary", "2012-06-30")}

    # the phone adds Maria's birthday to her (linked) card; a second sync takes it, once
    href = next(h for h in phone.hrefs(url) if h.endswith("/m.vcf"))
    phone.put(href, replace_line(phone.get(href), "BDAY", "BDAY:1985-11-28"))
    assert sync(cli, db, "contacts", url).code == 0
    assert sync(cli, db, "contacts", url).code == 0
    assert _dates(cli, db) == {("Aisha Okafor", "birthday", "--02-29"), ("Aisha Okafor", "anniversary", "2012-06-30"),
                               ("Maria Schmidt", "birthday", "1985-11-28")}


def _events(url: str) -> dict[str, caldav.Event]:
    client = caldav.DAVClient(url=url, username=USER, password=PASSWORD, require_tls=False)
    return {str(e.icalendar_component["UID"]): e for e in client.calendar(url=url).events()}


def test_a_birthday_goes_on_its_day_comes_back_when_dragged_and_a_dragged_step_moves(cli, phone, tmp_path):
    db = tmp_path / "f.db"
    assert cli("add", "Jonas Weber", "--company", "Initech", db=db).code == 0
    assert cli("add", "Maria Schmidt", "--company", "Hooli", db=db).code == 0
    birthday = FIXED_TODAY + dt.timedelta(days=2)
    assert cli("date", "add", "maria", "birthday", birthday.strftime("1985-%m-%d"), db=db).code == 0
    assert cli("placed", "jonas", "--client", "maria", "--start",
               (FIXED_TODAY + dt.timedelta(days=14)).isoformat(), db=db).code == 0
    url = phone.make_calendar()
    assert sync(cli, db, "calendar", url).code == 0
    open_database(db)
    agenda = build_agenda(FIXED_TODAY, FIXED_TODAY + dt.timedelta(days=27))
    close_database()
    date_item = next(item for item in agenda.items if item.kind == "date")
    step_item = next(item for item in agenda.items if item.step_id is not None)
    events = _events(url)
    component = events[date_item.uid].icalendar_component
    assert component.decoded("DTSTART") == birthday  # the day itself, not the reminder day
    assert component["RRULE"]["FREQ"] == ["YEARLY"]
    step_day = events[step_item.uid].icalendar_component.decoded("DTSTART")

    for uid in (date_item.uid, step_item.uid):
        with events[uid].edit_icalendar_component() as moved:
            moved["DTSTART"].dt = moved.decoded("DTSTART") + dt.timedelta(days=1)
            moved["DTEND"].dt = moved.decoded("DTEND") + dt.timedelta(days=1)
        events[uid].save()
    second = report(sync(cli, db, "calendar", url))[0]
    assert not [c for c in second["changes"] if c["action"] == "pinned"]
    kept = {c["detail"].split(" cannot")[0] for c in second["changes"] if c["action"] == "kept"}
    assert kept == {"a date that matters"}
    next_day = step_day + dt.timedelta(days=1)
    assert [(c["name"], c["detail"]) for c in second["changes"] if c["action"] == "moved"] == [
        (step_item.name, f"{step_item.purpose.split(':')[0]} to {next_day.isoformat()} (moved in the calendar)")]
    events = _events(url)
    assert events[date_item.uid].icalendar_component.decoded("DTSTART") == birthday
    assert events[step_item.uid].icalendar_component.decoded("DTSTART") == next_day  # the step moved there
    runs = json.loads(cli("sequence", "runs", step_item.name, "--json", db=db).out)
    assert next_day.isoformat() in {s["day"] for run in runs for s in run["steps"] if s["id"] == step_item.step_id}
    assert report(sync(cli, db, "calendar", url))[0]["changes"] == []  # settled


def _dated(cli, db) -> set[tuple[str, str, str, bool]]:
    result = cli("date", "list", "--json", db=db)
    assert result.code == 0, result.err
    return {(d["contact"], d["kind"], d["date"], d["yearly"]) for d in json.loads(result.out)}


def test_the_free_list_of_dates_goes_to_the_card_and_back_and_nothing_on_the_card_is_lost(cli, phone, tmp_path):
    laptop, desktop = tmp_path / "laptop.db", tmp_path / "desktop.db"
    assert cli("add", "Jonas Weber", "--email", "jonas@initech.example", db=laptop).code == 0
    for args in (("birthday", "1990-04-02"), ("work-anniversary", "2019-09-01", "--yearly"),
                 ("first-placement", "2024-05-06")):
        assert cli("date", "add", "jonas", *args, db=laptop).code == 0, args
    url = phone.make_addressbook()
    assert sync(cli, laptop, "contacts", url).code == 0
    (href,) = phone.hrefs(url)
    card = phone.get(href)
    assert "BDAY:1990-04-02" in card
    assert "X-FOLLOWUP-DATE;KIND=work-anniversary;YEARLY=TRUE:2019-09-01" in card
    assert "X-FOLLOWUP-DATE;KIND=first-placement:2024-05-06" in card

    # another machine's followup reads every one back, kinds and yearly flags as they were
    assert sync(cli, desktop, "contacts", url).code == 0
    assert _dated(cli, desktop) == _dated(cli, laptop) == {
        ("Jonas Weber", "birthday", "1990-04-02", True), ("Jonas Weber", "work-anniversary", "2019-09-01", True),
        ("Jonas Weber", "first-placement", "2024-05-06", False)}

    # the phone adds a photo, a field of its own and an anniversary; the laptop a date of its own
    card = replace_line(phone.get(href), "PHOTO", "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg==")
    card = replace_line(card, "X-PHONE-RINGTONE", "X-PHONE-RINGTONE:marimba")
    phone.put(href, replace_line(card, "ANNIVERSARY", "ANNIVERSARY:2016-08-20"))
    assert cli("date", "add", "jonas", "kids-birthday", "2018-07-15", "--yearly", db=laptop).code == 0
    changes = report(sync(cli, laptop, "contacts", url))[0]["changes"]
    assert {(c["side"], c["action"], c["detail"]) for c in changes} == {
        ("server", "updated", "dates"), ("followup", "updated", "dates")}
    card = phone.get(href)
    assert "X-FOLLOWUP-DATE;KIND=kids-birthday;YEARLY=TRUE:2018-07-15" in card
    for kept in ("PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg==", "X-PHONE-RINGTONE:marimba", "ANNIVERSARY:2016-08-20",
                 "BDAY:1990-04-02", "X-FOLLOWUP-DATE;KIND=first-placement:2024-05-06"):
        assert kept in card, kept
    assert ("Jonas Weber", "anniversary", "2016-08-20", True) in _dated(cli, laptop)
    assert report(sync(cli, laptop, "contacts", url))[0]["changes"] == []  # settled

    # a date removed here stays removed here; the card keeps its line (a sync never deletes one)
    placement = next(d for d in json.loads(cli("date", "list", "--json", db=laptop).out)
                     if d["kind"] == "first-placement")
    assert cli("date", "remove", str(placement["id"]), db=laptop).code == 0
    assert sync(cli, laptop, "contacts", url).code == 0
    phone.put(href, replace_line(phone.get(href), "TITLE", "TITLE:Staff Engineer"))  # the card is read again
    assert sync(cli, laptop, "contacts", url).code == 0
    assert "first-placement" not in {kind for _n, kind, _d, _y in _dated(cli, laptop)}
    assert "X-FOLLOWUP-DATE;KIND=first-placement:2024-05-06" in phone.get(href)
