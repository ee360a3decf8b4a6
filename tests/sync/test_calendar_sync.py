"""Calendar sync against the real Radicale, the phone's side played by the `caldav` library:
28 days of the plan as events, dragging three of them pins exactly those three calls, a done
call's event goes away, and nothing is ever doubled."""

from __future__ import annotations

import datetime as dt
import sqlite3

import caldav
import pytest
from icalendar import Calendar

from planner.io.demo import build_demo
from planner.services.agenda import build_agenda
from planner.store.connect import open_database
from planner.store.database import close_database
from tests.conftest import FIXED_TODAY
from tests.sync.helpers import PASSWORD, USER, report, snapshot, sync


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    monkeypatch.setenv("FOLLOWUP_DAV_PASSWORD", PASSWORD)
    path = tmp_path / "demo.db"
    open_database(path)
    build_demo(contacts=300)
    close_database()
    return path


def _server_events(url: str) -> dict[str, caldav.Event]:
    client = caldav.DAVClient(url=url, username=USER, password=PASSWORD, require_tls=False)
    calendar = client.calendar(url=url)
    events = {}
    for event in calendar.events():
        uid = str(event.icalendar_component["UID"])
        assert uid not in events, f"{uid} twice on the server"
        events[uid] = event
    return events


def _day(event: caldav.Event) -> dt.date:
    return event.icalendar_component.decoded("DTSTART")


