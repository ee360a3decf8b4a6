"""Logging interactions: cadence reset from when it happened, retries, follow-ups, thank-yous."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from factories import new_contact, pins

from planner.core import dates
from planner.core.errors import BadInput, NotFound
from planner.services import contacts
from planner.services.interactions.edits import delete_interaction, edit_interaction
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.interactions.records import history
from planner.store import settings
from planner.store.models import Interaction, PlannedCall

pytestmark = pytest.mark.engines  # every test here runs on SQLite and on PostgreSQL

WED = dt.date(2026, 11, 25)


def test_back_dated_call_resets_last_contact_to_when_it_happened(db_path):
    cid = new_contact(company="Hooli")
    moment = dates.parse_moment("yesterday 15:00")
    log_interaction(LogRequest(cid, "Talked about Q1 hiring", at=moment))
    view = contacts.get_view(cid)
    assert view.last_contacted == moment
    assert view.last_contacted.date() == dt.date(2026, 11, 24)
    assert history(cid)[0].happened_at == moment


def test_cli_log_days_ago_and_iso(cli):
    assert cli("add", "Maria Schmidt", "--company", "Hooli").code == 0
    result = cli("log", "Maria", "Coffee chat", "--kind", "meeting", "--at", "3 days ago", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["happened_at"].startswith("2026-11-22")
    assert data["kind"] == "meeting" and data["reached"] is True
    assert cli("log", "Maria", "Email reply", "--kind", "email", "--at", "2026-11-23T09:30:00+01:00").code == 0
    shown = json.loads(cli("show", "Maria", "--json").out)
    assert dt.datetime.fromisoformat(shown["last_contacted"]) == dt.datetime(
        2026, 11, 23, 8, 30, tzinfo=dt.UTC)


def test_future_moment_is_rejected_and_nothing_is_written(cli):
    cli("add", "Maria Schmidt")
    result = cli("log", "Maria", "not yet", "--at", "tomorrow 10:00")
    assert result.code == 2
    assert "future" in result.err and "--at" in result.err
    assert json.loads(cli("history", "Maria", "--json").out) == []


def test_no_answer_plans_a_pinned_retry_without_resetting_the_cadence(db_path):
    cid = new_contact(company="Hooli")
    first = dates.parse_moment("2026-11-02 10:00")
    log_interaction(LogRequest(cid, "Intro call", at=first))
    view = log_interaction(LogRequest(cid, "Rang, nobody", outcome="no-answer"))
    assert view.reached is False
    assert contacts.get_view(cid).last_contacted == first
    assert pins(cid) == [(dt.date(2026, 11, 27), "retry")]  # Wednesday + 2 working days = Friday
    row = PlannedCall.get(PlannedCall.contact == cid)
    assert row.window_start == row.window_end == row.ideal == row.date


def test_retry_uses_the_setting_and_skips_the_weekend(db_path):
    settings.set_value("retry", "3")
    cid = new_contact(company="Hooli")
    log_interaction(LogRequest(cid, "voicemail", outcome="left-message"))
    assert pins(cid) == [(dt.date(2026, 11, 30), "retry")]


def test_reaching_them_consumes_the_retry(db_path):
    cid = new_contact(company="Hooli")
    log_interaction(LogRequest(cid, "no luck", outcome="no-answer"))
    log_interaction(LogRequest(cid, "Called back", outcome="spoke"))
    assert pins(cid) == []


def test_next_pins_a_follow_up_on_a_working_day(cli):
    cli("add", "Maria Schmidt")
    result = cli("log", "Maria", "Good talk", "--next", "in 2 weeks")
    assert result.code == 0, result.err
    assert "next call 2026-12-09" in result.out and "follow-up" in result.out
    cli("add", "Jonas Weber")
    assert cli("log", "Jonas", "Short", "--next", "saturday").code == 0
    shown = json.loads(cli("show", "Jonas", "--json").out)
    assert (shown["next_call"], shown["next_reason"]) == ("2026-11-30", "follow-up")  # Saturday -> Monday


def test_next_in_the_past_or_unreadable_is_rejected(cli):
    cli("add", "Maria Schmidt")
    bad = cli("log", "Maria", "x", "--next", "2026-11-01")
    assert bad.code == 2 and "past" in bad.err
    bad = cli("log", "Maria", "x", "--next", "whenever")
    assert bad.code == 2 and "--next" in bad.err
    assert json.loads(cli("history", "Maria", "--json").out) == []


def test_back_dated_log_leaves_a_later_follow_up_alone(db_path):
    cid = new_contact(company="Hooli")
    log_interaction(LogRequest(cid, "Spoke", next_when="in 2 weeks"))
    log_interaction(LogRequest(cid, "Forgot this email", kind="email", at=dates.parse_moment("3 days ago")))
    assert pins(cid) == [(dt.date(2026, 12, 9), "follow-up")]


def test_a_call_before_a_follow_up_keeps_it_and_one_on_the_day_fulfils_it(db_path):
    from planner.store.models import PlannedCall as PC

    cid = new_contact(company="Hooli")
    log_interaction(LogRequest(cid, "Send the contract in two weeks", next_when="in 2 weeks"))
    log_interaction(LogRequest(cid, "She rang about something else"))
    assert pins(cid) == [(dt.date(2026, 12, 9), "follow-up")]
    # Overdue: the follow-up was for last Friday and today's call is it.
    PC.update(date=dt.date(2026, 11, 20)).where(PC.contact == cid).execute()
    log_interaction(LogRequest(cid, "Contract call"))
    assert pins(cid) == []


def test_a_missed_call_keeps_a_later_follow_up_and_adds_a_retry(db_path):
    cid = new_contact(company="Hooli")
    log_interaction(LogRequest(cid, "Talk again in January", next_when="2027-01-11"))
    log_interaction(LogRequest(cid, "Rang about an urgent role", outcome="no-answer"))
    assert pins(cid) == [(dt.date(2026, 11, 27), "retry"), (dt.date(2027, 1, 11), "follow-up")]
    log_interaction(LogRequest(cid, "Reached her on the retry"))
    assert pins(cid) == [(dt.date(2027, 1, 11), "follow-up")]


def test_a_note_is_not_contact(db_path):
    cid = new_contact(company="Hooli")
    view = log_interaction(LogRequest(cid, "Heard she moved teams", kind="note", outcome="no-answer"))
    assert view.outcome == "" and view.reached is False
    assert contacts.get_view(cid).last_contacted is None
    assert pins(cid) == []


def test_thanked_closes_open_thank_you_tasks(db_path):
    from planner.services.ledger import add_favor, contact_ledger

    cid = new_contact(company="Hooli")
    add_favor(cid, "received", "referral", "Sent us Bob", day=dt.date(2026, 11, 20))
    assert pins(cid) == [(dt.date(2026, 11, 24), "thank-you")]
    log_interaction(LogRequest(cid, "Thanked her for Bob", thanked=True))
    assert pins(cid) == []
    assert contact_ledger(cid)[0].thanked_at is not None
    assert contacts.get_view(cid).owes_thanks is False


def test_delete_re_derives_last_contact_and_drops_its_retry(cli):
    cli("add", "Maria Schmidt")
    cli("log", "Maria", "First", "--at", "2026-11-10 11:00")
    second = json.loads(cli("log", "Maria", "Second", "--at", "yesterday 09:00", "--json").out)
    missed = json.loads(cli("log", "Maria", "Rang", "--outcome", "no-answer", "--json").out)
    assert json.loads(cli("show", "Maria", "--json").out)["next_reason"] == "retry"
    result = cli("delete-log", str(missed["id"]))
    assert result.code == 0, result.err
    assert json.loads(cli("show", "Maria", "--json").out)["next_reason"] != "retry"
    assert cli("delete-log", str(second["id"])).code == 0
    shown = json.loads(cli("show", "Maria", "--json").out)
    assert shown["last_contacted"].startswith("2026-11-10")
    gone = cli("delete-log", str(second["id"]))
    assert gone.code == 2 and "no logged interaction" in gone.err


def test_edit_log_moves_the_moment_and_validates(cli):
    cli("add", "Maria Schmidt")
    logged = json.loads(cli("log", "Maria", "Typo", "--at", "2026-11-20 10:00", "--json").out)
    result = cli("edit-log", str(logged["id"]), "--summary", "Fixed", "--at", "2026-11-21 16:15", "--duration", "1h30m")
    assert result.code == 0, result.err
    entry = json.loads(cli("history", "Maria", "--json").out)[0]
    assert entry["summary"] == "Fixed" and entry["duration_min"] == 90
    assert entry["happened_at"].startswith("2026-11-21T16:15")
    assert cli("edit-log", str(logged["id"])).code == 2
    assert cli("edit-log", str(logged["id"]), "--at", "in 3 days").code == 2
    assert cli("edit-log", "999", "--summary", "x").code == 2


def test_edit_to_a_missed_call_stops_it_counting(db_path):
    cid = new_contact(company="Hooli")
    view = log_interaction(LogRequest(cid, "Spoke?", at=dates.parse_moment("2026-11-20 10:00")))
    edit_interaction(view.id, outcome="no-answer")
    assert contacts.get_view(cid).last_contacted is None
    with pytest.raises(BadInput):
        edit_interaction(view.id, colour="red")
    moved = edit_interaction(view.id, at="yesterday 15:00", outcome="spoke")
    assert moved.happened_at == dates.parse_moment("2026-11-24 15:00")
    assert contacts.get_view(cid).last_contacted == moved.happened_at
    with pytest.raises(NotFound):
        delete_interaction(12345)


def test_history_is_newest_first_and_shows_text_literally(cli):
    cli("add", "Maria Schmidt")
    cli("log", "Maria", "old", "--at", "2026-10-01 10:00")
    cli("log", "Maria", "[bold]x[/] \x1b[2J cleared?", "--at", "2026-11-01 10:00", "--notes", "line 1\nline 2")
    result = cli("history", "Maria")
    assert result.code == 0
    assert "\x1b" not in result.out
    assert "[bold]x[/] \u241b[2J cleared?" in result.out
    assert result.out.index("cleared?") < result.out.index(" old\n")
    assert "  line 2" in result.out
    data = json.loads(cli("history", "Maria", "--json").out)
    assert [d["summary"] for d in data] == ["[bold]x[/] \x1b[2J cleared?", "old"]


def test_duration_and_kind_validation(cli):
    cli("add", "Maria Schmidt")
    assert cli("log", "Maria", "x", "--duration", "a while").code == 2
    assert cli("log", "Maria", "x", "--kind", "fax").code == 2
    ok = json.loads(cli("log", "Maria", "x", "--duration", "45", "--json").out)
    assert ok["duration_min"] == 45
    assert cli("log", "Nobody Here", "x").code == 2


def test_log_is_one_row_per_call(db_path):
    cid = new_contact(company="Hooli")
    log_interaction(LogRequest(cid, "once"))
    assert Interaction.select().count() == 1


def test_the_next_cadence_call_counts_from_when_it_happened(cli):
    cli("add", "Back Dated", "--every", "30d")
    cli("add", "Logged Now", "--every", "30d")
    assert cli("log", "Back Dated", "Lunch", "--at", "2026-11-05 13:00").code == 0
    assert cli("log", "Logged Now", "Lunch").code == 0
    back = dt.date.fromisoformat(json.loads(cli("show", "Back Dated", "--json").out)["next_call"])
    now = dt.date.fromisoformat(json.loads(cli("show", "Logged Now", "--json").out)["next_call"])
    assert abs((back - dt.date(2026, 12, 5)).days) <= 5  # 30 days after the lunch, within the tolerance
    assert abs((now - dt.date(2026, 12, 25)).days) <= 5


def test_on_a_walked_through_day_any_hour_of_it_can_be_logged_but_not_the_next_day(cli):
    """`--today` fixes a day other than the clock's: a call at 09:00 that day is no future call,
    whatever hour the run happens at (it once failed between midnight and nine); the next day is."""
    cli.ok("add", "Maria Schmidt")
    assert dates.today() != dt.date.today()
    late = dates.latest_moment()
    assert late.date() == dates.today() and (late.hour, late.minute) == (23, 59)
    cli.ok("log", "maria", "morning call", "--at", f"{dates.today().isoformat()} 09:00")
    cli.ok("log", "maria", "evening call", "--at", f"{dates.today().isoformat()} 23:30")
    refused = cli("log", "maria", "tomorrow's call", "--at", f"{dates.today() + dt.timedelta(days=1)} 09:00")
    assert refused.code == 2 and "is in the future" in refused.err
