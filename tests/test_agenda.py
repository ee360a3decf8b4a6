"""The agenda: overdue items, each day of a Monday-to-Sunday week, and the context per item."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
from factories import new_contact, planned_row

from planner.core import dates
from planner.core.errors import BadInput
from planner.services import contacts
from planner.services.agenda import build_agenda, week_range
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.ledger import add_favor, thank
from planner.store.connect import open_database
from planner.store.database import close_database
from planner.store.models import Favor

pytestmark = pytest.mark.engines  # every test here runs on SQLite and on PostgreSQL

D = dt.date



def build_scenario() -> dict[str, int]:
    """Contacts without cadence (so no solver rows appear), and a hand-made plan around them."""
    def person(name: str, **kw) -> int:
        return new_contact(name, cadence_days=None, **kw)

    ids = {
        "maria": person("Maria Schmidt", company="Hooli", title="Head of Talent", phones=["+49 30 1234567"],
                        emails=["maria@hooli.example"], timezone="Europe/Berlin"),
        "jonas": person("Jonas Weber", company="Initech"),
        "aisha": person("Aisha Okafor"),
        "wei": person("Wei Chen", company="Globex"),
        "gone": person("Archived Person"),
    }
    log_interaction(LogRequest(ids["maria"], "Discussed Q1 roles", at=dates.parse_moment("2026-11-10 10:30")))
    add_favor(ids["maria"], "received", "referral", "Sent us Bob", day=D(2026, 11, 24))  # thank by Thu 26
    add_favor(ids["maria"], "gave", "advice", "CV review", day=D(2026, 9, 1))
    add_favor(ids["wei"], "received", "introduction", day=D(2026, 11, 10))  # due 12th: owed
    planned_row(ids["jonas"], D(2026, 11, 27))
    planned_row(ids["jonas"], D(2026, 12, 2), seq=1)
    planned_row(ids["maria"], D(2026, 11, 27), reason="catch-up")
    planned_row(ids["aisha"], D(2026, 11, 20), reason="follow-up", pinned=True)  # missed: overdue
    planned_row(ids["gone"], D(2026, 11, 26))
    contacts.set_archived(ids["gone"], True)
    return ids


@pytest.fixture
def scenario(db_path):
    return build_scenario()


def test_week_range_runs_monday_to_sunday():
    assert week_range(None) == (D(2026, 11, 23), D(2026, 11, 29))
    assert week_range("this") == (D(2026, 11, 23), D(2026, 11, 29))
    assert week_range("next") == (D(2026, 11, 30), D(2026, 12, 6))
    assert week_range("2026-W49") == week_range("next")
    assert week_range("2027-w01") == (D(2027, 1, 4), D(2027, 1, 10))
    for bad in ("2026-W54", "soon"):
        with pytest.raises(BadInput, match="--week"):
            week_range(bad)


def test_overdue_then_each_day_in_order(scenario):
    agenda = build_agenda(*week_range("this"))
    assert [day for day, _ in agenda.days] == [D(2026, 11, 23) + dt.timedelta(days=i) for i in range(7)]
    assert [(i.name, i.reason) for i in agenda.overdue] == [("Aisha Okafor", "follow-up")]
    assert [(i.name, i.date) for i in agenda.thank_yous] == [("Wei Chen", D(2026, 11, 12))]
    by_day = {day: [(i.kind, i.name, i.thanks_owed) for i in items] for day, items in agenda.days}
    # Maria's thank-you (due the 26th) is said by her call on the 27th: nobody appears twice.
    assert by_day[D(2026, 11, 26)] == []  # the archived contact is left out
    # catch-up first
    assert by_day[D(2026, 11, 27)] == [("call", "Maria Schmidt", True), ("call", "Jonas Weber", False)]
    assert agenda.thanks_owed == 2
    assert all(not items for day, items in agenda.days if day < D(2026, 11, 25))


def test_items_carry_the_context_for_the_call(scenario):
    agenda = build_agenda(D(2026, 11, 27), D(2026, 11, 27))
    maria = next(i for i in agenda.days[0][1] if i.name == "Maria Schmidt")
    assert (maria.company, maria.title, maria.phone, maria.email, maria.timezone) == (
        "Hooli", "Head of Talent", "+49 30 1234567", "maria@hooli.example", "Europe/Berlin")
    assert maria.last_contact.date() == D(2026, 11, 10)
    assert (maria.last_kind, maria.last_summary) == ("call", "Discussed Q1 roles")
    assert "referral" in maria.favors_received_open and "unthanked" in maria.favors_received_open
    assert "advice" in maria.favors_given_open and "CV review" in maria.favors_given_open
    assert maria.planned_call_id is not None and maria.favor_id is None


def test_last_contact_is_the_last_conversation_not_a_later_missed_call(scenario):
    log_interaction(LogRequest(scenario["maria"], "Rang twice", outcome="no-answer",
                               at=dates.parse_moment("2026-11-24 09:00")))
    log_interaction(LogRequest(scenario["jonas"], "Voicemail", outcome="left-message",
                               at=dates.parse_moment("2026-11-24 09:00")))
    planned_row(scenario["jonas"], D(2026, 11, 27))
    planned_row(scenario["maria"], D(2026, 11, 27), reason="catch-up")
    items = {i.name: i for i in build_agenda(D(2026, 11, 27), D(2026, 11, 27)).days[0][1]}
    maria, jonas = items["Maria Schmidt"], items["Jonas Weber"]
    assert (maria.last_contact.date(), maria.last_summary) == (D(2026, 11, 10), "Discussed Q1 roles")
    assert (jonas.last_kind, jonas.last_summary) == ("call, left-message", "Voicemail")  # never reached yet


def test_last_contact_skips_notes_breaks_ties_by_the_later_log_and_nudges_the_written_to(scenario):
    """What each row says of its contact, read for the whole week at once: the newest attempt of
    someone never reached (a later note is no attempt), nothing for someone with notes alone, the
    later of two logs at one moment, a nudge after three emails, and a favour given that came back
    no longer open."""
    at = dates.parse_moment
    log_interaction(LogRequest(scenario["wei"], "No answer", outcome="no-answer", at=at("2026-11-20 09:00")))
    log_interaction(LogRequest(scenario["wei"], "Looked them up", kind="note", at=at("2026-11-24 09:00")))
    log_interaction(LogRequest(scenario["aisha"], "Met at a fair", kind="note", at=at("2026-11-19 09:00")))
    for summary in ("Booked the room", "Agreed on Friday"):
        log_interaction(LogRequest(scenario["maria"], summary, at=at("2026-11-21 10:00")))
    for day in ("2026-11-16", "2026-11-18", "2026-11-22"):
        log_interaction(LogRequest(scenario["jonas"], "Sent the shortlist", kind="email", at=at(f"{day} 11:00")))
    given = Favor.get(Favor.note == "CV review").id
    add_favor(scenario["maria"], "received", "advice", "Helped us back", day=D(2026, 11, 20), returns=given)
    for name in ("wei", "jonas", "maria"):  # logging re-plans them: their calls this week, placed by hand
        planned_row(scenario[name], D(2026, 11, 27))
    items = {i.name: i for i in build_agenda(*week_range("this")).items if i.kind == "call"}
    wei, aisha, jonas, maria = (items[name] for name in ("Wei Chen", "Aisha Okafor", "Jonas Weber", "Maria Schmidt"))
    assert (wei.last_kind, wei.last_summary, wei.last_contact.date()) == ("call, no-answer", "No answer",
                                                                           D(2026, 11, 20))
    assert (aisha.last_contact, aisha.last_kind, aisha.last_summary) == (None, "", "")
    assert (maria.last_kind, maria.last_summary) == ("call", "Agreed on Friday")
    assert (jonas.last_kind, jonas.last_contact.date()) == ("email", D(2026, 11, 22))
    assert jonas.nudge == "only emails since November: call them" and maria.nudge == wei.nudge == ""
    assert "CV review" not in maria.favors_given_open and "Helped us back" in maria.favors_received_open


def test_thank_you_leaves_the_agenda_when_thanked(scenario):
    before = build_agenda(*week_range("this"))
    assert any(i.thanks_owed and i.name == "Maria Schmidt" for i in before.items)  # said by her call
    thank(contact_id=scenario["maria"])
    after = build_agenda(*week_range("this"))
    assert not any((i.kind == "thank-you" or i.thanks_owed) and i.name == "Maria Schmidt" for i in after.items)
    log_interaction(LogRequest(scenario["wei"], "Thanks for the intro!", kind="email", thanked=True))
    assert build_agenda(*week_range("this")).thank_yous == []


def test_next_week_still_lists_what_is_overdue(scenario):
    agenda = build_agenda(*week_range("next"))
    assert [i.name for i in agenda.overdue] == ["Aisha Okafor"]
    assert [(d, [i.name for i in items]) for d, items in agenda.days if items] == [(D(2026, 12, 2), ["Jonas Weber"])]


def test_range_is_checked(db_path):
    with pytest.raises(BadInput, match="before"):
        build_agenda(D(2026, 12, 1), D(2026, 11, 1))


@pytest.fixture
def cli_scenario(cli):
    open_database(cli.db)
    ids = build_scenario()
    close_database()
    return ids


def test_cli_agenda_week_and_today(cli, cli_scenario):
    result = cli("agenda")
    assert result.code == 0, result.err
    assert "week 2026-W48" in result.out and "Overdue (1)" in result.out and "Aisha Okafor" in result.out
    assert "Thank-yous owed (1)" in result.out and "Wei Chen" in result.out
    today_only = cli("agenda", "--today")
    assert today_only.code == 0 and "Wed 2026-11-25 (today)" in today_only.out
    assert "Thu 2026-11-26" not in today_only.out
    nxt = json.loads(cli("agenda", "--week", "next", "--format", "json").out)
    assert (nxt["start"], nxt["end"]) == ("2026-11-30", "2026-12-06")
    iso = json.loads(cli("agenda", "--week", "2026-W49", "--format", "json").out)
    assert iso["days"] == nxt["days"]
    ranged = json.loads(cli("agenda", "--from", "2026-11-26", "--to", "2026-11-27", "--format", "json").out)
    assert [d["date"] for d in ranged["days"]] == ["2026-11-26", "2026-11-27"]


def test_cli_agenda_bad_input(cli, cli_scenario):
    assert cli("agenda", "--to", "2026-12-01").code == 2
    bad = cli("agenda", "--week", "someday")
    assert bad.code == 2 and "--week" in bad.err
    assert cli("agenda", "--format", "pdf").code == 2
    assert cli("agenda", "--from", "2026-12-10", "--to", "2026-12-01").code == 2


def test_cli_agenda_output_file_is_private_and_format_follows_suffix(cli, cli_scenario, tmp_path):
    target = tmp_path / "out" / "week.json"
    target.parent.mkdir()
    result = cli("agenda", "-o", str(target))
    assert result.code == 0, result.err
    assert "(json)" in result.out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["start"] == "2026-11-23"
    assert sorted(p.name for p in target.parent.iterdir()) == ["week.json"]  # no temporary left behind
    missing = cli("agenda", "-o", str(tmp_path / "nowhere" / "x.txt"))
    assert missing.code == 2 and "no such folder" in missing.err


def test_cli_formats_on_stdout_and_thanks_from_a_log(cli, cli_scenario):
    import icalendar

    ics = cli("agenda", "--format", "ics")
    assert ics.code == 0, ics.err
    events = icalendar.Calendar.from_ical(ics.out.encode("utf-8")).walk("VEVENT")
    # Maria has a call this week too: one event, one line, that say both
    assert "Call and thank Maria Schmidt (Hooli)" in {str(e["SUMMARY"]) for e in events}
    md = cli("agenda", "--format", "markdown")
    assert md.code == 0 and "and thank them" in md.out and md.out.count("**Call Maria Schmidt**") == 1
    assert cli("agenda", "--format", "csv").out.startswith("date,kind,contact,company,phone,email,reason,")
    logged = cli("log", "Maria", "Thanked her for Bob", "--kind", "message", "--thanks")
    assert logged.code == 0, logged.err
    after = cli("agenda", "--format", "md")
    assert "and thank them" not in after.out
    assert json.loads(cli("show", "Maria", "--json").out)["owes_thanks"] is False
    assert cli("favour", "Maria", "--gave", "advice", "Salary benchmarks").code == 0


def test_a_first_read_places_every_item_and_the_details_follow(db_path):
    """The app's first frame reads where every item goes and every count (`details=False`), then
    what each item says beyond its row (`read_details`): together, exactly one whole read. On a desk
    with a call made today, a date coming up, favours, a nudge and calls reached by a colleague."""
    from planner.io.demo import build_demo
    from planner.scheduling.worklist import record
    from planner.services.agenda import read_details
    from planner.store.database import write_tx
    from planner.store.models import Contact, Member

    build_demo(contacts=120, seed=5)
    with write_tx():
        ana, ben = Member.create(name="Ana", role="ana").id, Member.create(name="Ben", role="ben").id
        Contact.update(owner_id=ana).execute()
    start, end = week_range("this")
    record(dates.today())  # today's list, so a call made today stays in view, ticked
    whole = build_agenda(start, end)
    today_call = next(i for day, items in whole.days if day == whole.today for i in items if i.kind == "call")
    thank_you = whole.thank_yous[0]
    for item in (today_call, thank_you):  # Ben reaches two of Ana's contacts
        log_interaction(LogRequest(item.contact_id, "quick word", member_id=ben))

    whole = build_agenda(start, end)
    first = build_agenda(start, end, details=False)
    assert [i.to_json() for i in whole.items + whole.done] != [i.to_json() for i in first.items + first.done]
    # every item in its place, every count as the whole read says, nothing read beyond the rows
    assert [(i.uid, i.name, i.date, i.why, i.owner, i.thanks_owed) for i in first.items + first.done] == [
        (i.uid, i.name, i.date, i.why, i.owner, i.thanks_owed) for i in whole.items + whole.done]
    assert (first.title, first.today_calls, first.thanks_owed) == (whole.title, whole.today_calls, whole.thanks_owed)
    assert all(i.pending and not i.phone for i in first.items + first.done)
    assert not any(i.last_contact or i.reached_by or i.favors_given_open or i.nudge for i in first.items)
    kinds = {i.kind for i in whole.items} | {"done" for _ in whole.done}
    assert kinds == {"call", "thank-you", "date", "done"}
    assert any(i.reached_by for i in whole.items) and any(i.reached_by for i in whole.done)
    assert any(i.nudge for i in whole.items) and any(i.favors_given_open for i in whole.items)

    shown = first.items[:3] + first.done  # a screenful first, then the rest
    read_details(shown)
    assert [i.to_json() for i in shown] == [i.to_json() for i in whole.items[:3] + whole.done]
    assert all(i.pending for i in first.items[3:])
    read_details(first.items)
    assert first.to_json() == whole.to_json()
    assert not any(i.pending for i in first.items + first.done)
    assert "pending" not in whole.items[0].to_json() and "owner_id" not in whole.items[0].to_json()


def test_a_call_made_today_with_someone_since_archived_leaves_the_agenda(db_path):
    from planner.scheduling.worklist import record

    cid = new_contact("Dana Done", cadence_days=None)
    planned_row(cid, dates.today())
    record(dates.today())
    log_interaction(LogRequest(cid, "Spoke about the move"))
    assert [item.name for item in build_agenda(*week_range("this")).done] == ["Dana Done"]
    contacts.set_archived(cid, True)
    assert build_agenda(*week_range("this")).done == []


def test_an_archived_contacts_date_does_not_come_up(db_path):
    """A birthday this week comes up on the agenda; archived, its contact takes it along."""
    from planner.services.important_dates import add_date, upcoming

    today = dates.today()
    soon = today + dt.timedelta(days=2)
    kept, archived = new_contact("Kim Kept", cadence_days=None), new_contact("Ari Archived", cadence_days=None)
    for cid in (kept, archived):
        add_date(cid, "birthday", f"--{soon.month:02d}-{soon.day:02d}")
    contacts.set_archived(archived, True)
    start, end = week_range("this")
    coming = upcoming(today, today + dt.timedelta(days=14), 3, today)
    assert [u.date.contact_name for u in coming] == ["Kim Kept"]
    assert [i.name for i in build_agenda(start, end + dt.timedelta(days=7)).items if i.kind == "date"] == ["Kim Kept"]
