"""`followup team add | list` and `followup whoami`: members of a desk on one PostgreSQL server,
each connecting as their own role; a personal SQLite file has one implicit member."""

from __future__ import annotations

import json

import psycopg
import pytest

server_only = pytest.mark.engines("postgresql")


def _create_role(cli, role: str) -> str:
    """A login role on the test server (roles are server-wide: the name is made unique per test),
    allowed to read and write this test's database."""
    with psycopg.connect(str(cli.db), autocommit=True) as admin:
        database = admin.execute("SELECT current_database()").fetchone()[0]
        role = f"{role}_{database}"
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
    return role


def _as(cli, role: str) -> str:
    """This test's database, connected to as `role`."""
    return str(cli.db).replace("postgresql://postgres@", f"postgresql://{role}@", 1)


@server_only
def test_members_are_added_listed_and_each_session_knows_who_it_is(cli):
    mia, jonas = _create_role(cli, "mia"), _create_role(cli, "jonas")
    assert cli.ok("team", "add", "Mia Example", "--role", mia, "--email", "mia@example.com").strip() == \
        f"added Mia Example (role {mia})"
    cli.ok("team", "add", "Jonas Weber", "--role", jonas)

    listed = json.loads(cli.ok("team", "list", "--json"))
    assert [(m["name"], m["role"], m["email"]) for m in listed] == [
        ("Jonas Weber", jonas, ""), ("Mia Example", mia, "mia@example.com")]
    table = cli.ok("team", "list")
    assert "Mia Example" in table and "2 members" in table

    assert cli.ok("whoami", db=_as(cli, mia)).startswith(f"Mia Example (role {mia}) on database ")
    assert json.loads(cli.ok("whoami", "--json", db=_as(cli, jonas)))["name"] == "Jonas Weber"


@server_only
def test_a_role_that_is_not_a_member_is_told_how_to_join(cli):
    ana = _create_role(cli, "ana")
    result = cli("whoami", db=_as(cli, ana))
    assert result.code == 1
    assert f"role '{ana}' is not a member of this team; add it with: followup team add NAME --role {ana}" \
        in result.err


@server_only
def test_bad_members_are_refused_clearly_and_nothing_is_stored(cli):
    mia = _create_role(cli, "mia")
    cli.ok("team", "add", "Mia", "--role", mia)
    cases = [
        (("team", "add", "Ghost", "--role", "no_such_role"), "no PostgreSQL role 'no_such_role' on this server"),
        (("team", "add", "Mia", "--role", "postgres"), "'Mia' (role"),
        (("team", "add", "Mia Again", "--role", mia), f"'Mia' (role '{mia}') is already a member"),
        (("team", "add", "  ", "--role", mia), "empty name"),
        (("team", "add", "Bo", "--role", "postgres", "--email", "not-an-address"), "not an email address"),
    ]
    for args, message in cases:
        result = cli(*args)
        assert result.code == 2 and message in result.err and result.err.count("\n") == 1, result.err
    assert [m["name"] for m in json.loads(cli.ok("team", "list", "--json"))] == ["Mia"]


def test_a_personal_file_has_one_implicit_member_and_no_team(cli):
    assert cli.ok("whoami").startswith("you: the one member of the personal database ")
    assert json.loads(cli.ok("whoami", "--json")) is None
    result = cli("team", "add", "Mia", "--role", "mia")
    assert result.code == 1 and "a team shares a PostgreSQL database" in result.err
    assert json.loads(cli.ok("team", "list", "--json")) == []
