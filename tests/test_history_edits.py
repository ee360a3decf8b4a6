"""Deleting or correcting a log leaves the plan and the ledger as if it had never been logged, or
had been logged that way: the retry it fulfilled and the thank-you tasks it closed come back,
re-derived from the history that remains. Through the CLI, on a real database file."""

from __future__ import annotations

import datetime as dt
import json

from planner.store.models import PlannedCall


def _favours(cli, who: str) -> dict[str, dict]:
    return {f["note"]: f for f in json.loads(cli.ok("ledger", who, "--json"))}


def _plan(cli) -> list[tuple]:
    """Every stored call, read from the file the CLI wrote."""
    return cli.read(lambda: sorted((row.contact_id, row.date, row.reason, row.pinned, row.seq, row.favor or 0)
                                   for row in PlannedCall.select()))


def _next(cli, who: str) -> tuple[str | None, str | None]:
    shown = json.loads(cli.ok("show", who, "--json"))
    return shown["next_call"], shown["next_reason"]


def test_deleting_a_thanked_log_restores_the_plan_exactly(cli):
    maria = json.loads(cli.ok("add", "Maria Schmidt", "--every", "30d", "--json"))["id"]
    cli.ok("add", "Jonas Weber", "--every", "14d")
    cli.ok("favor", "Maria", "--got", "referral", "Sent us Bob", "--at", "2026-11-20")
    cli.log("Maria", "Rang", "--outcome", "no-answer")
    before = _plan(cli)
    assert ("retry" in {r[2] for r in before}) and ("thank-you" in {r[2] for r in before})
    thanked = cli.log("Maria", "Thanked her for Bob", "--thanks")
    after_log = _plan(cli)
    assert not {"retry", "thank-you"} & {r[2] for r in after_log if r[0] == maria}
    assert _favours(cli, "Maria")["Sent us Bob"]["thanked_at"] is not None

    cli.ok("delete-log", str(thanked))
    assert _plan(cli) == before
    favour = _favours(cli, "Maria")["Sent us Bob"]
    assert favour["thanked_at"] is None and favour["thank_due"] == "2026-11-24"
    assert json.loads(cli.ok("show", "Maria", "--json"))["owes_thanks"] is True


def test_a_reached_call_deleted_brings_the_retry_back(cli):
    cli.ok("add", "Maria Schmidt")
    cli.log("Maria", "Rang", "--outcome", "no-answer")
    assert _next(cli, "Maria") == ("2026-11-27", "retry")  # Wednesday + 2 working days
    reached = cli.log("Maria", "Called back")
    assert _next(cli, "Maria")[1] != "retry"
    cli.ok("delete-log", str(reached))
    assert _next(cli, "Maria") == ("2026-11-27", "retry")


def test_a_follow_up_log_deleted_gives_back_the_retry_it_replaced(cli):
    cli.ok("add", "Maria Schmidt")
    cli.log("Maria", "Rang", "--outcome", "left-message")
    follow = cli.log("Maria", "She rang back: talk in January", "--next", "2027-01-11")
    assert _next(cli, "Maria") == ("2027-01-11", "follow-up")
    cli.ok("delete-log", str(follow))
    assert _next(cli, "Maria") == ("2026-11-27", "retry")


def test_deleting_the_newest_missed_call_leaves_the_older_one_s_retry(cli):
    cli.ok("add", "Maria Schmidt")
    cli.log("Maria", "Spoke", "--at", "2026-11-10 10:00")
    cli.log("Maria", "Rang", "--outcome", "no-answer", "--at", "2026-11-24 09:00")
    newest = cli.log("Maria", "Rang again", "--outcome", "no-answer")
    cli.ok("delete-log", str(newest))
    assert _next(cli, "Maria") == ("2026-11-27", "retry")  # logged today: retry two working days on
    older = json.loads(cli.ok("history", "Maria", "--json"))[0]["id"]
    cli.ok("delete-log", str(older))
    assert _next(cli, "Maria")[1] != "retry"  # the newest attempt left reached her


