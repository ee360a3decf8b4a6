"""The README's recipe for a desk on one PostgreSQL server, run as written against the test
session's server: the administrator's shell lines (createuser, createdb, psql -c) become the same
statements through psycopg, and every `followup` line runs as it is, on this server."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import psycopg
import pytest

from planner.store import migrations
from planner.store.connect import open_database
from planner.store.database import close_database

pytestmark = pytest.mark.engines("postgresql")

README = Path(__file__).resolve().parents[1] / "README.md"


def recipe() -> list[list[str]]:
    """The lines of the sh blocks of the README's section on a desk on a server, as words."""
    section = README.read_text().split("### A desk on one PostgreSQL server", 1)[1].split("\n### ", 1)[0]
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            line = re.split(r"\s{2,}#", line)[0].strip()
            for part in line.split(" ; "):
                if part.strip():
                    lines.append(shlex.split(part))
    return lines


class Desk:
    """The README's recipe run on the test session's server, its names made unique per test (roles
    are the server's, shared by every database on it)."""

    def __init__(self, pg_cluster, cli, tmp_path):
        self.pg_cluster, self.cli, self.tmp_path = pg_cluster, cli, tmp_path
        self.suffix = re.search(r"@/(\w+)\?", str(cli.db)).group(1)
        self.names: dict[str, str] = {}
        self.personal = tmp_path / "mine" / "followup.db"
        self.member_db: str | None = None

    def named(self, word: str) -> str:
        for plain in ("desk_admin", "mia", "jonas", "desk"):
            word = re.sub(rf"\b{plain}\b", lambda m: self.names.setdefault(m.group(0), f"{m.group(0)}_{self.suffix}"),
                          word)
        return word

    def url(self, uri: str) -> str:
        user, database = re.match(r"postgresql://(\w+)@localhost/(\w+)", uri).groups()
        return self.pg_cluster.url(self.named(database), user=self.named(user))

    def role_url(self, role: str) -> str:
        return self.pg_cluster.url(self.named("desk"), user=self.named(role))

    def run(self, words: list[str], *, schema_at: int | None = None) -> None:
        """One line of the recipe, as written; `schema_at` sets the tables up as an older followup
        (at that schema version) would have, instead of running `config`."""
        if words[:3] == ["sudo", "-u", "postgres"]:
            tool, rest = words[3], words[4:]
            with psycopg.connect(self.pg_cluster.url("postgres"), autocommit=True) as admin:
                if tool == "createuser":
                    admin.execute(f'CREATE ROLE "{self.named(rest[0])}" LOGIN')
                elif tool == "createdb":
                    owner, database = rest[rest.index("-O") + 1], rest[-1]
                    admin.execute(f'CREATE DATABASE "{self.named(database)}" OWNER "{self.named(owner)}"')
                else:
                    assert tool == "psql", words
                    target = rest[0] if rest[0] != "-c" else "postgres"
                    statements = [rest[i + 1] for i, word in enumerate(rest) if word == "-c"]
                    with psycopg.connect(self.pg_cluster.url(self.named(target) if target != "postgres" else target),
                                         autocommit=True) as conn:
                        for sql in statements:
                            conn.execute(self.named(sql))
        elif words[0] == "export":
            self.member_db = self.url(words[1].split("=", 1)[1])
        elif words[0] == "followup":
            args = words[1:]
            if args[:1] == ["--db"]:
                db, args = self.url(args[1]), args[2:]
            else:
                db = self.member_db or self.personal
            if schema_at is not None and args == ["config"]:
                opened = open_database(db, migrate=False)
                try:
                    migrations.migrate(opened, target=schema_at)
                finally:
                    close_database()
                return
            args = [self.url(a) if a.startswith("postgresql://") else self.named(a) for a in args]
            if args[0] == "migrate-to" and not args[1].startswith("postgresql"):
                args[1] = str(self.tmp_path / "back.db")
            result = self.cli(*args, db=db)
            assert result.code == 0, (words, result.err)
        else:
            raise AssertionError(f"a line the test does not know how to run: {words}")


def test_the_readme_recipe_sets_up_a_desk_and_moves_a_file_onto_it(pg_cluster, cli, tmp_path):
    desk = Desk(pg_cluster, cli, tmp_path)
    cli.ok("add", "Maria Schmidt", "--company", "Hooli", db=desk.personal)
    cli.ok("log", "maria", "met at the fair", db=desk.personal)
    ran = 0
    for words in recipe():
        ran += 1
        desk.run(words)
    assert ran >= 10

    mia, jonas = desk.role_url("mia"), desk.role_url("jonas")
    assert [m["name"] for m in json.loads(cli.ok("team", "list", "--json", db=mia))] == ["Jonas Weber", "Mia Example"]
    assert cli.ok("whoami", db=jonas).startswith("Jonas Weber")
    # Mia's file is on the server, and her private note is hers even against the tables' owner
    assert {h["summary"] for h in json.loads(cli.ok("history", "maria", "--json", db=mia))} == \
        {"met at the fair", "Offer: 95k"}
    for other in (jonas, desk.role_url("desk_admin")):
        assert {h["summary"] for h in json.loads(cli.ok("history", "maria", "--json", db=other))} == \
            {"met at the fair", ""}
    assert json.loads(cli.ok("history", "maria", "--json", db=tmp_path / "back.db"))[0]["summary"] == "Offer: 95k"


def test_a_desk_set_up_by_an_older_followup_is_upgraded_by_its_owner_and_members_use_the_new_tables(
        pg_cluster, cli, tmp_path):
    """The tables an upgrade adds (the day's worklist, private notes: after version 15) are the
    members' too, through the recipe's default privileges; until the owner upgrades, a member's
    followup refuses in one line naming the owner, and changes nothing."""
    desk = Desk(pg_cluster, cli, tmp_path)
    lines = recipe()
    setup = [words for words in lines if words[0] == "sudo" or words[-1:] == ["config"]]
    for words in setup:
        desk.run(words, schema_at=15)
    mia = desk.role_url("mia")
    refused = cli("contacts", db=mia)
    assert refused.code == 1
    assert refused.err.count("\n") == 1 and "schema version 15" in refused.err
    assert f"role {desk.named('desk_admin')}" in refused.err and "config" in refused.err
    assert migrations.LATEST > 15

    cli.ok("config", db=desk.role_url("desk_admin"))  # the owner upgrades once
    for words in lines:
        if words[:2] == ["followup", "--db"] and words[3:5] == ["team", "add"]:
            desk.run(words)
    cli.ok("add", "Maria Schmidt", "--company", "Hooli", db=mia)
    cli.ok("log", "maria", "Offer: 95k", "--private", db=mia)  # private_note: added by version 19
    cli.ok("plan", db=mia)  # writes the day's worklist: added by version 16
    assert {h["summary"] for h in json.loads(cli.ok("history", "maria", "--json", db=mia))} == {"Offer: 95k"}
    assert {h["summary"] for h in json.loads(cli.ok("history", "maria", "--json", db=desk.role_url("jonas")))} == {""}
