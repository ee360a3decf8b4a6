"""The day a contact was last reached is the same day everywhere: `contacts --json` and the plan
both read it in the `timezone` setting, even when the system's zone disagrees about the date."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import pytest


@pytest.fixture
def system_zone_utc():
    """The process runs in UTC, far from the configured zone below."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_a_call_near_midnight_counts_on_the_configured_zones_day_in_lists_and_plan(cli, system_zone_utc):
    assert cli("config", "timezone", "Pacific/Kiritimati").code == 0  # UTC+14 all year
    assert cli("add", "Maria Lopez", "--every", "7d").code == 0
    # 11:30 UTC on the 23rd is 01:30 on the 24th in Kiritimati: the system zone says the 23rd
    assert cli("log", "Maria", "Spoke about the role", "--at", "2026-11-23T11:30:00+00:00").code == 0

    contact = json.loads(cli("contacts", "--json").out)[0]
    last = dt.datetime.fromisoformat(contact["last_contacted"])
    assert last.date() == dt.date(2026, 11, 24)
    assert last.utcoffset() == dt.timedelta(hours=14)

    plan = json.loads(cli("plan", "--json").out)
    call = next(c for c in plan["calls"] if c["contact"] == "Maria Lopez")
    assert call["reason"] == "cadence"
    assert dt.date.fromisoformat(call["ideal"]) == last.date() + dt.timedelta(days=7)