def test_deleting_an_older_log_leaves_the_retry_alone(cli):
    cli.ok("add", "Maria Schmidt")
    old = cli.log("Maria", "Spoke", "--at", "2026-11-10 10:00")
    cli.log("Maria", "Rang", "--outcome", "no-answer")
    cli.ok("unpin", "Maria")  # the user dropped the retry on purpose
    cli.ok("delete-log", str(old))
    assert _next(cli, "Maria")[1] != "retry"


def test_thanks_fall_back_to_a_later_thanked_log_and_explicit_thanks_stay(cli):
    cli.ok("add", "Maria Schmidt")
    cli.ok("favor", "Maria", "--got", "advice", "CV tips", "--at", "2026-11-02")
    cli.ok("thank", "Maria")  # explicit: not the log's to undo
    cli.ok("favor", "Maria", "--got", "referral", "Ana", "--at", "2026-11-16")
    cli.ok("favor", "Maria", "--got", "introduction", "CTO", "--at", "2026-11-23")
    first = cli.log("Maria", "Thanks for Ana", "--thanks", "--at", "2026-11-18 10:00")
    cli.log("Maria", "Thanks for the CTO", "--thanks", "--at", "2026-11-24 10:00")
    explicit = _favours(cli, "Maria")["CV tips"]["thanked_at"]
    cli.ok("delete-log", str(first))
    favours = _favours(cli, "Maria")
    assert favours["CV tips"]["thanked_at"] == explicit
    assert favours["Ana"]["thanked_at"].startswith("2026-11-24T10:00")  # the later thanks covers it
    assert favours["CTO"]["thanked_at"].startswith("2026-11-24T10:00")
    assert not [r for r in _plan(cli) if r[2] == "thank-you"]


def test_edit_log_no_thanks_reopens_and_thanks_closes_again(cli):
    cli.ok("add", "Maria Schmidt")
    cli.ok("favor", "Maria", "--got", "referral", "Bob", "--at", "2026-11-20")
    logged = cli.log("Maria", "Chat", "--thanks")
    assert not [r for r in _plan(cli) if r[2] == "thank-you"]
    cli.ok("edit-log", str(logged), "--no-thanks")
    assert _favours(cli, "Maria")["Bob"]["thanked_at"] is None
    assert [(r[1], r[2]) for r in _plan(cli) if r[2] == "thank-you"] == [(dt.date(2026, 11, 24), "thank-you")]
    assert json.loads(cli.ok("history", "Maria", "--json"))[0]["thanked"] is False
    cli.ok("edit-log", str(logged), "--thanks")
    assert _favours(cli, "Maria")["Bob"]["thanked_at"] is not None
    assert not [r for r in _plan(cli) if r[2] == "thank-you"]


def test_edit_log_moving_thanks_before_the_favour_reopens_it(cli):
    cli.ok("add", "Maria Schmidt")
    cli.ok("favor", "Maria", "--got", "referral", "Bob", "--at", "2026-11-20")
    logged = cli.log("Maria", "Chat", "--thanks")
    cli.ok("edit-log", str(logged), "--at", "2026-11-19 10:00")  # it was before she sent Bob
    assert _favours(cli, "Maria")["Bob"]["thanked_at"] is None
    assert json.loads(cli.ok("show", "Maria", "--json"))["owes_thanks"] is True


def test_edit_log_outcome_sets_and_drops_the_retry(cli):
    cli.ok("add", "Maria Schmidt")
    logged = cli.log("Maria", "Rang")
    assert _next(cli, "Maria")[1] != "retry"
    cli.ok("edit-log", str(logged), "--outcome", "no-answer")  # as if logged as missed today
    assert _next(cli, "Maria") == ("2026-11-27", "retry")
    cli.ok("edit-log", str(logged), "--outcome", "spoke")
    assert _next(cli, "Maria")[1] != "retry"

