"""A plan made on an earlier day is brought up to date before it is shown."""

from __future__ import annotations

import json


def test_calls_left_on_past_days_are_planned_again_from_today(cli):
    for index in range(12):
        assert cli("add", f"Person {index:02d}", "--every", "weekly", today="2026-11-23").code == 0
    planned = json.loads(cli("plan", "--json", today="2026-11-23").out)["calls"]
    missed = {c["contact"] for c in planned if c["date"] < "2026-11-26"}
    assert missed  # some calls fell on Monday to Wednesday

    # Thursday: none of those calls was made. The agenda shows today's plan, not Monday's.
    agenda = json.loads(cli("agenda", "--week", "this", "--format", "json", today="2026-11-26").out)
    assert agenda["overdue"] == []
    calls = json.loads(cli("plan", "--json", "--dry-run", today="2026-11-26").out)["calls"]
    assert all(c["date"] >= "2026-11-26" for c in calls if not c["pinned"])
    assert missed <= {c["contact"] for c in calls}  # every missed person is planned again, none forgotten
    listed = json.loads(cli("contacts", "--json", today="2026-11-26").out)
    assert all(person["next_call"] >= "2026-11-26" for person in listed)
