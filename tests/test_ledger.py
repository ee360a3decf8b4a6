"""The reciprocity ledger: thank-you tasks, balance, owes-thanks, one-way and give-back."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from factories import new_contact
from playhouse.test_utils import count_queries

from planner.core.errors import BadInput
from planner.services.contact_views import load_views
from planner.services.ledger import add_favor, contact_ledger, delete_favor, ledger_rows, thank
from planner.store.models import Contact, PlannedCall

pytestmark = pytest.mark.engines  # every test here runs on SQLite and on PostgreSQL


def _thank_tasks(contact_id: int | None = None) -> list[tuple[dt.date, int]]:
    query = PlannedCall.select().where(PlannedCall.reason == "thank-you")
    if contact_id is not None:
        query = query.where(PlannedCall.contact == contact_id)
    return sorted((row.date, row.favor) for row in query if row.pinned)


def test_received_favour_creates_a_pinned_thank_you_due_two_working_days_later(db_path):
    cid = new_contact("Maria Schmidt", company="Hooli")
    favor = add_favor(cid, "received", "referral", "Sent us Bob")
    assert favor.thank_due == dt.date(2026, 11, 27)  # Wednesday + 2 working days
    assert _thank_tasks(cid) == [(dt.date(2026, 11, 27), favor.id)]
    friday = add_favor(cid, "got", "advice", day=dt.date(2026, 11, 20))
    assert friday.thank_due == dt.date(2026, 11, 24)  # over the weekend
    given = add_favor(cid, "gave", "introduction")
    assert given.thank_due is None and len(_thank_tasks(cid)) == 2


def test_owes_thanks_only_past_the_due_day_and_thank_clears_it(cli):
    cli("add", "Maria Schmidt", "--company", "Hooli")
    cli("add", "Jonas Weber")
    assert cli("favor", "Maria", "--got", "candidate-lead", "Ana for the data role", "--at", "2026-11-19").code == 0
    assert cli("favor", "Jonas", "--got", "referral", "--at", "today").code == 0
    owed = json.loads(cli("ledger", "--owed", "--json").out)
    assert [row["name"] for row in owed] == ["Maria Schmidt"]
    assert json.loads(cli("show", "Maria", "--json").out)["owes_thanks"] is True
    assert json.loads(cli("show", "Jonas", "--json").out)["owes_thanks"] is False
    result = cli("thank", "Maria")
    assert result.code == 0 and "candidate-lead" in result.out
    assert json.loads(cli("ledger", "--owed", "--json").out) == []
    again = cli("thank", "Maria")
    assert again.code == 2 and "nothing to thank" in again.err


def test_thank_one_favour_by_id(db_path):
    cid = new_contact("Maria Schmidt")
    first = add_favor(cid, "received", "referral", day=dt.date(2026, 11, 2))
    second = add_favor(cid, "received", "advice", day=dt.date(2026, 11, 3))
    thanked = thank(favor_id=first.id)
    assert [f.id for f in thanked] == [first.id]
    assert [fid for _, fid in _thank_tasks(cid)] == [second.id]
    with pytest.raises(BadInput, match="already thanked"):
        thank(favor_id=first.id)
    given = add_favor(cid, "gave", "advice")
    with pytest.raises(BadInput, match="only received"):
        thank(favor_id=given.id)


def test_balance_is_weights_given_minus_received(cli):
    cli("add", "Maria Schmidt")
    cli("favor", "Maria", "--gave", "introduction", "--weight", "3")
    cli("favor", "Maria", "--got", "advice", "--weight", "2")
    cli("favor", "Maria", "--got", "gift")
    shown = json.loads(cli("show", "Maria", "--json").out)
    assert shown["balance"] == 0
    cli("favor", "Maria", "--gave", "recommendation", "--weight", "2")
    assert json.loads(cli("show", "Maria", "--json").out)["balance"] == 2
    row = json.loads(cli("ledger", "--json").out)[0]
    assert (row["given"], row["received"], row["balance"]) == (5, 3, 2)


def test_one_way_counts_the_last_twelve_months_only(db_path):
    recent = new_contact("Recent Taker")
    old = new_contact("Old Taker")
    even = new_contact("Even Steven")
    for day in (dt.date(2026, 3, 1), dt.date(2026, 6, 1), dt.date(2026, 9, 1)):
        add_favor(recent, "received", "referral", day=day)
        add_favor(old, "received", "referral", day=day.replace(year=2025) - dt.timedelta(days=90))
        add_favor(even, "received", "referral", day=day)
    add_favor(recent, "gave", "advice", day=dt.date(2026, 10, 1))
    add_favor(even, "gave", "introduction", day=dt.date(2026, 10, 1))
    add_favor(even, "gave", "advice", day=dt.date(2026, 10, 2))
    big = new_contact("One Big Favour")
    add_favor(big, "received", "referral", weight=3, day=dt.date(2026, 10, 1))
    views = {v.name: v for v in load_views(Contact.select())}
    assert views["Recent Taker"].one_way is True  # received 3, gave 1
    assert views["Old Taker"].one_way is False  # all older than a year
    assert views["Even Steven"].one_way is False  # received 3, gave 2
    assert views["One Big Favour"].one_way is False  # one favour, however big, is not a pattern
    assert [r.name for r in ledger_rows(one_way=True)] == ["Recent Taker"]


def test_give_back_lists_helpers_we_have_not_helped_in_six_months_best_first(cli):
    for name in ("Small Helper", "Big Helper", "Helped Lately", "Helped Long Ago"):
        cli("add", name)
    cli("favor", "Small Helper", "--got", "advice", "--at", "2026-10-01")
    cli("favor", "Big Helper", "--got", "referral", "--weight", "3", "--at", "2026-09-01")
    cli("favor", "Helped Lately", "--got", "referral", "--weight", "3", "--at", "2026-09-01")
    cli("favor", "Helped Lately", "--gave", "advice", "--at", "2026-10-15")
    cli("favor", "Helped Long Ago", "--got", "introduction", "--weight", "2", "--at", "2026-08-01")
    cli("favor", "Helped Long Ago", "--gave", "advice", "--at", "2026-03-01")
    rows = json.loads(cli("ledger", "--give-back", "--json").out)
    assert [r["name"] for r in rows] == ["Big Helper", "Helped Long Ago", "Small Helper"]
    flags = {name: json.loads(cli("show", name, "--json").out)["give_back"]
             for name in ("Big Helper", "Helped Lately")}
    assert flags == {"Big Helper": True, "Helped Lately": False}
    table = cli("ledger", "--give-back")
    assert table.code == 0 and table.out.index("Big Helper") < table.out.index("Small Helper")


def test_contact_ledger_and_returns(cli):
    cli("add", "Maria Schmidt")
    got = json.loads(cli("favor", "Maria", "--got", "referral", "Bob", "--at", "2026-10-01", "--json").out)
    back = cli("favor", "Maria", "--gave", "intro", "to our CTO", "--returns", str(got["id"]), "--json")
    assert back.code == 0, back.err
    assert json.loads(back.out)["returns_id"] == got["id"]
    listing = json.loads(cli("ledger", "Maria", "--json").out)
    assert [f["kind"] for f in listing] == ["introduction", "referral"]  # newest first
    same_way = cli("favor", "Maria", "--got", "advice", "--returns", str(got["id"]))
    assert same_way.code == 2 and "other way" in same_way.err
    assert "to our CTO" in cli("ledger", "Maria").out


def test_bad_favour_input_is_rejected_clearly(cli):
    cli("add", "Maria Schmidt")
    bad_kind = cli("favor", "Maria", "--got", "bribe")
    assert bad_kind.code == 2 and "referral" in bad_kind.err
    assert cli("favor", "Maria", "--got", "advice", "--weight", "4").code == 2
    future = cli("favor", "Maria", "--got", "advice", "--at", "next week")
    assert future.code == 2 and "future" in future.err
    assert cli("favor", "Maria", "advice").code == 2  # neither --gave nor --got
    assert cli("thank").code == 2
    assert json.loads(cli("ledger", "--json").out) == []


def test_delete_favour_takes_its_task_away(db_path):
    cid = new_contact("Maria Schmidt")
    favor = add_favor(cid, "received", "gift", day=dt.date(2026, 11, 1))
    delete_favor(favor.id)
    assert _thank_tasks(cid) == [] and contact_ledger(cid) == []


def test_names_in_ledger_output_are_literal(cli):
    cli("add", "[bold]x[/] \x1b]0;pwned\x07")
    cli("favor", "1", "--got", "advice", "=cmd|' /C calc'!A0")
    out = cli("ledger").out + cli("ledger", "1").out
    assert "\x1b" not in out and "\x07" not in out
    assert "[bold]x[/]" in out


def test_contact_flags_cost_no_extra_queries_pernew_contact(db_path):
    ids = [new_contact(f"Person {i}") for i in range(30)]
    for cid in ids:
        add_favor(cid, "received", "advice", day=dt.date(2026, 11, 2))
    with count_queries() as few:
        load_views(Contact.select().where(Contact.id.in_(ids[:3])))
    with count_queries() as many:
        load_views(Contact.select().where(Contact.id.in_(ids)))
    assert many.count == few.count
