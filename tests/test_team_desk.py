"""A desk on one PostgreSQL server, from the shell, each member connected as their own role:
owners, per-member settings and blocks, agendas per member, one memory of every contact (a call
logged by one member moves the owner's next call and warns the next caller), favours and their
thank-yous, and a member leaving with `team remove --to`."""

from __future__ import annotations

import json

import psycopg
import pytest
from factories import FIXED_TODAY

server_only = pytest.mark.engines("postgresql")


def _create_role(cli, role: str) -> str:
    """A login role on the test server (named uniquely per test database), allowed to read and
    write this test's database."""
    with psycopg.connect(str(cli.db), autocommit=True) as admin:
        database = admin.execute("SELECT current_database()").fetchone()[0]
        role = f"{role}_{database}"
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
        admin.execute(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
    return role


def _as(cli, role: str) -> str:
    return str(cli.db).replace("postgresql://postgres@", f"postgresql://{role}@", 1)


def _desk(cli) -> tuple[str, str]:
    """Mia and Jonas on the team; their database URIs."""
    mia, jonas = _create_role(cli, "mia"), _create_role(cli, "jonas")
    cli.ok("team", "add", "Mia", "--role", mia)
    cli.ok("team", "add", "Jonas", "--role", jonas)
    return _as(cli, mia), _as(cli, jonas)


def _contact(cli, name: str, db: str | None = None) -> dict:
    return next(c for c in json.loads(cli.ok("contacts", "--json", db=db)) if c["name"] == name)


def _agenda_names(cli, db: str, *extra: str) -> set[str]:
    agenda = json.loads(cli.ok("agenda", "--from", FIXED_TODAY.isoformat(), "--to", "2027-01-31",
                               "--format", "json", *extra, db=db))
    items = agenda["overdue"] + agenda["thank_yous"] + [i for day in agenda["days"] for i in day["items"]]
    return {item["name"] for item in items}


@server_only
def test_each_member_plans_their_own_contacts_on_their_own_days(cli):
    as_mia, as_jonas = _desk(cli)
    cli.ok("config", "--member", "Mia", "workdays", "mon,tue,wed")
    assert cli.ok("config", "--member", "Mia", "capacity", "8").strip() == "Mia: capacity = 8"
    cli.ok("block", "2026-11-30..2026-12-04", "--member", "Jonas", "--note", "conference")
    assert "2026-11-30  2026-12-04  5     Jonas  conference" in cli.ok("blocks")
    cli.ok("add", "Acme CFO", "--every", "30d", db=as_mia)  # owner: whoever adds it
    cli.ok("add", "Initech HR", "--every", "30d", "--owner", "Mia")  # the administrator names the owner
    cli.ok("add", "Globex CTO", "--every", "14d", db=as_jonas)
    assert _contact(cli, "Acme CFO")["owner_id"] == _contact(cli, "Initech HR")["owner_id"]
    assert _contact(cli, "Globex CTO")["owner_id"] != _contact(cli, "Acme CFO")["owner_id"]
    for name in ("Acme CFO", "Initech HR"):
        assert dt_weekday(_contact(cli, name)["next_call"]) in (0, 1, 2)
    jonas_call = _contact(cli, "Globex CTO")["next_call"]
    assert not "2026-11-30" <= jonas_call <= "2026-12-04"

    assert _agenda_names(cli, as_mia) == {"Acme CFO", "Initech HR"}
    assert _agenda_names(cli, as_jonas) == {"Globex CTO"}
    assert _agenda_names(cli, as_jonas, "--member", "Mia") == {"Acme CFO", "Initech HR"}
    assert _agenda_names(cli, as_jonas, "--team") == {"Acme CFO", "Initech HR", "Globex CTO"}
    text = cli.ok("agenda", "--from", FIXED_TODAY.isoformat(), "--to", "2027-01-31", "--team", db=as_mia)
    assert "for Mia" in text and "for Jonas" in text

    cli.ok("add", "Umbrella", "--every", "30d", "--tag", "client", db=as_mia)
    cli.ok("edit", "Initech HR", "--add-tag", "client")
    assert cli.ok("assign", "Umbrella", "Jonas").strip() == "assigned 1 contact to Jonas; their calls re-planned"
    assert cli.ok("assign", "--tag", "client", "Jonas", db=as_mia).strip() == \
        "assigned 1 contact to Jonas (1 already theirs); their calls re-planned"
    assert _agenda_names(cli, as_jonas) == {"Globex CTO", "Umbrella", "Initech HR"}
    assert _agenda_names(cli, as_mia) == {"Acme CFO"}
    assert "        owner  Jonas" in cli.ok("show", "Initech HR")
    initech = _contact(cli, "Initech HR")["next_call"]
    assert not "2026-11-30" <= initech <= "2026-12-04" and dt_weekday(initech) < 5  # Jonas's days now


def dt_weekday(iso: str) -> int:
    import datetime as dt

    return dt.date.fromisoformat(iso).weekday()


@server_only
def test_a_call_by_another_member_moves_the_owners_next_call_and_warns_the_next_caller(cli):
    as_mia, as_jonas = _desk(cli)
    cli.ok("add", "Acme CFO", "--every", "30d", db=as_mia)
    before = _contact(cli, "Acme CFO")["next_call"]
    cli.ok("log", "Acme CFO", "met at the fair", db=as_jonas)
    after = _contact(cli, "Acme CFO")
    assert after["next_call"] > before and after["next_reason"] == "cadence"
    text = cli.ok("agenda", "--from", FIXED_TODAY.isoformat(), "--to", "2027-01-31", db=as_mia)
    assert "Jonas spoke to them today" in text

    refused = cli("log", "Acme CFO", "checking in", db=as_mia)
    assert refused.code == 1
    assert "warning: Jonas spoke to them today (within 7 days)" in refused.err
    assert "nothing logged; add --yes" in refused.err
    history = json.loads(cli.ok("history", "Acme CFO", "--json"))
    assert [h["summary"] for h in history] == ["met at the fair"]
    cli.ok("log", "Acme CFO", "checking in", "--yes", db=as_mia)
    history = cli.ok("history", "Acme CFO").splitlines()
    assert history[0].split()[-1] == "by" and history[1].endswith("Mia") and history[2].endswith("Jonas")
    cli.ok("config", "team.recent_days", "0")
    assert cli("log", "Acme CFO", "again", db=as_jonas).code == 0  # no window: no warning


def _thanks_owed(cli, db: str, *extra: str) -> list[tuple[str, str]]:
    """(name, whose) of every thank-you in this member's agenda for the week: a row of its own, or
    said on that person's call."""
    agenda = json.loads(cli.ok("agenda", "--week", "--format", "json", *extra, db=db))
    items = agenda["overdue"] + agenda["thank_yous"] + [i for day in agenda["days"] for i in day["items"]]
    return [(i["name"], i["owner"]) for i in items if i["kind"] == "thank-you" or i["thanks_owed"]]


@server_only
def test_thank_yous_are_the_receivers_and_move_when_they_leave(cli):
    as_mia, as_jonas = _desk(cli)
    cli.ok("add", "Acme CFO", "--every", "90d", db=as_mia)
    cli.ok("add", "Globex CTO", "--every", "90d", db=as_jonas)
    cli.ok("favor", "Acme CFO", "--got", "referral", "sent us a candidate", db=as_jonas)
    assert _thanks_owed(cli, as_jonas) == [("Acme CFO", "Jonas")]
    assert _thanks_owed(cli, as_mia) == []
    cli.ok("pin", "Acme CFO", FIXED_TODAY.isoformat(), db=as_mia)  # Mia's call with them this week
    assert _thanks_owed(cli, as_mia, "--team") == [("Acme CFO", "Jonas")]  # Jonas's to say, not Mia's call
    ledger = json.loads(cli.ok("ledger", "--member", "Jonas", "--json"))
    assert [row["name"] for row in ledger] == ["Acme CFO"]
    assert json.loads(cli.ok("ledger", "--member", "Mia", "--json")) == []

    refused = cli("team", "remove", "Jonas")
    assert refused.code == 2 and "owns 1 contact; say who takes them over with --to NAME" in refused.err
    out = cli.ok("team", "remove", "Jonas", "--to", "Mia")
    assert out.strip() == "Jonas left the team; 1 contact now Mia's; 1 open thank-you to the contacts' owners"
    assert _contact(cli, "Globex CTO")["owner_id"] == _contact(cli, "Acme CFO")["owner_id"]
    assert _thanks_owed(cli, as_mia) == [("Acme CFO", "Mia")]
    assert [m["name"] for m in json.loads(cli.ok("team", "list", "--json"))] == ["Mia"]
    gone = cli("whoami", db=as_jonas)
    assert gone.code == 1 and "is not a member of this team" in gone.err

    jonas_role = as_jonas.split("//", 1)[1].split("@", 1)[0]
    other = cli("team", "add", "Jonas", "--role", as_mia.split("//", 1)[1].split("@", 1)[0])
    assert other.code == 2 and "left the desk on" in other.err and f"--role {jonas_role}" in other.err
    back = cli.ok("team", "add", "Jonas", "--role", jonas_role)  # Jonas returns: the same member again
    assert back.startswith("Jonas is back on the team")
    assert cli.ok("whoami", db=as_jonas).startswith("Jonas")
    assert sorted(m["name"] for m in json.loads(cli.ok("team", "list", "--json"))) == ["Jonas", "Mia"]
    assert _contact(cli, "Globex CTO")["owner_id"] == _contact(cli, "Acme CFO")["owner_id"]  # still Mia's


def test_a_personal_file_has_no_members_to_name(cli):
    cli.ok("add", "Acme CFO", "--every", "30d")
    for args in (("add", "X", "--owner", "Mia"), ("assign", "Acme CFO", "Mia"),
                 ("agenda", "--member", "Mia"), ("config", "--member", "Mia", "capacity", "8")):
        result = cli(*args)
        assert result.code == 2 and "no member 'Mia'; the members are: none yet" in result.err, (args, result.err)
    assert "Acme CFO" in cli.ok("agenda", "--week")  # everyone's: the one implicit member's


@server_only
def test_the_plan_says_each_owners_peak_against_their_own_bound(cli):
    as_mia, as_jonas = _desk(cli)
    cli.ok("config", "--member", "Mia", "capacity", "8")
    for n in range(6):
        cli.ok("add", f"Mia's {n}", "--every", "14d", db=as_mia)
        cli.ok("add", f"Jonas's {n}", "--every", "30d", db=as_jonas)
    out = cli.ok("plan")
    assert "    Mia: " in out and "capacity 8)" in out and "    Jonas: " in out
    for line in (line for line in out.splitlines() if line.startswith(("    Mia:", "    Jonas:"))):
        peak, bound = line.split("peak ")[1].split(" (lower bound ")
        assert int(peak) == int(bound.split(",")[0].rstrip(")")), line
    assert cli("check").code == 0


@server_only
def test_an_import_takes_its_owner(cli, tmp_path):
    _as_mia, as_jonas = _desk(cli)
    people = tmp_path / "people.csv"
    people.write_text("Name,Company\nAda Lovelace,Analytical\nGrace Hopper,Navy\n")
    cli.ok("import", str(people), "--owner", "Jonas", "--every", "30d")
    jonas_id = next(m["id"] for m in json.loads(cli.ok("team", "list", "--json")) if m["name"] == "Jonas")
    assert {_contact(cli, name)["owner_id"] for name in ("Ada Lovelace", "Grace Hopper")} == {jonas_id}
    assert _agenda_names(cli, as_jonas) == {"Ada Lovelace", "Grace Hopper"}
    bad = cli("import", str(people), "--owner", "Nobody")
    assert bad.code == 2 and "--owner: no member 'Nobody'; the members are: Jonas, Mia" in bad.err
