"""Referral chains: a referral names who was referred, the ledger shows what came of it, and a
placement or a closed deal puts a second thank-you on the referrer's agenda and in their balance."""

from __future__ import annotations

import json


def _ok(result):
    assert result.code == 0, result.err
    return result


def _thank_yous(cli, today: str) -> list[tuple[str, str, str]]:
    data = json.loads(_ok(cli("agenda", "--from", today, "--to", "2026-12-31", "--format", "json",
                              today=today)).out)
    items = data["overdue"] + data["thank_yous"] + [i for day in data["days"] for i in day["items"]]
    return [(i["name"], i["date"], i["why"]) for i in items if i["kind"] == "thank-you"]


def _balance(cli, name: str) -> int:
    rows = json.loads(_ok(cli("ledger", "--json")).out)
    return next(r["balance"] for r in rows if r["name"] == name)


def test_a_placed_referral_puts_a_second_thank_you_on_the_referrers_agenda(cli):
    _ok(cli("add", "Maria Schmidt", "--company", "Hooli"))
    _ok(cli("add", "Jonas Weber", "--kind", "candidate"))
    _ok(cli("add", "Peter Gibbons", "--company", "Initech", "--kind", "client"))
    out = _ok(cli("favor", "maria", "--got", "referral", "--for", "jonas", "Introduced me to Jonas")).out
    assert "recorded favour 1" in out
    _ok(cli("thank", "maria"))
    assert _thank_yous(cli, "2026-11-25") == []
    assert _balance(cli, "Maria Schmidt") == -1
    ledger = json.loads(_ok(cli("ledger", "maria", "--json")).out)
    assert [(f["note"], f["referred_id"], f["chain"]) for f in ledger] == [
        ("Introduced me to Jonas", 2, "Maria Schmidt → Jonas Weber")]

    _ok(cli("placed", "jonas", "--client", "peter", "--start", "2026-12-07", today="2026-11-30"))
    assert _thank_yous(cli, "2026-11-30") == [
        ("Maria Schmidt", "2026-12-02", "Jonas was placed at Initech: tell Maria")]
    assert _balance(cli, "Maria Schmidt") == -2
    ledger = json.loads(_ok(cli("ledger", "maria", "--json")).out)
    assert {f["chain"] for f in ledger} == {"Maria Schmidt → Jonas Weber → placed at Initech 2026-12-07"}
    text = _ok(cli("agenda", "--from", "2026-12-02", "--to", "2026-12-02", today="2026-11-30")).out
    assert "thank (Jonas was placed at Initech: tell Maria)" in text
    _ok(cli("thank", "maria", today="2026-12-01"))
    assert _thank_yous(cli, "2026-12-01") == []


def test_a_referred_client_closing_a_deal_thanks_the_referrer_again(cli):
    _ok(cli("add", "Maria Schmidt"))
    _ok(cli("add", "Peter Gibbons", "--company", "Initech"))
    _ok(cli("favor", "maria", "--got", "introduction", "--for", "peter"))
    _ok(cli("thank", "maria"))
    _ok(cli("event", "peter", "deal-closed", "--on", "2026-11-25"))
    assert _thank_yous(cli, "2026-11-25") == [("Maria Schmidt", "2026-11-27", "Peter closed a deal: tell Maria")]
    ledger = json.loads(_ok(cli("ledger", "maria", "--json")).out)
    assert {f["chain"] for f in ledger} == {"Maria Schmidt → Peter Gibbons → deal closed 2026-11-25"}
    # another sequence for a referred person is nothing to thank for
    _ok(cli("event", "peter", "new-job", "--on", "2026-11-25"))
    assert len(_thank_yous(cli, "2026-11-25")) == 1


def test_only_referrals_and_introductions_name_someone(cli):
    _ok(cli("add", "Maria Schmidt"))
    _ok(cli("add", "Jonas Weber"))
    bad = cli("favor", "maria", "--got", "advice", "--for", "jonas")
    assert bad.code == 2 and "--for" in bad.err
    bad = cli("favor", "maria", "--got", "referral", "--for", "maria")
    assert bad.code == 2 and "themselves" in bad.err
    assert json.loads(_ok(cli("ledger", "maria", "--json")).out) == []
