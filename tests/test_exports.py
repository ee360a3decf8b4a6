"""Every agenda format parsed back, user text literal in each, and ICS checked with calcurse."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import stat
import subprocess
import zoneinfo

import icalendar
import pytest
from factories import new_contact, planned_row
from test_agenda import build_scenario  # tests/ is on sys.path (rootdir conftest, prepend import mode)

from planner.io.exports.agenda import write_agenda
from planner.io.exports.csv_export import agenda_csv
from planner.io.exports.ics import agenda_ics
from planner.io.exports.json_export import agenda_json
from planner.io.exports.markdown import agenda_markdown
from planner.io.exports.text import agenda_text
from planner.services.agenda import Agenda, AgendaItem, build_agenda, week_range
from planner.services.ledger import add_favor
from planner.store.models import PlannedCall

D = dt.date
HOSTILE = '=HYPERLINK("http://evil.example","x") [bold]x[/] \x1b[2J *y* <b>'


@pytest.fixture
def agenda(db_path):
    ids = build_scenario()
    evil = new_contact(HOSTILE, company="[red]Co[/]", cadence_days=None)
    add_favor(evil, "received", "gift", "@SUM(1+1)", day=D(2026, 11, 25))
    planned_row(evil, D(2026, 11, 26), reason="new")
    ids["evil"] = evil
    return build_agenda(*week_range("this"))


def _events(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return list(calendar.walk("VEVENT"))


def test_ics_parses_back_with_all_day_events(agenda):
    events = _events(agenda_ics(agenda))
    assert len(events) == len(agenda.items) == 5  # a call and a thank-you of one person are one item
    by_summary = {str(e["SUMMARY"]): e for e in events}
    call = by_summary["Call and thank Maria Schmidt (Hooli)"]
    assert call.decoded("DTSTART") == D(2026, 11, 27) and not isinstance(call.decoded("DTSTART"), dt.datetime)
    assert call.decoded("DTEND") == D(2026, 11, 28)
    assert call["DTSTART"].params.get("VALUE") == "DATE"
    assert isinstance(call.decoded("DTSTAMP"), dt.datetime)
    assert call["CATEGORIES"].cats == ["catch-up"]
    description = str(call["DESCRIPTION"])
    for expected in ("+49 30 1234567", "maria@hooli.example", "Discussed Q1 roles", "Sent us Bob", "CV review"):
        assert expected in description
    assert "Thank Maria Schmidt (Hooli)" not in by_summary  # her call says it
    assert "Thank Wei Chen (Globex)" in by_summary
    hostile = next(e for e in events if str(e["SUMMARY"]).startswith("Call and thank =HYPERLINK"))
    assert "\x1b" not in str(hostile["SUMMARY"]) and "[bold]x[/]" in str(hostile["SUMMARY"])
    assert len({str(e["UID"]) for e in events}) == len(events)
    overdue = by_summary["Call Aisha Okafor"]  # planned for 20 November, still not done
    assert overdue.decoded("DTSTART") == D(2026, 11, 25)
    assert overdue["CATEGORIES"].cats == ["follow-up", "overdue"]
    assert "planned for 2026-11-20" in str(overdue["DESCRIPTION"])
    next_week = _events(agenda_ics(build_agenda(*week_range("next"))))
    assert {str(e["UID"]): e.decoded("DTSTART") for e in next_week}[str(overdue["UID"])] == D(2026, 11, 30)


def test_ics_uids_stay_the_same_when_the_plan_is_rewritten(agenda, db_path):
    first = {str(e["SUMMARY"]) + str(e.decoded("DTSTART")): str(e["UID"]) for e in _events(agenda_ics(agenda))}
    # The solver rewrites unpinned rows: same calls, new row ids.
    rows = list(PlannedCall.select().where(PlannedCall.pinned == False).dicts())
    PlannedCall.delete().where(PlannedCall.pinned == False).execute()
    for row in rows:
        row.pop("id")
        PlannedCall.create(**row)
    again = build_agenda(agenda.start, agenda.end)
    assert {p.planned_call_id for p in again.items} != {p.planned_call_id for p in agenda.items}
    second = {str(e["SUMMARY"]) + str(e.decoded("DTSTART")): str(e["UID"]) for e in _events(agenda_ics(again))}
    assert second == first


@pytest.mark.skipif(shutil.which("calcurse") is None, reason="calcurse not installed (CI installs it)")
def test_calcurse_imports_every_event(agenda, tmp_path):
    path = write_agenda(agenda, "ics", tmp_path / "week.ics")
    data_dir = tmp_path / "calcurse"
    data_dir.mkdir()
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
           "XDG_DATA_HOME": str(tmp_path / "share")}
    done = subprocess.run(["calcurse", "-D", str(data_dir), "-i", str(path)], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert f"{len(agenda.items)} events" in done.stdout and "0 skipped" in done.stdout
    apts = (data_dir / "apts").read_text(encoding="utf-8").splitlines()
    assert len(apts) == len(agenda.items)
    assert "11/27/2026 [1] " in next(line for line in apts if line.endswith("Call and thank Maria Schmidt (Hooli)"))
    assert not any(line.endswith(" Thank Maria Schmidt (Hooli)") for line in apts)  # her call says it
    assert any(line.endswith("Thank Wei Chen (Globex)") for line in apts)
    assert not any("\x1b" in line for line in apts)


def _edge_agenda() -> Agenda:
    """Calls pinned at a time in several zones (a zone name, UTC, a bare offset, none), text with
    every character iCalendar escapes and multi-byte letters across fold points, a yearly date."""
    long = "Küche, Straße; Ärger \\ über ^Ümlaute 😀 " * 4
    agenda = Agenda(start=D(2026, 11, 23), end=D(2026, 11, 29), today=D(2026, 11, 25))
    for n, (zone, at) in enumerate([("Europe/Berlin", "14:30"), ("America/New_York", "09:00"), ("UTC", "10:00"),
                                    ("+05:30", "11:00"), ("", "08:15"), ("Asia/Kolkata", "")]):
        agenda.overdue.append(AgendaItem(date=D(2026, 11, 26), kind="call", reason="pinned", contact_id=n,
                                         name=f"N{n} {long[:n * 9]}", timezone=zone, at_time=at, phone="+49 30 1",
                                         last_contact=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), last_kind="call",
                                         last_summary=long[n:] + "\\" * n, favors_given_open="a,b;c\nd"))
    agenda.overdue.append(AgendaItem(date=D(2026, 11, 24), kind="date", reason="date", contact_id=99, name="Dora",
                                     yearly=True, occurs_on=D(2026, 11, 28), occasion="Birthday", date_id=3))
    return agenda


@pytest.mark.parametrize("alarm", [None, "07:45"])
def test_ics_is_what_the_icalendar_library_writes_for_the_same_events(db_path, alarm):
    """The export writes its content lines itself: parsed by the library and written again, the
    bytes come out the same (property order, escaping, folding, VTIMEZONEs, reminders)."""
    data = agenda_ics(_edge_agenda(), stamp=dt.datetime(2026, 11, 25, 8, tzinfo=dt.UTC), alarm=alarm)
    assert icalendar.Calendar.from_ical(data).to_ical() == data
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75 and any(line.startswith(b" ") for line in lines)
    events = _events(data)
    berlin = next(e for e in events if str(e["SUMMARY"]).startswith("Call N0"))
    assert berlin.decoded("DTSTART") == dt.datetime(2026, 11, 26, 14, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    assert berlin["DTSTART"].params["TZID"] == "Europe/Berlin"
    offset = next(e for e in events if str(e["SUMMARY"]).startswith("Call N3"))
    assert offset.decoded("DTSTART") == dt.datetime(2026, 11, 26, 5, 30, tzinfo=dt.UTC)
    assert "We helped them: a,b;c d" in str(offset["DESCRIPTION"]) and "\\\\\\" in str(offset["DESCRIPTION"])
    # one VTIMEZONE for each zone named, in the order of their names (UTC needs none)
    calendar = icalendar.Calendar.from_ical(data)
    assert [tz.tz_name for tz in calendar.timezones] == ["America/New_York", "Europe/Berlin"]
    birthday = next(e for e in events if str(e["SUMMARY"]) == "Birthday: Dora")
    assert birthday.decoded("DTSTART") == D(2026, 11, 28) and str(birthday["RRULE"].to_ical(), "ascii") == "FREQ=YEARLY"
    assert [len(e.walk("VALARM")) for e in events] == [0 if alarm is None else 1] * len(events)


def test_csv_rows_are_safe_and_parse_back(agenda):
    rows = list(csv.reader(io.StringIO(agenda_csv(agenda))))
    assert rows[0] == ["date", "kind", "contact", "company", "phone", "email", "reason", "last_contact",
                       "last_summary", "status"]
    body = rows[1:]
    assert len(body) == len(agenda.items) and {row[-1] for row in body} == {"open"}  # no call made yet
    hostile = next(r for r in body if "HYPERLINK" in r[2])
    assert hostile[2].startswith("'=HYPERLINK(")
    assert "[bold]x[/]" in hostile[2] and "\x1b" not in hostile[2] and "\u241b" in hostile[2]
    assert hostile[3] == "[red]Co[/]"
    maria = next(r for r in body if r[2] == "Maria Schmidt" and r[1] == "call")
    assert maria[:7] == ["2026-11-27", "call", "Maria Schmidt", "Hooli", "'+49 30 1234567",
                         "maria@hooli.example", "catch-up"]
    assert maria[7].startswith("2026-11-10") and maria[8] == "Discussed Q1 roles"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)


def test_markdown_is_a_call_sheet_with_literal_names(agenda):
    text = agenda_markdown(agenda)
    assert "## Thursday 2026-11-26" in text and "## Overdue" in text and "## Thank-yous owed" in text
    assert "- [ ] **Call Maria Schmidt** (Hooli, Head of Talent) — catch-up" in text
    assert text.count("- [ ] ") == len(agenda.items)
    assert r"\[bold\]x\[/\]" in text and r"\*y\*" in text and r"\<b\>" in text
    assert "\x1b" not in text and "\u241b" in text
    assert "[red]Co[/]" not in text and r"\[red\]Co\[/\]" in text


def test_json_round_trips_text_exactly(agenda):
    data = json.loads(agenda_json(agenda))
    items = data["overdue"] + data["thank_yous"] + [i for day in data["days"] for i in day["items"]]
    assert len(items) == len(agenda.items)
    assert any(i["name"] == HOSTILE for i in items)
    maria = next(i for i in items if i["name"] == "Maria Schmidt" and i["kind"] == "call")
    assert maria["uid"] == f"call-{maria['contact_id']}-0@followup"
    assert maria["last_summary"] == "Discussed Q1 roles"


def test_text_is_readable_and_neutralised(agenda):
    text = agenda_text(agenda, width=200)
    assert "\x1b" not in text
    assert "[bold]x[/]" in text
    lines = text.splitlines()
    assert lines[0] == "Agenda for week 2026-W48: 2026-11-23 to 2026-11-29"
    assert "Fri 2026-11-27" in lines and "Wed 2026-11-25 (today)" in lines
    assert any("Maria Schmidt, Hooli - Head of Talent" in line and "call (catch-up)" in line for line in lines)


def test_write_agenda_is_private_and_replaces_atomically(agenda, tmp_path):
    os.umask(0o022)
    target = tmp_path / "agenda.md"
    target.write_text("old")
    os.chmod(target, 0o644)
    written = write_agenda(agenda, "md", target)
    assert written == target
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8") == agenda_markdown(agenda)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
