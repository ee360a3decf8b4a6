"""Dates that matter: birthdays and anniversaries from a vCard round-trip (import, export, import),
come up on the agenda three days ahead (a setting), and go into the agenda's iCalendar export as
yearly events."""

from __future__ import annotations

import json

from icalendar import Calendar

VCARD = """BEGIN:VCARD
VERSION:4.0
FN:Maria Schmidt
ORG:Hooli
TZ:Europe/Berlin
BDAY:19851128
ANNIVERSARY:2012-06-30
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Jonas Weber
BDAY;X-APPLE-OMIT-YEAR=1604:1604-12-01
END:VCARD
BEGIN:VCARD
VERSION:4.0
FN:Aisha Okafor
BDAY:--0229
END:VCARD
"""


def _ok(result):
    assert result.code == 0, result.err
    return result


def _dates(cli, db=None) -> set[tuple[str, str, str, bool]]:
    listed = json.loads(_ok(cli("date", "list", "--json", db=db)).out)
    return {(d["contact"], d["kind"], d["date"], d["yearly"]) for d in listed}


EXPECTED = {
    ("Maria Schmidt", "birthday", "1985-11-28", True),
    ("Maria Schmidt", "anniversary", "2012-06-30", True),
    ("Jonas Weber", "birthday", "--12-01", True),
    ("Aisha Okafor", "birthday", "--02-29", True),
    ("Jonas Weber", "work-anniversary", "2019-04-01", True),
    ("Jonas Weber", "graduation", "2027-07-01", False),
}


def test_vcard_round_trip_keeps_every_date(cli, tmp_path):
    source = tmp_path / "phone.vcf"
    source.write_text(VCARD, encoding="utf-8")
    _ok(cli("import", str(source)))
    _ok(cli("date", "add", "jonas", "work-anniversary", "2019-04-01"))
    _ok(cli("date", "add", "jonas", "Graduation", "2027-07-01", "--note", "Ana, 18"))
    assert _dates(cli) == EXPECTED
    exported = tmp_path / "out.vcf"
    _ok(cli("export-contacts", "--format", "vcard", "-o", str(exported)))
    text = exported.read_text(encoding="utf-8")
    assert "BDAY:1985-11-28" in text and "ANNIVERSARY:2012-06-30" in text and "BDAY:--12-01" in text
    other = tmp_path / "other.db"
    _ok(cli("import", str(exported), db=other))
    assert _dates(cli, other) == _dates(cli)
    # importing again adds nothing
    again = _ok(cli("import", str(exported), db=other)).out
    assert "0 added" in again
    assert len(json.loads(_ok(cli("date", "list", "--json", db=other)).out)) == len(EXPECTED)


def _agenda_items(cli, today: str) -> list[dict]:
    data = json.loads(_ok(cli("agenda", "--from", today, "--to", today, "--format", "json", today=today)).out)
    return [i for day in data["days"] for i in day["items"] if i["kind"] == "date"]


def test_a_birthday_comes_up_three_days_ahead_with_the_contacts_zone(cli, tmp_path):
    source = tmp_path / "phone.vcf"
    source.write_text(VCARD, encoding="utf-8")
    _ok(cli("import", str(source)))
    # Maria's birthday is Saturday 2026-11-28: on the agenda from Wednesday the 25th, not the 24th
    items = _agenda_items(cli, "2026-11-25")
    assert [(i["name"], i["why"], i["timezone"], i["occurs_on"]) for i in items] == [
        ("Maria Schmidt", "Birthday Sat 2026-11-28 (turns 41)", "Europe/Berlin", "2026-11-28")]
    assert _agenda_items(cli, "2026-11-24") == []
    # a week's agenda shows it once, on the 25th; on a later day it is still there until the day
    week = json.loads(_ok(cli("agenda", "--week", "--format", "json", today="2026-11-23")).out)
    assert [(day["date"], i["name"]) for day in week["days"] for i in day["items"] if i["kind"] == "date"] == [
        ("2026-11-25", "Maria Schmidt"), ("2026-11-28", "Jonas Weber")]
    assert [i["name"] for i in _agenda_items(cli, "2026-11-27")] == ["Maria Schmidt"]
    text = _ok(cli("agenda", "--today", "2026-11-25")).out
    assert "date (Birthday Sat 2026-11-28 (turns 41))" in text
    # the year of Jonas's is unknown: no age
    assert [i["why"] for i in _agenda_items(cli, "2026-11-28")] == [
        "Birthday Tue 2026-12-01", "Birthday Sat 2026-11-28 (turns 41)"]
    assert [i["name"] for i in _agenda_items(cli, "2026-11-29")] == ["Jonas Weber"]
    # a 29 February birthday comes up on the 28th in other years
    assert [i["why"] for i in _agenda_items(cli, "2027-02-25")] == ["Birthday Sun 2027-02-28"]
    _ok(cli("config", "dates_ahead", "7"))
    assert [i["name"] for i in _agenda_items(cli, "2026-11-21")] == ["Maria Schmidt"]
    assert [i["name"] for i in _agenda_items(cli, "2026-11-20")] == []


def test_ics_has_yearly_events_on_the_day_itself(cli, tmp_path):
    source = tmp_path / "phone.vcf"
    source.write_text(VCARD, encoding="utf-8")
    _ok(cli("import", str(source)))
    _ok(cli("add", "Erik Larsen"))
    _ok(cli("date", "add", "erik", "product launch", "2026-12-02"))
    out = tmp_path / "week.ics"
    _ok(cli("agenda", "--from", "2026-11-23", "--to", "2026-11-29", "-o", str(out)))
    calendar = Calendar.from_ical(out.read_bytes())
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    maria = events["date-1@followup"]
    assert str(maria["summary"]) == "Birthday: Maria Schmidt (Hooli)"
    assert maria.decoded("dtstart").isoformat() == "2026-11-28"
    assert "RRULE:FREQ=YEARLY" in out.read_text()
    assert maria["rrule"]["FREQ"] == ["YEARLY"]
    jonas = [e for e in events.values() if str(e["summary"]) == "Birthday: Jonas Weber"]
    assert jonas and jonas[0].decoded("dtstart").isoformat() == "2026-12-01"  # reminded on the 28th
    launch = [e for e in events.values() if str(e["summary"]).startswith("Product launch")]
    assert launch and "rrule" not in launch[0]  # a one-off date does not repeat


def test_bad_dates_are_refused_with_one_line(cli):
    _ok(cli("add", "Maria Schmidt"))
    bad = cli("date", "add", "maria", "birthday", "1985-02-30")
    assert bad.code == 2 and "not a day of the calendar" in bad.err
    bad = cli("date", "add", "maria", "birthday", "someday")
    assert bad.code == 2 and "YYYY-MM-DD" in bad.err
    _ok(cli("date", "add", "maria", "birthday", "1985-11-28"))
    twice = cli("date", "add", "maria", "birthday", "1985-11-28")
    assert twice.code == 2 and "already has a birthday" in twice.err
    assert len(json.loads(_ok(cli("date", "list", "maria", "--json")).out)) == 1
