"""A call pinned at a time of day is a timed event in the contact's zone, in the calendar and the
ICS export; dragging it in the calendar to another time or day (in whatever zone the phone writes)
pins the call there at that time, read in the contact's zone; an all-day drag leaves it all day."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zoneinfo

import caldav
import pytest
from icalendar import Calendar

from tests.sync.helpers import PASSWORD, USER, report, sync

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)


def _event(url: str, name: str) -> caldav.Event:
    calendar = caldav.DAVClient(url=url, username=USER, password=PASSWORD, require_tls=False).calendar(url=url)
    found = [e for e in calendar.events() if name in str(e.icalendar_component["SUMMARY"])]
    assert len(found) == 1, [str(e.icalendar_component["SUMMARY"]) for e in calendar.events()]
    return found[0]


def _pin(db) -> tuple[str, str]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT date, at_time FROM planned_call WHERE contact_id = 1 AND pinned").fetchone()


def _drag(event: caldav.Event, start: dt.datetime | dt.date, length: dt.timedelta) -> None:
    """As a calendar app writes a moved event: DTSTART and DTEND anew, in its own zone or UTC."""
    with event.edit_icalendar_component() as component:
        for prop in ("DTSTART", "DTEND"):
            del component[prop]
        component.add("dtstart", start)
        component.add("dtend", start + length)
    event.save()


def test_a_call_at_a_time_is_a_timed_event_that_round_trips_a_drag(cli, phone, tmp_path):
    db = tmp_path / "f.db"
    assert cli("add", "Dana Reyes", "--tz", "America/New_York", "--phone", "+1 212 555 0100", db=db).code == 0
    out = cli("pin", "dana", "2026-11-27", "--at", "14:30", db=db)
    assert out.code == 0 and "at 14:30" in out.out, out.err
    agenda = cli("agenda", "--from", "2026-11-27", "--to", "2026-11-27", db=db).out
    assert "call 14:30 (pinned)" in agenda and "America/New_York" in agenda
    url = phone.make_calendar()
    assert sync(cli, db, "calendar", url).code == 0

    component = _event(url, "Dana Reyes").icalendar_component
    start = component.decoded("DTSTART")
    assert start == dt.datetime(2026, 11, 27, 14, 30, tzinfo=NEW_YORK)
    assert component["DTSTART"].params["TZID"] == "America/New_York"
    assert component.decoded("DTEND") - start == dt.timedelta(minutes=30)
    assert component.walk("VALARM")[0].decoded("TRIGGER") == dt.timedelta(hours=-5, minutes=-30)  # 09:00
    ics = cli("agenda", "--format", "ics", db=db).out
    exported = Calendar.from_ical(ics)
    assert [str(tz["TZID"]) for tz in exported.walk("VTIMEZONE")] == ["America/New_York"]
    assert next(e for e in exported.walk("VEVENT") if "Dana" in str(e["SUMMARY"])).decoded("DTSTART") == start

    # the phone, in Berlin, drags it to Tuesday 16:00 its time: 10:00 in New York
    _drag(_event(url, "Dana Reyes"), dt.datetime(2026, 12, 1, 16, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")),
          dt.timedelta(minutes=30))
    changes = report(sync(cli, db, "calendar", url))[0]["changes"]
    assert [(c["action"], c["detail"]) for c in changes if c["side"] == "followup"] == [
        ("pinned", "to 2026-12-01 at 10:00 (moved in the calendar)")]
    assert _pin(db) == ("2026-12-01", "10:00")
    assert _event(url, "Dana Reyes").icalendar_component.decoded("DTSTART") == dt.datetime(
        2026, 12, 1, 10, 0, tzinfo=NEW_YORK)
    assert report(sync(cli, db, "calendar", url))[0]["changes"] == []  # settled: nothing moves back

    # only the time changes, written in UTC: 13:00Z is 08:00 in New York
    _drag(_event(url, "Dana Reyes"), dt.datetime(2026, 12, 1, 13, 0, tzinfo=dt.UTC), dt.timedelta(minutes=30))
    sync(cli, db, "calendar", url)
    assert _pin(db) == ("2026-12-01", "08:00")

    # made an all-day event on another day: pinned there, at any time
    _drag(_event(url, "Dana Reyes"), dt.date(2026, 12, 2), dt.timedelta(days=1))
    sync(cli, db, "calendar", url)
    assert _pin(db) == ("2026-12-02", "")
    assert _event(url, "Dana Reyes").icalendar_component.decoded("DTSTART") == dt.date(2026, 12, 2)


def test_a_time_that_is_not_one_is_one_line(cli, tmp_path):
    db = tmp_path / "f.db"
    assert cli("add", "Dana Reyes", db=db).code == 0
    result = cli("pin", "dana", "2026-11-27", "--at", "25:00", db=db)
    assert result.code == 2 and result.err.strip() == "followup: time '25:00': use HH:MM, e.g. 14:30"
