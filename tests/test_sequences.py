"""Follow-up sequences after a placement, through the CLI with `--today` moving through six months:
the steps land on the right working days for both contacts, the cadence check-ins near them are
gone, a log on a step's day satisfies it, a missed step stays overdue until a log, stopping a
sequence removes its future steps, and afterwards the contact is back on its cadence."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from planner.io.exports.text import WHAT_WIDTH

D = dt.date.fromisoformat
START = "2026-12-07"  # a Monday; the day before is a Sunday, 3 months on is Sunday 2027-03-07
# the placement sequence as shipped, on working days: the day before moves back to Friday; the
# 1-month step (Thu 2027-01-07, blocked below) and the 3-month step (a Sunday) move forward
EXPECTED = {
    "2026-12-04": "Placement day before: good luck for tomorrow",
    "2026-12-07": "Placement on the day: how was the first day?",
    "2026-12-14": "Placement 1 week: settling in?",
    "2027-01-08": "Placement 1 month: how is the new role?",
    "2027-03-08": "Placement 3 months: how is it going?",
    "2027-06-07": "Placement 6 months: any feedback for us?",
    "2027-12-07": "Placement 1 year: congratulations on the first year",
}


def _ok(result):
    assert result.code == 0, result.err
    return result


def _agenda(cli, today: str, start: str, end: str) -> dict:
    return json.loads(_ok(cli("agenda", "--from", start, "--to", end, "--format", "json", today=today)).out)


def _items(agenda: dict) -> list[dict]:
    return agenda["overdue"] + agenda["thank_yous"] + [i for day in agenda["days"] for i in day["items"]]


def _calls(cli, today: str, contact: int, days: int = 365) -> tuple[dict[str, str], list[str]]:
    """(sequence steps day -> purpose, other call days) of one contact from `today` on."""
    end = (D(today) + dt.timedelta(days=days)).isoformat()
    items = [i for i in _items(_agenda(cli, today, today, end)) if i["contact_id"] == contact]
    steps = {i["date"]: i["why"] for i in items if i["reason"] == "sequence"}
    others = [i["date"] for i in items if i["reason"] not in ("sequence", "thank-you")]
    return steps, others


def _assert_clear(steps: dict[str, str], others: list[str]) -> None:
    for day in others:
        near = [s for s in steps if abs((D(day) - D(s)).days) <= 5]
        assert not near, f"check-in on {day} within 5 days of step(s) {near}"


@pytest.fixture
def placed(cli):
    """Jonas (candidate, quarterly) placed with Maria (client, monthly) starting Monday 2026-12-07."""
    _ok(cli("add", "Jonas Weber", "--kind", "candidate", "--every", "quarterly"))
    _ok(cli("add", "Maria Schmidt", "--company", "Hooli", "--kind", "client", "--every", "monthly"))
    _ok(cli("log", "jonas", "catch-up", "--at", "2026-10-01 10:00"))
    _ok(cli("log", "maria", "catch-up", "--at", "2026-11-20 10:00"))
    _ok(cli("block", "2027-01-07", "--note", "offsite"))
    out = _ok(cli("placed", "jonas", "--client", "maria", "--start", START, "--role", "Backend Engineer",
                  "--fee", "25,000")).out
    assert "Jonas Weber at Hooli as Backend Engineer from 2026-12-07" in out
    return {"jonas": 1, "maria": 2}


def test_placement_gives_both_contacts_exactly_the_steps_on_working_days(cli, placed):
    within_a_year = {day: why for day, why in EXPECTED.items() if day < "2027-11-25"}
    for contact in placed.values():
        steps, others = _calls(cli, "2026-11-25", contact, days=365)
        assert steps == within_a_year
        _assert_clear(steps, others)
        runs = json.loads(_ok(cli("sequence", "runs", str(contact), "--json")).out)
        assert {step["day"]: f'{step["label"]}: {step["purpose"]}' for step in runs[0]["steps"]} == EXPECTED
    # Maria's monthly check-in due around 2026-12-20 is still there (not near a step), the one
    # due around 2027-01-20 too; Jonas's quarterly one (ideal 2026-12-30) stays clear of 2027-01-08
    steps, others = _calls(cli, "2026-11-25", placed["maria"], days=60)
    assert any("2026-12-15" < day < "2027-01-02" for day in others)


def test_six_months_of_logging_on_step_days(cli, placed):
    jonas, maria = placed["jonas"], placed["maria"]
    step_days = sorted(day for day in EXPECTED if day < "2027-07-01")
    for day in step_days:
        today_items = _items(_agenda(cli, day, day, day))
        due = {(i["contact_id"], i["why"]) for i in today_items if i["reason"] == "sequence"}
        missed = {(maria, EXPECTED["2026-12-14"])} if day == "2027-01-08" else set()  # overdue since
        assert due == {(jonas, EXPECTED[day]), (maria, EXPECTED[day])} | missed, day
        _ok(cli("log", "jonas", "quick call", today=day))
        if day == "2026-12-14":
            continue  # Maria's 1-week step is missed on its day
        _ok(cli("log", "maria", "email", "--kind", "email", today=day))
        # satisfied: off the agenda; the rest still ahead, the check-ins still clear of them
        after = _agenda(cli, day, day, day)
        assert not [i for i in _items(after) if i["reason"] == "sequence"], day
        for contact in (jonas, maria):
            steps, others = _calls(cli, day, contact, days=200)
            assert set(steps) == {d for d in EXPECTED if d > day and D(d) <= D(day) + dt.timedelta(days=200)}
            _assert_clear(steps, others)
    # (the loop skipped Maria on 2026-12-14: it was overdue and the 1-month log satisfied it)
    runs = json.loads(_ok(cli("sequence", "runs", "maria", "--json", today="2027-06-08")).out)
    states = {step["offset"]: (step["state"], step["done_on"]) for step in runs[0]["steps"]}
    assert states["1w"] == ("done", "2027-01-08")  # done late, by the log on the next step's day
    assert states["1m"] == ("done", "2027-01-08")
    assert states["6m"] == ("done", "2027-06-07")
    assert states["1y"] == ("planned", None)


def test_a_missed_step_stays_overdue_until_any_log(cli, placed):
    agenda = _agenda(cli, "2026-12-16", "2026-12-16", "2026-12-16")
    overdue = [(i["contact_id"], i["date"], i["why"]) for i in agenda["overdue"] if i["reason"] == "sequence"]
    assert (placed["maria"], "2026-12-14", EXPECTED["2026-12-14"]) in overdue
    # a message counts (any attempt): it satisfies everything due by its day
    _ok(cli("log", "maria", "texted", "--kind", "message", today="2026-12-16"))
    agenda = _agenda(cli, "2026-12-16", "2026-12-16", "2026-12-16")
    assert not [i for i in agenda["overdue"] if i["contact_id"] == placed["maria"]]
    # deleting that log brings the step back: done-ness is derived from the history
    history = json.loads(_ok(cli("history", "maria", "--json", today="2026-12-16")).out)
    newest = max(history, key=lambda row: row["happened_at"])
    _ok(cli("delete-log", str(newest["id"]), today="2026-12-16"))
    agenda = _agenda(cli, "2026-12-16", "2026-12-16", "2026-12-16")
    assert [i["date"] for i in agenda["overdue"] if i["contact_id"] == placed["maria"]] == [
        "2026-12-04", "2026-12-07", "2026-12-14"]


def test_a_note_does_not_satisfy_a_step(cli, placed):
    _ok(cli("log", "jonas", "thought about him", "--kind", "note", today="2026-12-04"))
    agenda = _agenda(cli, "2026-12-04", "2026-12-04", "2026-12-04")
    assert (placed["jonas"], "sequence") in {(i["contact_id"], i["reason"]) for i in _items(agenda)}


def test_stop_removes_future_steps_and_the_cadence_comes_back(cli, placed):
    jonas = placed["jonas"]
    _ok(cli("log", "jonas", "good luck", today="2026-12-04"))
    out = _ok(cli("event", "jonas", "placement", "--stop", today="2026-12-05")).out
    assert "6 steps taken off the agenda" in out
    steps, others = _calls(cli, "2026-12-05", jonas, days=365)
    assert steps == {}
    # back on his quarterly cadence from the last call: ideal 2027-03-04, +/- 14 days
    assert others and "2027-02-18" <= others[0] <= "2027-03-18"
    # the client's sequence runs on
    steps, _ = _calls(cli, "2026-12-05", placed["maria"], days=40)
    assert set(steps) == {"2026-12-04", "2026-12-07", "2026-12-14", "2027-01-08"}  # the 4th overdue


def test_after_the_last_step_the_contact_returns_to_its_cadence(cli):
    _ok(cli("add", "Aisha Okafor", "--every", "monthly"))
    _ok(cli("log", "aisha", "hello", "--at", "2026-11-20 09:00"))
    _ok(cli("event", "aisha", "interview", "--on", "2026-12-02", "--note", "Initech, backend"))
    steps, others = _calls(cli, "2026-11-25", 1, days=60)
    assert steps == {"2026-12-02": "Interview on the day: how did it go?",
                     "2026-12-04": "Interview 2 days: any feedback yet?"}
    _assert_clear(steps, others)
    _ok(cli("log", "aisha", "debrief", today="2026-12-02"))
    _ok(cli("log", "aisha", "feedback", today="2026-12-04"))
    steps, others = _calls(cli, "2026-12-04", 1, days=60)
    assert steps == {}
    assert others[0] >= "2026-12-30" and others[0] <= "2027-01-09"  # a month after the last call
    runs = json.loads(_ok(cli("sequence", "runs", "aisha", "--json", today="2026-12-04")).out)
    assert runs == []  # nothing running any more
    runs = json.loads(_ok(cli("sequence", "runs", "aisha", "--all", "--json", today="2026-12-04")).out)
    assert [s["state"] for s in runs[0]["steps"]] == ["done", "done"]


def test_steps_count_in_the_days_load(cli, placed):
    _ok(cli("config", "capacity", "2"))
    _ok(cli("add", "Erik Larsen", "--every", "weekly"))
    # weekly, last call Monday 2026-11-30: ideal Monday 2026-12-07 (window Fri 4 .. Tue 8), but the
    # two placement steps already fill the 4th and the 7th
    _ok(cli("log", "erik", "hi", "--at", "2026-11-30 09:00", today="2026-11-30"))
    agenda = _agenda(cli, "2026-11-30", "2026-12-04", "2026-12-08")
    erik = [i["date"] for i in _items(agenda) if i["name"] == "Erik Larsen"]
    assert erik == ["2026-12-08"]
    plan = json.loads(_ok(cli("plan", "--json", today="2026-11-30")).out)
    on_7th = [c for c in plan["calls"] if c["date"] == "2026-12-07"]
    assert len(on_7th) == 2 and all(c["reason"] == "sequence" for c in on_7th)


def test_definitions_are_editable_and_running_sequences_keep_theirs(cli, placed):
    out = _ok(cli("sequence", "show", "placement")).out
    assert "Placement 1 month" in out and "how is the new role?" in out
    _ok(cli("sequence", "set", "placement", "-2d prep call; 0d first day; 2w two weeks in"))
    shown = json.loads(_ok(cli("sequence", "show", "placement", "--json")).out)
    assert [s["offset"] for s in shown["steps"]] == ["-2d", "0d", "2w"] and shown["edited"]
    runs = json.loads(_ok(cli("sequence", "runs", "jonas", "--json")).out)
    assert {step["day"]: f'{step["label"]}: {step["purpose"]}' for step in runs[0]["steps"]} == EXPECTED
    bad = cli("sequence", "set", "placement", "soon call them")
    assert bad.code == 2 and "'soon' is not an offset" in bad.err
    _ok(cli("sequence", "set", "placement", "default"))
    assert not json.loads(_ok(cli("sequence", "show", "placement", "--json")).out)["edited"]
    _ok(cli("sequence", "set", "onboarding", "1w first week; 1m first month"))
    names = [d["name"] for d in json.loads(_ok(cli("sequence", "list", "--json")).out)]
    assert names == ["deal-closed", "interview", "new-job", "onboarding", "placement"]


def test_placements_listing_and_bad_input(cli, placed):
    _ok(cli("add", "Aisha Okafor", "--kind", "candidate"))
    _ok(cli("placed", "aisha", "--client", "maria", "--start", "2027-01-11", "--fee", "18.5k"))
    listed = json.loads(_ok(cli("placements", "--client", "maria", "--json")).out)
    assert [(p["candidate"], p["fee"]) for p in listed] == [("Aisha Okafor", "18500.00"), ("Jonas Weber", "25000.00")]
    assert json.loads(_ok(cli("placements", "--candidate", "jonas", "--json")).out)[0]["role"] == "Backend Engineer"
    out = _ok(cli("placements")).out
    assert "2 placements, fees 43,500.00" in out
    bad = cli("placed", "aisha", "--client", "maria", "--start", "2027-01-11", "--fee", "lots")
    assert bad.code == 2 and "--fee" in bad.err
    bad = cli("placed", "aisha", "--client", "aisha", "--start", "2027-01-11")
    assert bad.code == 2
    assert len(json.loads(_ok(cli("placements", "--json")).out)) == 2  # nothing half-written
    again = cli("event", "jonas", "placement", "--on", START)
    assert again.code == 2 and "already has placement running" in again.err


def test_report_shows_repeat_clients_quiet_ones_and_placements_per_month(cli, placed):
    _ok(cli("add", "Aisha Okafor", "--kind", "candidate"))
    _ok(cli("add", "Peter Gibbons", "--company", "Initech", "--kind", "client"))
    _ok(cli("placed", "aisha", "--client", "maria", "--start", "2027-01-11", "--fee", "18.5k"))
    _ok(cli("placed", "jonas", "--client", "peter", "--start", "2026-12-01", "--fee", "20000"))
    report = json.loads(_ok(cli("report", "--json", today="2026-12-02")).out)
    assert [(c["client"], c["since"], c["fees"]) for c in report["repeat_clients"]] == [
        ("Maria Schmidt", "2 placements since 2026", "43500.00")]
    # Peter's placement started yesterday and nobody has called him since
    assert [c["client"] for c in report["quiet_clients"]] == ["Peter Gibbons"]
    _ok(cli("log", "peter", "how is Jonas doing?", today="2026-12-02"))
    report = json.loads(_ok(cli("report", "--json", today="2026-12-02")).out)
    assert report["quiet_clients"] == []
    assert [(m["month"], m["placements"]) for m in report["per_month"]] == [("2026-12", 2), ("2027-01", 1)]
    text = _ok(cli("report", today="2026-12-02")).out
    assert "Repeat clients" in text and "2 placements since 2026" in text
    assert "placements  2 placements since 2026" in _ok(cli("show", "maria")).out
    assert "placements  placed 2026-12-07 at Hooli" in _ok(cli("show", "jonas")).out  # the latest


def test_text_agenda_cuts_a_long_purpose_inside_its_parentheses(cli, placed):
    _ok(cli("sequence", "set", "interview", "0d debrief on the interview, what they asked, who they met and how "
            "it felt, then the next steps with the client; 2d follow up"))
    _ok(cli("add", "Ana Lopez", "--company", "Initech", "--phone", "+49 30 1234567"))
    _ok(cli("event", "ana", "interview", "--on", "2026-12-02"))
    out = _ok(cli("agenda", "--from", "2026-12-02", "--to", "2026-12-02", today="2026-12-02")).out
    row = next(line for line in out.splitlines() if "Ana Lopez" in line)
    assert row.lstrip().startswith("call (Interview on the day: debrief on")
    what = row.lstrip().split("  ")[0]
    assert what.endswith("…)") and len(what) <= WHAT_WIDTH
    assert "Ana Lopez, Initech" in row and "+49 30 1234567" in row  # the name and phone keep their room
    assert all(len(line) <= 120 for line in out.splitlines())  # the width when not a terminal


def test_snoozing_a_step_moves_that_step_and_nothing_else(cli, placed):
    jonas, maria = placed["jonas"], placed["maria"]
    today = "2026-12-04"  # the "day before" step is due today
    steps_before, others_before = _calls(cli, today, jonas)
    maria_before = _calls(cli, today, maria)
    out = _ok(cli("snooze", "jonas", "--step", "--to", "2026-12-12", today=today)).out  # a Saturday
    assert out.strip() == ("moved Placement day before (good luck for tomorrow) to Mon 2026-12-14 "
                           "(2026-12-12 is not a working day)")
    steps, others = _calls(cli, today, jonas)
    assert others == others_before  # the next cadence call stays where it was
    assert set(steps) == set(steps_before) - {"2026-12-04"}  # on the 1-week step's day now
    on_the_day = _items(_agenda(cli, today, "2026-12-14", "2026-12-14"))
    assert sorted(i["why"] for i in on_the_day if i["contact_id"] == jonas and i["reason"] == "sequence") == [
        "Placement 1 week: settling in?", "Placement day before: good luck for tomorrow"]
    runs = json.loads(_ok(cli("sequence", "runs", "jonas", "--json", today=today)).out)
    days = {step["offset"]: step["day"] for step in runs[0]["steps"]}
    assert days["-1d"] == "2026-12-14" and days["0d"] == "2026-12-07" and days["1w"] == "2026-12-14"
    assert _calls(cli, today, maria) == maria_before  # the client's run is hers, untouched
    # the attempt that made someone snooze it does not count: only a log from its new day on
    _ok(cli("log", "jonas", "no answer", "--outcome", "no-answer", today=today))
    runs = json.loads(_ok(cli("sequence", "runs", "jonas", "--json", today=today)).out)
    assert {s["offset"]: s["state"] for s in runs[0]["steps"]}["-1d"] == "planned"
    _ok(cli("log", "jonas", "wished him luck, late", today="2026-12-14"))
    runs = json.loads(_ok(cli("sequence", "runs", "jonas", "--json", today="2026-12-14")).out)
    assert {s["offset"]: s["state"] for s in runs[0]["steps"]}["-1d"] == "done"
    assert cli("snooze", "nobody-here", "--step", "--to", "2026-12-20", today=today).code == 2


def test_snooze_step_without_a_running_sequence_is_one_line(cli):
    _ok(cli("add", "Ana Lopez"))
    result = cli("snooze", "ana", "--step", "--by", "3d")
    assert result.code == 2 and result.err.strip() == "followup: snooze --step: Ana Lopez has no sequence step pending"