def _plan(db) -> dict[tuple[int, int, str], str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT contact_id, seq, reason, date FROM planned_call").fetchall()
    return {(c, s, r): d for c, s, r, d in rows}


def test_the_plan_becomes_events_and_dragging_three_pins_exactly_those(cli, phone, demo_db):
    url = phone.make_calendar()
    first = sync(cli, demo_db, "calendar", url)
    assert first.code == 0, first.err
    open_database(demo_db)
    agenda = build_agenda(FIXED_TODAY, FIXED_TODAY + dt.timedelta(days=27))
    expected = {item.uid: item for item in agenda.items}
    close_database()
    events = _server_events(url)
    assert set(events) == set(expected) and len(events) > 50
    assert sum(c["action"] == "added" for c in report(first)[0]["changes"]) == len(expected)

    with_phone = next(uid for uid, item in expected.items() if item.phone and item.kind == "call")
    component = events[with_phone].icalendar_component
    assert str(component["URL"]).startswith("tel:+")
    assert "Reason: " in str(component["DESCRIPTION"]) and "Last contact: " in str(component["DESCRIPTION"])
    alarms = component.walk("VALARM")
    assert len(alarms) == 1 and alarms[0].decoded("TRIGGER") == dt.timedelta(hours=9)

    # the phone drags three next calls to other working days (a sequence step is not a next call:
    # test_sync_dates.py drags one)
    movable = [uid for uid, item in expected.items() if item.kind == "call" and item.seq == 0
               and item.step_id is None and FIXED_TODAY < item.date < dt.date(2026, 12, 14)]
    dragged = dict(zip(movable[:3], [dt.date(2026, 12, 15), dt.date(2026, 12, 16), dt.date(2026, 12, 17)],
                       strict=True))
    for uid, day in dragged.items():
        event = events[uid]
        with event.edit_icalendar_component() as component:
            component["DTSTART"].dt = day
            component["DTEND"].dt = day + dt.timedelta(days=1)
        event.save()
    plan_before = _plan(demo_db)

    second = report(sync(cli, demo_db, "calendar", url))[0]
    pinned = [c for c in second["changes"] if c["action"] == "pinned"]
    assert sorted(c["name"] for c in pinned) == sorted(expected[uid].name for uid in dragged)
    plan_after = _plan(demo_db)
    moved_contacts = {expected[uid].contact_id for uid in dragged}
    for uid, day in dragged.items():
        contact = expected[uid].contact_id
        assert plan_after[(contact, 0, "pinned")] == day.isoformat()
    untouched_before = {k: v for k, v in plan_before.items() if k[0] not in moved_contacts}
    untouched_after = {k: v for k, v in plan_after.items() if k[0] not in moved_contacts}
    assert untouched_after == untouched_before  # nothing else moved
    events = _server_events(url)
    assert {uid: _day(events[uid]) for uid in dragged} == dragged
    assert not [c for c in second["changes"] if c["action"] in ("added", "removed")]

    third = report(sync(cli, demo_db, "calendar", url))[0]
    assert third["changes"] == []


def test_a_done_call_loses_its_event_and_a_rerun_doubles_nothing(cli, phone, demo_db):
    url = phone.make_calendar()
    assert sync(cli, demo_db, "calendar", url, "--days", "7").code == 0
    events = _server_events(url)
    open_database(demo_db)
    agenda = build_agenda(FIXED_TODAY, FIXED_TODAY + dt.timedelta(days=6))
    call = next(item for item in agenda.items if item.kind == "call" and item.date == FIXED_TODAY
                and len([i for i in agenda.items if i.contact_id == item.contact_id]) == 1)
    close_database()
    assert call.uid in events
    logged = cli("log", str(call.contact_id), "spoke about the role", db=demo_db)
    assert logged.code == 0, logged.err
    result = report(sync(cli, demo_db, "calendar", url, "--days", "7"))[0]
    assert {(c["action"], c["name"]) for c in result["changes"] if c["action"] == "removed"} == {("removed", call.name)}
    assert call.uid not in _server_events(url)


def test_calendar_sync_with_the_server_stopped_changes_nothing(cli, tmp_path, demo_db):
    from tests.sync.conftest import start_radicale, stop

    process, base = start_radicale(tmp_path / "second")
    url = f"{base}{USER}/calendar/"
    try:
        import requests

        body = ('<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop>'
                "<d:resourcetype><d:collection/><c:calendar/></d:resourcetype></d:prop></d:set></d:mkcol>")
        assert requests.request("MKCOL", url, data=body.encode(), auth=(USER, PASSWORD)).status_code == 201
        assert sync(cli, demo_db, "calendar", url, "--days", "7").code == 0
    finally:
        stop(process)
    before = snapshot(demo_db)
    result = sync(cli, demo_db, "calendar", url, "--days", "7")
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1
    assert "cannot reach the server" in result.err
    assert snapshot(demo_db) == before


def test_agenda_ics_export_carries_the_same_alarm(cli, demo_db):
    assert cli("config", "alarm", "08:30", db=demo_db).code == 0
    out = cli("agenda", "--format", "ics", db=demo_db)
    assert out.code == 0
    events = list(Calendar.from_ical(out.out).walk("VEVENT"))
    assert events and all(e.walk("VALARM")[0].decoded("TRIGGER") == dt.timedelta(hours=8, minutes=30)
                          for e in events)


def test_a_calendar_sync_killed_halfway_resumes_without_duplicates(cli, phone, demo_db):
    import os
    import signal
    import subprocess
    import sys
    import time

    url = phone.make_calendar()
    env = {**os.environ, "FOLLOWUP_DAV_PASSWORD": PASSWORD}
    process = subprocess.Popen([sys.executable, "-m", "planner", "--db", str(demo_db), "--today",
                                FIXED_TODAY.isoformat(), "sync", "calendar", url, "--user", USER],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(phone.hrefs(url)) < 20:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert len(phone.hrefs(url)) >= 20

    assert sync(cli, demo_db, "calendar", url).code == 0
    open_database(demo_db)
    expected = {item.uid for item in build_agenda(FIXED_TODAY, FIXED_TODAY + dt.timedelta(days=27)).items}
    close_database()
    assert set(_server_events(url)) == expected  # each once (_server_events checks)
    dry = cli("sync", "calendar", url, "--user", USER, "--dry-run", "--json", db=demo_db)
    assert report(dry)[0]["changes"] == []
