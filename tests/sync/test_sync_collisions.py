"""A calendar sync on a team server that meets another session's deadlock while it records an event
it put: that item's write runs again, the sync finishes, and nothing is doubled or lost."""

from __future__ import annotations

import datetime as dt

import pytest
from server_collisions import collide_once

from planner.core import dates
from planner.services.agenda import build_agenda
from planner.services.contacts import ContactFields, add_contact
from planner.store.connect import open_database
from planner.store.models import SyncCollection, SyncItem
from planner.sync.calendar import sync_calendar
from planner.sync.dav import DavCollection
from tests.conftest import FIXED_TODAY
from tests.sync.helpers import PASSWORD, USER

DAYS = 60


def _sync(url: str):
    client = DavCollection(url, user=USER, password=PASSWORD, kind="calendar")
    try:
        return sync_calendar(client, days=DAYS)
    finally:
        client.close()


@pytest.mark.engines("postgresql")
def test_an_event_recorded_during_a_deadlock_is_recorded_once(cli, phone):
    cli.ok("add", "Maria Schmidt")
    open_database(cli.db)
    dates.set_today(FIXED_TODAY)
    url = phone.make_calendar()
    _sync(url)
    first = len(phone.hrefs(url))
    assert first >= 1
    add_contact(ContactFields(name="Jonas Weber"))  # one more event to put and record
    collection = SyncCollection.get().id
    report = collide_once(str(cli.db), "sync_collection", collection, lambda: _sync(url))
    assert not report.problems
    agenda = build_agenda(FIXED_TODAY, FIXED_TODAY + dt.timedelta(days=DAYS - 1))
    on_server = phone.hrefs(url)
    assert len(on_server) == len(agenda.items) > first
    assert SyncItem.select().count() == len(on_server)  # each recorded once
