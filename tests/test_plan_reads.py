"""What an edit's re-plan reads about the stored plan, answered without reading all of it: the
partitions there are, the calls per day without the edited contacts, who is on today's list.
Each is checked against the plain reading of every stored row, on both engines."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from factories import FIXED_TODAY, bulk_contacts, reached

from planner.core import dates
from planner.scheduling import worklist
from planner.scheduling.owners import UNOWNED, owner_keys
from planner.scheduling.service import replan
from planner.scheduling.stored_plan import loads_without, stored_rows
from planner.services import schedule
from planner.store.database import write_tx
from planner.store.models import Contact, Member

pytestmark = pytest.mark.engines

DAY = dt.timedelta(days=1)


def _counted(excluded: set[int], owned_by: set[int] | None = None) -> dict[dt.date, int]:
    """Calls per day from today on, from every stored row."""
    return dict(Counter(r.date for r in stored_rows() if r.date >= FIXED_TODAY and r.contact_id not in excluded
                        and (owned_by is None or r.contact_id in owned_by)))


def test_the_partitions_of_an_empty_file_a_personal_file_and_a_desk(db_path):
    assert owner_keys() == []
    ids = bulk_contacts(3, 14)
    assert owner_keys() == [UNOWNED]
    with write_tx():
        ana = Member.create(name="Ana", role="ana").id
        Contact.update(owner_id=ana).where(Contact.id == ids[0]).execute()
    assert owner_keys() == [UNOWNED, ana]
    with write_tx():
        Contact.update(owner_id=ana).execute()
    assert owner_keys() == [ana]


def test_loads_without_some_contacts_are_every_other_contacts_calls_per_day(db_path):
    dates.set_today(FIXED_TODAY)
    ids = bulk_contacts(60, 7) + bulk_contacts(40, 30)
    for i, cid in enumerate(ids[::3]):
        reached(cid, FIXED_TODAY - (i % 20) * DAY)
    replan(None)
    schedule.pin(ids[5], FIXED_TODAY + 400 * DAY)  # a day nobody else has a call on
    alone = max(r.date for r in stored_rows() if r.contact_id == ids[5])
    assert _counted(set()) == dict(loads_without([], FIXED_TODAY))
    for excluded in ([ids[5]], ids[:7], ids[::2], ids):
        loads = loads_without(list(excluded), FIXED_TODAY)
        assert dict(loads) == _counted(set(excluded))
    # without the one call on it, that day is gone from the counts (not there with 0)
    assert loads_without([ids[6]], FIXED_TODAY)[alone] == 1 and alone not in loads_without([ids[5]], FIXED_TODAY)


def test_loads_without_some_contacts_within_one_owners_partition(db_path):
    dates.set_today(FIXED_TODAY)
    with write_tx():
        ana = Member.create(name="Ana", role="ana").id
    anas = bulk_contacts(30, 14, owner_id=ana)
    others = bulk_contacts(30, 14)
    replan(None)
    assert dict(loads_without(anas[:4], FIXED_TODAY, ana)) == _counted(set(anas[:4]), set(anas))
    assert dict(loads_without(others[:4], FIXED_TODAY, UNOWNED)) == _counted(set(others[:4]), set(others))


def test_todays_list_read_for_some_contacts_is_their_part_of_the_whole_list(db_path):
    dates.set_today(FIXED_TODAY)
    ids = bulk_contacts(80, 7)
    replan(None)
    whole = worklist.listed(FIXED_TODAY)
    assert whole  # the day's first plan put calls on today
    some = list(whole)[::3] + [cid for cid in ids if cid not in whole][:5]
    assert worklist.listed(FIXED_TODAY, some) == {cid: whole[cid] for cid in some if cid in whole}
    assert worklist.listed(FIXED_TODAY, []) == {}


@pytest.mark.parametrize("zone", [None, "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns",
                                  "Pacific/Chatham", "Asia/Kathmandu"])
def test_last_reached_days_are_the_user_zones_days_of_each_moment(zone):
    """The day of a stored moment, worked out once per hour, is the zone's day of that very moment:
    across offset changes (Lord Howe's are half an hour, at :30 UTC), local midnight inside an
    hour (half- and quarter-hour offsets), microseconds and other forms of text."""
    import random
    import zoneinfo

    from planner.core.zones import in_user_zone
    from planner.scheduling.inputs import _LocalDays

    rng = random.Random(5)
    start = dt.datetime(2024, 1, 1)
    moments = [str(start + dt.timedelta(seconds=rng.randrange(3 * 365 * 86400), microseconds=rng.randrange(2) * 7))
               for _ in range(20000)]
    moments += ["2025-03-30 00:59:59.999999", "2025-03-30 01:00:00", "2025-10-26 00:59:59", "2025-10-26 01:00:00",
                "2025-04-05 15:29:59.999999", "2025-04-05 15:30:00", "2025-01-01 18:29:59", "2025-01-01 18:30:00",
                "2025-01-01 18:14:59", "2025-01-01 18:15:00", "2025-01-01T18:29:59", "2025-01-01"]
    tz = zoneinfo.ZoneInfo(zone) if zone else None
    days = _LocalDays(tz)
    assert [days.of(m) for m in moments] == [in_user_zone(m, tz).date() for m in moments]
