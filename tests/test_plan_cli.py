"""`followup plan`, `snooze`, `pin`, `unpin`, `block`, `unblock`, `blocks` run in-process with
today fixed (Wednesday 2026-11-25), on a real database file."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from factories import planned_row

from planner.store.connect import open_database
from planner.store.models import PlannedCall

pytestmark = pytest.mark.engines  # every test here runs on SQLite and on PostgreSQL

CALL_KEYS = {"contact_id", "contact", "date", "ideal", "window_start", "window_end", "reason", "pinned"}
STAT_KEYS = {"calls", "peak", "lower_bound", "sum_sq_load", "mean_shift_days", "max_shift_days", "late"}


def add_people(cli, count: int = 12, every: str = "14d") -> None:
    for i in range(count):
        assert cli("add", f"Person {i:02d}", "--every", every).code == 0


def stored(cli) -> list[tuple]:
    open_database(cli.db)
    rows = sorted((r.contact_id, r.seq, r.date, r.pinned) for r in PlannedCall.select())
    return rows


def test_plan_prints_figures_and_a_bar_chart_per_working_day(cli):
    add_people(cli)
    result = cli("plan", "--weeks", "2")
    assert result.code == 0, result.err
    out = result.out
    assert "Plan from Wed 2026-11-25 to 2027-02-23 (90 days" in out
    assert "calls      " in out and "peak       " in out and "(lower bound " in out
    assert "shift      mean " in out and "late       none" in out
    weekdays = {"Mon", "Tue", "Wed", "Thu", "Fri"}
    chart = [line for line in out.splitlines() if line.startswith("  ") and line[2:5] in weekdays]
    assert len(chart) == 10 and chart[0].startswith("  Wed 2026-11-25")  # two weeks of working days
    assert not any("Sat" in line or "Sun" in line for line in chart)


def test_plan_json_has_exactly_the_agreed_keys(cli):
    add_people(cli, 5)
    result = cli("plan", "--json", "--horizon", "30")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert set(data) == {"today", "today_fixed", "horizon_end", "working_days", "calls", "stats"}
    assert data["today"] == "2026-11-25" and data["horizon_end"] == "2026-12-25"
    assert data["working_days"][:3] == ["2026-11-25", "2026-11-26", "2026-11-27"]
    assert "2026-11-28" not in data["working_days"]
    assert set(data["stats"]) == STAT_KEYS
    assert data["stats"]["peak"] == data["stats"]["lower_bound"]
    assert data["calls"] and all(set(call) == CALL_KEYS for call in data["calls"])
    assert data["stats"]["calls"] == len(data["calls"])
    for call in data["calls"]:
        dt.date.fromisoformat(call["date"])
        assert call["window_start"] <= call["date"] <= call["window_end"]


def test_plan_dry_run_stores_nothing_and_rebalance_stores(cli):
    add_people(cli, 20)
    before = stored(cli)
    dry = cli("plan", "--dry-run", "--rebalance")
    assert dry.code == 0 and "nothing stored" in dry.out
    assert stored(cli) == before
    assert cli("plan", "--rebalance", "--yes").code == 0
    assert len(stored(cli)) == len(before)


def test_a_hostile_name_is_neutralised_in_plan_output(cli):
    assert cli("add", "Evil \x1b[2J\x1b]0;pwned\x07 Name", "--every", "14d").code == 0
    result = cli("plan", "--json")
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert json.loads(result.out)["calls"][0]["contact"].startswith("Evil ␛[2J")


def test_snooze_to_a_weekend_lands_on_monday_and_says_so(cli):
    add_people(cli, 1)
    result = cli("snooze", "Person 00", "--to", "saturday")
    assert result.code == 0, result.err
    assert "Mon 2026-11-30" in result.out and "2026-11-28 is not a working day" in result.out
    shown = json.loads(cli("show", "Person 00", "--json").out)
    assert shown["next_call"] == "2026-11-30" and shown["next_reason"] == "pinned"


def test_snooze_by_pushes_the_current_next_call(cli):
    add_people(cli, 1)
    cli("pin", "Person 00", "2026-12-01")
    result = cli("snooze", "Person 00", "--by", "1w")
    assert result.code == 0 and "Tue 2026-12-08" in result.out


def test_bad_dates_are_clear_errors_with_exit_2(cli):
    add_people(cli, 1)
    result = cli("snooze", "Person 00", "--to", "someday")
    assert result.code == 2 and "--to: 'someday' not understood" in result.err
    result = cli("pin", "Person 00", "2026-11-01")
    assert result.code == 2 and "in the past" in result.err
    assert cli("snooze", "Person 00").code == 2  # --to or --by is required
    result = cli("pin", "Nobody", "friday")
    assert result.code == 2 and "no contact matches" in result.err


def test_pin_then_unpin_hands_the_call_back(cli):
    add_people(cli, 3)
    result = cli("pin", "Person 01", "friday")
    assert result.code == 0 and "Fri 2026-11-27" in result.out
    assert json.loads(cli("show", "Person 01", "--json").out)["next_reason"] == "pinned"
    result = cli("unpin", "Person 01")
    assert result.code == 0 and "the planner put the next call on" in result.out
    assert json.loads(cli("show", "Person 01", "--json").out)["next_reason"] == "new"
    again = cli("unpin", "Person 01")
    assert again.code == 2 and "has no pinned call" in again.err


def test_contacts_json_fills_next_call(cli):
    add_people(cli, 4)
    listed = json.loads(cli("contacts", "--json").out)
    assert all(item["next_call"] for item in listed)


def test_block_unblock_and_blocks(cli):
    add_people(cli, 30, "7d")
    result = cli("block", "2026-11-30..2026-12-04", "--note", "conference")
    assert result.code == 0 and "blocked 2026-11-30..2026-12-04 (5 days): conference" in result.out
    dates = {call["date"] for call in json.loads(cli("plan", "--json").out)["calls"]}
    assert not any("2026-11-30" <= day <= "2026-12-04" for day in dates)
    listed = cli("blocks")
    assert "2026-11-30  2026-12-04  5     conference" in listed.out
    assert cli("unblock", "2026-12-02").code == 0
    blocks = json.loads(cli("blocks", "--json").out)
    assert [(b["start"], b["end"]) for b in blocks] == [("2026-11-30", "2026-12-01"), ("2026-12-03", "2026-12-04")]
    assert cli("block", "2026-12-05").code == 0
    assert "2026-12-05  2026-12-05  1" in cli("blocks").out


def test_block_errors(cli):
    bad = cli("block", "2026-12-10..2026-12-01")
    assert bad.code == 2 and "end is before the start" in bad.err
    missing = cli("unblock", "2027-03-01..2027-03-05")
    assert missing.code == 2 and "nothing is blocked" in missing.err
    assert cli("blocks").out.strip() == "no blocked days"


def test_plan_reports_late_calls_and_the_critical_interval_under_a_cap(cli):
    add_people(cli, 30, "7d")
    assert cli("config", "capacity", "2").code == 0
    result = cli("plan")
    assert result.code == 0, result.err
    assert "late       " in result.out and "late       none" not in result.out
    assert "over-full  " in result.out and "than capacity 2 allows" in result.out
    data = json.loads(cli("plan", "--json").out)
    assert data["stats"]["late"] > 0
    loads: dict[str, int] = {}
    for call in data["calls"]:
        loads[call["date"]] = loads.get(call["date"], 0) + 1
    assert max(loads.values()) <= 2


def test_plan_json_from_a_fresh_process_is_clean_json(cli, tmp_path):
    """HiGHS prints a banner on fd 1 when first created in a process: it must not reach stdout."""
    import subprocess
    import sys

    add_people(cli, 60, "7d")  # enough calls that a full solve runs
    proc = subprocess.run([sys.executable, "-m", "planner", "--db", str(cli.db), "--today", "2026-11-25",
                           "plan", "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["stats"]["calls"] == len(data["calls"]) > 60
    assert "HiGHS" not in proc.stdout + proc.stderr


def test_plan_reports_overdue_pinned_calls(cli):
    add_people(cli, 2)
    open_database(cli.db)
    past = dt.date(2026, 11, 23)
    planned_row(1, past, reason="follow-up", pinned=True)
    result = cli("plan")
    assert result.code == 0 and "overdue    1 pinned call from past days, still owed" in result.out


HOSTILE = ['Zoë "Q" \\ Ångström', "[bold]Mallory[/] \x1b[2J", "Eve \u202eevil\u202c", "Del\x7f C1\x9b", "名前 🙂"]


def test_plan_json_is_the_same_document_written_call_by_call(cli):
    """The calls are written one at a time from pieces encoded once; the text is exactly the one
    JSON document's the generic writer gives (one call a line, names neutralised and escaped)."""
    from planner.core.textsafe import json_text

    assert cli("plan", "--json").out == json_text(json.loads(cli("plan", "--json").out))  # no calls: one line
    assert '"calls":[],' in cli("plan", "--json").out
    for name in HOSTILE:
        assert cli("add", name, "--every", "7d").code == 0
    add_people(cli, 6)
    assert cli("snooze", "2", "--to", "2026-12-09").code == 0  # a pinned call among them
    out = cli("plan", "--json").out
    data = json.loads(out)
    assert out == json_text(data)
    assert any(call["pinned"] for call in data["calls"]) and len(out.splitlines()) == len(data["calls"]) + 2
    shown = {call["contact"] for call in data["calls"]}
    assert 'Zoë "Q" \\ Ångström' in shown and "名前 🙂" in shown and "[bold]Mallory[/] ␛[2J" in shown
    assert not any(char in out for char in "\x1b\x7f\x9b\u202e\u202c")
