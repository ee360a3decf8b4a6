"""`followup log ... --private`: the note's text is its author's alone. On a team server the server
enforces it (row-level security on the author's role): another member's history, exports and even
a raw SELECT as their role with plain psycopg do not see it; that the call happened, its day and
its outcome stay visible. On a personal SQLite file the text is simply the author's."""

from __future__ import annotations

import json

import psycopg
import pytest

server_only = pytest.mark.engines("postgresql")

SECRET = "offer 95k, do not tell the client"
SECRET_NOTES = "wants to leave by March #fact salary: 95k"


def member_role(cli, name: str) -> str:
    """A login role on the test server, unique to this test's database, with the privileges a
    member is given (README: Setting up a team server), added as a member; its name."""
    with psycopg.connect(str(cli.db), autocommit=True) as admin:
        database = admin.execute("SELECT current_database()").fetchone()[0]
        role = f"{name.lower()}_{database}"
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
        admin.execute(f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
    cli.ok("team", "add", name, "--role", role)
    return role


def as_role(cli, role: str) -> str:
    return str(cli.db).replace("postgresql://postgres@", f"postgresql://{role}@", 1)


@server_only
def test_a_private_note_is_read_by_its_author_alone_through_every_path(cli):
    mia, jonas = member_role(cli, "Mia"), member_role(cli, "Jonas")
    cli.ok("add", "Maria Schmidt", "--company", "Hooli", db=as_role(cli, mia))
    logged = json.loads(cli.ok("log", "maria", SECRET, "--notes", SECRET_NOTES, "--private", "--json",
                               db=as_role(cli, mia)))
    assert logged["summary"] == SECRET and logged["private"] is True

    # the author reads it back
    mine = json.loads(cli.ok("history", "maria", "--json", db=as_role(cli, mia)))
    assert (mine[0]["summary"], mine[0]["notes"]) == (SECRET, SECRET_NOTES)
    assert SECRET in cli.ok("history", "maria", db=as_role(cli, mia))

    # another member sees that it happened, when and how it went, and no word of it
    theirs = json.loads(cli.ok("history", "maria", "--json", db=as_role(cli, jonas)))
    assert [(t["kind"], t["outcome"], t["happened_at"], t["private"]) for t in theirs] == \
        [("call", "spoke", mine[0]["happened_at"], True)]
    assert (theirs[0]["summary"], theirs[0]["notes"]) == ("", "")
    outputs = [cli.ok("history", "maria", db=as_role(cli, jonas)),
               cli.ok("show", "maria", "--json", db=as_role(cli, jonas)),
               cli.ok("fact", "list", "maria", db=as_role(cli, jonas))]
    for fmt in ("text", "md", "csv", "json", "ics"):
        outputs.append(cli.ok("agenda", "--from", "2026-11-01", "--to", "2027-06-30", "--format", fmt,
                              db=as_role(cli, jonas)))
    for output in outputs:
        assert "95k" not in output and "March" not in output, output
    assert "(private)" in outputs[0]

    # and not through the tables either, with plain psycopg as their role
    with psycopg.connect(as_role(cli, jonas)) as conn:
        assert conn.execute("SELECT count(*) FROM private_note").fetchone() == (0,)
        assert conn.execute("SELECT summary, notes, private FROM interaction").fetchall() == [("", "", True)]
        rows = " ".join(row[0] for row in conn.execute("SELECT t::text FROM interaction t"))
        assert "95k" not in rows
        # nor can they write one in Mia's name, or take hers over
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO private_note (interaction_id, author_role, summary) VALUES (%s, %s, 'x')",
                         (logged["id"], mia))
    with psycopg.connect(as_role(cli, jonas)) as conn:
        assert conn.execute("UPDATE private_note SET author_role = current_user").rowcount == 0
    with psycopg.connect(as_role(cli, mia)) as conn:
        assert conn.execute("SELECT author_role, summary FROM private_note").fetchall() == [(mia, SECRET)]

    # nor change its text through followup
    result = cli("edit-log", str(logged["id"]), "--summary", "mine now", db=as_role(cli, jonas))
    assert result.code == 2 and "private note: only the member who logged it" in result.err
    cli.ok("edit-log", str(logged["id"]), "--summary", "offer 96k", db=as_role(cli, mia))
    assert json.loads(cli.ok("history", "maria", "--json", db=as_role(cli, mia)))[0]["summary"] == "offer 96k"
    # the #fact line of a private note stays private: facts are the team's
    assert "salary" not in cli.ok("fact", "list", "maria", db=as_role(cli, mia))

    # the call counts for the team: it reset Maria's cadence for everyone
    shown = json.loads(cli.ok("show", "maria", "--json", db=as_role(cli, jonas)))
    assert shown["next_call"] == json.loads(cli.ok("show", "maria", "--json", db=as_role(cli, mia)))["next_call"]


@server_only
def test_a_private_log_another_member_deletes_takes_its_note_with_it(cli):
    mia, jonas = member_role(cli, "Mia"), member_role(cli, "Jonas")
    cli.ok("add", "Maria Schmidt", db=as_role(cli, mia))
    log_id = json.loads(cli.ok("log", "maria", SECRET, "--private", "--json", db=as_role(cli, mia)))["id"]
    cli.ok("delete-log", str(log_id), db=as_role(cli, jonas))
    with psycopg.connect(as_role(cli, mia)) as conn:
        assert conn.execute("SELECT count(*) FROM private_note").fetchone() == (0,)


@pytest.mark.engines
def test_the_author_reads_a_private_note_back_and_it_counts_as_a_call(cli):
    cli.ok("add", "Maria Schmidt")
    log_id = cli.log("maria", SECRET, "--notes", "details", "--private")
    history = json.loads(cli.ok("history", "maria", "--json"))
    assert [(h["id"], h["summary"], h["notes"], h["private"]) for h in history] == \
        [(log_id, SECRET, "details", True)]
    assert f"(private) {SECRET}" in cli.ok("history", "maria")
    assert json.loads(cli.ok("show", "maria", "--json"))["last_contacted"] is not None


@server_only
def test_a_private_note_being_typed_is_not_another_members_draft(cli):
    """The quick-log saves what is typed as a draft: on a server each member's drafts are theirs."""
    mia, jonas = member_role(cli, "Mia"), member_role(cli, "Jonas")
    cli.ok("add", "Maria Schmidt", db=as_role(cli, mia))
    with psycopg.connect(as_role(cli, mia)) as conn:
        conn.execute("INSERT INTO draft (contact_id, started_at, updated_at, kind, outcome, summary, notes, "
                     "next_when, extra) VALUES (1, now(), now(), 'call', 'spoke', '', %s, '', "
                     "'{\"private\": true}')", (SECRET,))
    with psycopg.connect(as_role(cli, jonas)) as conn:
        assert conn.execute("SELECT count(*) FROM draft").fetchone() == (0,)
    with psycopg.connect(as_role(cli, mia)) as conn:
        assert conn.execute("SELECT author_role, notes FROM draft").fetchall() == [(mia, SECRET)]
